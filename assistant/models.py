"""Typed answers and citations: the one contract for Python, the CLI and HTTP."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from assistant.understand.plan import QueryPlan, Unresolved
from ingest.rows import Measures, Row

Mode = Literal["extractive", "llm"]


class Citation(BaseModel):
    """One cited row, checked to exist in the index."""

    id: str = Field(description="`<doc>#<row>`, e.g. yingkou#3")
    doc: str
    row: int
    jurisdiction: str
    list_label: str = Field(default="", description="How the answer names the list: its place (营口市), or, when "
                            "several lists share the place, the place and its title's own words (营口市·双高建设) "
                            "or its key")
    title: str
    text: str
    lead: list[str]
    responsible: list[str]
    due: str | None = Field(default=None, description="the row's 完成时间, as the list writes it")
    measures: Measures | None = Field(default=None, description="the institution's own measures for the row: "
                                      "具体举措, 完成目标, 责任单位（部门）, 完成时间")
    role: Literal["lead", "responsible"] | None = Field(
        default=None, description="How the row names the question's agency, if it named one.")

    @model_validator(mode="after")
    def _label(self) -> Citation:
        self.list_label = self.list_label or self.jurisdiction
        return self

    @classmethod
    def from_row(cls, row: Row, role: str | None = None, list_label: str = "") -> Citation:
        return cls(id=row.id, doc=row.doc, row=row.row, jurisdiction=row.jurisdiction, list_label=list_label,
                   title=row.title, text=row.text, lead=row.lead, responsible=row.responsible, due=row.due,
                   measures=row.measures, role=role)  # type: ignore[arg-type]


class Filters(BaseModel):
    """The slots the answer was filtered on, after follow-ups and explicit filters were applied."""

    jurisdictions: list[str] = Field(default_factory=list)
    institution: str | None = None
    agencies: list[str] = Field(default_factory=list, description="canonical agency ids")
    role: Literal["lead", "responsible", "any", "unit"] = "any"
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
    understood: bool = Field(default=True, description="False when some words of the question were not read "
                             "(`unread`), or when its conditions, each met by some row alone, meet no row together "
                             "(a likely misreading): the answer then says so in its first line.")
    unread: list[str] = Field(default_factory=list, description="Words of the question the plan did not use: "
                              "content words nothing read, and construct words (最多, 前五条, 写的是) whose construct "
                              "the plan does not hold.")
    follow_ups: list[str] = Field(default_factory=list, description="Questions worth asking next, e.g. the other "
                                  "role when the agency has no task in the role asked.")
    unused_filters: list[Literal["jurisdiction", "agency"]] = Field(
        default_factory=list, description="The explicit filters the question overrode (it named a place or "
        "agency of its own): the answer did not use them.")
    unresolved: list[Unresolved] = Field(default_factory=list, description="Names that matched nothing, each "
                                         "with the closest known names (`candidates`) to offer as choices.")

    def used_filters(self, place: str | None, agency: str | None) -> tuple[str | None, str | None]:
        """The chosen place and agency filters that this answer used (None for one the question overrode)."""
        return (None if "jurisdiction" in self.unused_filters else place,
                None if "agency" in self.unused_filters else agency)
