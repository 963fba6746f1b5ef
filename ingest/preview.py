"""What an ingest would make of a file, shown before anything is written: `ingest --dry-run` and the chat's
上传清单 panel render the same preview."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from ingest.messages import Message
from ingest.parser import parse_path
from ingest.registries import Registry
from ingest.rows import Column, Document

FIELD_NAMES = {"row": "序号", "text": "任务内容", "category": "类别", "lead": "牵头", "responsible": "责任",
               "due": "完成时间", "measures.actions": "具体举措", "measures.targets": "完成目标",
               "measures.units": "举措责任单位", "measures.due": "举措完成时间", None: "（不读取）"}
SHOWN_ROWS = 5


class PreviewRow(BaseModel):
    row: int
    category: str
    text: str
    lead: list[str]
    responsible: list[str]
    due: str | None


class Preview(BaseModel):
    """One list as the file would be ingested."""

    doc: str = Field(description="the document key the list would get")
    file: str
    format: str
    title: str
    jurisdiction: str = Field(description="the list's place; \"\" when neither the place given nor the title names one")
    chain: list[str] = Field(default_factory=list, description="the place and those above it: 盖州市, 营口市, 辽宁省")
    places: list[str] = Field(default_factory=list, description="the places the title and the lines above the "
                              "table name: the choices to offer")
    rows: int
    columns: list[Column]
    first_rows: list[PreviewRow]
    warnings: list[Message]


def preview_documents(docs: list[Document], registry: Registry) -> list[Preview]:
    return [Preview(doc=d.key, file=d.source.file if d.source else "", format=d.source.format if d.source else "",
                    title=d.title, jurisdiction=d.jurisdiction,
                    chain=registry.places.chain(d.jurisdiction) if d.jurisdiction else [], places=d.places,
                    rows=len(d.rows), columns=d.columns,
                    first_rows=[PreviewRow(row=r.row, category=r.category, text=r.text, lead=r.lead,
                                           responsible=r.responsible, due=r.due) for r in d.rows[:SHOWN_ROWS]],
                    warnings=[*_place_notes(d, registry), *d.warnings]) for d in docs]


def _place_notes(doc: Document, registry: Registry) -> list[Message]:
    """What the preview says of the list's place: that it has none yet, or that no place is above it."""
    if not doc.jurisdiction:
        return [Message.of("unknown_place", title=doc.title)]
    known = registry.places.is_known(doc.jurisdiction)
    return [] if known else [Message.of("place_not_a_division", place=doc.jurisdiction)]


def preview_file(path: Path, registry: Registry, key: str | None = None, place: str | None = None
                 ) -> list[Preview]:
    """The preview of every list in the file (keyed as parse_path keys them) in `place` if given; IngestError as
    ingest raises it, except for a list whose place is not known: its preview says so, to be given one."""
    return preview_documents(parse_path(path, registry, key, place=place, need_place=False), registry)


def mapping_line(columns: list[Column]) -> str:
    """序号 → 序号 · 政策内容 → 任务内容 · 牵头单位 → 牵头 · …"""
    return " · ".join(f"{c.header} → {FIELD_NAMES.get(c.field, c.field)}" for c in columns)


def preview_text(previews: list[Preview]) -> str:
    """The preview as the CLI prints it."""
    blocks = []
    for p in previews:
        place = p.jurisdiction or "(none: give one with --place)"
        under = f" (under {' < '.join(p.chain[1:])})" if p.chain[1:] else ""
        lines = [f"{p.file} ({p.format}) → {p.doc}: {p.title}", f"  place: {place}{under}; rows: {p.rows}",
                 f"  columns: {mapping_line(p.columns)}"]
        category = ""
        for r in p.first_rows:
            if r.category != category:
                category = r.category
                lines.append(f"  【{category}】")
            agencies = "、".join(r.lead) + (" | " if r.lead else "") + "、".join(r.responsible)
            text = r.text.replace("\n", " ")
            lines.append(f"  {r.row:>3}  {text[:40]}{'…' if len(text) > 40 else ''}  [{agencies}]")
        if p.rows > len(p.first_rows):
            lines.append(f"  … {p.rows - len(p.first_rows)} more rows")
        lines.extend(f"  warning: {w.en}" for w in p.warnings)
        blocks.append("\n".join(lines))
    return "\n".join(blocks)
