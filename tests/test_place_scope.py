"""A question naming one place is answered from that place's list alone, when many places' lists hold copies of the
same tasks: counties that adopt the city's list with their own figures each get their own row back."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.settings import Settings
from ingest.registries import Registry

# Made-up counties (no division of China bears these names), each with its own yearly training target.
COUNTIES = {"青禾县": "3", "澄溪县": "7", "岚湾县": "12"}
TARGET = "完成1万人/年以上职业技能培训。"


def county_lists(source: Path, folder: Path) -> Path:
    """One copy of the city's list per county: its title names the county, its training target is the county's."""
    folder.mkdir()
    text = source.read_text("utf-8")
    assert TARGET in text
    for number, (county, figure) in enumerate(COUNTIES.items(), start=1):
        adopted = text.replace("营口市工作任务清单", f"{county}职业教育工作任务清单")
        (folder / f"county{number}.txt").write_text(adopted.replace(TARGET, f"完成{figure}万人/年以上职业技能培训。"),
                                                    "utf-8")
    (folder / "yingkou.txt").write_text(text, "utf-8")  # the city's own list, the copies' source, stays beside them
    return folder


@pytest.fixture(scope="module")
def assistant(indexed_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    work = tmp_path_factory.mktemp("counties")
    settings = Settings(data_dir=work / "data", lists_dir=county_lists(indexed_settings.lists_dir / "yingkou.txt",
                                                                       work / "lists"))
    settings.cache_dir.mkdir(parents=True)
    (settings.cache_dir / "embeddings.sqlite").write_bytes((indexed_settings.cache_dir / "embeddings.sqlite")
                                                           .read_bytes())
    made = Assistant.from_settings(settings)
    made.ingest_if_empty()
    return made


def test_the_counties_are_no_known_places() -> None:
    places = Registry.load().places
    assert not any(places.place_named(name) or places.place_named(name[:-1]) for name in COUNTIES)


@pytest.mark.parametrize("county", list(COUNTIES))
def test_a_fact_question_cites_the_named_countys_row_and_figure(assistant: Assistant, county: str) -> None:
    doc = next(d.doc for d in assistant.engine.catalog.documents if d.jurisdiction == county)
    for said in (county, county[:-1]):  # 青禾县, and 青禾 as people say it
        answer = assistant.ask(f"{said}职业技能培训每年要达到多少人？")
        cited = [c.id for c in answer.citations]
        assert cited and all(c.startswith(f"{doc}#") for c in cited), (said, cited)
        assert f"{COUNTIES[county]}万人" in answer.answer, answer.answer


def test_a_list_question_lists_the_named_countys_rows_only(assistant: Assistant) -> None:
    answer = assistant.ask("澄溪县人社局要做哪些工作？")
    docs = {c.id.split("#")[0] for c in answer.citations}
    assert docs == {next(d.doc for d in assistant.engine.catalog.documents if d.jurisdiction == "澄溪县")}
