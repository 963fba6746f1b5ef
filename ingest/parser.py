"""One generic parser for the task-list layout: header, numbered rows, cleaned fields."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ingest.clean import clean_short, clean_text, split_agencies
from ingest.deadlines import deadline_years, years_named
from ingest.errors import IngestError
from ingest.headers import NUMBER_HEADER, map_headers
from ingest.layout import Layout, read_text, split_cells
from ingest.registries import Registry
from ingest.rows import Document, Measures, Row, Source

PARSER_VERSION = "1"
_OWNER = re.compile(r"单位[（(]公章[)）][:：]\s*(\S+)")
_NUMBER = re.compile(r"\d+")


def parse_file(path: Path, registry: Registry) -> Document:
    """Parse one list file into a Document, or raise IngestError naming the file and the reason."""
    layout = split_cells(read_text(path))
    doc = parse_layout(layout, path, registry)
    doc.source = Source(file=path.name, format="txt", sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    return doc


def _find_header(layout: Layout, path: Path) -> tuple[list[str], int]:
    shorts = [clean_short(cell) for cell in layout.cells]
    if NUMBER_HEADER not in shorts:
        raise IngestError(path, f"no header row: no cell reads {NUMBER_HEADER}")
    start = shorts.index(NUMBER_HEADER)
    headers: list[str] = []
    for cell in shorts[start + 1:]:
        if _NUMBER.fullmatch(cell):
            break
        headers.append(cell)
    if not headers:
        raise IngestError(path, "header row has no columns after 序号")
    return headers, start + 1 + len(headers)


def _group_rows(cells: list[str], width: int, path: Path) -> list[list[str]]:
    """Split cells into rows of `width` cells, each opened by its 序号; check the numbering."""
    rows: list[list[str]] = []
    for cell in cells:
        number = clean_short(cell)
        opens_row = not rows or len(rows[-1]) == width
        expected = len(rows) + 1
        if opens_row:
            if not _NUMBER.fullmatch(number):
                where = f"after row {len(rows)}" if rows else "at the first row"
                raise IngestError(path, f"{where}: expected 序号 {expected}, found {number[:30]!r} "
                                        f"(a row has more than {width} columns, or a cell is misaligned)")
            if int(number) != expected:
                problem = "duplicate" if int(number) < expected else "skipped"
                raise IngestError(path, f"row {expected}: 序号 reads {number} ({problem} number)")
            rows.append([cell])
        elif _NUMBER.fullmatch(number) and int(number) == expected:
            raise IngestError(path, f"row {expected - 1}: has {len(rows[-1])} of {width} columns "
                                    f"(missing cells before row {expected})")
        else:
            rows[-1].append(cell)
    if not rows:
        raise IngestError(path, "header found but no numbered rows")
    if len(rows[-1]) != width:
        raise IngestError(path, f"row {len(rows)}: has {len(rows[-1])} of {width} columns")
    return rows


def _title(preamble: list[str]) -> tuple[str, str | None]:
    owner = None
    lines = []
    for line in preamble:
        match = _OWNER.search(line)
        if match:
            owner = match.group(1)
        elif not re.match(r"^附件\s*[:：]?\s*\d*$", line):
            lines.append(line)
    return clean_text("\n".join(lines)).replace("\n", ""), owner


def parse_layout(layout: Layout, path: Path, registry: Registry) -> Document:
    headers, body_start = _find_header(layout, path)
    fields = map_headers(headers)
    if "text" not in fields:
        raise IngestError(path, f"no task-text column among headers {'、'.join(headers)}")
    raw_rows = _group_rows(layout.cells[body_start:], len(headers) + 1, path)
    title, owner = _title(layout.preamble)
    if not title:  # the title line may continue a cell opened before the header (" \t附件")
        before_header = "\n".join(layout.cells[: body_start - len(headers) - 1])
        title, owner = _title([line.strip() for line in before_header.split("\n") if line.strip()])
    if not title:
        raise IngestError(path, "no title line before the table")
    jurisdiction = registry.places.from_title(title) or _place_from_title(title)
    if not jurisdiction:
        raise IngestError(path, f"cannot tell the jurisdiction from the title {title!r}")
    rows: list[Row] = []
    for cells in raw_rows:
        values = {field: cell for field, cell in zip(fields, cells[1:], strict=True) if field is not None}
        rows.append(_make_row(path.stem, len(rows) + 1, values, jurisdiction, title, "lead" in fields,
                              rows[-1].category if rows else "", registry))
    return Document(key=path.stem, title=title, jurisdiction=jurisdiction, measures_owner=owner, rows=rows)


def _place_from_title(title: str) -> str | None:
    match = re.match(r"^[《“]?([\u4e00-\u9fff]{2,8}?(?:自治区|自治州|省|市|区|县|旗|州))", title)
    return match.group(1) if match else None


def _make_row(doc: str, number: int, values: dict[str, str], jurisdiction: str, title: str,
              has_lead: bool, previous_category: str, registry: Registry) -> Row:
    text = clean_text(values.get("text", ""))
    lead = split_agencies(values.get("lead", ""))
    responsible = split_agencies(values.get("responsible", ""))
    measures = Measures(
        actions=clean_text(values.get("measures.actions", "")),
        targets=clean_text(values.get("measures.targets", "")),
        units=split_agencies(values.get("measures.units", "")),
        due=_join_lines(values.get("measures.due", "")),
    )
    due_cell = _join_lines(values.get("due", ""))
    texts = [text, measures.actions, measures.targets]
    deadlines = deadline_years(text, due_cell, measures.due)
    return Row(
        doc=doc, row=number, jurisdiction=jurisdiction, title=title,
        category=clean_text(values.get("category", "")).replace("\n", "") or previous_category,
        text=text, lead=lead, responsible=responsible,
        lead_ids=list(dict.fromkeys(registry.agencies.resolve(a) for a in lead)),
        responsible_ids=list(dict.fromkeys(registry.agencies.resolve(a) for a in responsible)),
        due=due_cell or _due_from_text(text),
        years=years_named(" ".join([*texts, due_cell, measures.due])),
        deadline_years=deadlines,
        measures=None if measures.is_empty() else measures,
        has_lead_column=has_lead,
    )


def _join_lines(cell: str) -> str:
    """A short multi-line cell (two completion years) as one value: 2025年；2023年."""
    return "；".join(dict.fromkeys(line for line in map(clean_short, cell.split("\n")) if line))


def _due_from_text(text: str) -> str | None:
    years = deadline_years(text, "", "")
    return "、".join(f"{y}年" for y in years) or None
