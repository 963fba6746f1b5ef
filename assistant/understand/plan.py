"""The query plan: the one typed description of a question, passed from reading to execution to answering.

Conditions form a small boolean algebra (`Group` of kind and / or / not) over atoms, in the spirit of
llama-index's MetadataFilters and Chroma's `where`; a plan prints as JSON for the user and the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import BaseModel, Field

Role = Literal["lead", "responsible", "any", "unit"]
Operation = Literal["list", "count", "group_count", "fact", "search", "compare", "lineage", "about", "refuse"]
AboutField = Literal["title", "unit", "contact", "phone", "date"]
LineageAsk = Literal["parents", "children", "uncovered", "shared"]
FieldName = Literal["lead", "responsible", "due", "target", "text", "category"]
GroupBy = Literal["agency", "category", "doc", "role", "row", "year", "due", "figure"]  # row: each row by how many
# agencies it names; year: rows by the year they are due; figure: rows by the figure they state in `unit`


class AgencyAtom(BaseModel):
    """The row names this agency, in this role (lead = 牵头, responsible = 责任单位/责任部门, any, or unit: one of
    the units an institution's own measures name, 锦州师专's 教务处)."""

    kind: Literal["agency"] = "agency"
    agency: str = Field(description="canonical agency id from the registry")
    name: str = Field(description="the name as the question wrote it")
    role: Role = "any"
    first: bool = Field(default=False, description="named first in its column (排在第一位, listed first)")
    written: Literal["any", "short", "full"] = Field(
        default="any", description="写成简称: the row writes the agency by a short form of the name its list writes "
        "in full elsewhere (a fifth shorter or more); full: by its longest form in the list")


class OnlyAtom(BaseModel):
    """The row names these agencies and no other ("除教育局外无其他部门参与", "只有税务局参与"); with a role, in
    that column alone ("X单独牵头": X is the only lead)."""

    kind: Literal["only"] = "only"
    agencies: list[str]
    names: list[str]
    role: Literal["lead", "responsible", "any"] = "any"
    ignoring: list[str] = Field(default_factory=list, description="agencies left out of the comparison "
                                "(除了各县区之外只写了财政局, 各县区不算)")
    ignoring_names: list[str] = Field(default_factory=list)
    among: bool = Field(default=False, description="some of these and no other (财税部门在弄，没别的: the finance "
                        "bureau, the tax bureau or both), not all of them")


class TextAtom(BaseModel):
    """A column's text as the list writes it contains this text ("责任单位写着各县区"), or is exactly it
    (`whole`: "责任单位只写了'学校'")."""

    kind: Literal["text"] = "text"
    field: Literal["lead", "responsible", "due", "text", "measures", "actions", "targets", "units", "row"]
    text: str
    whole: bool = False
    at: Literal["any", "start", "end"] = Field(default="any", description="where in the cell: anywhere, at its "
                                               "start (starts with), at its end (ends in)")
    named: bool = Field(default=False, description="said with a verb of being (牵头单位写的是“市教育”): in an agency "
                        "column, a name the column writes somewhere is that name, not part of a longer one")


class YearAtom(BaseModel):
    """A year condition on the row's deadline years (or on any year its text names)."""

    kind: Literal["year"] = "year"
    op: Literal["in", "before", "by", "after", "from", "between"]
    year: int
    until: int | None = Field(default=None, description="the last year of a `between` range")
    field: Literal["deadline", "mentioned"] = "deadline"
    only: bool = Field(default=False, description="every year the column names holds (that year alone), not any one")

    def holds(self, year: int) -> bool:
        return {"in": year == self.year, "before": year < self.year, "by": year <= self.year,
                "after": year > self.year, "from": year >= self.year,
                "between": self.year <= year <= (self.until or self.year)}[self.op]


class TopicAtom(BaseModel):
    """The row's task text (or the institution's measures) is about these words."""

    kind: Literal["topic"] = "topic"
    terms: list[str]
    nouns: list[str] = Field(default_factory=list, description="the terms that are nouns (a topic stands on them)")
    in_category: bool = Field(default=False, description="match the rows' category as well as their text")
    names_row: bool = Field(default=False, description="X那条: the one row these words name (the best match)")


class CategoryAtom(BaseModel):
    """The row belongs to this 主要任务 / 重点领域 category."""

    kind: Literal["category"] = "category"
    name: str


class RowsAtom(BaseModel):
    """The row's number (序号) is in this range; negative numbers count from the list's end (-1 = the last)."""

    kind: Literal["rows"] = "rows"
    start: int
    end: int
    within: bool = Field(default=False, description="a position (最后一条, the first three) among the rows the other "
                         "conditions select, not a 序号")


