"""One parser for every format: a reader's tables → a header mapped to row fields → numbered, cleaned rows."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ingest.clean import clean_short, clean_text, split_agencies
from ingest.deadlines import deadline_years, years_named
from ingest.errors import IngestError
from ingest.headers import NUMBER_HEADER, map_headers
from ingest.limits import Deadline, Limits
from ingest.messages import Message
from ingest.readers import read_file
from ingest.registries import Registry
from ingest.rows import GROUP_HEADERS, Column, Document, Measures, Row, Source
from ingest.table import Table

PARSER_VERSION = "3"  # 2: the facts above the table (联系人, 联系电话 …) are kept; 3: and its group headers
_OWNER = re.compile(r"单位[（(]公章[)）][:：]\s*(\S+)")
# What the lines above a table say of the list itself ("联系人：齐心  联系电话：…").
_FACT = re.compile(r"(联系人|联系电话|电话|手机|填报人|填报日期|报送日期|日期)\s*[:：]\s*([^\s:：]+)")
_NUMBER = re.compile(r"(\d+)[.、．]?")
_ATTACHMENT = re.compile(r"^附件\s*[:：]?\s*\d*$")
MAX_CELL_CHARS = 20_000  # the longest real task text is under 600; a longer cell is a paste gone wrong


@dataclass
class _List:
    """One list found in a file: the table's header, its task rows, and what came above it."""

    preamble: list[str]
    above: list[list[str]]
    number_col: int
    headers: list[str]
    rows: list[tuple[list[str], str]] = field(default_factory=list)  # (cells after 序号, group row just above)
    notes: list[Message] = field(default_factory=list)


def parse_path(path: Path, registry: Registry, key: str | None = None, limits: Limits | None = None,
               deadline: Deadline | None = None, place: str | None = None, need_place: bool = True
               ) -> list[Document]:
    """Every list in one file (a Word file or workbook may hold several), or IngestError naming file and reason.

    The lists are keyed by `key` (default: the file's stem), `<key>-1`, `<key>-2` … when there are several.
    A list of more rows than `limits` allow is refused before its rows are made; so is a file still being read
    when `deadline` (default: `limits.seconds` from now) passes. Each list's place is `place` when one is given
    (any name of it: 盖州, 营口盖州), else the one its title names, else the one the lines above the table name;
    without any, IngestError unless not `need_place` (a preview: its place is then "")."""
    limits = limits or Limits()
    deadline = deadline or Deadline(limits.seconds)
    reading = read_file(path, limits, deadline)
    lists = _assemble(reading.tables, path)
    for n, found in enumerate(lists, 1):
        limits.check_rows(path, len(found.rows), "the list" if len(lists) == 1 else f"list {n}")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    docs = []
    for n, found in enumerate(lists, 1):
        stem = key or path.stem
        doc = _document(found, stem if len(lists) == 1 else f"{stem}-{n}", path, registry, place, need_place)
        doc.source = Source(file=path.name, format=reading.format, sha256=sha)
        doc.warnings = [*reading.notes, *found.notes, *doc.warnings]
        docs.append(doc)
    deadline.check(path, "parsing it")
    return docs


def parse_file(path: Path, registry: Registry, limits: Limits | None = None) -> Document:
    """The one list in a file; IngestError when the file holds none or several."""
    docs = parse_path(path, registry, limits=limits)
    if len(docs) > 1:
        raise IngestError(path, f"holds {len(docs)} lists; ingest it with parse_path")
    return docs[0]


def _header_at(table: Table) -> tuple[int, int] | None:
    """(row, column) of the 序号 header cell among the table's first rows, if any."""
    for r, cells in enumerate(table.rows[:12]):
        shorts = [clean_short(c) for c in cells]
        if NUMBER_HEADER in shorts:
            return r, shorts.index(NUMBER_HEADER)
    return None


def _number(cell: str) -> int | None:
    match = _NUMBER.fullmatch(clean_short(cell))
    return int(match.group(1)) if match else None


