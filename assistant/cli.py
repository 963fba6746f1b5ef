"""The `policy-assistant` command: thin subcommands over ingest/ and assistant/."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from assistant.settings import Settings
from ingest.errors import IngestError


def _settings() -> Settings:
    return Settings()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Ask the vocational-education task lists (任务清单) and get complete, row-cited answers."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--if-empty", is_flag=True, help="Only ingest when the index holds no rows.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def ingest(paths: tuple[Path, ...], if_empty: bool, quiet: bool) -> None:
    """Ingest list files (default: the bundled data/lists/); a PATH adds or replaces that document."""
    from ingest.indexer import open_indexer

    settings = _settings()
    indexer = open_indexer(settings)
    if if_empty and indexer.store.active() is not None:
        click.echo("index already holds rows; nothing to ingest")
        return
    try:
        report = indexer.ingest(list(paths) or [settings.lists_dir], progress=not quiet)
    except IngestError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    click.echo(report.summary())


def _catalog(settings: Settings):  # type: ignore[no-untyped-def]
    from assistant.catalog import Catalog
    from ingest.registries import Registry
    from ingest.store import IndexStore, open_client

    store = IndexStore(open_client(settings.index_dir, settings.chroma_url), settings.collection_prefix)
    return Catalog.load(store, Registry.load())


@cli.command()
@click.option("--doc", help="Document key, e.g. yingkou.")
@click.option("--jurisdiction", help="Place or institution, any alias: 营口, 瓦房店市, 锦州师专, Huancui.")
@click.option("--agency", help="Agency, any alias: 人社局, 发改委, 教育厅.")
@click.option("--role", type=click.Choice(["lead", "responsible", "any"]), default="any", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of row objects.")
def rows(doc: str | None, jurisdiction: str | None, agency: str | None, role: str, as_json: bool) -> None:
    """List every matching row by structured filter (no ranking, no top-k)."""
    from assistant.listing import UnknownName, list_rows
    from assistant.render import format_rows_table

    try:
        found = list_rows(_catalog(_settings()), doc, jurisdiction, agency, role)  # type: ignore[arg-type]
    except UnknownName as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps([r.public() for r in found], ensure_ascii=False, indent=2))
    else:
        click.echo(format_rows_table(found))


@cli.command()
def documents() -> None:
    """The lists in the index, with their jurisdictions and row counts."""
    catalog = _catalog(_settings())
    if not catalog.documents:
        click.echo("the index is empty: run `policy-assistant ingest`")
        return
    for d in catalog.documents:
        click.echo(f"{d.doc}\t{d.jurisdiction}\t{d.rows} rows\t{d.title}")


def main() -> None:
    cli()
