"""The `policy-assistant` command: thin subcommands over ingest/ and assistant/."""

from __future__ import annotations

import gc
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from assistant.settings import Settings
from evals.bench.command import bench_command  # light: its heavy modules load when it runs
from ingest.errors import IngestError


def _settings() -> Settings:
    return Settings()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Ask the vocational-education task lists (任务清单) and get complete, row-cited answers."""
    for line in where_lines(_settings()):
        click.echo(line, err=True)


def where_lines(settings: Settings) -> list[str]:
    """What a command says on stderr before it starts: the data directory when it is not the default one, and
    the state store when it is not the data directory's SQLite file."""
    lines = [] if settings.data_dir_is_default else [f"data directory: {settings.data_dir} (ASSISTANT_DATA_DIR)"]
    if settings.data_dir_is_default and (Path(".assistant") / "index").is_dir():  # where it was before
        lines.append(f"data directory: {settings.data_dir}; the one this folder holds is used with "
                     "ASSISTANT_DATA_DIR=.assistant")
    if settings.database_url:
        lines.append(f"state store: {_without_password(settings.database_url)} (ASSISTANT_DATABASE_URL)")
    return lines


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _preview(paths: list[Path], place: str | None = None) -> None:
    from ingest.indexer import list_files
    from ingest.preview import preview_file, preview_text
    from ingest.registries import Registry

    registry, failed = Registry.load(), False
    try:
        files = list_files(paths)
    except IngestError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    for path in files:
        try:
            click.echo(preview_text(preview_file(path, registry, place=place)))
        except IngestError as err:
            click.echo(f"error: {err}", err=True)
            failed = True
    if failed:
        sys.exit(2)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--if-empty", is_flag=True, help="Only ingest when the index holds no rows.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--dry-run", is_flag=True, help="Only show how each file would be read: title, place, columns, "
                                              "first rows and warnings. Writes nothing.")
@click.option("--place", help="The place of the lists in PATHS (盖州, 营口盖州, 盖州市): needed when a title names "
                              "none; wins over the title.")
def ingest(paths: tuple[Path, ...], if_empty: bool, quiet: bool, dry_run: bool, place: str | None) -> None:
    """Ingest list files: .docx .xlsx .pdf .doc .wps .xls .et or the text export (default: the bundled
    data/lists/ and the uploaded lists); a PATH adds or replaces that document."""
    from ingest.added import BundledList, add_paths, rebuild_sources
    from ingest.indexer import open_indexer
    from ingest.uploads import UploadFolder, list_sources

    settings = _settings()
    if place and not paths:
        click.echo("error: --place is the place of the lists in PATHS: name the files", err=True)
        sys.exit(2)
    if dry_run:
        _preview(list(paths) or list_sources(settings.lists_dir, settings.uploads_dir), place)
        return
    indexer = open_indexer(settings)
    if if_empty and indexer.store.active() is not None:
        click.echo("index already holds rows; nothing to ingest")
        return
    try:
        if paths:  # a file from elsewhere is kept under the data directory: a rebuild reads it again
            reports = add_paths(indexer, UploadFolder(settings.uploads_dir), settings.lists_dir, list(paths),
                                progress=not quiet, place=place)
        else:
            sources = rebuild_sources(settings.lists_dir, UploadFolder(settings.uploads_dir), indexer.store.state)
            reports = [indexer.ingest(sources, progress=not quiet)]
    except (IngestError, BundledList) as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    for report in reports:
        click.echo(report.summary())


