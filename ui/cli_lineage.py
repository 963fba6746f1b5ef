"""The text the `lineage` and `coverage` commands print: rows as 营口市#3 with the start of their task text."""

from __future__ import annotations

from assistant.links import LinkedRow, ParentCoverage, RowLineage
from assistant.row_names import RowNames, link_mark

LEGEND = ("强：高度对应（相似度达到强对应的阈值）；弱：可能对应，请核对；已确认：经人工确认；"
          "相似度为 0 到 1 的文本相似程度；—：没有对应条目")


def _linked(names: RowNames, linked: LinkedRow) -> str:
    return (f"{names.label(linked.id)}（{link_mark(linked.strength, linked.score, linked.confirmed)}）"
            f"{names.text(linked.id)}")


def _row(names: RowNames, row_id: str) -> str:
    return f"{names.label(row_id)}  {names.text(row_id)}"


def lineage_text(names: RowNames, rows: list[RowLineage]) -> str:
    """Each local row, then under it the parent rows it carries out (— when none)."""
    lines = []
    for row in rows:
        lines.append(_row(names, row.child))
        lines += [f"    ↑ {_linked(names, p)}" for p in row.parents] or ["    ↑ —"]
    return "\n".join([*lines, "", LEGEND])


def coverage_text(names: RowNames, rows: list[ParentCoverage]) -> str:
    """Each parent row, then per local list the rows carrying it out (— when that list leaves it out)."""
    lines = []
    for row in rows:
        lines.append(_row(names, row.parent))
        for doc, kids in row.children.items():
            place = names.list_label(doc)
            lines += [f"    ↓ {place}：{_linked(names, k)}" for k in kids] or [f"    ↓ {place}：—"]
    return "\n".join([*lines, "", LEGEND])
