"""Constructs read from the tags alone, added to the rule parser's plan: positions (`positions.py`), counts and
rankings (`ranking.py`), what is asked of the rows (`columns.py`), a list's own facts, a refused outcome, the one row
a lineage question describes; and structure words taken out of its topic. The grammar's fragments are added in
`fragments.py`, the previous answer's rows in `previous.py`."""

from __future__ import annotations

import re

from assistant.understand.columns import (
    with_columns_asked,
    with_mentioned,
    with_presence_asked,
    with_size_column,
    with_text_column,
    with_unit,
    with_written_form,
)
from assistant.understand.lexicon import (
    STRUCTURE_KINDS,
    Tag,
    document_words,
)
from assistant.understand.plan import (
    AgencyAtom,
    Group,
    QueryPlan,
    ReadAs,
    RowsAtom,
    TopicAtom,
    all_of,
    without,
)
from assistant.understand.positions import with_positions
from assistant.understand.ranking import (
    with_as_written,
    with_count,
    with_each_asked,
    with_each_count,
    with_extreme,
    with_names_holding,
    with_rows_count,
    with_top,
)


def with_constructs(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """Every construct read from the tags alone: positions, the most / the fewest, counts (for each agency named,
    for each but those left out, the first N groups), a list's own facts, the columns asked of a named row."""
    plan = with_mentioned(with_unit(plan, tags), tags)
    plan = with_each_count(with_count(with_extreme(with_positions(plan, tags), tags), tags), tags)
    plan = with_each_asked(plan, tags)
    plan = with_about(with_top(with_names_holding(with_rows_count(plan, tags), tags), tags), tags)
    plan = with_as_written(plan, tags)
    plan = with_size_column(with_presence_asked(with_columns_asked(plan, tags), tags), tags)
    plan = with_written_form(with_text_column(plan, tags), tags)
    return with_outcome(with_row_named(plan, tags), tags)


_CONDITIONS = ("agency", "only", "text", "empty", "rows", "category", "year", "size")


def without_structure_terms(plan: QueryPlan, tags: list[Tag], folded: str = "") -> QueryPlan:
    """Topic terms that are structure words (一栏, 没关系: words of the lexicon's closed classes, wherever the
    question says them) are no topic: taken out of the plan's topic condition, and out of its ranking when other
    conditions select the rows."""
    structure = {t.text for t in tags if t.kind in STRUCTURE_KINDS}
    covered = [False] * len(folded)
    for t in tags:
        if t.kind in STRUCTURE_KINDS and t.end <= len(folded):
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
    elif plan.rank is not None and plan.operation == "compare" and (terms := kept(plan.rank.terms)) \
            and terms != plan.rank.terms:  # 两地的时长要求: 时长 is the figure asked, not the topic compared
        plan = plan.model_copy(update={"rank": plan.rank.model_copy(update={
            "terms": terms, "nouns": [n for n in plan.rank.nouns if n in terms]})})
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


def with_about(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """联系人是谁 / 清单的标题 / which unit filled it in: a question about a list itself, when it asks of no rows."""
    asked = list(dict.fromkeys(t.value for t in tags if t.kind == "about"))
    issued = any(w in plan.question.lower() for w in document_words())
    kinds = ("only", "text", "rows", "topic", "empty") if issued else ("agency", "only", "text", "rows", "topic", "empty")
    if not asked or plan.reference is not None or any(a.kind in kinds for a in plan.atoms()) \
            or plan.groups is not None:  # 教育部和辽宁省这个意见是哪天印发的: the agency issued the document
        return plan
    read = " ".join(t.text for t in tags if t.kind == "about")  # English words the rules could not place
    unresolved = [u for u in plan.unresolved if u.kind != "term" or not all(w in read for w in u.surface.split())]
    where = without(plan.where, lambda a: isinstance(a, AgencyAtom)) if issued else plan.where
    return plan.model_copy(update={"operation": "about", "about": asked, "rank": None, "fields": [], "where": where,
                                   "refuse_reason": None, "group_by": None, "pick": None, "unresolved": unresolved})


def with_both_said(plan: QueryPlan, jointly: bool) -> QueryPlan:
    """A和B参与的, no word saying together or either: read as both, and the answer says so and how to ask for either."""
    items = plan.where.items if isinstance(plan.where, Group) and plan.where.kind == "and" else []
    both = [a for a in items if isinstance(a, AgencyAtom)]
    if jointly or plan.operation not in ("list", "count") or len(both) < 2 or len({a.role for a in both}) > 1:
        return plan
    joined, either = ("和", "或") if plan.lang == "zh" else (" and ", " or ")
    said = ReadAs(typed=joined.join(a.name for a in both), name=either.join(a.name for a in both), why="both")
    return plan.model_copy(update={"read_as": [*plan.read_as, said]})


def with_outcome(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """实际花了多少 / 去年招了多少学生 / progress so far: what was done, spent or reached, which no task list
    records (it states tasks, targets and deadlines). Refused, saying what the lists hold."""
    if not any(t.kind == "outcome" for t in tags) or plan.operation == "refuse" and plan.refuse_reason == "no_list":
        return plan
    return plan.model_copy(update={"operation": "refuse", "refuse_reason": "outcome"})


def with_row_named(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """省里那条在…建实训基地的任务，瓦房店哪条对应: a question for the rows carrying out the one row (那条) its words
    describe asks about the row they match best, not about every row they match; so does a search for words said
    of 那条 (领导小组那条，责任部门是谁)."""
    single = any(t.kind == "reference" and t.value == "single" for t in tags)
    if single and plan.operation == "search" and plan.reference is None and plan.rank and plan.rank.terms:
        return plan.model_copy(update={"operation": "fact"})  # 领导小组那条，责任部门是谁: the one row they name
    topics = [a for a in plan.atoms() if isinstance(a, TopicAtom)]
    if plan.lineage != "children" or plan.reference is not None or not single or len(topics) != 1:
        return plan
    named = topics[0].model_copy(update={"names_row": True})
    return plan.model_copy(update={"where": all_of([n for n in (
        without(plan.where, lambda a: a is topics[0]), named) if n is not None])})
