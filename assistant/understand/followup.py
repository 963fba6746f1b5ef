"""Follow-ups operate on plans: replace a slot of the previous plan, narrow within its rows, or refer to them."""

from __future__ import annotations

import re

from assistant.understand.cues import Cues
from assistant.understand.plan import (
    AgencyAtom,
    EmptyAtom,
    GroupLimit,
    Node,
    QueryPlan,
    Reference,
    RowsAtom,
    TextAtom,
    YearAtom,
    all_of,
    iter_atoms,
    iter_atoms_signed,
    without,
)

_CLAUSE = re.compile(r"[，,；;—–]| - ")  # What about Yingkou — which tasks …: a dash ends the switch too


def merge(plan: QueryPlan, previous: QueryPlan | None, previous_rows: list[str], folded: str,
          cues: Cues, names_rows: bool = False) -> QueryPlan:
    """The plan of a question read in the context of the previous turn (its plan and its answer's rows).
    `names_rows`: the question names the previous rows (这三条, those two; previous.py ties them), so nothing of the
    previous plan is carried over to it."""
    if previous is None or previous.operation == "refuse" or plan.unresolved:
        return plan
    if plan.scope.missing and not plan.scope.places:  # 那上海呢？: a place with no list is not a follow-up
        return plan
    if cues.has("places.every_list", folded) and not cues.has("reference.narrow", folded) \
            and not cues.has("reference.all", folded):  # 所有清单一共多少项: every list, whatever came before
        return plan
    own_scope = bool(plan.scope.places or plan.scope.institution or plan.scope.missing)
    if _ranks_again(plan, previous, own_scope):
        return _ranked_again(plan, previous)
    refs = [a for a in iter_atoms(plan.where) if isinstance(a, RowsAtom)]
    if cues.has("reference.narrow", folded) and previous_rows:
        return _narrow(plan, previous, previous_rows, folded, cues)
    asked = {a.agency for a in previous.agencies()}  # 财政局不参与的呢 after 财政局参与的: the other rows, no narrowing
    if not own_scope and previous_rows and plan.where is not None and plan.operation in ("list", "count") \
            and not cues.has("reference.section", folded) \
            and all(negated for _, negated in iter_atoms_signed(plan.where)) \
            and not {a.agency for a in plan.agencies(negated=True)} & asked:  # 不用发改局参与的是哪些: a condition
        return _narrow(plan, previous, previous_rows, folded, cues)  # that only leaves rows out, of these
    if refs and not own_scope and previous_rows:
        return _refer_position(plan, previous, previous_rows, refs)
    plural = cues.has("reference.all", folded)
    single = cues.has("reference.single", folded) and not plural
    if single and _role_only(folded, cues) and len({a.agency for a in previous.agencies()}) == 1 \
            and not plan.agencies() and not cues.has("reference.row", folded):  # 那它当责任单位的呢: 它 is the
        # agency asked about, in the other role (这条责任单位都有谁: the row's column)
        return _replace(plan, previous, folded, cues, previous_rows)
    first = _CLAUSE.split(folded)[0]  # 环翠区的呢，牵头和责任单位都算: the switch, then what else to keep
    starts = folded.lstrip().startswith(tuple(cues.words("intent.followup"))) or (
        first.rstrip(" ？?。!！").endswith(tuple(cues.words("intent.followup_end")))
        and not (own_scope and plan.agencies()))  # 财政局呢？ after 那瓦房店呢？: one slot, the others kept
    switched = starts and bool(plan.agencies())  # 换成税务局，它牵头的: 它 is the agency switched to, not the rows
    if (single or _refers_to_all(plan, folded, cues) or _fields_only(plan)) and previous_rows and not own_scope \
            and not switched:
        return _refer(plan, previous, previous_rows, 1 if single and len(previous_rows) == 1 else None)
    rest = folded[len(first):]  # What about Yingkou — which tasks there does the commerce bureau take part in:
    whole = any(a.name.lower() in rest for a in plan.agencies())  # the agency said again after the switch
    if switched and (_role_only(rest, cues) or whole):  # 换成税务局，它牵头的是哪几条: the question asked
        return plan.model_copy(update={  # again whole, of the agency switched to, in the same lists
            "scope": plan.scope if own_scope else previous.scope, "followup": "replace"})
    if starts or (plan.operation == "refuse" and plan.refuse_reason == "out_of_scope" and plan.where is not None):
        return _replace(plan, previous, folded, cues, previous_rows)  # 换成发改委呢？: a new agency, nothing else
    bare = not own_scope and not plan.agencies() and not plan.agencies(negated=True) and \
        not (plan.rank and plan.rank.terms) and not _has_topic(plan) and not names_rows
    if starts or (bare and plan.operation != "refuse") or (bare and _role_only(folded, cues)):
        return _replace(plan, previous, folded, cues, previous_rows)
    if not own_scope and plan.operation != "refuse" and plan.where is not None and previous.scope.places:
        return plan.model_copy(update={"scope": previous.scope})  # 哪条的责任部门是人社局排第一 after rows of 瓦房店:
    return plan  # no list named, the lists just asked about stay (the answer's first line says which)


