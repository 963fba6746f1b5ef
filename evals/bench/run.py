"""One bench run: the plan, then every measurement in order, into a BenchResult."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import click

from assistant.core import Assistant
from assistant.settings import Settings
from evals.bench.baseline import BASELINE_K, BaselineRAG
from evals.bench.costcurve import measure_size
from evals.bench.latency import measure_http
from evals.bench.quality import SystemRun, run_baseline, run_ours
from evals.bench.results import BenchResult
from evals.bench.serving import BenchError
from evals.bench.startup import measure_startup
from evals.bench.synth import CorpusMaker, read_real_rows
from evals.lineage import index_rows, measure
from evals.runner import load_items
from ingest.embed_cache import EmbeddingCache
from ingest.embedder import MODEL_NAME, E5Embedding
from ingest.indexer import open_indexer
from ingest.registries import Registry

T = TypeVar("T")


@dataclass
class Plan:
    """What one run measures; --quick shrinks every part so the whole run takes a minute or two."""

    sizes: list[int]
    items: list[dict]
    all_items: list[dict]
    cold_rows: int
    probes: int
    startup_runs: int

    @classmethod
    def from_options(cls, quick: bool, sizes: str | None, questions: Path, cold_rows: int | None,
                     probes: int | None, startup_runs: int | None) -> Plan:
        items = load_items(questions)
        return cls(sizes=[int(s) for s in (sizes or ("1000" if quick else "1000,10000,100000")).split(",")],
                   items=quick_items(items) if quick else items, all_items=items,
                   cold_rows=cold_rows or (100 if quick else 2000), probes=probes or (5 if quick else 30),
                   startup_runs=startup_runs or (1 if quick else 3))


def quick_items(items: list[dict], per_intent: int = 2) -> list[dict]:
    """The first `per_intent` items of each intent, in file order."""
    counts: dict[str, int] = {}
    picked = []
    for item in items:
        counts[item["intent"]] = counts.get(item["intent"], 0) + 1
        if counts[item["intent"]] <= per_intent:
            picked.append(item)
    return picked


def step(name: str, run: Callable[[], T]) -> T:
    """Run one part of the bench, saying on stderr what runs and how long it took."""
    click.echo(f"bench: {name} ...", err=True)
    started = time.perf_counter()
    value = run()
    click.echo(f"bench: {name}: {time.perf_counter() - started:.1f} s", err=True)
    return value


def run_quality(settings: Settings, items: list[dict]) -> tuple[SystemRun, list[SystemRun]]:
    """Ours through the eval runner, then each baseline over the same rows and cached vectors."""
    assistant = Assistant.from_settings(settings)
    ours = step("quality and latency, ours", lambda: run_ours(assistant, items))
    cache = EmbeddingCache(settings.cache_dir / "embeddings.sqlite", MODEL_NAME)
    baselines = []
    for k in BASELINE_K:
        baseline = BaselineRAG.from_rows(assistant.engine.catalog.rows, cache, E5Embedding(), k)
        baselines.append(step(f"quality and latency, baseline k={k}", partial(run_baseline, baseline, items)))
    cache.close()
    return ours, baselines


def run_bench(plan: Plan, work: Path, about: dict[str, Any]) -> BenchResult:
    """Every measurement, in order: quality and latency, HTTP, start-up, then the cost curve."""
    settings = Settings().model_copy(update={"data_dir": work / "real"})
    real = step("ingest the real lists", lambda: open_indexer(settings).ingest([settings.lists_dir], progress=False))
    ours, baselines = run_quality(settings, plan.items)
    result = BenchResult(**about, real_rows=real.rows, real_ingest_seconds=real.seconds, ours=ours,
                         baselines=baselines)
    result.lineage = step("lineage links", lambda: measure(*index_rows(settings), Registry.load()))
    try:
        result.http = step("HTTP /ask latency", lambda: measure_http(settings.data_dir, plan.items,
                                                                     work / "logs" / "serve-http.log"))
        result.startup = step("start-up", lambda: measure_startup(settings.data_dir, work / "logs",
                                                                  plan.startup_runs))
    except BenchError as err:
        result.pending.append(f"HTTP latency or start-up failed: {err}")
    registry = Registry.load()
    maker = CorpusMaker(read_real_rows(settings.lists_dir, registry), registry)
    real_cache = settings.cache_dir / "embeddings.sqlite"
    for size in plan.sizes:
        result.sizes.append(step(f"cost curve at {size:,} rows", partial(
            measure_size, size, work, maker, real_cache, plan.all_items, plan.probes, plan.cold_rows)))
    return result
