"""One rendering of a row's facts, shared by the chat and CLI answers, the CLI's row table and the LLM context."""

from __future__ import annotations

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


def cite(row: Row) -> str:
    return f"[{row.jurisdiction}#{row.row}]"


def row_facts(row: Row, measures_owner: str | None = None) -> RowFacts:
    m = row.measures
    return RowFacts(
        cite=cite(row), lead="、".join(row.lead), responsible="、".join(row.responsible),
        has_lead_column=row.has_lead_column, due=row.due or (m.due if m else "") or "",
        owner=measures_owner or "", measures=" ".join(p for p in (m.actions, m.targets.replace("\n", " ")) if p)
        if m else "", units="、".join(m.units) if m else "", measures_due=m.due if m else "")
