"""The one error ingestion raises: a single line naming the file and what is wrong."""

from __future__ import annotations

from pathlib import Path

from ingest.messages import Message


class IngestError(Exception):
    """A list that cannot be ingested; str() is one line: `<file>: <reason>` (English). `message` says the reason
    in Chinese and English under a code of the message catalogue (`unreadable` for a reason it does not hold)."""

    def __init__(self, path: Path | str, reason: str | Message) -> None:
        self.path = str(path)
        self.message = reason if isinstance(reason, Message) else Message.of("unreadable", reason=reason)
        self.reason = " ".join(self.message.en.split())
        self.code = self.message.code
        super().__init__(f"{self.path}: {self.reason}")
