"""Several lists of one place: labels name the list, sections name it, and a title in a question narrows to it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.settings import Settings
from tests.fake_openai import FakeOpenAI
from ui.chat import citation_table

SECOND_TITLE = "营口市职业教育双高建设任务清单"
MARK = "（双高版）"


def two_yingkou_lists(indexed_settings: Settings, root: Path, **changes: object) -> Assistant:
    """The bundled lists plus yingkou2: 营口's list again, under another title, its first task reworded."""
    settings = Settings(data_dir=root / "data", lists_dir=root / "lists").model_copy(update=changes)
    shutil.copytree(indexed_settings.lists_dir, settings.lists_dir)
    text = (settings.lists_dir / "yingkou.txt").read_text("utf-8")
    second = text.replace("营口市工作任务清单", SECOND_TITLE, 1).replace("加强党的建设", "加强党的建设" + MARK, 1)
    (settings.lists_dir / "yingkou2.txt").write_text(second, "utf-8")
    settings.cache_dir.mkdir(parents=True)
    shutil.copy(indexed_settings.cache_dir / "embeddings.sqlite", settings.cache_dir / "embeddings.sqlite")
    assistant = Assistant.from_settings(settings)
    assistant.ingest_if_empty()
    return assistant


@pytest.fixture(scope="module")
def several(indexed_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return two_yingkou_lists(indexed_settings, tmp_path_factory.mktemp("several"))


def test_labels_and_sections_name_the_list(several: Assistant) -> None:
    answer = several.ask("营口市人社局要做哪些工作？")
    docs = [c.doc for c in answer.citations]
    assert docs.count("yingkou") == docs.count("yingkou2") == 27
    assert "[营口市·工作#1]" in answer.answer and "[营口市·职业教育双高建设#1]" in answer.answer
    assert "[营口市#1]" not in answer.answer
    sections = [line for line in answer.answer.splitlines() if "清单中，人社局" in line]
    assert [s.split("清单中")[0] for s in sections] == ["营口市·工作", "营口市·职业教育双高建设"]
    labels = {c.doc: c.list_label for c in answer.citations}
    assert labels == {"yingkou": "营口市·工作", "yingkou2": "营口市·职业教育双高建设"}
    assert {c.jurisdiction for c in answer.citations} == {"营口市"}
    table = citation_table(answer)
    assert set(table["清单"]) == {"营口市·工作", "营口市·职业教育双高建设"}
    from datetime import date

    from assistant.exports import build_export

    exported = build_export(answer, "营口市人社局要做哪些工作？", several.engine.catalog, date(2026, 11, 23))
    assert {line[0] for line in exported.rows} == {"营口市·工作", "营口市·职业教育双高建设"}  # as the answer cites


def test_a_place_with_one_list_keeps_its_labels(several: Assistant) -> None:
    answer = several.ask("瓦房店培训目标是多少？")
    assert "[瓦房店市#28]" in answer.answer and answer.citations[0].list_label == "瓦房店市"


@pytest.mark.parametrize("question", ["营口市双高建设任务清单里人社局要做哪些工作？",
                                      "「职业教育双高建设」清单中人社局要做哪些工作？",
                                      "yingkou2中人社局要做哪些工作？"])
def test_a_title_or_key_named_narrows_to_that_list(several: Assistant, question: str) -> None:
    answer = several.ask(question)
    assert answer.plan is not None and answer.plan.scope.docs == ["yingkou2"]
    assert {c.doc for c in answer.citations} == {"yingkou2"} and len(answer.citations) == 27
    assert answer.plan_line.startswith("条件：营口市·职业教育双高建设 · 人社局；")


def test_the_first_list_is_named_by_its_title_too(several: Assistant) -> None:
    answer = several.ask("「营口市工作任务清单」第1项是什么？")
    assert [c.id for c in answer.citations] == ["yingkou#1"] and MARK not in answer.answer
    other = several.ask("双高建设清单第1项是什么？")
    assert [c.id for c in other.citations] == ["yingkou2#1"] and MARK in other.answer


@pytest.fixture
def llm_several(indexed_settings: Settings, fake_llm: FakeOpenAI, tmp_path: Path) -> Iterator[Assistant]:
    fake_llm.replies.clear()
    yield two_yingkou_lists(indexed_settings, tmp_path, llm_base_url=fake_llm.base_url, llm_model="fake-qwen",
                            llm_timeout=5.0, llm_parse_questions=False)


def test_the_llm_may_cite_by_label(llm_several: Assistant, fake_llm: FakeOpenAI) -> None:
    fake_llm.push("见 [营口市·职业教育双高建设#1] 与 [yingkou#2]；[营口市#3] 不明确，[营口市·工作#99] 不存在。")
    answer = llm_several.ask("营口市第1至3项是什么？")
    assert answer.mode == "llm"
    assert len(answer.citations) == 6  # a list answer cites every row; those the LLM named count as cited
    assert any("left out 4 of 6" in n for n in answer.notes)
    assert "[营口市·职业教育双高建设#1]" in answer.answer and "[营口市#3]" not in answer.answer
    assert sum("dropped citation" in n for n in answer.notes) == 2


def test_a_count_over_two_lists_of_one_title_says_which_list_each_line_is(indexed_settings: Settings,
                                                                          tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", lists_dir=tmp_path / "lists")
    shutil.copytree(indexed_settings.lists_dir, settings.lists_dir)
    shutil.copy(settings.lists_dir / "yingkou.txt", settings.lists_dir / "yingkou3.txt")  # the same title twice
    settings.cache_dir.mkdir(parents=True)
    shutil.copy(indexed_settings.cache_dir / "embeddings.sqlite", settings.cache_dir / "embeddings.sqlite")
    twice = Assistant.from_settings(settings)
    twice.ingest_if_empty()
    lines = [line for line in twice.ask("营口市的清单一共有多少项任务").answer.splitlines() if "共有45项任务" in line]
    assert len(lines) == 2 and lines[0] != lines[1], lines
    assert any("yingkou3" in line for line in lines)


def test_a_list_named_by_a_key_ending_in_qingdan_is_not_called_qingdan_twice(indexed_settings: Settings,
                                                                             tmp_path: Path) -> None:
    """Two lists of one place under one title are named by their keys; 营口市产教融合清单 + 「清单中」 is said once."""
    settings = Settings(data_dir=tmp_path / "data", lists_dir=tmp_path / "lists")
    shutil.copytree(indexed_settings.lists_dir, settings.lists_dir)
    shutil.copy(settings.lists_dir / "yingkou.txt", settings.lists_dir / "营口市产教融合清单.txt")
    settings.cache_dir.mkdir(parents=True)
    shutil.copy(indexed_settings.cache_dir / "embeddings.sqlite", settings.cache_dir / "embeddings.sqlite")
    assistant = Assistant.from_settings(settings)
    assistant.ingest_if_empty()
    answer = assistant.ask("营口市的财政局牵头负责的事项有哪些？")
    assert "营口市产教融合清单中，财政局没有牵头的任务" in answer.answer
    assert "清单清单" not in answer.answer
