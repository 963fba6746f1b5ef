"""Questions about a synthetic corpus whose gold rows are known by construction."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from evals.bench.synth import Corpus
from ingest.registries import Registry

LIST_TEMPLATE = "{place}人社局要做哪些工作？"


@dataclass(frozen=True)
class Probe:
    """A question, its intent and the rows a complete answer cites."""

    question: str
    intent: str
    gold: list[str] = field(default_factory=list)


def list_probes(corpus: Corpus, count: int, seed: int = 0) -> list[Probe]:
    """"<place>人社局要做哪些工作？" for `count` documents: gold is every row naming a 人社 agency."""
    docs = [d for d in corpus.docs if d.hrss_ids()]
    picked = random.Random(f"list-{seed}").sample(docs, min(count, len(docs)))
    return [Probe(LIST_TEMPLATE.format(place=d.place.name), "list", d.hrss_ids()) for d in picked]


def fact_probes(corpus: Corpus, items: list[dict], registry: Registry, count: int, seed: int = 0) -> list[Probe]:
    """The eval set's Chinese one-row fact questions, moved to a synthetic place whose list copies the row.

    "营口每年要完成多少职业技能培训？" (gold yingkou#18) becomes "青禾市每年要完成多少职业技能培训？",
    gold the row of 青禾市's list copied from yingkou#18 (its figure changed, so only the citation is checked).
    """
    rng = random.Random(f"fact-{seed}")
    probes: list[Probe] = []
    for item in items:
        if item.get("intent") != "fact" or item.get("lang") != "zh" or len(item.get("gold", [])) != 1:
            continue
        mentions = registry.places.find(item["question"]).jurisdictions
        if not mentions or not item["question"].startswith(mentions[0].surface):
            continue
        holders = [d for d in corpus.docs if d.copy_of(item["gold"][0])]
        if not holders:
            continue
        doc = rng.choice(holders)
        question = doc.place.name + item["question"][len(mentions[0].surface):]
        probes.append(Probe(question, "fact", [str(doc.copy_of(item["gold"][0]))]))
    return rng.sample(probes, min(count, len(probes)))
