"""Counts and rankings read from the tags: the largest or smallest group of a count (哪个部门牵头最多), rows
ranked by how many names a column holds, a count of the rows asked, a count for each agency named or for each but
those left out, the first N groups, groups within a bound of rows (参与超过5条的部门)."""

from __future__ import annotations

import itertools
import re

from assistant.understand.lexicon import (
    LEVELS,
    STRUCTURE_KINDS,
    Tag,
    function_words,
    measure_words,
)
from assistant.understand.numbers import EN_ORDINAL, cn_number
from assistant.understand.plan import (
    AgencyAtom,
    CategoryAtom,
    EmptyAtom,
    GroupLimit,
    QueryPlan,
    RowsAtom,
    SizeAtom,
    TextAtom,
    TopicAtom,
    YearAtom,
    all_of,
    iter_atoms_signed,
    without,
)


def with_extreme(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """`_with_extreme`, and a place said (第二多 / comes second): alone, the group(s) at that place instead of the
    first; beside the most (which leads the most, and which comes second), the first that many places."""
    nth = next((t for t in tags if t.kind == "extreme" and t.value.startswith("nth")), None)
    if nth is None:
        return _with_extreme(plan, tags)
    plain = [t for t in tags if t is not nth]
    place = cn_number(nth.value.partition(":")[2] or "2")
    also = any(t.kind == "extreme" for t in plain)  # the most, and the second: both asked
    side = "min" if nth.value.startswith("nth_min") else "max"
    said = plain if also else [*plain, Tag(nth.start, nth.end, nth.text, "extreme", side)]
    ranked = _with_extreme(plan, sorted(said, key=lambda t: t.start))
    if ranked.pick is None or ranked.group_by in ("figure", "due") or place < 2:
        return ranked
    limit = (ranked.groups or GroupLimit()).model_copy(update={"top": place} if also else {"rank": place})
    return ranked.model_copy(update={"groups": limit})


def with_place_asked_again(plan: QueryPlan, previous: QueryPlan | None, tags: list[Tag]) -> QueryPlan:
    """第二呢 / 那第三名呢 / and which is second? after a ranking: an ordinal and nothing else that the question
    says is a place in the same ranking (the follow-up merge keeps the rest of the count)."""
    ranked = previous is not None and previous.operation == "group_count" and bool(previous.pick) \
        and previous.group_by not in ("due", "figure", "row")
    said = [t for t in tags if t.kind not in ("function", "adverb", "conj") or t.text in EN_ORDINAL]
    if not ranked or len(said) != 1 or plan.where is not None or plan.scope.places:
        return plan
    word = said[0].text
    place = EN_ORDINAL.get(word) or (cn_number(m.group(1)) if (m := _CN_PLACE.fullmatch(word)) else None)
    if place is None or place < 2:
        return plan
    return plan.model_copy(update={"operation": "group_count", "pick": previous.pick,  # type: ignore[union-attr]
                                   "group_by": previous.group_by, "groups": GroupLimit(rank=place),  # type: ignore[union-attr]
                                   "rank": None, "refuse_reason": None})


_CN_PLACE = re.compile(r"第([一二两三四五六七八九十\d]+)(?:名|位|多|个)?")


def _with_extreme(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """A count by group whose answer is the top (or bottom) group, when the question asks for the most or fewest
    of something countable: grouped by what it names (部门, 类, 清单), agencies by default; 牵头 counts leads, a
    column the question names counts that column alone. Agencies named with 除了 / 之外 are left out of the groups; with
    a comparative (A和B哪个更多) the count is over the agencies named."""
    extreme = next((t for t in tags if t.kind == "extreme"), None)
    measure = next((t.value if t.kind == "measure" else "share" for t in tags
                    if t.kind == "measure" or t.kind == "field" and t.value == "percent"), None)
    if extreme is not None and measure is not None and extreme.value in _HIGHER and not plan.lineage \
            and _group_named(tags, extreme) is None:  # 百分比定得最高的是哪条: rows ranked by the figure they state
        measured = {t.text for t in tags if t.kind in ("measure", "field", "extreme")} | measure_words()  # percentage
        # read as 比例 by the glossary: the measure again, no topic
        terms = [t for w in (plan.rank.terms if plan.rank else []) if (t := _without_end(w, measured))
                 and t not in function_words()]  # 培训人数最多: among the rows about training; target (目标): no topic
        topic = TopicAtom(terms=terms, nouns=[n for n in plan.rank.nouns if n in terms]) if plan.rank and terms \
            else None  # the rows about training
        stated = without(plan.where, lambda a: isinstance(a, EmptyAtom) and a.field == "percent")  # 定的百分比:
        # the rows ranked state one anyway
        return plan.model_copy(update={"operation": "group_count", "group_by": "figure", "unit": measure,
                                       "pick": _HIGHER[extreme.value], "fields": [], "rank": None,
                                       "refuse_reason": None, "where": all_of([n for n in (stated, topic) if n is not None])})
    searched = [w for w in (plan.rank.terms if plan.rank else [])  # 市直 of 市直部门数量: a structure word's part
                if not any(w in t.text for t in tags if t.kind in STRUCTURE_KINDS)]
    if extreme is None or plan.lineage or plan.operation == "fact" and searched:
        return plan
    if plan.operation not in ("list", "count", "group_count", "refuse", "search", "fact"):  # a fact of no topic
        return plan
    pick = "min" if extreme.value in ("min", "less", "earliest") else "max"
    if extreme.value in ("earliest", "latest"):  # 完成时间最早的: the rows due first, not a count
        return plan.model_copy(update={"operation": "group_count", "group_by": "due", "pick": pick, "fields": ["due"],
                                       "rank": None, "refuse_reason": None})
    columns = [t.value for t in tags if t.kind in ("field", "role") and t.value in ("lead", "responsible")]
    row_asked = _asks_for_a_row(tags, extreme, plan.question) or not plan.agencies() \
        and any(t.kind == "among" for t in tags) and any(t.kind == "reference" for t in tags)  # which of the two
    # has more …, and which are they: the rows just given, no agency named to compare
    if row_asked and extreme.text in PLACED_LAST and not columns and not any(
            t.kind in ("measure", "count") for t in tags):  # 填了完成时间的里排最后的是哪条: nothing counted, the
        last = RowsAtom(start=-1, end=-1)  # last of the rows selected, in list order
        return plan.model_copy(update={"where": all_of([n for n in (plan.where, last) if n is not None]),
                                       "operation": "list", "rank": None, "refuse_reason": None})
    group = _group_named(tags, extreme)
    if group == "category" and any(isinstance(a, CategoryAtom) for a in plan.atoms()):
        group = None  # 那部分里哪条挂的部门最多: the section named is where the rows are, not what is ranked
    if row_asked and group in (None, "agency"):  # 哪条涉及的部门最多: rows
        bodies = any(t.kind == "group" and t.value == "direct" for t in tags)  # 市直部门: no collective name counted
        left = {a.agency: a.name for a in plan.atoms() if isinstance(a, AgencyAtom)} \
            if any(t.kind == "ignore" for t in tags) else {}  # 不算“各县区” / 不算乡镇街道: not counted in a row
        where = without(plan.where, lambda a: isinstance(a, AgencyAtom) and a.agency in left
                        or isinstance(a, TopicAtom) and set(a.terms) <= set(left.values())
                        or isinstance(a, SizeAtom) and a.field != "due")  # 最少的…就是只写了一家的: the same ranking
        limit = GroupLimit(bodies=bodies, excluding=list(left), names=list(left.values())) if bodies or left \
            else plan.groups
        both = {"lead", "responsible"} <= set(columns)  # counting lead and responsible units together: both
        return plan.model_copy(update={"operation": "group_count", "group_by": "row", "pick": pick,
                                       "fields": [] if both else columns[:1], "rank": None, "refuse_reason": None,
                                       "where": where,
                                       "groups": limit})
    group_by = _group_named(tags, extreme) or plan.group_by or "agency"
    said = _roles_said(tags)
    both = {"lead", "responsible"} <= said  # 牵头和责任都算上: every row an agency is named in, either column
    leads = not both and said != {"responsible"} and ("lead" in plan.fields or any(  # 当责任单位（不算牵头）:
        "牵头" in t.text or t.text in ("lead", "leads", "led") for t in tags))  # responsible
    fields = (["lead"] if leads else [] if both else columns[:1]) if group_by == "agency" else []
    update: dict = {"operation": "group_count", "group_by": group_by, "pick": pick, "fields": fields, "rank": None,
                    "refuse_reason": None}
    if group_by == "agency":
        left_out = [a for a, neg in iter_atoms_signed(plan.where) if isinstance(a, AgencyAtom) and neg]
        named = [a for a, neg in iter_atoms_signed(plan.where) if isinstance(a, AgencyAtom) and not neg]
        between = len({a.agency for a in named}) >= 2 and (  # A和B哪个更多 / which of the three most often: the
            extreme.value in ("more", "less") or _among(tags, extreme))  # named are compared
        if left_out or between:
            among = list(dict.fromkeys(a.agency for a in named)) if between else []
            limit = GroupLimit(among=among, excluding=[a.agency for a in left_out],
                               names=list({a.agency: a.name for a in reversed(named if between else left_out)}.values())[::-1])
            dropped = {a.agency for a in left_out} | ({a.agency for a in named} if between else set())
            said = set(limit.names)  # 除了“各县区”以外: the quoted name is the one left out, no topic
            update |= {"groups": limit,
                       "where": without(plan.where, lambda a: isinstance(a, AgencyAtom) and a.agency in dropped
                                        or isinstance(a, TopicAtom) and set(a.terms) <= said)}
    return plan.model_copy(update=update)


_ROW_WORDS = ("任务", "项", "条", "事项", "task", "row", "item", "tasks", "rows", "items")
PLACED_LAST = ("排最后", "排在最后")  # ranked last, or placed last: with nothing counted, the list's order


_WITHIN = ("里面", "里", "中", "当中", "之中", "里头", "里边", "中间")


def _among(tags: list[Tag], extreme: Tag) -> bool:
    """财政局、发改委、商务局哪个最多 / which of the three most often: the agencies named are the ones compared,
    when nothing but verbs and question words stands between them and the extreme (A、B共同负责的那些条目里哪个单位
    最多 asks of every agency, in their rows), or the question says "which of them"."""
    last = max((t.end for t in tags if t.kind == "agency" and t.end <= extreme.start), default=None)
    if last is None:
        return False
    if any(t.kind == "among" for t in tags):
        return True
    between = [t for t in tags if last <= t.start < extreme.start]
    texts = [t.text for t in between if t.text not in ("的", "，", ",")]
    if texts[:1] and texts[0] in _WITHIN and any(t.startswith(("哪个", "哪一个", "哪家", "谁")) for t in texts[1:3]):
        return True  # 市委部门里面，哪一个参加得最多: which of them
    return not any(t.kind == "group" or any(w in t.text for w in _ROW_WORDS) for t in between)


def _asks_for_a_row(tags: list[Tag], extreme: Tag, question: str) -> bool:
    """哪项 / 哪一条 / which task: the question asks which row, not which agency or category. The clause of the
    extreme decides when it asks something: 牵头最少的是哪家单位，它牵了哪条 ranks agencies, then asks for their
    rows; 哪一条列得最长，单位最多 asks which row."""
    stops = [m.start() for m in _CLAUSE_ENDS.finditer(question)]
    first = max((p for p in stops if p < extreme.start), default=-1)
    last = min((p for p in stops if p > extreme.start), default=10**6)
    clause = [t for t in tags if first < t.start < last]
    if _row_asked(clause):
        return True
    if any(t.kind == "group" and t.text.startswith("哪") for t in clause) or any(t.text == "which" for t in clause):
        return False  # 哪个部门…最少 / which one leads the fewest: an agency (the clause asks no row: above)
    return _row_asked(tags) or _column_ranked(tags, extreme)


_HOW_MANY = ("个数", "数量", "数目")  # 责任单位个数最少: the column's names counted


_WRITTEN = ("写", "列", "填", "得", "写得", "列得", "填得")


def _column_ranked(tags: list[Tag], extreme: Tag) -> bool:
    """责任部门最少的是哪些: the column named right before the extreme, and no group, ranks the rows by how many names
    that column holds (责任部门最少的部门, 哪个处室挂的责任单位最多: a group named, the agencies are ranked)."""
    before = [t for t in tags if t.end <= extreme.start and t.kind != "adverb" and t.text not in _HOW_MANY
              and t.text not in _WRITTEN]  # 责任单位一栏写得最少: how the column is written
    return bool(before) and before[-1].kind == "field" and before[-1].value in ("lead", "responsible") \
        and not any(t.kind == "group" for t in tags)


def _row_asked(tags: list[Tag]) -> bool:
    for k, tag in enumerate(tags):
        if tag.text in ("哪项", "哪条", "哪一项", "哪一条", "哪项任务", "哪条任务", "哪几条", "哪几项", "哪些条",
                        "哪些项", "哪几个任务", "哪些任务"):
            return True
        if tag.text in ("which", "哪个", "哪些", "哪几") and any(t.text in _ROW_WORDS for t in tags[k + 1:k + 3]):
            return True
    return False


_CLAUSE_ENDS = re.compile(r"[，,。？?；;！!]")  # the question as asked: folding keeps its length


def _roles_said(tags: list[Tag], left_out: bool = False) -> set[str]:
    """The columns the question's own words name (牵头, 作为责任单位, 不算牵头: responsible), lead or responsible;
    a role the question leaves out (牵头的不算: the role, then a word that does not count it) is not one: with
    `left_out`, those roles instead."""
    return {t.value for k, t in enumerate(tags)
            if t.kind in ("field", "role") and _left_out(tags, k) == left_out} & {"lead", "responsible"}


def _left_out(tags: list[Tag], k: int) -> bool:
    """The tag at k is followed by 不算 / 除外, only a 的 between them."""
    rest = [t for t in tags[k + 1:k + 3] if not (t.kind == "function" and t.text == "的")]
    return bool(rest) and rest[0].kind == "ignore" and rest[0].start - tags[k].end <= 1


_HIGHER = {"max": "max", "more": "max", "min": "min", "less": "min"}  # 哪个比例更高: of the rows named, the higher


def _without_end(word: str, ends: set[str]) -> str:
    """招生人数 → 招生: a topic word without the measure word it ends with (the whole word, if it is one)."""
    end = next((e for e in ends if word.endswith(e)), "")
    return word[:len(word) - len(end)]


def _group_named(tags: list[Tag], extreme: Tag) -> str | None:
    """What the question ranks (部门, 类别, 清单), the group word nearest the extreme; a column after a group mark
    (按牵头单位分) groups by agency; 清单 after a place (营口清单里, 环翠区那个清单) names the scope, not a group."""
    named = [t for k, t in enumerate(tags) if t.kind == "group" and not (t.value == "doc" and _after_place(tags, k))
             or t.kind == "field" and t.value in ("lead", "responsible") and k and tags[k - 1].text in _GROUP_MARKS]
    if not named:
        return None
    nearest = min(named, key=lambda t: abs(t.start - extreme.start))
    return "agency" if nearest.kind == "field" or nearest.value == "direct" else nearest.value


_GROUP_MARKS = ("按", "按照", "各", "每个", "by", "per")


_DETERMINERS = "那这个份张的"  # 那份 / 这个 / 的: words made of these alone


def _after_place(tags: list[Tag], k: int) -> bool:
    """The word at k follows a place, with only determiners or a list's title words between (营口清单 / 环翠区那个
    清单 / 营口的这份清单 / 辽宁部省共建任务清单)."""
    while k and (tags[k - 1].kind == "title" or all(ch in _DETERMINERS for ch in tags[k - 1].text)):
        k -= 1
    return k > 0 and (tags[k - 1].kind == "place" or tags[k - 1].kind == "function"
                      and tags[k - 1].text.startswith(LEVELS) and len(tags[k - 1].text) >= 2)  # 省里那份清单


def with_count(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """A list question asked with a count word (一共有几项, how many … tasks) is a count of the same rows; asked of
    the previous answer's rows with an agency column named (它的责任单位有几个), a count of the names in that column."""
    counted = any(t.kind == "count" for t in tags) or any(  # 列了几个责任部门: 几个 right before the column
        t.text in ("几个", "多少个") and u.kind == "field" and u.start == t.end for t, u in itertools.pairwise(tags))
    column = next((t.value for t in tags if t.kind == "field" and t.value in ("lead", "responsible")), None)
    referred = plan.reference is not None or any(t.kind == "reference" for t in tags) \
        or any(isinstance(a, RowsAtom) and a.start == a.end for a in plan.atoms())  # 第20条的责任单位有几个
    if counted and referred and column is not None:
        where = without(plan.where, lambda a: isinstance(a, EmptyAtom) and a.field == column)  # 有: the count asked
        return plan.model_copy(update={"operation": "count", "count_unit": "names", "fields": [column],
                                       "where": where})
    if plan.operation == "list" and plan.reference is None and counted:
        return plan.model_copy(update={"operation": "count"})
    return plan


def with_top(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """各部门次数排个序，前三 / rank the agencies, the first 3: the first three groups of a count by group, not
    rows 1–3 of the list."""
    first = next((t for t in tags if t.kind == "position" and t.value.startswith("first:")), None)
    if plan.operation != "group_count" or first is None or plan.group_by in ("row", "due"):
        return plan
    top = cn_number(first.value.partition(":")[2])
    limit = (plan.groups or GroupLimit()).model_copy(update={"top": top})
    return plan.model_copy(update={"groups": limit, "pick": None, "where": without(
        plan.where, lambda a: isinstance(a, RowsAtom) and a.start == 1 and a.end in (1, top))})  # "the first"


_FREQUENCY = ("how often",)  # a count of each thing named


_DISTRIBUTIVE = ("各", "各自", "分别", "各是", "各有", "分别是", "分别有", "each", "respectively", "apiece")


def with_each_asked(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """各牵头单位分别牵了几条，哪个最多: the most asked with each group's count, so every group's rows are the
    evidence (the pick is named first)."""
    if not plan.pick or plan.group_by not in ("agency", "category", "doc") \
            or not any(t.kind == "each" and t.text in _DISTRIBUTIVE for t in tags):
        return plan
    return plan.model_copy(update={"groups": (plan.groups or GroupLimit()).model_copy(update={"each": True})})


def with_each_count(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """人社、财政、文旅各出现几次 / how many list A, and how many list B: a count for each agency named; 除了X还有哪些
    部门牵头，各几条: a count for each agency but those left out. A count asked again for the next one (2021年的几条，
    2023年的几条) asks for each too, and so does a frequency (how often do A and B show up)."""
    kinds = {t.kind for t in tags}
    counts = sum(t.kind == "count" for t in tags)
    each = "each" in kinds and (counts or any(t.text in _FREQUENCY for t in tags)) or counts >= 2
    if not each or plan.operation not in ("list", "count", "group_count") or plan.reference \
            or plan.groups is not None:
        return plan
    years = [a for a, neg in iter_atoms_signed(plan.where) if isinstance(a, YearAtom) and a.op == "in" and not neg
             and a.field == "deadline"]
    if len(years) >= 2:  # 2021年、2023年的各有几条 / due in 2023 and in 2025 respectively: a count for each year
        return plan.model_copy(update={  # 写了两个年份的两边都算: a row due in two of them counts in each, as every
            "operation": "group_count", "group_by": "year", "rank": None, "fields": [],  # count by year does
            "groups": GroupLimit(among=[str(a.year) for a in years], names=[str(a.year) for a in years]),
            "where": without(plan.where, lambda a: isinstance(a, YearAtom | SizeAtom) and a.field in ("deadline", "due"))})
    categories = [a for a, neg in iter_atoms_signed(plan.where) if isinstance(a, CategoryAtom) and not neg]
    if len(categories) >= 2:  # “A”“B”这两部分各有几条: a count for each category named (the rows are theirs)
        return plan.model_copy(update={"operation": "group_count", "group_by": "category", "rank": None,
                                       "fields": []})
    named = [a for a, neg in iter_atoms_signed(plan.where) if isinstance(a, AgencyAtom) and not neg]
    left_out = [a for a, neg in iter_atoms_signed(plan.where) if isinstance(a, AgencyAtom) and neg]
    grouped = any(t.kind == "group" and t.value == "agency" or t.kind == "field" and t.value in ("lead", "responsible")
                  or t.kind == "others" for t in tags)  # 别的部门 / 其他牵头单位: the agencies counted
    if len(named) >= 2 and not left_out:
        limit = GroupLimit(among=[a.agency for a in named], names=[a.name for a in named])
    elif left_out and not named and grouped:
        limit = GroupLimit(excluding=[a.agency for a in left_out], names=[a.name for a in left_out])
    else:
        return plan
    said, dropped = _roles_said(tags), _roles_said(tags, left_out=True)
    roles = said if len(said) == 1 else ({a.role for a in named or left_out} | said) - dropped  # 作为责任单位（不算
    if not roles & {"lead", "responsible"} and dropped:  # 牵头）: the role the words say, over the rules' roles;
        roles = {"lead", "responsible"} - dropped         # 牵头的不算: the other one
    fields = [r for r in ("lead", "responsible") if r in roles][:1] if said != {"lead", "responsible"} else []
    # 牵头和责任两栏都算 / counting both the lead and responsible columns: both
    return plan.model_copy(update={
        "operation": "group_count", "group_by": "agency", "groups": limit, "fields": fields, "rank": None,
        "where": without(plan.where, lambda a: isinstance(a, AgencyAtom))})


def with_as_written(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """各牵头单位按原文各几条 / counting each lead unit exactly as written: a group for each name as written."""
    if plan.operation != "group_count" or plan.group_by != "agency" or not any(t.kind == "as_written" for t in tags):
        return plan
    return plan.model_copy(update={"groups": (plan.groups or GroupLimit()).model_copy(update={"as_written": True})})


def with_names_holding(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """带“市委”两个字的部门各参与几条: a quoted text right before the group word (only 字 / 两个字 / 的 between)
    says which agencies are counted, those whose name holds it, not which rows. The tags skip a quoted text: it is
    the gap before those words, as long as one of the plan's quoted (or literal) texts with its two marks."""
    if plan.operation != "group_count" or plan.group_by != "agency":
        return plan
    named = []
    said = [*plan.quoted, *(a.text for a in plan.atoms() if isinstance(a, TextAtom))]
    for k, tag in enumerate(tags):
        if tag.kind != "group" or _as_group(tag) != "agency":
            continue
        j = next((j for j in range(k - 1, -1, -1) if tags[j].kind not in ("function", "adverb")), -1)
        between = tags[j + 1:k]  # 两个字, 的: words only, and the quoted text (untagged, or a function word: 市委)
        ends = [tags[j].end if j >= 0 else 0, *(e for t in between for e in (t.start, t.end)), tag.start]
        gaps = {ends[i + 1] - ends[i] for i in range(0, len(ends), 2)}
        named += [q for q in said if len(q) + 2 in gaps or any(t.text == q for t in between)][-1:]
    if not named:
        return plan
    limit = (plan.groups or GroupLimit()).model_copy(update={"named_with": named})
    return plan.model_copy(update={"groups": limit, "where": without(
        plan.where, lambda a: isinstance(a, TextAtom) and a.text in named)})


def _as_group(tag: Tag) -> str | None:
    """What a group word groups by; 单位有哪些 (a function word of the lexicon) starts with one too."""
    if tag.kind == "group":
        return "agency" if tag.value == "direct" else tag.value
    return "agency" if tag.kind == "function" and tag.text.startswith(("单位", "部门")) else None


_BOUNDS = {"more": lambda n: (n + 1, None), "least": lambda n: (n, None), "less": lambda n: (None, n - 1),
           "most": lambda n: (None, n), "count": lambda n: (n, n)}


def with_rows_count(plan: QueryPlan, tags: list[Tag]) -> QueryPlan:
    """参与超过5条的部门有哪些 / 只牵头了一项任务的单位: the groups (agencies, categories) whose count of rows is
    within the bound said, the group word right after it (或 before it: 哪些部门牵头超过3项)."""
    bound = next((t for t in tags if t.kind == "rows_count"), None)
    if bound is None or plan.lineage or plan.reference is not None:
        return plan
    k = tags.index(bound)
    after = next((_as_group(t) for t in tags[k + 1:k + 3] if _as_group(t)), None)
    group = after or next((_as_group(t) for t in reversed(tags[:k]) if _as_group(t)), None)
    if group not in ("agency", "category"):
        return plan
    kind, _, said = bound.value.partition(":")
    least, most = _BOUNDS[kind](cn_number(said) if said else 1)  # only one task: no number said, one
    roles = {t.value for t in tags if t.kind == "role"} | ({"lead"} if "牵头" in bound.text else set())
    fields = [r for r in ("lead", "responsible") if r in roles][:1] if group == "agency" else []
    limit = (plan.groups or GroupLimit()).model_copy(update={"least": least, "most": most})
    where = without(plan.where, lambda a: isinstance(a, TopicAtom) and all(w in bound.text for w in a.terms))
    return plan.model_copy(update={"operation": "group_count", "group_by": group, "groups": limit,
                                   "fields": fields, "rank": None, "refuse_reason": None, "pick": None,
                                   "where": where})
