"""Builds as manifests: each names one part (a document's rows as one ingest read them) per document.

A change to one list writes that list's part and its lineage pairs, and a manifest of a few hundred bytes; the
parts of the other lists are shared by every build that names them. A part is deleted only when no build kept
(active, newest, or leased by a reader) names it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, delete, select, update

from state import schema
from state.records import ListChange, Pointer
from state.store import StateStore


@dataclass(frozen=True)
class Manifest:
    """One build: its name, the part of each document, and what it was built with (model, parser, registry)."""

    name: str
    parts: dict[str, str]
    info: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Part:
    """A document's rows as one ingest read them (JSON lines), its metadata, and whether its vectors are all in."""

    name: str
    doc: str
    info: dict[str, str]
    rows: str
    count: int
    ready: bool


@dataclass(frozen=True)
class PartLinks:
    """The scored lineage candidates of a local part's rows among one parent part's rows."""

    child: str
    parent: str
    pairs: list[tuple[str, str, float]]


def _chunks(names: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(names), size):
        yield names[start:start + size]


class BuildRecords:
    """The manifests, parts and lineage pairs of the builds of one pointer (`prefix`) in the state store."""

    def __init__(self, state: StateStore, prefix: str) -> None:
        self.state = state
        self.prefix = prefix

    def manifest(self, name: str) -> Manifest | None:
        b = schema.builds
        with self.state.engine.connect() as conn:
            row = conn.execute(select(b.c.parts, b.c.info).where(b.c.prefix == self.prefix, b.c.name == name)).first()
        return Manifest(name, json.loads(row.parts), json.loads(row.info)) if row else None

    def names(self) -> list[str]:
        """Every build's name, oldest first."""
        b = schema.builds
        with self.state.engine.connect() as conn:
            return list(conn.execute(select(b.c.name).where(b.c.prefix == self.prefix)
                                     .order_by(b.c.created_at, b.c.name)).scalars())

    def parts(self, names: Iterable[str], rows: bool = True) -> list[Part]:
        """The parts `names` that exist; without their rows (empty) unless `rows`."""
        p = schema.doc_parts
        columns = [c for c in p.c if rows or c.name != "rows"]
        found: list[Part] = []
        with self.state.engine.connect() as conn:
            for chunk in _chunks(sorted(set(names))):
                found += [Part(r.part, r.doc, json.loads(r.info), r.rows if rows else "", r.row_count, bool(r.ready))
                          for r in conn.execute(select(*columns).where(p.c.prefix == self.prefix,
                                                                      p.c.part.in_(chunk)))]
        return found

    def ready(self, names: Iterable[str]) -> set[str]:
        """Which of the parts `names` have every row's vector in the index."""
        p = schema.doc_parts
        done: set[str] = set()
        with self.state.engine.connect() as conn:
            for chunk in _chunks(sorted(set(names))):
                done |= set(conn.execute(select(p.c.part).where(p.c.prefix == self.prefix, p.c.part.in_(chunk),
                                                                p.c.ready.is_(True))).scalars())
        return done

    def waiting(self, names: Iterable[str] | None = None) -> dict[str, int]:
        """Parts whose vectors are not all in (of `names`, or of any build), with their row counts."""
        p = schema.doc_parts
        query = select(p.c.part, p.c.row_count).where(p.c.prefix == self.prefix, p.c.ready.is_(False))
        with self.state.engine.connect() as conn:
            if names is None:
                return {r.part: r.row_count for r in conn.execute(query.order_by(p.c.created_at))}
            found: dict[str, int] = {}
            for chunk in _chunks(sorted(set(names))):
                found |= {r.part: r.row_count for r in conn.execute(query.where(p.c.part.in_(chunk)))}
            return found

    def add_parts(self, parts: list[Part]) -> None:
        """Write new parts (no build names them yet: a writer killed now leaves them to the next prune)."""
        if not parts:
            return
        now = time.time()
        with self.state._writing() as conn:
            conn.execute(schema.doc_parts.insert(), [
                {"prefix": self.prefix, "part": p.name, "doc": p.doc, "info": json.dumps(p.info, ensure_ascii=False),
                 "rows": p.rows, "row_count": p.count, "ready": p.ready, "created_at": now} for p in parts])

    def mark_ready(self, part: str) -> None:
        p = schema.doc_parts
        with self.state._writing() as conn:
            conn.execute(update(p).where(p.c.prefix == self.prefix, p.c.part == part).values(ready=True))

    def add_links(self, found: list[PartLinks]) -> None:
        """Record the lineage pairs of parts (again: a pair of parts is scored from the same rows each time)."""
        k = schema.part_links
        with self.state._writing() as conn:
            for links in found:
                conn.execute(delete(k).where(k.c.prefix == self.prefix, k.c.child == links.child,
                                             k.c.parent == links.parent))
                conn.execute(k.insert().values(prefix=self.prefix, child=links.child, parent=links.parent,
                                               pairs=json.dumps(links.pairs, ensure_ascii=False)))

    def linked(self, parts: Iterable[str]) -> set[tuple[str, str]]:
        """The (child, parent) pairs of `parts` whose lineage pairs are recorded."""
        k = schema.part_links
        names = sorted(set(parts))
        found: set[tuple[str, str]] = set()
        with self.state.engine.connect() as conn:
            for chunk in _chunks(names):
                found |= {(r.child, r.parent) for r in conn.execute(
                    select(k.c.child, k.c.parent).where(k.c.prefix == self.prefix, k.c.child.in_(chunk)))}
        return {(c, p) for c, p in found if p in set(names)}

    def link_pairs(self, parts: Iterable[str]) -> list[tuple[str, str, float]]:
        """Every scored lineage pair between two of `parts`."""
        k = schema.part_links
        names = set(parts)
        pairs: list[tuple[str, str, float]] = []
        with self.state.engine.connect() as conn:
            for chunk in _chunks(sorted(names)):
                for row in conn.execute(select(k.c.parent, k.c.pairs).where(k.c.prefix == self.prefix,
                                                                           k.c.child.in_(chunk))):
                    if row.parent in names:
                        pairs += [(c, p, float(s)) for c, p, s in json.loads(row.pairs)]
        return pairs

    def activate(self, manifest: Manifest, read: Pointer, lists: ListChange | None = None) -> Pointer:
        """Write the manifest and point at it, in one transaction, if the pointer is still as `read`;
        StalePointer (nothing written) if another writer moved it since."""
        def write(conn: Connection) -> None:
            conn.execute(schema.builds.insert().values(
                prefix=self.prefix, name=manifest.name, parts=json.dumps(manifest.parts, ensure_ascii=False),
                info=json.dumps(manifest.info, ensure_ascii=False), created_at=time.time()))

        return self.state.move_pointer(self.prefix, manifest.name, read.version, lists, also=write)

    def drop_builds(self, names: list[str]) -> None:
        b = schema.builds
        with self.state._writing() as conn:
            conn.execute(delete(b).where(and_(b.c.prefix == self.prefix, b.c.name.in_(names))))

    def unnamed_parts(self) -> list[str]:
        """Parts no build names (of dropped builds, or written by a writer killed before it activated)."""
        b, p = schema.builds, schema.doc_parts
        with self.state.engine.connect() as conn:
            named = {part for parts in conn.execute(select(b.c.parts).where(b.c.prefix == self.prefix)).scalars()
                     for part in json.loads(parts).values()}
            every = conn.execute(select(p.c.part).where(p.c.prefix == self.prefix)).scalars()
            return sorted(set(every) - named)

    def drop_parts(self, names: list[str]) -> None:
        """Delete parts and every lineage pair of theirs."""
        p, k = schema.doc_parts, schema.part_links
        with self.state._writing() as conn:
            for chunk in _chunks(names):
                conn.execute(delete(p).where(p.c.prefix == self.prefix, p.c.part.in_(chunk)))
                conn.execute(delete(k).where(k.c.prefix == self.prefix, k.c.child.in_(chunk)))
                conn.execute(delete(k).where(k.c.prefix == self.prefix, k.c.parent.in_(chunk)))

    def forget(self) -> None:
        """Delete every build, part and lineage pair (their vectors are gone: a damaged index moved aside)."""
        with self.state._writing() as conn:
            for table in (schema.builds, schema.doc_parts, schema.part_links):
                conn.execute(delete(table).where(table.c.prefix == self.prefix))
