"""The quick bench end to end, as a user runs it: a subprocess writing its report, results and plots to a folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SECTIONS = ["## Targets", "## Quality: this assistant beside a plain vector-RAG baseline", "## Lineage links",
            "## Latency",
            "## Cost curve", "## Start-up"]


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m evals.bench --quick` into a throwaway folder (its data dirs live under it too)."""
    out = tmp_path_factory.mktemp("bench")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    result = subprocess.run([sys.executable, "-m", "evals.bench", "--quick", "--out", str(out)], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"report: {out / 'report.md'}" in result.stdout
    return out


@pytest.fixture(scope="module")
def results(bench: Path) -> dict:
    return dict(json.loads((bench / "results.json").read_text("utf-8")))


def summary(run: dict, intent: str) -> dict:
    return next(s for s in run["summaries"] if s["intent"] == intent)


@pytest.mark.slow
def test_report_has_every_section_and_plot(bench: Path) -> None:
    report = (bench / "report.md").read_text("utf-8")
    for section in SECTIONS:
        assert section in report
    assert "- command: `policy-assistant bench --quick" in report
    assert "cores (nproc)" in report and "Python 3." in report
    assert "the baseline gets each turn's question alone (it has no memory)" in report
    assert "List recall: ours 1.000, which is" in report
    assert "larger indexes built with seeded vectors" in report
    for plot in ("quality.png", "cost_curve.png"):
        data = (bench / plot).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000
        assert f"]({plot})" in report
    assert not (bench / "work").exists(), "the work folder (indexes, synthetic lists) is removed unless --keep-work"


@pytest.mark.slow
def test_ours_answers_lists_completely_and_the_baseline_does_not(results: dict) -> None:
    ours, top5, top10 = results["ours"], *results["baselines"]
    assert summary(ours, "list")["recall"] == 1.0 and summary(ours, "list")["precision"] >= 0.95
    assert summary(top10, "list")["recall"] < 0.7 and summary(top5, "list")["precision"] < 0.5
    assert summary(ours, "out_of_scope")["abstention"] == 1.0
    # a fair baseline, not a broken one: dense retrieval finds the one row a fact asks for (quick set: both facts)
    assert summary(top5, "fact")["hit5"] >= 0.5 and summary(top5, "fact")["mrr"] >= 0.5
    (point,) = results["sizes"]
    assert point["size"] == 1000 and point["warm"]["rows"] == 1000
    assert point["ask"]["list"]["recall"] == 1.0 and point["ask"]["list"]["precision"] == 1.0
    assert point["ask"]["baseline_recall"]["k10"] < 0.5


@pytest.mark.slow
def test_lineage_links_beside_the_nearest_parent_baseline(results: dict) -> None:
    ours, baseline = results["lineage"]["ours"], results["lineage"]["baseline"]
    assert ours["strong_recall"] >= 0.90 and ours["precision"] >= 0.95
    assert baseline["strong_recall"] < ours["strong_recall"] and baseline["precision"] < ours["precision"]


@pytest.mark.slow
def test_numbers_are_sane(results: dict) -> None:
    latencies = results["ours"]["latencies"]
    assert set(latencies) >= {"list", "fact", "all"} and all(ms > 0 for ms in latencies["all"])
    assert len(results["http"]["latencies_ms"]) == len(latencies["all"])
    (point,) = results["sizes"]
    assert 100 <= point["cold"]["rows"] < 1000 and point["cold"]["embedded"] > 0  # a cold sample, really embedded
    assert point["warm"]["embedded"] == 0 and point["unchanged"]["embedded"] == 0
    assert point["warm"]["seconds"] > 0 and point["index_mb"] > 1
    assert 100 < point["warm"]["peak_rss_mb"] < 4000 and 100 < point["ask"]["peak_rss_mb"] < 4000
    assert 0 < results["startup"]["ask_seconds"][0] < 60 and 0 < results["startup"]["serve_seconds"][0] < 120
