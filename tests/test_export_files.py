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
    csv_button, xlsx_button = out[7], out[8]
    today = date.today().isoformat()
    assert csv_button.value["orig_name"] == f"营口市-人力资源和社会保障局-任务-{today}.csv"
    assert xlsx_button.value["orig_name"] == f"营口市-人力资源和社会保障局-任务-{today}.xlsx"
    sheet = load_workbook(xlsx_button.value["path"]).active
    assert YINGKOU_HRSS in sheet["A1"].value and today in sheet["A1"].value
    assert len(lines(sheet)) == 27
