"""The index as its readers see it: the active build's rows and metadata from its manifest's parts in the state
store, without importing Chroma, and its vectors, opened at the first dense search.

A question that needs no dense ranking (a list, a count, a field) is answered without loading Chroma at all:
importing it was about half of `policy-assistant ask`'s start-up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.build_records import BuildGone
from ingest.index_files import damage
from ingest.lineage import LinkSettings, choose_links, dump_links
from ingest.rows import Row
from state import Pointer, StateStore, open_state
from state.manifests import BuildRecords, Manifest, Part

if TYPE_CHECKING:  # Chroma's side, imported when a build's vectors are searched
    import numpy as np
    from chromadb.api.models.Collection import Collection

    from ingest.store import IndexStore

log = logging.getLogger(__name__)


class BuildVectors:
    """One build's vectors: the vectors of its parts, searched in the index that `index()` opens (once, at the
    first search). A part whose vectors are not all in yet is `pending`: its rows are ranked without them."""

    def __init__(self, parts: dict[str, str], index: Callable[[], IndexStore], records: BuildRecords) -> None:
        self.parts = parts  # doc -> part
        self._index = index
        self.records = records
        self._ready: set[str] = set()
        self._lock = threading.Lock()

    def collection(self) -> Collection:
        """The index's collection of vectors; BuildGone when it cannot be opened."""
        try:
            return self._index().vectors()
        except Exception as err:
            raise BuildGone(f"the index's vectors cannot be opened: {err}") from err

    def pending(self, docs: list[str]) -> list[str]:
        """Which of `docs` have rows whose vectors are not in the index yet (a part once ready stays so)."""
        with self._lock:
            unknown = {self.parts[d] for d in docs if d in self.parts} - self._ready
            if unknown:
                self._ready |= self.records.ready(unknown)
            return [d for d in docs if d in self.parts and self.parts[d] not in self._ready]

    def row_vectors(self, rows: list[Row]) -> dict[str, np.ndarray]:
        """The vectors of `rows` (of this build) that are in the index, by row id."""
        found: dict[str, np.ndarray] = {}
        for doc, part in self.parts.items():
            found |= self._index().part_vectors(part, [r for r in rows if r.doc == doc])
        return found

    def similar(self, vector: list[float], rows: list[Row]) -> list[tuple[str, float]]:
        """The ids of `rows` whose vectors are in, by exact cosine similarity to `vector`, most similar first, with
        it. For a few hundred rows (one place's lists): among 150,000 vectors the approximate index, filtered to
        so few, can miss the nearest of them. BuildGone when the index cannot be read."""
        import numpy as np

        by_doc: dict[str, list[Row]] = {}
        for row in rows:
            by_doc.setdefault(row.doc, []).append(row)
        found: dict[str, np.ndarray] = {}
        try:
            for doc, mine in by_doc.items():
                if doc in self.parts:
                    found |= self._index().part_vectors(self.parts[doc], mine)
        except Exception as err:
            raise BuildGone(f"the index's vectors cannot be read: {err}") from err
        if not found:
            return []
        ids = list(found)
        matrix = np.stack([found[i] for i in ids])
        query = np.asarray(vector, dtype=np.float32)
        scores = matrix @ query / np.maximum(np.linalg.norm(matrix, axis=1) * np.linalg.norm(query), 1e-12)
        return [(ids[i], float(scores[i])) for i in np.argsort(-scores, kind="stable")]

    def nearest(self, vector: list[float], limit: int, docs: list[str]) -> list[tuple[str, float]]:
        """Up to `limit` row ids of `docs` by cosine similarity to `vector`, most similar first, with it."""
        parts = [self.parts[d] for d in docs if d in self.parts]
        return self._index().nearest(vector, limit, parts) if parts else []


@dataclass(frozen=True)
class Build:
    """One build as an engine is made from it: the pointer that named it, its metadata, rows and vectors."""

    pointer: Pointer
    info: dict[str, Any] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    vectors: BuildVectors | None = None


def part_rows(part: Part) -> list[Row]:
    return [Row.model_validate_json(line) for line in part.rows.splitlines() if line]


