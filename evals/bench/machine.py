"""The machine line of a report: cores, CPU model, memory, Python, load, commit."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path


def _proc_field(path: str, name: str) -> str | None:
    try:
        lines = Path(path).read_text("utf-8").splitlines()
    except OSError:
        return None
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(name)), None)


def _commit(repo: Path) -> str:
    result = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True)
    commit = result.stdout.strip() or "unknown"
    return commit + (" (uncommitted changes)" if dirty.stdout.strip() else "")


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def load_average() -> float:
    """The 1-minute load average: how many runnable processes competed for the cores."""
    return os.getloadavg()[0]


def machine_line(repo: Path) -> str:
    """nproc, CPU model, RAM, Python version, load average at the start, and the commit."""
    cpu = _proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown CPU"
    mem_kb = _proc_field("/proc/meminfo", "MemTotal")
    ram = f"{int(mem_kb.split()[0]) / 1024 / 1024:.1f} GB RAM" if mem_kb else "RAM unknown"
    return (f"{cores()} cores (nproc), {cpu}, {ram}, Python {platform.python_version()} on {platform.system()}; "
            f"commit {_commit(repo)}")
