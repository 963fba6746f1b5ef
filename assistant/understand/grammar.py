"""The question grammar (grammar.lark) over the lexicon's tags: negation and its scope, only, a column's literal
text, a field filled or empty. Each construct it finds becomes a `Fragment`, which `constructs.py` adds to the plan.

The lexicon decides what a word is; the grammar decides what belongs to what (which agencies a negator covers,
which field a quoted word is in), so a new phrasing is a lexicon entry, not a new rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from lark import Lark, Token, Transformer, Tree
from lark.lexer import Lexer

from assistant.understand.lexicon import LEVELS, Lexicon, Tag
from assistant.understand.lookahead import ShapeParser
from assistant.understand.numbers import cn_number
from assistant.understand.shapes import ShapeFile

GRAMMAR_FILE = Path(__file__).resolve().parent / "grammar.lark"
_QUOTED = re.compile(r"(?:[“「『\"‘]|(?<![a-z0-9])')([^”」』\"’']{1,40})(?:[”」』\"’]|'(?![a-z0-9]))")  # an apostrophe
# inside or after a word (Wafangdian's, don't) opens or closes no quote
_TERMINALS = {
    "agency": "AGENCY", "place": "PLACE", "institution": "PLACE", "role": "ROLE", "carry": "ROLE", "literal": "LITERAL", "literal:as": "LITERAL_AS", "verb": "LITERAL", "others": "OTHERS",
    "has": "HAS", "field": "FIELD", "conj:but": "BUT", "conj": "CONJ", "adverb": "ADV", "spelling": "ADV", "only:pre": "ONLY_PRE",
    "only:post": "ONLY_POST", "negation:pre": "NEG_PRE", "negation:post": "NEG_POST", "negation:except": "EXCEPT",
    "negation:close": "CLOSE", "contrast": "CONTRAST", "example:pre": "EX_PRE", "example:post": "EX_POST", "group": "GROUP", "first": "FIRST", "extreme:first": "FIRST", "position:first_one": "EDGE", "position:last_one": "EDGE",
    "measure:share": "FIELD", "blank": "BLANK", "single": "SINGLE", "years": "YEARS", "content": "CONTENT", "columns": "COLUMNS", "ignore": "IGNORE", "count_in": "COUNT_IN",
}
_OPENERS = {"CONTRAST", "EX_PRE", "EX_POST", "QUOTE", "EDGE", "FIRST", "NEG_PRE", "NEG_POST", "EXCEPT", "CLOSE", "ONLY_PRE", "ONLY_POST", "LITERAL", "LITERAL_AS", "HAS", "ROLE", "ROLE_EN", "BLANK", "SINGLE", "IGNORE", "YEARS"}
_VERBS = ("LITERAL", "LITERAL_AS")  # verbs of what a cell says, and of how it writes a name
_A_YEAR = re.compile(r"(?:19|20)\d{2}(?!\d)")
_ARTICLES = {"的", "the", "a", "an", "of", "their", "its"}
FragmentKind = Literal["neg", "only", "literal_has", "literal_not", "empty", "filled", "role", "ignore", "size",
                       "first", "contrast", "example", "others", "only_year", "neg_year", "outside"]


@dataclass(frozen=True)
class Fragment:
    """One construct of a question: its kind, the agencies (ids and names as written) it covers, the role or
    field it is about, and a literal text."""

    kind: FragmentKind
    agencies: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    role: str = "any"
    field: str = ""
    text: str = ""
    text_is_agency: bool = False
    either: bool = False  # the agencies are joined by 或 / or: any of them
    ignoring: tuple[str, ...] = ()  # only: agencies left out of the comparison (ids, then names as written)
    ignoring_names: tuple[str, ...] = ()
    negated: bool = False  # only: not these alone (不是X单独牵头)
    involved: bool = False  # neg: the agencies are in the rows, only not in that role (X参与但不牵头)
    count: int = 1  # size: how many agencies the column names
    at_least: bool = False  # size: that many or more
    at: str = "any"  # literal: anywhere in the cell, at its start or at its end
    texts: tuple[str, ...] = ()  # literal: either of these texts (写的是“A”还是“B”), when more than one
    consumed: tuple[int, ...] = ()  # where the position words it reads as a cell's start or end begin (以X开头)
    who: tuple[str, ...] = ()  # literal: the words before its verb that say whose name the text is (金融方面的单位)
    named: bool = False  # literal: said with a verb of being (写的是“X”): a name the column writes is that name


class TagToken(Token):
    """A token that keeps the lexicon's tag (what the word is known as: an agency id, a role, a field), and for
    a list of agencies read as one token, its agencies and joiners (`parts`)."""

    __slots__ = ("tag", "parts")
    tag: Tag
    parts: list[Token]


class _Tokens(Lexer):
    """Hands lark the tokens made from the lexicon's tags (the question is tokenized before parsing)."""

    def __init__(self, conf: Any) -> None:
        pass

    def lex(self, data: Any) -> Iterator[Token]:  # type: ignore[override]
        yield from data


