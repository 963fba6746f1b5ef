"""Constructs the rule parser does not read, added to its plan: rows by position (前五条, 最后三项), the largest or
smallest group of a count (哪个部门牵头最多), and the grammar's fragments (negation, only, a column's literal text,
a field filled or empty) where the plan lacks them."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.understand.grammar import Fragment
from assistant.understand.lexicon import Tag
from assistant.understand.numbers import cn_number
from assistant.understand.plan import (
    AgencyAtom,
    EmptyAtom,
    Group,
    GroupLimit,
    Node,
    OnlyAtom,
    QueryPlan,
    Reference,
    RowsAtom,
    SizeAtom,
    TextAtom,
    TopicAtom,
    all_of,
    iter_atoms_signed,
    not_of,
    without,
)

_FIELDS = ("lead", "responsible", "due", "text", "measures", "actions", "targets", "units")
_EMPTY_FIELDS = ("lead", "responsible", "due", "measures", "year", "actions", "targets", "units")
_ASKED_FIELDS = ("lead", "responsible", "due", "text")  # the fields an answer can put first


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
    return None


_SELECTORS = ("agency", "agency_group", "category", "field", "negation", "only", "literal", "has", "blank", "single")


def _scoped(atom: RowsAtom, position: Tag, tags: list[Tag]) -> RowsAtom:
    """A position said after a condition counts among the rows it selects (这一类的最后一条); said before it, the
    position is the list's own (前10项里没有X的)."""
    after = any(t.kind in _SELECTORS and t.start < position.start for t in tags)
    return atom if after else atom.model_copy(update={"within": False})


