"""Typed rows and documents: what the parser produces and the index stores."""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel, Field

from ingest.messages import Message

PUBLIC_ROW_KEYS = (
    "id", "doc", "row", "jurisdiction", "title", "category", "text", "lead", "responsible", "due", "measures",
)


GROUP_HEADERS = "表头分组"  # the document fact holding the group headers above its columns, joined by ｜

class Measures(BaseModel):
    """An institution's own measures for a row (liaoning: 锦州师专's columns)."""

    actions: str = ""
    targets: str = ""
    units: list[str] = Field(default_factory=list)
    due: str = ""

    def is_empty(self) -> bool:
        return not (self.actions or self.targets or self.units or self.due)


class Row(BaseModel):
    """One numbered task of one list, with the agencies that lead it or share it."""

    doc: str
    row: int
    jurisdiction: str
    title: str
    category: str = ""
    text: str
    lead: list[str] = Field(default_factory=list)
    responsible: list[str] = Field(default_factory=list)
    lead_ids: list[str] = Field(default_factory=list, description="canonical agency ids of `lead`")
    responsible_ids: list[str] = Field(default_factory=list, description="canonical ids of `responsible`")
    due: str | None = None
    due_from_text: bool = Field(default=False, description="no column states `due`: it was read from the task's "
                                "text (到2022年)")
    years: list[int] = Field(default_factory=list)
    deadline_years: list[int] = Field(default_factory=list)
    measures: Measures | None = None
    has_lead_column: bool = True
    has_due_column: bool = Field(default=False, description="the list has a completion time column (its own or the "
                                 "institution's): whether the completion time is filled is that column's, not a "
                                 "year the task's text names")
    written: dict[str, str] = Field(default_factory=dict, description="the agency columns (lead, responsible) as "
                                    "the cell writes them, 等 and all: what a question about a cell's words reads")

    @property
    def id(self) -> str:
        return f"{self.doc}#{self.row}"

    @property
    def agency_ids(self) -> list[str]:
        return list(dict.fromkeys(self.lead_ids + self.responsible_ids))

    def public(self) -> dict:
        """The row as `rows --json` and GET /rows show it."""
        data = self.model_dump()
        data["id"] = self.id
        return {key: data[key] for key in PUBLIC_ROW_KEYS}

    def content_hash(self) -> str:
        payload = json.dumps(self.model_dump(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()


class Source(BaseModel):
    """The file a list was read from: its name, format (judged by content), sha256 and when it was ingested."""

    file: str
    format: str = Field(description="txt, docx, xlsx, pdf, doc, wps, xls or et")
    sha256: str
    ingested_at: str | None = Field(default=None, description="ISO 8601 UTC time of the ingest that read it")


class Column(BaseModel):
    """How one header of the table was read: the header's words and the row field they fill (None: ignored)."""

    header: str
    field: str | None


class Document(BaseModel):
    """One task list: its key (the file stem), title, jurisdiction and rows."""

    key: str
    title: str
    jurisdiction: str
    measures_owner: str | None = None
    facts: dict[str, str] = Field(default_factory=dict, description="what the lines above the table say of the "
                                  "list: 联系人, 联系电话, 填报日期 …")
    rows: list[Row]
    places: list[str] = Field(default_factory=list, description="the places its title and the lines above the table "
                              "name, in order: the choices an upload's preview offers")
    source: Source | None = None
    columns: list[Column] = Field(default_factory=list, description="the header mapping, for the ingest preview")
    warnings: list[Message] = Field(default_factory=list, description="skipped rows, rows naming no agency, …: "
                                    "each a code of the message catalogue with its Chinese and English text")
