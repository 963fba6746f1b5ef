"""One rendering of a row's facts, shared by the chat and CLI answers, the CLI's row table and the LLM context."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from ingest.rows import Row


@dataclass(frozen=True)
class RowFacts:
    """A row's fields as display strings."""

    cite: str
    lead: str
    responsible: str
    has_lead_column: bool
    due: str
    owner: str
    measures: str
    units: str
    measures_due: str


def cite(row: Row, label: str | None = None) -> str:
    """[营口市#3]: the list's label (its place, unless several lists share the place) and the row number."""
    return f"[{label or row.jurisdiction}#{row.row}]"


def row_span(row_ids: list[str], label: Callable[[str], str]) -> str:
    """营口市#2–14、16、18: the rows of each list as numbers, runs of three or more written as a range.
    `label` names a list by its key."""
    by_doc: dict[str, list[int]] = {}
    for rid in row_ids:
        doc, _, number = rid.partition("#")
        if number.isdigit():
            by_doc.setdefault(doc, []).append(int(number))
    parts = []
    for doc, numbers in by_doc.items():
        runs: list[list[int]] = []
        for n in sorted(set(numbers)):
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        spans = [f"{r[0]}–{r[-1]}" if len(r) >= 3 else "、".join(map(str, r)) for r in runs]
        parts.append(f"{label(doc)}#{'、'.join(spans)}")
    return "；".join(parts)


def row_facts(row: Row, measures_owner: str | None = None, label: str | None = None, sep: str = "、") -> RowFacts:
    """A row's fields as text; `sep` joins names (", " in an English answer)."""
    m = row.measures
    return RowFacts(
        cite=cite(row, label), lead=_names(row, "lead", sep), responsible=_names(row, "responsible", sep),
        has_lead_column=row.has_lead_column, due=row.due or (m.due if m else "") or "",
        owner=measures_owner or "", measures=" ".join(p for p in (m.actions, m.targets.replace("\n", " ")) if p)
        if m else "", units=sep.join(m.units) if m else "", measures_due=m.due if m else "")


def _names(row: Row, column: str, sep: str) -> str:
    """A column's names, with the 等 its cell closes with (…税务局等): reading the names drops it, the list says it.
    The cell is shown as written when it joins them otherwise than with 、 (区人社局及有关行业主管部门)."""
    names = sep.join(getattr(row, column))
    written = re.sub(r"\s+", "", row.written.get(column, ""))
    joined = written if sep == "、" else _SEPARATORS.sub("、", written)  # English: a comma is no word of the cell's
    if written and joined != "、".join(getattr(row, column)) and _same_names(written, getattr(row, column)):
        return written  # in an English answer too when it joins them by words (及, 和)
    closed = row.written.get(column, "").endswith("等") and names and not names.endswith("等")
    return f"{names}等" if closed else names


_SEPARATORS = re.compile(r"[、，,；;]")


def _same_names(written: str, names: list[str]) -> bool:
    """Whether a cell as written holds the names read from it, in order, and little else (及, 和, 等 between)."""
    rest = written
    for name in (re.sub(r"\s+", "", n) for n in names):
        at = rest.find(name)
        if at < 0 or at > 2:
            return False
        rest = rest[at + len(name):]
    return len(rest) <= 1


def format_rows_table(rows: list[Row], owners: dict[str, str] | None = None) -> str:
    """The CLI's row listing: a readable block per row (id, place, agencies, text, measures), then the count."""
    lines = []
    for row in rows:
        facts = row_facts(row, (owners or {}).get(row.doc))
        lines.append(f"{row.id:<14} {row.jurisdiction}  {row.category}".rstrip())
        if facts.lead:
            lines.append(f"{'':<14} 牵头单位：{facts.lead}")
        if facts.responsible:
            lines.append(f"{'':<14} {'责任单位' if facts.has_lead_column else '责任部门'}：{facts.responsible}")
        if row.due:
            lines.append(f"{'':<14} 时间：{row.due}")
        lines.extend(textwrap.wrap(row.text, width=60, initial_indent=" " * 15, subsequent_indent=" " * 15))
        if row.measures:
            lines.append(f"{'':<14} 举措（{facts.units or '—'}，{facts.measures_due or '—'}）："
                         f"{row.measures.actions or row.measures.targets}")
        lines.append("")
    lines.append(f"{len(rows)} rows")
    return "\n".join(lines)