def _terminal(tag: Tag) -> str:
    if tag.kind in ("role", "carry") and tag.text.isascii():
        return "ROLE_EN"  # English puts the role before the agency: "led by the tax bureau"
    if tag.text in _ARTICLES:
        return "DE"
    if tag.kind == "number" and _A_YEAR.match(tag.text):
        return "YEAR"  # 2023年, 2025年以前: a year (the rules read its comparison)
    if tag.kind == "single" and tag.value.startswith("together"):
        return "TOGETHER"  # 两家一起: a count of agencies, or the agencies just named, restated
    sub = f"{tag.kind}:{tag.value}"
    if sub in _TERMINALS:
        return _TERMINALS[sub]
    if tag.kind in _TERMINALS:
        return _TERMINALS[tag.kind]
    return "OTHER"


def tokens(folded: str, lexicon: Lexicon) -> list[Token]:
    """Quoted phrases, then the lexicon's tags; an untagged run of Chinese characters is one WORD."""
    excepts = {t.end for t in lexicon.tag(folded, cues=False) if t.kind == "negation" and t.value == "except"
               or t.kind == "ignore"} if _QUOTED.search(folded) else set()  # 除了“X” / 不算“X”: read only when
    # something is quoted
    quotes = [(m.start(), m.end(), m.group(1)) for m in _QUOTED.finditer(folded)
              if lexicon.entries.get(m.group(1), ("", ""))[0] != "field"  # “具体举措” names the column
              and not (m.start() in excepts and lexicon.entries.get(m.group(1), ("", ""))[0] == "agency")]
    # 除了“各县区”以外: a name left out, quoted
    masked = folded
    for start, end, _ in quotes:
        masked = masked[:start] + " " * (end - start) + masked[end:]
    out: list[Token] = [Token("QUOTE", text, start_pos=start, end_pos=end) for start, end, text in quotes]
    covered = [False] * len(masked)
    for tag in lexicon.tag(masked, cues=False):
        covered[tag.start:tag.end] = [True] * (tag.end - tag.start)
        token = TagToken(_terminal(tag), tag.text, start_pos=tag.start, end_pos=tag.end)
        token.tag = tag
        token.parts = [token]
        out.append(token)
    for run in re.finditer(r"[\u3400-\u9fff]+", masked):
        start = run.start()
        for k in range(run.start(), run.end() + 1):
            if k == run.end() or covered[k]:
                if k > start:
                    out.append(Token("WORD", masked[start:k], start_pos=start, end_pos=k))
                start = k + 1
    return _without_glosses(_shared_heads(_longer_names(sorted(out, key=lambda t: t.start_pos or 0)), lexicon), folded)


def _without_glosses(stream: list[Token], folded: str) -> list[Token]:
    """the HR bureau (人社局): a name glossed in brackets right after a name of the same agency is that name again,
    no token of its own (the agencies before and after it stay one list)."""
    out: list[Token] = []
    for token in stream:
        before = out[-1] if out else None
        glossed = isinstance(before, TagToken) and isinstance(token, TagToken) \
            and token.type == before.type == "AGENCY" and token.tag.value == before.tag.value \
            and folded[before.end_pos or 0:token.start_pos or 0].strip() in ("(", "（") \
            and folded[token.end_pos or 0:].lstrip().startswith((")", "）"))  # (税务局除外): no gloss
        if not glossed:
            out.append(token)
    return out


_HEADS = ("部门", "局", "系统", "口", "单位")


