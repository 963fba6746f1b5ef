"""The grammar's fragments added to a plan: negation with its scope, only-these (with agencies left out, or
negated), how many agencies a column names, a column's literal text, fields left empty or filled. A fragment's atom
replaces what the rule parser made of the same words."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.understand.grammar import Fragment
from assistant.understand.lexicon import heads_a_quote
from assistant.understand.plan import (
    AgencyAtom,
    EmptyAtom,
    Group,
    GroupLimit,
    Node,
    OnlyAtom,
    QueryPlan,
    SizeAtom,
    TextAtom,
    TopicAtom,
    YearAtom,
    all_of,
    iter_atoms_signed,
    mapped,
    not_of,
    without,
)

_THIS_ROW = re.compile(r"[这那](?:一)?[条项]")  # a row named by what it says, then asked about
_FIELDS = ("lead", "responsible", "due", "text", "measures", "actions", "targets", "units", "row")
_EMPTY_FIELDS = ("lead", "responsible", "due", "measures", "year", "percent", "document", "actions", "targets",
                 "units", "measures_due")


def with_fragments(plan: QueryPlan, fragments: list[Fragment]) -> QueryPlan:
    """The plan with each construct the grammar read that it does not hold yet. A negated or only-these agency
    replaces the plain condition the rules made of it; a literal text replaces the topic made of its words."""
    if any(f.kind == "outside" for f in fragments) and plan.scope.institution:  # not in the school's columns
        plan = plan.model_copy(update={"scope": plan.scope.model_copy(update={"institution": None})})
    plan = _without_places_said_as_text(plan, fragments)
    where = plan.where
    negations = any(f.kind == "neg" for f in fragments)
    fragments = [replace(f, field="targets") if f.kind in ("empty", "filled") and f.field == "target" else f
                 for f in fragments]  # 完成目标空着: the institution's targets column
    if plan.scope.institution:  # the institution's 责任单位（部门） is its measures' units, 完成时间 its measures' due;
        # 没填的: its measures. 责任部门 alone is the province's column of the same list.
        provincial = "责任部门" in plan.question and "责任单位" not in plan.question
        fragments = [replace(f, field="units") if f.field == "responsible" and not provincial else
                     replace(f, field="measures_due") if f.kind in ("empty", "filled") and f.field == "due" else
                     replace(f, field="measures") if f.kind in ("empty", "filled") and not f.field else f
                     for f in fragments]
    fragments = [f for f in fragments if f.kind not in ("empty", "filled") or f.field]
    if any(f.kind in ("empty", "filled") for f in fragments):  # the grammar reads which fields, and how
        where = without(where, lambda a: isinstance(a, EmptyAtom))
    for fragment in sorted(fragments, key=lambda f: f.kind == "ignore"):  # 各县区不算 may come first
        where = _with_fragment(where, fragment, negations)
    if where == plan.where:
        return plan
    if plan.operation == "search" and plan.rank is not None and _THIS_ROW.search(plan.question) \
            and any(f.kind in ("empty", "filled") for f in fragments):  # “…”那条有没有写责任单位: that one row
        where = all_of([n for n in (where, plan.rank.model_copy(update={"names_row": True})) if n is not None])
    conditions = any(f.kind != "role" for f in fragments)  # a role read again asks nothing new of the rows
    operation = "list" if plan.operation == "refuse" or conditions and plan.operation == "search" \
        else plan.operation
    rank = plan.rank if operation in ("fact", "search", "compare") else None
    return plan.model_copy(update={"where": where, "operation": operation, "rank": rank,
                                   "refuse_reason": None if operation != "refuse" else plan.refuse_reason})


def _without_places_said_as_text(plan: QueryPlan, fragments: list[Fragment]) -> QueryPlan:
    """辽宁清单里点到营口的是哪条: a place a literal text names is what the rows say, not a list to look in (when
    another place says where); two lists left as one is no comparison."""
    said = [f.text for f in fragments if f.kind == "literal_has" and f.text]
    places = [p for p in plan.scope.places if not any(p.startswith(t) or t.startswith(p) for t in said)]
    if not said or not places or len(places) == len(plan.scope.places):
        return plan
    operation = "list" if plan.operation == "compare" and len(places) == 1 else plan.operation
    return plan.model_copy(update={"scope": plan.scope.model_copy(update={"places": places}),
                                   "operation": operation, "rank": None if operation == "list" else plan.rank})


def with_others_not_ranked(plan: QueryPlan, fragments: list[Fragment]) -> QueryPlan:
    """除了教育局以外哪个部门挂名最多: the agencies an others-construct sets apart are left out of the groups a
    count by agency ranks, not a condition on the rows counted (read after the constructs made the count)."""
    others = [f for f in fragments if f.kind == "others" and f.agencies]
    limit = plan.groups or GroupLimit()
    if plan.operation != "group_count" or plan.group_by != "agency" or not others or limit.among:
        return plan
    excluded = dict(zip(limit.excluding, limit.names, strict=False))
    excluded |= {a: n for f in others for a, n in zip(f.agencies, f.names, strict=True)}
    groups = limit.model_copy(update={"excluding": list(excluded), "names": list(excluded.values())})
    return plan.model_copy(update={"groups": groups, "where": without(
        plan.where, lambda a: isinstance(a, AgencyAtom) and a.agency in excluded)})


def with_text_rows(plan: QueryPlan) -> QueryPlan:
    """提到“X”的是哪几条 / 以“X”打头的: a fact question whose searched words are all in the texts its conditions
    ask for is a list of the rows that say them, not a figure searched for (structure words already taken out)."""
    said = [a.text.lower() for a in plan.atoms() if isinstance(a, TextAtom)]
    if plan.operation != "fact" or plan.rank is None or not said \
            or not all(any(w.lower() in t for t in said) or heads_a_quote(w, plan.question) or _LISTS.fullmatch(w)
                       for w in plan.rank.terms):
        return plan
    return plan.model_copy(update={"operation": "list", "rank": None})


_LISTS = re.compile(r"[一二两三四五六七八九十\d]+[张份个]")  # 四张 (清单): how many lists, no topic



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
        every = set(f.agencies) or {a.agency for a, _ in signed if isinstance(a, AgencyAtom)}  # （牵头或责任）: all
        return _with_role(where, every, f.role)
    if f.kind == "neg" and f.agencies:  # the grammar knows the negator's scope and role: its atom wins
        kept = without(where, lambda a: isinstance(a, AgencyAtom) and a.agency in f.agencies)
        atoms: list[Node] = [AgencyAtom(agency=a, name=n, role=f.role) for a, n in  # type: ignore[arg-type]
                             zip(f.agencies, f.names, strict=True)]
        negated = not_of(atoms[0] if len(atoms) == 1 else Group(kind="or", items=atoms))
        involved: list[Node] = [AgencyAtom(agency=a, name=n, role="any") for a, n in zip(f.agencies, f.names,
                                                                                            strict=True)]
        return all_of([n for n in (kept, *(involved if f.involved else []), negated) if n is not None])
    if f.kind == "only" and not f.agencies and f.role in ("lead", "responsible"):  # 单独牵头的: no agency said
        asked = [a for a, negated in signed if isinstance(a, AgencyAtom) and not negated]
        if not asked:  # one name in that role
            return all_of([n for n in (where, SizeAtom(field=f.role, count=1)) if n is not None])  # type: ignore[arg-type]
        f = replace(f, agencies=tuple(a.agency for a in asked), names=tuple(a.name for a in asked))  # 其中它单独牵头的
    if f.kind == "others" and f.agencies and f.role in ("lead", "responsible"):  # 教育局以外的单位牵头: the role's
        kept = without(where, lambda a: isinstance(a, AgencyAtom) and a.agency in f.agencies)  # column names another
        alone = OnlyAtom(agencies=list(f.agencies), names=list(f.names), role=f.role,  # type: ignore[arg-type]
                         among=len(f.agencies) > 1)  # 教育口以外的单位: a name outside the group, whichever member
        return all_of([n for n in (kept, not_of(alone), not_of(EmptyAtom(field=f.role))) if n is not None])  # type: ignore[arg-type]
    if f.kind == "only" and f.agencies:  # the grammar knows which agencies "only" covers: its atom wins
        kept = without(where, lambda a: isinstance(a, OnlyAtom)
                       or isinstance(a, AgencyAtom) and a.agency in f.agencies)
        kept = without(kept, lambda a: isinstance(a, AgencyAtom) and a.agency in f.ignoring)
        only: Node = OnlyAtom(agencies=list(f.agencies), names=list(f.names), role=f.role,  # type: ignore[arg-type]
                              ignoring=list(f.ignoring), ignoring_names=list(f.ignoring_names),
                              among=f.either and len(f.agencies) > 1)
        return all_of([n for n in (kept, not_of(only) if f.negated else only) if n is not None])
    if f.kind == "example" and isinstance(where, Group) and where.kind == "and":  # 市委口的部门，比如编办: members
        listed = set(f.agencies)  # of a group the plan holds (any of them): no condition of their own
        grouped = any(isinstance(i, Group) and i.kind == "or" and listed & {a.agency for a, _ in iter_atoms_signed(i)
                                                                             if isinstance(a, AgencyAtom)}
                      for i in where.items)
        return all_of([i for i in where.items if not (isinstance(i, AgencyAtom) and i.agency in listed)]) \
            if grouped else where
    if f.kind == "contrast" and f.agencies:  # A rather than B: B negated in the construct before it
        kept = without(where, lambda a: isinstance(a, AgencyAtom) and a.agency in f.agencies)
        held = [a for a, negated in iter_atoms_signed(kept) if not negated]
        edge = next((a for a in held if isinstance(a, TextAtom) and a.at != "any"), None)
        if edge is not None and edge.at == "start" and edge.field in ("lead", "responsible"):  # 以A开头而不是B
            nots: list[Node] = [not_of(AgencyAtom(agency=a, name=n, role=edge.field, first=True))
                                for a, n in zip(f.agencies, f.names, strict=True)]  # B not named first there
        elif edge is not None:  # ends with A rather than B: not ending with B
            nots = [not_of(TextAtom(field=edge.field, text=n, at=edge.at)) for n in f.names]
        else:  # led by A rather than B: B not in that role
            role = next((a.role for a in held if isinstance(a, AgencyAtom)), "any")
            nots = [not_of(AgencyAtom(agency=a, name=n, role=role))  # type: ignore[arg-type]
                    for a, n in zip(f.agencies, f.names, strict=True)]
        return all_of([n for n in (kept, *nots) if n is not None])
    if f.kind == "ignore" and f.agencies:  # 各县区不算: left out of an only-these comparison, and of the rows
        kept = without(where, lambda a: isinstance(a, AgencyAtom) and a.agency in f.agencies)
        if any(isinstance(a, SizeAtom) for a, _ in iter_atoms_signed(kept)):  # 至少4个（各县区不计）: not counted
            return _ignoring(kept, f)
        if not any(isinstance(a, OnlyAtom) for a, _ in iter_atoms_signed(kept)):  # 不算X: X is left out
            return _with_fragment(where, replace(f, kind="neg"), negations)
        return _ignoring(kept, f)
    if f.kind == "first" and f.agencies:  # 人社局排在第一位: that agency, named first
        kept = without(where, lambda a: isinstance(a, AgencyAtom) and a.agency in f.agencies)
        role = next((a.role for a, _ in signed if isinstance(a, AgencyAtom) and a.agency in f.agencies), "any")
        firsts: list[Node] = [AgencyAtom(agency=a, name=n, role=role, first=True)  # type: ignore[arg-type]
                              for a, n in zip(f.agencies, f.names, strict=True)]
        if f.negated:  # not named first (or not at all)
            firsts = [not_of(firsts[0] if len(firsts) == 1 else Group(kind="or", items=firsts))]
        return all_of([n for n in (kept, *firsts) if n is not None])
    if f.kind in ("only_year", "neg_year") and f.text.isdigit():  # the year the rules read, the grammar's scope
        year = int(f.text)
        if not any(isinstance(a, YearAtom) and a.year == year and not negated for a, negated in signed):
            return where

        def scoped(atom: Node) -> Node:
            if not isinstance(atom, YearAtom) or atom.year != year:
                return atom
            if f.kind == "only_year":
                return atom.model_copy(update={"only": True})
            if atom.field == "deadline":  # a completion year negated: the rows due, in another year
                return Group(kind="and", items=[not_of(atom), not_of(EmptyAtom(field="due"))])
            return not_of(atom)
        return mapped(where, scoped)
    if f.kind == "size":
        if any(isinstance(a, SizeAtom) for a, _ in signed):
            return where
        size = SizeAtom(field=f.role, count=f.count, at_least=f.at_least)  # type: ignore[arg-type]
        return all_of([n for n in (where, size) if n is not None])
    if f.kind in ("literal_has", "literal_not") and not f.field:  # 提到“X”的: no column named
        if any(isinstance(a, AgencyAtom) and a.name in f.text for a, _ in signed):  # 写着“各县区”: either column
            columns = replace(f, field="lead"), replace(f, field="responsible")
            either: list[Node] = [n for n in (_with_fragment(None, g) for g in columns) if n is not None]
            kept = without(where, lambda a: isinstance(a, AgencyAtom) and a.name in f.text
                           or a.kind == "topic" and all(w in f.text for w in a.terms))
            return all_of([n for n in (_without_terms(kept, f.text), Group(kind="or", items=either)) if n is not None])
        f = replace(f, field="row")  # the task text, or the institution's measures beside it
    if f.kind in ("literal_has", "literal_not") and f.text_is_agency and f.at == "any" \
            and f.field in ("lead", "responsible"):
        # 责任部门里列了教育部门: the agencies in that column, read as names (a group's any member), not as text
        in_column = sorted({a.agency for a, _ in signed if isinstance(a, AgencyAtom)})
        if in_column:
            role_fragment = Fragment("role", tuple(in_column), tuple(in_column), role=f.field)
            node = _with_fragment(where, role_fragment)
            return node if f.kind == "literal_has" else not_of(node) if node is not None else None
    if f.kind in ("literal_has", "literal_not") and f.field in _FIELDS and f.text:
        if any(isinstance(a, TextAtom) for a, _ in signed):
            return where
        texts = f.texts or (f.text,)
        kept = without(where, lambda a: isinstance(a, AgencyAtom) and any(a.name in t for t in texts)
                       or a.kind == "topic" and all(any(w.lower() in t.lower() for t in texts) for w in a.terms))
        for text in (*texts, *f.who):  # the text, and the words saying whose name it is, are no topic
            kept = _without_terms(kept, text)
        said: list[Node] = [TextAtom(field=f.field, text=t, whole=f.role == "whole", at=f.at,  # type: ignore[arg-type]
                                     named=f.named)
                            for t in texts]
        atom = said[0] if len(said) == 1 else Group(kind="or", items=said)  # 写的是“A”还是“B”: either
        return all_of([n for n in (kept, atom if f.kind == "literal_has" else not_of(atom)) if n is not None])
    if f.kind in ("empty", "filled") and f.field in _EMPTY_FIELDS:
        if any(isinstance(a, EmptyAtom) and a.field == f.field for a, _ in signed):
            return where
        empty = EmptyAtom(field=f.field)  # type: ignore[arg-type]
        return all_of([n for n in (where, empty if f.kind == "empty" else not_of(empty)) if n is not None])
    return where


def _without_terms(node: Node | None, text: str) -> Node | None:
    """The tree with the topic terms a literal text holds taken out (“市文旅广电局”: its words are no topic)."""
    if isinstance(node, TopicAtom):
        terms = [t for t in node.terms if t.lower() not in text.lower()]
        return node.model_copy(update={"terms": terms, "nouns": [n for n in node.nouns if n in terms]}) \
            if terms else None
    if isinstance(node, Group):
        items = [i for i in (_without_terms(i, text) for i in node.items) if i is not None]
        return node.model_copy(update={"items": items}) if items else None
    return node


def _ignoring(node: Node | None, f: Fragment) -> Node | None:
    """The tree with each only-these condition leaving the fragment's agencies out of its comparison."""
    if isinstance(node, OnlyAtom):
        return node.model_copy(update={"ignoring": [*node.ignoring, *f.agencies],
                                       "ignoring_names": [*node.ignoring_names, *f.names]})
    if isinstance(node, SizeAtom):
        return node.model_copy(update={"ignoring": [*node.ignoring, *f.agencies]})
    if isinstance(node, Group):
        return node.model_copy(update={"items": [_ignoring(i, f) for i in node.items]})
    return node


def _with_role(node: Node | None, agencies: set[str], role: str) -> Node | None:
    if isinstance(node, AgencyAtom) and node.agency in agencies and node.role != "unit":
        return node.model_copy(update={"role": role})
    if isinstance(node, Group) and node.kind != "not":
        return node.model_copy(update={"items": [_with_role(i, agencies, role) for i in node.items]})
    return node
