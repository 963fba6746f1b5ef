"""Questions about a synthetic corpus whose gold rows are known by construction."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from evals.bench.synth import Corpus, SynthDoc
from ingest.registries import Registry

LIST_TEMPLATE = "{place}人社局要做哪些工作？"
LINKS = Path(__file__).resolve().parent.parent / "links.jsonl"


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


def task_versions(path: Path = LINKS) -> dict[str, set[str]]:
    """Each real row's other versions of its task, by the labelled lineage (evals/links.jsonl): the rows strongly
    linked to it, as parent or child, and the other children of its strong parents. 营口's 遴选建设20个思想政治示范
    课堂 and 辽宁's 遴选建设200个左右思想政治课示范课堂 are one task; a real list states it once."""
    children: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            for parent in item["parents"]:
                if parent["strength"] == "strong":
                    children[parent["id"]].add(item["child"])
    versions: dict[str, set[str]] = defaultdict(set)
    for parent, kids in children.items():
        for kid in kids:
            versions[kid] |= {parent, *kids} - {kid}
            versions[parent].add(kid)
    return dict(versions)


def fact_probes(corpus: Corpus, items: list[dict], registry: Registry, count: int, seed: int = 0) -> list[Probe]:
    """The eval set's Chinese one-row fact questions, moved to a synthetic place whose list copies the row.

    "营口每年要完成多少职业技能培训？" (gold yingkou#18) becomes "青禾市每年要完成多少职业技能培训？",
    gold the row of 青禾市's list copied from yingkou#18 (its figure changed, so only the citation is checked).
    A question is asked only of a list holding no other version of its row's task (`task_versions`), so that one
    row of the list answers it, as in a real list. Each question is asked of one list first; past as many probes as
    questions, each is asked again of another list.
    """
    rng = random.Random(f"fact-{seed}")
    versions = task_versions()
    asked: list[list[Probe]] = []
    for item in items:
        if item.get("intent") != "fact" or item.get("lang") != "zh" or len(item.get("gold", [])) != 1:
            continue
        mentions = registry.places.find(item["question"]).jurisdictions
        if not mentions or not item["question"].startswith(mentions[0].surface):
            continue
        gold = item["gold"][0]
        holders = [d for d in corpus.docs if d.copy_of(gold) and not _holds_any(d, versions.get(gold, set()))]
        rest = item["question"][len(mentions[0].surface):]
        asked.append([Probe(d.place.name + rest, "fact", [str(d.copy_of(gold))])
                      for d in rng.sample(holders, len(holders))])
    probes: list[Probe] = []
    for depth in range(max(map(len, asked), default=0)):
        if len(probes) >= count:
            break
        probes += _round(asked, depth, rng)
    return probes[:count]


def _holds_any(doc: SynthDoc, sources: set[str]) -> bool:
    return any(row.source in sources for row in doc.rows)


def _round(asked: list[list[Probe]], depth: int, rng: random.Random) -> list[Probe]:
    """The `depth`-th list of each question, in a random order."""
    probes = [each[depth] for each in asked if depth < len(each)]
    return rng.sample(probes, len(probes))
