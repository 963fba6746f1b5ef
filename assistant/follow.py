"""A server's watch on the build pointer: it switches to a build another process activated, within a second."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

log = logging.getLogger(__name__)


class Refreshable(Protocol):
    def refresh(self, wait: float = 0.0) -> bool: ...

    def keep_lease(self) -> None: ...

    def release_lease(self) -> None: ...


class BuildFollower:
    """A daemon thread calling `assistant.refresh(wait)` until stopped: over SQLite it reads the pointer row every
    0.25 s; over PostgreSQL it waits for the pointer's NOTIFY. A failed reload is logged and tried again at the
    next round: the server goes on answering from the build it has.

    It keeps the server's lease on the build it answers from (renewed when due, each round) from `start` to
    `stop`, which releases it."""

    def __init__(self, assistant: Refreshable, wait: float = 1.0) -> None:
        self.assistant = assistant
        self.wait = wait
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="build-follower", daemon=True)

    def start(self) -> BuildFollower:
        self._keep_lease()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.wait + 5)
        try:
            self.assistant.release_lease()
        except Exception:  # the lease expires on its own
            log.exception("releasing the build lease failed")

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.assistant.refresh(self.wait):
                    log.info("switched to the build another process activated")
            except Exception:
                log.exception("following the build pointer failed; answering from the current build")
                self._stop.wait(self.wait)
            self._keep_lease()

    def _keep_lease(self) -> None:
        try:
            self.assistant.keep_lease()
        except Exception:  # tried again next round; meanwhile the last heartbeat holds for the lease's TTL
            log.exception("renewing the build lease failed")
