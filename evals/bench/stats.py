"""Small measuring helpers: percentiles, peak memory, sizes on disk."""

from __future__ import annotations

import resource
from collections.abc import Iterable
from pathlib import Path

import numpy as np


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (linear interpolation), or None for no values."""
    data = list(values)
    return float(np.percentile(data, q)) if data else None


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB.

    VmHWM, not ru_maxrss: ru_maxrss survives exec, so a child started by a big parent would report the
    parent's size; VmHWM belongs to the address space the exec created.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def folder_mb(path: Path) -> float:
    """Bytes on disk under a folder (allocated blocks, so sparse files count as they sit), in MB."""
    if not path.exists():
        return 0.0
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file()) / 1024 / 1024
