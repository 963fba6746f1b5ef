"""Positions read from the tags: rows by their place in a list (前五条, 最后三项, 倒数第二项, the row after
row 30), counted within a category or the rows a condition selects when said after it."""

from __future__ import annotations

import re

from assistant.understand.lexicon import (
    Tag,
)
from assistant.understand.numbers import EN_ORDINAL, cn_number
from assistant.understand.plan import (
    CategoryAtom,
    Group,
    Node,
    QueryPlan,
    RowsAtom,
    all_of,
    without,
)


def position_atom(tag: Tag) -> RowsAtom | None:
    """The rows a position tag names, in list order; negative numbers count from the end (-1 = the last)."""
    where, _, number = tag.value.partition(":")
    n = cn_number(number) if number else 1
    if n < 1:
        return None
    if where in ("first", "first_one"):
        return RowsAtom(start=1, end=n, within=True)
    if where in ("last", "last_one"):
        return RowsAtom(start=-n, end=-1, within=True)
    if where == "from_end":
        return RowsAtom(start=-n, end=-n, within=True)
    if where in _BESIDE:  # beside a numbered row of the list (never counted within other conditions)
        start, end = _BESIDE[where](n)
        return RowsAtom(start=start, end=end) if start >= 1 and (end < 0 or end >= start) else None
    return None


_BESIDE = {"after": lambda n: (n + 1, -1), "onward": lambda n: (n, -1), "before": lambda n: (1, n - 1), "next": lambda n: (n + 1, n + 1),
           "previous": lambda n: (n - 1, n - 1)}


_SELECTORS = ("agency", "agency_group", "category", "field", "negation", "only", "literal", "has", "blank", "single")


def _scoped(atom: RowsAtom, position: Tag, tags: list[Tag]) -> RowsAtom:
    """A position said after a condition counts among the rows it selects (这一类的最后一条); said before it, the
    position is the list's own (前10项里没有X的), unless a word of belonging ties it to the category named next (the
    first task under X)."""
    if position.value.partition(":")[0] in _BESIDE:
        return atom
    after = any((t.kind in _SELECTORS or t.kind == "group" and t.value == "category") and t.start < position.start
                for t in tags)  # 深化产教融合那一部分的最后一条: the category named by its part, then 部分
    return atom if after or _under_category(position, tags) else atom.model_copy(update={"within": False})


_UNDER = ("under", "within")  # the first task under X: X a category


def _under_category(position: Tag, tags: list[Tag]) -> bool:
    later = [t for t in tags if t.start >= position.end and t.kind not in ("function",)]
    return len(later) >= 2 and later[0].text in _UNDER and later[1].kind == "category"


