"""Uploaded list files, kept under the data directory so that every rebuild reads them again."""

from __future__ import annotations

import os
import shutil
import tempfile
import unicodedata
from pathlib import Path, PurePosixPath

from ingest.errors import IngestError
from ingest.formats import LIST_SUFFIXES, folder_lists
from ingest.messages import Message

KEY_MAX_CHARS = 100
# The file system names a file in at most 255 bytes: the key and its longest suffix (.docx, .xlsx) must fit.
KEY_MAX_BYTES = 255 - max(len(suffix) for suffix in LIST_SUFFIXES)


def list_sources(lists_dir: Path, uploads_dir: Path) -> list[Path]:
    """What a full rebuild reads: the bundled lists' folder, and the uploads' folder once it holds a list."""
    return [lists_dir, *([uploads_dir] if folder_lists(uploads_dir) else [])]


def stored_name(filename: str) -> str:
    """The name an upload is kept under, `<key><suffix>`; IngestError when the name gives no key or no list suffix."""
    return document_key(filename) + list_suffix(filename)


def document_key(filename: str) -> str:
    """The key of an uploaded file's list: its stem keeping only letters (CJK too), digits, - and _."""
    stem = PurePosixPath(_base_name(filename)).stem
    key = "".join(ch for ch in stem if ch.isalnum() or ch in "-_")
    if not key:
        raise IngestError(filename or "(no name)", Message.of("bad_file_name"))
    if len(key) > KEY_MAX_CHARS or len(key.encode()) > KEY_MAX_BYTES:
        raise IngestError(filename, f"the file name is too long: its key is {len(key)} characters, "
                                    f"{len(key.encode())} bytes in UTF-8; at most {KEY_MAX_CHARS} characters and "
                                    f"{KEY_MAX_BYTES} bytes (a Chinese character takes 3)")
    return key


def list_suffix(filename: str) -> str:
    """The upload's suffix, lower-cased, when it is one of a list file's; else IngestError."""
    suffix = PurePosixPath(_base_name(filename)).suffix.lower()
    if suffix not in LIST_SUFFIXES:
        raise IngestError(filename or "(no name)", f"not a list file ({suffix or 'no suffix'}); "
                                                   f"a list is one of {' '.join(LIST_SUFFIXES)}")
    return suffix


def _base_name(filename: str) -> str:
    """The name without any folder a client sent with it; full-width letters and digits made plain."""
    return unicodedata.normalize("NFKC", filename).replace("\\", "/").rsplit("/", 1)[-1]


class UploadFolder:
    """Uploaded lists as `<key><suffix>` files in one folder; work in progress in its hidden `.incoming`.

    A file is staged (copied under its key), ingested, and only then kept: a failed ingest leaves the folder
    as it was. Removal withdraws the file first and discards it once the index no longer holds its list.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.incoming = folder / ".incoming"  # hidden: a rebuild reading the folder skips it

    def files(self) -> list[Path]:
        return folder_lists(self.folder)

    def find(self, key: str) -> Path | None:
        """The stored file of a key, if it was uploaded."""
        return next((p for p in self.files() if p.stem == key), None)

    def stage(self, source: Path, filename: str) -> Path:
        """A copy of `source` named `<key><suffix>` after `filename`, ready to ingest (IngestError for a bad name)."""
        staged = self._scratch() / stored_name(filename)
        shutil.copyfile(source, staged)
        return staged

    def restore(self, name: str, content: bytes) -> Path:
        """Keep `content` as the file `name` (a `<key><suffix>` the registry of added lists gave), replacing the
        key's earlier file of any suffix; written aside first, so a reader never sees half of it."""
        staged = self._scratch() / name
        staged.write_bytes(content)
        return self.keep(staged)

    def keep(self, staged: Path) -> Path:
        """Move a staged (or withdrawn) file into the folder, replacing the key's earlier upload of any suffix."""
        for old in self.files():
            if old.stem == staged.stem and old.name != staged.name:
                old.unlink()
        target = self.folder / staged.name
        os.replace(staged, target)
        self.discard(staged)
        return target

    def withdraw(self, key: str) -> Path | None:
        """Move the key's file out of the folder: `keep` puts it back, `discard` deletes it."""
        current = self.find(key)
        if current is None:
            return None
        withdrawn = self._scratch() / current.name
        os.replace(current, withdrawn)
        return withdrawn

    def discard(self, staged: Path) -> None:
        """Delete a staged or withdrawn file (only ever something under `.incoming`)."""
        if staged.parent.parent == self.incoming:
            shutil.rmtree(staged.parent, ignore_errors=True)

    def sweep(self, before: float) -> int:
        """Delete what `.incoming` holds from before `before` (a time.time()): copies a killed or failed upload or
        ingest left behind. Anything newer is left alone, as an ingest of this process may be writing it. How many
        entries went."""
        if not self.incoming.is_dir():
            return 0
        swept = 0
        for entry in self.incoming.iterdir():
            try:
                if entry.lstat().st_mtime >= before:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            except FileNotFoundError:  # gone already
                continue
            swept += 1
        return swept

    def _scratch(self) -> Path:
        self.incoming.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.incoming))
