"""Typed answers and citations: the one contract for Python, the CLI and HTTP."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.understand.plan import QueryPlan, Unresolved
from ingest.rows import Row

Mode = Literal["extractive", "llm"]


class Citation(BaseModel):
    """One cited row, checked to exist in the index."""

    id: str = Field(description="`<doc>#<row>`, e.g. yingkou#3")
    doc: str
    row: int
    jurisdiction: str
    title: str
    text: str
    lead: list[str]
    responsible: list[str]
    role: Literal["lead", "responsible"] | None = Field(
        default=None, description="How the row names the question's agency, if it named one.")

    @classmethod
    def from_row(cls, row: Row, role: str | None = None) -> Citation:
        return cls(id=row.id, doc=row.doc, row=row.row, jurisdiction=row.jurisdiction, title=row.title,
                   text=row.text, lead=row.lead, responsible=row.responsible, role=role)  # type: ignore[arg-type]


class Filters(BaseModel):
    """The slots the answer was filtered on, after follow-ups and explicit filters were applied."""

    jurisdictions: list[str] = Field(default_factory=list)
    institution: str | None = None
    agencies: list[str] = Field(default_factory=list, description="canonical agency ids")
    role: Literal["lead", "responsible", "any"] = "any"
    years: list[int] = Field(default_factory=list)
    topic: list[str] = Field(default_factory=list)


class Answer(BaseModel):
    """What `Assistant.ask` returns."""

    answer: str
    citations: list[Citation] = Field(default_factory=list)
    session_id: str
    abstained: bool = False
    mode: Mode = "extractive"
    intent: str
    notes: list[str] = Field(default_factory=list, description="Fallbacks and dropped citations, if any.")
    filters: Filters = Field(default_factory=Filters)
    plan: QueryPlan | None = Field(default=None, description="How the question was read: scope, conditions "
                                   "(and / or / not over agency, year, topic, category, row atoms), operation, "
                                   "fields wanted first, reference to the previous answer.")
    plan_line: str = Field(default="", description="The plan in one line, as the answer's first line shows it.")
    unresolved: list[Unresolved] = Field(default_factory=list, description="Names that matched nothing, each "
                                         "with the closest known names (`candidates`) to offer as choices.")
