"""What must outlive a process: sessions, counters, corrections, the build pointer and its readers' leases, in
SQLite or PostgreSQL."""

from state.backends import open_state
from state.leases import LEASE_SECONDS, BuildLease
from state.locks import WriterLock
from state.records import Counter, Pointer, SessionRecord, StalePointer, StateUnavailable
from state.store import StateStore

__all__ = ["LEASE_SECONDS", "BuildLease", "Counter", "Pointer", "SessionRecord", "StalePointer", "StateStore",
           "StateUnavailable", "WriterLock", "open_state"]
