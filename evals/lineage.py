"""Measure lineage links against the labelled set: `python -m evals.lineage [--fit]`.

evals/links.jsonl labels every row of 营口 and 瓦房店 with its 辽宁 parents (strong / weak) and every 环翠 row with
none; a helper wrote it from the lists alone. Reported: strong-link recall (gold strong pairs that are linked),
link precision (links that are gold pairs), and the same for the simplest baseline, the nearest parent by cosine
over the same vectors with one threshold. `--fit` searches the weights and thresholds on one city and reports
them on the other (both ways), then prints the settings fitted on both, for ingest/registry/lineage.toml.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from assistant.catalog import Catalog
from assistant.settings import Settings
from ingest.builds import open_builds
from ingest.lineage import LinkSettings, choose_links, score_pairs
from ingest.registries import Registry
from ingest.rows import Row
from state import open_state

LABELS = Path(__file__).resolve().parent / "links.jsonl"
# Weights of (dense, overlap, cover, clause) tried, each normalised to sum 1; thresholds are tried at quantiles of
# the scores each gives (so a weighting is not judged at thresholds that suit another).
WEIGHTS = [w for w in itertools.product((0.0, 0.5, 1.0), repeat=4) if any(w)]
QUANTILES = np.linspace(0.95, 0.997, 24)  # strong thresholds: these quantiles of a weighting's scores
WEAK_QUANTILES = np.linspace(0.90, 0.945, 10)  # and lower ones, tried for the weak threshold
RELATIVE = (0.0, 0.85, 0.9)  # tried for the child's side (`relative`)
PARENT_RELATIVE = (0.0, 0.85, 0.9, 0.95, 1.0)  # and for the parent's side (`parent_relative`)


@dataclass
class LinkScore:
    strong_recall: float
    any_recall: float
    precision: float
    links: int
    from_other_province: int

    def line(self, name: str) -> str:
        return (f"{name:<34} strong recall {self.strong_recall:.3f}  any recall {self.any_recall:.3f}  "
                f"precision {self.precision:.3f}  links {self.links}  cross-province {self.from_other_province}")


def load_gold(path: Path = LABELS) -> dict[tuple[str, str], str]:
    gold = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            for parent in item["parents"]:
                gold[(item["child"], parent["id"])] = parent["strength"]
    return gold


def score_links(links: list[tuple[str, str]], gold: dict[tuple[str, str], str], children: set[str]) -> LinkScore:
    mine = {(c, p) for c, p in links if c in children}
    wanted = {k: v for k, v in gold.items() if k[0] in children}
    strong = {k for k, v in wanted.items() if v == "strong"}
    return LinkScore(strong_recall=len(mine & strong) / len(strong) if strong else 1.0,
                     any_recall=len(mine & set(wanted)) / len(wanted) if wanted else 1.0,
                     precision=len(mine & set(wanted)) / len(mine) if mine else 1.0, links=len(mine),
                     from_other_province=sum(c.startswith("huancui#") for c, _ in mine))


def index_rows(settings: Settings) -> tuple[list[Row], list[np.ndarray]]:
    """The rows and stored vectors of the active index."""
    builds = open_builds(settings.index_dir, settings.chroma_url, settings.collection_prefix,
                         open_state(settings.database_url, settings.data_dir))
    catalog = Catalog.load(builds, Registry.load())
    if catalog.vectors is None:
        raise SystemExit("the index is empty: run `policy-assistant ingest` first")
    vectors = catalog.vectors.row_vectors(catalog.rows)
    return catalog.rows, [vectors[r.id] for r in catalog.rows]


def nearest_parent(scored: list[tuple[str, str, float]], threshold: float) -> list[tuple[str, str]]:
    best: dict[str, tuple[str, float]] = {}
    for child, parent, score in scored:
        if score >= threshold and score > best.get(child, ("", -1.0))[1]:
            best[child] = (parent, score)
    return [(c, p) for c, (p, _) in best.items()]


def weighted(weights: tuple[float, ...]) -> LinkSettings:
    """Settings with these (dense, overlap, cover, clause) weights, normalised, and no thresholds yet."""
    dense, over, cover, clause = (w / sum(weights) for w in weights)
    return LinkSettings(dense, over, 0.0, 1.0, -1.0, 99, cover_weight=cover, clause_weight=clause)


def rank(result: LinkScore) -> tuple[bool, float, float]:
    """Reaching both targets (strong recall ≥ 0.9, precision ≥ 0.95) first; then strong recall at precision
    ≥ 0.95; then the any-link F1."""
    precise = result.precision >= 0.95
    return precise and result.strong_recall >= 0.9, result.strong_recall * precise, _f1(result)


def fit(scored_by: dict, gold: dict, children: set[str]) -> tuple[LinkSettings, LinkScore]:
    """The best-ranked settings on these children. First every link strong: each weighting, a threshold at
    each quantile of its scores over these children's pairs, the number of parents and both relative rules.
    Then, under the best of those, a lower weak threshold at each lower quantile, kept only if it ranks higher."""
    best: tuple[tuple[bool, float, float], LinkSettings, LinkScore] | None = None
    best_levels: list[float] = []
    best_pairs: list[tuple[str, str, float]] = []
    for weights, scored in scored_by.items():
        mine = [pair for pair in scored if pair[0] in children]
        quantiles = np.quantile([s for *_, s in mine], np.concatenate([WEAK_QUANTILES, QUANTILES]))
        levels = [round(float(t), 4) for t in quantiles]
        # Pairs under every threshold tried change no choice (a pair that passes has a best candidate on both
        # sides at least as high), so the search skips them: the same links, an order of magnitude sooner.
        mine = [pair for pair in mine if pair[2] >= levels[0]]
        for level, most, relative, near in itertools.product(levels[len(WEAK_QUANTILES):], (1, 2), RELATIVE,
                                                             PARENT_RELATIVE):
            settings = replace(weighted(weights), strong=level, weak=level, max_parents=most, relative=relative,
                               parent_relative=near)
            found = _tried(settings, mine, gold, children)
            if best is None or found[0] > best[0]:
                best, best_levels, best_pairs = found, levels, mine
    assert best is not None
    for weak in (level for level in best_levels if level < best[1].strong):
        found = _tried(replace(best[1], weak=weak), best_pairs, gold, children)
        if found[0] > best[0]:
            best = found
    return best[1], best[2]


def _tried(settings: LinkSettings, scored: list[tuple[str, str, float]], gold: dict[tuple[str, str], str],
           children: set[str]) -> tuple[tuple[bool, float, float], LinkSettings, LinkScore]:
    result = score_links([(lk.child, lk.parent) for lk in choose_links(scored, settings)], gold, children)
    return rank(result), settings, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fit", action="store_true", help="search weights and thresholds (cross-validated)")
    args = parser.parse_args()
    gold = load_gold()
    rows, vectors = index_rows(Settings())
    registry = Registry.load()
    scorer = score_pairs(rows, vectors, registry)
    cities = {doc: {r.id for r in rows if r.doc == doc} for doc in ("yingkou", "wafangdian")}
    cosine = scorer(weighted((1.0, 0.0, 0.0, 0.0)))
    if args.fit:
        scored_by = {weights: scorer(weighted(weights)) for weights in WEIGHTS}
        for train, test in (("yingkou", "wafangdian"), ("wafangdian", "yingkou")):
            settings, _ = fit(scored_by, gold, cities[train])
            links = choose_links(scorer(settings), settings)
            say(score_links([(lk.child, lk.parent) for lk in links], gold, cities[test])
                .line(f"fit on {train}, tested on {test}") + f" {settings}")
            base_t = baseline_threshold(cosine, gold, cities[train])
            say(score_links(nearest_parent(cosine, base_t), gold, cities[test])
                .line(f"baseline fit on {train}, tested on {test}") + f" threshold {base_t:.4f}")
        settings, result = fit(scored_by, gold, cities["yingkou"] | cities["wafangdian"])
        say(result.line("fitted on both (in-sample)") + f" {settings}")
        return
    figures = measure(rows, vectors, registry, gold)
    for doc, children in cities.items():
        say(score_links(figures.pairs, gold, children).line(f"ours, {doc}"))
    say(figures.ours.line("ours, all three lists"))
    say(figures.baseline.line("baseline: nearest parent by cosine") + f" (its best threshold "
        f"{figures.baseline_threshold:.4f})")


@dataclass
class LineageFigures:
    """The links of the shipped settings and of the baseline, scored on every row of 营口, 瓦房店 and 环翠."""

    ours: LinkScore
    baseline: LinkScore
    baseline_threshold: float
    pairs: list[tuple[str, str]]


def measure(rows: list[Row], vectors: list[np.ndarray], registry: Registry,
            gold: dict[tuple[str, str], str] | None = None) -> LineageFigures:
    """Ours at the settings of ingest/registry/lineage.toml; the baseline at its own best threshold."""
    gold = gold if gold is not None else load_gold()
    scorer = score_pairs(rows, vectors, registry)
    everyone = {r.id for r in rows if r.doc in ("yingkou", "wafangdian", "huancui")}
    settings = LinkSettings.load()
    pairs = [(lk.child, lk.parent) for lk in choose_links(scorer(settings), settings)]
    cosine = scorer(weighted((1.0, 0.0, 0.0, 0.0)))
    base_t = baseline_threshold(cosine, gold, everyone)
    return LineageFigures(score_links(pairs, gold, everyone), score_links(nearest_parent(cosine, base_t), gold,
                                                                           everyone), base_t, pairs)


def baseline_threshold(cosine: list[tuple[str, str, float]], gold: dict[tuple[str, str], str],
                       children: set[str]) -> float:
    """The baseline's one threshold: the cosine with the best any-link F1 on these children."""
    return float(max(np.arange(0.70, 0.99, 0.0025),
                     key=lambda t: _f1(score_links(nearest_parent(cosine, t), gold, children))))


def _f1(score: LinkScore) -> float:
    return 2 * score.precision * score.any_recall / ((score.precision + score.any_recall) or 1)


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
