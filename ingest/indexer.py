"""Ingest list files into the index: parse all, embed what changed, build aside, then switch."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
from tqdm import tqdm

from ingest.build_records import sources_of
from ingest.builds import part_rows
from ingest.embed_cache import EmbeddingCache
from ingest.errors import IngestError
from ingest.formats import LIST_SUFFIXES, folder_lists
from ingest.limits import Deadline, Limits
from ingest.parser import PARSER_VERSION, parse_path
from ingest.parts import missing_links, new_part, rows_part, score_links
from ingest.progress_log import ProgressLog
from ingest.registries import Registry
from ingest.rows import Document, Row, Source
from ingest.store import IndexStore, open_store
from state import ListChange, ListEntry, ListFile, Pointer, StateStore, WriterLock, open_state
from state.manifests import Manifest, Part

if TYPE_CHECKING:  # loaded by open_indexer: importing this module (as the answering path does) stays light
    from ingest.embedder import E5Embedding

# (texts embedded so far, texts to embed): before the first batch and after each; one that raises stops the ingest
Progress = Callable[[int, int], None]

log = logging.getLogger(__name__)

EMBED_BATCH = 32
ADD_BATCH = 1000  # rows per Chroma add: 2,000 kept ~100 MB more resident at 10,000 rows, and was no faster


class SettingsLike(Protocol):
    """The part of assistant.settings.Settings that ingestion reads."""

    data_dir: Path
    chroma_url: str | None
    database_url: str | None
    collection_prefix: str
    max_rows_per_list: int
    max_pages: int
    ingest_seconds: float
    build_lease_seconds: float

    @property
    def index_dir(self) -> Path: ...

    @property
    def cache_dir(self) -> Path: ...

    @property
    def uploads_dir(self) -> Path: ...


@dataclass
class SkippedFile:
    """A kept file (an upload) a full ingest could not read: it stays in its folder, and its lists as they were."""

    file: str
    reason: str


@dataclass
class IngestReport:
    """What an ingest or a removal did: counts over the whole index, then the documents it ingested or removed
    (`docs`) and the ids of the rows it ingested (`row_ids`)."""

    documents: int
    rows: int
    new: int
    changed: int
    unchanged: int
    removed: int
    embedded: int
    seconds: float
    switched: bool
    docs: list[str] = field(default_factory=list)
    row_ids: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    waiting: int = 0  # rows activated without their vectors (embedded in the background)

    @property
    def rows_of_docs(self) -> int:
        """How many rows the documents ingested hold."""
        return len(self.row_ids)

    def summary(self) -> str:
        state = "index switched" if self.switched else "index unchanged"
        skipped = "".join(f"; skipped {s.file}: {s.reason}" for s in self.skipped)
        waiting = f", {self.waiting} waiting for their vectors" if self.waiting else ""
        return (f"{self.documents} documents, {self.rows} rows: {self.new} new, {self.changed} changed, "
                f"{self.unchanged} unchanged, {self.removed} removed; {self.embedded} embedded{waiting}; "
                f"{self.seconds:.1f} s ({state}){skipped}")


def passage_text(row: Row) -> str:
    """What a row's vector is made from: category, task text and agencies."""
    parts = [row.category, row.text]
    if row.lead:
        parts.append("牵头单位：" + "、".join(row.lead))
    if row.responsible:
        parts.append(("责任单位：" if row.has_lead_column else "责任部门：") + "、".join(row.responsible))
    return "\n".join(p for p in parts if p)


def _sources(held: dict[str, Part]) -> dict[str, Source]:
    """Each held document's source file, as its part records it."""
    return {doc: source for part in held.values() for doc, source in sources_of(part.info).items()}


def _stamped(source: Source, before: object, now: str) -> Source:
    """The source with its ingest time: the earlier one when the same file (name, format, sha256) was read before."""
    if isinstance(before, str):
        try:
            old = Source.model_validate_json(before)
        except ValueError:  # not ours to fail an ingest over: the file is simply stamped now
            old = None
        if old is not None and (old.file, old.format, old.sha256) == (source.file, source.format, source.sha256):
            return source.model_copy(update={"ingested_at": old.ingested_at})
    return source.model_copy(update={"ingested_at": now})


