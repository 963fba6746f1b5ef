"""The single writer's lock: a file lock beside a SQLite store (one machine), a PostgreSQL advisory lock (every
machine over one database)."""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol


class WriterLock(Protocol):
    """Held by one writer at a time, across processes; `hold` waits for it."""

    def hold(self) -> AbstractContextManager[None]: ...


class FileLock:
    """An exclusive flock on a file: every process of one machine that opens the same path waits for it; the
    kernel releases it when its holder dies."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def hold(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def advisory_key(name: str) -> int:
    """A fixed 64-bit advisory lock key for the writer of the index `name` (signed, as PostgreSQL's bigint)."""
    digest = hashlib.sha256(f"policy-assistant writer:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class AdvisoryLock:
    """A session-level PostgreSQL advisory lock on a connection of its own, opened for each hold: a writer on any
    machine waits for it, and a holder that dies loses it with its connection."""

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.key = advisory_key(name)

    @contextmanager
    def hold(self) -> Iterator[None]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", (self.key,))
            try:
                yield
            finally:
                if not conn.closed:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
