"""The agency and jurisdiction registries: aliases across levels, scripts and languages."""

from __future__ import annotations

import pytest

from ingest.registries import Registry


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


@pytest.mark.parametrize("name", ["人社局", "人社", "人社部门", "人力资源和社会保障局", "人力资源社会保障局", "人社厅",
                                  "省人力资源社会保障厅", "市人力资源和社会保障局", "區人力資源和社會保障局"])
def test_hrss_aliases(registry: Registry, name: str) -> None:
    assert registry.agencies.resolve(name) == "hrss"


@pytest.mark.parametrize(("names", "agency_id"), [
    (["发改委", "发改局", "发展和改革委员会", "发展改革委", "市发展改革委员会"], "development_reform"),
    (["文旅", "文化旅游和广播电视局", "文旅广电局"], "culture_tourism"),
    (["国资委", "国有资产监督管理委员会", "区国有资产服务中心", "市政府国有资产监督管理委员会"], "state_assets"),
    (["金融局", "金融发展局", "地方金融监管局"], "financial_regulation"),
    (["退役军人局", "退役军人事务局"], "veterans"),
    (["农业农村局", "农业与农村局"], "agriculture"),
    (["教育局", "教育厅", "教育体育局", "省教育庁", "市教育"], "education"),
    (["科工局"], "science_industry"), (["市委编办", "编办"], "staffing"), (["总工会", "区总工会"], "trade_union"),
])
def test_agency_alias_groups(registry: Registry, names: list[str], agency_id: str) -> None:
    assert {registry.agencies.resolve(n) for n in names} == {agency_id}


def test_unknown_agency_matches_by_its_own_name(registry: Registry) -> None:
    assert registry.agencies.resolve("区档案馆") == registry.agencies.resolve("档案馆") == "name:档案馆"


def test_agencies_found_in_questions(registry: Registry) -> None:
    assert [m.key for m in registry.agencies.find("营口市人社局要做哪些工作？")] == ["hrss"]
    assert [m.key for m in registry.agencies.find("What does the finance bureau do in Yingkou?")] == ["finance"]
    assert [m.key for m in registry.agencies.find("營口市財政局參與哪些任務？")] == ["finance"]
    assert [m.key for m in registry.agencies.find("the federation of trade unions")] == ["trade_union"]


@pytest.mark.parametrize(("text", "place"), [("营口", "营口市"), ("營口市", "营口市"), ("Yingkou", "营口市"),
                                             ("瓦房店", "瓦房店市"), ("辽宁", "辽宁省"), ("全省", "辽宁省"),
                                             ("环翠", "环翠区"), ("威海环翠区", "环翠区"), ("Huancui", "环翠区")])
def test_jurisdiction_aliases(registry: Registry, text: str, place: str) -> None:
    assert [m.key for m in registry.places.find(text).jurisdictions] == [place]


def test_institution_and_parents(registry: Registry) -> None:
    found = registry.places.find("锦州师专有哪些举措")
    assert [m.key for m in found.institutions] == ["锦州师范高等专科学校"]
    assert found.jurisdictions == []  # 锦州 inside the school's name is not a place question
    assert [m.key for m in registry.places.find("Jinzhou Normal College").institutions] == ["锦州师范高等专科学校"]
    assert registry.places.chain("瓦房店市") == ["瓦房店市", "大连市", "辽宁省"]
    assert registry.places.chain("环翠区") == ["环翠区", "威海市", "山东省"]
    assert [m.key for m in registry.places.find("北京市的任务").other] == ["北京"]