def with_positions(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """The plan with the rows its position words name, when it selects no rows yet. Positions count within each
    list in scope; a plan that refers to the previous answer's rows keeps that reference instead."""
    if plan.reference:
        return plan
    atoms: list[Node] = [_scoped(a, t, tags) for t in tags if t.kind == "position"
                         and (a := position_atom(t)) is not None]
    counted = [t for t in tags if t.kind == "position" and ":" in t.value]
    if not atoms or any(isinstance(a, RowsAtom) for a in plan.atoms()) and not counted:
        return plan  # the rules read the row already (第N项, the last one), unless a count says how many
    plan = plan.model_copy(update={"where": without(plan.where, lambda a: isinstance(a, RowsAtom))})
    operation = plan.operation if plan.operation in ("list", "count") else "list"
    return plan.model_copy(update={"where": all_of([n for n in (plan.where, *atoms) if n is not None]),
                                   "operation": operation, "rank": None})


def with_extreme(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """A count by group whose answer is the top (or bottom) group, when the question asks for the most or fewest
    of something countable: grouped by what it names (部门, 类, 清单), agencies by default; 牵头 counts leads, a
    column the question names counts that column alone. Agencies named with 除了 / 之外 are left out of the groups; with
    a comparative (A和B哪个更多) the count is over the agencies named."""
    extreme = next((t for t in tags if t.kind == "extreme"), None)
    if extreme is None or plan.lineage or plan.operation == "fact" and plan.rank and plan.rank.terms:
        return plan
    if plan.operation not in ("list", "count", "group_count", "refuse", "search"):
        return plan
    pick = "min" if extreme.value in ("min", "less") else "max"
    columns = [t.value for t in tags if t.kind == "field" and t.value in ("lead", "responsible")]
    if _asks_for_a_row(tags) and not _group_named(tags, extreme):  # 哪项任务的责任单位最多: rows by their size
        return plan.model_copy(update={"operation": "group_count", "group_by": "row", "pick": pick,
                                       "fields": columns[:1], "rank": None, "refuse_reason": None})
    group_by = _group_named(tags, extreme) or plan.group_by or "agency"
    leads = "lead" in plan.fields or any("牵头" in t.text or t.text in ("lead", "leads", "led") for t in tags)
    fields = (["lead"] if leads else columns[:1]) if group_by == "agency" else []
    update: dict = {"operation": "group_count", "group_by": group_by, "pick": pick, "fields": fields, "rank": None,
                    "refuse_reason": None}
    if group_by == "agency":
        left_out = [a for a, neg in iter_atoms_signed(plan.where) if isinstance(a, AgencyAtom) and neg]
        named = [a for a, neg in iter_atoms_signed(plan.where) if isinstance(a, AgencyAtom) and not neg]
        between = extreme.value in ("more", "less") and len(named) >= 2
        if left_out or between:
            limit = GroupLimit(among=[a.agency for a in named] if between else [],
                               excluding=[a.agency for a in left_out],
                               names=[a.name for a in (named if between else left_out)])
            dropped = {a.agency for a in left_out} | ({a.agency for a in named} if between else set())
            update |= {"groups": limit,
                       "where": without(plan.where, lambda a: isinstance(a, AgencyAtom) and a.agency in dropped)}
    return plan.model_copy(update=update)


_ROW_WORDS = ("任务", "项", "条", "事项", "task", "row", "item")


def _asks_for_a_row(tags: list[Tag]) -> bool:
    """哪项 / 哪一条 / which task: the question asks which row, not which agency or category."""
    for k, tag in enumerate(tags):
        if tag.text in ("哪项", "哪条", "哪一项", "哪一条", "哪项任务", "哪条任务"):
            return True
        if tag.text in ("which", "哪个") and any(t.text in _ROW_WORDS for t in tags[k + 1:k + 3]):
            return True
    return False


def _group_named(tags: list[Tag], extreme: Tag) -> str | None:
    """What the question ranks (部门, 类别, 清单), the group word nearest the extreme; 清单 right after a place
    (营口清单里) names the scope, not a group."""
    named = [t for k, t in enumerate(tags) if t.kind == "group"
             and not (t.value == "doc" and k and tags[k - 1].kind == "place")]
    if not named:
        return None
    return min(named, key=lambda t: abs(t.start - extreme.start)).value


def with_fragments(plan: QueryPlan, fragments: list[Fragment]) -> QueryPlan:
    """The plan with each construct the grammar read that it does not hold yet. A negated or only-these agency
    replaces the plain condition the rules made of it; a literal text replaces the topic made of its words."""
    where = plan.where
    negations = any(f.kind == "neg" for f in fragments)
    if plan.scope.institution:  # the institution's 责任单位（部门） is its measures' units
        fragments = [replace(f, field="units") if f.field == "responsible" else f for f in fragments]
    if any(f.kind in ("empty", "filled") for f in fragments):  # the grammar reads which fields, and how
        where = without(where, lambda a: isinstance(a, EmptyAtom))
    for fragment in sorted(fragments, key=lambda f: f.kind == "ignore"):  # 各县区不算 may come first
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
        involved: list[Node] = [AgencyAtom(agency=a, name=n, role="any") for a, n in zip(f.agencies, f.names,
                                                                                            strict=True)]
        return all_of([n for n in (kept, *(involved if f.involved else []), negated) if n is not None])
    if f.kind == "only" and f.agencies:  # the grammar knows which agencies "only" covers: its atom wins
        kept = without(where, lambda a: isinstance(a, OnlyAtom)
                       or isinstance(a, AgencyAtom) and a.agency in f.agencies)
        kept = without(kept, lambda a: isinstance(a, AgencyAtom) and a.agency in f.ignoring)
        only: Node = OnlyAtom(agencies=list(f.agencies), names=list(f.names), role=f.role,  # type: ignore[arg-type]
                              ignoring=list(f.ignoring), ignoring_names=list(f.ignoring_names))
        return all_of([n for n in (kept, not_of(only) if f.negated else only) if n is not None])
    if f.kind == "ignore" and f.agencies:  # 各县区不算: left out of an only-these comparison, and of the rows
        kept = without(where, lambda a: isinstance(a, AgencyAtom) and a.agency in f.agencies)
        if not any(isinstance(a, OnlyAtom) for a, _ in iter_atoms_signed(kept)):
            return where
        return _ignoring(kept, f)
    if f.kind == "size":
        if any(isinstance(a, SizeAtom) for a, _ in signed):
            return where
        size = SizeAtom(field=f.role, count=f.count)  # type: ignore[arg-type]
        return all_of([n for n in (where, size) if n is not None])
    if f.kind in ("literal_has", "literal_not") and f.field in _FIELDS and f.text:
        if any(isinstance(a, TextAtom) for a, _ in signed):
            return where
        kept = without(where, lambda a: isinstance(a, AgencyAtom) and a.name in f.text
                       or a.kind == "topic" and all(t in f.text for t in a.terms))
        kept = _without_terms(kept, f.text)
        atom = TextAtom(field=f.field, text=f.text, whole=f.role == "whole", at=f.at)  # type: ignore[arg-type]
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
        terms = [t for t in node.terms if t not in text]
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
    if isinstance(node, Group):
        return node.model_copy(update={"items": [_ignoring(i, f) for i in node.items]})
    return node


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
    if not asked or plan.reference is not None or any(a.kind in ("agency", "only", "text", "rows", "topic", "empty")
                                                       for a in plan.atoms()):
        return plan
    read = " ".join(t.text for t in tags if t.kind == "about")  # English words the rules could not place
    unresolved = [u for u in plan.unresolved if u.kind != "term" or not all(w in read for w in u.surface.split())]
    return plan.model_copy(update={"operation": "about", "about": asked, "rank": None, "fields": [],
                                   "refuse_reason": None, "group_by": None, "pick": None, "unresolved": unresolved})


def with_lineage_of_rows(plan: QueryPlan, previous: QueryPlan | None, rows: list[str], tags: list[Tag],
                         sides: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())) -> QueryPlan:
    """营口清单里落实这些任务的是哪几项 after provincial rows: the local rows carrying out each of them (children);
    这些任务落实的是省里哪项 after local rows: the provincial rows each carries out (parents). The rows say which:
    a row of a list with nothing above it can only be carried out, a row of a list with nothing below it can only
    carry out. `sides`: the documents with lists below them, and those with lists above them. Only for rows of
    a list with both does the word order decide (落实 before the reference: children)."""
    carry = next((t for t in tags if t.kind == "carry"), None)
    ref = next((t for t in tags if t.kind == "reference"), None)
    if previous is None or not rows or carry is None or ref is None:
        return plan
    kind, _, number = ref.value.partition(":")
    if number and cn_number(number) != len(rows) or kind == "single" and len(rows) != 1:
        return plan
    above, below = sides
    docs = {r.split("#")[0] for r in rows}
    if docs <= above - below:
        lineage = "children"
    elif docs <= below - above:
        lineage = "parents"
    else:
        lineage = "children" if carry.start < ref.start else "parents"
    return plan.model_copy(update={
        "operation": "lineage", "lineage": lineage,
        "reference": Reference(rows=rows), "followup": "refer", "where": None, "rank": None, "fields": [],
        "refuse_reason": None, "unresolved": []})


_STRUCTURE = ("unit", "function", "adverb", "negation", "only", "literal", "verb", "blank", "others", "position", "extreme",
              "reference", "count", "conj", "has", "single", "ignore", "group", "field", "about", "role", "carry")
_CONDITIONS = ("agency", "only", "text", "empty", "rows", "category", "year", "size")


def without_structure_terms(plan: QueryPlan, tags: list[Tag], folded: str = "") -> QueryPlan:
    """Topic terms that are structure words (一栏, 没关系: words of the lexicon's closed classes, wherever the
    question says them) are no topic: taken out of the plan's topic condition, and out of its ranking when other
    conditions select the rows."""
    structure = {t.text for t in tags if t.kind in _STRUCTURE}
    covered = [False] * len(folded)
    for t in tags:
        if t.kind in _STRUCTURE and t.end <= len(folded):
            covered[t.start:t.end] = [True] * (t.end - t.start)

    def structural(term: str) -> bool:
        if term in structure or any(term in s for s in structure if len(s) > len(term)):
            return True
        spans = [m.span() for m in re.finditer(re.escape(term), folded)]
        return bool(spans) and all(all(covered[a:b]) for a, b in spans)

    def kept(terms: list[str]) -> list[str]:
        return [t for t in terms if not structural(t)]

    where = plan.where
    for atom in [a for a in plan.atoms() if isinstance(a, TopicAtom)]:
        terms = kept(atom.terms)
        if terms != atom.terms:
            where = without(where, lambda a, atom=atom: a is atom)
            if terms:
                where = all_of([n for n in (where, atom.model_copy(update={
                    "terms": terms, "nouns": [n for n in atom.nouns if n in terms]})) if n is not None])
    plan = plan.model_copy(update={"where": where})
    conditions = any(a.kind in _CONDITIONS for a in plan.atoms())
    if plan.rank is not None and conditions and plan.operation in ("fact", "search") \
            and not any(isinstance(a, RowsAtom) for a in plan.atoms()):
        terms = kept(plan.rank.terms)
        if not terms:
            return plan.model_copy(update={"operation": "list", "rank": None})
        if terms != plan.rank.terms:
            plan = plan.model_copy(update={"rank": plan.rank.model_copy(update={"terms": terms})})
    return plan


def with_terms_read(plan: QueryPlan, tags: list[Tag], folded: str) -> QueryPlan:
    """The rule parser's unmatched English words, without those the lexicon reads ("a single unit", "rather")."""
    covered = [False] * len(folded)
    for t in tags:
        covered[t.start:t.end] = [True] * (t.end - t.start)

    def read(word: str) -> bool:
        spans = [m.span() for m in re.finditer(rf"(?<![a-z]){re.escape(word)}(?![a-z])", folded)]
        return bool(spans) and all(all(covered[a:b]) for a, b in spans)

    if plan.where is not None:  # the question's conditions were read: its other words are reported as unread
        kept = [u for u in plan.unresolved if u.kind != "term"]
    else:
        kept = [u for u in plan.unresolved if u.kind != "term" or not all(read(w) for w in u.surface.split())]
    return plan if len(kept) == len(plan.unresolved) else plan.model_copy(update={"unresolved": kept})


def with_unit(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """The measure a figure question asks in (多少人, 多长时间), for ranking the rows whose figure carries it first."""
    unit = next((t.value for t in tags if t.kind == "unit"), None)
    return plan.model_copy(update={"unit": unit}) if unit and plan.operation in ("fact", "search") else plan


def with_constructs(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """Every construct read from the tags alone: positions, the most / the fewest, counts, a list's own facts."""
    plan = with_unit(plan, tags)
    return with_about(with_count(with_extreme(with_positions(plan, tags), tags), tags), tags)


def with_previous_rows(plan: QueryPlan, previous: QueryPlan | None, rows: list[str], tags: list[Tag],
                       sides: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())) -> QueryPlan:
    """The constructs that tie a question to the previous answer's rows: their lineage, or the rows themselves."""
    return with_reference(with_lineage_of_rows(plan, previous, rows, tags, sides), previous, rows, tags)