def dump_rows(rows: list[Row]) -> str:
    return "".join(row.model_dump_json() + "\n" for row in rows)


def build_info(records: BuildRecords, manifest: Manifest, parts: list[Part]) -> dict[str, Any]:
    """A build's metadata as its readers read it: what it was built with, each document's owner, facts and
    source, and its lineage links, chosen over the scored pairs of its parts."""
    info: dict[str, Any] = dict(manifest.info)
    for part in parts:
        info.update(part.info)
    pairs = records.link_pairs(manifest.parts.values())
    info["lineage"] = dump_links(choose_links(pairs, LinkSettings.load()))
    return info


class Builds:
    """The active build, read from the state store; the Chroma index (`open_index`) is opened only to search
    vectors (or to move a damaged embedded index aside, which empties it)."""

    def __init__(self, state: StateStore, prefix: str, open_index: Callable[[], IndexStore],
                 index_dir: Path | None = None) -> None:
        self.state = state
        self.prefix = prefix
        self.records = BuildRecords(state, prefix)
        self.index_dir = index_dir  # an embedded index's directory (None with a Chroma server)
        self._open_index = open_index
        self._index: IndexStore | None = None
        self._opening = threading.Lock()
        self._parsed: dict[str, list[Row]] = {}  # a part never changes: a reload parses only the new ones

    @property
    def index(self) -> IndexStore:
        """The Chroma side (imports Chroma; an embedded index found damaged is moved aside here)."""
        with self._opening:
            if self._index is None:
                self._index = self._open_index()
            return self._index

    def pointer(self) -> Pointer:
        """The build pointer. An index from before the state store kept it on a `-meta` collection is opened
        once, which moves it into the store."""
        pointer = self.state.pointer(self.prefix)
        if pointer.version == 0 and (self.index_dir is None or (self.index_dir / "chroma.sqlite3").exists()):
            pointer = self.index.pointer()
        return pointer

    def read(self, pointer: Pointer | None = None) -> Build:
        """The build `pointer` names (default: the active one); empty when there is none or it is gone."""
        pointer = pointer or self.pointer()
        if self.index_dir is not None and damage(self.index_dir):
            _ = self.index  # moved aside, and its builds forgotten: read as empty, to be ingested again
        manifest = self.records.manifest(pointer.active) if pointer.active else None
        if manifest is None:
            return Build(pointer)
        parts = self.records.parts(manifest.parts.values(), rows=False)
        parsed = self._rows(parts)
        rows = [row for part in sorted(parts, key=lambda p: p.doc) for row in parsed[part.name]]
        return Build(pointer, build_info(self.records, manifest, parts), rows,
                     BuildVectors(manifest.parts, lambda: self.index, self.records))

    def _rows(self, parts: list[Part]) -> dict[str, list[Row]]:
        """Each part's rows: those read before from memory, the others from the state store."""
        with self._opening:
            parsed = {p.name: self._parsed[p.name] for p in parts if p.name in self._parsed}
        for part in self.records.parts([p.name for p in parts if p.name not in parsed]):
            parsed[part.name] = part_rows(part)
        with self._opening:
            self._parsed = parsed  # the parts of the last build read: an engine keeps its own rows
        return parsed

    def backlog(self, pointer: Pointer | None = None) -> int:
        """How many rows of the build `pointer` names (default: the active one) wait for their vectors."""
        pointer = pointer or self.pointer()
        manifest = self.records.manifest(pointer.active) if pointer.active else None
        return sum(self.records.waiting(manifest.parts.values()).values()) if manifest else 0


def open_builds(index_dir: Path, chroma_url: str | None = None, prefix: str = "rows",
                state: StateStore | None = None) -> Builds:
    """The builds of the embedded index at `index_dir` (or of a Chroma server), their pointer in `state` (None:
    the embedded state store of the data directory that holds `index_dir`). Nothing of Chroma is imported."""
    state = state or open_state(None, index_dir.parent)

    def open_index() -> IndexStore:
        from ingest.store import open_store

        return open_store(index_dir, chroma_url, prefix, state)

    return Builds(state, prefix, open_index, None if chroma_url else index_dir)
