"""Numbers in questions: year expressions (2025年前, 2021—2022年, after 2023) and row references (第8项, 第20至22条)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.understand.plan import YearAtom

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
              "九": 9}
_NUM = r"(?:\d{1,3}|[零〇一二两三四五六七八九十百]{1,4})"
_UNIT = r"(?:项|条|个|号|行|点)"
_RANGE = re.compile(rf"第\s*({_NUM})\s*(?:{_UNIT})?\s*(?:至|到|~|～|-|—|–)\s*第?\s*({_NUM})\s*{_UNIT}")
_BARE_RANGE = re.compile(r"(?<![\d第])(\d{1,3})\s*(?:至|到|~|～|-|—|–)\s*(\d{1,3})\s*(?:项|条)")  # （34到37条）
_JOIN = r"(?:、|和|与|及|,|，)"
# 第10、11、12条 / 第3条和第5条: two numbers or more, 第 before the first, the unit after the last
_LIST = re.compile(rf"第\s*{_NUM}\s*(?:{_UNIT})?(?:\s*{_JOIN}\s*第?\s*{_NUM}\s*(?:{_UNIT})?)*?\s*{_JOIN}\s*第?\s*{_NUM}\s*{_UNIT}")
# 排第一个 / 列在第一个 / 第一个写的: where a name stands in its column (the lexicon's [first]), not a row
_ONE = re.compile(rf"(?<!排)(?<!排在)(?<!列在)(?<!写在)第\s*({_NUM})\s*(?:个(?!写|列|填)|项|条|号|行|点)|序号\s*(?:为|是)?\s*({_NUM})|#\s*(\d{{1,3}})")
_HAO = re.compile(r"(?<![\d第月〕\]）)])(\d{1,3})\s*号(?!文|令|线|楼|院|码)")  # 12号任务; not 3月12号, 〔2019〕4号文
_FROM_END = re.compile(rf"最后\s*(?:一)?\s*{_UNIT}|倒数\s*第\s*({_NUM})\s*{_UNIT}?|末\s*{_UNIT}")
_EN_RANGE = re.compile(r"\b(?:rows?|items?|tasks?|nos?\.?|numbers?)\s*(\d{1,3})\s*(?:-|–|to|through)\s*(\d{1,3})\b")
_EN_ONE = re.compile(r"\b(?:row|item|task|no\.?|number)\s*#?\s*(\d{1,3})\b")
EN_ORDINAL = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
               "eighth": 8, "ninth": 9, "tenth": 10, "last": -1}
_EN_ORD = re.compile(r"\bthe (first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)(?![ -]to[ -]last)"
                     r"(?![ -](?:most|largest|highest|busiest|biggest|longest|fewest|least|smallest|lowest|shortest"
                     r"|place)\b)"  # the second most: a place in a ranking
                     r"(?: one| task| item| row)?\b|\b(\d{1,2})(?:st|nd|rd|th) (?:one|task|item|row)\b")
# the second-to-last row: counted from the list's end, as 倒数第二条
_EN_FROM_END = re.compile(r"\b(second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)[ -]to[ -]last\b")

_YEAR = r"((?:19|20)\d{2})"
_YEAR_RANGE = re.compile(rf"{_YEAR}\s*年?\s*(?:—|–|-|~|～|至|到)\s*{_YEAR}(?:\s*年|(?!\d))")
_EN_YEAR_RANGE = re.compile(rf"(?:between|from)\s+{_YEAR}\s+(?:and|to|through|until)\s+{_YEAR}|{_YEAR}\s*(?:-|–|to)\s*{_YEAR}")
_YEAR_CN = re.compile(rf"{_YEAR}\s*年")
_BARE_YEARS = re.compile(rf"{_YEAR}(?:\s*(?:、|,|，|和|及|与|或)\s*{_YEAR})+(?![\d年])")  # 2021、2023、2025各几条
_YEAR_LIST = re.compile(rf"{_YEAR}(?:\s*(?:、|,|，|和|及|与|或)\s*{_YEAR})*\s*(?:、|,|，|和|及|与|或)\s*{_YEAR}\s*年")  # 2021、2023、2025年
_START = re.compile(rf"(?:自|从)?\s*{_YEAR}\s*年(?:\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*日)?)?\s*(?:起|开始|以来)")
_YEAR_EN = re.compile(rf"(?<!\d){_YEAR}(?!\d)")


ENGLISH_NUMBERS = {w: n for n, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
     "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"])}


def cn_number(text: str) -> int:
    """An Arabic, Chinese or English number up to 999: 12, 十二, 二十三, 一百零五, three."""
    if text.isdigit():
        return int(text)
    if text.lower() in ENGLISH_NUMBERS:
        return ENGLISH_NUMBERS[text.lower()]
    if text.lower() in EN_ORDINAL:  # second (to last)
        return EN_ORDINAL[text.lower()]
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS[char]
    return total + current


@dataclass(frozen=True)
class RowRef:
    """A row number or range the question names (negative numbers count from the list's end)."""

    start: int
    end: int
    span: tuple[int, int]


_THE_LIST = r"(?:的)?(?:那个|这个|那份|这份|那张|这张)?(?:清单|表格|表)?(?:里|中|上)?"  # 营口清单里24条: the list said
_NOT_A_ROW = r"(?!任务|工作|事项|举措|主要任务|大类|类|方面|板块|部分)"  # 14项主要任务: how many categories
_AFTER_PLACE = re.compile(rf"\s*{_THE_LIST}\s*(\d{{1,3}})\s*(?:项|条|号){_NOT_A_ROW}")
# 省里49条 / 省清单49条: a number right after a level's list, as after a place's name
_AFTER_LEVEL = re.compile(rf"(?:省里|省清单里?|省级清单里?|省的清单里?){_THE_LIST}\s*(\d{{1,3}})\s*(?:项|条|号)"
                          + _NOT_A_ROW)


def row_refs(folded: str, places: Sequence[tuple[int, int]] = ()) -> list[RowRef]:
    """第N项, 第N至M条, 第N、M项, 序号N, #N, row N, the second one, and a number right after a place's name
    (营口32条: that list's row 32; `places` are where place names are said); each once."""
    refs: list[RowRef] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, span: tuple[int, int]) -> None:
        if all(span[1] <= a or span[0] >= b for a, b in taken):
            taken.append(span)
            refs.append(RowRef(min(start, end), max(start, end), span))

    for match in _FROM_END.finditer(folded):  # the last row is -1, the one before it -2
        number = -cn_number(match.group(1)) if match.group(1) else -1
        add(number, number, match.span())
    for match in _RANGE.finditer(folded):
        add(cn_number(match.group(1)), cn_number(match.group(2)), match.span())
    for match in _BARE_RANGE.finditer(folded):
        add(int(match.group(1)), int(match.group(2)), match.span())
    for match in _LIST.finditer(folded):
        for each in re.finditer(_NUM, match.group()):
            number = cn_number(each.group())
            add(number, number, (match.start() + each.start(), match.start() + each.end()))
    for match in _ONE.finditer(folded):
        text = next(g for g in match.groups() if g)
        add(cn_number(text), cn_number(text), match.span())
    for match in _HAO.finditer(folded):
        add(int(match.group(1)), int(match.group(1)), match.span())
    for _, end in places:
        if after := _AFTER_PLACE.match(folded, end):
            add(int(after.group(1)), int(after.group(1)), after.span())
    for match in _AFTER_LEVEL.finditer(folded):
        add(int(match.group(1)), int(match.group(1)), match.span(1))
    for match in _EN_RANGE.finditer(folded):
        add(int(match.group(1)), int(match.group(2)), match.span())
    for match in _EN_ONE.finditer(folded):
        add(int(match.group(1)), int(match.group(1)), match.span())
    for match in _EN_FROM_END.finditer(folded):
        add(-EN_ORDINAL[match.group(1)], -EN_ORDINAL[match.group(1)], match.span())
    for match in _EN_ORD.finditer(folded):
        number = EN_ORDINAL[match.group(1)] if match.group(1) else int(match.group(2))
        add(number, number, match.span())
    return sorted(refs, key=lambda r: r.span)


