"""Constructs the rule parser does not read, added to its plan: rows by position (前五条, 最后三项), the largest or
smallest group of a count (哪个部门牵头最多), and the grammar's fragments (negation, only, a column's literal text,
a field filled or empty) where the plan lacks them."""

from __future__ import annotations

from assistant.understand.grammar import Fragment
from assistant.understand.lexicon import Tag
from assistant.understand.numbers import cn_number
from assistant.understand.plan import (
    AgencyAtom,
    EmptyAtom,
    Group,
    Node,
    OnlyAtom,
    QueryPlan,
    Reference,
    RowsAtom,
    TextAtom,
    all_of,
    iter_atoms_signed,
    not_of,
    without,
)

_FIELDS = ("lead", "responsible", "due", "text", "measures")
_EMPTY_FIELDS = ("lead", "responsible", "due", "measures", "year")
_ASKED_FIELDS = ("lead", "responsible", "due", "text")  # the fields an answer can put first


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
    if plan.reference:
        return plan
    atoms: list[Node] = [a for t in tags if t.kind == "position" and (a := position_atom(t)) is not None]
    counted = [t for t in tags if t.kind == "position" and ":" in t.value]
    if not atoms or any(isinstance(a, RowsAtom) for a in plan.atoms()) and not counted:
        return plan  # the rules read the row already (第N项, the last one), unless a count says how many
    plan = plan.model_copy(update={"where": without(plan.where, lambda a: isinstance(a, RowsAtom))})
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
    named = [t.value for t in tags if t.kind == "group" and t.start < extreme.start]  # 清单里哪个部门…最多
    group_by = named[-1] if named else plan.group_by or "agency"
    leads = "lead" in plan.fields or any("牵头" in t.text or t.text in ("lead", "leads", "led") for t in tags)
    fields = ["lead"] if group_by == "agency" and leads else []
    operation_ok = plan.operation in ("list", "count", "group_count", "refuse", "search")
    if not operation_ok:
        return plan
    return plan.model_copy(update={"operation": "group_count", "group_by": group_by, "pick": pick,
                                   "fields": fields, "rank": None, "refuse_reason": None})


def with_fragments(plan: QueryPlan, fragments: list[Fragment]) -> QueryPlan:
    """The plan with each construct the grammar read that it does not hold yet. A negated or only-these agency
    replaces the plain condition the rules made of it; a literal text replaces the topic made of its words."""
    where = plan.where
    negations = any(f.kind == "neg" for f in fragments)
    for fragment in fragments:
        where = _with_fragment(where, fragment, negations)
    if where == plan.where:
        return plan
    conditions = any(f.kind != "role" for f in fragments)  # a role read again asks nothing new of the rows
    operation = "list" if plan.operation == "refuse" or conditions and plan.operation == "search" \
        else plan.operation
    rank = plan.rank if operation in ("fact", "search", "compare") else None
    return plan.model_copy(update={"where": where, "operation": operation, "rank": rank,
                                   "refuse_reason": None if operation != "refuse" else plan.refuse_reason})


def _with_fragment(where: Node | None, f: Fragment, negations: bool = False) -> Node | None:
    """`negations`: the grammar read the question's negators, so an agency outside them is not negated."""
    signed = list(iter_atoms_signed(where))
    if f.kind == "role":  # the role word right after the agencies is theirs, whatever else the question says
        if f.either and len(f.agencies) > 1:  # A或B牵头: any of them, in that role
            kept = without(where, lambda a: isinstance(a, AgencyAtom) and a.agency in f.agencies)
            anyone = Group(kind="or", items=[AgencyAtom(agency=a, name=n, role=f.role)  # type: ignore[arg-type]
                                             for a, n in zip(f.agencies, f.names, strict=True)])
            return all_of([n for n in (kept, anyone) if n is not None])
        if negations and any(neg and isinstance(a, AgencyAtom) and a.agency in f.agencies for a, neg in signed):
            kept = without(where, lambda a: isinstance(a, AgencyAtom) and a.agency in f.agencies)  # not negated
            named: list[Node] = [AgencyAtom(agency=a, name=n, role=f.role) for a, n in  # type: ignore[arg-type]
                                 zip(f.agencies, f.names, strict=True)]
            return all_of([n for n in (kept, *named) if n is not None])
        return _with_role(where, set(f.agencies), f.role)
    if f.kind == "neg" and f.agencies:  # the grammar knows the negator's scope and role: its atom wins
        kept = without(where, lambda a: isinstance(a, AgencyAtom) and a.agency in f.agencies)
        atoms: list[Node] = [AgencyAtom(agency=a, name=n, role=f.role) for a, n in  # type: ignore[arg-type]
                             zip(f.agencies, f.names, strict=True)]
        negated = not_of(atoms[0] if len(atoms) == 1 else Group(kind="or", items=atoms))
        return all_of([n for n in (kept, negated) if n is not None])
    if f.kind == "only" and f.agencies:  # the grammar knows which agencies "only" covers: its atom wins
        kept = without(where, lambda a: isinstance(a, OnlyAtom)
                       or isinstance(a, AgencyAtom) and a.agency in f.agencies)
        only = OnlyAtom(agencies=list(f.agencies), names=list(f.names), role=f.role)  # type: ignore[arg-type]
        return all_of([n for n in (kept, only) if n is not None])
    if f.kind in ("literal_has", "literal_not") and f.field in _FIELDS and f.text:
        if any(isinstance(a, TextAtom) for a, _ in signed):
            return where
        kept = without(where, lambda a: isinstance(a, AgencyAtom) and a.name == f.text
                       or a.kind == "topic" and all(t in f.text for t in a.terms))
        atom = TextAtom(field=f.field, text=f.text, whole=f.role == "whole")  # type: ignore[arg-type]
        return all_of([n for n in (kept, atom if f.kind == "literal_has" else not_of(atom)) if n is not None])
    if f.kind in ("empty", "filled") and f.field in _EMPTY_FIELDS:
        if any(isinstance(a, EmptyAtom) and a.field == f.field for a, _ in signed):
            return where
        empty = EmptyAtom(field=f.field)  # type: ignore[arg-type]
        return all_of([n for n in (where, empty if f.kind == "empty" else not_of(empty)) if n is not None])
    return where


