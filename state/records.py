"""The typed records the state store hands out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SessionRecord:
    """A session id as issued, with its last turn (opaque text the caller wrote) while remembered."""

    owner: str | None
    turn: str | None = None
    turn_at: float | None = None
    lost: bool = False  # it had a turn that is no longer remembered (expired, or pushed out)


@dataclass
class Counter:
    """A named counter: failures and how long they block (the login's back-off), and the times of recent hits
    (a sliding-window rate limit). Wall-clock seconds, so that every process reads them alike."""

    count: int = 0
    until: float = 0.0
    times: list[float] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.count == 0 and self.until == 0.0 and not self.times


@dataclass(frozen=True)
class Pointer:
    """Which build is active, and how many times the pointer has moved (0: never set)."""

    active: str | None
    version: int


class StalePointer(RuntimeError):
    """The pointer moved since the writer read it: its build is not activated."""


class StateUnavailable(RuntimeError):
    """The state store cannot be opened (a database that does not answer, a file this user may not write)."""
