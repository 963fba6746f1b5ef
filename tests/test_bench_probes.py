"""The bench's fact probes: each asked of a synthetic list in which one row answers it (no other version of its
row's task, by the labelled lineage), and more probes than questions ask the questions again of other lists."""

from __future__ import annotations

import pytest

from assistant.settings import Settings
from evals.bench.command import DEFAULT_QUESTIONS
from evals.bench.probes import fact_probes, task_versions
from evals.bench.synth import Corpus, CorpusMaker, read_real_rows
from evals.runner import load_items
from ingest.registries import Registry


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    registry = Registry.load()
    return CorpusMaker(read_real_rows(Settings().lists_dir, registry), registry).make(20000)


def test_one_task_has_its_versions() -> None:
    versions = task_versions()
    assert "liaoning#3" in versions["yingkou#4"]  # 思政示范课堂: the province's 200, 营口's 20
    assert "yingkou#4" in versions["liaoning#3"]
    assert "wafangdian#28" in versions["yingkou#18"]  # 职业技能培训: two children of liaoning#20


def test_a_probe_is_asked_of_a_list_without_another_version_of_its_row(corpus: Corpus) -> None:
    registry, items = Registry.load(), load_items(DEFAULT_QUESTIONS)
    versions = task_versions()
    probes = fact_probes(corpus, items, registry, 90)
    docs = {d.key: d for d in corpus.docs}
    for probe in probes:
        key, _, number = probe.gold[0].partition("#")
        doc = docs[key]
        source = doc.rows[int(number) - 1].source
        assert probe.question.startswith(doc.place.name)
        assert not {r.source for r in doc.rows} & versions.get(source, set()), probe
    assert len(probes) == 90
    assert len({p.question for p in probes}) == 90  # a question asked again is asked of another list
