"""Lineage links with officials' corrections: a rejected link never comes back, a confirmed one always stays."""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, TypeAdapter

from assistant.catalog import Catalog
from state import StateStore

Verdict = Literal["confirmed", "rejected"]
log = logging.getLogger(__name__)


class LinkCorrections:
    """Officials' corrections, kept in the state store: they survive every re-ingest, rebuild and restart, and
    every server over the store reads the same ones.

    A data directory from before the state store holds them in `lineage-corrections.json` (and its `.bak`): at
    the first start they are moved into the store and the file is renamed `<file>.migrated`.
    """

    def __init__(self, state: StateStore, legacy_file: Path | None = None, fresh_seconds: float = 1.0) -> None:
        self.state = state
        self.fresh_seconds = fresh_seconds  # a correction made on another server shows within this long
        self._lock = threading.Lock()
        self._read: tuple[float, dict[tuple[str, str], Verdict]] = (-math.inf, {})
        if legacy_file is not None:
            migrate_corrections(legacy_file, state)

    def all(self) -> dict[tuple[str, str], Verdict]:
        """The corrections, read from the store at most once a `fresh_seconds` (an answer asks once per row)."""
        with self._lock:
            if time.monotonic() - self._read[0] > self.fresh_seconds:
                self._read = (time.monotonic(), _verdicts(self.state.corrections()))
            return dict(self._read[1])

    def set(self, child: str, parent: str, verdict: Verdict) -> None:
        with self._lock:
            self.state.set_corrections({(child, parent): verdict})
            self._read = (-math.inf, {})  # read afresh next time


def migrate_corrections(path: Path, state: StateStore) -> int:
    """Move the corrections of a JSON file (or of its `.bak` when the file does not read) into the store, where
    they do not override a verdict the store holds already; the file is renamed `<file>.migrated`. How many."""
    backup = path.with_name(path.name + ".bak")
    found: dict[tuple[str, str], Verdict] | None = None
    for candidate in (path, backup):
        try:
            found = _parsed(candidate.read_bytes())
            break
        except FileNotFoundError:
            continue
        except ValueError as err:
            log.warning("lineage corrections %s do not read (%s)", candidate, str(err).splitlines()[0])
    if found is None:
        if path.exists():
            log.warning("lineage corrections %s and its backup do not read: left in place, not migrated", path)
        return 0
    held = state.corrections()
    state.set_corrections({k: v for k, v in found.items() if k not in held})
    for old in (path, backup):
        if old.exists():
            os.replace(old, old.with_name(old.name + ".migrated"))
    log.info("moved %d lineage corrections from %s into the state store", len(found), path)
    return len(found)


_CORRECTIONS = TypeAdapter(list[tuple[str, str, Verdict]])


def _parsed(data: bytes) -> dict[tuple[str, str], Verdict]:
    """The corrections a file holds; ValueError when it is not a JSON list of [child, parent, verdict]."""
    return {(c, p): v for c, p, v in _CORRECTIONS.validate_json(data)}


def _verdicts(stored: dict[tuple[str, str], str]) -> dict[tuple[str, str], Verdict]:
    return {k: v for k, v in stored.items() if v in ("confirmed", "rejected")}  # type: ignore[misc]


@dataclass(frozen=True)
class LinkView:
    """One link as answers and the API show it."""

    child: str
    parent: str
    score: float | None
    strength: Literal["strong", "weak"]
    confirmed: bool = False


class LinkBook:
    """The links of one build, corrected: what lineage answers, /lineage and /coverage read."""

    def __init__(self, catalog: Catalog, corrections: LinkCorrections) -> None:
        self.catalog = catalog
        self.corrections = corrections

    def links(self) -> list[LinkView]:
        verdicts = self.corrections.all()
        views = [LinkView(lk.child, lk.parent, lk.score, lk.strength, verdicts.get((lk.child, lk.parent)) ==
                          "confirmed") for lk in self.catalog.links
                 if verdicts.get((lk.child, lk.parent)) != "rejected"]
        computed = {(v.child, v.parent) for v in views}
        views += [LinkView(c, p, None, "strong", True) for (c, p), v in verdicts.items()
                  if v == "confirmed" and (c, p) not in computed and c in self.catalog.by_id
                  and p in self.catalog.by_id]
        return views

    def parents_of(self, child: str) -> list[LinkView]:
        return sorted((v for v in self.links() if v.child == child), key=_strength_order)

    def children_of(self, parent: str) -> list[LinkView]:
        return sorted((v for v in self.links() if v.parent == parent),
                      key=lambda v: self.catalog.position.get(v.child, 0))

    def parent_docs(self, child_doc: str) -> list[str]:
        return list(dict.fromkeys(v.parent.split("#")[0] for v in self.links() if v.child.startswith(child_doc + "#")))

    def known(self, child: str, parent: str) -> bool:
        """Whether a link between these rows may be corrected: both exist, in a child and an ancestor list."""
        docs = {d.doc: d.jurisdiction for d in self.catalog.documents}
        c, p = child.split("#")[0], parent.split("#")[0]
        return child in self.catalog.by_id and parent in self.catalog.by_id and \
            docs.get(p) in self.catalog.registry.places.chain(docs.get(c, ""))[1:]


def _strength_order(view: LinkView) -> tuple[int, float]:
    return (0 if view.confirmed or view.strength == "strong" else 1, -(view.score or 1.0))


class LinkedRow(BaseModel):
    """The other end of a link."""

    id: str = Field(description="`<doc>#<row>`")
    score: float | None = Field(description="the link's score; null for a link an official added")
    strength: Literal["strong", "weak"]
    confirmed: bool = Field(description="confirmed by an official (it stays whatever the scores say)")


class RowLineage(BaseModel):
    """One local row and the parent rows it carries out (empty when none)."""

    child: str
    parents: list[LinkedRow]


class ParentCoverage(BaseModel):
    """One parent row and, per local list, the rows carrying it out (empty: that list leaves it out)."""

    parent: str
    children: dict[str, list[LinkedRow]]


def _linked(view: LinkView, side: str) -> LinkedRow:
    return LinkedRow(id=getattr(view, side), score=view.score, strength=view.strength, confirmed=view.confirmed)


def row_lineage(book: LinkBook, doc: str) -> list[RowLineage]:
    """Every row of a document with its parents: `policy-assistant lineage DOC`, GET /lineage?doc=."""
    return [RowLineage(child=r.id, parents=[_linked(v, "parent") for v in book.parents_of(r.id)])
            for r in book.catalog.filter([doc])]


def coverage(book: LinkBook, parent_doc: str) -> list[ParentCoverage]:
    """Every row of a parent list × the local lists below it: `policy-assistant coverage DOC`, GET /coverage."""
    info = {d.doc: d.jurisdiction for d in book.catalog.documents}
    chain = book.catalog.registry.places.chain
    local = [d for d, place in info.items() if info.get(parent_doc) in chain(place)[1:]]
    result = []
    for row in book.catalog.filter([parent_doc]):
        views = book.children_of(row.id)
        result.append(ParentCoverage(parent=row.id, children={
            doc: [_linked(v, "child") for v in views if v.child.startswith(f"{doc}#")] for doc in local}))
    return result