def year_atoms(folded: str, cues: dict[str, list[str]], lang: str) -> list[YearAtom]:
    """The year conditions of a question, each year read once: ranges, then single years with their cue."""
    field: Literal["deadline", "mentioned"] = "mentioned" if any(c in folded for c in cues["mentioned"]) \
        and not any(c in folded for c in cues["deadline_column"]) else "deadline"  # 完成时间写了2025年: the column
    atoms: list[YearAtom] = []
    spans: list[tuple[int, int]] = []
    if not any(c in folded for c in cues["deadline_words"]):  # 自2019年起执行: a start date the text names
        for match in _START.finditer(folded):
            atoms.append(YearAtom(op="in", year=int(match.group(1)), field="mentioned"))
            spans.append(match.span())
    for pattern in (_YEAR_RANGE, _EN_YEAR_RANGE):
        for match in pattern.finditer(folded):
            if any(a <= match.start() < b for a, b in spans):
                continue
            first, last = (int(y) for y in match.groups() if y)
            atoms.append(YearAtom(op="between", year=min(first, last), until=max(first, last), field=field))
            spans.append(match.span())
    for match in _YEAR_LIST.finditer(folded) if lang == "zh" else ():  # the 年 after the last year is each one's:
        *listed, final = list(re.finditer(_YEAR, match.group(0)))  # the years before it, read here; the last
        atoms += [YearAtom(op="in", year=int(y.group(1)), field=field) for y in listed]  # one below, with its 年
        spans.append((match.start(), match.start() + final.start()))
    for match in _BARE_YEARS.finditer(folded) if lang == "zh" else ():  # years listed with no 年 at all: each one
        if any(a <= match.start() < b for a, b in spans):
            continue
        atoms += [YearAtom(op="in", year=int(y.group(1)), field=field) for y in re.finditer(_YEAR, match.group(0))]
        spans.append(match.span())
    single = _YEAR_CN if lang == "zh" else _YEAR_EN
    for match in single.finditer(folded):
        if any(a <= match.start() < b for a, b in spans):
            continue
        year = int(match.group(1))
        op = _cn_op(folded, match, cues) if lang == "zh" or folded[match.end():match.end() + 1] == "年" \
            else _en_op(folded, match, cues)
        atoms.append(YearAtom(op=op, year=year, field=field))  # type: ignore[arg-type]
    return atoms


