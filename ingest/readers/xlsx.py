"""Excel .xlsx: every sheet is a table; merged ranges are filled as in Word (down a column: every row; across:
the first column), so a title row merged across the columns is one cell above the header."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ingest.errors import IngestError
from ingest.limits import Limits
from ingest.table import Table


def read_xlsx(path: Path, limits: Limits | None = None) -> list[Table]:
    """Every sheet with cells as a Table; IngestError for a sheet of more rows than `limits` let a list have,
    judged by its dimensions before its cells are read."""
    limits = limits or Limits()
    try:
        from openpyxl import load_workbook
        with open(path, "rb") as handle:  # a stream: openpyxl would judge a path by its extension
            book = load_workbook(handle, data_only=True)  # formulas as their last computed values
    except Exception as err:  # openpyxl raises several kinds for a damaged workbook
        raise IngestError(path, f"cannot open as an Excel file ({type(err).__name__}: {err})") from err
    tables = []
    for sheet in book.worksheets:
        limits.check_table(path, sheet.max_row)
        grid = [[_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            top, left = merged.min_row - 1, merged.min_col - 1
            if top >= len(grid):
                continue
            value = grid[top][left] if left < len(grid[top]) else ""
            for r in range(top, min(merged.max_row, len(grid))):
                for c in range(left, min(merged.max_col, len(grid[r]))):
                    grid[r][c] = value if c == left else ""
        while grid and not any(grid[-1]):
            grid.pop()
        if grid:
            tables.append(Table([], grid))
    return tables


def _text(value: object) -> str:
    """A cell as text: numbers as written (1, not 1.0), dates as 2025年6月30日."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).replace("\r\n", "\n").replace("_x000D_", "")
