"""Lists added from outside the bundled folder (an upload, or `ingest PATH`): each file is kept under the data
directory, so a rebuild (a forced re-ingest, or recovery from a damaged index) reads it again.

A kept file is named after its list's key (`ingest.uploads.stored_name`); its sha256 is in the index's source
record of the list. The state store's registry of added lists holds each file's bytes too: the folder is a cache of
it, and a rebuild first restores what the folder lacks (`restore_kept`), so that a server whose data directory never
saw an upload (another server's, over one PostgreSQL) rebuilds it all the same. A bundled list is never added this
way: the bundled folder is its one source.
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.errors import IngestError
from ingest.formats import folder_lists
from ingest.limits import Deadline
from ingest.uploads import UploadFolder, list_sources, stored_name
from state import ListFile, StateStore

if TYPE_CHECKING:  # the indexer (Chroma, the embedding model) loads only when a list is ingested
    from ingest.indexer import Indexer, IngestReport, Progress

log = logging.getLogger(__name__)


class BundledList(ValueError):
    """A change asked to a bundled list (settings.lists_dir): that file in the bundled folder is its one source."""


def bundled_file(lists_dir: Path, key: str) -> Path | None:
    """The file of that key (stem) in the bundled lists' folder, if there is one."""
    return next((p for p in folder_lists(lists_dir) if p.stem == key), None)


def add_list(indexer: Indexer, folder: UploadFolder, lists_dir: Path, path: Path, filename: str,
             on_progress: Progress | None = None, progress: bool = False, place: str | None = None,
             uploaded_by: str = "cli", vectors_later: bool = False) -> IngestReport:
    """Ingest `path` (named `filename` by its sender) as an added list and keep a copy of it in `folder`.

    The copy is kept only once the ingest succeeded; IngestError (naming `filename`) leaves the index and the
    kept files as they were. BundledList when the key is a bundled list's. The reading and embedding of the
    file are bounded by the indexer's limits (rows, pages, seconds). Its lists are of `place` when one is given
    (kept in the state store, so every rebuild reads the file so), else of the place their title names. The file
    goes into the state store's registry of added lists, as added by `uploaded_by` (an owner's fingerprint, or
    cli), with the build that activates it. `vectors_later`: activated before its rows' vectors are all in
    (see Indexer.ingest).
    """
    key = Path(stored_name(filename)).stem
    if (bundled := bundled_file(lists_dir, key)) is not None:
        raise BundledList(f"{key!r} is a bundled list, read from {bundled.name} in the lists folder "
                                    "(ASSISTANT_LISTS_DIR): change that file there and re-ingest, or add the file "
                                    "under another name")
    staged = folder.stage(path, filename)
    try:
        report = indexer.ingest([staged], progress=progress, on_progress=on_progress,
                                deadline=Deadline(indexer.limits.seconds), exclusive=True,
                                places={key: place} if place else None,
                                record=_list_file(staged, place.strip() if place else None, uploaded_by),
                                vectors_later=vectors_later)
    except BaseException as err:
        folder.discard(staged)
        if isinstance(err, IngestError):  # the sender's file name, not our copy's path
            raise IngestError(filename, err.message) from None
        raise
    folder.keep(staged)
    indexer.store.state.set_list_place(key, place.strip() if place else None)
    return report


def _list_file(staged: Path, place: str | None, uploaded_by: str) -> ListFile:
    """The registry's record of a staged file (its format as the suffix says, until the ingest read it)."""
    content = staged.read_bytes()
    return ListFile(key=staged.stem, name=staged.name, format=staged.suffix.lstrip("."),
                    sha256=hashlib.sha256(content).hexdigest(), size=len(content), place=place,
                    uploaded_by=uploaded_by, uploaded_at=time.time(), content=content)


def restore_kept(folder: UploadFolder, state: StateStore) -> list[str]:
    """Write into `folder` each added file the registry holds and the folder lacks (or holds other bytes of: the
    registry is the source, the folder its cache); the keys restored."""
    restored = []
    for file in state.list_files():
        local = folder.find(file.key)
        if local is not None and local.name == file.name and \
                hashlib.sha256(local.read_bytes()).hexdigest() == file.sha256:
            continue
        held = state.list_file(file.key)
        if held is None or held.content is None:  # forgotten in between
            continue
        folder.restore(held.name, held.content)
        log.info("restored the added list file %s from the state store (%s)", held.name, state.where)
        restored.append(file.key)
    return restored


def rebuild_sources(lists_dir: Path, folder: UploadFolder, state: StateStore) -> list[Path]:
    """What a full rebuild reads (`ingest.uploads.list_sources`), once the added files the registry holds are
    restored into `folder`."""
    restore_kept(folder, state)
    return list_sources(lists_dir, folder.folder)


def add_paths(indexer: Indexer, folder: UploadFolder, lists_dir: Path, paths: list[Path],
              progress: bool = False, place: str | None = None) -> list[IngestReport]:
    """`ingest PATH…`: files of the bundled folder are ingested from there; every other list file is added with
    `add_list` (of `place`, when one is given), so its copy under the data directory outlives the file it came
    from. One report per ingest; `progress` draws a progress bar on stderr."""
    from ingest.indexer import list_files

    files = list_files(paths)
    bundled_dir = lists_dir.resolve()
    bundled = [f for f in files if f.resolve().parent == bundled_dir]
    reports = [indexer.ingest(bundled, progress=progress)] if bundled else []
    for path in files:
        if path not in bundled:
            try:
                reports.append(add_list(indexer, folder, lists_dir, path, path.name, progress=progress,
                                        place=place))
            except IngestError as err:  # named by the path given, as an ingest of the file in place would be
                raise IngestError(path, err.message) from None
    return reports


def kept_sources(lists_dir: Path, folder: UploadFolder) -> str:
    """What a rebuild reads, in words: the bundled folder and how many added lists are kept."""
    added = len(folder.files())
    return f"the bundled lists in {lists_dir}" + (f" and {added} added list file{'s' * (added != 1)} kept in "
                                                 f"{folder.folder}" if added else "")
