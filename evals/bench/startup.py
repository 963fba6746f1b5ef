"""Start-up: process start to the first answer of `policy-assistant ask`, and `serve` start to a ready /health.

The `ask` probe alone, over the configured data directory (ingested first if it is empty):

    python -m evals.bench.startup [--runs 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import click

from assistant.settings import Settings
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


def child_cpu_seconds() -> float:
    """User + system CPU of the finished child processes so far: unlike wall time, barely moved by other load."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data_dir = Settings().data_dir
    time_ask(data_dir)  # untimed: ingests an empty index, and warms the disk cache as after `ingest`
    walls, cpus = [], []
    for _ in range(args.runs):
        cpu = child_cpu_seconds()
        walls.append(time_ask(data_dir))
        cpus.append(child_cpu_seconds() - cpu)
    click.echo(f"`policy-assistant ask \"{STARTUP_QUESTION}\"` first answer, median of {args.runs}: "
               f"{statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU "
               f"(wall: {', '.join(f'{w:.2f}' for w in walls)})")


if __name__ == "__main__":
    main()
