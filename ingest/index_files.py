"""The data directory and what we read of an embedded Chroma directory's SQLite file without importing Chroma:
whether it is damaged, whether it holds a build, which segment directories are live."""

from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import closing
from pathlib import Path

log = logging.getLogger(__name__)
DATABASE = "chroma.sqlite3"
_FAULTS = ("disk is full", "disk full", "no space", "permission denied", "readonly", "read-only", "locked",
           "unable to open", "disk i/o error")


class StorageError(RuntimeError):
    """The index cannot be opened for a reason that is not damage (disk full, permission, a lock): nothing is
    moved aside; the operator must fix the cause."""


def private_dir(path: Path) -> Path:
    """The data directory, made if missing, readable by its owner alone: the officials' uploads and corrections
    are in it, and an old Office file is converted as another user (`nobody`) who must not read them."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077 and path.stat().st_uid == os.getuid():
        path.chmod(0o700)
        log.debug("data directory %s was readable by others (%o): now owner only", path, mode)
    return path


def is_fault(message: str) -> bool:
    """Whether an error's message names a fault of the machine (disk, permission, lock), not damage."""
    return any(fault in message.lower() for fault in _FAULTS)


def damage(index_dir: Path) -> str | None:
    """Why the embedded index's database is damaged (empty, not SQLite, its schema unreadable), or None (also
    when there is none yet). StorageError when it cannot be read for a reason that is not damage."""
    db = index_dir / DATABASE
    try:  # a file we may not read (permission, an I/O error) is not damage: nothing is moved
        if not db.exists():
            return None
        if db.stat().st_size == 0:
            return f"{DATABASE} is empty"
        with open(db, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                return f"{DATABASE} is not an SQLite database"
    except OSError as err:
        raise StorageError(f"index at {index_dir} cannot be read: {err.strerror or err} ({db.name})") from err
    try:  # the schema must read: cheap, unlike a full integrity check of a large index at every start
        with closing(_read_only(db)) as con:
            con.execute("SELECT count(*) FROM collections").fetchone()
            con.execute("SELECT count(*) FROM segments").fetchone()
    except sqlite3.DatabaseError as err:
        if is_fault(str(err)):
            raise StorageError(f"index at {index_dir} cannot be read: {err}") from err
        return f"{type(err).__name__}: {err}"
    return None


def live_segments(index_dir: Path) -> set[str] | None:
    """The ids of the segments the embedded index holds (their directories are live); None without a database."""
    db = index_dir / DATABASE
    if not db.exists():
        return None
    with closing(_read_only(db)) as con:
        return {row[0] for row in con.execute("SELECT id FROM segments")}


def _read_only(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)
