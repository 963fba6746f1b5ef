"""Overviews over whole lists: which agency each list names (lead / responsible) and which local rows
carry out each provincial row, as typed matrices, display tables and .xlsx files."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, Field

from assistant.catalog import Catalog
from assistant.row_names import RowNames
from assistant.spreadsheet import append_text_row

if TYPE_CHECKING:
    from assistant.core import Assistant

Status = Literal["strong", "weak", "none"]
STATUS_LABEL: dict[Status, str] = {"strong": "强", "weak": "弱", "none": "无"}
PARENT_TEXT_CHARS = 40
CONFIRMED_MARK = "✓已确认"
RESPONSIBILITY_LEGEND = ("说明：「牵头 N / 责任 M」指该清单中此部门作为牵头单位的任务有 N 项、作为责任单位的有 M 项；"
                         "「牵头 —」指该清单没有牵头单位一栏；空白指该清单没有提到此部门。")
COVERAGE_LEGEND = ("说明：强＝下级清单有高度对应的条目；弱＝可能对应，相似度较低，请点选核对；无＝下级清单没有对应条目；"
                   f"「{CONFIRMED_MARK}」＝经人工确认的对应。条目写作「营口市#12」，即营口市清单第 12 项。")
NO_LINK_NOTICE = "{parent} 在所选的下级清单中没有对应条目（「无」），这里没有可以确认或驳回的对应关系；请点选标有「强」或「弱」的单元格。"


class RoleCounts(BaseModel):
    """How many rows of one list name an agency as lead and as responsible."""

    lead: int = 0
    responsible: int = 0


class AgencyLine(BaseModel):
    """One canonical agency: its display name, the names the lists write for it, its counts per list."""

    agency: str = Field(description="canonical agency id (hrss, education, name:…)")
    name: str = Field(description="display name")
    aliases: list[str] = Field(description="the names the lists write for it, most used first")
    counts: dict[str, RoleCounts] = Field(description="per document key; documents not naming it are absent")
    total: int = Field(description="rows naming it, lead or responsible, in all lists")


class CoverageCell(BaseModel):
    """How one local list carries out one parent row."""

    status: Status
    children: list[str] = Field(default_factory=list, description="the local row ids, best first")
    confirmed: list[str] = Field(default_factory=list, description="those of them an official confirmed")


class CoverageLine(BaseModel):
    parent: str
    text: str
    cells: dict[str, CoverageCell] = Field(description="per local document key")


class CoverageMatrix(BaseModel):
    """One parent list × the local lists below it."""

    parent_doc: str
    local_docs: list[str]
    lines: list[CoverageLine]


class MatrixTable(BaseModel):
    """A matrix as a plain table: what the page shows and the .xlsx holds."""

    title: str
    header: list[str]
    rows: list[list[str]]
    widths: list[int] = Field(description="column widths in characters")
    tips: list[str] = Field(default_factory=list, description="per row: a tooltip (aliases), may be empty")
    legend: str = Field(default="", description="one line under the table: what its marks mean")


class LinkDetail(BaseModel):
    """A parent row and the local rows of one list linked to it, for review side by side."""

    parent: str
    parent_label: str = Field(description="辽宁省#15: as the chat names the row")
    parent_text: str
    children: list[tuple[str, str, str]] = Field(description="(id, label, text) of each linked local row")


class Overview(BaseModel):
    """Both matrices and their tables, as the overview page shows them."""

    responsibility: list[AgencyLine]
    coverage: list[CoverageMatrix]
    responsibility_table: MatrixTable
    coverage_table: MatrixTable

    def coverage_lines(self) -> list[CoverageLine]:
        """The coverage lines in the coverage table's order (one table row each)."""
        return [line for m in self.coverage for line in m.lines]

    def local_docs(self) -> list[str]:
        """The local lists in the coverage table's column order (after 省级任务)."""
        return list(dict.fromkeys(doc for m in self.coverage for doc in m.local_docs))


def overview(assistant: Assistant) -> Overview:
    """Both matrices over the assistant's current build."""
    catalog = assistant.engine.catalog
    lines, matrices = responsibility_matrix(catalog), coverage_matrix(assistant)
    return Overview(responsibility=lines, coverage=matrices, responsibility_table=responsibility_table(catalog, lines),
                    coverage_table=coverage_table(catalog, matrices))


def responsibility_matrix(catalog: Catalog) -> list[AgencyLine]:
    """One line per agency some row names, with lead / responsible counts per list; most rows first."""
    counts: dict[str, dict[str, RoleCounts]] = defaultdict(dict)
    rows_of: dict[str, set[str]] = defaultdict(set)
    for row in catalog.rows:
        for role, ids in (("lead", row.lead_ids), ("responsible", row.responsible_ids)):
            for agency_id in dict.fromkeys(ids):
                cell = counts[agency_id].setdefault(row.doc, RoleCounts())
                setattr(cell, role, getattr(cell, role) + 1)
                rows_of[agency_id].add(row.id)
    written = catalog.written_names()
    agencies = catalog.registry.agencies
    lines = [AgencyLine(agency=a, name=agencies.display_name(a), aliases=written.get(a, []), counts=c,
                        total=len(rows_of[a])) for a, c in counts.items()]
    return sorted(lines, key=lambda line: (-line.total, line.name))


