"""Questions tied to the previous answer's rows: 这两项 / 这一项 / 它 / 其中第二项 refer to them, and 落实这些任务的
是哪几项 asks for their lineage, in the direction their own list allows."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.understand.lexicon import LEVELS, Tag
from assistant.understand.numbers import EN_ORDINAL, cn_number
from assistant.understand.plan import (
    CategoryAtom,
    Group,
    Node,
    QueryPlan,
    Reference,
    RowsAtom,
    all_of,
    iter_atoms,
    without,
)

_ASKED_FIELDS = ("lead", "responsible", "due", "text")  # the fields an answer can put first


def with_reference(plan: QueryPlan, previous: QueryPlan | None, rows: list[str], tags: list[Tag],
                   earlier: list[list[str]] | None = None,
                   docs_in: Callable[[list[str]], list[str]] | None = None) -> QueryPlan:
    """这两项 / 这一项 / 它 / 这些 tie the question to the previous answer's rows when the number fits: all of them,
    the one, or exactly as many as named. A number that does not fit (这两项 after 27 rows) ties nothing, and the
    word stays unread. 其中第二项: the second of the previous rows."""
    if previous is None or not rows:
        return plan
    fields = list(dict.fromkeys(t.value for t in tags if t.kind == "field" and t.value in _ASKED_FIELDS))
    counted = [cn_number(n) for t in tags if t.kind == "reference" and (n := t.value.partition(":")[2])]
    if plan.reference is not None and counted and counted[0] != len(plan.reference.rows) and plan.scope.places \
            and docs_in is not None:  # 省里那两条 after a lineage answer: the previous rows in the province's list
        placed = _in_lists(rows, docs_in(plan.scope.places))
        if len(placed) == counted[0]:
            plan = plan.model_copy(update={"reference": Reference(rows=placed), "lineage": None, "followup": "refer",
                                           "operation": "list" if plan.operation == "lineage" else plan.operation})
    beside = next((t for t in tags if t.kind == "reference"), None)
    if beside is not None and (_level_beside(tags, beside) or _THE_PLACE_ONE.fullmatch(beside.text)) \
            and plan.scope.places and docs_in is not None and not counted:  # those Liaoning rows / 营口那几条 / the
        # Yingkou one: the previous rows of that list
        docs = docs_in(plan.scope.places)
        placed = _in_lists(rows, docs) or next((p for r in earlier or [] if (p := _in_lists(r, docs))), [])
        if 0 < len(placed) < len(rows) or placed and not set(placed) & set(rows):  # the Yingkou one, answered
            rows = placed  # before the last answer: the latest earlier answer's rows of that list
            if plan.reference is not None and not set(plan.reference.rows) <= set(placed):
                plan = plan.model_copy(update={"reference": plan.reference.model_copy(update={"rows": placed})})
                if plan.lineage and not any(_carries(t) for t in tags):  # carried over from the last turn: these
                    plan = plan.model_copy(update={"lineage": None, "operation": "list"})  # rows asked of themselves
    if plan.reference is not None and counted and counted[0] != len(plan.reference.rows):
        # 刚才那三项 after a one-row answer: the rows of the latest earlier answer with three
        fitting = next((r for r in earlier or [] if len(r) == counted[0]), None)
        if fitting is not None:
            plan = plan.model_copy(update={"reference": Reference(rows=fitting)})
    named = [t for t in tags if t.kind == "reference"]
    rest = bool(named) and named[0].value.partition(":")[0] in ("rest", "common")  # 剩下那条: not the last rows,
    if plan.reference is not None and not rest:  # though 那条 alone would refer to them
        ordered = named[0].value if named and named[0].value in ("former", "latter") else None
        if ordered and plan.reference.position is None and len(plan.reference.rows) >= 2:  # 后面那条, read as a
            held = plan.reference.rows  # follow-up on the rows: which of them
            return plan.model_copy(update={"reference": plan.reference.model_copy(
                update={"position": 1 if ordered == "former" else len(held)})})
        return _position_within(plan, fields)
    if not named:
        return plan
    kind, _, number = named[0].value.partition(":")
    if kind == "single" and plan.followup == "replace" and plan.agencies():  # where is it the lead: it was the
        return plan  # agency asked about, switched to another role (followup.merge), not the one row answered
    position = None
    if kind in ("former", "latter") and len(rows) >= 2:  # 后面那条 of two rows: the second, the last of more
        position = 1 if kind == "former" else len(rows)
    else:
        if kind in ("rest", "common"):  # 剩下那条: the rows of the answer before that the last one left out;
            before = (earlier or [[]])[0]  # 两次都出现的那条: the rows both answers cite
            rows = [r for r in before if r not in rows] if kind == "rest" else [r for r in rows if r in before]
            kind, number = ("single" if len(rows) == 1 else "all"), ""
            if not rows:
                return plan
            said = list(iter_atoms(previous.where))  # the condition that set them apart is not theirs: left behind
            plan = plan.model_copy(update={"where": without(plan.where, lambda a: a in said)})
        wanted = cn_number(number) if number else (1 if kind == "single" else len(rows))
        asked = plan.scope.places or ([plan.scope.institution] if plan.scope.institution else [])
        if wanted != len(rows) and asked and docs_in is not None:  # 省里那条 / 锦州师专在那条底下: the previous
            placed = _in_lists(rows, docs_in(asked))  # row there
            rows = placed if len(placed) == wanted else rows
        if wanted != len(rows):  # 这三项 after a one-row answer: the latest earlier answer with three rows
            rows = next((r for r in earlier or [] if len(r) == wanted and number), [])
            if not rows:
                return plan
    operation = plan.operation if plan.operation in ("count", "group_count") else "list"
    scope = previous.scope if not plan.scope.institution \
        else previous.scope.model_copy(update={"institution": plan.scope.institution})  # 锦州师专在那条底下: its measures
    return plan.model_copy(update={
        "operation": operation, "scope": scope, "followup": "refer", "rank": None,
        "reference": Reference(rows=rows, position=position), "where": without(plan.where, lambda a: a.kind == "topic"),
        "fields": plan.fields or fields or ["text"], "refuse_reason": None, "unresolved": []})


def _in_lists(rows: list[str], docs: list[str]) -> list[str]:
    """The row ids that belong to these lists."""
    return [r for r in rows if r.split("#")[0] in docs]


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


_THE_PLACE_ONE = re.compile(r"the [a-z]+ one")  # the Yingkou one: a place said inside the reference
_UNSAID = 8  # at most this many previous rows are meant by a carry-out question that names none but a place


_PROVINCE_ENDS = ("省", "自治区")  # a place of the province's level
_LEVEL_LISTS = ("省", "省里", "省清单", "省级", "省级清单", "省里的清单", "省的清单", "上级清单")  # the province's list, unnamed


def with_lineage_of_rows(plan: QueryPlan, previous: QueryPlan | None, rows: list[str], tags: list[Tag],
                         sides: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
                         docs_in: Callable[[list[str]], list[str]] | None = None) -> QueryPlan:
    """营口清单里落实这些任务的是哪几项 after provincial rows: the local rows carrying out each of them (children);
    这些任务落实的是省里哪项 after local rows: the provincial rows each carries out (parents). The rows say which:
    a row of a list with nothing above it can only be carried out, a row of a list with nothing below it can only
    carry out. `sides`: the documents with lists below them, and those with lists above them. Only for rows of
    a list with both does the word order decide (落实 before the reference: children)."""
    carry = next((t for t in tags if _carries(t)), None)
    # 这两项里头第一项: the position said within the rows referred to
    ref = _ordinal(plan, rows, tags) or next((t for t in tags if t.kind == "reference"), None)
    said = plan.followup != "replace"  # 那省里和瓦房店对应的呢: a place switch carries the previous conditions
    each = any(t.kind == "each" for t in tags)  # 分别对应营口哪几条: each of the previous rows, however many
    if ref is None and carry is not None and (0 < len(rows) <= _UNSAID or each) \
            and not (said and (plan.where is not None or plan.rank and plan.rank.terms)) \
            and any(t.kind == "place" or t.text in _LEVEL_LISTS for t in tags):
        ref = Tag(carry.end, carry.end, "", "reference", "all")  # 营口对应的是哪条 after a row: that row, unsaid
    above, below = sides
    level = _level_beside(tags, ref) if ref is not None else None  # 后面那条省里的任务: of the previous rows, those
    leveled = [r for r in rows if (r.split("#")[0] in above - below) == (level == LEVELS[0])] if level else rows
    place = _place_beside(tags, ref) if ref is not None else None
    if place is not None and docs_in is not None and len(_in_lists(leveled, docs_in([place]))) == 1:
        leveled = _in_lists(leveled, docs_in([place]))  # 营口那条 after rows of 瓦房店 and 营口: the one of 营口
    if carry is None and ref is not None and level and rows and not leveled:  # of the province's list
        carry = Tag(ref.start, ref.start, "", "carry", "")  # 省里那条呢 after a local row: the one it carries out
    if previous is None or not rows or carry is None or ref is None:
        return plan
    kind, _, number = ref.value.partition(":")
    kept = plan.reference.position if plan.reference is not None else None  # 这两项里头第一项: read by the merge
    if leveled and leveled != rows:
        rows, kept = leveled, None
    if kind in ("former", "latter") and len(rows) >= 2:
        kept = 1 if kind == "former" else len(rows)
    position = cn_number(number) if kind == "position" else kept  # 第二条在营口是哪条落实的: the second of the
    if position is None and (number and cn_number(number) != len(rows) or kind == "single" and len(rows) != 1):
        return plan  # previous rows (the reference keeps which)
    docs = {r.split("#")[0] for r in ([rows[position - 1]] if position else rows)}
    if docs <= above - below:
        lineage = "children"
    elif docs <= below - above:
        lineage = "parents"
    else:
        lineage = "children" if carry.start < ref.start else "parents"
    named = [t.value for t in tags if t.kind == "place"]  # 在营口由哪条承接: the lists asked about, kept
    scope = plan.scope.model_copy(update={"places": list(dict.fromkeys([*plan.scope.places, *named]))})
    return plan.model_copy(update={
        "operation": "lineage", "lineage": lineage, "scope": scope,
        "reference": Reference(rows=rows, position=position), "followup": "refer", "where": None, "rank": None,
        "fields": [],
        "refuse_reason": None, "unresolved": []})


def _level_beside(tags: list[Tag], ref: Tag) -> str | None:
    """The level a word right beside a reference names (那条省里的 / 省里那两条 / 市里那条): 省 for the province's
    list, 市 (区, 县) for a local one; None when no such word is beside it."""
    if ref not in tags:
        return None
    k = tags.index(ref)
    before = next((t for t in reversed(tags[:k]) if t.text != "的"), None)  # 省里的后一条: 的 between
    beside = [t for t in (before, tags[k + 1] if k < len(tags) - 1 else None) if t is not None]
    for t in beside:
        if t.kind == "function" and t.text.startswith(LEVELS) and len(t.text) >= 2:
            return t.text[0]
        if t.kind == "place":  # 营口那条: a place's list, of its level
            return LEVELS[0] if t.value.endswith(_PROVINCE_ENDS) else LEVELS[1]
    return None


def _place_beside(tags: list[Tag], ref: Tag) -> str | None:
    """The place said right before a reference (营口那条), if one is."""
    k = tags.index(ref) if ref in tags else 0
    before = next((t for t in reversed(tags[:k]) if t.text != "的"), None)
    return before.value if before is not None and before.kind == "place" else None


def _carries(tag: Tag) -> bool:
    """A verb of carrying out (carries out is also a role word: the tax bureau carries out …)."""
    return tag.kind == "carry" or tag.kind == "role" and tag.text.startswith(("carr", "implement"))


def _ordinal(plan: QueryPlan, rows: list[str], tags: list[Tag]) -> Tag | None:
    """第二条 said before any place (第二条在营口…) is the second of the previous rows, as a reference tag; after a
    place (营口第二条) it is that list's row."""
    refs = [a for a in plan.atoms() if isinstance(a, RowsAtom)]
    number = next((t for t in tags if t.kind == "number" and t.text.startswith("第") or t.text in EN_ORDINAL
                   or t.kind == "position" and (t.value.startswith(("last", "from_end")) or t.text == "first one")),
                  None)
    after = tags[tags.index(number) + 1:tags.index(number) + 2] if number is not None else []
    one = number is not None and (number.text == "first one"  # the first one, the second one: of the rows answered
                                  or number.text in EN_ORDINAL and any(t.text == "one" for t in after))
    if len(refs) != 1 or refs[0].start != refs[0].end or number is None \
            or not one and any(t.kind == "place" and t.start < number.start and not any(
                _carries(c) and t.end <= c.start < number.start for c in tags) for t in tags):
        return None  # which Yingkou row carries out the second one: the carry verb between, the previous rows'
    at = refs[0].start if refs[0].start > 0 else len(rows) + refs[0].start + 1  # 最后一条: the last of them
    if not 1 <= at <= len(rows):
        return None
    return Tag(number.start, number.end, number.text, "reference", f"position:{at}")


