"""An answer's cited rows as files an official can hand on: every field, the question, filters and date."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from assistant.catalog import Catalog
from assistant.models import Answer, Citation
from assistant.spreadsheet import append_text_row, display_width, format_table, wrapped_lines, write_csv_table
from ingest.rows import Measures, Row

CATEGORY = "类别"
MEASURES = ["具体举措", "完成目标", "责任单位（部门）", "举措完成时间"]
SOURCE = "来源"
WIDE = {"任务内容": 50, "具体举措": 40, "完成目标": 40, "清单": 30}  # the widest a column grows; text wraps
NARROW, WIDEST = 8, 24
UNSAFE = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]+')  # not allowed in a file name on Windows, macOS or Linux
SUBJECT_CHARS = 60
LINE_HEIGHT = 18  # points per wrapped line of the title
FALLBACK = "任务清单"
SHEET = "引用条目"


@dataclass(frozen=True)
class ExportTable:
    """What the chat's two downloads hold: the file name stem, the title line, the header and the rows."""

    stem: str
    title: str
    header: list[str]
    rows: list[list[str | int]]
    widths: list[float]
    subject: list[str]
    day: date


def build_export(answer: Answer, question: str, catalog: Catalog, today: date,
                 place: str | None = None, agency: str | None = None) -> ExportTable:
    """The answer's cited rows in its order, each with every field the index keeps. `place` and `agency` are
    the filters the user chose (or None); they name the file when the answer's filters name nothing."""
    rows = [catalog.by_id.get(c.id) or _bare_row(c) for c in answer.citations]
    header, cells = _columns(rows, {c.doc: c.list_label for c in answer.citations})
    subject = _subject(answer, catalog, place, agency)
    title = _title(answer, question, subject, place, agency, today)
    body = [cells(r) for r in rows]
    return ExportTable(stem=file_stem(subject, today), title=title, header=header, rows=body,
                       widths=_widths(header, body), subject=subject, day=today)


def write_csv(table: ExportTable, folder: Path) -> Path:
    """The header and rows only (no title line), so the file stays a plain table; its name holds the subject
    and the date."""
    return write_csv_table(folder / f"{table.stem}.csv", table.header, table.rows)


def write_xlsx(table: ExportTable, folder: Path) -> Path:
    """One sheet: the title merged across the columns, the header bold and frozen, text wrapped, widths set."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    append_text_row(sheet, [table.title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.header))
    sheet["A1"].font = Font(bold=True, size=12)
    append_text_row(sheet, table.header)
    for line in table.rows:
        append_text_row(sheet, line)
    format_table(sheet, header_row=2, widths=table.widths)
    sheet["A1"].alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[1].height = LINE_HEIGHT * wrapped_lines(table.title, sum(table.widths))
    _for_print(sheet, len(table.header))
    path = folder / f"{table.stem}.xlsx"
    book.save(path)
    return path


def _for_print(sheet: Worksheet, columns: int) -> None:
    """A4 landscape, every column on one page's width (as many pages down as it takes), the header row on every
    page, and thin borders round every cell of the table, as a printed list has them."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # 0: as many pages as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "2:2"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4  # inches
    thin = Side(style="thin")
    for row in sheet.iter_rows(min_row=2, max_col=columns):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)


def file_stem(subject: list[str], today: date) -> str:
    """`营口市-人力资源和社会保障局-任务-2026-11-23`, or `任务清单-2026-11-23` with no subject; safe on any
    file system and at most SUBJECT_CHARS characters before the date."""
    parts = [p for p in (UNSAFE.sub("", s).strip(" .") for s in subject) if p]
    name = "-".join([*parts, "任务"]) if parts else FALLBACK
    if len(name) > SUBJECT_CHARS:
        name = name[:SUBJECT_CHARS].rstrip("-. ")
    return f"{name}-{today.isoformat()}"


def _bare_row(citation: Citation) -> Row:
    """A cited row the index no longer holds (re-ingested since the answer): what the citation kept."""
    return Row(**citation.model_dump(include={"doc", "row", "jurisdiction", "title", "text", "lead",
                                              "responsible"}))


def _columns(rows: list[Row], labels: dict[str, str]) -> tuple[list[str], Callable[[Row], list[str | int]]]:
    """The header, and a function giving a row's cells under it: 类别 and the measures only when a row has
    them. 清单 is the list's label as the answer cites it (its place, or place and short title where several
    lists share the place)."""
    with_category = any(r.category for r in rows)
    with_measures = any(r.measures and not r.measures.is_empty() for r in rows)
    header = ["清单", "序号", *([CATEGORY] if with_category else []), "任务内容", "牵头单位", "责任单位", "完成时间",
              *(MEASURES if with_measures else []), SOURCE]

    def cells(row: Row) -> list[str | int]:
        line: list[str | int] = [labels.get(row.doc) or row.jurisdiction or row.title, row.row]
        line += [row.category] if with_category else []
        line += [row.text, "、".join(row.lead), "、".join(row.responsible), row.due or ""]
        if with_measures:
            m = row.measures or Measures()
            line += [m.actions, m.targets, "、".join(m.units), m.due]
        return [*line, row.id]

    return header, cells


def _subject(answer: Answer, catalog: Catalog, place: str | None, agency: str | None) -> list[str]:
    """What the rows are about: the answer's places, institution and agencies, or else the chosen filters (the
    answer's already hold them, by their canonical names)."""
    found = answer.filters
    names = [catalog.registry.agencies.display_name(a) for a in found.agencies]
    subject = [*found.jurisdictions, *([found.institution] if found.institution else []), *names]
    return list(dict.fromkeys(subject or [v for v in (place, agency) if v]))


def _title(answer: Answer, question: str, subject: list[str], place: str | None, agency: str | None,
           today: date) -> str:
    read = answer.plan_line or ("条件：" + " · ".join(subject) if subject else "")
    chosen = "，".join(f"{label} {value}" for label, value in (("地区", place), ("部门", agency)) if value)
    parts = [f"问题：{question}", read, f"筛选：{chosen}" if chosen else "",
             f"共 {len(answer.citations)} 条", f"导出日期：{today.isoformat()}"]
    return "　｜　".join(p for p in parts if p)


def _widths(header: list[str], rows: list[list[str | int]]) -> list[float]:
    """Each column as wide as its longest line, between NARROW and its cap (wider text wraps)."""
    widths = []
    for index, name in enumerate(header):
        longest = max([display_width(name), *(display_width(str(r[index])) for r in rows)])
        widths.append(float(min(max(longest + 2, NARROW), WIDE.get(name, WIDEST))))
    return widths
