"""Policy lineage: which rows of a higher jurisdiction's list each row of a local list carries out.

Candidates come from the jurisdiction chain first (营口市 → 辽宁省; 瓦房店市 → 大连市 → 辽宁省), so a list is
never linked across provinces whatever its scores. A pair's score combines what separates "the same measure"
from "the same theme": dense similarity of the stored vectors and character-bigram overlap of the task texts,
plus a bonus for a shared quoted programme name (“兴辽职教金课”). The weights and the strong / weak thresholds
are data (ingest/registry/lineage.toml), measured on evals/links.jsonl with `python -m evals.lineage`.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from ingest.registries import Registry
from ingest.rows import Row

SETTINGS_FILE = Path(__file__).resolve().parent / "registry" / "lineage.toml"
_QUOTED = re.compile(r"[“「\"]([^”」\"]{2,20})[”」\"]")
_NOISE = re.compile(r"[\s，。；、：:（）()“”\"《》,.;0-9%％]")

Strength = Literal["strong", "weak"]


@dataclass(frozen=True)
class Link:
    """A local row carries out a parent row, with how sure the link is."""

    child: str
    parent: str
    score: float
    strength: Strength


@dataclass(frozen=True)
class LinkSettings:
    dense_weight: float
    overlap_weight: float
    quoted_bonus: float
    strong: float
    weak: float
    max_parents: int
    relative: float = 0.0  # a link also needs at least this share of the child's best candidate's score
    mutual: float = 1.0  # a link below `mutual` needs the parent's best child in that list to be this row

    @classmethod
    def load(cls, path: Path = SETTINGS_FILE) -> LinkSettings:
        data = tomllib.loads(path.read_text("utf-8"))
        return cls(**data["lineage"])


def bigrams(text: str) -> set[str]:
    clean = _NOISE.sub("", text)
    return {clean[i:i + 2] for i in range(len(clean) - 1)}


def overlap(child: str, parent: str) -> float:
    """Share of the child's character bigrams that the parent's text has too."""
    mine = bigrams(child)
    return len(mine & bigrams(parent)) / len(mine) if mine else 0.0


def quoted(text: str) -> set[str]:
    return {q.strip() for q in _QUOTED.findall(text)}


def parent_docs(child_place: str, lists: dict[str, str], registry: Registry) -> list[str]:
    """Documents of the child's ancestor jurisdictions (never the child's own place, never another province)."""
    ancestors = registry.places.chain(child_place)[1:]
    return [doc for doc, place in lists.items() if place in ancestors]


def pair_score(child: Row, parent: Row, cosine: float, settings: LinkSettings) -> float:
    shared = quoted(child.text) & quoted(parent.text)
    return settings.dense_weight * cosine + settings.overlap_weight * overlap(child.text, parent.text) \
        + (settings.quoted_bonus if shared else 0.0)


def score_pairs(rows: list[Row], vectors: list[np.ndarray], registry: Registry
                ) -> Callable[[LinkSettings], list[tuple[str, str, float]]]:
    """Every (child, candidate parent) pair allowed by the jurisdiction chain, scored under given settings."""
    lists = {r.doc: r.jurisdiction for r in rows}
    by_doc: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_doc.setdefault(row.doc, []).append(i)
    unit = np.stack([v / (np.linalg.norm(v) or 1.0) for v in vectors]) if vectors else np.zeros((0, 1))
    pairs: list[tuple[int, int, float]] = []
    for doc, place in lists.items():
        for parent_doc in parent_docs(place, lists, registry):
            children, parents = by_doc[doc], by_doc[parent_doc]
            cosines = unit[children] @ unit[parents].T
            pairs += [(c, p, float(cosines[i, j])) for i, c in enumerate(children) for j, p in enumerate(parents)]

    def scored(settings: LinkSettings) -> list[tuple[str, str, float]]:
        return [(rows[c].id, rows[p].id, pair_score(rows[c], rows[p], cos, settings)) for c, p, cos in pairs]

    return scored


def link_rows(rows: list[Row], vectors: list[np.ndarray], registry: Registry,
              settings: LinkSettings | None = None) -> list[Link]:
    """The links of every local row to its ancestors' rows: strong or weak, at most `max_parents` each."""
    settings = settings or LinkSettings.load()
    return choose_links(score_pairs(rows, vectors, registry)(settings), settings)


def choose_links(scored: list[tuple[str, str, float]], settings: LinkSettings) -> list[Link]:
    top_child: dict[tuple[str, str], tuple[float, str]] = {}  # (parent, child's list) -> its best child there
    for child, parent, score in scored:
        key = (parent, child.split("#")[0])
        if score > top_child.get(key, (-1.0, ""))[0]:
            top_child[key] = (score, child)
    best: dict[str, list[tuple[str, str, float]]] = {}
    for child, parent, score in scored:
        mutual = top_child[(parent, child.split("#")[0])][1] == child
        if score >= settings.weak and (score >= settings.mutual or mutual):
            best.setdefault(child, []).append((child, parent, score))
    links = []
    for found in best.values():
        ranked = sorted(found, key=lambda f: -f[2])
        for child, parent, score in ranked[:settings.max_parents]:
            if score >= settings.relative * ranked[0][2]:
                links.append(Link(child, parent, round(score, 4), "strong" if score >= settings.strong else "weak"))
    return links


def dump_links(links: list[Link]) -> str:
    return json.dumps([[lk.child, lk.parent, lk.score, lk.strength] for lk in links], ensure_ascii=False)


def load_links(text: str | None) -> list[Link]:
    return [Link(c, p, float(s), st) for c, p, s, st in json.loads(text or "[]")]
