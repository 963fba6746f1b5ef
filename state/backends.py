"""The two state stores: an embedded SQLite file (the default) and a PostgreSQL server (several servers)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from state.locks import AdvisoryLock, FileLock, WriterLock
from state.records import Pointer, StateUnavailable
from state.store import StateStore

log = logging.getLogger(__name__)
CHANNEL = "build_pointer"


class SQLiteState(StateStore):
    """One SQLite file with a rollback journal: a write transaction takes the write lock
    at its start (BEGIN IMMEDIATE), so that two processes never fail to upgrade a read lock. Other processes see a
    pointer move at their next poll."""

    @classmethod
    def at(cls, path: Path) -> SQLiteState:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
            # A rollback journal, not WAL: WAL maps its -shm file into every process, and a server's follower
            # thread died of SIGBUS there while CLI processes came and went on the same data directory.
            dbapi_connection.execute("PRAGMA journal_mode=DELETE")
            dbapi_connection.execute("PRAGMA synchronous=NORMAL")
            dbapi_connection.execute("PRAGMA busy_timeout=30000")

        @event.listens_for(engine, "begin")
        def _begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

        store = cls(engine)
        store.path = path
        path.chmod(0o600)  # sessions and corrections: the owner's alone, like the rest of the data directory
        return store

    path: Path

    def writer_lock(self, name: str) -> WriterLock:
        """A file lock beside the database file (`ingest.lock`): SQLite is one machine's, and so is its writer."""
        return FileLock(self.path.parent / "ingest.lock")

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(write=True)
            with conn.begin():
                yield conn


class PostgresState(StateStore):
    """A PostgreSQL database shared by every server: rows are locked as they are changed, and a pointer move is
    announced with NOTIFY, which `wait_pointer` hears on a connection of its own (LISTEN)."""

    def __init__(self, engine: Any, url: str) -> None:
        super().__init__(engine)
        self.url = url
        self._listener: Any = None
        self._listening = threading.Lock()

    @classmethod
    def at(cls, database_url: str) -> PostgresState:
        url = make_url(database_url)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg")
        engine = create_engine(url, pool_pre_ping=True)
        return cls(engine, url.set(drivername="postgresql").render_as_string(hide_password=False))

    def writer_lock(self, name: str) -> WriterLock:
        """An advisory lock keyed by `name` (the index's collection prefix), held on a connection of its own."""
        return AdvisoryLock(self.url, name)

    def _announce(self, conn: Connection, name: str) -> None:
        conn.execute(text("SELECT pg_notify(:channel, :name)"), {"channel": CHANNEL, "name": name})

    def wait_pointer(self, name: str, seen: Pointer, timeout: float) -> Pointer:
        deadline = time.monotonic() + timeout
        with self._listening:
            try:
                listener = self._listen()
                current = self.pointer(name)  # after LISTEN: a move from now on is heard
                while current == seen and (left := deadline - time.monotonic()) > 0:
                    for _ in listener.notifies(timeout=left, stop_after=1):
                        break
                    current = self.pointer(name)
                return current
            except Exception as err:  # a lost connection: poll as SQLite does, and listen again next time
                log.warning("listening for build pointer moves failed (%s); polling", err)
                self._close_listener()
        return super().wait_pointer(name, seen, max(deadline - time.monotonic(), 0.0))

    def _listen(self) -> Any:
        if self._listener is None or self._listener.closed:
            import psycopg

            self._listener = psycopg.connect(self.url, autocommit=True)
            self._listener.execute(f"LISTEN {CHANNEL}")
        return self._listener

    def _close_listener(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def close(self) -> None:
        with self._listening:
            self._close_listener()
        super().close()


def open_state(database_url: str | None, data_dir: Path) -> StateStore:
    """The configured state store: PostgreSQL (or any SQLAlchemy URL) when `database_url` is set, else the SQLite
    file `state.sqlite3` in the data directory."""
    where = make_url(database_url).render_as_string(hide_password=True) if database_url else \
        str(data_dir / "state.sqlite3")
    try:
        if not database_url:
            return SQLiteState.at(data_dir / "state.sqlite3")
        if database_url.startswith(("postgresql", "postgres:")):
            return PostgresState.at(database_url)
        if database_url.startswith("sqlite:///"):
            return SQLiteState.at(Path(database_url.removeprefix("sqlite:///")))
    except (SQLAlchemyError, OSError) as err:
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0]
        raise StateUnavailable(f"state store {where} cannot be opened: {reason}") from err
    raise StateUnavailable(f"ASSISTANT_DATABASE_URL must be postgresql://… or sqlite:///…, not {where}")

