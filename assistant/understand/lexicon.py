"""The question lexicon: every word a question may use, tagged into spans before any rule reads it.

Entries come from the registries and the index at start (places, institutions, agencies and their aliases, the
names the lists write, categories, list titles) and from `lexicon.toml` (closed classes: function words,
negators, only, extremes, positions, literal-text markers). Tagging is longest-entry-first from the left; what no
entry covers stays untagged, so the reader can tell a word it used from a word it dropped.

Names also match when typed with other characters of the same pinyin (营扣 for 营口), the commonest typo of a
pinyin input method: `correct` reads them as the name and says so.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pypinyin import Style, pinyin

from assistant.catalog import Catalog
from assistant.tokenize import Tokenizer
from assistant.understand.cues import Cues
from assistant.understand.names import UNIT_ENDS
from assistant.understand.plan import ReadAs
from assistant.understand.typos import SoundAlikes
from ingest.registries import Registry

LEXICON_FILE = Path(__file__).resolve().parent / "lexicon.toml"
LEVELS = ("省", "市", "区", "县")
STRUCTURE_KINDS = ("unit", "each", "function", "adverb", "negation", "only", "literal", "verb", "blank", "others",
                   "position", "extreme", "reference", "count", "conj", "has", "single", "ignore", "group", "field",
                   "about", "role", "carry", "first", "years", "content", "columns")  # closed classes: the question's
# structure, never its topic
ENGLISH_LEVELS = ("provincial", "province", "city", "municipal", "district", "county")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff“”‘’\"'「」『』]+")  # with any quote marks inside it (打造“双师型”教师队伍)
_QUOTE_MARK = re.compile(r"[“”‘’\"'「」『』]")
_AGENCY_END = re.compile(f"(?:{'|'.join((*UNIT_ENDS, '联', '会', '院'))})$")  # an unknown unit's name: reported as one
_SPELLED_OUT = re.compile(r"\s*[（(][^（）()]{1,40}[）)]")  # a group word's members in brackets after it
# 市委部门参与的是哪几条？工委、编办、宣传部这些: a closing clause of names ending in a demonstrative, said after a group
_EXAMPLES_AFTER = re.compile(r"[，,；;？?！!。]\s*(?:比如|例如|像|譬如|就是|包括)?([^，,；;？?！!。]{2,40}?)"
                             r"(?:这些|这几个|这几家|这类|等等|等|之类的?)(?:部门|单位)?[。？?！!\s]*$")
_EXAMPLE_JOINERS = re.compile(r"[、，,和及与跟或]")
_EXAMPLE_MARKS = re.compile(r"例如|比如|譬如|像|如|等|之类|e\.g\.|such as|for example|like")  # members as examples
_EXAMPLES_BEFORE = re.compile(r"((?:[\u4e00-\u9fff]{2,12}[、，,和及与])*[\u4e00-\u9fff]{2,12}?)(?:这些|这几个|这类|这几类|之类的?|等)$")
_EXAMPLES_BETWEEN = re.compile(r"[、，,和及与以或]*(?:这些|这类|这几类|之类的?|等)")  # A、B这些C: A and B are some of C
CONSTRUCTS = ("negation", "only", "extreme", "position", "literal", "count", "reference", "about", "blank", "single",
              "ignore", "first", "years", "rows_count", "category_ref", "spelling", "as_written", "outcome", "contrast",
              "besides")
_NUMBER = r"(?:\d{1,4}|[零〇一二两三四五六七八九十百]{1,4}|(?<![a-z])(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve" \
          r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)(?![a-z]))"
_SENTENCE_END = re.compile(r"[？?！!。]+\s*")  # a sentence's end
_QUOTED = re.compile(r"(?:[“「『\"‘]|(?<![a-z0-9])')[^”」』\"’']{1,60}(?:[”」』\"’]|'(?![a-z0-9]))")  # a quoted text,
# kept as written (an apostrophe inside or after a word is none)
_NUMBERS = re.compile(
    r"(?:19|20)\d{2}\s*年?(?:底|末|初|内|前|后|以前|之前|以后|之后|及以前|及以后|起|开始|以来|度)?"
    rf"|第?\s*{_NUMBER}\s*(?:项|条|个|号|行|点|家|类|位|名|年|月|日|%|万|人次|人|所|个百分点)?"
    r"|#\s*\d{1,3}")
_CJK = re.compile(r"[\u3400-\u9fff]")
_NAME_KINDS = ("agency", "place", "institution", "category", "title", "agency_group")


@lru_cache(maxsize=1)
def _lexicon_data() -> dict:
    """lexicon.toml, parsed once for the word lists read apart from a Lexicon."""
    return tomllib.loads(LEXICON_FILE.read_text("utf-8"))


@lru_cache(maxsize=1)
def measure_words() -> frozenset[str]:
    """The Chinese words of every measure (比例, 人数, 金额 …): what a figure is counted in, never its topic."""
    measures = _lexicon_data()["measure"]["words"]
    return frozenset(w for words in measures.values() for w in words)


@lru_cache(maxsize=1)
def selecting_words() -> tuple[str, ...]:
    """The starts of the question words that ask which rows (哪…, 什么, which), as written in lexicon.toml."""
    return tuple(_lexicon_data()["function"]["selecting"])


def asks_whether(question: str, tags: Iterable[Tag]) -> bool:
    """Whether a question asks yes or no: 是否 / 吗 / 有没有, an A-not-A (填没填), a closing 没有, or an English
    question opening with its verb (does, is, has)."""
    words = _whether_words()
    first = re.match(r"\s*([a-z]+)", question.lower())
    return any(t.text in words and not t.text.isascii() or t.kind == "function" and t.value.split(":")[0] in ("a_not_a", "yes_no")
               for t in tags) or first is not None and first.group(1) in words


@lru_cache(maxsize=1)
def _whether_words() -> frozenset[str]:
    return frozenset(_lexicon_data()["function"]["whether"])


@lru_cache(maxsize=1)
def _context() -> tuple[tuple[str, ...], re.Pattern[str]]:
    """The words of purpose that end a leading clause of context, and the words of a sentence that asks."""
    data = _lexicon_data()["context"]
    asks = [re.escape(w) if not w.isascii() else rf"\b{re.escape(w)}\b" for w in data["asks"]]
    return tuple(data["purposes"]), re.compile("|".join(asks))


@lru_cache(maxsize=1)
def document_words() -> tuple[str, ...]:
    """Words naming a list's document itself (意见, 文件): an agency said before one is its issuer."""
    return tuple(_lexicon_data()["function"]["documents"])


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """The lexicon's function words (目标, 任务 …), as written in lexicon.toml."""
    return frozenset(_lexicon_data()["function"]["words"])