def _cn_op(folded: str, match: re.Match[str], cues: dict[str, list[str]]) -> str:
    after = "年" + folded[match.end():match.end() + 5].lstrip("年")
    before = folded[max(0, match.start() - 4):match.start()]
    for op in ("by", "after", "from"):
        if any(after.startswith(c) for c in sorted(cues[op], key=len, reverse=True)):
            return op
    for op in ("by", "before", "after", "from"):
        if any(before.endswith(c) for c in cues[f"{op}_open"]):
            return op
    return "in"


def _en_op(folded: str, match: re.Match[str], cues: dict[str, list[str]]) -> str:
    before = folded[max(0, match.start() - 16):match.start()].rstrip()
    after = folded[match.end():match.end() + 12].lstrip()
    if any(after.startswith(c) for c in ("or later", "onwards", "and later", "and after")):
        return "from"
    if any(after.startswith(c) for c in ("or earlier", "and earlier", "and before")):
        return "by"
    for op in ("before", "by", "after", "from", "in"):
        if any(before.endswith(c) for c in cues[f"en_{op}"]):
            return op
    return "in"


_DESCRIBED = re.compile(r"((?:第\s*[\d一二三四五六七八九十百]+\s*[条项]|\b(?:row|task|item)\s+\d+|#\s*\d+))\s*[（(][^（）()]{2,120}[）)]",
                        re.IGNORECASE)


def without_row_descriptions(question: str) -> str:
    """瓦房店第10条（第三方评估…）/ row 38 (the rule of …) / #49 (…): words in brackets right after a row's number describe the
    row the number names; they are no condition of their own, and are not read as one."""
    return _DESCRIBED.sub(lambda m: m.group(1) + " ", question)
