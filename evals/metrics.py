"""Per-question scores and their per-intent summary."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

import opencc

_T2S = opencc.OpenCC("t2s")


@dataclass
class Score:
    """One answered question (or one turn of a conversation) against its gold."""

    item: str
    intent: str
    recall: float | None = None
    precision: float | None = None
    hit5: float | None = None
    rr: float | None = None
    expected: float | None = None
    abstention_ok: bool = True
    followup_ok: bool | None = None
    valid: bool = True
    unknown_ok: bool | None = None
    capability: str = ""
    understood: bool = True
    problems: list[str] = field(default_factory=list)

    @property
    def full(self) -> bool:
        """Fully right: every gold row, no extra row, every expected string, the right abstention and names."""
        return not self.problems

    @property
    def confidently_wrong(self) -> bool:
        """Not fully right, and the answer did not say it understood less than all of the question."""
        return not self.full and self.understood

    @property
    def needless_doubt(self) -> bool:
        """Fully right, yet marked as not understood."""
        return self.full and not self.understood


_PAIR = re.compile(r"^(.+?)[:：](\d+)$")
_YEAR = re.compile(r"^((?:19|20)\d\d)年?$")  # 2021 or 2021年: a year's group, said with or without 年


def _said(expected: str, answer_text: str) -> bool:
    """An expected string is in the answer; "name:count" (区财政局:1) asks for the count on a line naming the name,
    as a table row or a sentence states it."""
    pair = _PAIR.match(expected)
    year = _YEAR.match(pair.group(1).strip()) if pair else None
    if pair is None or pair.group(1).strip().isdigit() and year is None:  # 1:350 is a ratio, said as written
        return expected in answer_text
    name, count = (year.group(1), pair.group(2)) if year else pair.groups()
    lines = [fold(line) for line in answer_text.splitlines()]
    return any(fold(name) in line and re.search(rf"(?<!\d){count}(?!\d)", line.replace(fold(name), " "))
               for line in lines)


def score_answer(item: str, intent: str, gold: list[str], expected: list[str], answer_text: str,
                 cited: list[str], abstained: bool, unknown: str | None = None, suggest: str | None = None,
                 offered: str = "") -> Score:
    """Score one answer. An `unknown_name` turn must cite nothing, name the unmatched word and offer `suggest`."""
    score = Score(item, intent)
    gold_set, cited_set = set(gold), set(cited)
    out_of_scope = intent == "out_of_scope"
    if intent == "unknown_name":
        score.unknown_ok = not cited and (unknown is None or fold(unknown) in fold(answer_text)) and \
            (suggest is None or fold(suggest) in fold(answer_text + offered))
        if not score.unknown_ok:
            score.problems.append("unknown name not reported" + (f" (cited {len(cited)} rows)" if cited else ""))
    else:
        score.abstention_ok = abstained == out_of_scope
    if not score.abstention_ok:
        score.problems.append("abstained" if abstained else "answered an out-of-scope question")
    if gold_set:
        hit = len(gold_set & cited_set)
        score.recall = hit / len(gold_set)
        score.precision = hit / len(cited_set) if cited_set else 0.0
        if score.recall < 1:
            score.problems.append("missed " + " ".join(sorted(gold_set - cited_set)))
        if cited_set - gold_set:
            score.problems.append("extra " + " ".join(sorted(cited_set - gold_set)))
        if len(gold_set) == 1:
            rank = next((i + 1 for i, c in enumerate(cited) if c in gold_set), None)
            score.hit5 = 1.0 if rank is not None and rank <= 5 else 0.0
            score.rr = 1.0 / rank if rank else 0.0
    if expected:
        present = [e for e in expected if _said(e, answer_text)]
        score.expected = len(present) / len(expected)
        if len(present) < len(expected):
            score.problems.append("missing strings " + " ".join(e for e in expected if e not in present))
    return score


def fold(text: str) -> str:
    """Simplified characters, lower case: how an expected name is looked for in an answer."""
    return _T2S.convert(text).lower()


def _mean(values: list[float | None]) -> float | None:
    real = [v for v in values if v is not None]
    return statistics.fmean(real) if real else None


@dataclass
class Summary:
    intent: str
    n: int
    recall: float | None
    precision: float | None
    hit5: float | None
    mrr: float | None
    expected: float | None
    abstention: float
    followup: float | None
    validity: float
    unknown: float | None = None
    full: float | None = None
    confident_wrong: float | None = None
    needless_doubt: float | None = None


def summarize(scores: list[Score], intent: str) -> Summary:
    return Summary(
        intent=intent, n=len(scores),
        recall=_mean([s.recall for s in scores]), precision=_mean([s.precision for s in scores]),
        hit5=_mean([s.hit5 for s in scores]), mrr=_mean([s.rr for s in scores]),
        expected=_mean([s.expected for s in scores]),
        abstention=_mean([float(s.abstention_ok) for s in scores]) or 0.0,
        followup=_mean([None if s.followup_ok is None else float(s.followup_ok) for s in scores]),
        validity=_mean([float(s.valid) for s in scores]) or 0.0,
        unknown=_mean([None if s.unknown_ok is None else float(s.unknown_ok) for s in scores]),
        full=_mean([float(s.full) for s in scores]),
        confident_wrong=_mean([float(s.confidently_wrong) for s in scores]),
        needless_doubt=_mean([float(s.needless_doubt) for s in scores]),
    )


def format_table(rows: list[Summary]) -> str:
    head = f"{'group':<13}{'n':>4} {'recall':>7} {'prec':>6} {'hit@5':>6} {'MRR':>6} {'strings':>8} " \
           f"{'abstain':>8} {'follow':>7} {'unknown':>8} {'valid':>6} {'full':>6} {'c.wrong':>8} {'doubt':>6}"
    lines = [head, "-" * len(head)]

    def cell(value: float | None, width: int) -> str:
        return f"{value:>{width}.3f}" if value is not None else f"{'—':>{width}}"

    for s in rows:
        lines.append(f"{s.intent:<13}{s.n:>4} {cell(s.recall, 7)} {cell(s.precision, 6)} {cell(s.hit5, 6)} "
                     f"{cell(s.mrr, 6)} {cell(s.expected, 8)} {cell(s.abstention, 8)} {cell(s.followup, 7)} "
                     f"{cell(s.unknown, 8)} {cell(s.validity, 6)} {cell(s.full, 6)} {cell(s.confident_wrong, 8)} "
                     f"{cell(s.needless_doubt, 6)}")
    return "\n".join(lines)
