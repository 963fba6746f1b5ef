"""The `bench` command: cheap to import (the CLI registers it), the measuring modules load when it runs."""

from __future__ import annotations

import shlex
import shutil
import sys
import time
from pathlib import Path

import click

from assistant.settings import PROJECT_ROOT

DEFAULT_QUESTIONS = Path(__file__).resolve().parent.parent / "questions.jsonl"


def command_line() -> str:
    args = sys.argv[sys.argv.index("bench") + 1:] if "bench" in sys.argv else sys.argv[1:]
    return shlex.join(["policy-assistant", "bench", *args])


def _display(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


@click.command(name="bench")
@click.option("--sizes", help="Synthetic corpus sizes in rows, comma-separated.  "
                              "[default: 1000,10000,100000; --quick: 1000]")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("bench-results"),
              show_default=True, help="Folder for report.md, results.json and the plots.")
@click.option("--quick", is_flag=True, help="1,000 rows and a handful of questions (a minute or two).")
@click.option("--questions", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=DEFAULT_QUESTIONS,
              help="The eval set to score.  [default: evals/questions.jsonl]")
@click.option("--cold-rows", type=int, help="Rows ingested with real embeddings per size; a larger corpus is "
                                            "built with seeded vectors.  [default: 2000; --quick: 100]")
@click.option("--probes", type=int, help="List and fact questions asked per corpus size.  [default: 30; --quick: 5]")
@click.option("--startup-runs", type=int, help="Timed starts of `ask` and of `serve`.  [default: 3; --quick: 1]")
@click.option("--keep-work", is_flag=True, help="Keep the synthetic lists, indexes and server logs in OUT/work.")
def bench_command(sizes: str | None, out: Path, quick: bool, questions: Path, cold_rows: int | None,
                  probes: int | None, startup_runs: int | None, keep_work: bool) -> None:
    """Measure quality and latency beside a plain vector-RAG baseline, cost up to 100,000 rows, and start-up."""
    from evals.bench.machine import cores, load_average, machine_line
    from evals.bench.report import write_report
    from evals.bench.run import Plan, run_bench

    began = time.perf_counter()
    plan = Plan.from_options(quick, sizes, questions, cold_rows, probes, startup_runs)
    work = out.resolve() / "work"
    shutil.rmtree(work, ignore_errors=True)
    (work / "logs").mkdir(parents=True)
    result = run_bench(plan, work, {"command": command_line(), "machine": machine_line(PROJECT_ROOT),
                                    "cores": cores(), "load_start": load_average(),
                                    "started_at": time.strftime("%Y-%m-%d %H:%M:%S %z"), "quick": quick,
                                    "questions_file": _display(questions), "items": len(plan.items),
                                    "cold_rows": plan.cold_rows})
    result.seconds = time.perf_counter() - began
    result.load_end = load_average()
    path = write_report(result, out)
    if not keep_work:
        shutil.rmtree(work, ignore_errors=True)
    click.echo(f"report: {path}")
