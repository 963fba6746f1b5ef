"""Kill -9 an ingest at random moments, N times; after each, a new process must serve the last complete index.

    python -m evals.kill_ingest --times 20 [--data-dir DIR] [--seed 7]

Each round rewrites wafangdian (in a copy of the bundled lists) with every row changed, so the re-ingest must
embed it, and kills the ingest after a random delay,
then starts fresh processes and checks: the index has 172 rows, wafangdian's rows are all of one version
(never a mix), and fixed questions about the other lists get the same citations as before.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import click

from assistant.settings import Settings
from ingest.parser import parse_file
from ingest.registries import Registry

QUESTIONS = ["营口市人社局要做哪些工作？", "环翠区税务局负责哪些任务？", "锦州师专有哪些具体举措？"]


@dataclass
class Drill:
    rounds: int = 0
    killed_midway: int = 0
    completed_before_kill: int = 0
    intact: int = 0
    problems: list[str] = field(default_factory=list)


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def _state(data_dir: Path) -> tuple[int, dict[str, int], dict[str, list[str]]]:
    """Row count, wafangdian's rows per version mark, and the citations of the fixed questions."""
    rows = json.loads(_cli(data_dir, "rows", "--json").stdout)
    versions: dict[str, int] = {}
    for r in rows:
        if r["doc"] == "wafangdian":
            found = re.findall(r"【v(\d+)】", r["text"])
            versions[found[0] if found else "base"] = versions.get(found[0] if found else "base", 0) + 1
    answers = {}
    for q in QUESTIONS:
        answer = json.loads(_cli(data_dir, "ask", "--json", q).stdout)
        answers[q] = [c["id"] for c in answer["citations"]]
    return len(rows), versions, answers


def _write_marked(lists_dir: Path, version: int) -> Path:
    path = Path(tempfile.mkdtemp(prefix="kill-ingest-probe-")) / "wafangdian.txt"
    path.write_text(marked_text((lists_dir / "wafangdian.txt").read_text("utf-8"), f"【v{version}】"), "utf-8")
    return path


def marked_text(source: str, mark: str) -> str:
    """A tab-separated list's text with `mark` after every task-text cell (a long cell), so that every row must
    be embedded again."""
    return "\n".join(f"{line}{mark}" if line.startswith("\t") and len(line) > 20 else line
                     for line in source.split("\n"))


def run_drill(data_dir: Path, times: int, seed: int, lists_dir: Path) -> Drill:
    work = Path(tempfile.mkdtemp(prefix="kill-ingest-"))
    shutil.copytree(lists_dir, work / "lists")
    before = os.environ.get("ASSISTANT_LISTS_DIR")
    os.environ["ASSISTANT_LISTS_DIR"] = str(work / "lists")  # every command of the drill reads the copy
    try:
        return _rounds(data_dir, times, random.Random(seed), lists_dir, work)
    finally:
        if before is None:
            os.environ.pop("ASSISTANT_LISTS_DIR", None)
        else:
            os.environ["ASSISTANT_LISTS_DIR"] = before


def _rounds(data_dir: Path, times: int, rng: random.Random, lists_dir: Path, work: Path) -> Drill:
    first = _cli(data_dir, "ingest", "--quiet")
    if first.returncode != 0:
        raise click.ClickException(first.stderr.strip())
    count, _, expected = _state(data_dir)
    marked_rows = sum("【v1】" in r.text for r in parse_file(_write_marked(lists_dir, 1), Registry.load()).rows)
    drill = Drill()
    source = (lists_dir / "wafangdian.txt").read_text("utf-8")
    for round_no in range(1, times + 1):
        (work / "lists" / "wafangdian.txt").write_text(marked_text(source, f"【v{round_no}】"), "utf-8")
        env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
        proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "ingest", "--quiet"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.5, 8.0))
        finished = proc.poll() is not None
        if not finished:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        if finished and proc.returncode != 0:  # an ingest that failed by itself proves nothing about a kill
            drill.problems.append(f"round {round_no}: the ingest failed: {proc.stderr.read().strip() if proc.stderr else ''}")
        drill.rounds += 1
        drill.completed_before_kill += finished
        drill.killed_midway += not finished
        rows, versions, answers = _state(data_dir)
        marks = {v: n for v, n in versions.items() if v != "base"}
        # Whole: either no version mark at all (the old build), or one version on exactly the rows it marks.
        whole = not marks or (len(marks) == 1 and next(iter(marks.values())) == marked_rows)
        ok = rows == count and whole and answers == expected
        drill.intact += ok
        if not ok:
            drill.problems.append(f"round {round_no}: {rows} rows, wafangdian versions {sorted(versions)}, "
                                  f"answers {'same' if answers == expected else 'changed'}")
    return drill


@click.command()
@click.option("--times", default=20, show_default=True, help="How many ingests to kill.")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data directory (default: a new temporary one).")
@click.option("--seed", default=7, show_default=True)
def main(times: int, data_dir: Path | None, seed: int) -> None:
    """Kill ingests at random moments and check the index each time."""
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="kill-ingest-data-"))
    drill = run_drill(data_dir, times, seed, Settings().lists_dir)
    click.echo(f"{drill.rounds} ingests: {drill.killed_midway} killed midway, {drill.completed_before_kill} "
               f"finished before the kill; index intact after {drill.intact} of {drill.rounds}")
    for problem in drill.problems:
        click.echo(problem, err=True)
    if drill.problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
