"""Cost against corpus size: ingest cold and warm, index size, peak memory, ask latency and completeness."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from evals.bench.probes import Probe, fact_probes, list_probes
from evals.bench.serving import BenchError
from evals.bench.stats import folder_mb
from evals.bench.synth import Corpus, CorpusMaker
from ingest.embed_cache import EmbeddingCache
from ingest.embedder import MODEL_NAME
from ingest.indexer import passage_text
from ingest.parser import parse_file
from ingest.registries import Registry
from ingest.rows import Row

WARMUP_PROBES = 2


@dataclass
class IngestRun:
    rows: int
    embedded: int
    seconds: float
    peak_rss_mb: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


@dataclass
class AskRun:
    rows: int
    load_seconds: float
    peak_rss_mb: float
    list: dict[str, Any]
    fact: dict[str, Any]
    baseline_recall: dict[str, float | None]


@dataclass
class SizePoint:
    """Everything measured at one corpus size."""

    size: int
    documents: int
    cold: IngestRun
    cold_is_sample: bool
    warm: IngestRun
    unchanged: IngestRun
    index_mb: float
    cache_mb: float
    ask: AskRun


def run_worker(*args: str) -> dict[str, Any]:
    """`python -m evals.bench.worker ARGS` in a fresh process; its JSON answer."""
    result = subprocess.run([sys.executable, "-m", "evals.bench.worker", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"worker {args[0]} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def ingest_run(data_dir: Path, folder: Path) -> IngestRun:
    out = run_worker("ingest", "--data-dir", str(data_dir), str(folder))
    return IngestRun(out["rows"], out["embedded"], out["seconds"], out["peak_rss_mb"])


def copy_cache(source: Path, target: Path) -> None:
    """Copy a sqlite cache with its write-ahead log, whether or not its writer checkpointed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{target}{suffix}")


def seed_cache(corpus: Corpus, folder: Path, registry: Registry, real_rows: list[Row], real_cache: Path,
               target: Path) -> int:
    """Give each synthetic row the cached vector of the real row it was made from; the number seeded."""
    real = {r.id: passage_text(r) for r in real_rows}
    source_cache = EmbeddingCache(real_cache, MODEL_NAME)
    vectors = source_cache.get_many(list(real.values()))
    source_cache.close()
    cache = EmbeddingCache(target, MODEL_NAME)
    seeded = 0
    for doc in corpus.docs:
        parsed = parse_file(folder / f"{doc.key}.txt", registry).rows
        if len(parsed) != len(doc.rows):
            raise BenchError(f"{doc.key}: wrote {len(doc.rows)} rows, parsed {len(parsed)}")
        cache.put_many({passage_text(p): vectors[real[s.source]] for p, s in zip(parsed, doc.rows, strict=True)})
        seeded += len(parsed)
    cache.close()
    return seeded


def write_probes(corpus: Corpus, items: list[dict], registry: Registry, count: int, path: Path) -> Path:
    lists = list_probes(corpus, count + WARMUP_PROBES)
    facts = fact_probes(corpus, items, registry, count + WARMUP_PROBES)
    warmup = lists[:WARMUP_PROBES] + facts[:WARMUP_PROBES]
    probes: list[Probe] = lists[WARMUP_PROBES:] + facts[WARMUP_PROBES:]
    path.write_text(json.dumps({"warmup": [asdict(p) for p in warmup], "probes": [asdict(p) for p in probes]},
                               ensure_ascii=False), "utf-8")
    return path


def measure_size(size: int, work: Path, maker: CorpusMaker, real_cache: Path, items: list[dict], probes: int,
                 cold_rows: int) -> SizePoint:
    """Build a corpus of `size` rows, ingest it cold (or a sample of it) and warm, then ask it."""
    base = work / f"size-{size}"
    shutil.rmtree(base, ignore_errors=True)
    corpus = maker.make(size)
    folder = corpus.write(base / "lists")
    sample = corpus if size <= cold_rows else corpus.sample(cold_rows)
    sample_folder = folder if sample is corpus else sample.write(base / "cold-sample")
    cold = ingest_run(base / "cold", sample_folder)
    data = base / "data"
    cache = data / "cache" / "embeddings.sqlite"
    if sample is corpus:  # the cold run embedded every row: reuse its real vectors
        copy_cache(base / "cold" / "cache" / "embeddings.sqlite", cache)
    else:
        seed_cache(corpus, folder, maker.registry, maker.real, real_cache, cache)
    warm = ingest_run(data, folder)
    unchanged = ingest_run(data, folder)
    probes_file = write_probes(corpus, items, maker.registry, probes, base / "probes.json")
    out = run_worker("ask", "--data-dir", str(data), str(probes_file))
    ask = AskRun(out["rows"], out["load_seconds"], out["peak_rss_mb"], out["list"], out["fact"],
                 out["baseline_recall"])
    return SizePoint(size, len(corpus.docs), cold, sample is not corpus, warm, unchanged,
                     folder_mb(data / "index"), folder_mb(data / "cache"), ask)
