"""An answer's cited rows as a Word document to hand on: a title, the date, and a formal table of the rows."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from assistant.exports import ExportTable

FONT = "宋体"  # the body font of official documents; Word substitutes a CJK font where it is missing
TITLE_FONT = "黑体"
HEADING = "任务一览"
# The document's columns: (its header, the export's column, its width)
COLUMNS = [("序号", "序号", 1.4), ("任务", "任务内容", 11.0), ("牵头", "牵头单位", 3.6), ("责任", "责任单位", 5.6),
           ("完成时间", "完成时间", 2.6)]
LIST_COLUMN = ("清单", "清单", 2.8)  # only when the rows come from more than one list


def write_docx(table: ExportTable, folder: Path) -> Path:
    """`<stem>.docx`: A4 landscape, a centred title naming the subject, the question and date, then one table
    (序号 / 任务 / 牵头 / 责任 / 完成时间, and 清单 when several lists are cited) whose header row repeats on
    every page."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    _set_font(document.styles["Normal"], FONT, 10.5)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(" ".join([*table.subject, HEADING]))
    run.bold = True
    _set_font(run, TITLE_FONT, 16)
    for line in _about(table):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _rows_table(document.add_table(rows=1, cols=len(_columns(table))), table)
    path = folder / f"{table.stem}.docx"
    document.save(str(path))
    return path


def _columns(table: ExportTable) -> list[tuple[str, str, float]]:
    index = table.header.index(LIST_COLUMN[1])
    several = len({r[index] for r in table.rows}) > 1
    return [LIST_COLUMN, *COLUMNS] if several else COLUMNS


def _about(table: ExportTable) -> list[str]:
    """The title's parts but the count and date, then the date and count on a line of their own."""
    parts = [p for p in table.title.split("　｜　") if not p.startswith(("共 ", "导出日期"))]
    return [*parts, f"导出日期：{table.day.isoformat()}　共 {len(table.rows)} 条"]


def _rows_table(grid: Table, table: ExportTable) -> None:
    columns = _columns(table)
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, (name, _, _) in zip(grid.rows[0].cells, columns, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(name).bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _repeat_as_header(grid)
    at = [table.header.index(source) for _, source, _ in columns]
    for line in table.rows:
        cells = grid.add_row().cells
        for cell, index in zip(cells, at, strict=True):
            cell.text = str(line[index])
    grid.autofit = False
    for column, (_, _, width) in zip(grid.columns, columns, strict=True):
        column.width = Cm(width)  # the table grid, which LibreOffice reads
    for row in grid.rows:
        for cell, (_, _, width) in zip(row.cells, columns, strict=True):
            cell.width = Cm(width)  # each cell's own width, which Word reads
        row.cells[-len(COLUMNS)].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER  # 序号


def _repeat_as_header(grid: Table) -> None:
    """The first row is the table's header row: Word repeats it at the top of every page."""
    properties = grid.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _set_font(target, name: str, size: float) -> None:  # type: ignore[no-untyped-def]
    """A style's or run's font, for CJK text too (Word reads the East Asian font from w:eastAsia)."""
    target.font.name = name
    target.font.size = Pt(size)
    fonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