def coverage_matrix(assistant: Assistant) -> list[CoverageMatrix]:
    """Per list with local lists below it (liaoning): each of its rows × each local list, strong/weak/none."""
    catalog = assistant.engine.catalog
    matrices = []
    for document in catalog.documents:
        covered = assistant.coverage(document.doc)
        local = list(covered[0].children) if covered else []
        if not local:
            continue
        lines = [CoverageLine(parent=c.parent, text=catalog.by_id[c.parent].text,
                              cells={doc: _cell(c.children.get(doc, [])) for doc in local}) for c in covered]
        matrices.append(CoverageMatrix(parent_doc=document.doc, local_docs=local, lines=lines))
    return matrices


def _cell(children: list) -> CoverageCell:
    if not children:
        return CoverageCell(status="none")
    strong = any(c.strength == "strong" or c.confirmed for c in children)
    return CoverageCell(status="strong" if strong else "weak", children=[c.id for c in children],
                        confirmed=[c.id for c in children if c.confirmed])


def responsibility_table(catalog: Catalog, lines: list[AgencyLine]) -> MatrixTable:
    """部门, then per list 「牵头 n / 责任 m」 (牵头 — for a list without a lead column; blank: not named)."""
    docs = catalog.documents
    header = ["部门", *(f"{d.jurisdiction} 牵头/责任" for d in docs)]
    rows = []
    for line in lines:
        cells = [line.name]
        for d in docs:
            c = line.counts.get(d.doc)
            lead = str(c.lead) if c and d.has_lead_column else "—"
            cells.append(f"牵头 {lead} / 责任 {c.responsible}" if c else "")
        rows.append(cells)
    tips = ["、".join(line.aliases) for line in lines]
    return MatrixTable(title="各部门在各清单中的牵头 / 责任任务数", header=header, rows=rows,
                       widths=[28, *(18 for _ in docs)], tips=tips, legend=RESPONSIBILITY_LEGEND)


def coverage_table(catalog: Catalog, matrices: list[CoverageMatrix]) -> MatrixTable:
    """省级任务 (辽宁省#15 and the start of its text), then per local list 强 / 弱 / 无 with the local rows
    (营口市#12, marked when confirmed)."""
    places = {d.doc: d.jurisdiction for d in catalog.documents}
    names = RowNames(catalog)
    local = list(dict.fromkeys(doc for m in matrices for doc in m.local_docs))
    rows = []
    for matrix in matrices:
        for line in matrix.lines:
            cells = [f"{names.label(line.parent)} {_shorten(line.text)}"]
            for doc in local:
                cell = line.cells.get(doc)
                cells.append(_coverage_text(cell, names) if cell else "")
            rows.append(cells)
    parents = "、".join(places[m.parent_doc] for m in matrices)
    # 辽宁省's rows are 省级任务; once a county's list sits under 营口市, 营口市's rows are parents too
    provinces = all(len(catalog.registry.places.chain(places[m.parent_doc])) == 1 for m in matrices)
    return MatrixTable(title=f"{parents}任务在下级清单中的落实情况（强 / 弱 / 无）",
                       header=["省级任务" if provinces else "上级任务", *(names.list_label(doc) for doc in local)],
                       rows=rows, widths=[50, *(22 for _ in local)], legend=COVERAGE_LEGEND)


def _shorten(text: str) -> str:
    return text if len(text) <= PARENT_TEXT_CHARS else text[:PARENT_TEXT_CHARS] + "…"


def _coverage_text(cell: CoverageCell, names: RowNames) -> str:
    label = STATUS_LABEL[cell.status]
    kids = [names.label(c) + (CONFIRMED_MARK if c in cell.confirmed else "") for c in cell.children]
    return f"{label} {'、'.join(kids)}" if kids else label


def link_detail(catalog: Catalog, parent: str, children: list[str]) -> LinkDetail:
    """The rows of a coverage cell, to read side by side."""
    names = RowNames(catalog)
    found = [catalog.by_id[c] for c in children if c in catalog.by_id]
    return LinkDetail(parent=parent, parent_label=names.label(parent), parent_text=catalog.by_id[parent].text,
                      children=[(r.id, names.label(r.id), r.text) for r in found])


def no_link_notice(catalog: Catalog, parent: str) -> str:
    """What 确认 / 驳回 says on a cell without a link: there is nothing there to confirm or reject."""
    return NO_LINK_NOTICE.format(parent=RowNames(catalog).label(parent))


def write_matrix_xlsx(table: MatrixTable, path: Path) -> Path:
    """The table as one sheet: a bold title row, the header row frozen below it, set widths, wrapped text."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31].replace("/", "／")
    sheet.append([table.title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.header))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(table.header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for index, line in enumerate(table.rows):
        append_text_row(sheet, line)
        tip = table.tips[index] if index < len(table.tips) else ""
        if tip:
            sheet.cell(row=sheet.max_row, column=1).comment = Comment(f"清单中的写法：{tip}", "policy-assistant")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    for index, width in enumerate(table.widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
