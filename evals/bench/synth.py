"""Synthetic corpora from the real rows: made-up places, reshuffled agencies, perturbed figures, real layout."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from evals.bench.places import Place, make_places
from ingest.parser import parse_file
from ingest.registries import Registry
from ingest.rows import Row

DOC_ROWS = (50, 170)  # rows per document; at most the 172 real rows, so no source repeats in a document
TITLES = ("{place}工作任务清单", "{place}职业教育工作任务清单", "{place}推进职业教育实用高效发展任务清单")
HEADERS = {"lead": ("序号", "政策内容", "牵头单位", "责任单位"), "category": ("序号", "主要任务", "任务内容", "责任部门")}
HRSS_MARKS = ("人社", "人力资源")  # a 人社 agency by construction: every real 人社 name holds one of these
_FIGURE = re.compile(r"\d+")
Layout = Literal["lead", "category"]


@dataclass(frozen=True)
class SynthRow:
    """One synthetic task: a real row's text with its figures changed and another row's agencies."""

    source: str
    category: str
    text: str
    lead: tuple[str, ...]
    responsible: tuple[str, ...]

    def names_hrss(self) -> bool:
        return any(mark in name for name in (*self.lead, *self.responsible) for mark in HRSS_MARKS)


@dataclass(frozen=True)
class SynthDoc:
    """One synthetic list: a made-up place, a title naming it, rows in one of the real layouts."""

    key: str
    place: Place
    title: str
    layout: Layout
    rows: tuple[SynthRow, ...]

    def row_id(self, index: int) -> str:
        return f"{self.key}#{index + 1}"

    def hrss_ids(self) -> list[str]:
        """Gold of "<place>人社局要做哪些工作？": every row whose agency cells name a 人社 agency."""
        return [self.row_id(i) for i, row in enumerate(self.rows) if row.names_hrss()]

    def copy_of(self, source: str) -> str | None:
        return next((self.row_id(i) for i, row in enumerate(self.rows) if row.source == source), None)

    def render(self) -> str:
        """The list file, in the text layout of the Word exports (a cell is a line opened by a tab)."""
        lines = ["附件1", self.title, ""] + [f"\t{h}" for h in HEADERS[self.layout]] + [""]
        for number, row in enumerate(self.rows, start=1):
            if self.layout == "lead":
                cells = [str(number), row.text, "、".join(row.lead), "、".join(row.responsible)]
            else:
                cells = [str(number), row.category, row.text, "、".join((*row.lead, *row.responsible))]
            lines += [f"\t{cell}" for cell in cells] + [""]
        return "\n".join(lines)


@dataclass(frozen=True)
class Corpus:
    size: int
    docs: tuple[SynthDoc, ...]

    @property
    def places(self) -> list[Place]:
        return [d.place for d in self.docs]

    def write(self, folder: Path) -> Path:
        """Write one .txt list file per document into `folder`."""
        folder.mkdir(parents=True, exist_ok=True)
        for doc in self.docs:
            (folder / f"{doc.key}.txt").write_text(doc.render(), encoding="utf-8")
        return folder

    def sample(self, rows: int) -> Corpus:
        """The first documents holding at least `rows` rows (a cold-ingest sample)."""
        docs: list[SynthDoc] = []
        while sum(len(d.rows) for d in docs) < rows and len(docs) < len(self.docs):
            docs.append(self.docs[len(docs)])
        return Corpus(sum(len(d.rows) for d in docs), tuple(docs))


def read_real_rows(lists_dir: Path, registry: Registry) -> list[Row]:
    return [row for path in sorted(lists_dir.glob("*.txt")) for row in parse_file(path, registry).rows]


def perturb(text: str, rng: random.Random) -> str:
    """Change every figure but years (2022, 1990) by up to 40%."""
    def change(match: re.Match[str]) -> str:
        value = int(match.group())
        if len(match.group()) == 4 and 1900 <= value <= 2100:
            return match.group()
        return str(max(1, round(value * rng.uniform(0.6, 1.4))))
    return _FIGURE.sub(change, text)


class CorpusMaker:
    """Builds synthetic corpora from the real rows, deterministically for a seed."""

    def __init__(self, real_rows: list[Row], registry: Registry) -> None:
        self.real = real_rows
        self.registry = registry
        self.lead_rows = [r for r in real_rows if r.has_lead_column and (r.lead or r.responsible)]
        self.category_rows = [r for r in real_rows if not r.has_lead_column and r.responsible]

    def make(self, size: int, seed: int = 0) -> Corpus:
        rng = random.Random(f"bench-{size}-{seed}")
        counts: list[int] = []
        while sum(counts) < size:
            counts.append(min(rng.randint(*DOC_ROWS), size - sum(counts)))
        places = make_places(len(counts), seed, self.registry)
        docs = [self._doc(f"s{size}_{i:04d}", place, count, rng) for i, (place, count) in
                enumerate(zip(places, counts, strict=True))]
        return Corpus(size, tuple(docs))

    def _doc(self, key: str, place: Place, count: int, rng: random.Random) -> SynthDoc:
        layout: Layout = "category" if rng.random() < 1 / 3 else "lead"
        sources = rng.sample(self.real, count)
        rows = tuple(self._row(source, layout, rng) for source in sources)
        return SynthDoc(key, place, rng.choice(TITLES).format(place=place.name), layout, rows)

    def _row(self, source: Row, layout: Layout, rng: random.Random) -> SynthRow:
        if layout == "lead":
            lead = rng.choice(self.lead_rows).lead
            responsible = rng.choice(self.lead_rows).responsible
        else:
            lead, responsible = [], rng.choice(self.category_rows).responsible
        return SynthRow(source.id, source.category.replace("\n", ""), perturb(source.text, rng),
                        tuple(lead), tuple(n for n in responsible if n not in lead))
