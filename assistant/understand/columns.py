"""What a question asks of its rows, read from the tags: the measure a figure is asked in, the column asked of
a named row or the previous rows, a column's presence asked yes or no, the column a text or a count of names is
looked for in, words searched with a verb of mentioning."""

from __future__ import annotations

import itertools
import re

from assistant.understand.lexicon import (
    Tag,
    asks_whether,
    selecting_words,
)
from assistant.understand.plan import (
    AgencyAtom,
    EmptyAtom,
    Group,
    Node,
    QueryPlan,
    RowsAtom,
    SizeAtom,
    TextAtom,
    all_of,
    iter_atoms_signed,
    mapped,
    without,
)


def with_unit(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """The measure a figure question asks in (多少人, 多长时间; 占比提到多少: a measure word), for ranking the rows
    whose figure carries it first."""
    unit = next((t.value for t in tags if t.kind == "unit"), None) \
        or next((t.value for t in tags if t.kind == "measure"), None)
    if not unit or plan.operation not in ("fact", "search", "compare"):
        return plan
    measures = [t.text for t in tags if t.kind == "measure"]  # 所占比重: the figure asked, not a noun rows must say
    rank = plan.rank.model_copy(update={"nouns": [n for n in plan.rank.nouns if not any(n in m for m in measures)]}) \
        if plan.rank else None
    return plan.model_copy(update={"unit": unit, "rank": rank})


def with_columns_asked(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """第3条责任单位名称怎么写的 / 这些的牵头单位: a column said beside one named row or a reference to the
    previous rows, no condition on it, is the column asked."""
    named = [a for a in plan.atoms() if isinstance(a, RowsAtom) and a.start == a.end]
    referred = plan.reference is not None or any(t.kind == "reference" for t in tags) and not plan.agencies()
    if plan.fields or plan.operation not in ("list", "refuse") or len(named) != 1 and not referred:  # 它们的…: theirs
        return plan
    conditioned = {getattr(a, "field", None) for a in plan.atoms()}
    columns = [t.value for t in tags if t.kind == "field" and t.value in ("lead", "responsible", "due")]
    asked = [c for c in dict.fromkeys(columns) if c not in conditioned]
    return plan.model_copy(update={"fields": asked}) if asked else plan


_NAME_WORDS = ("名字", "名称")  # nouns: English "name" is also the verb of mentioning


_INSIDE = ("里", "中", "里面", "当中", "之中", "里头")  # 责任单位里: the column said as where to look
_SEARCHED = ("lead", "responsible", "units", "targets", "actions", "measures", "text", "due")


def with_text_column(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """A text asked with no column beside it is looked for in the task and the institution's measures; in the one
    column said as where to look (责任单位里，哪些条最后带着“等”字 / 完成目标里…用了“力争”); when the question names
    the task text anywhere (in the task text itself, not in the measures), in the task text alone; said of names
    (名字带“市委”的那些), in the agency columns."""
    names = any(t.text in _NAME_WORDS for t in tags)
    inside = {t.value for t, after in itertools.pairwise(tags) if t.kind == "field" and t.value in _SEARCHED
              and after.text in _INSIDE and after.start == t.end}
    if not names and not inside and not any(t.kind == "field" and t.value == "text" for t in tags):
        return plan

    def told(atom: Node) -> Node:
        if not isinstance(atom, TextAtom) or atom.field != "row":
            return atom
        if len(inside) == 1:
            return atom.model_copy(update={"field": next(iter(inside))})
        if names:
            return Group(kind="or", items=[atom.model_copy(update={"field": f}) for f in ("lead", "responsible")])
        return atom.model_copy(update={"field": "text"})
    return plan.model_copy(update={"where": mapped(plan.where, told)})


def with_written_form(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """把文旅局写成简称的 / which rows write the HR bureau in full: the agency named, written in a short form of the
    name its list writes in full elsewhere (or in its longest form); not when a text says how (缩写成“X”)."""
    said = next((t for t in tags if t.kind == "spelling" and t.value in ("short", "full")), None)
    if said is None or _QUOTES.search(plan.question) or _REMARK.search(plan.question[:said.start]):
        return plan  # 写成简称“X”: the text says how; （有的写成简称）: a remark on the names, no condition
    form = said.value
    agencies = [a for a, negated in iter_atoms_signed(plan.where) if isinstance(a, AgencyAtom) and not negated]
    if len({a.agency for a in agencies}) != 1:
        return plan

    def written(atom: Node) -> Node:
        return atom.model_copy(update={"written": form}) if isinstance(atom, AgencyAtom) else atom
    return plan.model_copy(update={"where": mapped(plan.where, written)})


_QUOTES = re.compile(r"[“”「」『』\"]")
_REMARK = re.compile(r"(?:[（(][^）)]*|有的|有些)$")  # inside an open bracket, or right after 有的


def with_size_column(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """责任单位一栏写得最少…就是只写了一家的那种: a count of names said without its column counts the one column the
    question names elsewhere, when it names exactly one."""
    columns = {t.value for t in tags if t.kind == "field" and t.value in ("lead", "responsible")}
    sizes = [a for a in plan.atoms() if isinstance(a, SizeAtom) and a.field == "any"]
    if len(columns) != 1 or len(sizes) != 1:
        return plan
    column = next(iter(columns))
    return plan.model_copy(update={"where": mapped(plan.where, lambda a: a.model_copy(update={"field": column})
                                                   if isinstance(a, SizeAtom) and a.field == "any" else a)})


def with_presence_asked(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """这两条的完成时间填了没有 / 第4条是否写了完成时间 / does row 7 have a deadline: a column's presence asked of rows
    already named (by number, or the previous answer's), with no word asking which of them, is asked of each: the
    column is shown for every row, filled or not. 其中哪条写了… / …空着的呢 (no yes or no asked) still pick rows."""
    named = [a for a in plan.atoms() if isinstance(a, RowsAtom)]
    referred = plan.reference is not None or any(t.kind == "reference" for t in tags)
    if plan.operation != "list" or not (referred and not named
                                        or named and all(a.start == a.end != 0 and not a.within for a in named)):
        return plan
    if not asks_whether(plan.question, tags) or any(t.text.startswith(selecting_words()) for t in tags):
        return plan
    empties = [a for a, _ in iter_atoms_signed(plan.where) if isinstance(a, EmptyAtom)]
    shown = {"lead": "lead", "responsible": "responsible", "due": "due", "measures_due": "due"}  # a column an
    if not empties or any(not isinstance(a, (RowsAtom, EmptyAtom)) for a in plan.atoms()) \
            or any(a.field not in shown for a in empties):  # answer shows as （未列） when blank; the rest (measures,
        return plan  # a year in the text) stays a condition, which a named row is said to meet or not
    fields = list(dict.fromkeys([*plan.fields, *(shown[a.field] for a in empties)]))
    return plan.model_copy(update={"where": without(plan.where, lambda a: isinstance(a, EmptyAtom)), "fields": fields})


_HOW_MUCH = ("多少", "多大", "多高", "几成", "how much", "what share", "what percentage")


def with_mentioned(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """提到双师型的是哪几条 / which tasks mention X: the words searched, said with a verb of mentioning and no
    quote, are texts every row asked for contains (all of them), not a figure searched for in the best row."""
    mentioned = any(t.kind == "literal" and t.value in ("any", "is") for t in tags)
    figure = any(t.kind in ("measure", "extreme") or t.text in _HOW_MUCH for t in tags)  # 比例要提到多少, 提到的
    # 人数最多的: a figure asked, or rows ranked
    if not mentioned or figure or plan.operation not in ("fact", "search") or plan.rank is None or not plan.rank.terms \
            or any(isinstance(a, TextAtom) for a in plan.atoms()) or plan.reference is not None:
        return plan
    texts: list[Node] = [TextAtom(field="row", text=term) for term in plan.rank.terms]
    return plan.model_copy(update={"operation": "list", "rank": None,
                                   "where": all_of([n for n in (plan.where, *texts) if n is not None])})
