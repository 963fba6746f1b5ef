"""A document's part (its rows as one ingest read them) and the lineage pairs of parts, scored part by part."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ingest.builds import dump_rows, part_rows
from ingest.lineage import LinkSettings, parent_docs, score_pairs
from ingest.registries import Registry
from ingest.rows import Document, Row
from state.manifests import BuildRecords, Part, PartLinks

if TYPE_CHECKING:
    import numpy as np

PLACE = "place:"  # a part's metadata key for its document's place: lineage reads it without the rows


def new_part(doc: Document, info: dict[str, str], ready: bool = False) -> Part:
    """A new generation of `doc`: `<doc>@<nanoseconds, hex>` (a writer's clock: one writer at a time)."""
    return rows_part(doc.key, doc.rows, {**info, f"{PLACE}{doc.key}": doc.jurisdiction}, ready)


def rows_part(doc: str, rows: list[Row], info: dict[str, str], ready: bool = False) -> Part:
    return Part(f"{doc}@{time.time_ns():x}", doc, info, dump_rows(rows), len(rows), ready)


def place_of(part: Part) -> str:
    return part.info.get(f"{PLACE}{part.doc}", "")


def missing_links(records: BuildRecords, parts: list[Part], registry: Registry) -> list[tuple[Part, Part]]:
    """The (local, parent) pairs of `parts`, both with all their vectors in, whose lineage is not scored yet:
    after one list changed, those of that list only."""
    ready = [p for p in parts if p.ready]
    by_doc = {p.doc: p for p in ready}
    places = {p.doc: place_of(p) for p in ready}
    wanted = [(p, by_doc[parent]) for p in ready for parent in parent_docs(places[p.doc], places, registry)]
    done = records.linked(p.name for p in ready)
    return [(child, parent) for child, parent in wanted if (child.name, parent.name) not in done]


def score_links(child: Part, parent: Part, vectors: dict[str, np.ndarray], registry: Registry,
                settings: LinkSettings | None = None) -> PartLinks:
    """The lineage pairs of a local part's rows among a parent part's rows over the weak threshold (choosing
    links over every build's pairs then gives what scoring all of its rows at once gave); `vectors` by row id."""
    settings = settings or LinkSettings.load()
    rows = part_rows(child) + part_rows(parent)
    scored = score_pairs(rows, [vectors[r.id] for r in rows], registry)(settings)
    return PartLinks(child.name, parent.name, [(c, p, s) for c, p, s in scored if s >= settings.weak])