def _assemble(tables: list[Table], path: Path) -> list[_List]:
    """Tables in reading order → lists. A table whose numbering goes on from the list before continues it (Word
    splits long tables, a PDF has one per page); a table whose numbering starts at 1 again opens a new list."""
    lists: list[_List] = []
    skipped = 0
    for table in (t.squared() for t in tables):
        at = _header_at(table)
        current = lists[-1] if lists else None
        if at is not None:
            r, c = at
            headers = [clean_short(h) for h in table.rows[r][c + 1:]]
            body = table.rows[r + 1:]
            first = next((_number(row[c]) for row in body if _number(row[c]) is not None), None)
            if current is None or first == 1 or headers != current.headers:
                above = table.rows[:r]
                current = _List(table.preamble, above, c, headers)
                lists.append(current)
        elif current is not None and table.width == current.number_col + 1 + len(current.headers):
            body = table.rows
        else:
            skipped += 1
            continue
        _add_rows(current, body, table, path)
    if not lists:
        raise IngestError(path, Message.of("no_table" if not tables else "no_numbered_table"))
    if skipped:
        lists[0].notes.append(Message.of("tables_skipped", count=skipped))
    for found in lists:
        if not found.rows:
            raise IngestError(path, Message.of("no_numbered_rows"))
    return lists


def _add_rows(found: _List, body: list[list[str]], table: Table, path: Path) -> None:
    """Task rows, group rows (their text is the category below), repeated headers (skipped) and the rest of a
    row a page break split."""
    c = found.number_col
    group = ""  # a full-width group row ("一、提升办学条件") seen since the last task row
    repeated = 0
    numbered = False  # a task row of this table seen yet
    for cells in body:
        shorts = [clean_short(x) for x in cells]
        values = [x for x in shorts if x]
        number = _number(cells[c])
        if not values:
            continue
        if shorts[c] == NUMBER_HEADER and shorts[c + 1:] == found.headers:
            repeated += 1
            continue
        if number is None and shorts[c][:1].isdigit():
            raise IngestError(path, f"row {len(found.rows) + 1}: 序号 reads {shorts[c][:30]!r}, not a row number")
        if number is not None:
            expected = len(found.rows) + 1
            if number != expected:
                problem = "duplicate" if number < expected else "skipped"
                raise IngestError(path, f"row {expected}: 序号 reads {clean_short(cells[c])} ({problem} number)")
            found.rows.append((cells[c + 1:], group))
            group = ""
            numbered = True
        elif found.rows and table.continued and not numbered:
            found.rows[-1] = (_continue(found.rows[-1][0], cells[c + 1:]), found.rows[-1][1])
        elif len(set(values)) == 1:
            group = clean_text(next(x for x in cells if clean_short(x))).replace("\n", "")
        else:
            after = (f"第 {len(found.rows)} 行后", f"after row {len(found.rows)}") if found.rows else ("第 1 行前",
                                                                                               "before row 1")
            found.notes.append(Message.of("row_without_number", after=after[0], after_en=after[1],
                                          text="｜".join(values)[:40]))
    if repeated:
        found.notes.append(Message.of("repeated_headers", count=repeated))


def _continue(cells: list[str], more: list[str]) -> list[str]:
    """A row a page break split: each cell's text goes on where it stopped."""
    return [a + ("\n" if a and b else "") + b for a, b in zip(cells, more, strict=True)]


def _title(preamble: list[str]) -> tuple[str, str | None, dict[str, str]]:
    """The title, the unit that filled in the measures (单位（公章）) and the other facts the lines state."""
    owner = None
    lines = []
    facts: dict[str, str] = {}
    for line in preamble:
        match = _OWNER.search(line)
        facts |= {name: value for name, value in _FACT.findall(line)}
        if match:
            owner = match.group(1)
        elif not _ATTACHMENT.match(line) and not _FACT.search(line):
            lines.append(line)
    return clean_text("\n".join(lines)).replace("\n", ""), owner, facts


def _title_lines(above: list[list[str]]) -> list[str]:
    """Lines of the rows above the header that hold one text (a title merged across the columns); a row of
    several texts is a group header (部省共建任务 | 落实具体措施), not a title."""
    texts = [next(x for x in row if x.strip()) for row in above if len({x for x in row if x.strip()}) == 1]
    return [line.strip() for text in texts for line in text.split("\n") if line.strip()]


def _group_headers(above: list[list[str]]) -> list[str]:
    """The texts of a row above the header that holds several (部省共建任务 | 落实具体措施): what the columns
    under each are, and often the name officials call the list by."""
    texts = [list(dict.fromkeys(clean_short(x) for x in row if clean_short(x))) for row in above]
    return [t for row in texts if len(row) > 1 for t in row]


