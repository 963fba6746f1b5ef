"""Conversation memory: the previous turn's plan and the rows it answered with, per session_id, bounded."""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from assistant.understand.plan import QueryPlan


@dataclass(frozen=True)
class Turn:
    plan: QueryPlan
    row_ids: list[str]
    at: float


class SessionStore:
    """At most `max_sessions`, each forgotten `ttl_seconds` after its last turn; thread-safe."""

    def __init__(self, max_sessions: int = 1000, ttl_seconds: float = 3600) -> None:
        self.max_sessions = max_sessions
        self.ttl_seconds = ttl_seconds
        self._turns: OrderedDict[str, Turn] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    def last(self, session_id: str) -> Turn | None:
        with self._lock:
            turn = self._turns.get(session_id)
            if turn is None or time.monotonic() - turn.at > self.ttl_seconds:
                self._turns.pop(session_id, None)
                return None
            return turn

    def remember(self, session_id: str, plan: QueryPlan, row_ids: list[str]) -> None:
        with self._lock:
            self._turns[session_id] = Turn(plan, row_ids, time.monotonic())
            self._turns.move_to_end(session_id)
            while len(self._turns) > self.max_sessions:
                self._turns.popitem(last=False)

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._turns.pop(session_id, None)