class EmptyAtom(BaseModel):
    """The row leaves this field empty (no 牵头单位, no 责任单位, no completion time, no measures, no year named in
    its task text)."""

    kind: Literal["empty"] = "empty"
    field: Literal["lead", "responsible", "due", "measures", "year", "percent", "document", "actions", "targets", "measures_due",
                   "units"] = Field(description="a column, or what the task text names: a year, a percentage, a "
                                    "document title in 《》")


class SizeAtom(BaseModel):
    """The column names this many agencies ("牵头单位只有一个", "led by a single unit"), or the deadline this many
    years ("完成时间写了两个年份")."""

    kind: Literal["size"] = "size"
    field: Literal["lead", "responsible", "any", "units", "due"] = Field(
        default="any", description="units: the institution's own units, which its measures name; due: the "
        "distinct years of the row's deadline (the institution's completion time too)")
    count: int = 1
    at_least: bool = Field(default=False, description="this many or more (不止一个, 5个及以上)")
    ignoring: list[str] = Field(default_factory=list, description="agencies not counted (各县区不计); collective "
                                "bodies are never counted")


class FigureAtom(BaseModel):
    """The row states a quantified target (a figure in its text or targets)."""

    kind: Literal["figure"] = "figure"


class Group(BaseModel):
    """AND / OR of its items, or NOT of its one item."""

    kind: Literal["and", "or", "not"]
    items: list[Node]


Atom = AgencyAtom | OnlyAtom | TextAtom | YearAtom | TopicAtom | CategoryAtom | RowsAtom | EmptyAtom | FigureAtom \
    | SizeAtom
Node = Annotated[Group | AgencyAtom | OnlyAtom | TextAtom | YearAtom | TopicAtom | CategoryAtom | RowsAtom | EmptyAtom
                 | FigureAtom | SizeAtom, Field(discriminator="kind")]
Group.model_rebuild()


class GroupLimit(BaseModel):
    """Which groups a count by group shows: only these agencies (`among`), all but these (`excluding`), the
    first `top` by count (ties with the last one kept), or those counting `least` to `most` rows."""

    among: list[str] = Field(default_factory=list)
    excluding: list[str] = Field(default_factory=list)
    names: list[str] = Field(default_factory=list, description="the agencies as the question wrote them")
    top: int | None = Field(default=None, description="排个序，前三: the first N groups by count")
    rank: int | None = Field(default=None, description="第二多 / comes second: with a pick, the group(s) at this "
                             "place by count instead of the first (equal counts share a place)")
    each: bool = Field(default=False, description="各…分别几条，哪个最多: with a pick, each group's count is asked "
                       "too: every group's rows are the answer's evidence, the pick named first")
    least: int | None = Field(default=None, description="参与超过5条的部门: groups counting at least this many rows")
    most: int | None = Field(default=None, description="只牵头了一项的单位: groups counting at most this many rows")
    bodies: bool = Field(default=False, description="哪条牵扯的市直部门最多: single bodies only, collective names "
                         "(各市, 各乡镇) not counted")
    named_with: list[str] = Field(default_factory=list, description="带“市委”两个字的部门: only the agencies whose "
                                  "name, as the rows write it, holds each of these texts")
    as_written: bool = Field(default=False, description="按原文统计 / exactly as written: a group for each name as "
                             "the cells write it (市教育 apart from 市教育局), not for each agency")


class Scope(BaseModel):
    """Which lists the question is about: documents, places, the institution."""

    docs: list[str] = Field(default_factory=list, description="document keys; empty = every list in scope")
    places: list[str] = Field(default_factory=list, description="jurisdictions named (canonical)")
    institution: str | None = Field(default=None, description="an institution whose own measures are asked")
    missing: list[str] = Field(default_factory=list, description="places named that have no list")


class Reference(BaseModel):
    """The question is about the previous answer's rows: all of them, or the k-th (1-based)."""

    rows: list[str] = Field(default_factory=list, description="the previous answer's row ids, in its order")
    position: int | None = Field(default=None, description="1-based position in `rows`; None = all of them")


class Unresolved(BaseModel):
    """A name the question uses that matches nothing in the registries or the index."""

    surface: str
    kind: Literal["agency", "place", "term"] = "agency"
    candidates: list[str] = Field(default_factory=list, description="the closest known names, best first")
    questions: list[str] = Field(default_factory=list,
                                 description="the question asked again with each candidate instead of the name")

    def with_questions(self, question: str, folded: str) -> Unresolved:
        """This name with the question re-asked for each candidate (its short name, e.g. 人社局)."""
        text = question if self.surface in question else folded
        return self.model_copy(update={"questions": [text.replace(self.surface, c.split("（")[0])
                                                     for c in self.candidates]})


class ReadAs(BaseModel):
    """A word read as another: a name typed with other characters of the same pinyin (营扣 as 营口), a word
    naming a group of agencies (财税部门 as 财政局、税务局), or agencies joined by 和 read as both (not either)."""

    typed: str
    name: str
    why: Literal["pinyin", "group", "group_all", "both"] = "pinyin"


