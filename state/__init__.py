"""What must outlive a process: sessions, counters, corrections, the registry of added lists, the build pointer and
its readers' leases and the writer's lock, in SQLite or PostgreSQL."""

from state.backends import open_state
from state.leases import LEASE_SECONDS, BuildLease
from state.locks import WriterLock
from state.records import (
           Counter,
           ListChange,
           ListEntry,
           ListFile,
           Pointer,
           SessionRecord,
           StalePointer,
           StateUnavailable,
)
from state.store import StateStore

__all__ = ["LEASE_SECONDS", "BuildLease", "Counter", "ListChange", "ListEntry", "ListFile", "Pointer",
           "SessionRecord", "StalePointer", "StateStore", "StateUnavailable", "WriterLock", "open_state"]
