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


@dataclass(frozen=True)
class ListEntry:
    """One list read from an added file: its document key, title and place."""

    doc: str
    title: str
    place: str


@dataclass(frozen=True)
class ListFile:
    """An added list's source file as the registry keeps it: its key (the file's stem), name, format, sha256 and
    size, the place given with it, who added it (an owner's fingerprint, or cli) and when (wall-clock seconds), and
    the lists read from it. `content` is the file's bytes where asked for (None in a listing)."""

    key: str
    name: str
    format: str
    sha256: str
    size: int
    place: str | None
    uploaded_by: str
    uploaded_at: float
    lists: tuple[ListEntry, ...] = ()
    content: bytes | None = None


@dataclass(frozen=True)
class ListChange:
    """What a build changes in the registry of added lists: files recorded (with their bytes), keys forgotten."""

    record: tuple[ListFile, ...] = ()
    forget: tuple[str, ...] = ()


class StalePointer(RuntimeError):
    """The pointer moved since the writer read it: its build is not activated."""


class StateUnavailable(RuntimeError):
    """The state store cannot be opened (a database that does not answer, a file this user may not write)."""
