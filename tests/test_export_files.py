"""The chat's downloads over the real bundled lists: named by subject and date, titled with the question, every
field of every cited row, a sheet an official can read (widths, wrapping, frozen bold header), the CSV alike."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from assistant.core import Assistant
from assistant.exports import ExportTable, build_export, file_stem, write_csv, write_xlsx
from assistant.models import Answer, Citation
from assistant.word_export import write_docx

DAY = date(2026, 11, 23)
YINGKOU_HRSS = "营口市人社局要做哪些工作？"
MEASURES = ["具体举措", "完成目标", "责任单位（部门）", "举措完成时间"]


def export(assistant: Assistant, question: str, place: str | None = None,
           agency: str | None = None) -> tuple[Answer, ExportTable]:
    answer = assistant.ask(question, None, place, agency)
    return answer, build_export(answer, question, assistant.engine.catalog, DAY, place=place, agency=agency)


def lines(sheet: Worksheet) -> list[dict[str, object]]:
    header = [c.value for c in sheet[2]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=3)]


def test_xlsx_holds_the_question_the_date_and_every_cited_row(assistant: Assistant, tmp_path: Path) -> None:
    answer, table = export(assistant, YINGKOU_HRSS)
    path = write_xlsx(table, tmp_path)
    assert path.name == "营口市-人力资源和社会保障局-任务-2026-11-23.xlsx"
    sheet = load_workbook(path).active
    title = sheet["A1"].value
    assert YINGKOU_HRSS in title and "2026-11-23" in title and "营口市 · 人社局" in title
    header = [c.value for c in sheet[2]]
    assert header == ["清单", "序号", "任务内容", "牵头单位", "责任单位", "完成时间", "来源"]  # no measures here
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:G1"]  # the title across every column
    assert all(c.font.bold for c in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert all(sheet.column_dimensions[c.column_letter].width >= 8 for c in sheet[2])
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["B"].width  # 任务内容 wider than 序号
    assert all(c.alignment.wrap_text for row in sheet.iter_rows(min_row=2) for c in row)
    found = lines(sheet)
    assert [f["来源"] for f in found] == [c.id for c in answer.citations] and len(found) == 27
    by_id = {f["来源"]: f for f in found}
    assert by_id["yingkou#45"]["完成时间"] == "2022年" and by_id["yingkou#45"]["序号"] == 45
    assert by_id["yingkou#45"]["清单"] == "营口市"
    catalog = assistant.engine.catalog
    assert all(f["任务内容"] == catalog.by_id[str(f["来源"])].text for f in found)


def test_measures_columns_for_the_institution_rows(assistant: Assistant, tmp_path: Path) -> None:
    answer, table = export(assistant, "锦州师专要做哪些工作？")
    sheet = load_workbook(write_xlsx(table, tmp_path)).active
    header = [c.value for c in sheet[2]]
    assert header[header.index("完成时间") + 1:] == [*MEASURES, "来源"] and "类别" in header
    row = {str(f["来源"]): f for f in lines(sheet)}["liaoning#15"]
    assert row["具体举措"] == "深化课程改革" and row["责任单位（部门）"] == "教务处"
    assert row["举措完成时间"] == "2025年；2023年" and "兴辽职教金课" in str(row["完成目标"])
    assert str(row["类别"]).startswith("实施提质培优行动计划")
    assert table.stem == "锦州师范高等专科学校-任务-2026-11-23"


def test_csv_has_a_bom_and_the_same_table(assistant: Assistant, tmp_path: Path) -> None:
    answer, table = export(assistant, YINGKOU_HRSS)
    path = write_csv(table, tmp_path)
    assert path.name == "营口市-人力资源和社会保障局-任务-2026-11-23.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    sheet = load_workbook(write_xlsx(table, tmp_path)).active
    assert header == [c.value for c in sheet[2]]
    assert [r[-1] for r in rows] == [c.id for c in answer.citations]


def test_chosen_filters_name_the_file_and_the_title(assistant: Assistant) -> None:
    _, table = export(assistant, "有哪些任务", place="营口市", agency="财政局")
    assert table.stem == "营口市-财政局-任务-2026-11-23"
    assert "筛选：地区 营口市，部门 财政局" in table.title


def test_chosen_filters_name_the_file_when_the_answer_names_nothing(assistant: Assistant) -> None:
    catalog = assistant.engine.catalog
    answer = Answer(answer="", session_id="s", intent="search",
                    citations=[Citation.from_row(catalog.by_id["yingkou#45"])])
    assert build_export(answer, "办学条件", catalog, DAY, place="营口市").stem == "营口市-任务-2026-11-23"
    assert build_export(answer, "办学条件", catalog, DAY).stem == "任务清单-2026-11-23"


@pytest.mark.parametrize(("subject", "stem"), [
    ([], "任务清单-2026-11-23"),
    (['营口/市:*?"<>|\\', "人社局"], "营口市-人社局-任务-2026-11-23"),
    (["..", "  "], "任务清单-2026-11-23"),
])
def test_file_names_are_safe(subject: list[str], stem: str) -> None:
    assert file_stem(subject, DAY) == stem


def test_long_subjects_are_bounded() -> None:
    stem = file_stem(["很长的地区名称" * 20, "部门"], DAY)
    assert len(stem) <= 60 + len("-2026-11-23") and stem.endswith("-2026-11-23")


def test_chat_download_buttons_give_these_files(assistant: Assistant, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.chat import ChatTurns

    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path / "gradio"))
    out = ChatTurns(assistant).respond(YINGKOU_HRSS, None, [], "不限", "不限", None)  # type: ignore[arg-type]
    csv_button, xlsx_button, docx_button = out[7], out[8], out[9]
    assert docx_button.value["orig_name"] == f"营口市-人力资源和社会保障局-任务-{date.today().isoformat()}.docx"
    today = date.today().isoformat()
    assert csv_button.value["orig_name"] == f"营口市-人力资源和社会保障局-任务-{today}.csv"
    assert xlsx_button.value["orig_name"] == f"营口市-人力资源和社会保障局-任务-{today}.xlsx"
    sheet = load_workbook(xlsx_button.value["path"]).active
    assert YINGKOU_HRSS in sheet["A1"].value and today in sheet["A1"].value
    assert len(lines(sheet)) == 27


def test_xlsx_prints_on_a4_landscape_one_page_wide_with_the_header_on_every_page(assistant: Assistant,
                                                                               tmp_path: Path) -> None:
    _, table = export(assistant, "瓦房店市人社局要办的事有哪些？")  # 46 rows: several printed pages
    sheet = load_workbook(write_xlsx(table, tmp_path)).active
    setup = sheet.page_setup
    assert setup.orientation == "landscape" and str(setup.paperSize) == "9"  # 9: A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert sheet.print_title_rows == "$2:$2"  # the header row repeated on every page
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert all(c.border.left.style == c.border.bottom.style == "thin" for c in cells)
    numbers = [row[1] for row in sheet.iter_rows(min_row=3)]
    assert len(numbers) == 46 and all(c.data_type == "n" and isinstance(c.value, int) for c in numbers)


def test_docx_is_a_formal_table_of_the_cited_rows(assistant: Assistant, tmp_path: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    answer, table = export(assistant, YINGKOU_HRSS)
    path = write_docx(table, tmp_path)
    assert path.name == "营口市-人力资源和社会保障局-任务-2026-11-23.docx"
    document = Document(str(path))  # opens as a Word document
    assert document.sections[0].orientation == WD_ORIENT.LANDSCAPE
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "营口市 人力资源和社会保障局 任务一览"
    assert any(YINGKOU_HRSS in p for p in paragraphs) and any("导出日期：2026-11-23　共 27 条" in p for p in paragraphs)
    [grid] = document.tables
    rows = [[c.text for c in row.cells] for row in grid.rows]
    assert rows[0] == ["序号", "任务", "牵头", "责任", "完成时间"]
    assert grid.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    catalog = assistant.engine.catalog
    expected = [catalog.by_id[c.id] for c in answer.citations]
    assert [r[0] for r in rows[1:]] == [str(r.row) for r in expected]
    assert [r[1] for r in rows[1:]] == [r.text for r in expected]
    assert rows[-1] == ["45", expected[-1].text, "市教育局", "、".join(expected[-1].responsible), "2022年"]


def test_docx_names_the_list_of_each_row_when_several_are_cited(assistant: Assistant, tmp_path: Path) -> None:
    from docx import Document

    _, table = export(assistant, "环翠区和营口市的税务局各管哪几项？")
    rows = [[c.text for c in row.cells] for row in Document(str(write_docx(table, tmp_path))).tables[0].rows]
    assert rows[0] == ["清单", "序号", "任务", "牵头", "责任", "完成时间"]
    assert {r[0] for r in rows[1:]} == {"营口市", "环翠区"}
