"""Read the text export of a Word table: preamble lines, then cells opened by a tab."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ingest.errors import IngestError

MAX_FILE_BYTES = 5 * 1024 * 1024  # a task list is tens of KB; 5 MB is ~30,000 rows


@dataclass
class Layout:
    """The preamble (lines before the first cell) and the raw cells, in order."""

    preamble: list[str]
    cells: list[str]


def read_text(path: Path) -> str:
    """The file's text, or an IngestError saying why it cannot be read as a list."""
    if not path.exists():
        raise IngestError(path, "no such file")
    if not path.is_file():
        raise IngestError(path, "not a regular file")
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(path, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if not data.strip():
        raise IngestError(path, "file is empty")
    if b"\x00" in data:
        raise IngestError(path, "binary file, not a text export of a table")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise IngestError(path, f"not UTF-8 text (invalid byte at offset {err.start}); save it as UTF-8") from err


def split_cells(text: str) -> Layout:
    """A line starting with a tab (after optional spaces) opens a cell; other lines continue it."""
    preamble: list[str] = []
    cells: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.lstrip(" \u3000")
        if stripped.startswith("\t"):
            cells.append(stripped[1:])
        elif cells:
            cells[-1] += "\n" + line
        elif line.strip():
            preamble.append(line.strip())
    return Layout(preamble, cells)
