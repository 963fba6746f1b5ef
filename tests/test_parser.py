"""The generic parser on the four real lists, and on lists with other header words."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.parser import parse_file
from ingest.registries import Registry

LISTS = Settings().lists_dir


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


@pytest.fixture(scope="module")
def docs(registry: Registry) -> dict:
    return {name: parse_file(LISTS / f"{name}.txt", registry) for name in ("yingkou", "wafangdian", "liaoning",
                                                                              "huancui")}


def row(docs: dict, doc: str, number: int):
    found = docs[doc].rows[number - 1]
    assert found.row == number
    return found


def test_row_counts(docs: dict) -> None:
    assert {k: len(d.rows) for k, d in docs.items()} == {"yingkou": 45, "wafangdian": 57, "liaoning": 54,
                                                         "huancui": 16}
    for doc in docs.values():
        assert [r.row for r in doc.rows] == list(range(1, len(doc.rows) + 1))


def test_jurisdiction_title_and_owner(docs: dict) -> None:
    assert [docs[k].jurisdiction for k in ("yingkou", "wafangdian", "liaoning", "huancui")] == \
        ["营口市", "瓦房店市", "辽宁省", "环翠区"]
    assert docs["yingkou"].title == "营口市工作任务清单"
    assert docs["huancui"].title == "环翠区建设职业教育创新发展高地任务清单"
    assert docs["liaoning"].title.startswith("《教育部辽宁省人民政府关于整省推进职业教育实用高效发展")
    assert docs["liaoning"].measures_owner == "锦州师范高等专科学校"


def test_spaces_and_line_breaks_from_wraps_are_removed(docs: dict) -> None:
    assert "配备1名" in row(docs, "liaoning", 1).text
    assert row(docs, "liaoning", 2).responsible == ["省人力资源社会保障厅", "省总工会", "省教育厅"]
    assert row(docs, "liaoning", 28).category == "完善教师培养培训体系，打造“双师型”教师队伍。"
    assert row(docs, "huancui", 14).lead == ["区委组织部", "区人力资源社会保障局"]


def test_bookmark_markers_are_dropped(docs: dict) -> None:
    assert row(docs, "liaoning", 28).row == 28  # its 序号 cell reads "[bookmark: OLE_LINK31]28"
    for doc in docs.values():
        for r in doc.rows:
            assert "bookmark" not in r.model_dump_json()


def test_line_breaks_between_whole_agency_names_split_the_cell(docs: dict) -> None:
    assert row(docs, "liaoning", 3).measures.units == ["教务处", "人事处", "思政部"]
    assert row(docs, "liaoning", 17).measures.units == ["继续教育学院", "教务处", "学前与音乐教育学院", "体育学院",
                                                       "小学教育学院", "美术学院"]


def test_real_sentence_breaks_are_kept(docs: dict) -> None:
    targets = row(docs, "liaoning", 3).measures.targets
    assert targets.count("\n") == 2 and targets.startswith("加强职业教育研究")


def test_trailing_deng_and_empty_cells(docs: dict) -> None:
    assert row(docs, "huancui", 3).responsible == ["区财政局", "区自然资源局", "区地方金融监管局", "税务局"]
    assert row(docs, "huancui", 5).responsible == []
    assert row(docs, "huancui", 16).responsible == ["区人力资源社会保障局", "有关行业主管部门"]


def test_category_is_carried_forward(docs: dict) -> None:
    assert row(docs, "wafangdian", 2).category == "全面落实立德树人根本任务"
    assert row(docs, "wafangdian", 6).category == "全面落实立德树人根本任务"
    assert row(docs, "wafangdian", 7).category == "优化职业院校和专业布局"
    assert row(docs, "liaoning", 54).category == "保障经费长效稳定投入。"


def test_lists_without_a_lead_column_never_get_a_lead(docs: dict) -> None:
    for doc in ("wafangdian", "liaoning"):
        assert all(r.lead == [] and not r.has_lead_column for r in docs[doc].rows)
    assert row(docs, "wafangdian", 1).responsible == ["市委教育工委", "市教育局", "人社局"]
    assert row(docs, "yingkou", 1).lead == ["市教育工委"]


def test_measures_and_deadlines(docs: dict) -> None:
    m = row(docs, "liaoning", 15).measures
    assert m.due == "2025年；2023年" and m.units == ["教务处"]
    assert row(docs, "liaoning", 1).measures is None
    assert row(docs, "yingkou", 3).deadline_years == [2022]
    assert row(docs, "yingkou", 15).deadline_years == []  # （2019-2021年） is a plan period
    assert row(docs, "huancui", 3).deadline_years == []  # 自2019年1月1日起 is a start date
    assert row(docs, "huancui", 1).due == "2022年"


def test_agency_aliases_resolve_to_one_agency(docs: dict) -> None:
    hrss = {"市人力资源社会保障局", "市人力资源和社会保障局", "人社局", "市人社局", "区人力资源社会保障局",
            "省人力资源社会保障厅"}
    for doc in docs.values():
        for r in doc.rows:
            for name, agency_id in zip(r.lead + r.responsible, r.lead_ids + r.responsible_ids, strict=True):
                assert (agency_id == "hrss") == (name in hrss), name
    assert row(docs, "yingkou", 15).lead_ids == ["education"]  # the cell reads 市教育
    assert row(docs, "liaoning", 51).responsible_ids == ["development_reform", "education"]  # 省教育庁


OTHER_HEADERS = """附件3
测试县职业教育重点工作清单
\t序号
\t重点领域
\t工作任务
\t主责单位
\t配合部门
\t时间节点

\t1
\t师资建设
\t建设“双师型”教师队伍，
比例达到50%。
\t县教育局
\t县人社局、县财政局等
\t2024年

\t2
\t
\t开展职业技能培训。
\t县人社局
\t\u3000
\t2025年
"""


def test_a_list_with_other_header_words_ingests_unchanged(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "ceshi.txt"
    path.write_text(OTHER_HEADERS, "utf-8")
    doc = parse_file(path, registry)
    assert doc.jurisdiction == "测试县" and doc.title == "测试县职业教育重点工作清单"
    first, second = doc.rows
    assert first.text == "建设“双师型”教师队伍，比例达到50%。"
    assert first.category == second.category == "师资建设"
    assert first.lead == ["县教育局"] and first.responsible == ["县人社局", "县财政局"]
    assert first.responsible_ids[0] == "hrss" and first.due == "2024年"
    assert second.responsible == [] and second.deadline_years == [2025]


def test_the_group_headers_above_the_columns_are_kept_as_a_fact(registry: Registry) -> None:
    from ingest.rows import GROUP_HEADERS
    document = parse_file(LISTS / "liaoning.txt", registry)
    assert document.facts[GROUP_HEADERS].split("｜") == ["部省共建任务", "落实具体措施"]
