"""Readers: each turns one file format into `Table`s; ingest.parser turns the tables into rows.

The format is judged by the file's content (sniff), never by its name. .doc/.wps and .xls/.et are converted by
LibreOffice into .docx/.xlsx first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IngestError
from ingest.readers.archive import check_zip
from ingest.readers.sniff import name_note, sniff
from ingest.table import Table

MAX_OFFICE_BYTES = 50 * 1024 * 1024  # Word files with pictures are larger than their text


@dataclass
class Reading:
    format: str
    tables: list[Table]
    notes: list[str] = field(default_factory=list)


def read_file(path: Path) -> Reading:
    """The tables of one list file, with the format its content shows."""
    if not path.exists():
        raise IngestError(path, "no such file")
    if not path.is_file():
        raise IngestError(path, "not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(path, "file is empty")
    fmt = sniff(path)
    if fmt != "txt" and size > MAX_OFFICE_BYTES:
        raise IngestError(path, f"file is larger than {MAX_OFFICE_BYTES // 2**20} MB")
    notes = [note] if (note := name_note(path, fmt)) else []
    return Reading(fmt, _tables(path, fmt), notes)


def _tables(path: Path, fmt: str) -> list[Table]:
    if fmt == "txt":
        from ingest.readers.text import read_text_table
        return [read_text_table(path)]
    if fmt == "pdf":
        from ingest.readers.pdf import read_pdf
        return read_pdf(path)
    if fmt in ("doc", "wps", "xls", "et"):
        from ingest.readers.convert import converted
        target = "docx" if fmt in ("doc", "wps") else "xlsx"
        with converted(path, fmt, target) as modern:
            return _tables(modern, target)
    check_zip(path)
    if fmt == "docx":
        from ingest.readers.docx import read_docx
        return read_docx(path)
    from ingest.readers.xlsx import read_xlsx
    return read_xlsx(path)