def _shared_heads(stream: list[Token], lexicon: Lexicon) -> list[Token]:
    """财政和税务部门: a word joined to an agency shares the agency's head noun when the two make an agency's name
    (财政 + 部门): an AGENCY too."""
    out = list(stream)
    for k in range(len(out) - 2):
        word, conj, name = out[k:k + 3]
        head = next((h for h in _HEADS if str(name).endswith(h)), None) if name.type == "AGENCY" else None
        entry = lexicon.entries.get(str(word) + head, ("", "")) if head and word.type == "WORD" else ("", "")
        if conj.type == "CONJ" and entry[0] == "agency":
            token = TagToken("AGENCY", str(word), start_pos=word.start_pos, end_pos=word.end_pos)
            token.tag = Tag(word.start_pos or 0, word.end_pos or 0, str(word), "agency", entry[1])
            token.parts = [token]
            out[k] = token
    return out


def _longer_names(stream: list[Token]) -> list[Token]:
    """A place right before a run of untagged characters starts a longer name (营口职业技术学院): one WORD."""
    out: list[Token] = []
    for token in stream:
        if out and out[-1].type == "PLACE" and token.type == "WORD" and out[-1].end_pos == token.start_pos:
            place = out.pop()
            named = TagToken("WORD", str(place) + str(token), start_pos=place.start_pos, end_pos=token.end_pos)
            named.tag = place.tag if isinstance(place, TagToken) else Tag(0, 0, str(place), "place")
            named.parts = [named]  # a name that starts with a place (a literal's text)
            token = named
        out.append(token)
    return out


def _joined_by_or(items: list[Any]) -> bool:
    """The agencies of a construct are joined by 或 / or: any of them (some of them, for only)."""
    return any(t.type == "CONJ" and t.tag.value == "or" for t in _flat(items))  # type: ignore[attr-defined]


