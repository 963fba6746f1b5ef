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
    answer = assistant.ask("瓦房店发改局跟人社局一起负责的工作？")
    expected = rows_where(assistant, "wafangdian", lambda r: {"development_reform", "hrss"} <= set(r.agency_ids))
    either = rows_where(assistant, "wafangdian", lambda r: "development_reform" in r.agency_ids)
    assert ids(answer) == expected and len(expected) == 9 and len(either) == 12
    assert isinstance(answer.plan.where, Group) and answer.plan.where.kind == "and"
    assert answer.plan_line == "条件：瓦房店市 · 发改局 · 人社局；列出全部"


def test_either_agency_is_a_union(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区财政局或税务局负责哪些任务？")
    expected = rows_where(assistant, "huancui", lambda r: {"finance", "tax"} & set(r.agency_ids))
    assert ids(answer) == expected
    assert "(财政局 或 税务局)" in answer.plan_line


def test_each_agency_keeps_its_own_role(assistant: Assistant) -> None:
    answer = assistant.ask("在环翠，教育体育局牵头而人社局配合的是哪些工作？")
    expected = rows_where(assistant, "huancui",
                          lambda r: "education" in r.lead_ids and "hrss" in r.responsible_ids)
    assert ids(answer) == expected and expected
    roles = {a.agency: a.role for a in answer.plan.agencies()}
    assert roles == {"education": "lead", "hrss": "responsible"}


def test_a_role_said_after_two_agencies_applies_to_both(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区教育体育局与人社局一同牵头了什么任务？")
    assert {a.role for a in answer.plan.agencies()} == {"lead"}
    assert ids(answer) == rows_where(assistant, "huancui", lambda r: {"education", "hrss"} <= set(r.lead_ids))


def test_negation_excludes_the_agency(assistant: Assistant) -> None:
    answer = assistant.ask("营口市有哪些工作无需人社局参加？")
    assert ids(answer) == rows_where(assistant, "yingkou", lambda r: "hrss" not in r.agency_ids)
    assert len(ids(answer)) == 45 - 27 and "不含人社局" in answer.plan_line


def test_takes_part_but_does_not_lead(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区的财政局参加了但没牵头的任务是哪些？")
    expected = rows_where(assistant, "huancui", lambda r: "finance" in r.agency_ids and "finance" not in r.lead_ids)
    assert ids(answer) == expected and expected
    assert len(expected) < len(rows_where(assistant, "huancui", lambda r: "finance" in r.agency_ids))


def test_rows_with_an_empty_field(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区未列责任单位的是哪些任务？")
    assert ids(answer) == rows_where(assistant, "huancui", lambda r: not r.responsible) and ids(answer)


@pytest.mark.parametrize(("question", "expected", "field"), [
    ("营口清单第8项的具体内容", ["yingkou#8"], "任务内容"),
    ("瓦房店第41条有哪些单位参与", ["wafangdian#41"], "责任单位"),
    ("营口第20至22条的内容", ["yingkou#20", "yingkou#21", "yingkou#22"], None),
    ("环翠区第三条由谁牵头", ["huancui#3"], "牵头单位"),
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
    mentioned = assistant.ask("营口提及2022年的任务共有几项？")
    expected = rows_where(assistant, "yingkou", lambda r: 2022 in r.years)
    assert mentioned.intent == "count" and ids(mentioned) == expected and f"{len(expected)}项" in mentioned.answer


def test_count_of_categories_and_group_count(assistant: Assistant) -> None:
    categories = assistant.ask("辽宁的清单分成多少个主要任务？")
    names = list(dict.fromkeys(r.category for r in assistant.engine.catalog.filter(["liaoning"]) if r.category))
    assert categories.plan.count_unit == "category" and f"共有{len(names)}个" in categories.answer
    grouped = assistant.ask("营口每个牵头单位各牵头几项？")
    assert grouped.intent == "group_count" and "| 部门 | 牵头 | 责任 | 合计 | 序号 |" in grouped.answer
    lead_edu = len(rows_where(assistant, "yingkou", lambda r: "education" in r.lead_ids))
    assert f"| 市教育局 | {lead_edu} | — | {lead_edu}项 |" in grouped.answer  # named as the list writes it; — : not counted
    # one list's table, like one list's count, cites the rows it counts
    assert [c.id for c in grouped.citations] == rows_where(assistant, "yingkou", lambda r: True)


@pytest.mark.parametrize(("name", "agency"), [("人力资源保障局", "hrss"), ("人社", "hrss"), ("税务", "tax"),
                                              ("文旅", "culture_tourism"), ("发改", "development_reform")])
def test_names_as_officials_type_them(assistant: Assistant, name: str, agency: str) -> None:
    answer = assistant.ask(f"营口市{name}参与哪些任务？")
    assert [a.agency for a in answer.plan.agencies()] == [agency]
    assert ids(answer) == rows_where(assistant, "yingkou", lambda r: agency in r.agency_ids)


@pytest.mark.parametrize(("question", "surface", "meant"), [
    ("营口市劳动人事局负责哪些任务？", "劳动人事局", "人力资源"),
    ("环翠区地税局负责哪些任务？", "地税局", "税务局"),
    ("What is the Yingkou labor bureau responsible for?", "labor bureau", "人力资源"),
])
def test_an_unknown_name_is_reported_with_candidates_never_dropped(assistant: Assistant, question: str,
                                                                  surface: str, meant: str) -> None:
    answer = assistant.ask(question)
    assert answer.citations == [] and [u.surface for u in answer.unresolved] == [surface]
    assert any(meant in c for c in answer.unresolved[0].candidates)
    assert surface in answer.answer and answer.unresolved[0].candidates[0] in answer.answer


def test_follow_ups_refer_to_the_previous_rows(assistant: Assistant) -> None:
    first = assistant.ask("营口市人社局要做哪些工作？")
    due = assistant.ask("这些任务的完成时间分别是？", session_id=first.session_id)
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
    answer = assistant.ask("营口市教育局牵头、财政局配合，但不含人社局的任务有哪些？")
    plan = QueryPlan.model_validate_json(answer.plan.model_dump_json())
    assert plan == answer.plan
    atoms = {(a.agency, a.role) for a in plan.agencies()}
    assert atoms == {("education", "lead"), ("finance", "responsible")}
    assert [a.agency for a in plan.agencies(negated=True)] == ["hrss"]
    assert all(isinstance(a, AgencyAtom) for a in plan.atoms())


@pytest.mark.parametrize("question", ["营口市人社局不参加的是哪些任务？", "营口市除人社局以外的任务有哪些？",
                                      "Which Yingkou tasks do not involve the human resources bureau?"])
def test_negation_before_or_after_the_agency_in_either_language(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert ids(answer) == rows_where(assistant, "yingkou", lambda r: "hrss" not in r.agency_ids)


def test_years_named_one_by_one_are_alternatives(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区2022年和2023年要完成哪些任务？")
    assert ids(answer) == rows_where(assistant, "huancui", lambda r: {2022, 2023} & set(r.deadline_years))
    later = assistant.ask("辽宁哪些任务的期限晚于2022年？")
    atom = next(a for a in later.plan.atoms() if isinstance(a, YearAtom))
    assert (atom.op, atom.year) == ("after", 2022)
    assert ids(later) == rows_where(assistant, "liaoning", lambda r: any(y > 2022 for y in r.deadline_years))


def test_only_these_agencies(assistant: Assistant) -> None:
    answer = assistant.ask("瓦房店除教育局外无其他部门参与的任务")
    expected = rows_where(assistant, "wafangdian", lambda r: set(r.agency_ids) == {"education"})
    assert ids(answer) == expected and expected
    assert "只有教育局" in answer.plan_line


def test_rows_counted_from_the_end(assistant: Assistant) -> None:
    assert ids(assistant.ask("瓦房店的最后一项是什么内容？")) == ["wafangdian#57"]
    assert ids(assistant.ask("辽宁倒数第2条的内容")) == ["liaoning#53"]


def test_a_start_year_is_a_year_the_row_names(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区自2019年起实施的是哪项？")
    assert ids(answer) == rows_where(assistant, "huancui", lambda r: 2019 in r.years) and ids(answer)


def test_a_field_asked_alone_refers_to_the_previous_rows(assistant: Assistant) -> None:
    first = assistant.ask("瓦房店第30条是什么内容？")
    who = assistant.ask("哪些单位负责？", session_id=first.session_id)
    assert ids(who) == ["wafangdian#30"] and who.plan.followup == "refer" and who.plan.fields == ["responsible"]
    swapped = assistant.ask("营口市财政局做哪些工作？")
    other = assistant.ask("换成人社局呢？", session_id=swapped.session_id)
    assert ids(other) == rows_where(assistant, "yingkou", lambda r: "hrss" in r.agency_ids)


def test_similar_names_resolve_and_different_ones_do_not(assistant: Assistant) -> None:
    names = assistant.engine.names
    assert names.resolve("人力资源保障局")[0] == "hrss" and names.resolve("金融服务局")[0] == "financial_regulation"
    for unknown in ("气象局", "市政公用局", "工商局", "统计局"):
        agency, candidates = names.resolve(unknown)
        assert agency is None, unknown
    utilities = assistant.ask("营口市政公用局参与了什么？")  # 营口 + 市政公用局: the 市 begins the agency's name
    assert [u.surface for u in utilities.unresolved] == ["市政公用局"] and utilities.citations == []