def with_previous_rows(plan: QueryPlan, previous: QueryPlan | None, rows: list[str], tags: list[Tag],
                       sides: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset()),
                       earlier: list[list[str]] | None = None,
                       docs_in: Callable[[list[str]], list[str]] | None = None,
                       category_of: Callable[[str], str | None] = lambda row: None) -> QueryPlan:
    """The constructs that tie a question to the previous answer's rows (or, when a number says so, to an earlier
    answer's): their lineage, their main task (`category_of` a row id), or the rows themselves. `docs_in` gives the
    lists of some places, or of an institution (省里那条: the previous row in the province's list; 锦州师专在那条底下:
    the previous row of the list holding its measures). A ranking asked again of the previous count (which comes
    second? name them all) is about its groups, not its rows."""
    if previous is not None and previous.operation == plan.operation == "group_count" and plan.pick \
            and plan.followup == "replace":
        return plan
    plan = with_category_of_previous(plan, previous, rows, tags, category_of)
    plan = with_others_than_previous(plan, previous, rows, tags, docs_in)
    plan = with_row_of_previous_list(plan, previous, rows, tags, sides)
    return with_reference(with_lineage_of_rows(plan, previous, rows, tags, sides, docs_in), previous, rows, tags,
                          earlier, docs_in)


def with_row_of_previous_list(plan: QueryPlan, previous: QueryPlan | None, rows: list[str], tags: list[Tag],
                              sides: tuple[frozenset[str], frozenset[str]]) -> QueryPlan:
    """第38条对应省里哪条 after rows of 瓦房店's list / 营口有没有对应第13条的 after rows of the province's: a row number
    no place owns (none said right before it), in a question of carrying out, is a row of the previous answer's
    list when that list is of the other level than the places the question names. Its lineage is asked."""
    above, below = sides
    carry = next((t for t in tags if _carries(t)), None)
    number = next((t for t in tags if t.kind == "number" and t.text.startswith("第")), None)
    numbered = [a for a in plan.atoms() if isinstance(a, RowsAtom)]
    docs = {r.split("#")[0] for r in rows}
    if previous is None or carry is None or number is None or len(numbered) != 1 or plan.reference is not None \
            or numbered[0].start != numbered[0].end or len(docs) != 1 or len(previous.scope.places) != 1:
        return plan
    before = next((t for t in reversed(tags[:tags.index(number)]) if t.kind != "function"), None)
    if before is not None and (before.kind == "place" or before.text in _LEVEL_LISTS):
        return plan  # 营口第13条 / 省里第13条: that list's row
    upper = docs <= above - below
    if not upper and not docs <= below - above:
        return plan
    named = [t for t in tags if t.kind == "place" or t.text in _LEVEL_LISTS]
    provincial = [t.kind != "place" or t.value.endswith(_PROVINCE_ENDS) for t in named]
    if not named or any(provincial) == upper and all(provincial) == upper:
        return plan  # the places named are of the previous list's level: the row is theirs
    places = list(dict.fromkeys([*previous.scope.places, *plan.scope.places]))
    return plan.model_copy(update={"operation": "lineage", "lineage": "children" if upper else "parents",
                                   "scope": plan.scope.model_copy(update={"places": places}), "followup": "refer",
                                   "refuse_reason": None})


