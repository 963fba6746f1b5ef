"""Lineage links with officials' corrections: a rejected link never comes back, a confirmed one always stays."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, TypeAdapter

from assistant.catalog import Catalog

Verdict = Literal["confirmed", "rejected"]
log = logging.getLogger(__name__)


class LinkCorrections:
    """Officials' corrections kept as JSON in the data directory: they survive every re-ingest and rebuild.

    Each change is written whole to a temporary file that then replaces the file, the copy before it kept as
    `<file>.bak`. A file that does not read (garbage, cut short) is moved aside as `<file>.broken-<time>`, with a
    warning, and the backup's corrections take its place: a lineage answer never fails over it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.backup = path.with_name(path.name + ".bak")
        self._lock = threading.RLock()
        self._read: tuple[int, dict[tuple[str, str], Verdict]] = (-1, {})
        self.all()  # at start: a damaged file is recovered now, and the log says so

    def all(self) -> dict[tuple[str, str], Verdict]:
        """The corrections, read from disk only when the file changed (an answer asks once per row)."""
        with self._lock:
            try:
                stamp = self.path.stat().st_mtime_ns
            except FileNotFoundError:
                return {}
            if stamp != self._read[0]:
                self._read = self._load()
            return dict(self._read[1])

    def set(self, child: str, parent: str, verdict: Verdict) -> None:
        with self._lock:
            current = self.all()
            current[(child, parent)] = verdict
            self._write(current)
            self._read = (-1, {})  # read afresh next time, whatever the file system's clock resolution

    def _load(self) -> tuple[int, dict[tuple[str, str], Verdict]]:
        """The file's stamp and corrections; a damaged file is recovered first."""
        try:
            return self.path.stat().st_mtime_ns, _parsed(self.path.read_bytes())
        except ValueError as err:  # not JSON, or not a list of [child, parent, verdict]
            damage = str(err).splitlines()[0]
        aside = _aside(self.path)
        os.replace(self.path, aside)
        try:
            restored = _parsed(self.backup.read_bytes())
        except (FileNotFoundError, ValueError) as err:
            why = "no backup" if isinstance(err, FileNotFoundError) else f"its backup {self.backup.name} is damaged too"
            log.warning("lineage corrections %s are damaged (%s); moved to %s; %s: starting with no corrections",
                        self.path, damage, aside.name, why)
            return -1, {}
        self._write(restored)
        log.warning("lineage corrections %s are damaged (%s); moved to %s and restored %d corrections from %s",
                    self.path, damage, aside.name, len(restored), self.backup.name)
        return self.path.stat().st_mtime_ns, restored

    def _write(self, corrections: dict[tuple[str, str], Verdict]) -> None:
        """The whole file replaced at once; the copy it replaces kept as the backup."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps([[c, p, v] for (c, p), v in sorted(corrections.items())], ensure_ascii=False)
        if self.path.exists():
            _replace_with(self.backup, self.path.read_bytes())
        _replace_with(self.path, text.encode())


_CORRECTIONS = TypeAdapter(list[tuple[str, str, Verdict]])


def _parsed(data: bytes) -> dict[tuple[str, str], Verdict]:
    """The corrections a file holds; ValueError when it is not a JSON list of [child, parent, verdict]."""
    return {(c, p): v for c, p, v in _CORRECTIONS.validate_json(data)}


def _replace_with(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, flushed to disk, then put it in `path`'s place."""
    handle, name = tempfile.mkstemp(prefix=path.name + ".", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _aside(path: Path) -> Path:
    """A free `<name>.broken-<time>` beside `path`."""
    stamp = time.strftime("%Y%m%d%H%M%S")
    candidates = (path.with_name(f"{path.name}.broken-{stamp}" + (f"-{n}" if n else "")) for n in range(1000))
    return next(c for c in candidates if not c.exists())


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
