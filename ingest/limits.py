"""Bounds on the work one list file may cause: rows per list, pages per PDF, and time to read and embed it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IngestError
from ingest.messages import Message

# Rows above a table's first task row (title, group headers, the 序号 header): a table may hold this many more
# rows than the list it carries before a reader refuses it without looking further.
HEADER_ROWS = 12


@dataclass(frozen=True)
class Limits:
    """The bounds, as settings.Settings states them (ASSISTANT_MAX_ROWS_PER_LIST, _MAX_PAGES, _INGEST_SECONDS)."""

    max_rows: int = 5000
    max_pages: int = 200
    seconds: float = 600.0

    def check_rows(self, path: Path | str, rows: int, what: str = "the list") -> None:
        """IngestError when `rows` task rows are over the bound."""
        if rows > self.max_rows:
            raise IngestError(path, Message.of("too_many_rows", what=what, what_zh="清单", rows=rows,
                                               limit=self.max_rows))

    def check_table(self, path: Path | str, rows: int) -> None:
        """IngestError when a table (header rows included) holds more rows than any list within the bound."""
        if rows > self.max_rows + HEADER_ROWS:
            raise IngestError(path, f"a table has {rows} rows, over the limit of {self.max_rows} rows per list "
                                    "(ASSISTANT_MAX_ROWS_PER_LIST)")

    def check_pages(self, path: Path | str, pages: int) -> None:
        if pages > self.max_pages:
            raise IngestError(path, Message.of("too_many_pages", pages=pages, limit=self.max_pages))


@dataclass
class Deadline:
    """When the work on one file must stop: `check` between stages (pages, parsing, embedding batches) raises
    IngestError once the time is up or once `cancel` was called (the client went away)."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    ends: float = field(init=False)
    _cancelled: threading.Event = field(init=False, default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.ends = self.clock() + self.seconds

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def check(self, path: Path | str, doing: str) -> None:
        """IngestError naming what was being done when the work was cancelled or ran out of time."""
        if self.cancelled:
            raise IngestError(path, f"stopped while {doing}: the upload was cancelled (the client went away)")
        if self.clock() > self.ends:
            raise IngestError(path, f"stopped while {doing}: over the limit of {self.seconds:g} s per file "
                                    "(ASSISTANT_INGEST_SECONDS)")
