"""The single writer's lock, as writers meet it: over SQLite a file lock beside the database (one machine), over
PostgreSQL an advisory lock (any machine). A second writer waits until the first releases it, and a writer killed
with SIGKILL releases it (the kernel closes its file, PostgreSQL ends its connection)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings
from evals.local_postgres import fresh_database
from ingest.indexer import open_indexer
from state import StateStore, WriterLock, open_state

PREFIX = "tasks"
HOLDER = """
import sys, time
from pathlib import Path
from state import open_state
url, folder, name = sys.argv[1] or None, Path(sys.argv[2]), sys.argv[3]
with open_state(url, folder).writer_lock(name).hold():
    print("held", flush=True)
    time.sleep(600)
"""


class Where:
    """One state database, as several processes open it: a URL (None: SQLite in `folder`) and a folder."""

    def __init__(self, url: str | None, folder: Path) -> None:
        self.url, self.folder = url, folder
        self.opened: list[StateStore] = []

    def open(self) -> StateStore:
        self.opened.append(open_state(self.url, self.folder))
        return self.opened[-1]

    def holder(self, name: str = PREFIX) -> subprocess.Popen[str]:
        """Another process holding the writer lock of `name`, once it said so."""
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
        child = subprocess.Popen([sys.executable, "-c", HOLDER, self.url or "", str(self.folder), name],
                                 stdout=subprocess.PIPE, text=True, env=env)
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        return child


@pytest.fixture(params=["sqlite", "postgresql"])
def where(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Where]:
    url = fresh_database(request.getfixturevalue("postgres_url")) if request.param == "postgresql" else None
    found = Where(url, tmp_path / "data")
    yield found
    for store in found.opened:
        store.close()


def in_thread(work: Callable[[], object]) -> threading.Event:
    """Run `work` in a thread; the event is set once it returned."""
    done = threading.Event()

    def run() -> None:
        work()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done


def held_in_thread(lock: WriterLock, release: threading.Event) -> threading.Event:
    """Take `lock` in a thread and hold it until `release` is set; the event returned is set once it is held."""
    def hold() -> None:
        with lock.hold():
            held.set()
            release.wait(30)

    held = threading.Event()
    threading.Thread(target=hold, daemon=True).start()
    return held


def test_a_second_writer_waits_until_the_first_releases_the_lock(where: Where) -> None:
    first, second = where.open().writer_lock(PREFIX), where.open().writer_lock(PREFIX)
    order: list[str] = []

    def write_second() -> None:
        with second.hold():
            order.append("second")

    with first.hold():
        done = in_thread(write_second)
        assert not done.wait(1.0)  # held by the first: the second waits
        order.append("first released")
    assert done.wait(10.0)
    assert order == ["first released", "second"]


def test_a_writer_killed_with_sigkill_releases_the_lock(where: Where) -> None:
    child, release = where.holder(), threading.Event()
    try:
        held = held_in_thread(where.open().writer_lock(PREFIX), release)
        assert not held.wait(1.0)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        assert held.wait(10.0)  # the lock went with the killed process (its file, its connection)
    finally:
        release.set()
        child.kill()
        child.wait(10)


def test_the_indexer_waits_for_a_writer_in_another_process(where: Where, indexed_settings: Settings,
                                                           tmp_path: Path) -> None:
    settings = indexed_settings.model_copy(update={"data_dir": where.folder, "database_url": where.url})
    indexer = open_indexer(settings, state=where.open())
    child = where.holder(settings.collection_prefix)
    try:
        started = time.monotonic()
        done = in_thread(lambda: indexer.remove(["nothing-held"]))
        assert not done.wait(1.5)  # the other process writes: this ingest waits
        os.kill(child.pid, signal.SIGTERM)
        child.wait(10)
        assert done.wait(30.0) and time.monotonic() - started >= 1.5
    finally:
        child.kill()
        child.wait(10)


def test_writers_of_two_indexes_do_not_wait_for_each_other(postgres_url: str, tmp_path: Path) -> None:
    url = fresh_database(postgres_url)
    one, two = open_state(url, tmp_path), open_state(url, tmp_path)
    release = threading.Event()
    try:
        with one.writer_lock("tasks").hold():
            assert held_in_thread(two.writer_lock("other"), release).wait(5.0)
    finally:
        release.set()
        one.close()
        two.close()
