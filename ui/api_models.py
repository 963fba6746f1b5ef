"""Request and response models of the HTTP API; `/ask` answers with assistant.models.Answer itself."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from assistant.settings import FILTER_MAX_CHARS, QUESTION_MAX_CHARS
from ingest.formats import LIST_SUFFIXES
from ingest.rows import Measures, Source

Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=QUESTION_MAX_CHARS)]
Filter = Annotated[str, StringConstraints(strip_whitespace=True, max_length=FILTER_MAX_CHARS)]


class AskRequest(BaseModel):
    """One question; the same session_id continues a conversation (follow-ups such as 那瓦房店呢？)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"question": "营口市人社局要做哪些工作？"},
                     {"question": "那瓦房店呢？", "session_id": "<session_id of the previous answer>"}],
    })

    question: Question = Field(description="1 to 2,000 characters after trimming.")
    session_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
                                   description="From a previous answer; omit to start a conversation.")
    jurisdiction: Filter | None = Field(default=None, description="Filter: place or institution, any alias. A place "
                                        "the question names wins (the answer says so); one the index holds no "
                                        "list of is a 422 listing those it holds.")
    agency: Filter | None = Field(default=None, description="Filter: agency, any alias (人社局, 发改委). An agency "
                                  "the question names wins; one no list names is a 422.")


class Health(BaseModel):
    status: Literal["ok", "empty"] = Field(description="`empty` while the index holds no rows.")
    documents: int
    rows: int
    vectors_waiting: int = Field(0, description="Rows answerable by the structured plan and BM25 whose vectors "
                                 "the background worker has not computed yet (dense ranking waits for them).")
    embedding_model: str
    mode: Literal["extractive", "llm"] = Field(description="How answers are written.")


class DocumentSummary(BaseModel):
    doc: str = Field(description="Document key (the list file's stem), e.g. yingkou.")
    title: str
    jurisdiction: str
    rows: int
    source: Source | None = Field(description="The file the list was read from: name, format, sha256 and when "
                                  "that version was first ingested; null for a build made before sources were "
                                  "recorded (a re-ingest fills it in).")


class UploadForm(BaseModel):
    """The body of POST /documents, as multipart/form-data."""

    file: bytes = Field(description=f"One list file ({' '.join(LIST_SUFFIXES)}). Its name without the suffix, "
                                    "keeping letters (Chinese too), digits, - and _, becomes the document key.")
    place: str | None = Field(default=None, max_length=100, description="The list's place, any name of a place of "
                              "China (盖州, 营口盖州, 盖州市): needed when the title names none, and wins over the "
                              "title. Kept with the file, so every rebuild reads the list so.")


class RowPublic(BaseModel):
    """One row as `policy-assistant rows --json` prints it."""

    id: str = Field(description="`<doc>#<row>`, e.g. yingkou#3")
    doc: str
    row: int
    jurisdiction: str
    title: str
    category: str
    text: str
    lead: list[str]
    responsible: list[str]
    due: str | None
    measures: Measures | None


class FieldError(BaseModel):
    field: str = Field(description="Where the problem is, e.g. `question` or `query.role`.")
    message: str
    known: list[str] = Field(default_factory=list, description="For a filter naming nothing the index holds: "
                             "the names it does hold (or the closest ones).")
    code: str | None = Field(default=None, description="For a file that cannot be read as a list: the message "
                             "catalogue's code (no_table, image_not_list, unknown_place, …; `unreadable` for others).")
    message_zh: str | None = Field(default=None, description="The same message in Chinese, as the chat shows it.")


class ErrorBody(BaseModel):
    """Every error response: a readable `detail`, and per-field problems for invalid input."""

    detail: str
    errors: list[FieldError] = Field(default_factory=list)

