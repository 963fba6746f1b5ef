"""The index as its readers see it: the active build's rows and metadata from the build's snapshot, without
importing Chroma, and its vectors, opened at the first dense search.

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
from ingest.index_files import damage, holds_build
from ingest.rows import Row
from ingest.snapshot import SnapshotFolder, snapshot_folder
from state import Pointer, StateStore, open_state

if TYPE_CHECKING:  # Chroma's side, imported when a build must be read from the index or searched
    from chromadb.api.models.Collection import Collection

    from ingest.store import IndexStore

log = logging.getLogger(__name__)


class BuildVectors:
    """One build's vectors, searched in the index that `index()` opens (once, at the first search)."""

    def __init__(self, name: str, index: Callable[[], IndexStore]) -> None:
        self.name = name
        self._index = index
        self._collection: Collection | None = None
        self._lock = threading.Lock()

    def collection(self) -> Collection:
        """The build's Chroma collection; BuildGone when the index no longer holds it."""
        with self._lock:
            if self._collection is None:
                found = self._index().collection(self.name)
                if found is None:
                    raise BuildGone(f"the build {self.name} is no longer in the index")
                self._collection = found
            return self._collection

    def nearest(self, vector: list[float], limit: int, docs: list[str]) -> list[tuple[str, float]]:
        """Up to `limit` row ids of `docs` by cosine similarity to `vector`, most similar first, with it."""
        return self._index().nearest(self.collection(), vector, limit, docs)


@dataclass(frozen=True)
class Build:
    """One build as an engine is made from it: the pointer that named it, its metadata, rows and vectors."""

    pointer: Pointer
    info: dict[str, Any] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    vectors: BuildVectors | None = None


class Builds:
    """The active build, read from its snapshot; the Chroma index (`open_index`) is opened only to read a build
    that has no snapshot yet (then written), one an embedded index does not hold, or to search vectors."""

    def __init__(self, state: StateStore, prefix: str, snapshots: SnapshotFolder,
                 open_index: Callable[[], IndexStore], index_dir: Path | None = None) -> None:
        self.state = state
        self.prefix = prefix
        self.snapshots = snapshots
        self.index_dir = index_dir  # an embedded index's directory (None with a Chroma server)
        self._open_index = open_index
        self._index: IndexStore | None = None
        self._opening = threading.Lock()

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
        name = pointer.active
        if not name:
            return Build(pointer)
        if self.index_dir is not None and (damage(self.index_dir) or not holds_build(self.index_dir, name)):
            return self._read_index(pointer)  # moved aside if damaged; a build that is gone reads as empty
        snapshot = self.snapshots.read(name)
        if snapshot is None:
            return self._read_index(pointer)
        return Build(pointer, snapshot.info, snapshot.rows, BuildVectors(name, lambda: self.index))

    def _read_index(self, pointer: Pointer) -> Build:
        index = self.index
        collection = index.active(pointer)
        if collection is None:
            return Build(pointer)
        info, rows = index.build_info(collection), index.load_rows(collection)
        try:  # the next reader of this build reads the snapshot (a build from before them, or another machine's)
            self.snapshots.write(collection.name, info, rows)
        except OSError as err:
            log.warning("the snapshot of build %s cannot be written (%s); it is read from the index",
                        collection.name, err)
        return Build(pointer, info, rows, BuildVectors(collection.name, lambda: index))


def open_builds(index_dir: Path, chroma_url: str | None = None, prefix: str = "rows",
                state: StateStore | None = None) -> Builds:
    """The builds of the embedded index at `index_dir` (or of a Chroma server), their pointer in `state` (None:
    the embedded state store of the data directory that holds `index_dir`). Nothing of Chroma is imported."""
    state = state or open_state(None, index_dir.parent)

    def open_index() -> IndexStore:
        from ingest.store import open_store

        return open_store(index_dir, chroma_url, prefix, state)

    return Builds(state, prefix, snapshot_folder(index_dir.parent), open_index, None if chroma_url else index_dir)
