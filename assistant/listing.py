"""Structured listing: rows by document, jurisdiction and agency, names resolved through the registries."""

from __future__ import annotations

from assistant.catalog import Catalog, Role
from assistant.understand.names import AgencyNames
from ingest.rows import Row


class UnknownName(ValueError):
    """A jurisdiction or document the index does not hold."""


def resolve_jurisdiction(catalog: Catalog, name: str) -> tuple[list[str], bool]:
    """Documents for a place or institution name (any alias); the flag says 'measures only'."""
    found = catalog.registry.places.find(name)
    if found.institutions:
        return catalog.docs_of_institution(found.institutions[0].key), True
    places = [m.key for m in found.jurisdictions]
    exact = [d.doc for d in catalog.documents if d.jurisdiction == name or d.doc == name]
    docs = catalog.docs_in(places) or exact
    if not docs:
        raise UnknownName(f"no list in the index for {name!r}; lists: "
                          + "、".join(f"{d.jurisdiction}（{d.doc}）" for d in catalog.documents))
    return docs, False


def resolve_agency(catalog: Catalog, name: str, names: AgencyNames | None = None) -> list[str]:
    """Canonical agency ids for an agency name as officials type it (人社, 税务, 人力社保局, any alias).

    `names` is the engine's name matcher when there is one (the server); the CLI makes its own."""
    mentions = catalog.registry.agencies.find(name)
    if mentions:
        return list(dict.fromkeys(m.key for m in mentions))
    names = names or AgencyNames(catalog.registry, catalog.indexed_agencies(), catalog.written_names())
    agency_id, candidates = names.resolve(name)
    if agency_id is None:
        hint = f"; did you mean: {'、'.join(candidates)}" if candidates else ""
        raise UnknownName(f"no agency in the index matches {name!r}{hint}")
    return [agency_id]


def list_rows(catalog: Catalog, doc: str | None = None, jurisdiction: str | None = None,
              agency: str | None = None, role: Role = "any", names: AgencyNames | None = None) -> list[Row]:
    """Every row matching the filters, in document and row order."""
    docs: list[str] | None = None
    measures_only = False
    if doc:
        if doc not in {d.doc for d in catalog.documents}:
            raise UnknownName(f"no document {doc!r}; documents: " + ", ".join(d.doc for d in catalog.documents))
        docs = [doc]
    if jurisdiction:
        place_docs, measures_only = resolve_jurisdiction(catalog, jurisdiction)
        docs = place_docs if docs is None else [d for d in docs if d in place_docs]
    agency_ids = resolve_agency(catalog, agency, names) if agency else None
    return catalog.filter(docs, agency_ids, role, with_measures=measures_only)
