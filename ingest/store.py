"""The index: row vectors in one Chroma collection, tagged with their part (`<doc>@<generation>`), and builds as
manifests of parts in the state store, the pointer naming the active one.

An ingest writes the parts of the lists it changed (and their vectors) beside the others, then writes a manifest
and moves the pointer in one transaction (compare-and-set): a failed or killed ingest leaves the previous build
whole and in use, and a writer that read a pointer another writer has moved since activates nothing. Parts no
kept build names, and their vectors, are deleted by `prune`.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError

from ingest.build_records import BuildGone
from ingest.index_files import StorageError, damage, is_fault, live_segments
from ingest.rows import Row
from state import LEASE_SECONDS, ListChange, Pointer, StalePointer, StateStore, open_state
from state.manifests import BuildRecords, Manifest

__all__ = ["IndexStore", "StorageError", "open_client", "open_store", "row_id", "vector_id"]

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
log = logging.getLogger(__name__)
_SEGMENT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def open_client(index_dir: Path, chroma_url: str | None = None) -> ClientAPI:
    """An embedded PersistentClient under the data directory, or a client of a Chroma server."""
    settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                   ssl=url.scheme == "https", settings=settings)
    index_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(index_dir), settings=settings)


def open_store(index_dir: Path, chroma_url: str | None = None, prefix: str = "rows",
               state: StateStore | None = None, lease_seconds: float = LEASE_SECONDS) -> IndexStore:
    """The index store, its pointer and its readers' leases (kept `lease_seconds`) in `state` (None: the embedded
    state store of the data directory that holds `index_dir`). An embedded index whose database fails an integrity check (or is empty) is moved aside
    and started afresh, with a warning; any other failure to open it (disk full, permission, a lock) is a
    StorageError, and nothing is moved.

    A Chroma server that cannot be reached is an error for the caller: nothing there is ours to move.
    """
    state = state or open_state(None, index_dir.parent)
    if chroma_url:
        return IndexStore(open_client(index_dir, chroma_url), state, prefix, None, lease_seconds)
    problem = damage(index_dir)
    if problem is None:
        try:
            return IndexStore(open_client(index_dir), state, prefix, index_dir, lease_seconds)
        except Exception as err:
            if is_fault(str(err)) or isinstance(err, OSError):
                raise StorageError(f"index at {index_dir} cannot be opened: {type(err).__name__}: {err}") from err
            problem = f"{type(err).__name__}: {err}"
    aside = index_dir.with_name(f"{index_dir.name}.broken-{time.strftime('%Y%m%d%H%M%S')}")
    shutil.move(str(index_dir), str(aside))
    SharedSystemClient._identifier_to_system.pop(str(index_dir), None)  # forget the broken instance
    log.warning("index at %s is damaged (%s); moved it to %s and starting an empty index", index_dir, problem, aside)
    BuildRecords(state, prefix).forget()  # its builds' vectors went with it: the lists are ingested again
    return IndexStore(open_client(index_dir), state, prefix, index_dir, lease_seconds)


def vector_id(part: str, row: Row) -> str:
    """A row's vector's id in the index: `<doc>@<generation>#<row>` (a document's key holds no @)."""
    return f"{part}#{row.row}"


def row_id(vector: str) -> str:
    """The row id (`<doc>#<row>`) of a vector's id."""
    return f"{vector.split('@', 1)[0]}#{vector.rsplit('#', 1)[1]}"


class IndexStore:
    """The vectors of every part in the collection `<prefix>-vectors`; the manifests, parts and pointer `<prefix>`
    in the state store (`records`)."""

    def __init__(self, client: ClientAPI, state: StateStore, prefix: str = "rows", folder: Path | None = None,
                 lease_seconds: float = LEASE_SECONDS) -> None:
        self.client = client
        self.state = state
        self.prefix = prefix
        self.records = BuildRecords(state, prefix)
        self.folder = folder  # the embedded index's directory (None with a Chroma server)
        self.lease_seconds = lease_seconds
        self._vectors: Collection | None = None
        self._adopt_meta_pointer()

    def _adopt_meta_pointer(self) -> None:
        """An index from before the state store records its active build on a `<prefix>-meta` collection: the
        first start moves it into the store (the collection stays, unread)."""
        if self.state.pointer(self.prefix).version:
            return
        try:
            active = (self.client.get_collection(f"{self.prefix}-meta").metadata or {}).get("active")
        except Exception:  # no such collection: a new index
            return
        if active:
            try:
                self.state.move_pointer(self.prefix, str(active), expected=0)
                log.info("the active build %s moved from the %s-meta collection into the state store", active,
                         self.prefix)
            except StalePointer:  # another process adopted it first
                pass

    def vectors(self) -> Collection:
        """The collection of every part's vectors (made at the first use)."""
        if self._vectors is None:
            self._vectors = self.client.get_or_create_collection(
                f"{self.prefix}-vectors", metadata={"hnsw:space": "cosine"}, embedding_function=None)
        return self._vectors

    def sweep(self) -> int:
        """Remove segment directories no live segment owns (Chroma leaves them behind when a collection is
        deleted); how many were removed. Only for an embedded index: a server's disk is the server's."""
        live = live_segments(self.folder) if self.folder is not None else None
        if self.folder is None or live is None:
            return 0
        removed = 0
        for entry in self.folder.iterdir():
            if entry.is_dir() and _SEGMENT.fullmatch(entry.name) and entry.name not in live:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        return removed

    def pointer(self) -> Pointer:
        """The active build's name and the pointer's version, for a compare-and-set by `activate`."""
        return self.state.pointer(self.prefix)

    def active_name(self) -> str | None:
        return self.pointer().active

    def active(self, pointer: Pointer | None = None) -> Manifest | None:
        """The active build's manifest (the one `pointer` names, when given); None when there is none."""
        name = (pointer or self.pointer()).active
        return self.records.manifest(name) if name else None

    def nearest(self, vector: list[float], limit: int, parts: list[str]) -> list[tuple[str, float]]:
        """Up to `limit` row ids of `parts` by cosine similarity to `vector`, most similar first (rows whose vector
        is not in yet are not among them). Only ids and distances are fetched: the rows are in memory already.
        BuildGone when the index cannot be searched."""
        try:
            result = self.vectors().query(
                query_embeddings=np.asarray([vector], dtype=np.float32), n_results=limit,
                where={"part": {"$in": list[str | int | float | bool](parts)}},  # type: ignore[dict-item]
                include=["distances"])
        except ChromaError as err:
            raise BuildGone(f"{self.prefix}-vectors: {type(err).__name__}: {err}") from err
        pairs = zip(result["ids"][0], (result["distances"] or [[]])[0], strict=False)
        return [(row_id(vid), 1.0 - float(distance)) for vid, distance in pairs]

    def add_vectors(self, part: str, rows: list[Row], vectors: np.ndarray) -> None:
        """Rows' vectors (float32, one per row) into the index, as the part's."""
        self.vectors().upsert(ids=[vector_id(part, r) for r in rows], embeddings=vectors,
                              metadatas=[{"part": part} for _ in rows])

    def count_vectors(self, part: str) -> int:
        return len(self.vectors().get(where={"part": part}, include=[])["ids"])

    def delete_vectors(self, parts: list[str]) -> None:
        for start in range(0, len(parts), 200):
            self.vectors().delete(where={"part": {"$in": list[str | int | float | bool](parts[start:start + 200])}})  # type: ignore[dict-item]

    def activate(self, manifest: Manifest, read: Pointer, lists: ListChange | None = None) -> Pointer:
        """Write the manifest and make it the active build if the pointer is still as the writer `read` it, and
        change the registry of added lists by `lists` with it; StalePointer (nothing changed) if another writer
        moved it since."""
        return self.records.activate(manifest, read, lists)

    def new_name(self) -> str:
        return f"{self.prefix}-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 1_000_000_000:09d}"

    def build_names(self) -> list[str]:
        return self.records.names()

    def prune(self, keep: int = 2) -> None:
        """Drop all builds but the active one, the newest `keep - 1` others and those a process has leased within
        `lease_seconds` (a server still answering from one); then the parts no kept build names, with their
        vectors and lineage pairs."""
        active = self.active_name()
        builds = self.build_names()[::-1]
        kept = {active, *[b for b in builds if b != active][: max(keep - 1, 0)]}
        leased = self.state.leased_builds(self.prefix, time.time() - self.lease_seconds)
        for name in builds:
            if name not in kept and name in leased:
                log.info("build %s kept: a process still answers from it", name)
        self.records.drop_builds([b for b in builds if b not in kept and b not in leased])
        gone = self.records.unnamed_parts()
        if gone:
            self.delete_vectors(gone)
            self.records.drop_parts(gone)

    def part_vectors(self, part: str, rows: list[Row]) -> dict[str, np.ndarray]:
        """The vectors of a part's rows that are in the index, by row id."""
        if not rows:
            return {}
        found = self.vectors().get(ids=[vector_id(part, r) for r in rows], include=["embeddings"])
        embeddings = found["embeddings"] if found["embeddings"] is not None else []
        return {row_id(vid): np.asarray(v, dtype=np.float32) for vid, v in zip(found["ids"], embeddings, strict=True)}
