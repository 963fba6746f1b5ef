"""Policy lineage: which rows of a higher jurisdiction's list each row of a local list carries out.

Candidates come from the jurisdiction chain first (营口市 → 辽宁省; 瓦房店市 → 大连市 → 辽宁省), so a list is
never linked across provinces whatever its scores. A pair's score combines what separates "the same measure"
from "the same theme": dense similarity of the stored vectors; character-bigram overlap of the task texts both
ways (how much of the local row the parent holds, and how much of the parent the local row restates); the best
overlap of one clause of each (a local row that carries out one provincial sentence among its own); and a bonus
for a shared quoted programme name (“兴辽职教金课”). Texts are folded first, as for every other match (NFKC,
traditional to simplified, the listed variants: the export's 髙 is 高). The weights and the strong / weak thresholds
are data (ingest/registry/lineage.toml), measured on evals/links.jsonl with `python -m evals.lineage`.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ingest.registries import Registry
from ingest.rows import Row

if TYPE_CHECKING:  # scoring needs numpy; reading a build's links (every answering process) does not
    import numpy as np

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
    # a link also needs at least this share of the score of the parent's best child in the same local list
    # (1.0: it must be that best child, so a parent has one child per list; 0: no such rule)
    parent_relative: float = 0.0
    cover_weight: float = 0.0  # share of the parent's bigrams the local row has too
    clause_weight: float = 0.0  # the best bigram overlap of a local clause with a parent clause

    @classmethod
    def load(cls, path: Path = SETTINGS_FILE) -> LinkSettings:
        data = tomllib.loads(path.read_text("utf-8"))
        return cls(**data["lineage"])


def bigrams(text: str) -> set[str]:
    clean = _NOISE.sub("", text)
    return {clean[i:i + 2] for i in range(len(clean) - 1)}


_CLAUSE = re.compile(r"[，。；;,]")


def clause_bigrams(text: str) -> list[set[str]]:
    """The bigrams of each clause of six characters or more (the whole text when it has none)."""
    clauses = [c for c in _CLAUSE.split(text) if len(_NOISE.sub("", c)) >= 6]
    return [bigrams(c) for c in clauses] or [bigrams(text)]


def clause_overlap(child: list[set[str]], parent: list[set[str]]) -> float:
    """The best share of one local clause's bigrams found in one parent clause."""
    return max((len(c & p) / len(c) for c in child if c for p in parent), default=0.0)


def quoted(text: str) -> set[str]:
    return {q.strip() for q in _QUOTED.findall(text)}


def parent_docs(child_place: str, lists: dict[str, str], registry: Registry) -> list[str]:
    """Documents of the child's ancestor jurisdictions (never the child's own place, never another province)."""
    ancestors = registry.places.chain(child_place)[1:]
    return [doc for doc, place in lists.items() if place in ancestors]


@dataclass(frozen=True)
class PairFeatures:
    cosine: float
    overlap: float  # share of the child's bigrams in the parent
    cover: float  # share of the parent's bigrams in the child
    clause: float
    quoted: bool


@dataclass(frozen=True)
class TextGrams:
    """What the features read of one row's text, worked out once per row (not once per pair)."""

    bigrams: set[str]
    clauses: list[set[str]]
    quoted: set[str]

    @classmethod
    def of(cls, text: str) -> TextGrams:
        return cls(bigrams(text), clause_bigrams(text), quoted(text))


def pair_features(child: TextGrams, parent: TextGrams, cosine: float) -> PairFeatures:
    mine, theirs = child.bigrams, parent.bigrams
    shared = len(mine & theirs)
    return PairFeatures(cosine, shared / len(mine) if mine else 0.0, shared / len(theirs) if theirs else 0.0,
                        clause_overlap(child.clauses, parent.clauses), bool(child.quoted & parent.quoted))


def pair_score(features: PairFeatures, settings: LinkSettings) -> float:
    return settings.dense_weight * features.cosine + settings.overlap_weight * features.overlap \
        + settings.cover_weight * features.cover + settings.clause_weight * features.clause \
        + (settings.quoted_bonus if features.quoted else 0.0)


def score_pairs(rows: list[Row], vectors: list[np.ndarray], registry: Registry
                ) -> Callable[[LinkSettings], list[tuple[str, str, float]]]:
    """Every (child, candidate parent) pair allowed by the jurisdiction chain, scored under given settings."""
    import numpy as np

    lists = {r.doc: r.jurisdiction for r in rows}
    by_doc: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_doc.setdefault(row.doc, []).append(i)
    unit = np.stack([v / (np.linalg.norm(v) or 1.0) for v in vectors]) if vectors else np.zeros((0, 1))
    grams = [TextGrams.of(registry.normalize(row.text)) for row in rows]
    pairs: list[tuple[int, int, PairFeatures]] = []
    for doc, place in lists.items():
        for parent_doc in parent_docs(place, lists, registry):
            children, parents = by_doc[doc], by_doc[parent_doc]
            cosines = unit[children] @ unit[parents].T
            pairs += [(c, p, pair_features(grams[c], grams[p], float(cosines[i, j])))
                      for i, c in enumerate(children) for j, p in enumerate(parents)]

    def scored(settings: LinkSettings) -> list[tuple[str, str, float]]:
        return [(rows[c].id, rows[p].id, pair_score(features, settings)) for c, p, features in pairs]

    return scored


def link_rows(rows: list[Row], vectors: list[np.ndarray], registry: Registry,
              settings: LinkSettings | None = None) -> list[Link]:
    """The links of every local row to its ancestors' rows: strong or weak, at most `max_parents` each."""
    settings = settings or LinkSettings.load()
    return choose_links(score_pairs(rows, vectors, registry)(settings), settings)


def choose_links(scored: list[tuple[str, str, float]], settings: LinkSettings) -> list[Link]:
    """Links over the weak threshold, near the best of both rows' candidates: at least `relative` × the child's
    best parent's score and `parent_relative` × the score of the parent's best child in the same local list (a
    parent may have a second child there when it is nearly as close), at most `max_parents` per child."""
    top_child: dict[tuple[str, str], float] = {}  # (parent, child's list) -> the score of its best child there
    for child, parent, score in scored:
        key = (parent, child.split("#")[0])
        top_child[key] = max(score, top_child.get(key, -1.0))
    best: dict[str, list[tuple[str, str, float]]] = {}
    for child, parent, score in scored:
        if score >= settings.weak and score >= settings.parent_relative * top_child[(parent, child.split("#")[0])]:
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
