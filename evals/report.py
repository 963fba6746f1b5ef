"""`policy-assistant eval`: run each question set of evals/sets.toml and check it against its thresholds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.core import Assistant
from evals.runner import (
    EvalSet,
    check_paraphrases,
    check_thresholds,
    load_items,
    load_sets,
    load_thresholds,
    run_eval,
    run_paraphrases,
)


def chosen_sets(name: str | None, thresholds: Path | None) -> list[EvalSet]:
    sets = load_sets()
    if name is None:
        return sets
    named = [s for s in sets if s.name == name]
    if named:
        return named
    path = Path(name)
    return [EvalSet(path.stem, path, "questions", thresholds or sets[0].thresholds, True, str(path))]


def run_sets(assistant: Assistant, name: str | None, thresholds: Path | None, show: str,
             echo: Callable[[str], None]) -> list[str]:
    """Print each set's tables; return the threshold failures, each prefixed with its set's name."""
    failures: list[str] = []
    for eval_set in chosen_sets(name, thresholds):
        limits = load_thresholds(thresholds or eval_set.thresholds)
        items = load_items(eval_set.path)
        label = "sealed: items never shown" if eval_set.sealed else "tuned" if eval_set.tuned else "not tuned on"
        echo(f"== {eval_set.name} ({label}): {eval_set.about}")
        if eval_set.kind == "paraphrases":
            para = run_paraphrases(assistant, items)
            echo(f"{para.n} questions x {len(items[0]['phrasings'])} phrasings: all phrasings answered alike "
                 f"{para.alike:.3f}; all phrasings fully right {para.full:.3f}")
            if show != "none" and para.differing:
                echo("  answered differently: " + " ".join(para.differing))
            failures += [f"{eval_set.name}: {f}" for f in check_paraphrases(para, limits)]
            continue
        report = run_eval(assistant, items)
        echo(report.table())
        overall = next(s for s in report.summaries if s.intent == "all")
        echo(f"confidently wrong {overall.confident_wrong or 0:.3f}, needless doubt {overall.needless_doubt or 0:.3f} "
             f"(share of {overall.n} answers)")
        echo(f"in-process ask latency over {len(report.latencies_ms)} questions: "
             f"p50 {report.p50_ms:.1f} ms, p95 {report.p95_ms:.1f} ms")
        for score in [] if eval_set.sealed else report.scores:  # a sealed set's items are never read
            if show == "all" or (show == "failures" and score.problems):
                echo(f"  {score.item:<14} {score.intent:<12} {'; '.join(score.problems) or 'ok'}")
        failures += [f"{eval_set.name}: {f}" for f in check_thresholds(report, limits)]
    return failures
