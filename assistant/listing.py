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


def resolve_document(catalog: Catalog, name: str) -> str:
    """The document key for a name a person uses: the key (yingkou), the place with or without 市 / 省 / 区
    (营口, 营口市) or the list's title. A place with several lists asks for one of their keys."""
    name = name.strip()
    by_key = {d.doc: d for d in catalog.documents}
    if name in by_key:
        return name
    titled = [d.doc for d in catalog.documents if name and name in (d.title, d.title.removesuffix(".docx"))]
    if len(titled) == 1:
        return titled[0]
    try:
        docs = titled or resolve_jurisdiction(catalog, name)[0]
    except UnknownName:
        raise UnknownName(f"no list named {name!r}; give a key, a place or a title: " + "；".join(
            f"{d.doc}（{d.jurisdiction}，{d.title}）" for d in catalog.documents)) from None
    if len(docs) > 1:
        raise UnknownName(f"{name!r} has {len(docs)} lists; give one key: " + "；".join(
            f"{doc}（{by_key[doc].title}）" for doc in docs))
    return docs[0]


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
        docs = [resolve_document(catalog, doc)]
    if jurisdiction:
        place_docs, measures_only = resolve_jurisdiction(catalog, jurisdiction)
        docs = place_docs if docs is None else [d for d in docs if d in place_docs]
    agency_ids = resolve_agency(catalog, agency, names) if agency else None
    return catalog.filter(docs, agency_ids, role, with_measures=measures_only)