def with_positions(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """The plan with the rows its position words name, when it selects no rows yet. Positions count within each
    list in scope; a plan that refers to the previous answer's rows keeps that reference instead."""
    if plan.reference or plan.operation == "refuse" and plan.scope.missing:  # 青岛的清单前三条: no list to count in
        return plan
    if plan.operation == "group_count" and plan.group_by not in ("row", "due"):
        return plan  # 各部门次数排名前三: the first groups (with_top), not rows
    plan = _within_category(plan, tags)
    positions = [(t, _in_cell(tags, k)) for k, t in enumerate(tags) if t.kind == "position"]
    if any(in_cell for _, in_cell in positions):  # 责任部门最后一项: not a row counted from the end
        plan = plan.model_copy(update={"where": without(plan.where, lambda a: isinstance(a, RowsAtom) and a.start < 0)})
    said = [t for t, in_cell in positions if not in_cell]
    atoms: list[Node] = [_scoped(a, t, tags) for t in said if (a := position_atom(t)) is not None]
    inside = {(a.start, a.end) for a in plan.atoms() if isinstance(a, RowsAtom) and a.within}  # said after a category
    atoms = [a.model_copy(update={"within": True}) if isinstance(a, RowsAtom) and (a.start, a.end) in inside else a
             for a in atoms]
    counted = [t for t in said if ":" in t.value]
    beside = any(t.value.partition(":")[0] in _BESIDE for t in said)  # 第30条以后: replaces the row 第30条 names
    read = {(a.start, a.end, a.within) for a in plan.atoms() if isinstance(a, RowsAtom)}
    tied = any(isinstance(a, RowsAtom) and a.within and (a.start, a.end, False) in read for a in atoms)
    if not atoms or read and (not counted and not beside and not tied or all(
            (a.start, a.end, a.within) in read for a in atoms if isinstance(a, RowsAtom))):
        return plan  # the rules read the rows already (第N项, the last one), unless a count says how many
    numbered = any(t.kind == "number" and not any(p.start <= t.start < p.end for p, _ in positions) for t in tags)
    kept = [a for a in plan.atoms() if isinstance(a, RowsAtom) and a.start == a.end and numbered and not any(
        isinstance(b, RowsAtom) and b.start <= a.start <= b.end for b in atoms)]  # 第一条跟最后一条: a row numbered
    # beside a position; "the last" inside "the last three", or "4th task" inside "the 4th task from the end": no row
    plan = plan.model_copy(update={"where": without(plan.where, lambda a: isinstance(a, RowsAtom))})
    operation = plan.operation if plan.operation in ("list", "count") else "list"
    rows: list[Node] = atoms if beside else [*kept, *atoms]  # 第30条以后: the rows after it, not it
    if len(rows) > 1 and all(isinstance(a, RowsAtom) and a.start == a.end for a in rows):
        rows = [Group(kind="or", items=rows)]  # 头一条和最后一条: each row named, not a row that is both
    return plan.model_copy(update={"where": all_of([n for n in (plan.where, *rows) if n is not None]),
                                   "operation": operation, "rank": None})


def _in_cell(tags: list[Tag], k: int) -> bool:
    """责任部门最后一项 / 牵头单位的第一个: a position said right after a column is a place in that cell (its last
    name), not a row of the list. Only a column of names has a place in it: 举措里的最后一条 is a row."""
    before = next((t for t in reversed(tags[:k]) if t.kind != "adverb" and t.text != "的"), None)
    return before is not None and before.kind == "field" and before.value in ("lead", "responsible", "units") \
        and tags[k].start - before.end <= 3


_ORDINALS = {w for w, n in EN_ORDINAL.items() if n > 1} | {"2nd", "3rd", "4th"}  # the second task under X


_QUOTE_MARKS = re.compile(r"[“”‘’\"'「」『』]")


def _within_category(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """“…”这一部分的第一条 / “…”下的第一条 / the 3rd task under the X category: a row number said after a category
    (its name, or 板块, 部分), or before it with a word of belonging, counts within that category's rows."""
    section = next((t for t in tags if t.kind == "group" and t.value == "category"), None)
    number = next((t for t in tags if t.kind == "number" and t.text.startswith("第") or t.kind == "position"
                   or t.text in _ORDINALS), None)
    rows = [a for a in plan.atoms() if isinstance(a, RowsAtom)]
    category = next((a for a in plan.atoms() if isinstance(a, CategoryAtom)), None)
    if category is None or number is None or len(rows) != 1 or rows[0].within:
        return plan
    named = _QUOTE_MARKS.sub("", plan.question).find(_QUOTE_MARKS.sub("", category.name).rstrip("。.；; ")[:4])
    said = section.start if section is not None else named if named >= 0 else None
    under = said is not None and any(t.text in _UNDER and number.end <= t.start < said for t in tags)  # the 3rd
    if said is None or number.start < said and not under:  # task under the X category: counted within X
        return plan
    within = rows[0].model_copy(update={"within": True})
    return plan.model_copy(update={"where": all_of([n for n in (
        without(plan.where, lambda a: isinstance(a, RowsAtom)), within) if n is not None])})
