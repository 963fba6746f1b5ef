"""Rows as people name them: 营口市#3 (the chat's list labels) beside the start of the task text."""

from __future__ import annotations

from assistant.catalog import Catalog
from assistant.understand.lists import ListNames

STRENGTH_LABEL = {"strong": "强", "weak": "弱"}


class RowNames:
    """Labels (营口市#3, 辽宁省·双高#2 beside another list of the place) and short texts of a catalog's rows."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.lists = ListNames.from_catalog(catalog)
        self.places = {d.doc: d.jurisdiction for d in catalog.documents}

    def list_label(self, doc: str) -> str:
        """How the chat names a list: its place, or its own label beside another list of that place."""
        return self.lists.label(doc, self.places.get(doc, doc))

    def label(self, row_id: str) -> str:
        """营口市#3 for yingkou#3; an id of no list held stays as it is."""
        doc, _, number = row_id.partition("#")
        return f"{self.list_label(doc)}#{number}" if doc in self.places and number else row_id

    def text(self, row_id: str, chars: int = 40) -> str:
        """The start of the row's task text (… when cut)."""
        row = self.catalog.by_id.get(row_id)
        text = " ".join(row.text.split()) if row else ""
        return text if len(text) <= chars else text[:chars] + "…"


def link_mark(strength: str, score: float | None, confirmed: bool) -> str:
    """强，相似度 0.69 / 弱，相似度 0.41 / 强，已确认: how a link reads beside a row."""
    parts = [STRENGTH_LABEL.get(strength, strength)]
    if score is not None:
        parts.append(f"相似度 {score:.2f}")
    if confirmed:
        parts.append("已确认")
    return "，".join(parts)
