"""Start-up: process start to the first answer of `policy-assistant ask`, and `serve` start to a ready /health."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from evals.bench.serving import BenchError, child_env, cli_command, served

STARTUP_QUESTION = "营口市人社局要做哪些工作？"
STARTUP_ANSWER = "营口市清单中"  # the answer's first words: the run answered, not just exited


@dataclass
class Startup:
    ask_seconds: list[float]
    serve_seconds: list[float]


def time_ask(data_dir: Path) -> float:
    """Wall time of one `policy-assistant ask "营口市人社局要做哪些工作？"` over an ingested data dir."""
    started = time.perf_counter()
    result = subprocess.run(cli_command("ask", STARTUP_QUESTION), env=child_env(data_dir), capture_output=True,
                            text=True, timeout=300)
    seconds = time.perf_counter() - started
    if result.returncode != 0 or STARTUP_ANSWER not in result.stdout:
        raise BenchError(f"`policy-assistant ask` failed ({result.returncode}): {result.stderr[-2000:]}")
    return seconds


def measure_startup(data_dir: Path, logs: Path, runs: int) -> Startup:
    """`runs` timings of each; the index and the jieba cache already exist (a warm disk, as after `ingest`)."""
    asks = [time_ask(data_dir) for _ in range(runs)]
    serves = []
    for run in range(runs):
        with served(data_dir, logs / f"serve-startup-{run}.log") as server:
            serves.append(server.ready_seconds)
    return Startup(asks, serves)
