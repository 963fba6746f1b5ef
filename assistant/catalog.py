"""Every row of the active index in memory, with structured filters (no ranking, no top-k)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from ingest.build_records import sources_of
from ingest.builds import Build, Builds, BuildVectors
from ingest.lineage import Link, load_links
from ingest.registries import Registry
from ingest.rows import Row, Source
from state import Pointer

Role = Literal["lead", "responsible", "any"]


@dataclass(frozen=True)
class DocumentInfo:
    doc: str
    title: str
    jurisdiction: str
    rows: int
    has_lead_column: bool
    measures_owner: str | None
    source: Source | None = None
    facts: dict[str, str] = field(default_factory=dict)


def _facts(info: dict) -> dict[str, dict[str, str]]:
    """Each document's facts (`facts:<doc>`, JSON); one that does not read is left out, not fatal."""
    facts = {}
    for key, value in info.items():
        if key.startswith("facts:"):
            try:
                facts[key.removeprefix("facts:")] = {str(k): str(v) for k, v in json.loads(str(value)).items()}
            except (ValueError, AttributeError):
                continue
    return facts


class Catalog:
    """One build's rows, looked up by document, jurisdiction and canonical agency."""

    def __init__(self, rows: list[Row], registry: Registry, vectors: BuildVectors | None = None,
                 measures_owners: dict[str, str] | None = None, links: list[Link] | None = None,
                 sources: dict[str, Source] | None = None, facts: dict[str, dict[str, str]] | None = None) -> None:
        self.rows = rows
        self.registry = registry
        self.vectors = vectors  # the build's vectors, for dense search (None: an empty index)
        self.by_id = {r.id: r for r in rows}
        self.position = {r.id: i for i, r in enumerate(rows)}
        self._by_doc: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            self._by_doc[row.doc].append(row)
        self._by_agency: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in rows:
            for agency_id in row.lead_ids:
                self._by_agency[(agency_id, "lead")].add(row.id)
            for agency_id in row.responsible_ids:
                self._by_agency[(agency_id, "responsible")].add(row.id)
            for unit in row.measures.units if row.measures else []:
                self._by_agency[(registry.agencies.resolve(unit), "unit")].add(row.id)
        registry.agencies.learn_names(self.agency_names())
        registry.places.learn_places(list(dict.fromkeys(r.jurisdiction for r in rows)))
        self.documents = self._documents(measures_owners or {}, sources or {}, facts or {})
        self.documents_by_key = {d.doc: d for d in self.documents}
        self._agency_rows: dict[tuple[str, str], set[str]] = {}
        self._column_names: dict[tuple[str, str], frozenset[str]] = {}
        self._short_names: dict[str, frozenset[str]] = {}
        self.links = [lk for lk in links or [] if lk.child in self.by_id and lk.parent in self.by_id]

    @classmethod
    def load(cls, builds: Builds, registry: Registry, pointer: Pointer | None = None) -> Catalog:
        """The active build's catalog (the build `pointer` names, when given)."""
        return cls.of_build(builds.read(pointer), registry)

    @classmethod
    def of_build(cls, build: Build, registry: Registry) -> Catalog:
        rows = sorted(build.rows, key=lambda r: (r.doc, r.row))
        info = build.info
        owners = {k.removeprefix("owner:"): str(v) for k, v in info.items() if k.startswith("owner:")}
        return cls(rows, registry, build.vectors, owners, load_links(info.get("lineage")), sources_of(info),
                   _facts(info))

    def _documents(self, owners: dict[str, str], sources: dict[str, Source],
                   facts: dict[str, dict[str, str]]) -> list[DocumentInfo]:
        grouped: dict[str, list[Row]] = defaultdict(list)
        for row in self.rows:
            grouped[row.doc].append(row)
        return [DocumentInfo(doc, rows[0].title, rows[0].jurisdiction, len(rows), rows[0].has_lead_column,
                             owners.get(doc), sources.get(doc), facts.get(doc, {})) for doc, rows in grouped.items()]

    def agency_names(self) -> list[str]:
        names = {a for r in self.rows for a in (*r.lead, *r.responsible)}
        names |= {u for r in self.rows if r.measures for u in r.measures.units}
        return sorted(names)

    def docs_in(self, jurisdictions: list[str]) -> list[str]:
        return [d.doc for d in self.documents if d.jurisdiction in jurisdictions]

    def docs_named(self, names: list[str]) -> list[str]:
        """The lists of places, or of an institution (its own measures' lists), by name."""
        institutions = self.registry.places.institutions
        return self.docs_in(names) + [d for n in names if n in institutions for d in self.docs_of_institution(n)]

    @cached_property
    def lineage_pairs(self) -> frozenset[tuple[str, str]]:
        """(parent, child) for each two documents where the parent's place is above the child's. Computed once
        per catalog (a build's documents do not change)."""
        places = self.registry.places
        info = {d.doc: d.jurisdiction for d in self.documents}
        return frozenset((d, o) for d in info for o in info if info[d] in places.chain(info[o])[1:])

    @cached_property
    def lineage_sides(self) -> tuple[frozenset[str], frozenset[str]]:
        """The documents with a list of a lower place below them, and those with a list of a higher place
        above them: a row of the first kind is carried out, a row of the second carries one out."""
        return frozenset(p for p, _ in self.lineage_pairs), frozenset(c for _, c in self.lineage_pairs)

    def docs_of_institution(self, name: str) -> list[str]:
        """The lists holding an institution's own measures, else the lists of its jurisdiction."""
        owned = [d.doc for d in self.documents if d.measures_owner == name]
        return owned or self.docs_in([self.registry.places.institutions[name].jurisdiction])

    def filter(self, docs: list[str] | None = None, agency_ids: list[str] | None = None, role: Role = "any",
               with_measures: bool = False) -> list[Row]:
        """Every matching row in document and row order: the complete answer to a list question."""
        rows = self.rows if docs is None else self._rows_of(docs)
        if agency_ids:
            roles = ("lead", "responsible", "unit") if role == "any" else (role,)
            named = [self._by_agency[key] for key in ((a, ro) for a in agency_ids for ro in roles)
                     if key in self._by_agency]
            if len(rows) * len(named) > sum(map(len, named)):  # many candidates: one union, one lookup each
                ids = set().union(*named)
                rows = [r for r in rows if r.id in ids]
            else:  # a few candidates (one document of a large index): test them, do not build the union
                rows = [r for r in rows if any(r.id in ids for ids in named)]
        if with_measures:
            rows = [r for r in rows if r.measures is not None]
        return rows

    def _rows_of(self, docs: list[str]) -> list[Row]:
        """The rows of `docs`, in catalog order, from the per-document index (not a scan of every row)."""
        wanted = set(docs)
        if wanted.issuperset(self._by_doc):
            return list(self.rows)
        rows = [r for doc in wanted for r in self._by_doc.get(doc, ())]
        if len(wanted) > 1:
            rows.sort(key=lambda r: self.position[r.id])
        return rows

    def agency_rows(self, agency_id: str, role: Role = "any") -> set[str]:
        """Ids of the rows naming an agency in a role (any = lead, responsible or an institution's unit)."""
        key = (agency_id, role)
        if key not in self._agency_rows:
            roles = ("lead", "responsible", "unit") if role == "any" else (role,)
            ids = [agency_id, *self.registry.agencies.covering(agency_id)]  # 科技局's work: 科工局's rows too
            self._agency_rows[key] = set().union(*(self._by_agency.get((a, r), set()) for a in ids for r in roles))
        return self._agency_rows[key]

    def indexed_agencies(self) -> set[str]:
        """Every agency id some row names."""
        return {agency_id for agency_id, _ in self._by_agency}

    def last_row(self, doc: str) -> int:
        """The highest row number of a document (序号 of its last task)."""
        rows = self._by_doc.get(doc)
        return rows[-1].row if rows else 0

    def names_in_column(self, doc: str, field: str) -> frozenset[str]:
        """The names a document writes in one agency column (lead, responsible, or the institution's units), each
        as written, normalized and lower-cased: what a quoted name is compared with whole."""
        key = (doc, field)
        if key not in self._column_names:
            rows = self._by_doc.get(doc, [])
            names = [n for r in rows for n in (r.lead if field == "lead" else r.responsible if field == "responsible"
                                              else r.measures.units if r.measures else [])]
            self._column_names[key] = frozenset(self.registry.normalize(n).lower() for n in names)
        return self._column_names[key]

    def short_names(self, doc: str) -> frozenset[str]:
        """The names a document writes for an agency that are a fifth or more shorter than the longest name it
        writes for that agency (市文旅广电局 beside 市文化旅游和广播电视局): its short forms, as written."""
        if doc not in self._short_names:
            forms: dict[str, set[str]] = defaultdict(set)
            for row in self._by_doc.get(doc, []):
                for name, agency_id in zip(row.lead + row.responsible, row.lead_ids + row.responsible_ids, strict=True):
                    forms[agency_id].add(name)
            self._short_names[doc] = frozenset(n for names in forms.values() for n in names
                                               if 5 * len(n) <= 4 * max(len(m) for m in names))
        return self._short_names[doc]

    def written_names(self) -> dict[str, list[str]]:
        """For each agency id, the names the rows write for it, most used first (市教育局, 省教育厅, …)."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for row in self.rows:
            for name, agency_id in zip(row.lead + row.responsible, row.lead_ids + row.responsible_ids, strict=True):
                counts[agency_id][name] += 1
        return {agency_id: [n for n, _ in c.most_common()] for agency_id, c in counts.items()}

    def categories(self) -> list[str]:
        return list(dict.fromkeys(r.category for r in self.rows if r.category))

    def sizes_in(self, places: list[str]) -> set[int]:
        """How many rows, and how many categories, the lists of `places` have: numbers a question may state
        (省清单54条, 12个主要任务)."""
        docs = [d for d in self.documents if d.jurisdiction in places]
        return {d.rows for d in docs} | {self._category_counts[d.doc] for d in docs}

    @cached_property
    def _category_counts(self) -> dict[str, int]:
        """How many categories each list has (counted once: a catalog does not change)."""
        return {d.doc: len({r.category for r in self._rows_of([d.doc]) if r.category}) for d in self.documents}

    def category_places(self) -> dict[str, frozenset[str]]:
        """Each category and the places whose lists hold it (two lists may write one category alike)."""
        places: dict[str, set[str]] = {}
        for doc in self.documents:
            for row in self._rows_of([doc.doc]):
                if row.category:
                    places.setdefault(row.category, set()).add(doc.jurisdiction)
        return {c: frozenset(p) for c, p in places.items()}

    def role_of(self, row: Row, agency_ids: list[str]) -> str | None:
        """How a row names the question's agency: lead, responsible, or None."""
        if any(a in row.lead_ids for a in agency_ids):
            return "lead"
        if any(a in row.responsible_ids for a in agency_ids):
            return "responsible"
        return None
