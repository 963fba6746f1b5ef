"""Conversation memory: the previous turn's plan and the rows it answered with, per session_id, bounded."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from assistant.understand.plan import QueryPlan


@dataclass(frozen=True)
class Turn:
    plan: QueryPlan
    row_ids: list[str]
    at: float


class SessionStore:
    """At most `max_sessions` per owner (API key or chat login), each forgotten `ttl_seconds` after its last turn;
    thread-safe. One client asking fast pushes out only its own oldest conversations."""

    def __init__(self, max_sessions: int = 1000, ttl_seconds: float = 3600, max_owners: int = 100) -> None:
        self.max_sessions = max_sessions
        self.ttl_seconds = ttl_seconds
        self.max_total = max_sessions * max_owners  # a bound on memory, whatever the number of keys
        self._turns: OrderedDict[str, Turn] = OrderedDict()
        self._issued: OrderedDict[str, str | None] = OrderedDict()
        self._lost: OrderedDict[str, None] = OrderedDict()  # sessions whose memory expired or was pushed out
        self._by_owner: dict[str | None, OrderedDict[str, None]] = {}  # each owner's remembered sessions, oldest first
        self._lock = threading.Lock()

    def new_id(self, owner: str | None = None) -> str:
        """A session id the server issues: 128 random bits, belonging to `owner` (the fingerprint of the API key
        or chat login that asked for it; None when the server has no key). Only its owner continues it."""
        session_id = secrets.token_hex(16)
        with self._lock:
            self._issued[session_id] = owner
            while len(self._issued) > 4 * self.max_sessions:
                self._issued.popitem(last=False)
        return session_id

    def issued(self, session_id: str, owner: str | None = None) -> bool:
        """Whether this server issued the id to `owner`: an id a client invents, or one issued to another key or
        login, starts a new session instead and is never attached to."""
        with self._lock:
            return session_id in self._issued and self._issued[session_id] == owner

    def last(self, session_id: str) -> Turn | None:
        with self._lock:
            turn = self._turns.get(session_id)
            if turn is not None and time.monotonic() - turn.at > self.ttl_seconds:
                self._drop(session_id)
                return None
            return turn

    def expired(self, session_id: str) -> bool:
        """Whether the session had a turn this server no longer remembers (expired, or pushed out)."""
        with self._lock:
            return session_id in self._lost

    def remember(self, session_id: str, plan: QueryPlan, row_ids: list[str]) -> None:
        with self._lock:
            self._turns[session_id] = Turn(plan, row_ids, time.monotonic())
            self._turns.move_to_end(session_id)
            self._lost.pop(session_id, None)
            mine = self._by_owner.setdefault(self._issued.get(session_id), OrderedDict())
            mine[session_id] = None
            mine.move_to_end(session_id)
            while len(mine) > self.max_sessions:
                self._drop(next(iter(mine)))
            while len(self._turns) > self.max_total:
                self._drop(next(iter(self._turns)))

    def _drop(self, session_id: str) -> None:
        self._turns.pop(session_id, None)
        owner = self._issued.get(session_id)
        if owner in self._by_owner:
            self._by_owner[owner].pop(session_id, None)
        self._lost[session_id] = None
        while len(self._lost) > self.max_total:
            self._lost.popitem(last=False)

    def forget(self, session_id: str) -> None:
        """The user cleared the conversation: no memory, and nothing to report as expired."""
        with self._lock:
            self._drop(session_id)
            self._lost.pop(session_id, None)
