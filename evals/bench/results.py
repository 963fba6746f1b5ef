"""Everything one bench run measured, and the targets it is held to."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from evals.bench.costcurve import SizePoint
from evals.bench.latency import HttpLatency
from evals.bench.quality import SystemRun
from evals.bench.startup import Startup
from evals.bench.stats import percentile
from evals.lineage import LineageFigures


@dataclass
class BenchResult:
    command: str
    machine: str
    started_at: str
    quick: bool
    questions_file: str
    items: int
    real_rows: int
    real_ingest_seconds: float
    cold_rows: int
    ours: SystemRun
    baselines: list[SystemRun]
    http: HttpLatency | None = None
    startup: Startup | None = None
    lineage: LineageFigures | None = None
    sizes: list[SizePoint] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cores: int = 1
    load_start: float = 0.0
    load_end: float = 0.0

    @property
    def busy(self) -> bool:
        """Other work competed for the cores (1-minute load above half of them, at the start or the end)."""
        return max(self.load_start, self.load_end) > self.cores / 2

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Check:
    target: str
    value: float | None
    limit: float
    higher_is_better: bool
    unit: str = ""

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        return self.value >= self.limit if self.higher_is_better else self.value <= self.limit


def checks(result: BenchResult) -> list[Check]:
    """The issue's targets, each with this run's value (None where this run did not measure it)."""
    ours_list = result.ours.summary("list")
    all_ms = result.ours.latencies.get("all", [])
    largest = max(result.sizes, key=lambda p: p.size) if result.sizes else None
    big = largest if largest is not None and largest.size >= 100_000 else None
    at = f"{big.size:,}" if big else "100,000"
    cold = [p.cold.rows_per_second for p in result.sizes]
    warm = [p.warm.rows_per_second for p in result.sizes]
    unchanged = [p.unchanged.rows_per_second for p in result.sizes]
    return [
        Check("list recall (eval set)", ours_list.recall if ours_list else None, 0.98, True),
        Check("list precision (eval set)", ours_list.precision if ours_list else None, 0.95, True),
        Check("lineage: strong-link recall (labelled links)",
              result.lineage.ours.strong_recall if result.lineage else None, 0.90, True),
        Check("lineage: link precision (labelled links)", result.lineage.ours.precision if result.lineage else None,
              0.95, True),
        Check(f"ask p50 in-process at {result.real_rows} rows", percentile(all_ms, 50), 30, False, " ms"),
        Check(f"ask p95 in-process at {result.real_rows} rows", percentile(all_ms, 95), 60, False, " ms"),
        Check(f"list ask p95 at {at} rows", big.ask.list["p95_ms"] if big else None, 50, False, " ms"),
        Check(f"fact ask p95 at {at} rows", big.ask.fact["p95_ms"] if big else None, 150, False, " ms"),
        Check(f"fact ask: gold row cited at {at} rows", big.ask.fact["recall"] if big else None, 0.95, True),
        Check("ingest cold (slowest size)", min(cold) if cold else None, 60, True, " rows/s"),
        Check("ingest warm: a new build, every vector cached (slowest size)", min(warm) if warm else None, 5000,
              True, " rows/s"),
        Check("re-ingest of unchanged lists (slowest size)", min(unchanged) if unchanged else None, 5000, True,
              " rows/s"),
        Check(f"peak RSS at {at} rows (ingest or ask)",
              max(big.warm.peak_rss_mb, big.ask.peak_rss_mb) if big else None, 1536, False, " MB"),
        Check("`policy-assistant ask` first answer (median)",
              percentile(result.startup.ask_seconds, 50) if result.startup else None, 1.2, False, " s"),
    ]
