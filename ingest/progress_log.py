"""The log lines of a long embedding: how far it is, how fast, and how long is left."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger("ingest.indexer")  # the indexer's lines, as before they moved here

PROGRESS_SECONDS = 5.0  # between two progress lines in the log while embedding


class ProgressLog:
    """Logs an embedding's progress: rows embedded, rows per second and the time left, at most every
    PROGRESS_SECONDS and once at the end. A first start embeds every row (about 40 s on 2 cores) and a
    server's log would otherwise say nothing until it is ready."""

    def __init__(self, total: int, every: float = PROGRESS_SECONDS, clock: Callable[[], float] = time.monotonic
                 ) -> None:
        self.every = every
        self.clock = clock
        self.started = self.last = clock()
        if total:
            log.info("embedding %d rows", total)

    def __call__(self, done: int, total: int) -> None:
        now = self.clock()
        if done < total and now - self.last < self.every:
            return
        self.last = now
        rate = done / max(now - self.started, 1e-9)
        if done >= total:
            log.info("embedded %d rows in %.1f s, %.1f rows/s", done, now - self.started, rate)
        else:
            log.info("embedded %d of %d rows, %.1f rows/s, about %.0f s left", done, total, rate,
                     (total - done) / rate)
