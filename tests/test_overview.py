"""The overview matrices: who leads / shares what per list, and which local rows carry out each provincial row."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from assistant import overview
from assistant.core import Assistant


def test_the_responsibility_matrix_counts_each_agency_per_list(assistant: Assistant) -> None:
    lines = overview.responsibility_matrix(assistant.engine.catalog)
    hrss = next(line for line in lines if line.agency == "hrss")
    assert hrss.counts["yingkou"].responsible == 27 and hrss.counts["yingkou"].lead == 0
    assert "人社局" in hrss.aliases and "人力资源" in hrss.name
    assert [line.total for line in lines] == sorted((line.total for line in lines), reverse=True)
    table = overview.responsibility_table(assistant.engine.catalog, lines)
    row = table.rows[lines.index(hrss)]
    assert row[table.header.index("营口市 牵头/责任")] == "牵头 0 / 责任 27"


def test_the_coverage_matrix_marks_liaoning_15_as_carried_out_by_yingkou_12(assistant: Assistant) -> None:
    matrices = overview.coverage_matrix(assistant)
    assert [m.parent_doc for m in matrices] == ["liaoning"]
    line = next(line for line in matrices[0].lines if line.parent == "liaoning#15")
    assert line.cells["yingkou"].status in ("strong", "weak") and "yingkou#12" in line.cells["yingkou"].children
    assert {cell.status for ln in matrices[0].lines for cell in ln.cells.values()} >= {"strong", "none"}
    table = overview.coverage_table(assistant.engine.catalog, matrices)
    assert table.header[0] == "省级任务" and len(table.rows) == len(matrices[0].lines)
    assert any(r[0].startswith("liaoning#15 ") and "yingkou#12" in r[table.header.index("营口市")]
               for r in table.rows)


def test_the_matrices_open_as_xlsx_with_a_title_and_a_frozen_header(assistant: Assistant, tmp_path: Path) -> None:
    found = overview.overview(assistant)
    for table, lines in ((found.responsibility_table, found.responsibility),
                         (found.coverage_table, found.coverage_lines())):
        path = overview.write_matrix_xlsx(table, tmp_path / f"{len(lines)}.xlsx")
        sheet = load_workbook(path).active
        assert sheet["A1"].value == table.title and sheet["A1"].font.bold
        assert [c.value for c in sheet[2]] == table.header
        assert sheet.freeze_panes == "A3"
        assert sheet.max_row == len(lines) + 2 and len(table.rows) == len(lines)
        assert sheet["A3"].alignment.wrap_text

