"""Replacing one list in a large index: the seconds one ingest of a changed 60-row list takes beside N synthetic rows.

    python -m evals.bench.replace [--rows 150000] [--runs 3]

The synthetic lists' vectors are put in the embedding cache first (random unit vectors: this measures the index's
write path, not the model), so the cold ingest embeds nothing; each replacement's vectors are cached too, and the
figure is the ingest without its embedding (add 60 rows at the embedder's own rate, see evals.bench.upload).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import click
import numpy as np

from assistant.settings import Settings
from evals.bench.synth import CorpusMaker, read_real_rows
from ingest.indexer import Indexer, open_indexer, passage_text
from ingest.parser import parse_file
from ingest.registries import Registry

REPLACED_ROWS = 60


def cache_random_vectors(indexer: Indexer, paths: list[Path], seed: int) -> None:
    """Random unit vectors for every passage of the lists at `paths`, in the indexer's embedding cache."""
    rng = np.random.default_rng(seed)
    texts = [passage_text(r) for path in paths for r in parse_file(path, indexer.registry).rows]
    for start in range(0, len(texts), 5000):
        chunk = texts[start:start + 5000]
        vectors = rng.standard_normal((len(chunk), 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        indexer.cache.put_many(dict(zip(chunk, vectors.tolist(), strict=True)))


def reworded(path: Path, run: int) -> None:
    """Every long cell of the list (a task text) gains a mark of this run."""
    lines = path.read_text("utf-8").split("\n")
    path.write_text("\n".join(f"{line}【第{run}版】" if line.startswith("\t") and len(line) > 20 else line
                              for line in lines), "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    registry = Registry.load()
    with tempfile.TemporaryDirectory(prefix="replace-bench-") as folder:
        settings = Settings(data_dir=Path(folder) / "data")
        corpus = CorpusMaker(read_real_rows(settings.lists_dir, registry), registry).make(args.rows)
        lists = corpus.write(Path(folder) / "lists")
        target = min(corpus.docs, key=lambda d: abs(len(d.rows) - REPLACED_ROWS))
        indexer = open_indexer(settings, registry=registry)
        started = time.perf_counter()
        cache_random_vectors(indexer, sorted(lists.glob("*.txt")), seed=0)
        cached = time.perf_counter() - started
        cold = indexer.ingest([lists], progress=False)
        times = []
        for run in range(1, args.runs + 1):
            path = lists / f"{target.key}.txt"
            reworded(path, run)
            cache_random_vectors(indexer, [path], seed=run)
            report = indexer.ingest([path], progress=False)
            assert report.switched and report.changed and report.embedded == 0, report.summary()
            times.append(report.seconds)
    click.echo(f"{cold.rows} rows in {cold.documents} lists: vectors cached in {cached:.0f} s, cold ingest "
               f"{cold.seconds:.0f} s; replacing {target.key} ({len(target.rows)} rows, every long cell changed), "
               f"median of {args.runs}: {statistics.median(times):.2f} s without its embedding "
               f"(runs: {', '.join(f'{t:.2f}' for t in times)})")


if __name__ == "__main__":
    main()
