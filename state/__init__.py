"""What must outlive a process: sessions, counters, corrections and the build pointer, in SQLite or PostgreSQL."""

from state.backends import open_state
from state.records import Counter, Pointer, SessionRecord, StalePointer, StateUnavailable
from state.store import StateStore

__all__ = ["Counter", "Pointer", "SessionRecord", "StalePointer", "StateStore", "StateUnavailable", "open_state"]
