"""China's administrative divisions with their parents (ingest/registry/divisions.csv, the national division codes):
the place a list's title names, what a place name someone typed refers to, and the places above a place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "registry"
_LEVEL = re.compile(r"(特别行政区|自治区|自治州|自治县|自治旗|新区|林区|地区|省|市|区|县|旗|盟|州)$")
_LEADING = re.compile(r"^(附件[0-9一二三四五六七八九十]*[:：]?|[《“\"「『(（【\[])*")
LONGEST = 16  # characters of the longest name (双江拉祜族佤族布朗族傣族自治县 is 15)


@dataclass(frozen=True)
class Division:
    """One division: its six-digit code and its full name."""

    code: str
    name: str

    @property
    def level(self) -> str:
        """省级, 地级 or 县级, read from the code."""
        if self.code[2:] == "0000":
            return "省级"
        return "地级" if self.code[4:] == "00" else "县级"


@dataclass(frozen=True)
class Named:
    """A stretch of text naming a place, and the divisions it may be: one, unless the name is shared and no place
    above it stands right before it (鼓楼区 alone; 福州市鼓楼区 is one)."""

    start: int
    end: int
    divisions: tuple[Division, ...]
    full: bool  # the full name (盖州市), not the short one (盖州)
    qualified: bool  # right after a place above it, which chose among the divisions of that name


class Divisions:
    """Every division by code, the forms of its name (full and short), and its parent read from the code."""

    def __init__(self, rows: list[tuple[str, str]], peoples: list[str]) -> None:
        self.by_code = {code: Division(code, name) for code, name in rows}
        # 维吾尔族 is written 维吾尔 in 新疆维吾尔自治区: both forms; one character alone (白, 水) is too short to strip
        self._peoples = sorted({p for people in peoples for p in (people, people.removesuffix("族")) if len(p) >= 2},
                               key=len, reverse=True)
        self.full_names: dict[str, list[Division]] = {}
        self.forms: dict[str, list[Division]] = {}
        for division in self.by_code.values():
            self.full_names.setdefault(division.name, []).append(division)
            for form in dict.fromkeys((division.name, self.short(division.name))):
                self.forms.setdefault(form, []).append(division)
        self.keys = {self.key(d): d for d in self.by_code.values()}

    @classmethod
    def load(cls, folder: Path = FOLDER) -> Divisions:
        lines = [line.strip() for line in (folder / "divisions.csv").read_text("utf-8").splitlines()]
        rows = [line.split(",", 1) for line in lines if line and not line.startswith("#")][1:]  # after the header
        peoples = [p.strip() for p in (folder / "nations.txt").read_text("utf-8").splitlines()
                   if p.strip() and not p.startswith("#")]
        return cls([(code, name) for code, name in rows], peoples)

    def short(self, name: str) -> str:
        """The name people use: 盖州 for 盖州市, 广西 for 广西壮族自治区, 黔南 for 黔南布依族苗族自治州; the full
        name when less than two characters would be left (和县, 东区)."""
        base = _LEVEL.sub("", name)
        stripped = "自治" in name  # only an autonomous division's name holds its peoples
        while stripped:
            stripped = False
            for people in self._peoples:
                if base.endswith(people) and len(base) - len(people) >= 2:
                    base, stripped = base[: -len(people)], True
                    break
        return base if len(base) >= 2 else name

    def parent(self, division: Division) -> Division | None:
        """The division above: a county's prefecture, else its province (济源市); a prefecture's province."""
        code = division.code
        if division.level == "县级":
            return self.by_code.get(code[:4] + "00") or self.by_code.get(code[:2] + "0000")
        return self.by_code.get(code[:2] + "0000") if division.level == "地级" else None

    def chain(self, division: Division) -> list[Division]:
        """The division and those above it: 盖州市, 营口市, 辽宁省."""
        chain = [division]
        while (above := self.parent(chain[-1])) is not None:
            chain.append(above)
        return chain

    def key(self, division: Division) -> str:
        """How a list's place is written: the full name, or with the place above when the name is shared
        (福州市鼓楼区, 南京市鼓楼区)."""
        if len(self.full_names[division.name]) == 1:
            return division.name
        above = self.parent(division)
        return (self.key(above) if above else "") + division.name

    def named_in(self, text: str) -> list[Named]:
        """Every stretch of `text` that is a division's name, longest first, left to right. A name right after a
        place above it (营口市盖州市, 福州鼓楼区) is taken as the division under that place."""
        found: list[Named] = []
        i = 0
        while i < len(text):
            form = next((text[i:i + n] for n in range(min(LONGEST, len(text) - i), 1, -1)
                         if text[i:i + n] in self.forms), None)
            if form is None:
                i += 1
                continue
            divisions = self.forms[form]
            before = found[-1] if found and found[-1].end == i else None
            under = [d for d in divisions if before and any(p in self.chain(d)[1:] for p in before.divisions)]
            found.append(Named(i, i + len(form), tuple(under or divisions), form in self.full_names, bool(under)))
            i += len(form)
        return found

    def places_in(self, text: str) -> list[Named]:
        """The places a title (or a line above a table) names, as its reader would take them: a full name of
        three characters or more that no other division has; a name right after a place above it (营口市盖州市);
        and, at the text's start, any name (鞍山职业教育…, 鼓楼区… with its several divisions)."""
        lead = _LEADING.match(text)
        start = lead.end() if lead else 0
        return [n for n in self.named_in(text) if n.qualified or n.start == start
                or (n.full and len(n.divisions) == 1 and n.end - n.start >= 3)]

    def title_place(self, text: str) -> tuple[int, Division] | None:
        """Where a text first names one place, and that place, taken down a run of places each under the one
        before it (辽宁省营口市盖州市 → 盖州市)."""
        found = [n for n in self.places_in(text) if len(n.divisions) == 1]
        if not found:
            return None
        run = [found[0]]
        for named in found[1:]:
            if named.start != run[-1].end or not named.qualified:
                break
            run.append(named)
        return run[0].start, run[-1].divisions[0]

    def resolve(self, name: str) -> list[Division]:
        """The divisions a place name someone typed may be: 盖州, 盖州市, 营口盖州, 福州市鼓楼区 are one each;
        鼓楼区 is four; a name that is no division, none."""
        if name in self.keys:
            return [self.keys[name]]
        found = self.named_in(name)
        whole = found and found[0].start == 0 and found[-1].end == len(name) and \
            all(a.end == b.start and b.qualified for a, b in zip(found, found[1:], strict=False))
        return list(found[-1].divisions) if whole else []
