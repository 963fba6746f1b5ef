"""Coverage accounting: which words of a question the plan used, and which it did not read.

Each span of the question is a name the plan uses, a topic word it searches, a number, a function word, or a
construct word (negation, only, extremes, positions, literal text) whose construct the plan holds. Anything else
is unread, and an answer with unread words says so instead of answering as if it had understood.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from assistant.understand.lexicon import CONSTRUCTS, Lexicon, Tag, document_words, heads_a_quote
from assistant.understand.names import COMMITTEES
from assistant.understand.numbers import cn_number
from assistant.understand.plan import (
    AgencyAtom,
    CategoryAtom,
    EmptyAtom,
    Group,
    OnlyAtom,
    QueryPlan,
    RowsAtom,
    SizeAtom,
    TextAtom,
    TopicAtom,
    YearAtom,
    iter_atoms,
    iter_atoms_signed,
)
from assistant.understand.ranking import PLACED_LAST

_CONTENT = re.compile(r"[\u3400-\u9fffa-z0-9]")
# Operations whose rows are ranked by the whole question's meaning (the dense ranker reads every word), and
# refusals: there only names and construct words must be read by the plan.
RANKED = ("fact", "search", "compare")
_QUOTES = re.compile(r"[“”‘’\"'「」『』《》]")
_QUOTED_THIS = re.compile(r"([”」』\"])\s*(?:这一条|这一项|这条|这项|那条|那项|那一项|一项|一条)")


def _has_not(node: object) -> bool:
    if isinstance(node, Group):
        return node.kind == "not" or any(_has_not(i) for i in node.items)
    return False


def _ranks_rows_by_names(plan: QueryPlan) -> bool:
    """最少的…就是只写了一家的: rows ranked by how many names they hold restate a count of names."""
    return plan.operation == "group_count" and plan.group_by == "row"


def _holds(kind: str, plan: QueryPlan) -> bool:
    """Whether the plan holds the construct a construct word asks for."""
    atoms = plan.atoms()
    if kind == "negation":
        return _has_not(plan.where) or bool(plan.groups and plan.groups.excluding) or any(isinstance(a, EmptyAtom | OnlyAtom) for a in atoms) \
            or plan.lineage == "uncovered"  # 除了X没有别的: only X
    if kind == "first":
        return any(isinstance(a, AgencyAtom) and a.first for a in atoms)
    if kind == "single":  # 只有X一个部门: the only-these condition counts them too; A、B两家一起: the agencies named
        return any(isinstance(a, SizeAtom | OnlyAtom) for a in atoms) or _ranks_rows_by_names(plan) \
            or len({a.agency for a in atoms if isinstance(a, AgencyAtom)}) >= 2
    if kind == "ignore":
        return any(isinstance(a, OnlyAtom | SizeAtom) and a.ignoring for a in atoms) or _has_not(plan.where) \
            or bool(plan.groups and plan.groups.excluding) \
            or plan.operation == "group_count" and len(plan.fields) == 1  # 牵头的不算: one column counted
    if kind == "category_ref":  # 这个主要任务: the category of the rows asked about
        return any(isinstance(a, CategoryAtom) for a in atoms)
    if kind == "rows_count":  # 参与超过5条的部门: groups kept by their count
        return bool(plan.groups and (plan.groups.least is not None or plan.groups.most is not None))
    if kind == "years":  # 两个年份: how many years a row names; in a count by year, a row due in two is in both
        return any(isinstance(a, SizeAtom) and a.field == "due" for a in atoms) or plan.group_by == "year"
    if kind == "blank":
        return any(isinstance(a, EmptyAtom) for a in atoms)
    if kind == "only":  # 只有牵头单位、责任单位是空的: one column filled, the other blank
        empties = [negated for a, negated in iter_atoms_signed(plan.where) if isinstance(a, EmptyAtom)]
        signed = {(a.agency, negated) for a, negated in iter_atoms_signed(plan.where) if isinstance(a, AgencyAtom)}
        return any(isinstance(a, OnlyAtom | SizeAtom) or isinstance(a, YearAtom) and a.only for a in atoms) \
            or _ranks_rows_by_names(plan) or any((agency, not negated) in signed for agency, negated in signed) \
            or any(isinstance(a, TextAtom) and a.whole for a in atoms) or True in empties and False in empties
        # X不是牵头、只是配合: X in the rows, in the one role only (the other negated)
    if kind == "besides":  # 还出现在哪条: the previous rows left out
        return _has_not(plan.where) and any(isinstance(a, RowsAtom) for a in atoms)
    if kind == "contrast":  # A rather than B: B negated
        return _has_not(plan.where)
    if kind == "outcome":  # 实际花了多少: refused as a result no list records
        return plan.refuse_reason == "outcome"
    if kind == "as_written":  # 按原文统计: the count keeps the names as written
        return bool(plan.groups and plan.groups.as_written)
    if kind == "spelling":  # a short form said with its text (缩写成“X”): a text in an agency column; 第3条的责任
        return any(isinstance(a, TextAtom) and a.field in ("lead", "responsible", "units") for a in atoms) \
            or any(isinstance(a, AgencyAtom) and a.written != "any" for a in atoms) \
            or bool(plan.fields) and (plan.reference is not None or any(isinstance(a, RowsAtom) for a in atoms))
        # 单位全称是怎么写的: the column of the rows named, as written
    if kind == "about":  # 名称带“委”字的部门: the names of the agencies counted
        return plan.operation == "about" or bool(plan.groups and plan.groups.named_with)
    if kind == "reference":  # "the first task …, and who is responsible for it": it is the row named; 那它当责任
        # 单位的呢: the agency the previous turn asked about, carried over; 最少的是哪家，它牵了哪条: the group picked
        return plan.reference is not None or any(isinstance(a, RowsAtom) for a in atoms) or plan.pick is not None \
            or any(isinstance(a, TopicAtom) and a.names_row for a in atoms) \
            or plan.followup == "replace" and any(isinstance(a, AgencyAtom) for a in atoms) \
            or plan.lineage is not None and any(isinstance(a, TopicAtom | TextAtom) for a in atoms)  # X那项
    if kind == "count":
        return plan.operation in ("count", "group_count") or plan.operation in RANKED
    if kind == "extreme":  # 最多可以预留多少比例: in a figure question, the bound the figure states; 排名前三
        return plan.pick is not None or plan.operation == "fact" and plan.unit is not None \
            or bool(plan.groups and plan.groups.top)
    if kind == "position":  # 前五条: rows by position; 以“X”开头: a text at the cell's start or end; 前三名
        return any(isinstance(a, RowsAtom) or isinstance(a, TextAtom) and a.at != "any" for a in atoms) \
            or bool(plan.groups and plan.groups.top) \
            or bool(plan.reference and plan.reference.position)
    if kind == "literal":  # a column's text, or the task text searched for the words quoted
        return any(isinstance(a, TextAtom | TopicAtom | EmptyAtom | OnlyAtom) for a in atoms) \
            or bool(plan.rank and plan.rank.terms) \
            or any(isinstance(a, AgencyAtom) for a in atoms) \
            or any(isinstance(a, YearAtom) for a in atoms) or bool(plan.groups and plan.groups.among) \
            or any(isinstance(a, AgencyAtom) and negated for a, negated in iter_atoms_signed(plan.where)) \
            or bool(plan.fields) and (plan.reference is not None or any(isinstance(a, RowsAtom) for a in atoms)) \
            or plan.operation == "list" and any(isinstance(a, RowsAtom) for a in atoms) \
            or _ranks_rows_by_names(plan)  # what does row 44 say; which task names the most agencies
        # 写着各县区, 写着2023年, 完成时间填的是2021年; 第3条责任单位怎么写的: the column of the rows named;
        # X没列进去 / 把X列进去了: an agency (not) written in the row; how many rows name A, and how many B: the agencies counted
    return True


_LISTS_COUNTED = re.compile(r"\s*(?:张|份|个清单|个表|个地方|地|个市|清单|表|lists?\b)")  # 四个 | 清单
_DIGITS = re.compile(r"\d+|[零〇一二两三四五六七八九十百]+")


def _number_used(text: str, plan: QueryPlan, sizes: Iterable[int] = ()) -> bool:
    """Whether a number the question states is one the plan holds: a row number or a position, a year, how many
    agencies or groups, how many rows it refers to, or a text it searches for. 两个年份 read as "a year", 只出现过
    一次 read without the count: the number was dropped."""
    said = _DIGITS.findall(text)
    if not said:
        return True
    numbers: set[int] = {len(plan.scope.places), *sizes}  # 省清单54条里: the size of a list in scope
    for atom in plan.atoms():
        if isinstance(atom, RowsAtom):
            numbers |= {abs(atom.start), abs(atom.end), abs(atom.end - atom.start) + 1}
        elif isinstance(atom, YearAtom):
            numbers |= {atom.year, atom.until or atom.year}
        elif isinstance(atom, SizeAtom):
            numbers |= {atom.count, atom.count - 1}  # 不止一个: two or more
    if plan.groups and plan.groups.top:
        numbers.add(plan.groups.top)
    if plan.groups and plan.groups.rank:  # 第二呢 after a ranking: the place asked
        numbers.add(plan.groups.rank)
    if plan.groups:  # 超过5条: at least 6; 少于3条: at most 2
        numbers |= {n + d for n in (plan.groups.least, plan.groups.most) if n is not None for d in (-1, 0, 1)}
    numbers.add(sum(isinstance(a, CategoryAtom) for a in plan.atoms()))  # 这两个部分: the categories named
    if plan.reference:
        numbers |= {len(plan.reference.rows), plan.reference.position or 0}
    if any(cn_number(n) in numbers for n in said if len(n) <= 4):
        return True
    written = " ".join(used_phrases(plan))
    return any(n in written for n in said)


def used_phrases(plan: QueryPlan) -> list[str]:
    """The words of the question the plan took up: topic terms, quoted phrases, agency and category names."""
    phrases = list(plan.quoted) + (plan.rank.terms if plan.rank else [])
    for atom in plan.atoms():
        if isinstance(atom, TopicAtom):
            phrases += atom.terms
        elif isinstance(atom, AgencyAtom):
            phrases.append(atom.name)
        elif isinstance(atom, OnlyAtom):
            phrases += atom.names
        elif isinstance(atom, CategoryAtom):
            phrases.append(atom.name)
        elif isinstance(atom, TextAtom):
            phrases.append(atom.text)
    phrases += [u.surface for u in plan.unresolved] + plan.scope.missing + (plan.groups.names if plan.groups else [])
    return [p.lower() for p in phrases if p]


class Coverage:
    """Accounts for every word of a question against its plan."""

    def __init__(self, lexicon: Lexicon, split: Callable[[str], list[str]], stopwords: set[str],
                 ancestors: Callable[[str], list[str]],
                 sizes: Callable[[QueryPlan], set[int]] = lambda plan: set(),
                 in_corpus: Callable[[str], bool] = lambda word: True) -> None:
        self.lexicon = lexicon
        self.in_corpus = in_corpus  # whether any row of the index holds a word
        self.sizes = sizes  # how many rows and categories the lists in a plan's scope have
        self.split = split
        self.stopwords = stopwords
        self.ancestors = ancestors

    def unread(self, folded: str, plan: QueryPlan) -> list[str]:
        """The words of the question nothing read, in order: dropped content words, and construct words whose
        construct the plan does not hold (最多 without a pick, 前五条 without a position). A question about a place
        with no list is answered by saying so: nothing of it is left unread."""
        if plan.operation == "refuse" and (plan.scope.missing and not plan.scope.places or plan.refuse_reason == "outcome"):
            return []  # (实际花了多少: refused as a result no list records; its other words change nothing)
        folded = _QUOTED_THIS.sub(r"\1", folded)  # “…”这一条: the demonstrative is the quoted row
        folded = _QUOTES.sub("", folded)
        used = [_QUOTES.sub("", p) for p in used_phrases(plan)]  # a construct word is never a topic word
        tags = self.lexicon.tag(folded, [p for p in used if not self._construct(p)])
        agencies = {a.agency for a in iter_atoms(plan.where) if isinstance(a, AgencyAtom)}
        agencies |= {a for o in plan.atoms() if isinstance(o, OnlyAtom) for a in [*o.agencies, *o.ignoring]}
        agencies |= {a for o in plan.atoms() if isinstance(o, SizeAtom) for a in o.ignoring}
        if plan.groups:
            agencies |= {*plan.groups.among, *plan.groups.excluding}
        places = set(plan.scope.places) | {a for p in plan.scope.places for a in self.ancestors(p)}
        unread: list[str] = []
        covered = [False] * len(folded)
        searched = plan.rank.terms if plan.rank and plan.reference is None else []
        for k, tag in enumerate(tags):
            covered[tag.start:tag.end] = [True] * (tag.end - tag.start)
            if tag.kind in ("agency", "used") and folded[max(0, tag.start - 2):tag.start] in COMMITTEES:
                covered[tag.start - 2:tag.start] = [True, True]  # 市委|教育工委: the committee the name belongs to
            relative = tag.kind == "reference" and folded[max(0, tag.start - 1):tag.start] == "的"  # …的那项任务
            # 1+X证书那条: right after the topic searched, the demonstrative is the row about it
            relative |= tag.kind == "reference" and k > 0 and tags[k - 1].end == tag.start and any(
                tags[k - 1].text in t or t in tags[k - 1].text for t in searched)
            # rather than the full name / 而不是联合牵头: a contrast with no agency after it is a plain adverb
            relative |= tag.kind == "contrast" and not any(t.kind == "agency" for t in tags[k + 1:k + 3])
            # 营口这些职教任务: a demonstrative right after a place points at that place's tasks
            relative |= tag.kind == "reference" and k > 0 and tags[k - 1].kind == "place" \
                and tags[k - 1].end == tag.start and plan.reference is None
            # 国资和审计这些监管部门: a demonstrative before a group word points at the agencies just named
            relative |= tag.kind == "reference" and len(agencies) >= 2 and (any(
                t.kind == "group" and t.value == "agency" and t.start - tag.end <= 4 for t in tags[k + 1:k + 3])
                or k + 1 < len(tags) and tags[k + 1].kind in ("used", "agency") and tags[k + 1].start == tag.end
                and len(plan.read_as) > 0)  # (工青妇这些党群口单位: the group word after it, written out as its agencies)
            # 那14个主要任务: a demonstrative before a group word, counting the groups the list has
            relative |= tag.kind == "reference" and tag.value.startswith("count:") and k + 1 < len(tags) \
                and tags[k + 1].kind == "group" and cn_number(tag.value.partition(":")[2]) in self.sizes(plan)
            # "the reform bureau": a word of an agency's name before an agency head word, where no name was matched;
            # "rows about tourism": a word of names where the plan holds no name, topic or text it could be part of
            # (otherwise structure, as "education" beside the topic searched)
            if tag.kind == "name_part" and not self.lexicon.name_parts.get(tag.text, set()) & agencies and (
                    k + 1 < len(tags) and tags[k + 1].kind == "group" and tags[k + 1].value == "agency"
                    and tags[k + 1].start - tag.end <= 1 or not self._holds_words(plan, agencies)):
                unread.append(tag.text)
                continue
            lists = tag.kind == "number" and bool(_LISTS_COUNTED.match(folded, tag.end))  # 四张表, 两份清单: the lists
            if not relative and not lists and not self._read(tag, plan, agencies, places) \
                    and not self._names_a_list(tag, folded):
                unread.append(tag.text)
        refused = plan.operation == "refuse" or (bool(plan.scope.missing) and not plan.scope.places)
        if plan.operation not in RANKED and not refused:
            unread += self._untagged(folded, covered)
        elif not refused and plan.lang == "zh":  # a word its search dropped (营口去年GDP增长多少: GDP) was not read;
            terms = " ".join(searched).lower()  # English questions: the glossary's and _unknown_english's words
            unread += [w for w in self._untagged(folded, covered) if w not in terms and (len(w) > 1 or w.isascii())]
        named = [_QUOTES.sub("", a.name).lower() for a in plan.atoms() if isinstance(a, CategoryAtom)]
        # a category named by its words (its first clause quoted, then 这部分): those words name it; a word a literal text
        # holds (把文旅部门写成“市文旅广电局”) restates what the text condition reads
        named += [a.text.lower() for a in plan.atoms() if isinstance(a, TextAtom)]
        # 环翠曲有多少项: a word kept as a condition on what rows say, which no row says, was not understood
        # (Chinese words only: an English question's terms are the glossary's; a row named by number or reference
        # is read against what it says, below)
        if plan.lang == "zh" and not refused and plan.reference is None \
                and not any(isinstance(a, RowsAtom) for a in plan.atoms()):
            unread += [t for a, _ in iter_atoms_signed(plan.where) if isinstance(a, TopicAtom) for t in a.terms
                       if not self.in_corpus(t)]
        quoted = any(isinstance(a, TextAtom) for a in plan.atoms())  # “1+X”证书: the quote's head noun is read
        return [w for w in dict.fromkeys(unread) if not any(w in n for n in named)
                and not (quoted and heads_a_quote(w, plan.question))]

    @staticmethod
    def _holds_words(plan: QueryPlan, agencies: set[str]) -> bool:
        """Whether the plan holds anything a word of the question could have gone into: a name, a topic, a text."""
        return bool(agencies or plan.rank and plan.rank.terms or plan.where is not None or plan.groups
                    or plan.lineage or plan.group_by or plan.scope.institution or plan.reference)

    def _untagged(self, folded: str, covered: list[bool]) -> list[str]:
        """Words of two or more characters (or English words) that no tag covers."""
        words = []
        for run in re.finditer(r"[\u3400-\u9fff]+|[a-z][a-z'’]*", folded):
            text = "".join(c if not covered[run.start() + k] else " " for k, c in enumerate(run.group(0)))
            for piece in text.split():
                words += [w for w in self.split(piece) if _CONTENT.search(w) and w not in self.stopwords
                          and (len(w) > 1 or w.isascii()) and w != "s"]
        return words

    def restated(self, plan: QueryPlan, texts: list[str]) -> list[str]:
        """The unread words left once the rows a plan picked by number or by reference are known: a word that
        restates what those rows say (第9项要培育多少个高水平专业) was read against them."""
        by_number = plan.reference is not None or any(isinstance(a, RowsAtom) or isinstance(a, TopicAtom) and a.names_row
                                                        for a in plan.atoms())
        if not by_number or not texts:
            return plan.unread
        said = "".join(texts).lower()
        return [w for w in plan.unread if w not in said or self._construct(w)]

    def _names_a_list(self, tag: Tag, folded: str) -> bool:
        """教育部 in "教育部与辽宁省…共建任务清单" / 教育部和辽宁省这个意见: a name that is part of a list's title, said
        before 清单 or a word for its document, names the list."""
        after = folded[tag.end:]
        return tag.kind == "agency" and ("清单" in after or any(w in after for w in document_words())) \
            and any(tag.text in t for t in self.lexicon.titles)

    def _construct(self, phrase: str) -> bool:
        """Whether the phrase is one construct word or pattern (最多, 这两项): never a topic word."""
        tags = self.lexicon.tag(phrase, cues=False)
        return len(tags) == 1 and tags[0].kind in CONSTRUCTS and tags[0].end - tags[0].start == len(phrase)

    def _read(self, tag: Tag, plan: QueryPlan, agencies: set[str], places: set[str]) -> bool:
        if tag.kind == "extreme" and tag.value == "first" and _holds("first", plan):  # 人社局排第一: named first
            return True
        if tag.kind == "extreme" and tag.text in PLACED_LAST and any(  # 排最后的是哪条: the last row selected
                isinstance(a, RowsAtom) and a.start == a.end == -1 for a in plan.atoms()):
            return True
        if tag.kind == "agency":
            return tag.value in agencies
        if tag.kind == "place":
            return tag.value in places or not plan.scope.places and plan.scope.institution is not None
        if tag.kind in ("single", "reference") and tag.value.partition(":")[2] \
                and cn_number(tag.value.partition(":")[2]) == len(agencies):  # 这两个 after two agencies: them
            return True
        said = tag.value.partition(":")[2]
        if tag.kind == "reference" and said and plan.reference is not None and plan.reference.position is None \
                and cn_number(said) != len(plan.reference.rows):  # 这两项 about 27 rows: not the rows it says
            return False
        if tag.kind == "single" and ":" in tag.value:  # 两个部门 after two agencies counts them
            return _holds(tag.kind, plan) or cn_number(tag.value.partition(":")[2]) == len(agencies)
        if tag.kind in CONSTRUCTS:
            return _holds(tag.kind, plan)
        if tag.kind == "number" and plan.operation not in RANKED:  # a ranked question's numbers rank its rows
            return _number_used(tag.text, plan, self.sizes(plan))
        return True
