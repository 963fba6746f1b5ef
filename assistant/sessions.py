"""Conversation memory: the previous turn's plan and the rows it answered with, per session_id, bounded, kept in
the state store so that a conversation survives a restart and continues on any server over the same store."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.understand.plan import QueryPlan
from state import SessionRecord, StateStore


@dataclass(frozen=True)
class Turn:
    plan: QueryPlan
    row_ids: list[str]
    at: float
    earlier: list[list[str]] = field(default_factory=list)  # the rows of the turns before, latest first (at most 3)


class SessionStore:
    """At most `max_sessions` per owner (API key or chat login), each forgotten `ttl_seconds` after its last turn.
    One client asking fast pushes out only its own oldest conversations."""

    def __init__(self, state: StateStore, max_sessions: int = 1000, ttl_seconds: float = 3600,
                 max_owners: int = 100, clock: Callable[[], float] = time.time) -> None:
        self.state = state
        self.max_sessions = max_sessions
        self.ttl_seconds = ttl_seconds
        self.max_total = max_sessions * max_owners  # a bound on the store, whatever the number of keys
        self.clock = clock  # wall-clock seconds: every server reads the same turn times

    def new_id(self, owner: str | None = None) -> str:
        """A session id the server issues: 128 random bits, belonging to `owner` (the fingerprint of the API key
        or chat login that asked for it; None when the server has no key). Only its owner continues it."""
        return self.issue(self.fresh_id(), owner)

    def issue(self, session_id: str, owner: str | None = None) -> str:
        """Record `session_id` as issued to `owner` (a fresh id whose first answer left no turn to keep)."""
        self.state.issue_session(session_id, owner, self.clock(), keep_unused=4 * self.max_sessions)
        return session_id

    def fresh_id(self) -> str:
        """A session id for a question asked outside any session, not yet recorded: `remember` records it (as
        the asker's) with its first turn, in one write; `issue` records it when there is no turn to keep."""
        return secrets.token_hex(16)

    def issued(self, session_id: str, owner: str | None = None) -> bool:
        """Whether a server over this store issued the id to `owner`: an id a client invents, or one issued to
        another key or login, starts a new session instead and is never attached to."""
        record = self.state.session(session_id)
        return record is not None and record.owner == owner

    def resume(self, session_id: str, owner: str | None = None) -> tuple[bool, Turn | None, bool]:
        """What a question in this session needs, read once: whether the id was issued to `owner`, its last turn,
        and whether it had a turn the store no longer remembers (`issued`, `last`, `expired` in one read)."""
        record = self.state.session(session_id)
        if record is None or record.owner != owner:
            return False, None, False
        last = self._turn(session_id, record)  # a turn past its time is dropped there, and reported as lost
        return True, last, last is None and (record.lost or record.turn is not None)

    def last(self, session_id: str) -> Turn | None:
        return self._turn(session_id, self.state.session(session_id))

    def _turn(self, session_id: str, record: SessionRecord | None) -> Turn | None:
        if record is None or record.turn is None or record.turn_at is None:
            return None
        if self.clock() - record.turn_at > self.ttl_seconds:
            self.state.drop_turn(session_id, lost=True, limit=self.max_total)
            return None
        saved = json.loads(record.turn)
        return Turn(QueryPlan.model_validate(saved["plan"]), list(saved["row_ids"]), record.turn_at,
                    [list(rows) for rows in saved.get("earlier", [])])

    def expired(self, session_id: str) -> bool:
        """Whether the session had a turn the store no longer remembers (expired, or pushed out)."""
        record = self.state.session(session_id)
        return record is not None and record.lost

    def remember(self, session_id: str, plan: QueryPlan, row_ids: list[str],
                 earlier: list[list[str]] | None = None, owner: str | None = None) -> None:
        """Keep the turn; an id not recorded yet (a `fresh_id`) is recorded as `owner`'s with it."""
        turn = json.dumps({"plan": plan.model_dump(mode="json"), "row_ids": row_ids, "earlier": earlier or []},
                          ensure_ascii=False)
        self.state.save_turn(session_id, turn, self.clock(), (self.max_sessions, self.max_total),
                             owner=owner)  # one transaction

    def forget(self, session_id: str) -> None:
        """The user cleared the conversation: no memory, and nothing to report as expired."""
        self.state.drop_turn(session_id, lost=False)
