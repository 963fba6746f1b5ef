"""The chat's agency picker over the four bundled lists: order, search by short name, narrowing by place."""

from __future__ import annotations

import pytest
from pypinyin import lazy_pinyin

from assistant.core import Assistant
from assistant.picker import AgencyPicker, PickerEntry
from ui.chat import ChatTurns

PLACES = [None, "辽宁省", "营口市", "瓦房店市", "环翠区"]


@pytest.fixture(scope="module")
def picker(assistant: Assistant) -> AgencyPicker:
    return AgencyPicker(assistant.engine.catalog, assistant.engine.names)


def typed(entries: list[PickerEntry], text: str) -> list[str]:
    """The labels a Gradio dropdown keeps while `text` is typed (it filters on the label, case-insensitively)."""
    return [e.label for e in entries if text.lower() in e.label.lower()]


def test_agencies_come_in_pinyin_order(picker: AgencyPicker) -> None:
    agencies = [e for e in picker.entries("营口市") if e.kind == "agency"]
    assert [e.label for e in agencies[:5]] == ["财政局（财政厅）", "地方金融监管局（金融局）",
                                               "发展和改革委员会（发改委）", "工业和信息化局（工信局）",
                                               "国有资产监督管理委员会（国资委）"]
    everywhere = [e.name for e in picker.entries() if e.kind == "agency"]
    assert everywhere == sorted(everywhere, key=lazy_pinyin) and everywhere != sorted(everywhere)


def test_typing_a_short_name_finds_the_agency(picker: AgencyPicker) -> None:
    entries = picker.entries("营口市")
    assert typed(entries, "人社") == ["人力资源和社会保障局（人社局）"]
    assert typed(entries, "发改") == ["发展和改革委员会（发改委）"]
    assert typed(picker.entries(), "锦州师专")[0] == "锦州师范高等专科学校（锦州师专）"


def test_a_place_narrows_the_picker_to_what_its_lists_name(picker: AgencyPicker, assistant: Assistant) -> None:
    yingkou = picker.entries("营口市")
    names = {e.name for e in yingkou}
    assert {"人力资源和社会保障局", "财政局", "卫生健康委员会"} <= names
    assert not names & {"妇联", "科技和工业信息化局", "教育部", "锦州师范高等专科学校", "教务处"}  # other lists'
    assert len(yingkou) < len(picker.entries())
    catalog = assistant.engine.catalog
    for entry in yingkou:
        agency_id = assistant.engine.names.resolve(entry.value)[0]
        assert agency_id is not None
        assert catalog.filter(catalog.docs_in(["营口市"]), [agency_id]), entry


def test_places_groups_and_meetings_are_not_agencies(picker: AgencyPicker) -> None:
    everywhere = picker.entries()
    agencies = {e.name for e in everywhere if e.kind == "agency"}
    others = [e for e in everywhere if e.kind == "other"]
    for name in ("沈阳市", "相关市政府", "职业教育联席会议工作领导小组成员单位", "各县区", "各市"):
        assert name not in agencies
        assert name in {e.name for e in others}
    assert everywhere[-len(others):] == others  # grouped at the end
    assert all(e.label.startswith("其他：") for e in others)


def test_the_institution_and_its_units_for_liaoning(picker: AgencyPicker) -> None:
    liaoning = picker.entries("辽宁省")
    labels = [e.label for e in liaoning]
    assert "锦州师范高等专科学校（锦州师专）" in labels
    assert {"教务处（锦州师专）", "人事处（锦州师专）", "招生就业处（锦州师专）"} <= set(labels)
    assert {e.kind for e in liaoning if e.value in ("教务处", "人事处")} == {"unit"}
    assert "教务处（锦州师专）" in {e.label for e in picker.entries()}
    assert not any("锦州师专" in e.label for e in picker.entries("瓦房店市"))


@pytest.mark.parametrize("place", PLACES)
def test_every_value_asks_without_error_and_finds_rows(picker: AgencyPicker, assistant: Assistant,
                                                       place: str | None) -> None:
    for entry in picker.entries(place):
        answer = assistant.ask("要做哪些工作？", jurisdiction=place, agency=entry.value)
        assert not answer.unresolved and answer.citations, (place, entry)


def test_the_chat_refills_the_agency_dropdown_for_a_place(assistant: Assistant) -> None:
    turns = ChatTurns(assistant)
    kept = turns.agency_choices("营口市", "人力资源和社会保障局")
    assert kept.value == "人力资源和社会保障局"
    assert kept.choices[0] == ("不限", "") and ("人力资源和社会保障局（人社局）", "人力资源和社会保障局") in kept.choices
    dropped = turns.agency_choices("环翠区", "卫生健康委员会")  # not in 环翠区's list
    assert dropped.value is None
    place, agency = turns.filter_choices()
    assert place.value is None and agency.value is None  # empty boxes: typing searches, it appends to nothing
