"""Run the eval set in-process through Assistant.ask and check the thresholds."""

from __future__ import annotations

import json
import statistics
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from assistant.core import Assistant
from assistant.models import Answer
from evals.metrics import Score, Summary, format_table, score_answer, summarize

EVAL_DIR = Path(__file__).resolve().parent
DEFAULT_SET = EVAL_DIR / "questions.jsonl"
DEFAULT_THRESHOLDS = EVAL_DIR / "thresholds.toml"


@dataclass
class EvalReport:
    scores: list[Score]
    summaries: list[Summary]
    latencies_ms: list[float]
    failures: list[str] = field(default_factory=list)

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p95_ms(self) -> float:
        if len(self.latencies_ms) < 2:
            return self.p50_ms
        return statistics.quantiles(self.latencies_ms, n=20)[-1]

    def table(self) -> str:
        return format_table(self.summaries)


def load_items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _valid(assistant: Assistant, answer: Answer) -> bool:
    """Every cited row exists; for an agency question, every cited row names that agency."""
    catalog = assistant.engine.catalog
    for citation in answer.citations:
        row = catalog.by_id.get(citation.id)
        if row is None or row.text != citation.text:
            return False
        agencies = answer.filters.agencies
        if agencies and answer.intent in ("list", "count") and not (
            set(agencies) & set(row.agency_ids)
            or (row.measures and set(agencies) & {catalog.registry.agencies.resolve(u) for u in row.measures.units})
        ):
            return False
    return True


def _ask(assistant: Assistant, question: str, session_id: str, latencies: list[float]) -> Answer:
    started = time.perf_counter()
    answer = assistant.ask(question, session_id=session_id)
    latencies.append((time.perf_counter() - started) * 1000)
    return answer


def _score_turn(assistant: Assistant, item_id: str, turn: dict, answer: Answer) -> Score:
    score = score_answer(item_id, turn["intent"], turn.get("gold", []), turn.get("expected", []),
                         answer.answer, [c.id for c in answer.citations], answer.abstained)
    score.valid = _valid(assistant, answer)
    if not score.valid:
        score.problems.append("invalid citation")
    return score


def run_eval(assistant: Assistant, items: list[dict]) -> EvalReport:
    """Ask every item (each conversation in its own session) and score the answers."""
    scores: list[Score] = []
    latencies: list[float] = []
    for warm in ("营口市人社局要做哪些工作？", "瓦房店培训目标是多少？"):
        assistant.ask(warm)
    for item in items:
        session = assistant.sessions.new_id()
        if "turns" in item:
            first, second = item["turns"]
            scores.append(_score_turn(assistant, item["id"] + "/1", first,
                                      _ask(assistant, first["question"], session, latencies)))
            follow = _score_turn(assistant, item["id"] + "/2", second,
                                 _ask(assistant, second["question"], session, latencies))
            follow.followup_ok = not follow.problems
            follow.intent = "followup"
            scores.append(follow)
        else:
            scores.append(_score_turn(assistant, item["id"], item,
                                      _ask(assistant, item["question"], session, latencies)))
    intents = list(dict.fromkeys(s.intent for s in scores))
    summaries = [summarize([s for s in scores if s.intent == i], i) for i in intents]
    summaries.append(summarize(scores, "all"))
    return EvalReport(scores, summaries, latencies)


def check_thresholds(report: EvalReport, thresholds: dict) -> list[str]:
    """Lines naming each threshold the report falls below."""
    failures = []
    by_intent = {s.intent: s for s in report.summaries}
    for intent, limits in thresholds.items():
        if intent == "latency":
            if report.p50_ms > limits.get("p50_ms", float("inf")):
                failures.append(f"latency p50 {report.p50_ms:.1f} ms > {limits['p50_ms']} ms")
            continue
        summary = by_intent.get(intent)
        if summary is None:
            failures.append(f"{intent}: no questions of this intent in the set")
            continue
        for metric, minimum in limits.items():
            value = getattr(summary, metric)
            if value is None or value < minimum:
                failures.append(f"{intent} {metric} {value if value is None else round(value, 3)} < {minimum}")
    return failures


def load_thresholds(path: Path = DEFAULT_THRESHOLDS) -> dict:
    return tomllib.loads(path.read_text("utf-8"))
