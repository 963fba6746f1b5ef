"""A process's lease on the index build it answers from: renewed while it reads it, so no prune deletes it."""

from __future__ import annotations

import math
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable

from state.store import StateStore

LEASE_SECONDS = 60.0  # a lease not renewed for this long is a dead process's: its build may be deleted


def process_id() -> str:
    """This process, among every server over the store: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class BuildLease:
    """This process's leases on builds of the pointer `name`. `renew(build)` writes a heartbeat when the build is
    new to it or a third of `ttl` has passed since the last; a lease on a build the process has switched from
    is left to expire after `ttl` (answers in flight may still read it). `release` deletes them all."""

    def __init__(self, state: StateStore, name: str, ttl: float = LEASE_SECONDS, holder: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.state = state
        self.name = name
        self.ttl = ttl
        self.holder = holder or process_id()
        self.clock = clock
        self._held: str | None = None
        self._renewed = -math.inf
        self._lock = threading.Lock()

    def renew(self, build: str | None) -> None:
        if build is None:
            return
        with self._lock:
            now = self.clock()
            if build == self._held and now - self._renewed < self.ttl / 3:
                return
            self.state.hold_lease(self.holder, self.name, build, now)
            self._held, self._renewed = build, now

    def release(self) -> None:
        with self._lock:
            self.state.release_leases(self.holder)
            self._held, self._renewed = None, -math.inf
