"""Turn a Query into the rows that answer it: complete lists by filter, topics by anchor and hybrid rank."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.catalog import Catalog
from assistant.hybrid import HybridSearcher
from assistant.understand import Query
from ingest.rows import Row

FACT_ROWS = 3
TOPIC_MAX_ANCHORED = 12
TOPIC_ROWS_UNANCHORED = 5


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
            owner = query.institution
            owned = [d.doc for d in self.catalog.documents if d.measures_owner == owner]
            place = self.catalog.registry.places.institutions[owner].jurisdiction
            return owned or self.catalog.docs_in([place]), []
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
        pool = self._pool(query, docs, previous_ids)
        result = Retrieved(docs=docs, missing_places=missing)
        result.no_lead_column = [d.doc for d in self.catalog.documents
                                 if d.doc in docs and not d.has_lead_column and query.role == "lead"
                                 and query.agency_ids]
        rows = self._select(query, pool, result)
        result.rows = rows
        result.by_doc = {doc: [r for r in rows if r.doc == doc] for doc in docs}
        if not rows and query.intent in ("fact", "topic", "compare") and not query.narrow:
            result.abstain = "no_match"
        return result

    def _pool(self, query: Query, docs: list[str], previous_ids: list[str] | None) -> list[Row]:
        if query.narrow and previous_ids is not None:
            rows = [self.catalog.by_id[i] for i in previous_ids if i in self.catalog.by_id]
        else:
            rows = self.catalog.filter(docs, with_measures=bool(query.institution))
        if query.agency_ids and not (query.narrow and not query.role_given):
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
            for doc_rows in _group(pool).values():
                rows += self._topic_rows(query, doc_rows, result, ordered=True)
            return rows
        if query.intent == "fact":
            return self._topic_rows(query, pool, result, ordered=False)[:FACT_ROWS]
        return self._topic_rows(query, pool, result, ordered=False)

    def _anchor(self, query: Query, pool: list[Row]) -> str | None:
        """The rarest topic word that the pool's rows contain literally."""
        folded = [self.catalog.registry.normalize(w) for w in query.topic]
        present = [w for w in folded if self.searcher.document_frequency(w, pool) > 0]
        if not present:
            return None
        return min(present, key=lambda w: (self.searcher.document_frequency(w), -len(w)))

    def _topic_rows(self, query: Query, pool: list[Row], result: Retrieved, ordered: bool) -> list[Row]:
        anchor = self._anchor(query, pool)
        result.anchor = result.anchor or anchor
        if anchor is not None:
            anchored = [r for r in pool if anchor in self.searcher.folded[r.id]]
            if len(anchored) <= TOPIC_MAX_ANCHORED or ordered:
                ranked = [row for row, _ in self.searcher.rank(query.text, anchored)]
                ranked += [r for r in anchored if r not in ranked]
                return self._in_order(ranked) if ordered else ranked
            pool = anchored
        elif query.lang == "zh" and query.topic:
            return []
        ranked = self.searcher.rank(query.text, pool)
        if not ranked:
            return []
        top = ranked[0][1]
        kept = [row for row, score in ranked if score >= 0.9 * top][:TOPIC_ROWS_UNANCHORED]
        return self._in_order(kept) if ordered else kept

    def _in_order(self, rows: list[Row]) -> list[Row]:
        return sorted(rows, key=lambda r: self.catalog.position[r.id])


def _group(rows: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row.doc, []).append(row)
    return grouped
