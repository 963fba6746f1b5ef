"""Shared fixtures: a throwaway data dir per test, one real index per session, real servers on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from assistant.core import Assistant
from assistant.settings import Settings
from evals import local_server
from evals.local_postgres import LocalPostgres, server_binaries
from evals.local_server import free_port
from ingest.indexer import open_indexer
from state import StateStore, open_state
from tests.fake_openai import FakeOpenAI
from ui.cli_serve import server_config
from ui.http import create_app

STARTUP_TIMEOUT = 180.0  # a cold `serve` embeds all rows first; ~15 s on 2 cores


@pytest.fixture(scope="session", autouse=True)
def clean_environment() -> Iterator[None]:
    """No ASSISTANT_* variable from the developer's shell reaches a test; Gradio phones nowhere."""
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("ASSISTANT_")]:
            patch.delenv(name)
        patch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
        yield


@pytest.fixture(autouse=True)
def tmp_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty data directory through ASSISTANT_DATA_DIR."""
    path = tmp_path / "data"
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(path))
    return path


@pytest.fixture(scope="session")
def indexed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over one data dir holding the four bundled lists, ingested once per session. Read-only."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("indexed"))
    indexer = open_indexer(settings)
    indexer.ingest([settings.lists_dir], progress=False)
    indexer.cache.close()  # checkpoints the sqlite file, so warm_data_dir can copy it whole
    return settings


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server started for this session (Debian's binaries, as `nobody` when we are root); the
    tests that use it skip, saying why, only when the binaries are not installed."""
    binaries = server_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL's server binaries (initdb, pg_ctl) are not installed: `make test` installs "
                    "Debian's postgresql package when run as root")
    server = LocalPostgres(binaries).start()
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeOpenAI]:
    """A loopback OpenAI-compatible server answering from a queue (the only fake: an LLM is remote)."""
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def assistant(indexed_settings: Settings) -> Assistant:
    """One Assistant over the session index (it owns that embedded Chroma directory: one per process)."""
    return Assistant.from_settings(indexed_settings)


def copy_data_dir(source: Path, target: Path) -> None:
    """Copy a data directory another test may be writing to (the session `assistant` keeps its sessions in the
    indexed dir's state store): SQLite's transient journal files are left out, since one can vanish mid-copy, and
    every SQLite file is then copied again through SQLite's backup API, so the copy is a consistent snapshot."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*-journal", "*-wal", "*-shm"))
    for copied in target.rglob("*.sqlite3"):
        with sqlite3.connect(source / copied.relative_to(target)) as src, sqlite3.connect(copied) as dst:
            src.backup(dst)
        src.close()
        dst.close()


@pytest.fixture
def warm_data_dir(indexed_settings: Settings, tmp_path: Path) -> Path:
    """An empty data dir (no index) with the session's embedding cache: an ingest there embeds nothing."""
    path = tmp_path / "warm"
    shutil.copytree(indexed_settings.cache_dir, Settings(data_dir=path).cache_dir)
    return path


def wait_for_health(url: str, timeout: float = STARTUP_TIMEOUT, alive: Callable[[], bool] = lambda: True,
                    why: Callable[[], str] = str) -> float:
    """Poll GET /health until it answers 200; the seconds it took. Fails the test, with `why()`, otherwise."""
    try:
        return local_server.wait_for_health(url, timeout, alive)
    except local_server.ServerNotReady as err:
        pytest.fail(f"{err}:\n{why()}")


class ThreadServer:
    """A uvicorn.Server for one app in a daemon thread, on a loopback socket it binds itself, configured as `serve`
    configures it for `settings` (the defaults when none are given)."""

    def __init__(self, app: Any, settings: Settings | None = None) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        self.server = uvicorn.Server(server_config(app, settings or Settings(), log_level="warning",
                                                   timeout_graceful_shutdown=2))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    def start(self) -> str:
        self.thread.start()
        wait_for_health(self.url, timeout=60, alive=self.thread.is_alive)
        return self.url

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.socket.close()


def stderr_lines(text: str) -> list[str]:
    """A command's stderr without the line naming the data directory (every test sets ASSISTANT_DATA_DIR)."""
    return [line for line in text.strip().splitlines() if not line.startswith("data directory: ")]


def fresh_state(folder: Path) -> StateStore:
    """A state store of its own (SQLite in `folder`): rate-limit and login counts that no earlier test left."""
    return open_state(None, folder)


@pytest.fixture(scope="session")
def start_server(assistant: Assistant, indexed_settings: Settings,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., str]]:
    """`start_server(**changes)`: create_app over the session assistant, settings changed as given
    (api_key=, rate_limit_per_minute=, log_questions=, cors_origins=...), served in a thread; its base URL.
    Each server counts requests and failed logins in a state store of its own, as a new deployment would."""
    servers: list[ThreadServer] = []

    def start(**changes: Any) -> str:
        settings = indexed_settings.model_copy(update=changes)
        state = fresh_state(tmp_path_factory.mktemp("counters"))
        server = ThreadServer(create_app(assistant, settings, state), settings)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def server(start_server: Callable[..., str]) -> str:
    """Base URL of the app (API and chat at /ui) with default settings over the session index."""
    return start_server()


@dataclass
class ServedProcess:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    startup_seconds: float

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")


@pytest.fixture
def serve_cli(tmp_path: Path) -> Iterator[Callable[..., ServedProcess]]:
    """`serve_cli(data_dir, **env)`: `policy-assistant serve` as a subprocess on a free port, env added."""
    started: list[ServedProcess] = []

    def start(data_dir: Path, **env: str) -> ServedProcess:
        port = free_port()
        log_path = tmp_path / f"serve-{port}.log"
        command = [str(Path(sys.executable).with_name("policy-assistant")), "serve", "--host", "127.0.0.1",
                   "--port", str(port)]
        with log_path.open("wb") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                       env={**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), **env})
        served = ServedProcess(f"http://127.0.0.1:{port}", process, log_path, 0.0)
        started.append(served)
        served.startup_seconds = wait_for_health(served.url, alive=lambda: process.poll() is None,
                                                 why=served.log)
        return served

    yield start
    for served in started:
        served.process.terminate()
        try:
            served.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait()
