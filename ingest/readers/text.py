"""The text export of a Word table: preamble lines, then cells each opened by a tab, a row being as many cells
as the header has (so row boundaries are recovered from the 序号 numbering)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ingest.clean import clean_short
from ingest.errors import IngestError
from ingest.headers import NUMBER_HEADER
from ingest.messages import Message
from ingest.table import Table

_NUMBER = re.compile(r"\d+")

MAX_FILE_BYTES = 5 * 1024 * 1024  # a task list is tens of KB; 5 MB is ~30,000 rows


@dataclass
class Layout:
    """The preamble (lines before the first cell) and the raw cells, in order."""

    preamble: list[str]
    cells: list[str]


def read_text(path: Path) -> str:
    """The file's text, or an IngestError saying why it cannot be read as a list (read_file has checked that
    it exists and is a file)."""
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(path, f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if not data.strip():
        raise IngestError(path, Message.of("file_empty"))
    if b"\x00" in data:
        raise IngestError(path, Message.of("binary_text"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise IngestError(path, Message.of("not_utf8", offset=err.start)) from err


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


def read_text_table(path: Path) -> Table:
    layout = split_cells(read_text(path))
    start, width = _find_header(layout, path)
    rows = _group_rows(layout.cells[start + width:], width, path)
    above = layout.cells[:start]
    heading = [above[i:i + width] for i in range(0, len(above), width)]  # cells above 序号: titles, group headers
    grid = [*heading, layout.cells[start:start + width], *rows]
    return Table(layout.preamble, grid)


def _find_header(layout: Layout, path: Path) -> tuple[int, int]:
    """Where the header row starts and how many cells it has (序号 and the cells up to the first number)."""
    shorts = [clean_short(cell) for cell in layout.cells]
    if NUMBER_HEADER not in shorts:
        raise IngestError(path, f"no header row: no cell reads {NUMBER_HEADER}")
    start = shorts.index(NUMBER_HEADER)
    width = 1
    for cell in shorts[start + 1:]:
        if cell[:1].isdigit():  # a row number, even a mistyped one (1a): no header starts with a digit
            break
        width += 1
    if width == 1:
        raise IngestError(path, "header row has no columns after 序号")
    return start, width


def _group_rows(cells: list[str], width: int, path: Path) -> list[list[str]]:
    """Split cells into rows of `width` cells, each opened by its 序号; check the numbering."""
    rows: list[list[str]] = []
    for cell in cells:
        number = clean_short(cell)
        opens_row = not rows or len(rows[-1]) == width
        expected = len(rows) + 1
        if opens_row:
            if number[:1].isdigit() and not _NUMBER.fullmatch(number):
                raise IngestError(path, f"row {expected}: 序号 reads {number[:30]!r}, not a row number")
            if not _NUMBER.fullmatch(number):
                where = f"after row {len(rows)}" if rows else "at the first row"
                raise IngestError(path, f"{where}: expected 序号 {expected}, found {number[:30]!r} "
                                        f"(a row has more than {width} columns, or a cell is misaligned)")
            if int(number) != expected:
                problem = "duplicate" if int(number) < expected else "skipped"
                raise IngestError(path, f"row {expected}: 序号 reads {number} ({problem} number)")
            rows.append([cell])
        elif _NUMBER.fullmatch(number) and int(number) == expected:
            raise IngestError(path, f"row {expected - 1}: has {len(rows[-1])} of {width} columns "
                                    f"(missing cells before row {expected})")
        else:
            rows[-1].append(cell)
    if not rows:
        raise IngestError(path, Message.of("no_numbered_rows"))
    if len(rows[-1]) != width:
        raise IngestError(path, f"row {len(rows)}: has {len(rows[-1])} of {width} columns")
    return rows
