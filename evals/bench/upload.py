"""Upload to first answer: a 60-row Word list, new to the embedding cache, uploaded to an Assistant that holds the
bundled lists; the seconds until its rows are in the index, until the first question about it is answered, and
until all its vectors are in.

    python -m evals.bench.upload [--rows 60] [--runs 3] [--foreground]

By default the Assistant runs its background worker, as a server does: the list is answerable once read, its
vectors computed after. `--foreground` embeds before activating, as a command does.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import click

from assistant.core import Assistant
from assistant.settings import Settings
from ingest.parser import parse_file
from ingest.registries import Registry

PLACE_TITLE = "测试市职业教育重点任务清单"


def word_list(path: Path, rows: int, run: int) -> Path:
    """A .docx list of `rows` tasks reworded from the bundled yingkou list, so no passage is cached."""
    import docx

    settings = Settings()
    source = parse_file(settings.lists_dir / "yingkou.txt", Registry.load()).rows
    document = docx.Document()
    document.add_paragraph("附件")
    document.add_paragraph(PLACE_TITLE)
    table = document.add_table(rows=rows + 1, cols=4)
    for column, header in enumerate(["序号", "任务内容", "牵头单位", "责任单位"]):
        table.cell(0, column).text = header
    for n in range(1, rows + 1):
        row = source[(n - 1) % len(source)]
        cells = [str(n), f"（第{run}轮第{n}项）{row.text}", "、".join(row.lead) or "市教育局",
                 "、".join(row.responsible)]
        for column, text in enumerate(cells):
            table.cell(n, column).text = text
    document.save(str(path))
    return path


def measure(rows: int, run: int, warm_cache: Path, background: bool) -> tuple[float, float, float]:
    """Seconds from the upload's start until it returned, until the first answer, and until every vector is in."""
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as folder:
        data = Path(folder) / "data"
        shutil.copytree(warm_cache, data / "cache")
        assistant = Assistant.from_settings(Settings(data_dir=data), warm=True)
        assistant.ingest_if_empty()  # the bundled lists, from the cached vectors
        if background:
            assistant.start_backfill().idle(60)
        assistant.ask("营口市教育局牵头哪些任务？")  # a server answers questions before the upload comes
        path = word_list(Path(folder) / "测试市清单.docx", rows, run)
        started = time.perf_counter()
        report = assistant.upload(path, path.name)
        ingested = time.perf_counter() - started
        answer = assistant.ask("测试市教育局牵头哪些任务？")
        answered = time.perf_counter() - started
        assert report.rows_of_docs == rows and answer.citations, "the uploaded list was not answered"
        if background:
            assert assistant.backfill is not None and assistant.backfill.idle(600), "vectors never came"
        vectors_in = time.perf_counter() - started
        assert assistant.backlog() == 0
        assistant.stop_backfill()
        return ingested, answered, vectors_in


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--foreground", action="store_true", help="embed before activating (as a command does)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="upload-bench-warm-") as folder:
        warm = Settings(data_dir=Path(folder))
        Assistant.from_settings(warm).ingest_if_empty()  # embeds the bundled lists once, for every run
        times = [measure(args.rows, run, warm.cache_dir, not args.foreground) for run in range(1, args.runs + 1)]
    ingest_s, answer_s, vectors_s = (statistics.median(t[i] for t in times) for i in range(3))
    mode = "foreground embedding" if args.foreground else "vectors in the background"
    click.echo(f"{args.rows}-row .docx, {mode}, median of {args.runs}: upload returned in {ingest_s:.2f} s, "
               f"first answer at {answer_s:.2f} s, every vector in at {vectors_s:.2f} s "
               f"({args.rows / vectors_s:.0f} rows/s) after the upload began")


if __name__ == "__main__":
    main()
