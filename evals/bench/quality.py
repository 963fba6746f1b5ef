"""Quality and in-process latency on the eval set, this assistant beside the vector-RAG baseline, in one run."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from assistant.core import Assistant
from evals.bench.baseline import BaselineRAG
from evals.metrics import Score, Summary, score_answer, summarize
from evals.runner import run_eval

WARMUP = ("营口市人社局要做哪些工作？", "瓦房店培训目标是多少？")


@dataclass
class SystemRun:
    """One system's scores on the eval set, and its latency per intent in ms."""

    name: str
    summaries: list[Summary]
    latencies: dict[str, list[float]] = field(default_factory=dict)

    def summary(self, intent: str) -> Summary | None:
        return next((s for s in self.summaries if s.intent == intent), None)


def _by_intent(scores: list[Score], latencies: list[float]) -> dict[str, list[float]]:
    grouped: dict[str, list[float]] = defaultdict(list)
    for score, ms in zip(scores, latencies, strict=True):
        grouped[score.intent].append(ms)
        grouped["all"].append(ms)
    return dict(grouped)


def _summaries(scores: list[Score]) -> list[Summary]:
    intents = list(dict.fromkeys(s.intent for s in scores))
    return [summarize([s for s in scores if s.intent == i], i) for i in intents] + [summarize(scores, "all")]


def run_ours(assistant: Assistant, items: list[dict]) -> SystemRun:
    """The eval runner itself (it warms up first); its latencies come in the order of its scores."""
    report = run_eval(assistant, items)
    return SystemRun("ours", report.summaries, _by_intent(report.scores, report.latencies_ms))


def _turns(item: dict) -> list[tuple[str, dict, bool]]:
    """(scored id, turn, is the second turn of a follow-up) for each question of an item."""
    if "turns" not in item:
        return [(item["id"], item, False)]
    first, second = item["turns"]
    return [(item["id"] + "/1", first, False), (item["id"] + "/2", second, True)]


def run_baseline(baseline: BaselineRAG, items: list[dict]) -> SystemRun:
    """Each turn's question alone (the baseline has no memory); its retrieved rows are its citations."""
    for question in WARMUP:
        baseline.retrieve(question)
    scores: list[Score] = []
    latencies: list[float] = []
    for item in items:
        for scored_id, turn, second in _turns(item):
            started = time.perf_counter()
            cited = baseline.retrieve(turn["question"])
            latencies.append((time.perf_counter() - started) * 1000)
            score = score_answer(scored_id, turn["intent"], turn.get("gold", []), [], "", cited,
                                 abstained=not cited)
            if second:  # scored as the runner scores it: under `followup`, ok when nothing is wrong
                score.followup_ok = not score.problems
                score.intent = "followup"
            scores.append(score)
    return SystemRun(f"baseline k={baseline.k}", _summaries(scores), _by_intent(scores, latencies))


def recall_ratio(ours: SystemRun, baseline: SystemRun, intent: str = "list") -> float | None:
    """Our set recall over the baseline's, for one intent."""
    mine, theirs = ours.summary(intent), baseline.summary(intent)
    if mine is None or theirs is None or mine.recall is None or not theirs.recall:
        return None
    return mine.recall / theirs.recall
