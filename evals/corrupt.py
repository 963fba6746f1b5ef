"""The corruption and disk drills: damage a data directory in each way the attack found, restart, count what is back.

    python -m evals.corrupt [--builds 20]

A data directory holds the bundled lists and one list added with `ingest PATH` (whose file is then deleted).
Each damage is done to a fresh copy of it; then a new process answers a question and lists the documents. A
round passes when every list and row is back (the added one included), the answer is the known 27 rows of
营口市人社局, and the command did not fail. A disk fault (the index made read-only) must instead refuse with
exit 3 and move nothing. Then `--builds` forced re-ingests in one process: the index folder's size and its
segment directories after each, which must stay flat.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from assistant.settings import Settings

PROBE = "营口市人社局要做哪些工作？"
PROBE_ROWS = 27


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


DAMAGES: dict[str, Callable[[Path], object]] = {
    "chroma.sqlite3 emptied": lambda d: (d / "index" / "chroma.sqlite3").write_bytes(b""),
    "chroma.sqlite3 not a database": lambda d: (d / "index" / "chroma.sqlite3").write_bytes(b"garbage" * 100),
    "chroma.sqlite3 cut in half": lambda d: _truncate(d / "index" / "chroma.sqlite3"),
    "index folder deleted": lambda d: shutil.rmtree(d / "index"),
    "embedding cache not a database": lambda d: (d / "cache" / "embeddings.sqlite").write_bytes(b"garbage"),
}


@dataclass
class Round:
    damage: str
    ok: bool
    detail: str


def _cli(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data)}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def _documents(data: Path) -> dict[str, int]:
    """Each list's key and row count, from `policy-assistant documents`."""
    out = _cli(data, "documents").stdout
    return {line.split("\t")[0]: int(line.split("\t")[2].split()[0]) for line in out.splitlines() if "\t" in line}


def prepare(work: Path) -> tuple[Path, dict[str, int]]:
    """A data directory with the bundled lists and one added list whose file no longer exists."""
    data = work / "data"
    added = work / "added" / "补充清单.txt"
    added.parent.mkdir(parents=True)
    added.write_text((Settings().lists_dir / "huancui.txt").read_text("utf-8").replace("加强", "加快", 1), "utf-8")
    for args in (("ingest", "--quiet"), ("ingest", "--quiet", str(added))):
        result = _cli(data, *args)
        if result.returncode != 0:
            raise click.ClickException(result.stderr.strip())
    added.unlink()
    return data, _documents(data)


def damage_round(base: Path, expected: dict[str, int], name: str, work: Path) -> Round:
    data = work / name.replace(" ", "-")
    shutil.copytree(base, data)
    DAMAGES[name](data)
    answer = _cli(data, "ask", "--json", PROBE)
    if answer.returncode != 0:
        return Round(name, False, f"ask exited {answer.returncode}: {answer.stderr.strip()[-200:]}")
    rows = len(json.loads(answer.stdout)["citations"])
    found = _documents(data)
    ok = found == expected and rows == PROBE_ROWS
    return Round(name, ok, f"{len(found)} lists, {sum(found.values())} rows back; the probe cites {rows} rows")


def fault_round(base: Path, work: Path) -> Round:
    """A storage fault, not damage: the index folder read-only. Refuse (exit 3), move nothing."""
    data = work / "read-only"
    shutil.copytree(base, data)
    index = data / "index"
    modes = {p: p.stat().st_mode for p in [index, *index.rglob("*")]}
    for path in modes:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        result = _cli(data, "ingest", "--quiet")
    finally:
        for path, mode in modes.items():
            path.chmod(mode)
    moved = [p.name for p in data.iterdir() if p.name.startswith("index.broken-")]
    ok = result.returncode == 3 and not moved
    line = (result.stderr.strip().splitlines() or [""])[-1]
    return Round("index read-only (a storage fault)", ok, f"exit {result.returncode}, moved {moved or 'nothing'}: "
                                                         f"{line[:160]}")


def disk_drill(work: Path, builds: int) -> list[tuple[int, int]]:
    """(bytes of the index folder, segment directories) after each of `builds` forced re-ingests."""
    from assistant.core import Assistant

    settings = Settings(data_dir=work / "builds")
    assistant = Assistant.from_settings(settings)
    assistant.ingest_if_empty()
    sizes = []
    for _ in range(builds):
        assistant.reingest(force=True)
        index = settings.index_dir
        size = sum(p.stat().st_size for p in index.rglob("*") if p.is_file())
        segments = sum(1 for p in index.iterdir() if p.is_dir())
        sizes.append((size, segments))
    return sizes


@click.command()
@click.option("--builds", default=20, show_default=True, help="Forced re-ingests of the disk drill.")
def main(builds: int) -> None:
    """Damage the data directory in every known way, restart, and check that nothing is lost."""
    if os.geteuid() == 0:
        click.echo("note: running as root, the read-only round cannot deny writes; it is skipped", err=True)
    work = Path(tempfile.mkdtemp(prefix="corrupt-drill-"))
    base, expected = prepare(work)
    click.echo(f"before: {len(expected)} lists, {sum(expected.values())} rows (one added by path, its file deleted)")
    rounds = [damage_round(base, expected, name, work) for name in DAMAGES]
    if os.geteuid() != 0:
        rounds.append(fault_round(base, work))
    for r in rounds:
        click.echo(f"{'ok  ' if r.ok else 'FAIL'} {r.damage}: {r.detail}")
    sizes = disk_drill(work, builds)
    first, last = sizes[0], sizes[-1]
    click.echo(f"{builds} forced builds: index {first[0] / 1e6:.1f} MB with {first[1]} segment directories after the "
               f"first, {last[0] / 1e6:.1f} MB with {last[1]} after the last (max {max(s for s, _ in sizes) / 1e6:.1f} MB)")
    shutil.rmtree(work, ignore_errors=True)
    if not all(r.ok for r in rounds):
        sys.exit(1)


if __name__ == "__main__":
    main()