def with_category_of_previous(plan: QueryPlan, previous: QueryPlan | None, rows: list[str], tags: list[Tag],
                              category_of: Callable[[str], str | None]) -> QueryPlan:
    """那这个主要任务下一共几条: the main task (category) of the previous answer's rows, every row of it; rows under
    several main tasks: any of them."""
    if previous is None or not rows or not any(t.kind == "category_ref" for t in tags) \
            or any(isinstance(a, CategoryAtom) for a in plan.atoms()):
        return plan
    categories = list(dict.fromkeys(c for r in rows if (c := category_of(r))))
    if not categories:
        return plan
    atoms: list[Node] = [CategoryAtom(name=c) for c in categories]
    node = atoms[0] if len(atoms) == 1 else Group(kind="or", items=atoms)
    kept = without(plan.where, lambda a: isinstance(a, RowsAtom))
    operation = plan.operation if plan.operation in ("count", "group_count") else "list"
    return plan.model_copy(update={"where": all_of([n for n in (kept, node) if n is not None]), "reference": None,
                                   "scope": previous.scope, "operation": operation, "refuse_reason": None,
                                   "followup": "refer", "rank": None,
                                   "fields": [f for f in plan.fields if f != "category"]})


def with_others_than_previous(plan: QueryPlan, previous: QueryPlan | None, rows: list[str], tags: list[Tag],
                              docs_in: Callable[[list[str]], list[str]] | None = None) -> QueryPlan:
    """市总工会还出现在哪条 / where else does it appear, after an answer: the rows the question selects, less the
    previous answer's rows (by their numbers, so only when those rows and the list asked about are one list)."""
    if previous is None or not rows or plan.reference is not None or plan.where is None or docs_in is None \
            or not any(t.kind == "besides" for t in tags) or not plan.scope.places:
        return plan
    docs = {r.split("#")[0] for r in rows}
    numbers = [int(n) for r in rows if (n := r.partition("#")[2]).isdigit()]
    if len(docs) != 1 or set(docs_in(plan.scope.places)) != docs or len(numbers) != len(rows):
        return plan
    said: list[Node] = [RowsAtom(start=n, end=n) for n in numbers]
    node = Group(kind="not", items=[said[0] if len(said) == 1 else Group(kind="or", items=said)])
    return plan.model_copy(update={"where": all_of([plan.where, node])})