def _with_role(node: Node | None, agencies: set[str], role: str) -> Node | None:
    if isinstance(node, AgencyAtom) and node.agency in agencies and node.role != "unit":
        return node.model_copy(update={"role": role})
    if isinstance(node, Group) and node.kind != "not":
        return node.model_copy(update={"items": [_with_role(i, agencies, role) for i in node.items]})
    return node


def with_count(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """A list question asked with a count word (一共有几项, how many … tasks) is a count of the same rows."""
    if plan.operation == "list" and plan.reference is None and any(t.kind == "count" for t in tags):
        return plan.model_copy(update={"operation": "count"})
    return plan


def with_reference(plan: QueryPlan, previous: QueryPlan | None, rows: list[str], tags: list[Tag]) -> QueryPlan:
    """这两项 / 这一项 / 它 / 这些 tie the question to the previous answer's rows when the number fits: all of them,
    the one, or exactly as many as named. A number that does not fit (这两项 after 27 rows) ties nothing, and the
    word stays unread. 其中第二项: the second of the previous rows."""
    if previous is None or not rows:
        return plan
    fields = list(dict.fromkeys(t.value for t in tags if t.kind == "field" and t.value in _ASKED_FIELDS))
    if plan.reference is not None:
        return _position_within(plan, fields)
    named = [t for t in tags if t.kind == "reference"]
    if not named:
        return plan
    kind, _, number = named[0].value.partition(":")
    wanted = cn_number(number) if number else (1 if kind == "single" else len(rows))
    if wanted != len(rows):
        return plan
    operation = plan.operation if plan.operation in ("count", "group_count") else "list"
    return plan.model_copy(update={
        "operation": operation, "scope": previous.scope, "followup": "refer", "rank": None,
        "reference": Reference(rows=rows), "where": without(plan.where, lambda a: a.kind == "topic"),
        "fields": plan.fields or fields or ["text"], "refuse_reason": None, "unresolved": []})


def _position_within(plan: QueryPlan, fields: list[str]) -> QueryPlan:
    """其中第二项 within the previous rows is the second of them, not row 2 of the list."""
    assert plan.reference is not None
    refs = [a for a in plan.atoms() if isinstance(a, RowsAtom)]
    if plan.followup != "narrow" or len(refs) != 1 or refs[0].start != refs[0].end \
            or not 1 <= abs(refs[0].start) <= len(plan.reference.rows):
        return plan
    k = refs[0].start
    position = k if k > 0 else len(plan.reference.rows) + k + 1
    return plan.model_copy(update={"where": without(plan.where, lambda a: isinstance(a, RowsAtom)),
                                   "reference": plan.reference.model_copy(update={"position": position}),
                                   "fields": plan.fields or fields or ["text"]})


def with_about(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """联系人是谁 / 清单的标题 / which unit filled it in: a question about a list itself, when it asks of no rows."""
    asked = list(dict.fromkeys(t.value for t in tags if t.kind == "about"))
    if not asked or plan.reference is not None or any(a.kind in ("agency", "only", "text", "rows", "topic")
                                                       for a in plan.atoms()):
        return plan
    read = " ".join(t.text for t in tags if t.kind == "about")  # English words the rules could not place
    unresolved = [u for u in plan.unresolved if u.kind != "term" or not all(w in read for w in u.surface.split())]
    return plan.model_copy(update={"operation": "about", "about": asked, "rank": None, "fields": [],
                                   "refuse_reason": None, "group_by": None, "pick": None, "unresolved": unresolved})


def with_lineage_of_rows(plan: QueryPlan, previous: QueryPlan | None, rows: list[str], tags: list[Tag]) -> QueryPlan:
    """营口清单里落实这些任务的是哪几项 after provincial rows: the local rows carrying out each of them (落实 before
    the reference: children); 这些任务落实的是省里哪项 after local rows: the provincial rows each carries out."""
    carry = next((t for t in tags if t.kind == "carry"), None)
    ref = next((t for t in tags if t.kind == "reference"), None)
    if previous is None or not rows or carry is None or ref is None:
        return plan
    kind, _, number = ref.value.partition(":")
    if number and cn_number(number) != len(rows) or kind == "single" and len(rows) != 1:
        return plan
    return plan.model_copy(update={
        "operation": "lineage", "lineage": "children" if carry.start < ref.start else "parents",
        "reference": Reference(rows=rows), "followup": "refer", "where": None, "rank": None, "fields": [],
        "refuse_reason": None, "unresolved": []})


def with_constructs(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """Every construct read from the tags alone: positions, the most / the fewest, counts, a list's own facts."""
    return with_about(with_count(with_extreme(with_positions(plan, tags), tags), tags), tags)


def with_previous_rows(plan: QueryPlan, previous: QueryPlan | None, rows: list[str], tags: list[Tag]) -> QueryPlan:
    """The constructs that tie a question to the previous answer's rows: their lineage, or the rows themselves."""
    return with_reference(with_lineage_of_rows(plan, previous, rows, tags), previous, rows, tags)