def _recorded(record: ListFile | None, docs: list[Document]) -> ListChange | None:
    """The registry change that records an added file: its format as read, and the lists read from it."""
    if record is None:
        return None
    found = next((d.source.format for d in docs if d.source), record.format)
    lists = tuple(ListEntry(d.key, d.title, d.jurisdiction) for d in docs)
    return ListChange(record=(replace(record, format=found, lists=lists),))


def list_files(paths: list[Path]) -> list[Path]:
    """The list files named: a file as is, a folder as its list files (see ingest.formats)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = folder_lists(path)
            if not found:
                raise IngestError(path, f"folder holds no list files ({' '.join(LIST_SUFFIXES)})")
            files.extend(found)
        elif not path.exists():
            raise IngestError(path, "no such file or folder")
        else:
            files.append(path)
    return files


class Indexer:
    """The single writer of the index."""

    def __init__(self, store: IndexStore, embedder: E5Embedding, cache: EmbeddingCache, registry: Registry,
                 lock: WriterLock, limits: Limits | None = None,
                 kept_dir: Path | None = None) -> None:
        self.store = store
        self.limits = limits or Limits()
        self.embedder = embedder
        self.cache = cache
        self.registry = registry
        self.lock = lock  # the single writer's, across processes (and machines, over PostgreSQL)
        # Uploads: a file of this folder that does not read is skipped by an ingest of the folder, not fatal to it
        self.kept_dir = kept_dir.resolve() if kept_dir is not None else None

    def build_info(self) -> dict[str, str]:
        return {"embedding_model": self.embedder.model_name, "parser_version": PARSER_VERSION,
                "registry": self.registry.fingerprint()}

    def parse(self, paths: list[Path], deadline: Deadline | None = None, places: dict[str, str] | None = None
              ) -> tuple[list[Document], list[SkippedFile]]:
        """The documents of the files in `paths` (each read within `self.limits`, and by `deadline` when one is
        given), and the kept files skipped. A file's lists are of the place `places` gives for its stem, or, for a
        kept file, the place given when it was uploaded (the state store keeps it); else of the place their title
        names.

        IngestError for a file that does not read, or whose list has the key of another file's list, unless the
        file is in the kept folder (`kept_dir`): that one is skipped, logged and reported, and stays where it
        is. Kept files are read after all others, so a bundled list keeps its key.
        """
        files = sorted(list_files(paths), key=self._is_kept)  # stable: each group in its given order
        kept_places = self.store.state.list_places() if any(map(self._is_kept, files)) else {}
        docs: list[Document] = []
        skipped: list[SkippedFile] = []
        read_from: dict[str, Path] = {}
        for path in files:
            place = (places or {}).get(path.stem) or (kept_places.get(path.stem) if self._is_kept(path) else None)
            try:
                found = parse_path(path, self.registry, limits=self.limits, deadline=deadline, place=place)
                if taken := next((d.key for d in found if d.key in read_from), None):
                    raise IngestError(path, f"its list {taken!r} has the key of a list read from "
                                            f"{read_from[taken].name}: two files give the same key (a document's "
                                            "key is its file stem)")
            except (IngestError, OSError) as err:
                if not self._is_kept(path):
                    raise
                reason = err.reason if isinstance(err, IngestError) else f"cannot be read ({err.strerror or err})"
                log.warning("skipped %s kept in %s: %s; the file stays there, and the lists read from it before "
                            "stay in the index", path.name, path.parent, reason)
                skipped.append(SkippedFile(path.name, reason))
                continue
            read_from.update((d.key, path) for d in found)
            docs.extend(found)
        return docs, skipped

    def _is_kept(self, path: Path) -> bool:
        return self.kept_dir is not None and path.resolve().parent == self.kept_dir

    def ingest(self, paths: list[Path], progress: bool = True, force: bool = False,
               on_progress: Progress | None = None, deadline: Deadline | None = None,
               exclusive: bool = False, places: dict[str, str] | None = None,
               record: ListFile | None = None, vectors_later: bool = False) -> IngestReport:
        """Add or replace the documents in `paths`; other documents in the index stay, untouched.

        A file replaces every list read before from a file of its name (stem), also those it no longer holds
        (a Word file of two lists, `x-1` and `x-2`, that now holds one, `x`). A changed list gets a new part; an
        unchanged one keeps its own. No build is made when nothing changed, unless `force`. `progress` draws a
        bar on the terminal; `on_progress` is told how the embedding goes (for a progress bar of the caller's
        own); if it raises, the ingest stops there. `deadline` bounds the whole ingest, embedding too (without
        one, each file's reading is bounded by `self.limits`). `vectors_later`: rows whose vectors are not cached
        are activated without them (answerable by the structured plan and BM25 at once); `backfill` embeds them.
        `exclusive` (a list added from outside): IngestError when a list's key is held by a list of a file of
        another name, which a rebuild reading both files could not tell apart. A kept file that does not read is
        skipped (see `parse`, which reads `places`). `record` (an added file, with its bytes) is written to the
        state store's registry of added lists, with the lists read from it, in the transaction that moves the
        pointer (or alone, when nothing is rebuilt and the registry does not hold that file yet).
        """
        started = time.perf_counter()
        docs, skipped = self.parse(paths, deadline, places)
        change = _recorded(record, docs)
        with self.lock.hold():
            read = self.store.pointer()
            previous = self.store.active(read)
            held = {p.doc: p for p in self.store.records.parts(previous.parts.values(), rows=False)} \
                if previous else {}
            if exclusive:
                self._refuse_taken_keys(held, docs)
            replaced = {doc.key for doc in docs} | self._read_from(held, docs)
            held |= {p.doc: p for p in self.store.records.parts([held[d].name for d in replaced if d in held])}
            old_hash = {r.id: r.content_hash() for d in sorted(replaced & held.keys()) for r in part_rows(held[d])}
            fresh_hash = {r.id: r.content_hash() for d in docs for r in d.rows}
            kept = {d: p for d, p in held.items() if d not in replaced}
            new = sum(rid not in old_hash for rid in fresh_hash)
            changed = sum(rid in old_hash and old_hash[rid] != h for rid, h in fresh_hash.items())
            removed = sum(rid not in fresh_hash for rid in old_hash)
            total = sum(p.count for p in kept.values()) + len(fresh_hash)
            report = IngestReport(len(kept) + len(docs), total, new, changed, total - new - changed, removed, 0,
                                  0.0, False, [d.key for d in docs], list(fresh_hash), skipped)
            info = self.build_info()
            same_model = previous is not None and previous.info.get("embedding_model") == info["embedding_model"]
            parts, fresh = self._parts(docs, held, kept, same_model)
            if force or fresh or previous is None or previous.parts != parts or previous.info != info:
                report.embedded, report.waiting = self._write_build(
                    parts, fresh, info, read, progress, on_progress, deadline, change, vectors_later)
                report.switched = True
            elif record is not None and change is not None and not self._holds(record):
                self.store.state.change_lists(change)
        report.seconds = time.perf_counter() - started
        return report

    def _parts(self, docs: list[Document], held: dict[str, Part], kept: dict[str, Part], same_model: bool
               ) -> tuple[dict[str, str], list[Part]]:
        """The new build's part of each document, and the parts to write: one for each document read that
        changed (rows or metadata), and for every kept one when the embedding model changed (new vectors)."""
        parts = {d: p.name for d, p in kept.items()}
        fresh: list[Part] = []
        if not same_model:
            fresh += [rows_part(p.doc, part_rows(p), p.info)
                      for p in self.store.records.parts([p.name for p in kept.values()])]
        for doc in docs:
            before = held.get(doc.key)
            made = new_part(doc, self._doc_info(doc, before))
            unchanged = before is not None and same_model and before.info == made.info and before.rows == made.rows
            if unchanged and before is not None:
                parts[doc.key] = before.name
            else:
                fresh.append(made)
        parts.update({p.doc: p.name for p in fresh})
        return dict(sorted(parts.items())), fresh

    def remove(self, keys: list[str], progress: bool = False, forget: tuple[str, ...] = ()) -> IngestReport:
        """A build without the documents `keys` (keys it does not hold are ignored), then switch: the other
        documents keep their parts. The added files `forget` (their keys) leave the registry of added lists
        with that switch (or at once, when the index held none of `keys`)."""
        started = time.perf_counter()
        gone = set(keys)
        change = ListChange(forget=forget) if forget else None
        with self.lock.hold():
            read = self.store.pointer()
            previous = self.store.active(read)
            held = self.store.records.parts(previous.parts.values(), rows=False) if previous else []
            kept = [p for p in held if p.doc not in gone]
            docs = sorted(gone & {p.doc for p in held})
            rows = sum(p.count for p in kept)
            report = IngestReport(len(kept), rows, 0, 0, rows, sum(p.count for p in held) - rows, 0, 0.0, False,
                                  docs)
            if previous is not None and docs:
                parts = {p.doc: p.name for p in kept}
                report.embedded, report.waiting = self._write_build(parts, [], previous.info, read, progress,
                                                                    lists=change)
                report.switched = True
            elif change is not None:
                self.store.state.change_lists(change)
        report.seconds = time.perf_counter() - started
        return report

    def _holds(self, record: ListFile) -> bool:
        """Whether the registry of added lists holds this very file (its key and sha256)."""
        return any((f.key, f.sha256) == (record.key, record.sha256) for f in self.store.state.list_files())

    def _refuse_taken_keys(self, held: dict[str, Part], docs: list[Document]) -> None:
        """IngestError when one of `docs` has the key of a list the build read from a file of another name."""
        sources = _sources(held)
        stems = {Path(d.source.file).stem for d in docs if d.source}
        for doc in docs:
            source = sources.get(doc.key)
            if source is not None and Path(source.file).stem not in stems:
                file = doc.source.file if doc.source else doc.key
                raise IngestError(file, f"the index holds a list {doc.key!r} read from {source.file}: a rebuild, "
                                        "reading both files, could not tell the two apart. Rename the file, or "
                                        f"remove {source.file}'s lists first")

    def _read_from(self, held: dict[str, Part], docs: list[Document]) -> set[str]:
        """The documents held read from a file of the same stem as one of `docs`' files."""
        stems = {Path(d.source.file).stem for d in docs if d.source}
        return {doc for doc, source in _sources(held).items() if Path(source.file).stem in stems}

    def _doc_info(self, doc: Document, before: Part | None) -> dict[str, str]:
        """A document's measures owner (`owner:<doc>`), facts (`facts:<doc>`, JSON) and source file
        (`source:<doc>`, JSON). A file read again unchanged keeps the time it was first ingested."""
        info: dict[str, str] = {}
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        if doc.measures_owner:
            info[f"owner:{doc.key}"] = doc.measures_owner
        if doc.facts:
            info[f"facts:{doc.key}"] = json.dumps(doc.facts, ensure_ascii=False)
        if doc.source:
            old = before.info.get(f"source:{doc.key}") if before else None
            info[f"source:{doc.key}"] = _stamped(doc.source, old, now).model_dump_json()
        return info

    def _embed_texts(self, texts: list[str], progress: bool, on_progress: Progress | None = None,
                     deadline: Deadline | None = None, where: str = "index") -> tuple[dict[str, np.ndarray], int]:
        """The vectors of `texts` as float32 (lists of Python floats would take 1.2 GB at 100,000 rows), cached
        ones read, the others embedded and cached. `on_progress` and `deadline` are consulted before each batch:
        either may stop the work."""
        vectors = self.cache.get_arrays(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in vectors))
        logged = ProgressLog(len(missing))
        if on_progress is not None and missing:
            on_progress(0, len(missing))
        with tqdm(total=len(missing), desc="embedding", unit="row", disable=not progress or not missing) as bar:
            for start in range(0, len(missing), EMBED_BATCH):
                if deadline is not None:
                    deadline.check(where, f"embedding (row {start} of {len(missing)})")
                batch = missing[start:start + EMBED_BATCH]
                fresh = dict(zip(batch, self.embedder.get_text_embedding_batch(batch), strict=True))
                self.cache.put_many(fresh)
                vectors.update({t: np.asarray(v, dtype=np.float32) for t, v in fresh.items()})
                bar.update(len(batch))
                logged(start + len(batch), len(missing))
                if on_progress is not None:
                    on_progress(start + len(batch), len(missing))
        return vectors, len(missing)

    def _add_vectors(self, parts: list[Part], vectors: dict[str, np.ndarray]) -> tuple[list[Part], int]:
        """Into the index, each part's rows whose vectors are in `vectors`: the parts with every row's vector
        (ready), and how many rows still wait for theirs."""
        ready, waiting = [], 0
        for part in parts:
            rows = part_rows(part)
            have = [r for r in rows if passage_text(r) in vectors]
            for start in range(0, len(have), ADD_BATCH):  # a batch at a time: Chroma copies what it is given
                chunk = have[start:start + ADD_BATCH]
                self.store.add_vectors(part.name, chunk, np.stack([vectors[passage_text(r)] for r in chunk]))
            if len(have) == len(rows):
                ready.append(replace(part, ready=True))
            else:
                ready.append(part)
                waiting += len(rows) - len(have)
        return ready, waiting

    def _write_build(self, parts: dict[str, str], fresh: list[Part], info: dict[str, str], read: Pointer,
                     progress: bool, on_progress: Progress | None = None, deadline: Deadline | None = None,
                     lists: ListChange | None = None, vectors_later: bool = False) -> tuple[int, int]:
        """Write the new parts and their vectors (embedded now, or only those cached when `vectors_later`), score
        the lineage pairs the new parts make, then write the manifest and move the pointer from where the writer
        `read` it, changing the registry of added lists by `lists` in the same transaction (StalePointer when
        another writer moved it in between: the parts written are left to the next prune). The rows embedded,
        and the rows left waiting for their vectors."""
        texts = [passage_text(r) for p in fresh for r in part_rows(p)]
        where = fresh[-1].doc if fresh else "index"
        if vectors_later:
            vectors, embedded = self.cache.get_arrays(texts), 0
        else:
            vectors, embedded = self._embed_texts(texts, progress, on_progress, deadline, where)
        written, waiting = self._add_vectors(fresh, vectors)
        self.store.records.add_parts(written)
        self._link(parts)
        self.store.activate(Manifest(self.store.new_name(), parts, info), read, lists)
        self.store.prune()
        return embedded, waiting

    def _link(self, parts: dict[str, str]) -> int:
        """Score the lineage pairs of the build's parts that are not scored yet (those of changed lists whose
        vectors are all in); how many pairs of parts were scored."""
        held = self.store.records.parts(parts.values(), rows=False)
        pairs = missing_links(self.store.records, held, self.registry)
        if not pairs:
            return 0
        whole = {p.name: p for p in self.store.records.parts({p.name for pair in pairs for p in pair})}
        vectors = {name: self.store.part_vectors(name, part_rows(part)) for name, part in whole.items()}
        self.store.records.add_links([score_links(whole[c.name], whole[p.name], vectors[c.name] | vectors[p.name],
                                                  self.registry) for c, p in pairs])
        return len(pairs)

    def backfill(self, on_rows: Callable[[int], None] | None = None) -> int:
        """Embed the rows waiting for their vectors, a part at a time (its cached vectors read, the others
        embedded, outside the writer's lock), add them, and mark the part ready; then score the lineage pairs
        the active build now can, and when there were any, activate the same parts again so that every server
        reads them. `on_rows(n)` after each part. How many rows it embedded."""
        embedded = 0
        for name in self.store.records.waiting():
            found = self.store.records.parts([name])
            if not found:  # pruned meanwhile
                continue
            part = found[0]
            vectors, count = self._embed_texts([passage_text(r) for r in part_rows(part)], False, where=part.doc)
            embedded += count
            with self.lock.hold():
                if not self.store.records.parts([name]):  # pruned while it was embedded
                    continue
                self._add_vectors([part], vectors)
                self.store.records.mark_ready(name)
            if on_rows is not None:
                on_rows(part.count)
        with self.lock.hold():
            read = self.store.pointer()
            active = self.store.active(read)
            if active is not None and self._link(active.parts):
                self.store.activate(Manifest(self.store.new_name(), active.parts, active.info), read)
                self.store.prune()
        return embedded


def open_indexer(settings: SettingsLike, registry: Registry | None = None,
                 embedder: E5Embedding | None = None, state: StateStore | None = None) -> Indexer:
    """The indexer for the configured data directory (or Chroma server), its build pointer in `state` (None: the
    configured state store)."""
    from ingest.embedder import E5Embedding

    registry = registry or Registry.load()
    embedder = embedder or E5Embedding()
    state = state or open_state(settings.database_url, settings.data_dir)
    store = open_store(settings.index_dir, settings.chroma_url, settings.collection_prefix, state,
                       settings.build_lease_seconds)
    cache = EmbeddingCache(settings.cache_dir / "embeddings.sqlite", embedder.model_name)
    limits = Limits(settings.max_rows_per_list, settings.max_pages, settings.ingest_seconds)
    return Indexer(store, embedder, cache, registry, state.writer_lock(settings.collection_prefix),
                   limits, kept_dir=settings.uploads_dir)
