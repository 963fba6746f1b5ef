"""A server's watch on the build pointer: it switches to a build another process activated, within a second."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

log = logging.getLogger(__name__)


class Refreshable(Protocol):
    def refresh(self, wait: float = 0.0) -> bool: ...


class BuildFollower:
    """A daemon thread calling `assistant.refresh(wait)` until stopped: over SQLite it reads the pointer row every
    0.25 s; over PostgreSQL it waits for the pointer's NOTIFY. A failed reload is logged and tried again at the
    next round: the server goes on answering from the build it has."""

    def __init__(self, assistant: Refreshable, wait: float = 1.0) -> None:
        self.assistant = assistant
        self.wait = wait
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="build-follower", daemon=True)

    def start(self) -> BuildFollower:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.wait + 5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self.assistant.refresh(self.wait):
                    log.info("switched to the build another process activated")
            except Exception:
                log.exception("following the build pointer failed; answering from the current build")
                self._stop.wait(self.wait)
