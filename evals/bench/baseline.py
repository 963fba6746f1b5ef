"""The baseline a user builds in ten minutes: a llama-index VectorStoreIndex, one node per row, top-k as citations."""

from __future__ import annotations

from chromadb.api.models.Collection import Collection
from llama_index.core import VectorStoreIndex
from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.schema import TextNode
from llama_index.vector_stores.chroma import ChromaVectorStore

from ingest.embed_cache import EmbeddingCache
from ingest.indexer import passage_text
from ingest.rows import Row
from ingest.store import row_id

BASELINE_K = (5, 10)  # the retriever depths the report shows


class BaselineRAG:
    """Plain dense retrieval: the k nearest rows are the answer's citations; it never abstains."""

    def __init__(self, index: VectorStoreIndex, k: int) -> None:
        self.k = k
        self._retriever = index.as_retriever(similarity_top_k=k)

    @classmethod
    def from_rows(cls, rows: list[Row], cache: EmbeddingCache, embed_model: BaseEmbedding, k: int) -> BaselineRAG:
        """An in-memory index over the rows' passage texts, with the vectors the ingest cached (nothing embeds)."""
        texts = [passage_text(r) for r in rows]
        vectors = cache.get_many(texts)
        missing = [r.id for r, t in zip(rows, texts, strict=True) if t not in vectors]
        if missing:
            raise ValueError(f"{len(missing)} rows have no cached vector (first {missing[0]}): ingest them first")
        nodes = [TextNode(id_=r.id, text=t, embedding=vectors[t]) for r, t in zip(rows, texts, strict=True)]
        return cls(VectorStoreIndex(nodes=nodes, embed_model=embed_model, show_progress=False), k)

    @classmethod
    def from_collection(cls, collection: Collection, embed_model: BaseEmbedding, k: int) -> BaselineRAG:
        """The same over an existing Chroma build (its nodes already hold the rows' passage vectors)."""
        store = ChromaVectorStore(chroma_collection=collection)
        return cls(VectorStoreIndex.from_vector_store(store, embed_model=embed_model), k)

    def retrieve(self, question: str) -> list[str]:
        """Row ids of the k nearest rows, nearest first."""
        return [row_id(hit.node.node_id) if "@" in hit.node.node_id else hit.node.node_id
                for hit in self._retriever.retrieve(question)]
