"""Run `policy-assistant` as users do: a subprocess, and `serve` on a free loopback port until /health answers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from evals.local_server import ServerNotReady, free_port, wait_for_health

READY_TIMEOUT = 300.0


class BenchError(RuntimeError):
    """A step of the bench failed (a subprocess exited non-zero, a server never became ready)."""


def cli_command(*args: str) -> list[str]:
    """The installed `policy-assistant` script beside this interpreter, else `python -m ui.cli`."""
    script = Path(sys.executable).with_name("policy-assistant")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "ui.cli", *args]


def child_env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "GRADIO_ANALYTICS_ENABLED": "False"}


@dataclass
class Served:
    url: str
    ready_seconds: float


def _wait_ready(url: str, process: subprocess.Popen[bytes], log_path: Path, started: float) -> float:
    try:
        wait_for_health(url, READY_TIMEOUT, alive=lambda: process.poll() is None)
    except ServerNotReady as err:
        raise BenchError(f"{err}:\n" + log_path.read_text("utf-8", errors="replace")[-2000:]) from None
    return time.perf_counter() - started


@contextmanager
def served(data_dir: Path, log_path: Path) -> Iterator[Served]:
    """`policy-assistant serve` over `data_dir`; ready_seconds runs from process start to the first 200 /health."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(cli_command("serve", "--host", "127.0.0.1", "--port", str(port)),
                                   stdout=log, stderr=subprocess.STDOUT, env=child_env(data_dir))
    try:
        yield Served(url, _wait_ready(url, process, log_path, started))
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
