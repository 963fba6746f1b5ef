"""Builds changed per document: replacing one list writes that list's part (rows, vectors, lineage pairs) and a new
manifest, the other lists' parts untouched; an old part stays readable while a reader leases a build naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field

from assistant.core import Assistant
from assistant.settings import Settings
from evals.local_postgres import fresh_database
from ingest.embedder import E5Embedding
from ingest.indexer import open_indexer
from state.manifests import BuildRecords
from tests.asking import ids
from tests.test_hardening import private_assistant

DENSE_QUESTION = "瓦房店培训目标是多少？"  # ranked by meaning: it reads the build's vectors


class CountingEmbedder(E5Embedding):
    """The real embedder, counting the passages it is asked to embed."""

    passages: list[str] = Field(default_factory=list)

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        self.passages.extend(texts)
        return super()._get_text_embeddings(texts)


def private_settings(indexed_settings: Settings, tmp_path: Path) -> Settings:
    return private_assistant(indexed_settings, tmp_path).settings


def reworded(settings: Settings, name: str, old: str, new: str) -> None:
    path = settings.lists_dir / name
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_replacing_one_list_leaves_the_others_parts_vectors_and_links(indexed_settings: Settings,
                                                                      tmp_path: Path) -> None:
    settings = private_settings(indexed_settings, tmp_path)
    embedder = CountingEmbedder()
    indexer = open_indexer(settings, embedder=embedder)
    records = BuildRecords(indexer.store.state, settings.collection_prefix)
    before = indexer.store.active()
    assert before is not None and set(before.parts) == {"huancui", "liaoning", "wafangdian", "yingkou"}
    others = [part for doc, part in before.parts.items() if doc != "wafangdian"]
    vectors = {p: indexer.store.vectors().get(where={"part": p}, include=["embeddings"]) for p in others}
    links = {(c, p) for c, p in records.linked(before.parts.values())}
    reworded(settings, "wafangdian.txt", "职业技能培训1万人次左右", "职业技能培训2万人次左右")

    report = indexer.ingest([settings.lists_dir], progress=False)
    after = indexer.store.active()
    assert report.switched and report.changed == 1 and after is not None
    assert len(embedder.passages) == 1 and "2万人次" in embedder.passages[0]  # only the changed row
    assert {d: p for d, p in after.parts.items() if d != "wafangdian"} == \
        {d: p for d, p in before.parts.items() if d != "wafangdian"}
    assert after.parts["wafangdian"] != before.parts["wafangdian"]
    for part, held in vectors.items():  # the same ids and vectors: nothing copied, nothing embedded again
        now = indexer.store.vectors().get(where={"part": part}, include=["embeddings"])
        assert sorted(now["ids"]) == sorted(held["ids"]) and len(held["ids"]) > 0
        assert (dict(zip(now["ids"], map(list, now["embeddings"]), strict=True))
                == dict(zip(held["ids"], map(list, held["embeddings"]), strict=True)))
    new_links = records.linked(after.parts.values())
    assert (after.parts["wafangdian"], after.parts["liaoning"]) in new_links  # its lineage scored again
    assert {lk for lk in links if "wafangdian" not in lk[0]} <= new_links  # the others' pairs kept as they were
    assistant = Assistant.from_settings(settings)
    assert "2万人次" in assistant.ask(DENSE_QUESTION).answer


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_a_reader_keeps_its_build_after_a_replace_until_its_lease_ends(
        indexed_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture, store: str,
        request: pytest.FixtureRequest) -> None:
    writer = private_assistant(indexed_settings, tmp_path)
    if store == "postgresql":  # the manifests, parts and leases in PostgreSQL
        writer = Assistant.from_settings(writer.settings.model_copy(update={"database_url": fresh_database(
            request.getfixturevalue("postgres_url"))}))
        writer.ingest_if_empty()  # a new pointer: the lists are ingested again (their vectors are cached)
    reader = Assistant.from_settings(writer.settings)  # another server, on the first build
    reader.keep_lease()
    old_part = writer.builds.records.manifest(writer.engine.pointer.active).parts["wafangdian"]  # type: ignore[union-attr]
    reworded(writer.settings, "wafangdian.txt", "职业技能培训1万人次左右", "职业技能培训3万人次左右")
    writer.reingest()
    for _ in range(2):  # neither the newest nor the active build: only its lease keeps it
        writer.reingest(force=True)
    assert "3万人次" in writer.ask(DENSE_QUESTION).answer
    answer = reader.ask(DENSE_QUESTION)
    assert "1万人次" in answer.answer and "wafangdian#28" in ids(answer)
    assert "dense search failed" not in caplog.text  # ranked by the old part's vectors too
    assert writer.builds.records.parts([old_part]) and writer.builds.index.count_vectors(old_part) == 57
    reader.release_lease()
    writer.reingest(force=True)
    assert writer.builds.records.parts([old_part]) == [] and writer.builds.index.count_vectors(old_part) == 0
