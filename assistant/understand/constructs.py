"""Constructs read from the lexicon's tags where the rule parser has none: rows by position (前五条, 最后三项) and
the largest or smallest group of a count (哪个部门牵头最多, 哪一类任务最少)."""

from __future__ import annotations

from assistant.understand.lexicon import Tag
from assistant.understand.numbers import cn_number
from assistant.understand.plan import Node, QueryPlan, RowsAtom, all_of


def position_atom(tag: Tag) -> RowsAtom | None:
    """The rows a position tag names, in list order; negative numbers count from the end (-1 = the last)."""
    where, _, number = tag.value.partition(":")
    n = cn_number(number) if number else 1
    if n < 1:
        return None
    if where in ("first", "first_one"):
        return RowsAtom(start=1, end=n)
    if where in ("last", "last_one"):
        return RowsAtom(start=-n, end=-1)
    if where == "from_end":
        return RowsAtom(start=-n, end=-n)
    return None


def with_positions(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """The plan with the rows its position words name, when it selects no rows yet. Positions count within each
    list in scope; a plan that refers to the previous answer's rows keeps that reference instead."""
    if plan.reference or any(isinstance(a, RowsAtom) for a in plan.atoms()):
        return plan
    atoms: list[Node] = [a for t in tags if t.kind == "position" and (a := position_atom(t)) is not None]
    if not atoms:
        return plan
    operation = plan.operation if plan.operation in ("list", "count") else "list"
    return plan.model_copy(update={"where": all_of([n for n in (plan.where, *atoms) if n is not None]),
                                   "operation": operation, "rank": None})


def with_extreme(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """A count by group whose answer is the top (or bottom) group, when the question asks for the most or fewest
    of something countable: grouped by what it names (部门, 类, 清单), agencies by default; 牵头 counts leads."""
    extreme = next((t for t in tags if t.kind == "extreme"), None)
    if extreme is None or plan.lineage or plan.operation == "fact" and plan.rank and plan.rank.terms:
        return plan
    pick = "min" if extreme.value in ("min", "fewest", "least", "smallest", "lowest") else "max"
    named = [t.value for t in tags if t.kind == "group"]
    group_by = plan.group_by or (named[0] if named else "agency")
    leads = "lead" in plan.fields or any("牵头" in t.text or t.text in ("lead", "leads", "led") for t in tags)
    fields = ["lead"] if group_by == "agency" and leads else []
    operation_ok = plan.operation in ("list", "count", "group_count", "refuse", "search")
    if not operation_ok:
        return plan
    return plan.model_copy(update={"operation": "group_count", "group_by": group_by, "pick": pick,
                                   "fields": fields, "rank": None, "refuse_reason": None})