def _has_topic(plan: QueryPlan) -> bool:
    return any(a.kind == "topic" for a in iter_atoms(plan.where))


def _refers_to_all(plan: QueryPlan, folded: str, cues: Cues) -> bool:
    """它们/这些/上述 with a field or count asked and nothing new named."""
    return cues.has("reference.all", folded) and (bool(plan.fields) or plan.operation in ("count", "group_count"))


def _fields_only(plan: QueryPlan) -> bool:
    """哪些单位负责？/ 哪年完成？: a field asked of nothing new (no place, agency, topic or row)."""
    return bool(plan.fields) and plan.where is None and not plan.scope.places and not plan.scope.institution \
        and not (plan.rank and plan.rank.terms) and plan.operation in ("list", "refuse", "search", "fact")


def _role_only(folded: str, cues: Cues) -> bool:
    return cues.has("role.lead", folded) or cues.has("role.responsible", folded)


def _narrow(plan: QueryPlan, previous: QueryPlan, rows: list[str], folded: str, cues: Cues) -> QueryPlan:
    """其中…: the new conditions apply within the previous answer's rows (其中牵头的: the previous agencies
    in that role)."""
    operation = plan.operation
    where = plan.where
    named = plan.agencies() or plan.agencies(negated=True) or any(a.kind == "only" for a in iter_atoms(where))
    column = any(isinstance(a, (EmptyAtom, TextAtom)) and a.field in ("lead", "responsible") for a in iter_atoms(where))
    asked = {"lead", "responsible"} & set(plan.fields)  # who leads the first of them: that column asked
    if not named and _role_only(folded, cues) and not column and not asked:  # 其中哪条没写责任单位: a column
        role = "lead" if cues.has("role.lead", folded) else "responsible"
        where = all_of([n for n in (where, _with_role(_agency_part(previous.where), role)) if n is not None])
    if operation in ("search", "refuse", "compare"):
        operation = "list"
        if plan.rank and plan.rank.terms:  # 其中哪些和X有关: X filters the rows, in their text or category
            where = all_of([n for n in (where, plan.rank.model_copy(update={"in_category": True})) if n is not None])
    return plan.model_copy(update={
        "operation": operation, "where": where, "scope": previous.scope, "followup": "narrow",
        "reference": Reference(rows=rows), "rank": plan.rank if operation == "fact" else None,
        "lang": plan.lang})


def _refer(plan: QueryPlan, previous: QueryPlan, rows: list[str], position: int | None) -> QueryPlan:
    operation = plan.operation if plan.operation in ("count", "group_count") else "list"
    return plan.model_copy(update={
        "operation": operation, "scope": previous.scope, "followup": "refer", "rank": None,
        "reference": Reference(rows=rows, position=position),
        "where": without(plan.where, lambda a: a.kind == "topic"),
        "fields": plan.fields or ["text"]})


def _refer_position(plan: QueryPlan, previous: QueryPlan, rows: list[str], refs: list[RowsAtom]) -> QueryPlan:
    """第二项 / the second one: the k-th row of the previous answer when it had that many; otherwise row k of
    the previous answer's list."""
    ref = refs[0]
    if previous.reference is not None and previous.reference.position is not None and len(refs) == 1 \
            and ref.start == ref.end and 1 <= abs(ref.start) <= len(previous.reference.rows):
        rows = previous.reference.rows  # 第二个的… then 第一个呢: the same rows, another of them
    if len(refs) == 1 and ref.start == ref.end and 1 <= abs(ref.start) <= len(rows) and len(rows) > 1:
        position = len(rows) + ref.start + 1 if ref.start < 0 else ref.start
        return _refer(plan.model_copy(update={"where": without(plan.where, lambda a: a.kind == "rows")}),
                      previous, rows, position)
    docs = list(dict.fromkeys(r.split("#")[0] for r in rows))
    scope = previous.scope.model_copy(update={"docs": docs})
    return plan.model_copy(update={"scope": scope, "followup": "replace", "operation": "list",
                                   "fields": plan.fields or ["text"]})


