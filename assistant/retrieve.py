"""Turn a Query into the rows that answer it: complete lists by filter, topics by anchor and hybrid rank."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.catalog import Catalog
from assistant.hybrid import HybridSearcher
from assistant.understand import Query
from ingest.rows import Row

FACT_ROWS = 3
FACT_CANDIDATES = 5
_CLAUSES = re.compile(r"[^。；;，,！？\n]+")
TOPIC_MAX_ANCHORED = 12
TOPIC_ROWS_UNANCHORED = 5
MIN_CATEGORY_CHARS = 6
_QUOTES = re.compile(r"[“”‘’\"'「」『』]")


@dataclass
class Retrieved:
    """The rows for an answer, and what the composer needs to say about them."""

    rows: list[Row] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    by_doc: dict[str, list[Row]] = field(default_factory=dict)
    anchor: str | None = None
    no_lead_column: list[str] = field(default_factory=list)
    abstain: str | None = None  # "no_list", "no_match", "out_of_scope", "empty_index"
    missing_places: list[str] = field(default_factory=list)


class Retriever:
    """Structured filters for completeness; hybrid search only to rank inside a filter."""

    def __init__(self, catalog: Catalog, searcher: HybridSearcher) -> None:
        self.catalog = catalog
        self.searcher = searcher

    def scope(self, query: Query) -> tuple[list[str], list[str]]:
        """Documents a query is about, and the places it names that have no list."""
        if query.institution:
            return self.catalog.docs_of_institution(query.institution), []
        if not query.jurisdictions:
            return [d.doc for d in self.catalog.documents], []
        docs: list[str] = []
        missing: list[str] = []
        places = self.catalog.registry.places
        for name in query.jurisdictions:
            exact = self.catalog.docs_in([name])
            below = [d.doc for d in self.catalog.documents if name in places.chain(d.jurisdiction)]
            found = exact or below
            docs.extend(found)
            if not found:
                missing.append(name)
        return list(dict.fromkeys(docs)), missing

    def retrieve(self, query: Query, previous_ids: list[str] | None = None) -> Retrieved:
        if not self.catalog.rows:
            return Retrieved(abstain="empty_index")
        if query.intent == "out_of_scope":
            return Retrieved(abstain="out_of_scope", missing_places=query.other_places)
        docs, missing = self.scope(query)
        if not docs:
            return Retrieved(abstain="no_list", missing_places=missing or query.other_places)
        if self._off_topic(query):
            return Retrieved(abstain="no_match", docs=docs, missing_places=missing)
        pool = self._pool(query, docs, previous_ids)
        category = self._category_named(query, pool)
        if category:
            pool = [r for r in pool if r.category == category]
            query = _without_topic(query)
        result = Retrieved(docs=docs, missing_places=missing)
        result.no_lead_column = [d.doc for d in self.catalog.documents
                                 if d.doc in docs and not d.has_lead_column and query.role == "lead"
                                 and query.agency_ids]
        rows = self._select(query, pool, result)
        result.by_doc = {doc: [r for r in rows if r.doc == doc] for doc in docs}
        whole_count = query.intent == "count" and not (
            category or query.agency_ids or query.institution or query.narrow or (query.topic and query.topic_marked))
        result.rows = [] if whole_count else rows  # a whole list's size comes from the index: no row to cite
        if not rows and query.intent in ("fact", "topic", "compare") and not query.narrow:
            result.abstain = "no_match"
        return result

    def _off_topic(self, query: Query) -> bool:
        """A Chinese topic question most of whose nouns no row contains (房价, 股票, 医保报销)."""
        if query.lang != "zh" or query.narrow or query.intent not in ("fact", "topic", "compare"):
            return False
        words = query.topic_nouns or query.topic
        absent = [w for w in words if not self.searcher.in_corpus(self.catalog.registry.normalize(w))]
        return bool(words) and 2 * len(absent) > len(words)

    def _category_named(self, query: Query, pool: list[Row]) -> str | None:
        """A 主要任务 (category) the question quotes by name, e.g. “打造‘双师型’教师队伍”."""
        folded = _QUOTES.sub("", self.catalog.registry.normalize(query.text))
        for category in dict.fromkeys(r.category for r in pool):
            name = _QUOTES.sub("", self.catalog.registry.normalize(category)).rstrip("。")
            if len(name) >= MIN_CATEGORY_CHARS and name in folded:
                return category
        return None

    def _pool(self, query: Query, docs: list[str], previous_ids: list[str] | None) -> list[Row]:
        if query.narrow and previous_ids is not None:
            rows = [self.catalog.by_id[i] for i in previous_ids if i in self.catalog.by_id]
        else:
            rows = self.catalog.filter(docs, with_measures=bool(query.institution))
        if query.agency_ids and not (query.narrow and not (query.role_given or query.agency_new)):
            lead_docs = {d.doc for d in self.catalog.documents if d.has_lead_column}
            keep = set()
            for doc_rows in _group(rows).values():
                role = query.role if (query.role != "lead" or doc_rows[0].doc in lead_docs) else "any"
                keep |= {r.id for r in self.catalog.filter([doc_rows[0].doc], query.agency_ids, role)}
            rows = [r for r in rows if r.id in keep]
        return rows

    def _select(self, query: Query, pool: list[Row], result: Retrieved) -> list[Row]:
        if query.intent == "deadline" or (query.narrow and query.years):
            return [r for r in pool if set(query.years) & set(r.deadline_years)]
        if query.intent in ("list", "count"):
            if query.topic and query.topic_marked:
                return self._topic_rows(query, pool, result, ordered=True)
            return pool
        if query.intent == "compare":
            rows: list[Row] = []
            result.anchor = self._anchor(query, pool)
            for doc_rows in _group(pool).values():
                rows += self._topic_rows(query, doc_rows, result, ordered=True, shorten=True)
            return rows
        if query.intent == "fact":
            return self._ranked(query, pool)[:FACT_ROWS]
        return self._topic_rows(query, pool, result, ordered=False)

    def _anchor(self, query: Query, pool: list[Row]) -> str | None:
        """The word a topic stands on: a quoted phrase, else the rarest noun, else the rarest word, in the pool."""
        normalize = self.catalog.registry.normalize
        for words in (query.quoted, query.topic_nouns, query.topic):
            present = [w.lower() for w in map(normalize, words) if self.searcher.document_frequency(w, pool) > 0]
            if present:
                return min(present, key=lambda w: (self.searcher.document_frequency(w), -len(w)))
        return None

    def _stem(self, anchor: str) -> str:
        """A compound's head (工匠精神 → 工匠, 学徒制 → 学徒) when it is not much broader than the compound."""
        if not 3 <= len(anchor) <= 4 or not "\u4e00" <= anchor[0] <= "\u9fff":
            return anchor
        head = anchor[:2]
        df_anchor, df_head = self.searcher.document_frequency(anchor), self.searcher.document_frequency(head)
        return head if df_head <= 2 * df_anchor else anchor

    def _ranked(self, query: Query, pool: list[Row]) -> list[Row]:
        """Fact rows: fused BM25 (topic words) and dense rank, then the row whose best clause holds the
        most topic words and a figure first; others only while their fused score stays near the top."""
        dense_text = query.text if query.lang == "zh" else f"{query.text} {' '.join(query.topic)}"
        ranked = self.searcher.rank(dense_text, pool, " ".join(query.quoted + query.topic))[:FACT_CANDIDATES]
        if not ranked:
            return []
        words = [self.catalog.registry.normalize(w).lower() for w in dict.fromkeys(query.quoted + query.topic)]
        scored = [(clause_score(row, words), fused, row) for row, fused in ranked]
        best = max(scored, key=lambda item: (item[0], item[1]))
        ties = [row for score, _, row in scored if score == best[0] and row is not best[2]]
        return [best[2], *ties]

    def _topic_rows(self, query: Query, pool: list[Row], result: Retrieved, ordered: bool,
                    shorten: bool = False) -> list[Row]:
        anchor = result.anchor if shorten and result.anchor else self._anchor(query, pool)
        if anchor is not None and shorten and not self.searcher.document_frequency(anchor, pool):
            anchor = self._shortened(anchor, pool)
        result.anchor = result.anchor or anchor
        if anchor is not None:
            stem = self._stem(anchor)
            anchored = [r for r in pool if stem in self.searcher.folded[r.id]]
            if len(anchored) <= TOPIC_MAX_ANCHORED or ordered:
                rows = [row for row, _ in self.searcher.rank(query.text, anchored)]
                rows += [r for r in anchored if r not in rows]
                return self._in_order(rows) if ordered else rows
            pool = anchored
        elif query.lang == "zh" and query.topic:
            return []
        scored = self.searcher.rank(query.text, pool)
        if not scored:
            return []
        top = scored[0][1]
        kept = [row for row, score in scored if score >= 0.9 * top][:TOPIC_ROWS_UNANCHORED]
        return self._in_order(kept) if ordered else kept

    def _shortened(self, anchor: str, pool: list[Row]) -> str | None:
        """In a list that lacks the anchor (学徒制), its stem (学徒) when that appears."""
        for end in range(len(anchor) - 1, 1, -1):
            if self.searcher.document_frequency(anchor[:end], pool):
                return anchor[:end]
        return None

    def _in_order(self, rows: list[Row]) -> list[Row]:
        return sorted(rows, key=lambda r: self.catalog.position[r.id])


def clause_score(row: Row, words: list[str]) -> tuple[int, bool]:
    """The best clause of a row's text or targets: how many topic words it holds, and whether it has a figure."""
    texts = [row.text] + ([row.measures.targets] if row.measures and row.measures.targets else [])
    best = (0, False)
    for clause in (c for t in texts for c in _CLAUSES.findall(t)):
        folded = clause.lower()
        best = max(best, (sum(w in folded for w in words), bool(re.search(r"\d", clause))))
    return best


def _without_topic(query: Query) -> Query:
    return replace(query, topic=[], topic_nouns=[], topic_marked=False,
                   intent="list" if query.intent in ("topic", "fact", "compare") else query.intent)


def _group(rows: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row.doc, []).append(row)
    return grouped
