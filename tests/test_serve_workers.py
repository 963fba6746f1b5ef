"""`policy-assistant serve --workers N` as an operator runs it: refused, saying what to set, over the embedded
index; over a Chroma server, N processes on one port, a dead worker started again, and a conversation that
outlives every worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from evals.local_chroma import LocalChroma
from evals.local_server import free_port, wait_for_health
from tests.test_cli import wait_for_line

CLI = str(Path(sys.executable).with_name("policy-assistant"))
FIRST, FOLLOW_UP = "营口市人社局要做哪些工作？", "那瓦房店呢？"


def workers_of(parent: int) -> set[int]:
    """The worker processes uvicorn's supervisor `parent` runs (spawned children; not its resource tracker)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return {int(pid) for pid in children if b"spawn_main" in _cmdline(int(pid))}


def _cmdline(pid: int) -> bytes:
    """A process's command line; empty when it has exited since its parent listed it (a worker being replaced)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except (FileNotFoundError, ProcessLookupError):
        return b""


def test_several_workers_over_the_embedded_index_are_refused_saying_what_to_set(tmp_data_dir: Path) -> None:
    result = subprocess.run([CLI, "serve", "--port", str(free_port()), "--workers", "2"], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "ASSISTANT_DATA_DIR": str(tmp_data_dir)})
    assert result.returncode == 2
    assert "ASSISTANT_CHROMA_URL" in result.stderr and "chroma run" in result.stderr and "--workers 1" in result.stderr
    assert "embedding model" not in result.stderr and "Traceback" not in result.stderr
    helped = subprocess.run([CLI, "serve", "--help"], capture_output=True, text=True, timeout=60)
    assert "--workers" in helped.stdout and "ASSISTANT_CHROMA_URL" in helped.stdout


def test_workers_over_a_state_store_that_does_not_answer_exit_saying_so(tmp_data_dir: Path) -> None:
    database = f"postgresql://nobody@127.0.0.1:{free_port()}/none?connect_timeout=2"
    result = subprocess.run([CLI, "serve", "--port", str(free_port()), "--workers", "2"], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "ASSISTANT_DATA_DIR": str(tmp_data_dir),
                                                         "ASSISTANT_DATABASE_URL": database,
                                                         "ASSISTANT_CHROMA_URL": f"http://127.0.0.1:{free_port()}"})
    assert result.returncode == 3
    assert "error: " in result.stderr and "state store postgresql://nobody@127.0.0.1" in result.stderr
    assert "Traceback" not in result.stderr and "ready:" not in result.stdout


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    server = LocalChroma(tmp_path / "chroma").start()
    yield server.url
    server.stop()


@pytest.mark.slow
def test_workers_share_one_port_are_started_again_when_killed_and_a_conversation_outlives_them(
        warm_data_dir: Path, chroma_url: str, tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen([CLI, "serve", "--port", str(port), "--workers", "2"], stdout=out,
                                   stderr=subprocess.STDOUT, env={**os.environ, "ASSISTANT_DATA_DIR": str(warm_data_dir),
                                                                  "ASSISTANT_CHROMA_URL": chroma_url})
    try:
        lines = wait_for_line(log, "ready:", process, timeout=300)
        assert lines[-1] == f"ready: chat at {url}/ui, API at {url}/docs (2 workers)"
        first_workers = workers_of(process.pid)
        assert len(first_workers) == 2
        first = httpx.post(f"{url}/ask", json={"question": FIRST}, timeout=60).json()
        assert len(first["citations"]) == 27
        for pid in first_workers:  # whichever answered is gone: the conversation lives in the state store
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 300
        while len(workers_of(process.pid) - first_workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        second_workers = workers_of(process.pid) - first_workers
        assert len(second_workers) == 2  # both started again
        wait_for_health(url, 300, alive=lambda: process.poll() is None)
        later = httpx.post(f"{url}/ask", json={"question": FOLLOW_UP, "session_id": first["session_id"]},
                           timeout=60).json()
        assert later["session_id"] == first["session_id"] and later["plan"]["followup"] != "new"
        assert later["filters"]["agencies"] == first["filters"]["agencies"]
        assert {c["doc"] for c in later["citations"]} == {"wafangdian"}
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert process.returncode == 0
    assert not [pid for pid in second_workers if Path(f"/proc/{pid}").exists()]  # stopped with their supervisor
