"""The rule parser: one question in, one QueryPlan out, by general mechanisms over the cue files.

Mechanisms: names (registries, tolerant matching, unresolved), coordination and its scope, a role bound to the
agency it follows, negation, row references, year expressions, count and group cues, field cues, topic words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import reduce
from typing import cast

from assistant.tokenize import Tokenizer
from assistant.understand.cues import Cues
from assistant.understand.lexicon import LEVELS
from assistant.understand.lists import ListNames
from assistant.understand.names import AgencyNames, NameMatch
from assistant.understand.numbers import row_refs, year_atoms
from assistant.understand.plan import (
    AgencyAtom,
    CategoryAtom,
    FieldName,
    FigureAtom,
    Group,
    Node,
    QueryPlan,
    RowsAtom,
    Scope,
    TextAtom,
    TopicAtom,
    Unresolved,
    YearAtom,
    all_of,
    iter_atoms,
)
from ingest.registries import SECTOR_HEADS, Registry

_QUOTED = re.compile(r"[“「『\"]([^”」』\"]{2,40})[”」』\"]|(?<![A-Za-z0-9])'([^'\n]*[\u4e00-\u9fff][^'\n]*)'(?![A-Za-z0-9])")
# '…' quotes a cell's words only when they hold Chinese ('etc.' glosses an English word)


def _quotes(text: str) -> list[str]:
    """The quoted texts of a question, in order; '…' only in a Chinese question (an English one puts a name it
    gives as an example, 'etc.' or 'X', in them)."""
    chinese = len(_CJK_CHAR.findall(text)) > len(re.findall(r"[A-Za-z]", text))
    return [a or b for a, b in _QUOTED.findall(text) if a or chinese]


_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")


_TASK_QUOTED = re.compile(r"(?:[“「『\"‘]|(?<![A-Za-z0-9])')[^”」』\"’']{6,80}(?:[”」』\"’]|'(?![A-Za-z0-9]))")  # a task's words
_QUOTES = re.compile(r"[“”‘’\"'「」『』]")
MIN_CATEGORY_CHARS = 6
_SHARED_RUN = 6  # this many characters, shared by several categories, name each of them
# the finance or tax bureaus: two agencies sharing one head noun, each with its own (finance bureau or tax bureau)
# (not when brackets after them name the agencies meant: "the commerce or finance bureaus (市商务局, 市金融局)")
_SHARED_HEAD = re.compile(r"(?<![\w-])([a-z]+) (and|or|&) ([a-z]+) (bureau|department|office|commission)s\b(?!\s*[(（])")
_PARTS = re.compile(r"[、，,和及与]")  # the parts of a question that may each name a category
_HEADS = ("部门", "单位", "系统", "口")  # a head noun several agency stems share
# 国资监管部门 / 国资、审计这些监管部门: the head after a word; （A、B、C） right after a head: its members
_HEAD_AFTER = re.compile(r"(?:[这那](?:些|类|几个|两个|三个|几家|两家|两类|几类)?)?[\u4e00-\u9fff]{0,3}(?:部门|单位|系统)|口")
_COINED = re.compile(r"[0-9a-z]+(?:\s*\+\s*[0-9a-z]+)+")  # 1+X, “金融+财政”-like coinages of letters and digits
_HEAD_BEFORE = re.compile(r"(?:部门|单位|系统|口)\s*(?:[(（:：]|—{1,2}|-{1,2})\s*(?:比如|例如|如|像|包括)?[市省区县]?$")
_NOT_PLACE_AFTER = set("委直里级场民政属辖")
_ROW_NAMED = re.compile(r"[\u4e00-\u9fff]{2,}(?:的)?(?:那条|那项|那一条|那一项|这条|这项)")  # X那条: the row about X
_WHICH_NUMBER = re.compile(r"第几(?:条|项|个)")
_SUFFIXES = ("局", "厅", "委", "办", "部", "会", "处", "院", "室", "中心", "部门", "单位")  # a name complete in itself
# "哪些实训基地建设的任务": words between the question word and 的任务 say what the tasks are about.
_TASK_OF = re.compile(r"(?:哪些|哪项|哪几项|什么|有关)[^，。？?、]{2,14}?的(?:任务|工作|事项|举措)")


def _joined_years(years: list[YearAtom]) -> list[Node]:
    """Several years named one by one (2022年和2023年) are alternatives; a comparison stands alone."""
    single = [y for y in years if y.op == "in"]
    others: list[Node] = [y for y in years if y.op != "in"]
    if len(single) > 1:
        return [*others, Group(kind="or", items=cast(list[Node], single))]
    return [*others, *single]


def _as_units(node: Node | None, units: set[str]) -> Node | None:
    """The tree with each agency that is only an institution's unit asked in that role (its measures' units)."""
    if isinstance(node, AgencyAtom) and node.agency in units:
        return node.model_copy(update={"role": "unit"})
    if isinstance(node, Group):
        return node.model_copy(update={"items": [_as_units(i, units) for i in node.items]})
    return node


def detect_lang(text: str) -> str:
    latin = len(re.findall(r"[A-Za-z]", text))
    cjk = len(re.findall(r"[\u3400-\u9fff]", text))
    return "en" if latin > 2 * cjk else "zh"


@dataclass(frozen=True)
class Reading:
    """What the parser found before deciding the operation."""

    folded: str
    lang: str
    scope: Scope
    names: list[NameMatch]
    agency_node: Node | None
    other: list[Node]
    years: list[YearAtom]
    topic: list[str]
    nouns: list[str]
    quoted: list[str]
    topic_marked: bool
    refs: list


# 宣传那一块 / 关于经费的那块: the demonstrative (or 的) before a section's mark is no word of its name
_DEMONSTRATIVES = ("那一", "这一", "那", "这", "的")


def _bracket_end(folded: str, start: int) -> int:
    """Where the bracket opened at `start` closes (the question's end, if it never does)."""
    end = folded.find(")", start)
    return end if end >= 0 else len(folded)


class RuleParser:
    """Reads a question alone (follow-ups are merged by assistant.understand.followup)."""

    def __init__(self, registry: Registry, tokenizer: Tokenizer, names: AgencyNames, categories: list[str],
                 title_words: set[str], cues: Cues | None = None, list_places: set[str] | None = None,
                 titles: list[str] | None = None, lists: ListNames | None = None,
                 structure: frozenset[str] = frozenset(),
                 category_places: dict[str, frozenset[str]] | None = None) -> None:
        self.registry = registry
        self.category_places = category_places or {}  # which places' lists hold each category
        self.lists = lists or ListNames([])
        self.list_places = list_places or set()
        self.titles = [registry.normalize(t).lower() for t in (titles or [])]
        self._provinces = {p.name for p in registry.places.by_name.values() if p.parent is None}
        self.tokenizer = tokenizer
        self.names = names
        self.categories = categories
        self.title_words = title_words
        self.cues = cues or Cues.load()
        # never topic words: the cues' words, and the lexicon's closed classes (几条, 一栏, 出现次数)
        self._cue_words = {w for cue in self.cues.all_words() for w in tokenizer.content_words(cue)} | structure
        self._structure = structure
        self._english_cue_words = {w for cue in self.cues.all_words() if cue.isascii()
                                   for w in re.findall(r"[a-z]+", cue.lower())} | {w for w in structure if w.isascii()}
        self._category_names = [(name, c) for c in categories
                                if len(name := _QUOTES.sub("", registry.normalize(c)).rstrip("。")) >= MIN_CATEGORY_CHARS]
        self._category_heads = [(head, c) for c in categories if len(head := re.split(
            r"[，,、；;]", _QUOTES.sub("", registry.normalize(c)))[0]) >= 4]
        phrases = sorted(self.cues.glossary, key=len, reverse=True)  # longest first: no overlapping terms
        self._glossary = re.compile("|".join(rf"(?<![a-z]){re.escape(p)}(?=(?:s|es)?(?![a-z]))" for p in phrases))

    def fold(self, question: str) -> str:
        """The question as the cues read it: simplified characters, variants folded, lower case."""
        return _SHARED_HEAD.sub(r"\1 \4 \2 \3 \4", self.registry.normalize.keep_spaces(question).lower())

    # -- the plan -----------------------------------------------------------------------------------------
    def parse(self, question: str) -> QueryPlan:
        r = self._read(question)
        c = self.cues
        fields = self._fields(r.folded)
        operation, group_by, unit = self._operation(r, fields)
        rank = None
        topic = TopicAtom(terms=r.quoted + [t for t in r.topic if t not in r.quoted], nouns=r.nouns,
                          in_category=operation in ("list", "count") or c.has("intent.in_category", r.folded))
        where_items: list[Node] = [r.agency_node, *r.other] if r.agency_node else list(r.other)
        if operation in ("fact", "search", "compare"):
            rank = topic.model_copy(update={"terms": topic.terms + [f"{y.year}" for y in r.years]})
            if operation == "compare":  # "哪些地方…到2025年…": the year still filters each list
                where_items += _joined_years(r.years)
        else:
            where_items += _joined_years(r.years)
            if (r.topic or r.quoted) and (r.topic_marked or r.quoted) \
                    and not any(isinstance(o, CategoryAtom) for o in r.other):
                where_items.append(topic)
        lineage = self._lineage(r)
        if lineage == "children" and not any(p in self._provinces for p in r.scope.places):
            # “…”这一条，营口怎么落地: the row asked about is in the province's list
            r = replace(r, scope=r.scope.model_copy(update={"places": [
                *r.scope.places, *sorted(p for p in self.list_places if p in self._provinces)]}))
        if lineage is not None:  # the rows named, and the lists asked about, are all a lineage question needs
            operation, rank = "lineage", None
            chosen = lineage in ("uncovered", "shared") or not (r.refs or r.quoted or _ROW_NAMED.search(r.folded))
            kept = ("rows", "category", "agency", "year") if chosen else ("rows",)  # rows chosen by conditions
            where_items = [n for n in where_items if all(a.kind in kept for a in iter_atoms(n))]  # 那部分里营口
            #没有落实的: the section's provincial rows (of a row named: that row alone)
            if not r.refs and r.quoted:  # 辽宁“…”一项: the row is the one whose task text says it
                where_items.append(TextAtom(field="text", text=r.quoted[0]))
            elif not r.refs and r.topic and _ROW_NAMED.search(r.folded):  # 学分银行那条: the rows about it
                where_items.append(TopicAtom(terms=r.topic, nouns=r.nouns))
        if operation == "group_count" and group_by == "agency" and c.has("role.lead", r.folded):
            fields = ["lead"]
        elif operation == "group_count" and group_by == "agency" and c.has("role.responsible", r.folded):
            fields = ["responsible"]  # 作为责任单位出现的，各单位几次: that column counted
        elif operation in ("count", "group_count"):  # 多少 asks the counts, not a target column
            fields = [f for f in fields if f in ("lead", "responsible")]
        plan = QueryPlan(
            question=question, lang=r.lang, operation=operation, scope=r.scope,  # type: ignore[arg-type]
            where=all_of(where_items), rank=rank, quoted=r.quoted, group_by=group_by,  # type: ignore[arg-type]
            count_unit=unit, fields=[] if lineage else fields, lineage=lineage,  # type: ignore[arg-type]
            unresolved=[Unresolved(surface=m.surface, candidates=list(m.candidates)) for m in r.names
                        if m.agency is None],
        )
        unknown = self._unknown_english(r)
        if unknown and not plan.unresolved and plan.where is None and not (rank and rank.terms) \
                and operation in ("list", "search", "fact") \
                and not self.cues.has("intent.whole_list", r.folded):
            plan.unresolved.append(Unresolved(surface=" ".join(unknown), kind="term"))
        if operation == "refuse":
            plan.refuse_reason = "no_list" if r.scope.missing else (
                "chitchat" if c.has("intent.chitchat", r.folded) else "out_of_scope")
        return plan

    def _negates_an_agency(self, r: Reading) -> bool:
        """The word for "left uncovered" is said of an agency right after it (which rows leave out 省财政厅): a
        negated agency, not lineage."""
        cue = self.cues.match("lineage.uncovered", r.folded)
        return cue is not None and any(m.agency and r.folded[cue.end():m.start].strip(" 的") in ("", *LEVELS)
                                       for m in r.names)  # (省财政厅: its level before the name read)

    def _lineage(self, r: Reading) -> str | None:
        """Which lineage question, if any: 落实的是省里哪项 (parents), 省里第15项谁在落实 (children),
        营口清单漏了省里哪些 (uncovered), 两个市都落实了哪些 (shared)."""
        c, f = self.cues, r.folded
        province = c.has("lineage.province", f) or any(p in self._provinces for p in r.scope.places)
        local = [p for p in r.scope.places if p not in self._provinces]
        if len(local) >= 2 and not r.refs and (c.has("lineage.shared", f) or c.has("lineage.together", f)
                                               and c.has("lineage.carry", f)):
            return "shared"  # (第13条营口和瓦房店都有落实吗: that row's children, not the rows both carry out)
        if c.has("lineage.uncovered", f.replace("有没有", "有")) and province \
                and not self._negates_an_agency(r):  # 有没有对应: asked, not "none"
            return "uncovered"
        named = _ROW_NAMED.search(f) if not (r.refs or r.quoted) else None  # 学分银行那条: a row named by its topic
        across = province and (bool(local) or c.has("lineage.locals", f)) and c.has("lineage.which_row", f)  # a row of one level, asked at the other
        owner = self._ref_owner(r, named.end() - 2 if named else None) \
            if (r.refs or r.quoted or named) and (c.has("lineage.carry", f) or across) else None
        if owner is not None:  # 辽宁清单第20项…瓦房店…落实: the row's own list says which way the links go
            upper = owner in self._provinces or owner == "province"
            if upper and (local or c.has("lineage.children", f) or c.has("lineage.locals", f)):
                return "children"
            if not upper and (province or len(local) >= 2):  # 瓦房店第52条对应营口哪条: through the province's row
                return "parents"
        if across and not (r.refs or r.quoted or named) and (r.other or r.agency_node) and c.has("lineage.carry", f):
            # 双师型那部分里财政厅参与的任务，营口分别落实在哪几条: rows chosen by conditions, asked at the level
            return "children" if self._ref_owner(r, c.find("lineage.which_row", f)) in local else "parents"
        if c.has("lineage.parents", f) and r.refs:
            return "parents"
        if c.has("lineage.children", f) and r.refs and province:
            return "children"
        return None

    def _ref_owner(self, r: Reading, at: int | None = None) -> str | None:
        """The place whose list the first row number (or the row named at `at`) belongs to: the place (or 省里)
        said last before it, else the first one said after it."""
        start = at if at is not None else r.refs[0].span[0] if r.refs \
            else r.folded.find(self.registry.normalize(r.quoted[0]).lower())
        said: list[tuple[int, str]] = []
        for mention in self.registry.places.find(r.folded).jurisdictions:
            at = r.folded.find(mention.surface)
            if at >= 0:
                said.append((at, mention.key))
        cue = self.cues.find("lineage.province", r.folded)
        if cue >= 0:
            said.append((cue, "province"))
        before = [s for s in said if s[0] < start]
        after = [s for s in said if s[0] > start]
        if before:
            return max(before)[1]
        if r.quoted and not r.refs and after:  # “…”这一条，营口和瓦房店怎么落地: the quote is the other level's row
            upper = any(p in self._provinces or p == "province" for _, p in after)
            return next(iter(sorted(p for p in self.list_places if p not in self._provinces)), None) if upper \
                else "province"
        return min(after)[1] if after else None

    def _operation(self, r: Reading, fields: list[FieldName]) -> tuple[str, str | None, str]:
        c, f = self.cues, _WHICH_NUMBER.sub("哪条", r.folded)  # 是第几条 asks which row, not a figure (几)
        has_filter = bool(r.agency_node or r.other or r.refs)
        scoped = bool(r.scope.places or r.scope.institution or r.scope.docs)
        if r.scope.missing and not scoped:
            return "refuse", None, "rows"
        if (c.has("intent.chitchat", f) or c.has("intent.produce", f)) and not (scoped or has_filter):
            return "refuse", None, "rows"
        group_by = self._group_by(f)
        if c.has("count.categories", f) and not (group_by and c.is_count(f)):  # 有几个主要任务，每个下面几条: a
            return "count", None, "category"                                    # count for each
        if group_by and (c.is_count(f) or c.has("intent.compare", f) or c.has("group.count", f) or "几项" in f
                         or "多少" in f):
            return "group_count", group_by, "rows"
        if c.is_count(f):
            return "count", None, "rows"
        if r.refs:
            return "list", None, "rows"
        years_filter = bool(r.years) and (c.has("intent.deadline", f) or c.has("intent.agency_list", f)
                                          or c.has("years.mentioned", f)
                                          or any(y.op != "in" or y.field == "mentioned" for y in r.years))
        if years_filter and not (r.topic and c.has("intent.fact", f) and not c.has("intent.agency_list", f)):
            return "list", None, "rows"
        if (c.has("intent.compare", f) or c.has("intent.across", f) or len(r.scope.places) > 1) and r.topic \
                and not r.agency_node:
            return "compare", None, "rows"
        if r.lang == "en" and not r.topic and not r.agency_node and c.has("intent.fact", f) \
                and not c.has("intent.agency_list", f) and not c.has("intent.whole_list", f):
            return "fact", None, "rows"
        if has_filter and not (r.topic and c.has("intent.fact", f) and not c.has("intent.agency_list", f)
                               and not r.topic_marked):
            return "list", None, "rows"
        if scoped and not r.topic:
            return "list", None, "rows"
        if r.topic:
            return ("fact" if c.has("intent.fact", f) or "target" in fields else "search"), None, "rows"
        if any(m.agency is None for m in r.names):
            return "list", None, "rows"
        return "refuse", None, "rows"

    def _group_by(self, folded: str) -> str | None:
        c = self.cues
        if not c.has("group.marks", folded):
            return None
        loose = c.words("group.loose")
        dimensions = ("role", "category", "doc", "year", "agency")
        for dimension in dimensions:  # 各部门 / 每个清单: the word right after its mark, first
            for word in c.words(f"group.{dimension}"):
                if any(f"{mark}{word}" in folded or f"{mark}个{word}" in folded for mark in c.words("group.marks")):
                    return dimension
        for dimension in dimensions if c.is_count(folded) else ():  # 主要任务各有几条 (方面各有什么 asks no count)
            for word in c.words(f"group.{dimension}"):
                if any(f"{word}{under}{mark}" in folded for under in ("", *c.words("group.under"))
                       for mark in c.words("group.after")):
                    return dimension
        for dimension in dimensions:  # 按…统计: a loose mark anywhere, with the word anywhere
            for word in c.words(f"group.{dimension}"):
                if any(mark.strip() in loose and mark in folded and word in folded for mark in c.words("group.marks")):
                    return dimension
        return None

    def _unknown_english(self, r: Reading) -> list[str]:
        """English words of the question that nothing understood: no stopword, cue, place, agency or glossary."""
        if r.lang != "en":
            return []
        known = set(self._english_cue_words)
        covered = " ".join([*(m.surface for m in r.names), *(m.group(0) for m in
                            self._glossary.finditer(r.folded))])
        known |= set(re.findall(r"[a-z]+", covered))
        words = [re.sub(r"['’]s$", "", w) for w in re.findall(r"[a-z][a-z'’-]*", r.folded)]  # college's: college
        words = [w for w in words if w not in known and len(w) > 2]
        said = " ".join(m.surface for m in self.registry.places.find(r.folded).institutions).lower()
        return [w for w in dict.fromkeys(words) if not self.registry.places.find(w).jurisdictions and w not in said]

    def _fields(self, folded: str) -> list[FieldName]:
        fields: list[FieldName] = []
        for name in ("lead", "responsible", "due", "target", "text", "category"):
            if self.cues.has(f"fields.{name}", folded):
                fields.append(name)  # type: ignore[arg-type]
        return fields

    # -- reading ------------------------------------------------------------------------------------------
    def _read(self, question: str) -> Reading:
        folded = self.fold(question)
        lang = detect_lang(question)
        scope, place_spans, surfaces = self._scope(question, folded)
        names = [m for m in self.names.find(folded, place_spans) if not self._names_a_list(m, folded)]
        refs = row_refs(folded, place_spans)
        agency_node = self._agency_condition(folded, [m for m in names if m.agency], refs)
        scope = self._lists_named(question, scope, names)
        if scope.institution:  # 锦州师专教务处: the institution's own unit, named by its measures
            agency_node = _as_units(agency_node, set(self.lists.unit_owners))
        other: list[Node] = []
        if refs:
            spans = [RowsAtom(start=r.start, end=r.end) for r in refs]
            other.append(spans[0] if len(spans) == 1 else Group(kind="or", items=cast(list[Node], spans)))
        if self.cues.has("intent.figure", folded):
            other.append(FigureAtom())
        categories = self._categories(question, scope.places)
        category = categories[0] if categories else None
        if categories:
            atoms = [CategoryAtom(name=c) for c in categories]
            other.append(atoms[0] if len(atoms) == 1 else Group(kind="or", items=cast(list[Node], atoms)))
        years = year_atoms(folded, self.cues.section("years"), lang)
        surfaces += [m.surface for m in names]
        english = self._english_terms(folded)
        topic = [] if category else self._topic(question, surfaces, english)
        tagged = set(self.tokenizer.nouns(question)) | set(english) if topic else set()
        nouns = [w for w in topic if w in tagged]
        quoted = [self.registry.normalize(q) for q in _quotes(question)]
        # 「营口市工作任务清单」 names a list, not a topic
        quoted = [q for q in quoted if "清单" not in q and not any(q.lower() in t for t in self.titles)]
        if category:
            quoted = []
        unopened = reduce(lambda text, w: text.replace(w, " "), [w for w in self.cues.words("intent.followup")
                                                                   if w.isascii()], folded)
        marked = self.cues.has("intent.topic_marks", unopened) or bool(english and not names) \
            or bool(_TASK_OF.search(folded))  # what about Huancui: an opener of a follow-up, no topic marked
        return Reading(folded, lang, scope, names, agency_node, other, years, topic, nouns, quoted, marked, refs)

    def _scope(self, question: str, folded: str) -> tuple[Scope, list[tuple[int, int]], list[str]]:
        def masked(text: str) -> str:  # “在锦州、盘锦等市建设…”那条: the places a quoted task text names are not
            return _TASK_QUOTED.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1], text)
        question, folded = masked(question), masked(folded)  # where to look
        places = self.registry.places.find(question)
        mentions = [*places.jurisdictions, *places.institutions, *places.other]
        spans = []
        for m in mentions:
            start = folded.find(m.surface)
            if start >= 0:
                spans.append((start, start + len(m.surface)))
        missing = list(dict.fromkeys(m.key for m in places.other))
        known = set(self.registry.places.names) | set(self.registry.places.institution_names)
        for start, end in self._unknown_places(folded):
            name = folded[start:end]
            if all(end <= a or start >= b for a, b in spans) and self.registry.normalize(name) not in known \
                    and not self.names.agencies.find(name):
                missing.append(name)
                spans.append((start, end))
        named = list(dict.fromkeys(m.key for m in places.jurisdictions))
        chains = {p: self.registry.places.chain(p)[1:] for p in named}
        # 大连市 in "达到大连市…标准" beside 瓦房店市: a named ancestor with no list of its own is context.
        named = [p for p in named if p in self.list_places or not any(p in chains[q] for q in named if q != p)]
        if not any(p in self._provinces for p in named) and not places.other \
                and self.cues.has("lineage.province", folded):
            # 省清单 / 省里: the province's own list, when the lists held name one province (吉林省里: that one)
            named += sorted(p for p in self.list_places if p in self._provinces)
        scope = Scope(places=named, institution=places.institutions[0].key if places.institutions else None,
                      missing=missing)
        return scope, spans, [m.surface for m in mentions]

    def _lists_named(self, question: str, scope: Scope, names: list[NameMatch]) -> Scope:
        """The scope narrowed to the lists the question names by title (one of several lists of a place), and
        to an institution's measures when every agency named is one of its own units (教务处, 人事处)."""
        docs = self.lists.named_docs(question)
        if docs:
            scope = scope.model_copy(update={"docs": docs})
        if not scope.missing and not scope.institution:  # 部省共建清单: the list's place, beside any other named
            for item in self.lists.nicknamed(question):
                places = [*scope.places, *([item.jurisdiction] if item.jurisdiction not in scope.places else [])]
                alone = sum(i.jurisdiction == item.jurisdiction for i in self.lists.lists) == 1
                scope = scope.model_copy(update={"places": places} if alone else
                                         {"places": places, "docs": [*scope.docs, item.doc]})
        owners = {self.lists.unit_owners.get(m.agency or "") for m in names if m.agency}
        if scope.institution is None and len(owners) == 1 and None not in owners and not scope.docs:
            owner = owners.pop() or ""
            home = self.registry.places.institutions[owner].jurisdiction if owner in \
                self.registry.places.institutions else None
            if not scope.places or scope.places == [home]:
                scope = scope.model_copy(update={"institution": owner, "places": []})
        return scope

    def _names_a_list(self, m: NameMatch, folded: str) -> bool:
        """教育部 in "教育部与辽宁省人民政府部省共建任务清单": a name inside a list's title, naming the list."""
        return "清单" in folded[m.end:] and any(m.surface in t for t in self.titles)

    def _unknown_places(self, folded: str) -> list[tuple[int, int]]:
        """Spans of "X市 / X县 / X省" whose X (2 to 4 characters) stands alone: a place the registry lacks."""
        found = []
        for match in re.finditer(r"[市县省]", folded):
            start = match.start()
            while start > 0 and match.start() - start < 4 and "\u4e00" <= folded[start - 1] <= "\u9fff" \
                    and folded[start - 1] not in self.names.boundary:
                start -= 1
            before = folded[start - 1] if start else ""
            name = folded[start:match.end()]
            if folded[match.end():match.end() + 1] in _NOT_PLACE_AFTER:
                continue  # 市委, 市直, 市里: 市 as a level, not the end of a place name
            rest = folded[match.end():]
            if not self.tokenizer.is_word(folded[start:match.start()]) and rest.startswith(self.names.prefixes):
                continue  # 还带着市税务局: no place word, and the level of the agency named next
            if match.start() - start >= 2 and (not before or before in self.names.boundary or not
                                                ("\u4e00" <= before <= "\u9fff")) \
                    and not name.startswith(tuple(self.cues.words("places.not_places"))):
                found.append((start, match.end()))
        return found

    def _agency_condition(self, folded: str, names: list[NameMatch], refs: list) -> Node | None:
        """Agencies joined by their connectors: AND (和, 共同, 都), OR (或), each with its own role. Negation and
        only-these are the grammar's (assistant/understand/grammar.lark), which knows their scope."""
        names = [m for k, m in enumerate(names) if not (k and m.agency and m.agency == names[k - 1].agency
                                                         and folded[names[k - 1].end:m.start].strip() in "(（"
                                                         and folded[m.end:].lstrip().startswith((")", "）")))]
        # the staffing office (编办): a name glossed in brackets is one agency
        names = [m for m in names if not (m.surface.endswith(SECTOR_HEADS) and folded[m.end:m.end + 1] in "(（"
                                          and any(m.end < n.start < _bracket_end(folded, m.end) for n in names))]
        if not names:  # a sector word with its members in brackets after it: the members, not one more name;
            # 税务部门（牵头或者配合都算）: roles in the brackets, the name stays
            return None
        c = self.cues
        roles = [self._role_after(folded, m, names[i + 1].start if i + 1 < len(names) else len(folded))
                 for i, m in enumerate(names)]
        for i in range(len(roles) - 2, -1, -1):  # "A和B牵头": A takes the role of the agency it is joined to
            if roles[i] is None and roles[i + 1] is not None and self._joined(folded, names[i], names[i + 1]):
                roles[i] = roles[i + 1]
        global_role = self._role_before(folded, names[0]) if all(r is None for r in roles) else None
        groups: list[list[Node]] = [[]]
        kinds: list[str] = ["and"]
        for i, m in enumerate(names):
            role = roles[i] or global_role or "any"
            atom: Node = AgencyAtom(agency=m.agency or "", name=m.surface, role=role)  # type: ignore[arg-type]
            if i and not self._joined(folded, names[i - 1], m):
                groups.append([])
                kinds.append("and")
            elif i and c.has("coordination.or", folded[names[i - 1].end:m.start]):
                kinds[-1] = "or"
            groups[-1].append(atom)
        if c.has("coordination.each", folded) and not self.jointly(folded):
            kinds = ["or" for _ in kinds]
        elif len(groups) == 1 and any(folded.startswith(w, names[-1].end) for w in c.words("coordination.theirs")) \
                and not self.jointly(folded):  # A和B的任务: the tasks of either; A和B参与的 stays both
            kinds = ["or"]
        kinds = self._shared_heads(folded, names, groups, kinds)
        if c.has("coordination.any", folded):
            kinds = ["or" for _ in kinds]
        return all_of([items[0] if len(items) == 1 else Group(kind=kind, items=items)  # type: ignore[arg-type]
                       for items, kind in zip(groups, kinds, strict=True)])

    def _shared_heads(self, folded: str, names: list[NameMatch], groups: list[list[Node]],
                      kinds: list[str]) -> list[str]:
        """审计和国资部门 / 科技、工信部门: stems joined under one head noun name a group of agencies, any of them
        (unless 都 / 共同 asks for all of them together)."""
        if self.jointly(folded):
            return kinds
        out, k = list(kinds), 0
        for g, items in enumerate(groups):
            members, k = names[k:k + len(items)], k + len(items)
            if len(members) < 2 or out[g] != "and":
                continue
            last = members[-1]
            if _HEAD_BEFORE.search(folded[:members[0].start]):  # 市委系统的单位（A、B、C）: the group's members
                out[g] = "or"
                continue
            after = _HEAD_AFTER.match(folded, last.end)
            headed = last.surface.endswith(_HEADS) or bool(after)
            pointed = after is not None and after.group(0)[:1] in "这那"  # 发改委、商务局这几个经济部门: named in full too
            if headed and (pointed or not any(m.surface.endswith(_SUFFIXES) for m in members[:-1])):
                out[g] = "or"
        return out

    def jointly(self, folded: str) -> bool:
        """共同 / 一起 / 都: the agencies together; 都有哪些 asks for all the rows, not for them together."""
        for phrase in self.cues.words("coordination.not_jointly"):
            folded = folded.replace(phrase, "")
        return self.cues.has("coordination.jointly", folded)

    def _joined(self, folded: str, a: NameMatch, b: NameMatch) -> bool:
        between = folded[a.end:b.start]
        if len(between.strip()) > 8:
            return False
        stripped = between
        for cue in (*self.cues.words("role.lead"), *self.cues.words("role.responsible"), "单位", "部门"):
            stripped = stripped.replace(cue, "")
        stripped = stripped.strip()
        return not stripped or any(stripped.startswith(j.strip()) or stripped.endswith(j.strip())
                                   for j in (*self.cues.words("coordination.and"),
                                             *self.cues.words("coordination.or")) if j.strip())

    def _role_after(self, folded: str, m: NameMatch, limit: int) -> str | None:
        window = folded[m.end:min(limit, m.end + (8 if folded[m.end:m.end + 1] > "\u3000" else 16))]
        return next((role for role in ("lead", "responsible") if self.cues.find(f"role.{role}", window) >= 0), None)

    def _role_before(self, folded: str, m: NameMatch) -> str | None:
        window = folded[max(0, m.start - 8):m.start]
        for role in ("lead", "responsible"):
            if self.cues.has(f"role.{role}", window):
                return role
        if self.cues.has("role.lead", folded) and not self.cues.has("role.responsible", folded):
            return "lead"
        if self.cues.has("role.responsible", folded):
            return "responsible"
        return None

    def _categories(self, question: str, places: list[str] | None = None) -> list[str]:
        """The categories (主要任务) the question names, e.g. “打造‘双师型’教师队伍”; several (“A”和“B”这两部分)
        in the order said."""
        folded = _QUOTES.sub("", self.registry.normalize(question))
        said: dict[str, tuple[int, str]] = {}
        for name, category in self._category_names:
            if name in folded and name not in said and not any(name in other for other in said):
                said[name] = (folded.find(name), category)
        named = [category for _, category in sorted(said.values())]
        if named:
            return named
        if not self.cues.has("intent.category_marks", self.fold(question)):  # English marks are whole words
            return []
        asked = set(places or [])  # 辽宁清单…那块: the categories of the lists asked about, when one names them
        in_scope = [(n, c) for n, c in self._category_names if self.category_places.get(c, frozenset()) & asked]
        candidates = in_scope or self._category_names
        per_part = [self._sharing(part, candidates) for part in _PARTS.split(folded)]  # 一带一路、部省协同这两块
        several = list(dict.fromkeys(c for found in per_part if len(found) == 1 for c in found))
        if len(several) >= 2:  # each part its own category, quoted or not (“一带一路”那块、信息技术那块)
            return several
        # the Belt and Road section: the glossary's words for the English terms, each held by one category's name
        english = [[c for name, c in candidates if t in name] for t in self._english_terms(self.fold(question))]
        if any(len(o) == 1 for o in english):
            return list(dict.fromkeys(o[0] for o in english if len(o) == 1))
        # “职业教育宣传”“智慧职业教育”这几块: quoted parts of categories' names, each the shortest name holding it
        parts = [self.registry.normalize(q) for q in _quotes(question)]
        owners = [[c for name, c in self._category_names if len(p) >= 4 and p in name] for p in parts]
        if parts and all(owners):
            return list(dict.fromkeys(min(o, key=len) for o in owners))
        # "“明确专业办学定位”这一部分": a category named by its first clause, when one category has it
        heads = [c for head, c in self._category_heads if head in folded]
        if heads:
            return heads[:1] if len(heads) == 1 else []
        # "提质培优行动计划那块": the category sharing the longest run of words with the question: a run of at
        # least four characters longer than any other category's (职业教育, in many, names none), or a run so long
        # that the categories sharing it are the same words in several lists
        shared = self._sharing(folded, candidates)
        if shared or not in_scope:
            return shared
        # 双师型那块: a word the category's own name quotes (打造“双师型”教师队伍), in the one category of the lists asked
        marked = list(dict.fromkeys(c for _, c in in_scope for q in _quotes(c) if q in folded))
        if len(marked) == 1:
            return marked
        # 宣传那一块: the word right before the mark, when one category of the lists asked holds it (the
        # shortest ending of the words before it that names one)
        mark = self.cues.match("reference.section", folded)  # 那块 / 这部分: not 部分 alone (宣传部分别)
        before = re.search(r"[\u4e00-\u9fff]+$", folded[:mark.start()]) if mark is not None else None
        while before is not None and before.group().endswith(tuple(_DEMONSTRATIVES)):
            before = re.search(r"[\u4e00-\u9fff]+$", before.group()[:-1]) if len(before.group()) > 1 else None
        words = before.group() if before is not None else ""
        for size in range(2, min(len(words), 6) + 1):
            holders = list(dict.fromkeys(c for name, c in in_scope if words[-size:] in name))
            if len(holders) == 1 and words[-size:] not in self._structure:
                return holders
        return []

    def _sharing(self, text: str, candidates: list[tuple[str, str]]) -> list[str]:
        """The categories sharing the most words with the text (runs of two characters or more, in order, none a
        structure word alone: 经费投入 shares 经费 and 投入 with 保障经费长效稳定投入; 任务 counts for none): one
        sharing four characters or more, more than any other, or every category sharing six or more."""
        shared: dict[str, int] = {}
        for name, category in candidates:
            blocks = SequenceMatcher(None, text, name, autojunk=False).get_matching_blocks()
            run = sum(b.size for b in blocks if b.size >= 2 and text[b.a:b.a + b.size] not in self._structure)
            shared[category] = max(shared.get(category, 0), run)
        best = max(shared.values(), default=0)
        tied = [category for category, run in shared.items() if run == best]
        if best >= 4 and len(tied) == 1 or best >= _SHARED_RUN:  # 双师型教师队伍 in two lists' categories: either
            return tied  # (the places asked keep the rows of their own)
        return []

    def _english_terms(self, folded: str) -> list[str]:
        """Chinese words for the English terms a question uses (longest phrase first, no overlaps)."""
        if not re.search(r"[a-z]{3}", folded):
            return []
        return list(dict.fromkeys(self.cues.glossary[m.group(0)] for m in self._glossary.finditer(folded)))

    def _all_structure(self, word: str) -> bool:
        """数最多 (jieba's cut of 个数最多): a word made of structure words alone (数 + 最多) is no topic; 带头人 is."""
        ends = {0}
        for j in range(1, len(word) + 1):
            if any(i in ends and word[i:j] in self._structure for i in range(j)):
                ends.add(j)
        return len(word) in ends

    def _topic(self, question: str, surfaces: list[str], english: list[str]) -> list[str]:
        # 1+X: a coined term, whole (in an English question, its words apart: "mention the 1+X system")
        words = [re.sub(r"\s+", "", w) for w in _COINED.findall(self.registry.normalize.keep_spaces(question).lower())]
        for word in self.tokenizer.content_words(question):
            if word.isascii() and word.isalpha():
                continue  # English words match no row: their glossary terms stand in for them
            if word in self._cue_words or word in self.title_words or word.isdigit() or self._all_structure(word):
                continue
            if any(word in s or s in word for s in surfaces):
                continue
            if re.fullmatch(r"((19|20)\d{2}年?|第?[\d一二三四五六七八九十]+[项条个号]?)", word):
                continue
            words.append(word)
        return list(dict.fromkeys(words + english))
