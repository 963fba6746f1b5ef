"""One background worker that embeds the rows activated without their vectors, so a new list is answerable first."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class VectorBackfill:
    """A daemon thread that runs `fill()` (embed what waits; how many rows it embedded) whenever woken, then
    `after()` (switch to the build it may have activated). A failed round is logged; the next wake tries again.
    `idle(timeout)` waits until nothing is left to do (what a benchmark or a test waits for)."""

    def __init__(self, fill: Callable[[], int], after: Callable[[], object]) -> None:
        self.fill = fill
        self.after = after
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self._done = threading.Condition()
        self._busy = False
        self._thread = threading.Thread(target=self._run, name="vector-backfill", daemon=True)

    def start(self) -> VectorBackfill:
        self._thread.start()
        self.wake()  # rows a killed process left waiting
        return self

    def wake(self) -> None:
        with self._done:
            self._busy = True
        self._wanted.set()

    def stop(self) -> None:
        self._stop.set()
        self._wanted.set()
        self._thread.join(timeout=30)

    def idle(self, timeout: float) -> bool:
        """Whether the worker finished all it was woken for within `timeout` seconds."""
        with self._done:
            return self._done.wait_for(lambda: not self._busy, timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wanted.wait()
            if self._stop.is_set():
                return
            self._wanted.clear()
            try:
                embedded = self.fill()
                if embedded:
                    log.info("embedded %d rows in the background", embedded)
                self.after()
            except Exception:
                log.exception("embedding waiting rows failed; tried again at the next upload")
            with self._done:
                if not self._wanted.is_set():
                    self._busy = False
                    self._done.notify_all()
