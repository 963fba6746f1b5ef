"""Readers: each turns one file format into `Table`s; ingest.parser turns the tables into rows.

The format is judged by the file's content (sniff), never by its name. .doc/.wps and .xls/.et are converted by
LibreOffice into .docx/.xlsx first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IngestError
from ingest.limits import Deadline, Limits
from ingest.messages import Message
from ingest.readers.archive import check_zip
from ingest.readers.sniff import name_note, sniff
from ingest.table import Table

MAX_OFFICE_BYTES = 50 * 1024 * 1024  # Word files with pictures are larger than their text


@dataclass
class Reading:
    format: str
    tables: list[Table]
    notes: list[Message] = field(default_factory=list)


def read_file(path: Path, limits: Limits | None = None, deadline: Deadline | None = None) -> Reading:
    """The tables of one list file, with the format its content shows; IngestError past `limits` (a table of
    more rows than a list may have, a PDF of too many pages) or once `deadline` has passed."""
    limits = limits or Limits()
    deadline = deadline or Deadline(limits.seconds)
    if not path.exists():
        raise IngestError(path, "no such file")
    if not path.is_file():
        raise IngestError(path, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(path, Message.of("file_empty"))
    fmt = sniff(path)
    if fmt != "txt" and size > MAX_OFFICE_BYTES:
        raise IngestError(path, f"file is larger than {MAX_OFFICE_BYTES // 2**20} MB")
    notes = [note] if (note := name_note(path, fmt)) else []
    tables = _tables(path, fmt, limits, deadline)
    for table in tables:
        limits.check_table(path, len(table.rows))
    deadline.check(path, "reading it")
    return Reading(fmt, tables, notes)


def _tables(path: Path, fmt: str, limits: Limits, deadline: Deadline) -> list[Table]:
    if fmt == "txt":
        from ingest.readers.text import read_text_table
        return [read_text_table(path)]
    if fmt == "pdf":
        from ingest.readers.pdf import read_pdf
        return read_pdf(path, limits, deadline)
    if fmt in ("doc", "wps", "xls", "et"):
        from ingest.readers.convert import converted
        target = "docx" if fmt in ("doc", "wps") else "xlsx"
        with converted(path, fmt, target) as modern:
            return _tables(modern, target, limits, deadline)
    check_zip(path)
    if fmt == "docx":
        from ingest.readers.docx import read_docx
        return read_docx(path, limits)
    from ingest.readers.xlsx import read_xlsx
    return read_xlsx(path, limits)
