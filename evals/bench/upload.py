"""Upload to first answer: a 60-row Word list, new to the embedding cache, uploaded to an Assistant that holds the
bundled lists; the seconds until its rows are in the index and until the first question about it is answered.

    python -m evals.bench.upload [--rows 60] [--runs 3]
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


def measure(rows: int, run: int, warm_cache: Path) -> tuple[float, float]:
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as folder:
        data = Path(folder) / "data"
        shutil.copytree(warm_cache, data / "cache")
        assistant = Assistant.from_settings(Settings(data_dir=data))
        assistant.ingest_if_empty()  # the bundled lists, from the cached vectors
        path = word_list(Path(folder) / "测试市清单.docx", rows, run)
        started = time.perf_counter()
        report = assistant.upload(path, path.name)
        ingested = time.perf_counter() - started
        answer = assistant.ask("测试市教育局牵头哪些任务？")
        answered = time.perf_counter() - started
        assert report.rows_of_docs == rows and answer.citations, "the uploaded list was not answered"
        return ingested, answered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="upload-bench-warm-") as folder:
        warm = Settings(data_dir=Path(folder))
        Assistant.from_settings(warm).ingest_if_empty()  # embeds the bundled lists once, for every run
        times = [measure(args.rows, run, warm.cache_dir) for run in range(1, args.runs + 1)]
    ingest_s = statistics.median(t[0] for t in times)
    answer_s = statistics.median(t[1] for t in times)
    click.echo(f"{args.rows}-row .docx, median of {args.runs}: upload ingested in {ingest_s:.2f} s "
          f"({args.rows / ingest_s:.0f} rows/s), first answer at {answer_s:.2f} s after the upload began")


if __name__ == "__main__":
    main()