@dataclass(frozen=True)
class Tag:
    """A span of the folded question and what the lexicon knows it as."""

    start: int
    end: int
    text: str
    kind: str  # function, number, place, institution, agency, category, title, or a construct class
    value: str = ""  # the canonical name, or what a construct word says (a position: "last:3")


def _whole_words(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] starts and ends at word boundaries (English entries match whole words)."""
    return not (start > 0 and text[start - 1].isalpha() and text[start - 1].isascii()) and \
        not (end < len(text) and text[end].isalpha() and text[end].isascii())


@lru_cache(maxsize=4096)
def _readings(char: str) -> frozenset[str]:
    """Every toneless pinyin reading of one character (heteronyms included)."""
    return frozenset(pinyin(char, style=Style.NORMAL, heteronym=True)[0])


class Lexicon:
    """Tagged spans of questions, from names known at start and the closed classes of lexicon.toml."""

    def __init__(self, names: dict[str, tuple[str, str]], is_word: Callable[[str], bool],
                 function_words: Iterable[str] = (), agency_names: dict[str, str] | None = None,
                 path: Path = LEXICON_FILE, alikes: SoundAlikes | None = None,
                 common_word: Callable[[str], bool] | None = None) -> None:
        self.alikes = alikes  # the lists' words by sound, for typos in words that are no name
        # a two-character word common enough to have been meant (上午, not 商务); a rare one (千头) is a typo of a name
        self.common_word = common_word or is_word
        data = tomllib.loads(path.read_text("utf-8"))
        self.entries: dict[str, tuple[str, str]] = {}
        self.english: dict[str, tuple[str, str]] = {}
        known = agency_names or {}
        grouped = _groups(data.pop("agency_group", {}))
        self.groups = {word: [known[a] for a in ids if a in known] for word, ids in grouped}
        self.group_ids = {word: frozenset(ids) for word, ids in grouped}
        for word, members in self.groups.items():
            self.entries[word] = ("agency_group", "、".join(members))
        for kind, section in sorted(data.items(), key=lambda item: item[0] != "function"):  # classes over function
            words = section.get("words", [])
            for value, group in (words.items() if isinstance(words, dict) else [("", words)]):
                for word in group:
                    self.entries[word] = (kind, value or word)
            english = section.get("english", [])
            for value, group in (english.items() if isinstance(english, dict) else [("", english)]):
                for word in group:  # a phrase (or a hyphenated word) is an entry like a Chinese word; a single word is looked up whole
                    (self.entries if " " in word or "-" in word or "." in word else self.english)[word] = (kind, value or word)
        self.topical = frozenset(data["function"].get("topical", []))
        self.together = frozenset(data["together"]["words"] + data["together"]["english"])  # some are adverbs too
        # (一起, both): read by their text
        for word in data["negation"].get("not_negation", []):
            self.entries[word] = ("function", word)
        self.patterns = [(re.compile(p.replace("{n}", f"({_NUMBER})")), kind, value)
                         for kind, section in data.items()
                         for value, patterns in section.get("patterns", {}).items() for p in patterns]
        self.name_parts: dict[str, set[str]] = {}  # a word of English names -> what the names name
        for name, (kind, value) in names.items():
            if name.isascii():  # a one-word name is that name; a longer one is a phrase, its words structure
                parts = re.findall(r"[a-z]+", name)
                for part in parts:
                    self.english.setdefault(part, (kind, value) if len(parts) == 1 else ("name_part", part))
                    self.name_parts.setdefault(part, set()).add(value)
                if len(parts) > 1:
                    self.entries[name] = (kind, value)
            elif len(name) >= 2 and (kind != "title" or name not in self.entries):  # 落实 is no title word
                self.entries[name] = (kind, value)
        # The rule parser's cue words: structure, never a topic. Kept apart, as they join words the grammar
        # reads one by one ("牵头哪些" is a role and a question word).
        self.cue_entries: dict[str, tuple[str, str]] = {}
        for word in function_words:
            if word.isascii():
                for part in re.findall(r"[a-z]+", word.lower()):
                    self.english.setdefault(part, ("function", part))
            elif word.strip() and word.strip() not in self.entries:
                self.cue_entries[word.strip()] = ("function", word.strip())
        self.longest = max(len(w) for w in [*self.entries, *self.cue_entries])
        self.titles = [name for name, (kind, _) in names.items() if kind == "title" and len(name) > 8]
        self.is_word = is_word
        self._tagged = lru_cache(maxsize=2048)(self._tag)
        self._by_sound: dict[tuple[int, str], list[tuple[str, tuple[str, ...]]]] = {}
        sounded = {w: ("word", w) for w in data.get("sounds", {}).get("words", [])}  # 签头: 牵头 typed by sound
        for name, (kind, _) in [*names.items(), *sounded.items()]:
            # two-character agency words (各市, 人社, 文旅) sound like too many everyday pairs (个市, 各是)
            if (kind in ("place", "institution", "word") and len(name) >= 2 or kind == "agency" and len(name) >= 3) \
                    and all(_CJK.match(c) for c in name):
                sound = tuple(pinyin(name, style=Style.NORMAL))
                key = tuple(s[0] for s in sound)
                self._by_sound.setdefault((len(name), key[0]), []).append((name, key))

    @classmethod
    def from_catalog(cls, registry: Registry, catalog: Catalog, tokenizer: Tokenizer, cues: Cues,
                     title_words: set[str], in_corpus: Callable[[str], bool] | None = None) -> Lexicon:
        """The lexicon of an index: its names (registries, categories, list titles, and `title_words`: the words
        that name a list, `lists.list_words`), the rule parser's cue words as structure, and each agency's short
        name for the agency groups."""
        titles = [d.title for d in catalog.documents]
        short = {a.id: a.aliases[0] if a.aliases else a.name for a in registry.agencies.by_id.values()}
        alikes = None if in_corpus is None else SoundAlikes(
            registry.normalize("".join({c for r in catalog.rows for c in r.text})), in_corpus, tokenizer.is_word)
        # the rows' distinct characters, folded once: not every row's text folded at start
        return cls(question_names(registry, catalog.categories(), titles, title_words), tokenizer.is_word,
                   [*cues.structure_words(), *cues.glossary], short, alikes=alikes,
                   common_word=tokenizer.is_common_word)

    def closed_words(self) -> frozenset[str]:
        """The words of the closed classes (function words, negators, fields, …; Chinese, and each English word
        of them): never a topic."""
        chinese = {w for w, (kind, _) in self.entries.items()
                   if kind not in _NAME_KINDS and not w.isascii() and w not in self.topical}
        english = {part for w, (kind, _) in [*self.entries.items(), *self.english.items()]
                   if kind not in _NAME_KINDS and w.isascii() for part in re.findall(r"[a-z]+", w)}
        return frozenset(chinese | english)

    # -- tagging --------------------------------------------------------------------------------------------
    def tag(self, folded: str, known: Iterable[str] = (), cues: bool = True) -> list[Tag]:
        """Spans of `folded`, left to right, longest entry first; `known` phrases (the words a plan used) are
        tagged `used` before anything else; `cues=False` leaves the rule parser's cue phrases out. Characters no
        entry covers are left out of the result. One question is read by several steps: tagged once each way."""
        return list(self._tagged(folded, tuple(sorted({k for k in known if k})), cues))

    def _tag(self, folded: str, known: tuple[str, ...], cues: bool) -> tuple[Tag, ...]:
        tags: list[Tag] = []
        taken = [False] * len(folded)
        for phrase in sorted({k for k in known if k}, key=len, reverse=True):
            for match in re.finditer(re.escape(phrase), folded):
                if not any(taken[match.start():match.end()]):
                    tags.append(Tag(match.start(), match.end(), phrase, "used"))
                    taken[match.start():match.end()] = [True] * (match.end() - match.start())
        matched = self._pattern_tags(folded)
        i = 0
        while i < len(folded):
            if taken[i] or folded[i].isspace():
                i += 1
                continue
            found = self._at(folded, i, taken, cues, matched.get(i))
            if found is None:
                i += 1
                continue
            found = self._place_before_level(folded, found)
            tags.append(found)
            taken[found.start:found.end] = [True] * (found.end - found.start)
            i = found.end
        tags += self._english(folded, taken)
        return tuple(sorted(tags, key=lambda t: t.start))

    def _place_before_level(self, folded: str, found: Tag) -> Tag:
        """瓦房店市委部门: a place whose last character (市, 区, 县, 省) begins a group word of agencies (市委部门) is
        the place without it, when that is a place too."""
        if found.kind != "place" or not found.text.endswith(LEVELS) or found.text[:-1] not in self.entries:
            return found
        for length in range(min(self.longest, len(folded) - found.end + 1), 2, -1):
            kind = self.entries.get(folded[found.end - 1:found.end - 1 + length], ("", ""))[0]
            if kind == "agency_group":
                shorter = found.text[:-1]
                return Tag(found.start, found.end - 1, shorter, *self.entries[shorter])
        return found

    def _pattern_tags(self, folded: str) -> dict[int, Tag]:
        """Per position, the longest pattern match starting there (the first pattern listed, among equals)."""
        found: dict[int, Tag] = {}
        for pattern, kind, value in self.patterns:
            match = pattern.search(folded)
            while match is not None:  # the leftmost match from each position on: every start, overlapping ones too
                start, end = match.span()
                if end > start and (start not in found or end > found[start].end):
                    count = next((g for g in match.groups() if g), "")  # {n} may stand in several alternatives
                    found[start] = Tag(start, end, match.group(0), kind, f"{value}:{count}" if count else value)
                match = pattern.search(folded, start + 1)
        return found

    def _at(self, folded: str, i: int, taken: list[bool], cues: bool = True, pattern: Tag | None = None) \
            -> Tag | None:
        """The longest entry, pattern (`pattern`: the longest starting at i) or number starting at i that covers
        no taken character."""
        best: Tag | None = None
        number = _NUMBERS.match(folded, i)
        if number and number.end() > i:
            best = Tag(i, number.end(), number.group(0), "number")
        if pattern is not None and pattern.end > (best.end if best else i):
            best = pattern
        for length in range(min(self.longest, len(folded) - i), 0, -1):
            if best is not None and i + length < best.end:
                break
            word = folded[i:i + length]
            entry = self.entries.get(word) or (self.cue_entries.get(word) if cues else None)
            if entry and word[0].isascii() and not _whole_words(folded, i, i + length):
                entry = None  # "lead" inside "leader" is no entry
            if entry and not (pattern is not None and best is pattern and pattern.end == i + length
                              and (pattern.kind == "function" or entry[0] in ("adverb", "function"))):
                # 填了没有: a function pattern reads its context (a closing 没有 asks), and any pattern does over
                # an adverb or function word (责任部门就X: 就 is "only" there); an entry as long does not replace it
                kind, value = entry
                best = Tag(i, i + length, word, kind, value)
                break
        if best is not None and any(taken[best.start:best.end]):
            return None
        return best

    def _english(self, folded: str, taken: list[bool]) -> list[Tag]:
        tags = []
        for match in re.finditer(r"[a-z][a-z'’]*", folded):
            if any(taken[match.start():match.end()]):
                continue
            word = re.sub(r"['’]s$", "", match.group(0))
            known = self.english.get(word) or self.english.get(word.rstrip("s"))
            if known:
                tags.append(Tag(match.start(), match.end(), word, *known))
        return tags

    def _member_group(self, group: Tag, groups: list[Tag], folded: str) -> bool:
        """人大政协、工青妇这些党群口单位: groups listed before a demonstrative and a group holding all of them are
        examples of it, no condition of their own."""
        for later in (u for u in groups if u.start > group.start):
            between = folded[group.end:later.start]
            for other in (u for u in groups if group.start < u.start < later.start):  # listed beside it: examples too
                between = between.replace(other.text, "", 1)
            if set(self.groups[group.text]) <= set(self.groups[later.text]) and _EXAMPLES_BETWEEN.fullmatch(between):
                return True
        return False

    def _without_examples_before(self, folded: str, tags: list[Tag], kept: list[Tag], groups: list[Tag]) \
            -> tuple[str, list[Tag]]:
        """The question without the agencies listed as examples right before a group holding them (组织、统战这些党委口
        的部门): A、B这些C names C. Each example is a member's name or part of one; the group's tags move with the text."""
        for group in reversed(kept):
            run = _EXAMPLES_BEFORE.search(folded, 0, group.start)
            if run is None:
                continue
            members = self.groups[group.text]
            parts = _EXAMPLE_JOINERS.split(run.group(1))
            floor = max((t.end - run.start(1) for t in tags if t.kind != "agency" and run.start(1) <= t.start
                         and t.end <= run.start(1) + len(parts[0])), default=0)  # 环翠区组织: after the place
            first = next((parts[0][i:] for i in range(floor, len(parts[0]) - 1)
                          if _names_member(parts[0][i:], members)), None)
            if first is None or not all(_names_member(p, members) for p in parts[1:]):
                continue
            start = run.start(1) + len(parts[0]) - len(first)
            cut = group.start - start
            folded = folded[:start] + folded[group.start:]
            groups = [Tag(g.start - cut, g.end - cut, g.text, g.kind, g.value) if g.start >= group.start else g
                      for g in groups]
        return folded, groups

    def _without_examples_after(self, folded: str, groups: list[Tag]) -> str:
        """The question without a closing clause of examples of a group it named (…市委部门参与的是哪几条？工委、编办、
        宣传部这些): names, one at least a member of the group and none an agency outside it, then a demonstrative."""
        clause = _EXAMPLES_AFTER.search(folded)
        if clause is None or not any(g.end <= clause.start() for g in groups):
            return folded
        members = frozenset().union(*(self.group_ids[g.text] for g in groups if g.end <= clause.start()))
        named = [t.value for part in _EXAMPLE_JOINERS.split(clause.group(1)) if part.strip()
                 for t in self.tag(part.strip(), cues=False) if t.kind == "agency"]
        if not named or any(a not in members for a in named):
            return folded
        return folded[:clause.start()] + folded[clause.end(1):].lstrip("这些几个家类等之的部门单位")

    def without_context(self, question: str) -> str:
        """下午开协调会要用：营口清单里… / for tomorrow's meeting: …: a leading clause before a colon that names
        nothing the lexicon knows (no place, agency, column or construct) says why the question is asked; the
        question is read after it. So does a leading clause before a comma that ends with a word of purpose (明天开会
        要用，…), and a sentence after the question that names nothing new (…有哪些？编办那边要对一下口径。)."""
        head, colon, rest = question.partition("：") if "：" in question else question.partition(":")
        if colon and rest.strip() and len(head) <= 30 and _CJK_RUN.search(head) and not self._names(head):
            question = rest  # the second one: who is responsible? — a reference before the colon, read
        head, comma, rest = question.partition("，")
        if comma and rest.strip() and head.strip().endswith(_context()[0]) and not self._names(head):
            question = rest
        return self._without_afterword(question)

    def _names(self, text: str, named: Collection[str] = ()) -> list[Tag]:
        """The tags of `text` that name something (not a function word, adverb, verb, plain number, nor a name in
        `named`): 周五 (a day) names nothing, 第二条 (a row) does."""
        return [t for t in self.tag(text.lower()) if t.kind not in ("function", "adverb", "verb")
                and not (t.kind == "number" and not t.text.startswith("第"))
                and not (t.kind in ("agency", "place") and (t.value in named or t.text in named))]

    def _without_afterword(self, question: str) -> str:
        """The question without its sentences after the first that ask nothing and name nothing new or end with a
        word of purpose: why it is asked or what the asker will do with it (编办那边要对一下口径 after a question
        about 编办; 财税口要汇总; 帮我列出来). A sentence end inside quotes (ends with “机制。”) ends no sentence."""
        quoted = [m.span() for m in _QUOTED.finditer(question)]
        ends = [m.end() for m in _SENTENCE_END.finditer(question) if not any(a <= m.start() < b for a, b in quoted)]
        bounds = [0, *ends, len(question)] if ends and ends[-1] < len(question) else [0, *ends]
        sentences = [question[a:b] for a, b in itertools.pairwise(bounds) if question[a:b]]
        if len(sentences) < 2:
            return question
        named = {v for t in self.tag(sentences[0].lower()) if t.kind in ("agency", "place") for v in (t.value, t.text)}
        purposes = _context()[0]
        return "".join([sentences[0], *(s for s in sentences[1:] if (
            self._names(s, named) and not _SENTENCE_END.sub("", s).endswith(purposes))  # 财税口要汇总: why
            or _context()[1].search(s.lower()))])

    def quoting_unknown_chinese(self, question: str) -> str:
        """An English question's Chinese words right after a verb of what a cell says (ends with 等, uses the word
        力争, mentions 专项债券) that name nothing the lexicon knows are the lists' own words, quoted: a text to find.
        Elsewhere (tasks about 产教融合) they stay a topic. Names (an agency, a place, a column, a category) and a word
        ending like an agency (区卫生健康局: an unknown name, reported as such) stay too."""
        quoted = [m.span() for m in _QUOTED.finditer(question)]
        said = [t for t in self.tag(question.lower()) if t.kind not in ("function", "adverb")]
        out, last = [], 0
        for run in _CJK_RUN.finditer(question):
            start, end = run.span()
            before = [t for t in said if t.end <= start]
            glossed = start > 0 and question[start - 1] in "(（"  # mention teachers (教师): the words glossed
            while glossed and before and before[-1].kind == "name_part":
                before.pop()
            if not before or before[-1].kind != "literal":
                continue  # no verb of a cell's words right before it
            if any(a <= start < b for a, b in quoted) or _AGENCY_END.search(run.group()) \
                    or _QUOTE_MARK.search(run.group()):  # quoted by the question itself, in part or whole
                continue
            tags = [t for t in self.tag(run.group().lower()) if t.kind not in ("function", "adverb")]
            covered = sum(t.end - t.start for t in tags)
            if covered >= end - start:
                continue
            out += [question[last:start], "“", run.group(), "”"]
            last = end
        return "".join(out) + question[last:] if out else question

    # -- same-pinyin names ----------------------------------------------------------------------------------
    def correct(self, folded: str) -> tuple[str, list[ReadAs]]:
        """The question with each word naming a group of agencies written as its agencies joined by 或, and each
        name typed in other characters of the same pinyin replaced by the name.

        Only spans that are not words themselves: a two-character span that is a dictionary word (上午 sounds
        like 商务) stays, and at most one character in three may differ from the name."""
        tags = self.tag(folded)
        groups = [t for t in tags if t.kind == "agency_group" and self.groups.get(t.text)]
        every = any(t.text in self.together for t in tags)  # 财税两家同时都在: all of the group's agencies
        members = [self._member_group(t, groups, folded) for t in groups]  # read on the question as asked
        kept = [g for g, m in zip(groups, members, strict=True) if not m]
        asked = folded
        folded = self._without_examples_after(folded, kept)
        folded, groups = self._without_examples_before(folded, tags, kept, groups)
        if folded != asked:  # examples taken out: the groups stand elsewhere in the text
            members = [self._member_group(t, groups, folded) for t in groups]
        standing: dict[int, list[str]] = {}  # per group, the members it stands for
        for t, member in reversed(list(zip(groups, members, strict=True))):  # 财税部门 → 财政局或税务局: any of them
            standing[t.start] = self.groups[t.text]
            spelled = _SPELLED_OUT.match(folded, t.end)  # 财税部门（财政、税务）: its members, said again
            if spelled and any(u.kind in CONSTRUCTS and u.kind != "reference" for u in self.tag(spelled.group())):
                spelled = None  # 财税部门（不含税务局）: a condition of its own, read
            if spelled and not _EXAMPLE_MARKS.search(spelled.group()):  # a group, then some members named: those
                inside = spelled.group().strip().strip("（()）")
                parts = [p for p in _EXAMPLE_JOINERS.split(inside) if p.strip()]
                named = [u for u in self.tag(inside, cues=False) if u.kind == "agency"]
                if named and len(named) == len(parts) and all(u.value in self.group_ids[t.text] for u in named):
                    standing[t.start] = [u.text for u in named]
            said = "" if member else ("和" if every else "或").join(standing[t.start])
            folded = folded[:t.start] + said + folded[spelled.end() if spelled else t.end:]
        corrections: list[ReadAs] = [ReadAs(typed=t.text, name="、".join(standing[t.start]),
                                            why="group_all" if every else "group") for t in groups]
        exact = [t for t in self.tag(folded, cues=False) if t.kind in ("place", "institution", "agency")]
        taken = [False] * len(folded)
        for t in exact:  # (环翠|曲: a short name, then a character that with it sounds like the full name: that name)
            longer = folded[t.start:t.end + 1]
            if len(longer) > len(t.text) and (self._sounds_like(longer) or "").startswith(t.text):
                continue
            taken[t.start:t.end] = [True] * (t.end - t.start)
        for quote in _QUOTED.finditer(folded):  # “安全生产…”: a quoted text is what the cell says, never corrected
            taken[quote.start():quote.end()] = [True] * (quote.end() - quote.start())
        out = list(folded)
        longest = max((length for length, _ in self._by_sound), default=0)
        readings = [_readings(c) if _CJK.match(c) else frozenset() for c in folded]  # each character's, once
        for length in range(longest, 1, -1):
            for i in range(len(folded) - length + 1):
                if not any((length, r) in self._by_sound for r in readings[i]) or any(taken[i:i + length]):
                    continue  # no name of this length starts with this sound: the common case, decided first
                span = folded[i:i + length]
                if self._splits_a_word(folded, i, i + length):  # 安全生产: 全生 is no name typed, it is half of two words
                    continue
                name = self._sounds_like(span)
                if name is None:
                    continue
                corrections.append(ReadAs(typed=span, name=name))
                out[i:i + length] = list(name)
                taken[i:i + length] = [True] * length
        if self.alikes is not None:  # 明师 → 名师: the lists' other words, where no tag of the lexicon stands
            for tag in self.tag("".join(out)):
                taken[tag.start:tag.end] = [True] * (tag.end - tag.start)
            for i, typed, meant in self.alikes.correct("".join(out), taken):
                corrections.append(ReadAs(typed=typed, name=meant))
                out[i:i + len(meant)] = list(meant)
        return "".join(out), corrections

    def _splits_a_word(self, folded: str, start: int, end: int) -> bool:
        """Whether both edges of a span cut through a dictionary word (a name typed wrong stands on its own)."""
        return start > 0 and end < len(folded) and self.is_word(folded[start - 1:start + 1]) \
            and self.is_word(folded[end - 1:end + 1])

    def _sounds_like(self, span: str) -> str | None:
        if not all(_CJK.match(c) for c in span):
            return None
        readings = [_readings(c) for c in span]
        for first in readings[0]:
            for name, key in self._by_sound.get((len(span), first), []):
                if name == span or not all(k in r for k, r in zip(key, readings, strict=True)):
                    continue
                differing = sum(a != b for a, b in zip(name, span, strict=True))
                if differing > max(1, len(span) // 3) or (len(span) == 2 and self.common_word(span)):
                    continue
                return name
        return None


def question_names(registry: Registry, categories: list[str], titles: Iterable[str],
                   title_words: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The lexicon's names: places, institutions, agencies (aliases and the names the lists write, learnt into the
    registry), categories, list titles and their words, each as (kind, canonical value)."""
    names: dict[str, tuple[str, str]] = {w: ("title", w) for w in title_words}
    names |= {registry.normalize(t).lower(): ("title", t) for t in titles}
    names |= {registry.normalize(c).lower(): ("category", c) for c in categories}
    agencies = registry.agencies
    written = {**agencies.local_names, **agencies.aliases}
    names |= {f"{level}{n}".lower(): ("agency", key) for n, key in written.items() for level in LEVELS
              if len(n) >= 2 and not n.startswith(LEVELS) and not agencies.is_collective(key)}
    # 区人社局, 市财政局: a level before the name (never before 各市, 各县区: 市各市 is no name)
    names |= {n.lower(): ("agency", key) for n, key in written.items()}
    names |= {n.lower(): ("agency", key) for n, key in agencies.english.items()}
    names |= {f"{level} {n}".lower(): ("agency", key) for n, key in agencies.english.items()
              for level in ENGLISH_LEVELS}  # the district finance bureau: a level before the name
    places = registry.places
    names |= {n.lower(): ("institution", key) for n, key in
              {**places.institution_names, **places.institution_english}.items()}
    names |= {n.lower(): ("place", key) for n, key in {**places.names, **places.english}.items()}
    return names


def _names_member(part: str, members: list[str]) -> bool:
    """Whether a word is a member's name, part of one (统战 of 统战部) or holds one (市委组织部)."""
    return len(part) >= 2 and any(part in m or m in part for m in members)


def _groups(section: dict) -> list[tuple[str, list[str]]]:
    """The group words: those listed, and each head in each form (市委 → 市委那边的部门, 市委口, …; finance and tax →
    finance and tax departments)."""
    forms = section.get("forms", {})
    listed = [(word, ids) for word, ids in section.items() if word not in ("heads", "english_heads", "forms")]
    return listed + [(form.format(head), ids) for key, language in (("heads", "words"), ("english_heads", "english"))
                     for head, ids in section.get(key, {}).items() for form in forms.get(language, [])]


def heads_a_quote(word: str, question: str) -> bool:
    """“1+X”证书: the noun right after a quoted text names what the text is (the text is the condition)."""
    return re.search(r"[”」』\"']\s*" + re.escape(word), question, re.IGNORECASE) is not None
