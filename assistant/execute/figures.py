"""Figures a row states, read as numbers: the row with the highest (or lowest) figure in a unit is picked by them
(百分比定得最高的那条: 60%以上 over 30% and 20%)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.understand.numbers import cn_number
from ingest.rows import Row

_CN = "零〇一二两三四五六七八九十百"
_SCALE = {"": 1.0, "万": 1e4, "亿": 1e8}
# unit → a figure in that unit: its number, a scale (万, 亿) where one may stand, then the unit's words
_FIGURES = {
    "share": re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<scale>)[%％]|百分之(?P<cn>[" + _CN + r"]+)"),
    "people": re.compile(r"(?:(?P<n>\d+(?:\.\d+)?)|(?P<cn>[" + _CN + r"]+))\s*(?P<scale>万?)(?:人次|人|名)"),
    "money": re.compile(r"(?:(?P<n>\d+(?:\.\d+)?)|(?P<cn>[" + _CN + r"]+))\s*(?P<scale>亿|万)?元"),
    # a number of things (1000门, 10所, 200万人次): any measure word but a year's, a share's or a sum's
    "count": re.compile(r"(?:(?P<n>\d+(?:\.\d+)?)|(?P<cn>[" + _CN + r"]+))\s*(?P<scale>万?)"
                        r"(?:个|所|门|家|项|支|本|类|批|套|部|场|期|种|座|人次|人|名)"),
}


@dataclass(frozen=True)
class Figure:
    """One figure of a row: its value, and its text as the row writes it (60%以上 is written 60%)."""

    value: float
    text: str


def figures(row: Row, unit: str) -> list[Figure]:
    """The figures the row's text and its institution's targets state in the unit, in the order written."""
    pattern = _FIGURES.get(unit)
    if pattern is None:
        return []
    texts = [row.text] + ([row.measures.targets] if row.measures and row.measures.targets else [])
    found = []
    for text in texts:
        for match in pattern.finditer(text):
            number = _number(match.group("n"), match.group("cn"))
            if number is not None:
                found.append(Figure(number * _SCALE[match.group("scale") or ""], match.group(0)))
    return found


def ranked_by_figure(rows: list[Row], unit: str, highest: bool) -> list[tuple[Row, Figure]]:
    """The rows whose greatest (or, not `highest`, least) figure in the unit is the extreme of all the rows, ties
    kept, in list order; each with the figure that decided it."""
    best: dict[str, Figure] = {}
    for row in rows:
        stated = figures(row, unit)
        if stated:
            best[row.id] = (max if highest else min)(stated, key=lambda f: f.value)
    if not best:
        return []
    extreme = (max if highest else min)(f.value for f in best.values())
    return [(r, best[r.id]) for r in rows if r.id in best and best[r.id].value == extreme]


def _number(digits: str | None, chinese: str | None) -> float | None:
    if digits:
        return float(digits)
    try:
        return float(cn_number(chinese or ""))
    except KeyError:  # 〇 alone, or a character cn_number does not read
        return None