class QueryPlan(BaseModel):
    """What was asked, as data: scope, conditions, operation, fields wanted first, references, unresolved names."""

    question: str
    lang: Literal["zh", "en"] = "zh"
    operation: Operation = "list"
    scope: Scope = Field(default_factory=Scope)
    where: Node | None = None
    rank: TopicAtom | None = Field(default=None, description="words that rank rows for a fact, search or compare")
    quoted: list[str] = Field(default_factory=list, description="quoted phrases, which rank first")
    unit: str | None = Field(default=None, description="the measure a figure question asks in (多少人: 人, 多长时间: "
                             "a time); a row whose figure carries it answers first")
    group_by: GroupBy | None = None
    count_unit: Literal["rows", "category", "names"] = "rows"
    about: list[AboutField] = Field(default_factory=list, description="an `about` question: what the lines above "
                                    "a list's table say of it (title, the unit that filled it in, contact, phone)")
    pick: Literal["max", "min"] | None = Field(default=None, description="a group count's answer: the group(s) "
                                               "with the most (or fewest) rows, ties named together")
    groups: GroupLimit | None = Field(default=None, description="a group count by agency over some agencies only "
                                      "(市委编办和发改委哪个多), or leaving some out (除了教育局哪个部门最多)")
    fields: list[FieldName] = Field(default_factory=list)
    reference: Reference | None = None
    followup: Literal["new", "replace", "narrow", "refer"] = "new"
    lineage: LineageAsk | None = Field(default=None, description="a lineage question: the parent rows a local row "
                                       "carries out, the local rows carrying out a parent row, the parent rows a "
                                       "local list leaves out, or those every named local list carries out")
    unresolved: list[Unresolved] = Field(default_factory=list)
    refuse_reason: Literal["out_of_scope", "no_list", "chitchat", "outcome"] | None = None
    read_as: list[ReadAs] = Field(default_factory=list, description="names read despite a same-pinyin typo")
    unread: list[str] = Field(default_factory=list, description="words of the question that the plan does not "
                              "use: content words nothing read, and construct words (最多, 前五条, 写的是) whose "
                              "construct the plan does not hold. Empty when every word was read.")

    @property
    def understood(self) -> bool:
        return not self.unread

    def atoms(self) -> list[Atom]:
        return list(iter_atoms(self.where))

    def agencies(self, negated: bool = False) -> list[AgencyAtom]:
        """Agency atoms, outside (default) or inside a NOT."""
        return [a for a, neg in iter_atoms_signed(self.where) if isinstance(a, AgencyAtom) and neg == negated]


def iter_atoms(node: Node | None):  # type: ignore[no-untyped-def]
    for atom, _ in iter_atoms_signed(node):
        yield atom


def iter_atoms_signed(node: Node | None, negated: bool = False):  # type: ignore[no-untyped-def]
    """Every atom of a condition tree, with whether an odd number of NOTs stands above it."""
    if node is None:
        return
    if isinstance(node, Group):
        for item in node.items:
            yield from iter_atoms_signed(item, negated ^ (node.kind == "not"))
    else:
        yield node, negated


def picked_total(totals: Iterable[int], pick: str | None, rank: int | None = None) -> int | None:
    """The count a pick answers with: the largest (or, for "min", the smallest), or the `rank`-th of the distinct
    counts that way (第二多: the second largest; equal counts share a place). None when there are fewer."""
    distinct = sorted(set(totals), reverse=pick != "min")
    place = rank or 1
    return distinct[place - 1] if len(distinct) >= place else None


def all_of(items: list[Node]) -> Node | None:
    """AND of the items, flattened; None for no item, the item itself for one."""
    flat: list[Node] = []
    for item in items:
        if isinstance(item, Group) and item.kind == "and":
            flat.extend(item.items)
        elif item is not None:
            flat.append(item)
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else Group(kind="and", items=flat)


def not_of(item: Node) -> Node:
    if isinstance(item, Group) and item.kind == "not":
        return item.items[0]
    return Group(kind="not", items=[item])


def mapped(node: Node | None, change) -> Node | None:  # type: ignore[no-untyped-def]
    """The tree with every atom replaced by `change(atom)` (a node: an atom, itself, or a group)."""
    if isinstance(node, Group):
        return node.model_copy(update={"items": [mapped(i, change) for i in node.items]})
    return None if node is None else change(node)


def without(node: Node | None, drop) -> Node | None:  # type: ignore[no-untyped-def]
    """The tree with every atom for which `drop(atom)` holds removed (empty groups vanish)."""
    if node is None:
        return None
    if isinstance(node, Group):
        items = [kept for item in node.items if (kept := without(item, drop)) is not None]
        if not items:
            return None
        if node.kind == "not":
            return Group(kind="not", items=items)
        return items[0] if len(items) == 1 else Group(kind=node.kind, items=items)
    return None if drop(node) else node