def _document(found: _List, key: str, path: Path, registry: Registry, place: str | None, need_place: bool
              ) -> Document:
    fields = map_headers(found.headers)
    if "text" not in fields:
        raise IngestError(path, Message.of("no_task_column", headers="、".join(found.headers)))
    lines = [line for p in found.preamble for line in p.split("\n") if line.strip()]
    title, owner, facts = _title(lines)
    if not title:  # the title may sit in a cell above the header (" \t附件\n环翠区…清单")
        lines = _title_lines(found.above)
        title, owner, facts = _title(lines)
    if groups := _group_headers(found.above):
        facts[GROUP_HEADERS] = "｜".join(groups)
    if not title:
        raise IngestError(path, Message.of("no_title"))
    jurisdiction = _place(path, registry, title, " ".join(lines), place)
    if not jurisdiction and need_place:
        raise IngestError(path, Message.of("unknown_place", title=title))
    rows: list[Row] = []
    warnings: list[Message] = []
    for cells, group in found.rows:
        longest = max(map(len, cells), default=0)
        if longest > MAX_CELL_CHARS:
            raise IngestError(path, f"row {len(rows) + 1}: a cell holds {longest:,} characters "
                                    f"(at most {MAX_CELL_CHARS:,}): is a document pasted into it?")
        values = {f: cell for f, cell in zip(fields, cells, strict=True) if f is not None}
        category = group or (rows[-1].category if rows else "")  # a merged or group category goes on down
        row = _make_row(key, len(rows) + 1, values, jurisdiction, title, "lead" in fields, category, registry,
                        has_due="due" in fields or "measures.due" in fields)
        rows.append(row)
        if not (row.lead or row.responsible or (row.measures and row.measures.units)):
            warnings.append(Message.of("row_without_agency", row=row.row))
    unmapped = [h for h, f in zip(found.headers, fields, strict=True) if f is None]
    if unmapped:
        warnings.append(Message.of("columns_ignored", columns="、".join(unmapped)))
    columns = [Column(header=NUMBER_HEADER, field="row"),
               *(Column(header=h, field=f) for h, f in zip(found.headers, fields, strict=True))]
    return Document(key=key, title=title, jurisdiction=jurisdiction, measures_owner=owner, facts=facts, rows=rows,
                    places=registry.places.places_named(" ".join([title, *lines])), columns=columns,
                    warnings=warnings)


def _place(path: Path, registry: Registry, title: str, above: str, place: str | None) -> str:
    """The list's place: the one given (IngestError when its name is shared by several places and says not which),
    else the one its title names, else the one the lines above the table name; "" when none does."""
    if place and place.strip():
        found = registry.places.place_named(place.strip())
        if len(found) > 1:
            raise IngestError(path, Message.of("ambiguous_place", place=place.strip(), places="、".join(found)))
        return found[0] if found else clean_short(place)
    found_place = registry.places.from_title(title) or registry.places.from_title(above)
    if found_place:
        return found_place
    written = _place_from_title(title)  # 测试市: a place no registry knows, taken as the title writes it
    return written if written and len(registry.places.place_named(written)) <= 1 else ""  # not 鼓楼区 alone


def _place_from_title(title: str) -> str | None:
    match = re.match(r"^[《“]?([\u4e00-\u9fff]{2,8}?(?:自治区|自治州|省|市|区|县|旗|州))", title)
    return match.group(1) if match else None


def _make_row(doc: str, number: int, values: dict[str, str], jurisdiction: str, title: str,
              has_lead: bool, previous_category: str, registry: Registry, has_due: bool = False) -> Row:
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
        due_from_text=not due_cell and bool(_due_from_text(text)),
        years=years_named(" ".join([*texts, due_cell, measures.due])),
        deadline_years=deadlines,
        measures=None if measures.is_empty() else measures,
        has_lead_column=has_lead,
        has_due_column=has_due,
        written={k: "".join(clean_short(line) for line in values[k].split("\n"))  # a wrapped name is one name
                 for k in ("lead", "responsible") if values.get(k, "").strip()},
    )


def _join_lines(cell: str) -> str:
    """A short multi-line cell (two completion years) as one value: 2025年；2023年."""
    return "；".join(dict.fromkeys(line for line in map(clean_short, cell.split("\n")) if line))


def _due_from_text(text: str) -> str | None:
    years = deadline_years(text, "", "")
    return "、".join(f"{y}年" for y in years) or None
