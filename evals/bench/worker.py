"""Ingest and ask runs in a process of their own, so each reports its own peak memory (`python -m`)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from assistant.core import Assistant
from assistant.settings import Settings
from evals.bench.baseline import BASELINE_K, BaselineRAG
from evals.bench.stats import peak_rss_mb, percentile
from ingest.embedder import E5Embedding
from ingest.indexer import open_indexer


def set_scores(gold: list[str], cited: list[str]) -> tuple[float, float]:
    """Set recall and precision of the cited rows."""
    hit = len(set(gold) & set(cited))
    return hit / len(gold), (hit / len(set(cited)) if cited else 0.0)


@click.group()
def worker() -> None:
    """Bench workers; each prints one JSON object on its last line."""


@worker.command()
@click.option("--data-dir", type=click.Path(path_type=Path), required=True)
@click.argument("folder", type=click.Path(path_type=Path))
def ingest(data_dir: Path, folder: Path) -> None:
    """Ingest FOLDER through the normal path (open_indexer(...).ingest)."""
    report = open_indexer(Settings(data_dir=data_dir)).ingest([folder], progress=False)
    click.echo(json.dumps({"rows": report.rows, "embedded": report.embedded, "seconds": report.seconds,
                           "switched": report.switched, "peak_rss_mb": peak_rss_mb()}))


def _ask_all(assistant: Assistant, probes: list[dict]) -> list[dict]:
    results = []
    for probe in probes:
        started = time.perf_counter()
        answer = assistant.ask(probe["question"])
        ms = (time.perf_counter() - started) * 1000
        recall, precision = set_scores(probe["gold"], [c.id for c in answer.citations])
        results.append({"intent": probe["intent"], "ms": ms, "recall": recall, "precision": precision})
    return results


def _baseline_recall(assistant: Assistant, probes: list[dict]) -> dict[str, float | None]:
    vectors = assistant.engine.catalog.vectors
    collection = vectors.collection() if vectors is not None else None
    out: dict[str, float | None] = {}
    for k in BASELINE_K:
        baseline = BaselineRAG.from_collection(collection, E5Embedding(), k)  # type: ignore[arg-type]
        recalls = [set_scores(p["gold"], baseline.retrieve(p["question"]))[0] for p in probes
                   if p["intent"] == "list"]
        out[f"k{k}"] = sum(recalls) / len(recalls) if recalls else None
    return out


@worker.command()
@click.option("--data-dir", type=click.Path(path_type=Path), required=True)
@click.argument("probes_file", type=click.Path(exists=True, path_type=Path))
def ask(data_dir: Path, probes_file: Path) -> None:
    """Load the assistant, warm up, ask every probe once, then run the baseline on the list probes."""
    spec = json.loads(probes_file.read_text("utf-8"))
    started = time.perf_counter()
    assistant = Assistant.from_settings(Settings(data_dir=data_dir))
    load_seconds = time.perf_counter() - started
    for probe in spec["warmup"]:
        assistant.ask(probe["question"])
    results = _ask_all(assistant, spec["probes"])
    rss = peak_rss_mb()
    summary: dict[str, object] = {"rows": len(assistant.engine.catalog.rows), "load_seconds": load_seconds,
                                  "peak_rss_mb": rss, "baseline_recall": _baseline_recall(assistant, spec["probes"])}
    for intent in ("list", "fact"):
        mine = [r for r in results if r["intent"] == intent]
        summary[intent] = {"n": len(mine), "p50_ms": percentile((r["ms"] for r in mine), 50),
                           "p95_ms": percentile((r["ms"] for r in mine), 95),
                           "recall": sum(r["recall"] for r in mine) / len(mine) if mine else None,
                           "precision": sum(r["precision"] for r in mine) / len(mine) if mine else None}
    click.echo(json.dumps(summary))


if __name__ == "__main__":
    sys.exit(worker())
