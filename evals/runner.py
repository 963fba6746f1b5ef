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
    by_capability: list[Summary] = field(default_factory=list)
    items_full: float = 0.0

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p95_ms(self) -> float:
        if len(self.latencies_ms) < 2:
            return self.p50_ms
        return statistics.quantiles(self.latencies_ms, n=20)[-1]

    def table(self) -> str:
        text = format_table(self.summaries)
        if self.by_capability:
            text += "\n\n" + format_table(self.by_capability)
        return text + f"\nitems fully right: {self.items_full:.3f}"


def load_items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _valid(assistant: Assistant, answer: Answer) -> bool:
    """Every cited row exists in the index, with the text the citation quotes."""
    catalog = assistant.engine.catalog
    return all((row := catalog.by_id.get(c.id)) is not None and row.text == c.text for c in answer.citations)


def _ask(assistant: Assistant, question: str, session_id: str, latencies: list[float]) -> Answer:
    started = time.perf_counter()
    answer = assistant.ask(question, session_id=session_id)
    latencies.append((time.perf_counter() - started) * 1000)
    return answer


def _offered(answer: Answer) -> str:
    """The candidate names an answer offers for unresolved names (absent in older answers)."""
    return " ".join(c for u in getattr(answer, "unresolved", []) for c in u.candidates)


def _score_turn(assistant: Assistant, item_id: str, turn: dict, answer: Answer) -> Score:
    score = score_answer(item_id, turn["intent"], turn.get("gold", []), turn.get("expected", []),
                         answer.answer, [c.id for c in answer.citations], answer.abstained,
                         turn.get("unknown"), turn.get("suggest"), _offered(answer))
    score.valid = _valid(assistant, answer)
    score.understood = getattr(answer, "understood", True)  # answers before coverage accounting never doubted
    if not score.valid:
        score.problems.append("invalid citation")
    return score


def _turns(item: dict) -> list[dict]:
    return item.get("turns", [item])


def run_item(assistant: Assistant, item: dict, latencies: list[float]) -> list[Score]:
    """Ask an item's turns in one new session; a later turn of a conversation counts as a follow-up."""
    session = assistant.sessions.new_id()
    scores = []
    turns = _turns(item)
    for n, turn in enumerate(turns, start=1):
        item_id = item["id"] if len(turns) == 1 else f"{item['id']}/{n}"
        score = _score_turn(assistant, item_id, turn, _ask(assistant, turn["question"], session, latencies))
        score.capability = item.get("capability", item.get("intent", ""))
        if n > 1:
            score.followup_ok = not score.problems
            score.intent = "followup"
        scores.append(score)
    return scores


def run_eval(assistant: Assistant, items: list[dict]) -> EvalReport:
    """Ask every item (each conversation in its own session) and score the answers."""
    scores: list[Score] = []
    latencies: list[float] = []
    for warm in ("营口市人社局要做哪些工作？", "瓦房店培训目标是多少？"):
        assistant.ask(warm)
    items_full: list[bool] = []
    for item in items:
        item_scores = run_item(assistant, item, latencies)
        scores += item_scores
        items_full.append(all(s.full for s in item_scores))
    intents = list(dict.fromkeys(s.intent for s in scores))
    summaries = [summarize([s for s in scores if s.intent == i], i) for i in intents]
    summaries.append(summarize(scores, "all"))
    capabilities = list(dict.fromkeys(s.capability for s in scores))
    by_capability = [summarize([s for s in scores if s.capability == c], c) for c in capabilities] \
        if any("capability" in item for item in items) else []
    return EvalReport(scores, summaries, latencies, by_capability=by_capability,
                      items_full=sum(items_full) / len(items_full) if items_full else 0.0)


@dataclass
class ParaphraseReport:
    alike: float
    full: float
    n: int
    differing: list[str]


def run_paraphrases(assistant: Assistant, items: list[dict]) -> ParaphraseReport:
    """Ask each phrasing in its own session; an item is alike when every phrasing cites the same rows and
    abstains alike, and fully right when every phrasing is."""
    alike, full, differing = 0, 0, []
    latencies: list[float] = []
    for item in items:
        outcomes = []
        for k, phrasing in enumerate(item["phrasings"]):
            answer = _ask(assistant, phrasing, assistant.sessions.new_id(), latencies)
            score = _score_turn(assistant, f"{item['id']}.{k}", {**item, "question": phrasing}, answer)
            outcomes.append((frozenset(c.id for c in answer.citations), answer.abstained, score.full))
        same = len({(cited, abstained) for cited, abstained, _ in outcomes}) == 1
        alike += same
        full += all(ok for _, _, ok in outcomes)
        if not same:
            differing.append(item["id"])
    return ParaphraseReport(alike / len(items), full / len(items), len(items), differing)


def check_thresholds(report: EvalReport, thresholds: dict) -> list[str]:
    """Lines naming each threshold the report falls below."""
    failures = []
    by_intent = {s.intent: s for s in report.summaries}
    for intent, limits in thresholds.items():
        if intent == "latency":
            if report.p50_ms > limits.get("p50_ms", float("inf")):
                failures.append(f"latency p50 {report.p50_ms:.1f} ms > {limits['p50_ms']} ms")
            continue
        if intent == "items":
            if report.items_full < limits.get("full", 0):
                failures.append(f"items fully right {report.items_full:.3f} < {limits['full']}")
            continue
        if intent == "calibration":  # upper bounds: confidently wrong answers and needless doubt, over all turns
            overall = next(s for s in report.summaries if s.intent == "all")
            for metric, maximum in limits.items():
                value = getattr(overall, metric) or 0.0
                if value > maximum:
                    failures.append(f"{metric} {value:.3f} > {maximum}")
            continue
        summary = by_intent.get(intent) or {s.intent: s for s in report.by_capability}.get(intent)
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


@dataclass(frozen=True)
class EvalSet:
    """One question set of evals/sets.toml."""

    name: str
    path: Path
    kind: str
    thresholds: Path
    tuned: bool
    about: str
    sealed: bool = False


def load_sets(folder: Path = EVAL_DIR) -> list[EvalSet]:
    data = tomllib.loads((folder / "sets.toml").read_text("utf-8"))
    return [EvalSet(s["name"], folder / s["path"], s["kind"], folder / s["thresholds"], s["tuned"], s["about"],
                    s.get("sealed", False)) for s in data["set"]]


def check_paraphrases(report: ParaphraseReport, thresholds: dict) -> list[str]:
    limits = thresholds.get("paraphrases", {})
    return [f"paraphrases {metric} {getattr(report, metric):.3f} < {minimum}"
            for metric, minimum in limits.items() if getattr(report, metric) < minimum]
