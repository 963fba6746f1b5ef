"""Question reading as officials phrase it: each mechanism of the rule parser, checked against the catalog."""

from __future__ import annotations

import pytest

from assistant.core import Assistant
from assistant.understand.plan import AgencyAtom, Group, QueryPlan, RowsAtom, YearAtom


def ids(answer) -> list[str]:
    return [c.id for c in answer.citations]


def rows_where(assistant: Assistant, doc: str, keep) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.id for r in assistant.engine.catalog.filter([doc]) if keep(r)]


def test_two_agencies_together_is_an_intersection(assistant: Assistant) -> None:
    answer = assistant.ask("营口市哪些任务需要财政局和人社局共同参与？")
    expected = rows_where(assistant, "yingkou", lambda r: {"finance", "hrss"} <= set(r.agency_ids))
    assert ids(answer) == expected and len(expected) == 12
    assert isinstance(answer.plan.where, Group) and answer.plan.where.kind == "and"
    assert answer.plan_line == "条件：营口市 · 财政局 · 人社局；列出全部"


def test_either_agency_is_a_union(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区财政局或税务局负责哪些任务？")
    expected = rows_where(assistant, "huancui", lambda r: {"finance", "tax"} & set(r.agency_ids))
    assert ids(answer) == expected
    assert "(财政局 或 税务局)" in answer.plan_line


def test_each_agency_keeps_its_own_role(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区哪些任务由教育体育局牵头、人社局配合？")
    expected = rows_where(assistant, "huancui",
                          lambda r: "education" in r.lead_ids and "hrss" in r.responsible_ids)
    assert ids(answer) == expected and expected
    roles = {a.agency: a.role for a in answer.plan.agencies()}
    assert roles == {"education": "lead", "hrss": "responsible"}


def test_a_role_said_after_two_agencies_applies_to_both(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区哪些任务由教育体育局和人社局牵头？")
    assert {a.role for a in answer.plan.agencies()} == {"lead"}
    assert ids(answer) == rows_where(assistant, "huancui", lambda r: {"education", "hrss"} <= set(r.lead_ids))


def test_negation_excludes_the_agency(assistant: Assistant) -> None:
    answer = assistant.ask("营口市哪些任务不需要人社局参与？")
    assert ids(answer) == rows_where(assistant, "yingkou", lambda r: "hrss" not in r.agency_ids)
    assert len(ids(answer)) == 45 - 27 and "不含人社局" in answer.plan_line


def test_takes_part_but_does_not_lead(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区人社局参与但不牵头的任务有哪些？")
    assert ids(answer) == rows_where(assistant, "huancui",
                                     lambda r: "hrss" in r.agency_ids and "hrss" not in r.lead_ids)


def test_rows_with_an_empty_field(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区哪些任务没有列责任单位？")
    assert ids(answer) == rows_where(assistant, "huancui", lambda r: not r.responsible) and ids(answer)


@pytest.mark.parametrize(("question", "expected", "field"), [
    ("营口第8项讲的是什么", ["yingkou#8"], "任务内容"),
    ("瓦房店清单第40条由哪些部门负责", ["wafangdian#40"], "责任单位"),
    ("辽宁第10至12项是什么？", ["liaoning#10", "liaoning#11", "liaoning#12"], None),
    ("环翠区第一项的牵头单位是谁", ["huancui#1"], "牵头单位"),
])
def test_row_references(assistant: Assistant, question: str, expected: list[str], field: str | None) -> None:
    answer = assistant.ask(question)
    assert ids(answer) == expected and not answer.abstained
    assert any(isinstance(a, RowsAtom) for a in answer.plan.atoms())
    if field:
        assert answer.answer.splitlines()[1].startswith("[") and f"的{field}：" in answer.answer


def test_before_a_year_includes_earlier_deadlines(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区2025年之前要完成哪些任务？")
    atom = next(a for a in answer.plan.atoms() if isinstance(a, YearAtom))
    assert (atom.op, atom.year) == ("by", 2025)
    expected = rows_where(assistant, "huancui", lambda r: any(y <= 2025 for y in r.deadline_years))
    assert ids(answer) == expected and "huancui#1" in expected  # due in 2022


def test_a_year_range_and_a_year_mentioned(assistant: Assistant) -> None:
    between = assistant.ask("辽宁清单中2021—2023年完成的任务有哪些？")
    atom = next(a for a in between.plan.atoms() if isinstance(a, YearAtom))
    assert (atom.op, atom.year, atom.until) == ("between", 2021, 2023)
    assert ids(between) == rows_where(assistant, "liaoning", lambda r: any(2021 <= y <= 2023
                                                                             for y in r.deadline_years))
    mentioned = assistant.ask("营口有几项任务写了2022年？")
    expected = rows_where(assistant, "yingkou", lambda r: 2022 in r.years)
    assert mentioned.intent == "count" and ids(mentioned) == expected and f"{len(expected)}项" in mentioned.answer


def test_count_of_categories_and_group_count(assistant: Assistant) -> None:
    categories = assistant.ask("辽宁清单有几个主要任务类别？")
    names = list(dict.fromkeys(r.category for r in assistant.engine.catalog.filter(["liaoning"]) if r.category))
    assert categories.plan.count_unit == "category" and f"共有{len(names)}个主要任务类别" in categories.answer
    grouped = assistant.ask("营口各牵头单位分别牵头几项？")
    assert grouped.intent == "group_count" and "| 部门 | 牵头 | 责任 | 合计 |" in grouped.answer
    lead_edu = len(rows_where(assistant, "yingkou", lambda r: "education" in r.lead_ids))
    assert f"| 市教育局 | {lead_edu} | 0 | {lead_edu} |" in grouped.answer  # named as the list writes it
    assert grouped.citations == []  # a whole list's table, like a whole list's count, cites no row


@pytest.mark.parametrize(("name", "agency"), [("人力社保局", "hrss"), ("人社", "hrss"), ("税务", "tax"),
                                              ("文旅", "culture_tourism"), ("发改", "development_reform")])
def test_names_as_officials_type_them(assistant: Assistant, name: str, agency: str) -> None:
    answer = assistant.ask(f"营口市{name}参与哪些任务？")
    assert [a.agency for a in answer.plan.agencies()] == [agency]
    assert ids(answer) == rows_where(assistant, "yingkou", lambda r: agency in r.agency_ids)


@pytest.mark.parametrize(("question", "surface"), [
    ("营口市劳动局负责哪些任务？", "劳动局"),
    ("What is the Yingkou labor bureau responsible for?", "labor bureau"),
])
def test_an_unknown_name_is_reported_with_candidates_never_dropped(assistant: Assistant, question: str,
                                                                  surface: str) -> None:
    answer = assistant.ask(question)
    assert answer.citations == [] and [u.surface for u in answer.unresolved] == [surface]
    assert any("人力资源" in c for c in answer.unresolved[0].candidates)
    assert surface in answer.answer and answer.unresolved[0].candidates[0] in answer.answer


def test_follow_ups_refer_to_the_previous_rows(assistant: Assistant) -> None:
    first = assistant.ask("营口市人社局要做哪些工作？")
    due = assistant.ask("它们各自什么时候完成？", session_id=first.session_id)
    assert ids(due) == ids(first) and due.plan.followup == "refer" and due.plan.fields == ["due"]
    second = assistant.ask("第二项由谁牵头？", session_id=first.session_id)
    assert ids(second) == [ids(first)[1]] and "的牵头单位：市教育局" in second.answer
    figures = assistant.ask("其中哪些有量化目标？", session_id=second.session_id)
    assert figures.plan.followup in ("narrow", "refer") and set(ids(figures)) <= set(ids(due))


def test_follow_ups_change_one_slot_in_english_too(assistant: Assistant) -> None:
    first = assistant.ask("What does the finance bureau do in Yingkou?")
    assert ids(first) == rows_where(assistant, "yingkou", lambda r: "finance" in r.agency_ids)
    second = assistant.ask("and Wafangdian?", session_id=first.session_id)
    assert ids(second) == rows_where(assistant, "wafangdian", lambda r: "finance" in r.agency_ids)
    third = assistant.ask("the second one: who is responsible?", session_id=first.session_id)
    assert ids(third) == [ids(second)[1]]


def test_the_plan_round_trips_as_json(assistant: Assistant) -> None:
    answer = assistant.ask("营口市哪些任务由教育局牵头、财政局配合，且不需要人社局参与？")
    plan = QueryPlan.model_validate_json(answer.plan.model_dump_json())
    assert plan == answer.plan
    atoms = {(a.agency, a.role) for a in plan.agencies()}
    assert atoms == {("education", "lead"), ("finance", "responsible")}
    assert [a.agency for a in plan.agencies(negated=True)] == ["hrss"]
    assert all(isinstance(a, AgencyAtom) for a in plan.atoms())


@pytest.mark.parametrize("question", ["营口市人社局不参与的任务有哪些？", "营口市除人社局以外的任务有哪些？",
                                      "Which Yingkou tasks do not involve the human resources bureau?"])
def test_negation_before_or_after_the_agency_in_either_language(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert ids(answer) == rows_where(assistant, "yingkou", lambda r: "hrss" not in r.agency_ids)


def test_years_named_one_by_one_are_alternatives(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区2022年和2023年要完成哪些任务？")
    assert ids(answer) == rows_where(assistant, "huancui", lambda r: {2022, 2023} & set(r.deadline_years))
    later = assistant.ask("辽宁清单里完成时间晚于2023年的任务有哪些？")
    atom = next(a for a in later.plan.atoms() if isinstance(a, YearAtom))
    assert (atom.op, atom.year) == ("after", 2023)


def test_only_these_agencies(assistant: Assistant) -> None:
    answer = assistant.ask("瓦房店哪些任务除了市教育局之外没有别的部门负责？")
    assert ids(answer) == rows_where(assistant, "wafangdian", lambda r: set(r.agency_ids) == {"education"})
    assert "只有教育局" in answer.plan_line


def test_rows_counted_from_the_end(assistant: Assistant) -> None:
    assert ids(assistant.ask("瓦房店清单最后一条是什么？")) == ["wafangdian#57"]
    assert ids(assistant.ask("辽宁清单倒数第二项是什么？")) == ["liaoning#53"]


def test_a_start_year_is_a_year_the_row_names(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区哪项政策是从2019年开始执行的？")
    assert ids(answer) == rows_where(assistant, "huancui", lambda r: 2019 in r.years)


def test_a_field_asked_alone_refers_to_the_previous_rows(assistant: Assistant) -> None:
    first = assistant.ask("瓦房店第25条讲什么？")
    who = assistant.ask("由哪些部门负责？", session_id=first.session_id)
    assert ids(who) == ["wafangdian#25"] and who.plan.followup == "refer"
    swapped = assistant.ask("营口市委编办参与哪些任务？")
    other = assistant.ask("换成市发改委呢？", session_id=swapped.session_id)
    assert ids(other) == rows_where(assistant, "yingkou", lambda r: "development_reform" in r.agency_ids)


def test_similar_names_resolve_and_different_ones_do_not(assistant: Assistant) -> None:
    names = assistant.engine.names
    assert names.resolve("人力社保局")[0] == "hrss" and names.resolve("金融服务局")[0] == "financial_regulation"
    for unknown in ("民政厅", "市场监管局", "工商局", "统计局"):
        agency, candidates = names.resolve(unknown)
        assert agency is None, unknown
    market = assistant.ask("瓦房店市场监管局有几项任务？")
    assert [u.surface for u in market.unresolved] == ["市场监管局"] and market.citations == []
