"""The overview matrices: who leads / shares what per list, and which local rows carry out each provincial row."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from assistant import overview
from assistant.core import Assistant
from assistant.settings import Settings
from tests.test_hardening import private_assistant
from ui.chat import ChatTurns


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
    assert any(r[0].startswith("辽宁省#15 ") and "营口市#12" in r[table.header.index("营口市")]
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



def test_coverage_cells_name_rows_as_the_chat_does_never_by_key(assistant: Assistant) -> None:
    table = overview.overview(assistant).coverage_table
    cells = " ".join(c for r in table.rows for c in r)
    assert "辽宁省#2 " in cells and "强 瓦房店市#4" in cells and "营口市#12" in cells
    assert not any(f"{key}#" in cells for key in ("liaoning", "yingkou", "wafangdian", "huancui"))
    detail = overview.link_detail(assistant.engine.catalog, "liaoning#15", ["yingkou#12"])
    assert detail.parent_label == "辽宁省#15" and detail.children[0][1] == "营口市#12"


def test_each_table_has_a_legend_for_its_marks(assistant: Assistant) -> None:
    found = overview.overview(assistant)
    coverage, responsibility = found.coverage_table.legend, found.responsibility_table.legend
    assert all(mark in coverage for mark in ("强＝", "弱＝", "无＝", overview.CONFIRMED_MARK))
    assert "「牵头 N / 责任 M」" in responsibility and "「牵头 —」" in responsibility and "空白" in responsibility


def test_a_confirmed_link_is_marked_in_its_cell(indexed_settings: Settings, tmp_path: Path) -> None:
    own = private_assistant(indexed_settings, tmp_path)
    own.correct_link("yingkou#12", "liaoning#15", "confirmed")
    table = overview.overview(own).coverage_table
    row = next(r for r in table.rows if r[0].startswith("辽宁省#15 "))
    assert f"营口市#12{overview.CONFIRMED_MARK}" in row[table.header.index("营口市")]
    assert overview.CONFIRMED_MARK not in " ".join(c for r in table.rows if r is not row for c in r)


def test_confirming_or_rejecting_a_cell_without_a_link_says_there_is_none(assistant: Assistant) -> None:
    line = next(ln for m in overview.coverage_matrix(assistant) for ln in m.lines
                if ln.cells["yingkou"].status == "none")
    before = assistant.lineage("yingkou")
    for verdict in ("confirmed", "rejected"):
        with pytest.warns(UserWarning, match="没有可以确认或驳回的对应关系") as said:
            ChatTurns(assistant).correct(verdict, line.parent, None)  # type: ignore[arg-type]
        assert line.parent.replace("liaoning", "辽宁省") in str(said[0].message)
    assert assistant.lineage("yingkou") == before