class _Fragments(Transformer):
    """Each construct of the parse tree as a Fragment; everything else is dropped."""

    def start(self, items: list[Any]) -> list[Fragment]:
        return [f for i in items for f in (i if isinstance(i, list) else [i]) if isinstance(f, Fragment)]

    def agencies(self, items: list[Token]) -> list[Token]:
        return [part for t in items for part in getattr(t, "parts", [t])]

    def also_field(self, items: list[Any]) -> str:
        return next(i for i in items if isinstance(i, str) and not isinstance(i, Token))

    def field(self, items: list[Token]) -> str:
        tag: Tag = items[0].tag  # type: ignore[attr-defined]
        return "percent" if tag.kind == "measure" else tag.value  # 写了比例的: a share is written as a percentage

    def target(self, items: list[Token]) -> Token:
        return items[0]

    def neg(self, items: list[Any]) -> Fragment:
        return Fragment("neg", *_names(items), role=_role(items))

    def role_of(self, items: list[Any]) -> Fragment:
        return Fragment("role", *_names(items), role=_role(items), either=_joined_by_or(items))

    def neither_nor(self, items: list[Any]) -> Fragment:
        """The roles said each with its own negator: both of them, any role (one of them said twice: that one)."""
        roles = {t.tag.value for t in _flat(items) if t.type in ("ROLE", "ROLE_EN")} | {  # type: ignore[attr-defined]
            i for i in items if isinstance(i, str) and not isinstance(i, Token)}
        named = roles & {"lead", "responsible"}
        return Fragment("role", *_names(items), role=named.pop() if len(named) == 1 else "any",
                        either=_joined_by_or(items))

    def neg_both(self, items: list[Any]) -> Fragment:
        return Fragment("neg", *_names(items), role="any")

    def neg_role(self, items: list[Any]) -> Fragment:
        return self.neg(items)

    def neg_field(self, items: list[Any]) -> Fragment:
        field = next((i for i in items if isinstance(i, str) and not isinstance(i, Token)), "")
        role = {"lead": "lead", "responsible": "responsible"}.get(field, "any")
        return Fragment("neg", *_names(items), role=role)

    def neg_role_after(self, items: list[Any]) -> Fragment:
        after = _flat(items)[[t.type for t in _flat(items)].index("NEG_PRE"):]
        field = next((i for i in items if isinstance(i, str) and not isinstance(i, Token)), "")
        role = {"lead": "lead", "responsible": "responsible"}.get(field) or _role(after)
        return Fragment("neg", *_names(items), role=role, involved=True)

    def neg_role_before(self, items: list[Any]) -> Fragment:
        """X不是牵头、只是配合: X in the rows, not in the role said right after the negator (a role word or a column)."""
        said = [p for i in items for p in (_flat([i]) if isinstance(i, Token | list) else [i])]  # a field: its name
        start = next(k for k, t in enumerate(said) if isinstance(t, Token) and t.type == "NEG_PRE")
        negated = next(t for t in said[start:] if not isinstance(t, Token) or t.type == "ROLE")
        role = _role([negated]) if isinstance(negated, Token) else \
            {"lead": "lead", "responsible": "responsible"}.get(negated, "any")
        return Fragment("neg", *_names(items), role=role, involved=True)

    def others_besides(self, items: list[Any]) -> Fragment:
        field = next((i for i in items if i in ("lead", "responsible")), None)  # the column said instead of a role
        return Fragment("others", *_names(items), role=field or _role(items))

    def only_except(self, items: list[Any]) -> Fragment:
        return Fragment("only", *_names(items))

    def only_role(self, items: list[Any]) -> Fragment:
        return self.only(items)

    def neg_only(self, items: list[Any]) -> Fragment:
        return replace(self.only(items), negated=True)

    def only_field(self, items: list[Any]) -> Fragment:
        return self.only(items)

    def only_single(self, items: list[Any]) -> Fragment | None:
        single = next(t for t in _flat(items) if t.type == "SINGLE")
        how, _, number = single.tag.value.partition(":")  # type: ignore[attr-defined]
        if how.partition("_")[0] != "count" or (cn_number(number) if number else 1) != len(_names(items)[0]):
            return None  # 教育局等两个部门: a count, not only X; 只写了A和B两家: only A and B
        return self.only(items)

    def only_besides(self, items: list[Any]) -> Fragment:
        lists = [i for i in items if isinstance(i, list)]
        left_out, kept = _names(lists[:1]), _names(lists[1:])
        field = next((i for i in items if isinstance(i, str) and not isinstance(i, Token)), "")
        role = {"lead": "lead", "responsible": "responsible"}.get(field, _role(items))
        return Fragment("only", *kept, role=role, ignoring=left_out[0], ignoring_names=left_out[1])

    def only_year(self, items: list[Any]) -> Fragment:
        return Fragment("only_year", text=str(next(t for t in _flat(items) if t.type == "YEAR"))[:4])

    def neg_year(self, items: list[Any]) -> Fragment:
        return Fragment("neg_year", text=str(next(t for t in _flat(items) if t.type == "YEAR"))[:4])

    def ignore(self, items: list[Any]) -> Fragment:
        return Fragment("ignore", *_names(items))

    def contrast(self, items: list[Any]) -> Fragment:
        return Fragment("contrast", *_names(items))

    def example(self, items: list[Any]) -> Fragment:
        return Fragment("example", *_names(items))

    def size(self, items: list[Any]) -> Fragment:
        field = next((i for i in items if isinstance(i, str) and not isinstance(i, Token)), "")
        role = {"lead": "lead", "responsible": "responsible"}.get(field, _role(items))
        single = next((t for t in _flat(items) if t.type in ("SINGLE", "YEARS", "TOGETHER")), None)
        if single is not None and single.type == "YEARS":  # 完成时间写了两个年份: the years the deadline names
            role = "due"
        how, _, number = single.tag.value.partition(":") if single is not None else ("count", "", "")  # type: ignore[attr-defined]
        how, _, column = how.partition("_")  # 一个牵头单位: the column the words name
        role = column or role
        count = cn_number(number) if number else 1
        if how == "more":  # 不止一个: two or more
            return Fragment("size", role=role, count=count + 1, at_least=True)
        return Fragment("size", role=role, count=count, at_least=how == "least")

    def first_named(self, items: list[Any]) -> Fragment:
        said = tuple(t.start_pos or 0 for t in _flat(items) if t.type == "FIRST")  # not "the most" here
        return Fragment("first", *_names(items), consumed=said)

    def first_not(self, items: list[Any]) -> Fragment:
        return replace(self.first_named(items), negated=True)

    def only(self, items: list[Any]) -> Fragment:
        field = next((i for i in items if isinstance(i, str) and not isinstance(i, Token)), "")
        target = next((i for i in items if isinstance(i, Token) and i.type in ("QUOTE", "WORD", "PLACE")), None)
        if field and target is not None:  # 责任单位只写了“学校”: the cell is that text alone
            return Fragment("literal_has", field=field, text=str(target), role="whole")
        role = {"lead": "lead", "responsible": "responsible"}.get(field, _role(items))
        return Fragment("only", *_names(items), role=role, either=_joined_by_or(items))  # A或B在弄，没别的: some

    def literal_has(self, items: list[Any]) -> Fragment:
        return _literal("literal_has", items)

    def literal_place(self, items: list[Any]) -> Fragment | None:
        said = next(t for t in _flat(items) if t.type in _VERBS)
        named = next(t for t in _flat(items) if t.type in ("PLACE", "WORD"))
        if named.type == "WORD" and getattr(getattr(named, "tag", None), "kind", "") != "place":
            return None  # 提到了营口职业技术学院: a name that starts with a place, not any word
        return _literal("literal_has", items) if said.tag.kind == "literal" else None  # type: ignore[attr-defined]

    def literal_not(self, items: list[Any]) -> Fragment:
        return _literal("literal_not", items)

    def literal_not_whole(self, items: list[Any]) -> Fragment:
        return replace(_literal("literal_not", items), role="whole")

    def empty(self, items: list[Any]) -> Fragment:
        return Fragment("empty", field=next((i for i in items if isinstance(i, str) and not isinstance(i, Token)),
                                            ""))

    def empty_each(self, items: list[Any]) -> list[Fragment]:
        return [Fragment("empty", field=i) for i in items if isinstance(i, str) and not isinstance(i, Token)]

    def only_blank(self, items: list[Any]) -> list[Fragment]:
        filled, blank = [i for i in items if isinstance(i, str) and not isinstance(i, Token)]
        return [Fragment("filled", field=filled), Fragment("empty", field=blank)]

    def filled_last(self, items: list[Any]) -> Fragment:
        return Fragment("filled", field=[i for i in items if isinstance(i, str) and not isinstance(i, Token)][-1])

    def filled(self, items: list[Any]) -> Fragment:
        return Fragment("filled", field=next((i for i in items if isinstance(i, str) and not isinstance(i, Token)),
                                             ""))


