"""Round trip of the question reader: write questions from plans, read them back, compare the plans.

Each generated question combines a place with one to three constructs (an agency in a role, negation in several
words, only, a column's literal text, a field left empty or filled, rows by position, the most or the fewest, a
same-pinyin typo of the place, a group of agencies, a count for each agency named, for each but one, or the first N), in several surface forms each, Chinese and English. Its
expected plan is a `Signature`; the question reads back when `Assistant.plan` gives that signature and reads every
word. The phrasings here are written for the generator and kept apart from every question set.

    python -m evals.roundtrip [--count 2400] [--show 20]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from assistant.core import Assistant
from assistant.understand.plan import (
    AgencyAtom,
    EmptyAtom,
    Group,
    OnlyAtom,
    QueryPlan,
    RowsAtom,
    TextAtom,
    YearAtom,
    iter_atoms_signed,
)


@dataclass(frozen=True)
class Signature:
    """What a plan says, in the terms the generator writes: comparable as a whole."""

    places: frozenset[str] = frozenset()
    agencies: frozenset[tuple[str, str]] = frozenset()  # (agency id, role) named positively
    without: frozenset[str] = frozenset()  # agency ids under a NOT
    only: frozenset[tuple[frozenset[str], str]] = frozenset()
    texts: frozenset[tuple[str, str, bool]] = frozenset()  # (field, text, negated)
    empty: frozenset[tuple[str, bool]] = frozenset()  # (field, negated)
    rows: frozenset[tuple[int, int]] = frozenset()
    pick: tuple[str, str] | None = None  # (max|min, group_by)
    either: frozenset[frozenset[str]] = frozenset()  # agencies joined by OR
    years: frozenset[tuple[str, int]] = frozenset()  # (op, year)
    count: bool = False
    # a count per agency: among, excluding, top, at least / at most this many rows
    groups: tuple[frozenset[str], frozenset[str], int | None, int | None, int | None] | None = None

    def __or__(self, other: Signature) -> Signature:
        return Signature(self.places | other.places, self.agencies | other.agencies, self.without | other.without,
                         self.only | other.only, self.texts | other.texts, self.empty | other.empty,
                         self.rows | other.rows, self.pick or other.pick, self.either | other.either,
                         self.years | other.years, self.count or other.count, self.groups or other.groups)


def signature(plan: QueryPlan) -> Signature:
    agencies, without, only, texts, empty, rows, years = set(), set(), set(), set(), set(), set(), set()
    for atom, negated in iter_atoms_signed(plan.where):
        if isinstance(atom, AgencyAtom):
            (without.add(atom.agency) if negated else agencies.add((atom.agency, atom.role)))
        elif isinstance(atom, OnlyAtom):
            only.add((frozenset(atom.agencies), atom.role))
        elif isinstance(atom, TextAtom):
            texts.add((atom.field, atom.text, negated))
        elif isinstance(atom, EmptyAtom):
            empty.add((atom.field, negated))
        elif isinstance(atom, RowsAtom):
            rows.add((atom.start, atom.end))
        elif isinstance(atom, YearAtom):
            years.add((atom.op, atom.year))
    either = {frozenset(a.agency for a in g.items if isinstance(a, AgencyAtom)) for g in _groups(plan.where)
              if g.kind == "or" and all(isinstance(a, AgencyAtom) for a in g.items)}
    pick = (plan.pick, plan.group_by or "") if plan.pick else None
    groups = (frozenset(plan.groups.among), frozenset(plan.groups.excluding), plan.groups.top, plan.groups.least,
              plan.groups.most) \
        if plan.groups is not None and plan.operation == "group_count" else None
    return Signature(frozenset(plan.scope.places), frozenset(agencies), frozenset(without), frozenset(only),
                     frozenset(texts), frozenset(empty), frozenset(rows), pick, frozenset(either), frozenset(years),
                     plan.operation == "count", groups)


def _groups(node: object) -> list[Group]:
    if not isinstance(node, Group):
        return []
    return [node, *(g for item in node.items for g in _groups(item))]


@dataclass(frozen=True)
class Part:
    """One construct as words (Chinese or English) and what it adds to the plan."""

    zh: str
    en: str
    adds: Signature
    kind: str


@dataclass
class Generated:
    question: str
    lang: str
    expected: Signature
    kinds: tuple[str, ...]


@dataclass
class RoundTrip:
    n: int
    read_back: int
    failures: list[tuple[Generated, Signature, list[str]]] = field(default_factory=list)
    by_kind: Counter[str] = field(default_factory=Counter)
    failed_by_kind: Counter[str] = field(default_factory=Counter)

    @property
    def share(self) -> float:
        return self.read_back / self.n if self.n else 0.0


# Places with their lists' agencies: (place, surface forms, English form, pinyin typos, agencies {id: (zh, en)}).
PLACES = [
    ("营口市", ["营口", "营口市"], "Yingkou", ["营扣"],
     {"education": ("教育局", "education bureau"), "finance": ("财政局", "finance bureau"),
      "hrss": ("人社局", "human resources and social security bureau"),
      "development_reform": ("发改委", "development and reform commission"), "commerce": ("商务局", "commerce bureau")}),
    ("环翠区", ["环翠区", "环翠"], "Huancui", ["环脆"],
     {"education": ("教育体育局", "education bureau"), "finance": ("财政局", "finance bureau"),
      "tax": ("税务局", "tax bureau"), "hrss": ("人社局", "human resources and social security bureau")}),
    ("瓦房店市", ["瓦房店", "瓦房店市"], "Wafangdian", ["瓦房电", "瓦方店"],
     {"education": ("教育局", "education bureau"), "finance": ("财政局", "finance bureau"),
      "hrss": ("人社局", "human resources and social security bureau"),
      "development_reform": ("发改局", "development and reform commission")}),
]
# Constructs generated in English as well as Chinese.
ENGLISH = ("role", "negation", "position", "extreme", "only", "literal", "empty", "and", "or", "year", "group")
FIELDS = {"responsible": ("责任单位", "责任部门"), "lead": ("牵头单位", "牵头部门")}
FIELDS_EN = {"responsible": "responsible unit", "lead": "lead unit"}


def _agency_parts(agencies: dict[str, tuple[str, str]], rng: random.Random) -> list[Part]:
    # a and b are named positively, c is left out: no question names one agency both ways
    (a, (a_zh, a_en)), (b, (b_zh, b_en)), (c, (c_zh, c_en)) = rng.sample(sorted(agencies.items()), 3)
    lead = Signature(agencies=frozenset({(a, "lead")}))
    anyrole = Signature(agencies=frozenset({(a, "any")}))
    neg = Signature(without=frozenset({c}))
    return [
        Part(f"{a_zh}牵头的", f"led by the {a_en}", lead, "role"),
        Part(f"由{a_zh}牵头的", f"that the {a_en} leads", lead, "role"),
        Part(f"{a_zh}参与的", f"involving the {a_en}", anyrole, "role"),
        Part(f"不用管{c_zh}的", f"not involving the {c_en}", neg, "negation"),
        Part(f"跟{c_zh}无关的", f"without the {c_en}", neg, "negation"),
        Part(f"{c_zh}不参与的", f"in which the {c_en} is not involved", neg, "negation"),
        Part(f"用不着{c_zh}的", f"excluding the {c_en}", neg, "negation"),
        Part(f"{a_zh}和{b_zh}都参与的", f"involving both the {a_en} and the {b_en}",
             Signature(agencies=frozenset({(a, "any"), (b, "any")})), "and"),
        Part(f"{a_zh}或{b_zh}牵头的", f"led by the {a_en} or the {b_en}",
             Signature(agencies=frozenset({(a, "lead"), (b, "lead")}), either=frozenset({frozenset({a, b})})), "or"),
        Part(f"只有{a_zh}一家负责的", f"for which only the {a_en} is responsible",
             Signature(only=frozenset({(frozenset({a}), "any")})), "only"),
        Part(f"{a_zh}单独牵头的", f"that the {a_en} leads alone",
             Signature(only=frozenset({(frozenset({a}), "lead")})), "only"),
    ]


def _cell_parts(rng: random.Random) -> list[Part]:
    year = rng.choice([2021, 2022, 2023, 2025])
    field_id = rng.choice(sorted(FIELDS))
    zh = rng.choice(FIELDS[field_id])
    word = rng.choice(["学校", "各县区", "有关部门"])
    return [
        Part(f"{zh}写着“{word}”的", f"whose {FIELDS_EN[field_id]} cell reads “{word}”",
             Signature(texts=frozenset({(field_id, word, False)})), "literal"),
        Part(f"{zh}没有写“{word}”的", f"whose {FIELDS_EN[field_id]} cell does not read “{word}”",
             Signature(texts=frozenset({(field_id, word, True)})), "literal"),
        Part("没有列责任单位的", "with no responsible unit listed",
             Signature(empty=frozenset({("responsible", False)})), "empty"),
        Part(f"{year}年前完成的", f"due no later than {year}", Signature(years=frozenset({("by", year)})), "year"),
        Part(f"要在{year}年完成的", f"due in {year}", Signature(years=frozenset({("in", year)})), "year"),
    ]


def _position_parts(rng: random.Random) -> list[Part]:
    n = rng.randint(2, 6)
    digits = {2: "两", 3: "三", 4: "四", 5: "五", 6: "六"}
    return [
        Part(f"前{digits[n]}项", f"the first {n} tasks", Signature(rows=frozenset({(1, n)})), "position"),
        Part(f"最后{n}项", f"the last {n} tasks", Signature(rows=frozenset({(-n, -1)})), "position"),
        Part(f"开头的{n}条", f"the first {n} rows", Signature(rows=frozenset({(1, n)})), "position"),
        Part(f"倒数第{digits[n]}项", f"the {n}{_ordinal(n)} task from the end", Signature(rows=frozenset({(-n, -n)})),
             "position"),
        Part(f"第{n + 4}项以后的", f"the rows after row {n + 4}", Signature(rows=frozenset({(n + 5, -1)})),
             "position"),
        Part(f"第{n + 4}条的下一条", f"the task right after row {n + 4}", Signature(rows=frozenset({(n + 5, n + 5)})),
             "position"),
        Part(f"第{n + 4}条前面一条", f"the row right before task {n + 4}",
             Signature(rows=frozenset({(n + 3, n + 3)})), "position"),
    ]


def _group_parts(agencies: dict[str, tuple[str, str]], rng: random.Random) -> list[Part]:
    (a, (a_zh, a_en)), (b, (b_zh, b_en)) = rng.sample(sorted(agencies.items()), 2)
    n = rng.randint(2, 4)
    digits = {2: "两", 3: "三", 4: "四"}
    among = Signature(groups=(frozenset({a, b}), frozenset(), None, None, None))
    excluding = Signature(groups=(frozenset(), frozenset({a}), None, None, None))
    top = Signature(groups=(frozenset(), frozenset(), n, None, None))
    more = Signature(groups=(frozenset(), frozenset(), None, n + 1, None))
    least = Signature(groups=(frozenset(), frozenset(), None, n, None))
    fewer = Signature(groups=(frozenset(), frozenset(), None, None, n - 1))
    exactly = Signature(groups=(frozenset(), frozenset(), None, 1, 1))
    return [
        Part(f"{a_zh}和{b_zh}各参与了几项", f"how many tasks do the {a_en} and the {b_en} each take part in",
             among, "group"),
        Part(f"{a_zh}、{b_zh}分别出现多少次", f"how many rows name the {a_en}, and how many the {b_en}", among, "group"),
        Part(f"除了{a_zh}，别的部门各参与几项", f"how many tasks does each agency other than the {a_en} take part in",
             excluding, "group"),
        Part(f"各部门参与任务数排名前{digits[n]}", f"rank the agencies by tasks, the first {n}", top, "group"),
        Part(f"各单位出现次数排个序，前{digits[n]}名是谁", f"the first {n} agencies by number of tasks", top, "group"),
        Part(f"参与超过{n}条的部门有哪些", f"which agencies take part in more than {n} tasks", more, "group"),
        Part(f"牵头不少于{digits[n]}项的单位", f"the agencies that lead at least {n} tasks", least, "group"),
        Part(f"参与任务少于{n}项的部门都有谁", f"which agencies take part in fewer than {n} tasks", fewer, "group"),
        Part("只牵头了一项任务的单位有哪些", "which agencies lead only one task", exactly, "group"),
        Part(f"{a_zh}和{b_zh}这两家里哪家参与最多", f"which of the two, the {a_en} or the {b_en}, shows up most often",
             among | Signature(pick=("max", "agency")), "group"),
        Part(f"刨掉{a_zh}，哪个部门参与的最多", f"leaving out the {a_en}, which agency takes part in the most tasks",
             excluding | Signature(pick=("max", "agency")), "group"),
    ]


def _ordinal(n: int) -> str:
    return {1: "st", 2: "nd", 3: "rd"}.get(n, "th")


def _questions(rng: random.Random) -> Callable[[], Generated]:
    def one() -> Generated:
        place, forms, place_en, typos, agencies = rng.choice(PLACES)
        use_typo = rng.random() < 0.15
        surface = rng.choice(typos) if use_typo else rng.choice(forms)
        lang = "en" if rng.random() < 0.25 else "zh"
        base = Signature(places=frozenset({place}))
        pool = _agency_parts(agencies, rng) + _cell_parts(rng)
        kinds_wanted = rng.choice([1, 2, 2, 3])
        chosen: list[Part] = []
        for part in rng.sample(pool, len(pool)):
            if len(chosen) == kinds_wanted:
                break
            if any(p.kind == part.kind or {p.kind, part.kind} & {"only"} and {p.kind, part.kind} & {"role", "and", "or"}
                   or {p.kind, part.kind} <= {"role", "and", "or"} for p in chosen):
                continue  # one construct of a kind; "only A" beside other agencies contradicts itself
            chosen.append(part)
        if rng.random() < 0.2:  # rows by position stand alone with a place
            chosen = [rng.choice(_position_parts(rng))]
        if rng.random() < 0.08:  # a count for each agency named, for each but one, or the first N
            chosen = [rng.choice(_group_parts(agencies, rng))]
        elif rng.random() < 0.08:
            chosen = [rng.choice([
                Part("哪个部门牵头的任务最多", "which agency leads the most tasks",
                     Signature(pick=("max", "agency")), "extreme"),
                Part("哪一类任务最少", "which category has the fewest tasks",
                     Signature(pick=("min", "category")), "extreme"),
                Part("哪条任务定的百分比最高", "which task sets the highest percentage",
                     Signature(pick=("max", "figure")), "extreme"),
                Part("哪一项要求的人数最少", "which task states the lowest head count",
                     Signature(pick=("min", "figure")), "extreme"),
                Part("哪项任务的目标数量最大", "which task has the largest target number",
                     Signature(pick=("max", "figure")), "extreme"),
                Part("按牵头单位分，哪家牵头最多", "by lead unit, which agency leads the most",
                     Signature(pick=("max", "agency")), "extreme")])]
        count = chosen[0].kind not in ("position", "extreme", "group") and rng.random() < 0.2
        expected = base | Signature(count=count)
        for part in chosen:
            expected = expected | part.adds
        kinds = tuple(p.kind for p in chosen) + (("typo",) if use_typo else ())
        if lang == "en" and not use_typo and all(p.kind in ENGLISH for p in chosen):
            question = _english(place_en, chosen, count)
        else:
            question = _chinese(surface, chosen, rng, count)
            lang = "zh"
        return Generated(question, lang, expected, kinds)

    return one


def _chinese(place: str, parts: list[Part], rng: random.Random, count: bool = False) -> str:
    if parts and parts[0].kind in ("position", "extreme", "group"):
        tail = rng.choice(["是什么", "有哪些", ""]) if parts[0].kind == "position" else ""
        return f"{place}{rng.choice(['', '清单'])}{parts[0].zh}{tail}"
    middle = "，".join(p.zh.removesuffix("的") for p in parts[:-1])  # a comma closes a construct's scope
    last = parts[-1].zh
    joined = f"{middle}，{last}" if middle else last
    if count:
        return rng.choice([f"{place}{joined}任务一共有几项？", f"{place}{joined}任务有多少项"])
    return rng.choice([f"{place}有哪些{joined}任务", f"{place}{joined}任务有哪些？", f"请列出{place}{joined}全部任务"])


def _english(place: str, parts: list[Part], count: bool = False) -> str:
    if parts and parts[0].kind in ("position", "extreme", "group"):
        return f"In {place}, {parts[0].en}?" if parts[0].kind != "position" else f"What are {parts[0].en} in {place}?"
    opening = f"How many {place} tasks are" if count else f"Which {place} tasks are"
    return f"{opening} " + ", and ".join(p.en for p in parts) + "?"


def generate(count: int, seed: int = 20261206) -> Iterator[Generated]:
    """`count` questions written from plans, the same ones for the same seed."""
    one = _questions(random.Random(seed))
    for _ in range(count):
        yield one()


def run_roundtrip(assistant: Assistant, count: int = 2400, seed: int = 20261206) -> RoundTrip:
    """Generate `count` questions and read each back in a session of its own."""
    result = RoundTrip(n=count, read_back=0)
    for generated in generate(count, seed):
        plan, _ = assistant.plan(generated.question)
        got = signature(plan)
        ok = got == generated.expected and plan.understood
        result.read_back += ok
        result.by_kind.update(generated.kinds)
        if not ok:
            result.failed_by_kind.update(generated.kinds)
            result.failures.append((generated, got, plan.unread))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2400)
    parser.add_argument("--show", type=int, default=20)
    args = parser.parse_args()
    result = run_roundtrip(Assistant.from_settings(), args.count)
    lines = [f"{result.read_back} of {result.n} generated questions read back to their plan ({result.share:.3f})"]
    lines += [f"  {kind:<10} {n - result.failed_by_kind[kind]:>5} of {n:>5}" for kind, n in sorted(result.by_kind.items())]
    lines += [f"- {g.question}\n  expected {g.expected}\n  got      {got}  unread {unread}"
              for g, got, unread in result.failures[:args.show]]
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
