"""The question embedder as the retriever sees it, and a lazy one: the model loads at the first dense search."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol


class QueryEmbedder(Protocol):
    """What dense search needs of an embedding model: a question's vector, and the model's name."""

    @property
    def model_name(self) -> str: ...

    def get_query_embedding(self, query: str) -> list[float]: ...


class LazyEmbedder:
    """Builds the embedder on first use. A list question never embeds, so `ask` does not pay for loading
    llama-index and the model (most of its start-up) unless a dense search runs."""

    def __init__(self, load: Callable[[], QueryEmbedder]) -> None:
        self._load = load
        self._model: QueryEmbedder | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def model(self) -> QueryEmbedder:
        """The embedder, built now if it was not yet (once, whichever thread asks first)."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    @property
    def model_name(self) -> str:
        return self.model().model_name

    def get_query_embedding(self, query: str) -> list[float]:
        return self.model().get_query_embedding(query)