def _flat(items: list[Any]) -> list[Token]:
    out: list[Token] = []
    for item in items:
        if isinstance(item, list):
            out += _flat(item)
        elif isinstance(item, Token):
            out.append(item)
    return out


def _names(items: list[Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    agencies = [t for t in _flat(items) if t.type == "AGENCY"]
    names = [str(t)[1:] if str(t).startswith(LEVELS) and len(str(t)) > 3 and str(t)[1] != "委" else str(t)
             for t in agencies]  # 市教育局 → 教育局; 市委宣传部 keeps its 市委 (the party committee's)
    return tuple(t.tag.value for t in agencies), tuple(names)  # type: ignore[attr-defined]


def _role(items: list[Any]) -> str:
    """The role the role words say: one of lead / responsible, or any when they name both or 参与 besides."""
    tokens = _flat(items)
    roles = {t.tag.value for t in tokens if t.type in ("ROLE", "ROLE_EN")}  # type: ignore[attr-defined]
    named = roles & {"lead", "responsible"}
    joined = any(t.type == "CONJ" for t in tokens) and len(roles) > 1  # 牵头或参与: either role
    return named.pop() if len(named) == 1 and not joined else "any"


_EDGES = {"first_one": "start", "last_one": "end"}


def _literal(kind: FragmentKind, items: list[Any]) -> Fragment:
    field = next((i for i in items if isinstance(i, str) and not isinstance(i, Token)), "")  # no column named
    target = next(i for i in reversed(items) if isinstance(i, Token) and i.type in ("QUOTE", "AGENCY", "PLACE",
                                                                                    "WORD"))
    if kind == "literal_not" and getattr(getattr(target, "tag", None), "kind", "") == "institution":
        return Fragment("outside", text=str(target))  # not in the school's columns: its measures are not asked of
    quotes = tuple(str(i) for i in items if isinstance(i, Token) and i.type == "QUOTE")
    said = [t.tag.value for t in _flat(items) if t.type in _VERBS]  # type: ignore[attr-defined]
    edges = [t for t in _flat(items) if t.type == "EDGE"]
    at = next((a for a in said if a in ("start", "end")),
              _EDGES.get(edges[0].tag.value, "any") if edges else "any")  # type: ignore[attr-defined]
    verb = next((k for k, t in enumerate(_flat(items)) if t.type in (*_VERBS, "HAS")), 0)
    who = tuple(str(t) for t in _flat(items)[:verb] if t.type == "WORD")  # 金融方面的单位写作“X”: 金融
    return Fragment(kind, field=field, text=str(target), text_is_agency=target.type == "AGENCY", at=at,
                    texts=quotes if len(quotes) > 1 else (), consumed=tuple(t.start_pos or 0 for t in edges),
                    who=who, named=bool({"is", "as"} & set(said)))


@lru_cache(maxsize=4)
def _parser(grammar: str) -> ShapeParser:
    """One parser per grammar text, shared by every engine: building it takes about a second, and a server builds
    an engine at each switch of the index build (the lexicon changes, the grammar does not)."""
    return ShapeParser(Lark(grammar, parser="earley", lexer=_Tokens, ambiguity="resolve"))


class Grammar:
    """Reads the constructs of a question from its tags."""

    def __init__(self, lexicon: Lexicon, path: Path = GRAMMAR_FILE, cache_dir: Path | None = None) -> None:
        """`cache_dir` keeps the parses of the stretches met (see shapes.py) for the next process."""
        self.lexicon = lexicon
        self.text = path.read_text("utf-8")
        self.shapes = ShapeFile(cache_dir, self.text) if cache_dir is not None else None

    @property
    def parser(self) -> ShapeParser:
        """The grammar's parser, built at the first stretch of a shape not met before."""
        return _parser(self.text)

    def fragments(self, folded: str) -> list[Fragment]:
        """The constructs of a question, left to right. No construct holds an OTHER token (a function word), so
        each stretch between two is parsed alone, and a stretch where no construct can start is skipped."""
        found: list[Fragment] = []
        for stretch in _stretches(_folded_runs(tokens(folded, self.lexicon))):
            if any(t.type in _OPENERS for t in stretch):
                found += _Fragments().transform(_filled(self._shape(tuple(t.type for t in stretch)), iter(stretch)))
        return found

    @lru_cache(maxsize=4096)  # noqa: B019 (one grammar per engine; shapes repeat across questions)
    def _shape(self, types: tuple[str, ...]) -> Tree:
        """The parse of a stretch depends on its terminals alone: parsed once per sequence of them (and kept in
        the cache directory, when there is one, for the next process)."""
        known = self.shapes.get(types) if self.shapes is not None else None
        if known is not None:
            return known
        tree = self.parser.parse(types)
        if self.shapes is not None:
            self.shapes.put(types, tree)
        return tree


def _filled(shape: Tree, stretch: Iterator[Token]) -> Tree:
    """The shape's leaves replaced, in order, by the stretch's tokens."""
    return Tree(shape.data, [next(stretch) if isinstance(c, Token) else _filled(c, stretch) for c in shape.children])


def _stretches(stream: list[Token]) -> list[list[Token]]:
    out: list[list[Token]] = [[]]
    for token in stream:
        if token.type == "OTHER":
            out.append([])
        else:
            out[-1].append(token)
    return [s for s in out if s]


def _comma_list(stream: list[Token], k: int) -> bool:
    """A, B and C: agencies side by side (a comma is no token) are one list when an English joiner (and, or)
    closes it; in Chinese a comma ends a clause (用不着X，Y或Z牵头: X, then Y or Z)."""
    j = k + 1
    while j < len(stream) and stream[j].type == "AGENCY":
        j += 1
    return j > k + 1 and j + 1 < len(stream) and stream[j].type == "CONJ" and str(stream[j]).isascii() \
        and stream[j + 1].type == "AGENCY"


def _folded_runs(stream: list[Token]) -> list[Token]:
    """Runs of tokens no construct uses (OTHER) read as one, and a list of agencies (A、B或C, the X and the Y) as
    one AGENCY token: fewer tokens, and a construct always takes the whole list."""
    out: list[Token] = []
    k = 0
    while k < len(stream):
        token = stream[k]
        if token.type == "OTHER" and out and out[-1].type == "OTHER":
            k += 1
            continue
        if token.type == "AGENCY":
            parts = [token]
            while k + 2 < len(stream) and stream[k + 1].type == "CONJ" and (
                    stream[k + 2].type == "AGENCY" or stream[k + 2].type == "DE" and k + 3 < len(stream)
                    and stream[k + 3].type == "AGENCY") or _comma_list(stream, k):
                if stream[k + 1].type == "AGENCY":  # A, B and C: the comma is no token
                    parts.append(stream[k + 1])
                    k += 1
                    continue
                step = 2 if stream[k + 2].type == "AGENCY" else 3
                parts += [stream[k + 1], stream[k + step]]
                k += step
            if len(parts) > 1:
                joined = TagToken("AGENCY", "".join(str(p) for p in parts), start_pos=token.start_pos)
                joined.tag, joined.parts = token.tag, parts  # type: ignore[attr-defined]
                token = joined
        out.append(token)
        k += 1
    return out