def _replace(plan: QueryPlan, previous: QueryPlan, folded: str, cues: Cues, rows: list[str]) -> QueryPlan:
    """那瓦房店呢？/ 那财政局呢？/ 牵头的呢？/ 2023年的呢？/ 一共多少项？: the previous plan with that slot changed."""
    where: Node | None = previous.where
    new_agencies = [a for a in iter_atoms(plan.where) if isinstance(a, AgencyAtom)]
    if new_agencies:
        roles = {a.role for a in iter_atoms(where) if isinstance(a, AgencyAtom)}
        where = without(where, lambda a: a.kind == "agency")
        swapped = _agency_part(plan.where)
        if len(roles) == 1 and roles != {"any"} and not _role_only(folded, cues):  # 那税务局呢: in the same role
            swapped = _with_role(swapped, roles.pop())
        where = all_of([n for n in (where, swapped) if n is not None])
    elif _role_only(folded, cues):  # 牵头的呢 / 牵头和责任单位都算: that role, or either when both are said
        lead, responsible = cues.has("role.lead", folded), cues.has("role.responsible", folded)
        where = _with_role(where, "any" if lead and responsible else "lead" if lead else "responsible")
    new_years = [a for a in iter_atoms(plan.where) if isinstance(a, YearAtom)]
    if new_years:
        where = without(where, lambda a: a.kind == "year")
        where = all_of([n for n in (where, *new_years) if n is not None])
    others = without(plan.where, lambda a: a.kind in ("agency", "year"))
    if any(a.kind in _CONTENT for a in iter_atoms(others)):  # 那营口提到X的呢: what the rows say, changed too
        where = without(where, lambda a: a.kind in _CONTENT)
    if any(a.kind in _CELLS for a in iter_atoms(others)):  # 换成环翠区，牵头单位不止一家的: what the cells hold,
        where = without(where, lambda a: a.kind in _CELLS)  # changed as a whole too
    if others is not None:
        where = all_of([n for n in (where, others) if n is not None])
    scope = plan.scope if (plan.scope.places or plan.scope.institution) else previous.scope
    operation = previous.operation
    if plan.operation in ("count", "group_count") or (plan.operation == "list" and operation == "refuse"):
        operation = plan.operation
    lineage = previous.operation == "lineage" and operation == "lineage" and previous.reference is not None
    if previous.lineage == "children" and not lineage and plan.scope.places and rows and plan.where is None:
        # 辽宁第49条营口是哪条落实的, then 那瓦房店呢: the same rows asked about (the answer's first), in that place
        asked = [r for r in rows if r.split("#")[0] == rows[0].split("#")[0]]
        return previous.model_copy(update={
            "question": plan.question, "lang": plan.lang, "scope": plan.scope, "where": None, "followup": "replace",
            "reference": Reference(rows=asked), "unresolved": []})
    return previous.model_copy(update={
        "question": plan.question, "lang": plan.lang, "where": where, "scope": scope, "operation": operation,
        **({"group_by": plan.group_by, "pick": plan.pick, "groups": plan.groups, "unit": plan.unit}
           if plan.operation == "group_count" else {}),  # 哪条最早到期: the count asked now, whole
        "count_unit": plan.count_unit, "fields": plan.fields or previous.fields, "followup": "replace",
        # 瓦房店哪条对应它 then 那营口呢: the same rows' lineage, in the place now named
        "reference": previous.reference if lineage else None, "unresolved": []})


def _ranks_again(plan: QueryPlan, previous: QueryPlan, own_scope: bool) -> bool:
    """Which comes second? / 倒数第一呢 after a ranking: another place in the same count, nothing else said."""
    return previous.operation == "group_count" and plan.operation == "group_count" and bool(previous.pick) \
        and bool(plan.pick) and not own_scope and plan.where is None and plan.group_by in (None, previous.group_by) \
        and previous.group_by not in ("due", "figure", "row")


def _ranked_again(plan: QueryPlan, previous: QueryPlan) -> QueryPlan:
    """The previous count (its lists, conditions and the groups it left out), ranked as the question asks now."""
    before, now = previous.groups or GroupLimit(), plan.groups or GroupLimit()
    groups = before.model_copy(update={"rank": now.rank, "top": now.top, "each": now.each})
    return previous.model_copy(update={"question": plan.question, "lang": plan.lang, "pick": plan.pick,
                                       "groups": groups, "followup": "replace", "unresolved": []})


_CONTENT = ("topic", "category", "text")  # what a row is about or says: one slot, changed as a whole
_CELLS = ("empty", "size", "only")  # which cells are filled, and how many names they hold: another slot


def _agency_part(node: Node | None) -> Node | None:
    return without(node, lambda a: a.kind != "agency")


def _with_role(node: Node | None, role: str) -> Node | None:
    if node is None:
        return None
    if isinstance(node, AgencyAtom):
        return node.model_copy(update={"role": role})
    if hasattr(node, "items"):
        return node.model_copy(update={"items": [_with_role(i, role) for i in node.items]})
    return node
