"""PNG plots of a bench run (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen before pyplot loads)

from evals.bench.costcurve import SizePoint  # noqa: E402
from evals.bench.quality import SystemRun  # noqa: E402


def plot_quality(runs: list[SystemRun], path: Path) -> Path:
    """Set recall and precision per intent, one bar per system."""
    intents = [s.intent for s in runs[0].summaries if s.intent != "all" and s.recall is not None]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4), sharey=True)
    width = 0.8 / len(runs)
    for metric, ax in zip(("recall", "precision"), axes, strict=True):
        for i, run in enumerate(runs):
            values = [getattr(run.summary(intent), metric) or 0.0 for intent in intents]
            ax.bar([x + i * width for x in range(len(intents))], values, width, label=run.name)
        ax.set_xticks([x + width * (len(runs) - 1) / 2 for x in range(len(intents))], intents)
        ax.set_title(f"set {metric} per intent")
        ax.set_ylim(0, 1.05)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(runs), frameon=False)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_cost(points: list[SizePoint], path: Path) -> Path:
    """Ask latency, peak memory and ingest throughput against corpus size (log scales)."""
    points = sorted(points, key=lambda p: p.size)
    sizes = [p.size for p in points]
    fig, (lat, mem, rate) = plt.subplots(1, 3, figsize=(15, 4))
    for intent, style in (("list", "o-"), ("fact", "s-")):
        for q, alpha in (("p50_ms", 1.0), ("p95_ms", 0.5)):
            values = [getattr(p.ask, intent)[q] for p in points]
            lat.plot(sizes, values, style, alpha=alpha, label=f"{intent} {q.removesuffix('_ms')}")
    lat.axhline(250, color="grey", linestyle=":", label="p95 target")
    lat.set(title="ask latency (ms)", xscale="log", yscale="log", xlabel="rows")
    mem.plot(sizes, [p.warm.peak_rss_mb for p in points], "o-", label="ingest peak RSS")
    mem.plot(sizes, [p.ask.peak_rss_mb for p in points], "s-", label="ask peak RSS")
    mem.plot(sizes, [p.index_mb for p in points], "^-", label="index on disk")
    mem.axhline(1536, color="grey", linestyle=":", label="RSS target")
    mem.set(title="memory and disk (MB)", xscale="log", xlabel="rows")
    rate.plot(sizes, [p.cold.rows_per_second for p in points], "o-", label="cold (embedding)")
    rate.plot(sizes, [p.warm.rows_per_second for p in points], "s-", label="warm (vectors cached)")
    rate.set(title="ingest throughput (rows/s)", xscale="log", yscale="log", xlabel="rows")
    for ax in (lat, mem, rate):
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