@contextmanager
def _starting() -> Iterator[None]:
    """No cycle collection while starting: imports (Chroma's above all) and jieba's dictionary make about a
    million objects that live on, and the collector would scan them again and again (0.25 s of a 2.5 s `ask`)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # what start-up made lives on: later collections need not scan it either
        gc.enable()


def _catalog(settings: Settings):  # type: ignore[no-untyped-def]
    with _starting():
        from assistant.catalog import Catalog
        from ingest.builds import open_builds
        from ingest.registries import Registry
        from state import open_state

        builds = open_builds(settings.index_dir, settings.chroma_url, settings.collection_prefix,
                             open_state(settings.database_url, settings.data_dir))
        return Catalog.load(builds, Registry.load())


@cli.command()
@click.option("--doc", help="Document key, e.g. yingkou.")
@click.option("--jurisdiction", help="Place or institution, any alias: 营口, 瓦房店市, 锦州师专, Huancui.")
@click.option("--agency", help="Agency, any alias: 人社局, 发改委, 教育厅.")
@click.option("--role", type=click.Choice(["lead", "responsible", "any"]), default="any", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of row objects.")
def rows(doc: str | None, jurisdiction: str | None, agency: str | None, role: str, as_json: bool) -> None:
    """List every matching row by structured filter (no ranking, no top-k)."""
    from assistant.compose.rows import format_rows_table
    from assistant.listing import UnknownName, list_rows

    try:
        found = list_rows(_catalog(_settings()), doc, jurisdiction, agency, role)  # type: ignore[arg-type]
    except UnknownName as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps([r.public() for r in found], ensure_ascii=False, indent=2))
    else:
        click.echo(format_rows_table(found))


def _print_links(call: str, name: str, as_json: bool, text: Callable[[Any, list[Any]], str]) -> None:
    """Run one lineage call of the Assistant on a list (key, place or title) and print its rows as JSON (keys)
    or as text (营口市#3 and the start of each task)."""
    from assistant.listing import UnknownName
    from assistant.row_names import RowNames

    assistant = _ready_assistant(_settings())
    try:
        rows = getattr(assistant, call)(name)
    except UnknownName as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps([r.model_dump() for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(text(RowNames(assistant.engine.catalog), rows))


@cli.command()
@click.argument("doc")
@click.option("--json", "as_json", is_flag=True, help="Print JSON with row keys (the default prints text).")
def lineage(doc: str, as_json: bool) -> None:
    """Each row of the local list DOC (a key, a place such as 营口 or 营口市, or the title) with the parent rows it
    carries out: 强 / 弱 and the similarity (相似度), or 已确认."""
    from ui.cli_lineage import lineage_text

    _print_links("lineage", doc, as_json, lineage_text)


@cli.command()
@click.argument("parent")
@click.option("--json", "as_json", is_flag=True, help="Print JSON with row keys (the default prints text).")
def coverage(parent: str, as_json: bool) -> None:
    """Each row of the parent list PARENT (a key, a place such as 辽宁 or the title) × the local lists below it,
    with the rows carrying it out."""
    from ui.cli_lineage import coverage_text

    _print_links("coverage", parent, as_json, coverage_text)


@cli.command()
def documents() -> None:
    """The lists in the index: jurisdiction, row count, title, and the file each was read from (name, format,
    sha256, when ingested)."""
    catalog = _catalog(_settings())
    if not catalog.documents:
        click.echo("the index is empty: run `policy-assistant ingest`")
        return
    for d in catalog.documents:
        source = d.source
        read_from = (f"\t{source.file}\t{source.format}\t{source.sha256}\t{source.ingested_at or '—'}"
                     if source else "")
        click.echo(f"{d.doc}\t{d.jurisdiction}\t{d.rows} rows\t{d.title}{read_from}")


def _log_progress() -> None:
    """The progress of an ingest the command starts itself (of an empty index), on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = logging.getLogger("ingest.indexer")
    if not logger.handlers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _ready_assistant(settings: Settings):  # type: ignore[no-untyped-def]
    """An Assistant whose index holds rows: an empty (new or rebuilt) index gets the bundled lists first."""
    _log_progress()
    with _starting():
        from assistant.core import Assistant

        assistant = Assistant.from_settings(settings)
    report = assistant.ingest_if_empty()
    if report is not None:
        click.echo(assistant.restored_line(report), err=True)
    return assistant


@cli.command()
@click.argument("question")
@click.option("--session", "session_id", help="Continue this conversation.")
@click.option("--jurisdiction", help="Filter: place or institution.")
@click.option("--agency", help="Filter: agency.")
@click.option("--json", "as_json", is_flag=True, help="Print the Answer as JSON.")
@click.option("--plan", "show_plan", is_flag=True, help="Print the query plan (JSON) before the answer.")
def ask(question: str, session_id: str | None, jurisdiction: str | None, agency: str | None,
        as_json: bool, show_plan: bool) -> None:
    """Answer one question from the lists, with row citations. Words the question used that the answer did not
    read are named on stderr (`unread: …`); the exit code stays 0."""
    from ui.cli_chat import echo_unread

    if not question.strip():  # as /ask's 422: nothing to answer, and a script must see it
        raise click.UsageError("问题为空：请给出一个问题，例如 policy-assistant ask \"营口市人社局要做哪些工作？\"")
    answer = _ready_assistant(_settings()).ask(question, session_id, jurisdiction, agency)
    if as_json:  # its `understood` and `unread` say it
        click.echo(answer.model_dump_json(indent=2))
        return
    if show_plan and answer.plan is not None:
        click.echo(answer.plan.model_dump_json(indent=2, exclude_defaults=True))
    click.echo(answer.answer)
    echo_unread(answer)


@cli.command()
def chat() -> None:
    """An interactive conversation in the terminal (退出, exit or Ctrl-D ends it); on a terminal, the arrow
    keys edit the line and recall earlier questions (kept in <data dir>/chat_history)."""
    from ui.cli_chat import run_chat

    settings = _settings()
    run_chat(_ready_assistant(settings), settings.data_dir / "chat_history")


@cli.command(name="eval")
@click.option("--set", "set_name", help="One set of evals/sets.toml by name, or a questions .jsonl path.")
@click.option("--thresholds", type=click.Path(exists=True, path_type=Path), help="A thresholds.toml file.")
@click.option("--show", type=click.Choice(["failures", "all", "none"]), default="failures", show_default=True,
              help="Which questions to list under each table.")
def eval_command(set_name: str | None, thresholds: Path | None, show: str) -> None:
    """Run the eval sets in-process; exit non-zero when a metric is below its set's threshold."""
    from evals.report import run_sets

    failures = run_sets(_ready_assistant(_settings()), set_name, thresholds, show, click.echo)
    for line in failures:
        click.echo(f"below threshold: {line}", err=True)
    if failures:
        sys.exit(1)
    click.echo("all thresholds met")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Worker processes taking connections on the port. More than 1 needs a Chroma server "
                   "(ASSISTANT_CHROMA_URL): the embedded index is refused, it is safe in one process only. "
                   "Sessions, counters and uploads are shared through the state store (ASSISTANT_DATABASE_URL, "
                   "or the data directory's SQLite file); a worker that dies is started again.")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the HTTP API (/ask, /docs) and the chat (/ui); ingests first if the index is empty.

    With --workers N, N processes answer on one port: a conversation continues on any of them, one upload at a
    time is written (the state store's writer lock), and each switches to a new build within 2 s. Several
    machines work the same way behind any load balancer, over one PostgreSQL and one Chroma server."""
    from ui.cli_serve import run_server

    run_server(_settings(), host, port, workers)


@cli.command(name="mcp")
def mcp_command() -> None:
    """Serve the MCP tools (ask, list_tasks, get_task, lineage, coverage, list_documents) over stdin / stdout, for
    an agent that starts this command. No key: whoever can start it can read the data directory."""
    from ui.mcp_server import run_stdio

    run_stdio(_ready_assistant(_settings()))


cli.add_command(bench_command, name="bench")


def main() -> None:
    with _starting():
        from ingest.index_files import StorageError
        from state import StateUnavailable

    try:
        cli()
    except (StorageError, StateUnavailable) as err:  # disk full, permission, a lock, a database down: the
        # operator's to fix; nothing was moved
        click.echo(f"error: {err}", err=True)
        sys.exit(3)
    except PermissionError as err:  # a data directory this user may not write (the chat's folder, a cache)
        click.echo(f"error: {err.filename or 'the data directory'}: {err.strerror or err}", err=True)
        sys.exit(3)


if __name__ == "__main__":
    main()
