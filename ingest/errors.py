"""The one error ingestion raises: a single line naming the file and what is wrong."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A list that cannot be ingested; str() is one line: `<file>: <reason>`."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = " ".join(reason.split())
        super().__init__(f"{self.path}: {self.reason}")
