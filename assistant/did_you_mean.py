"""Did-you-mean: the agencies offered for a name that matched nothing, kept to those the lists asked about name."""

from __future__ import annotations

from collections import Counter

from assistant.catalog import Catalog
from assistant.understand.names import AgencyNames
from assistant.understand.plan import Unresolved

SHOWN_NAMES = 2  # written names shown beside a short name: 人社局（市人力资源和社会保障局、…）


def in_scope(unresolved: list[Unresolved], docs: list[str], catalog: Catalog,
             names: AgencyNames) -> list[Unresolved]:
    """Each unresolved agency name with only the candidates some row of `docs` names, best first (the reader's
    order of closeness, then more rows), each shown with the names those rows write for it. A candidate the
    lists asked about never name would lead to 「…清单中没有列出…的任务」: it is not offered."""
    return [_narrowed(u, docs, catalog, names) if u.kind == "agency" else u for u in unresolved]


def _narrowed(name: Unresolved, docs: list[str], catalog: Catalog, names: AgencyNames) -> Unresolved:
    kept: list[tuple[int, int, str]] = []
    for closeness, candidate in enumerate(name.candidates):
        short = candidate.split("（")[0]
        agency_id = names.resolve(short)[0]
        rows = catalog.filter(docs, [agency_id]) if agency_id else []
        if rows:
            written = Counter(n for r in rows for n, i in zip(r.lead + r.responsible, r.lead_ids + r.responsible_ids,
                                                               strict=True) if i == agency_id and n != short)
            shown = "、".join(n for n, _ in written.most_common(SHOWN_NAMES))
            kept.append((closeness, -len(rows), f"{short}（{shown}）" if shown else short))
    return name.model_copy(update={"candidates": list(dict.fromkeys(c for *_, c in sorted(kept)))})
