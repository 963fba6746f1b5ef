"""Round twenty-two of reading questions: a place in a ranking of both roles; agencies set apart before a ranking; "leave out" before an agency; a quote mark ends an
unknown name; the row right below or above a numbered one; another agency than one named, in a column named
after it; a follow-up asking which row is due first; the same ranking asked again at another place; row
numbers listed after one 第."""

from __future__ import annotations

from collections import Counter

from assistant.core import Assistant
from assistant.understand.numbers import row_refs
from assistant.understand.plan import AgencyAtom
from tests.asking import converse, ids, rows_where


def test_a_place_in_a_ranking_that_counts_both_roles(assistant: Assistant) -> None:
    rows = assistant.engine.catalog.filter(["huancui"])
    counts = Counter(a for r in rows for a in set(r.agency_ids))
    second = sorted(set(counts.values()))[-2]
    expected = [r.id for r in rows if any(counts[a] == second for a in r.agency_ids)]
    said = assistant.ask("环翠区清单，牵头跟责任一起算，参与任务排第二的单位是谁")
    assert said.understood and said.plan is not None and said.plan.fields == []
    assert said.plan.groups is not None and said.plan.groups.rank == 2 and ids(said) == expected


def test_agencies_set_apart_before_a_ranking_are_not_ranked(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店除开人社局之外哪个部门挂名最多")
    assert said.understood and said.plan is not None and said.plan.groups is not None
    assert said.plan.groups.excluding == ["hrss"]
    assert not any(isinstance(a, AgencyAtom) for a in said.plan.atoms())
    assert "人社局" not in said.answer.splitlines()[1]


def test_leave_out_before_an_agency_negates_it_and_asks_no_lineage(assistant: Assistant) -> None:
    said = assistant.ask("Liaoning rows that leave out 省人社厅, please")
    assert said.understood and said.plan is not None and said.plan.lineage is None
    assert ids(said) == rows_where(assistant, "liaoning", lambda r: "hrss" not in r.agency_ids)


def test_a_quote_mark_ends_an_unknown_name(assistant: Assistant) -> None:
    said = assistant.ask("营口那张表，有条任务的牵头方只写着‘市教育’（少了‘局’字），第几条")
    assert said.plan is not None and not said.plan.unresolved
    assert "yingkou#15" in ids(said)


def test_the_row_right_below_or_above_a_numbered_one(assistant: Assistant) -> None:
    for question, expected in (("营口第30条下面紧挨着那一条是什么", ["yingkou#31"]),
                               ("营口第30条上边的那一项讲什么", ["yingkou#29"]),
                               ("What is the task just after Wafangdian row 7?", ["wafangdian#8"])):
        said = assistant.ask(question)
        assert said.understood and ids(said) == expected, question


def test_another_agency_than_one_named_in_the_column_named(assistant: Assistant) -> None:
    said = assistant.ask("营口教育局以外的部门当牵头单位的是哪几条")
    assert said.understood
    assert ids(said) == rows_where(assistant, "yingkou", lambda r: bool(set(r.lead_ids) - {"education"}))


def test_a_follow_up_asking_which_row_is_due_first(assistant: Assistant) -> None:
    first, then = converse(assistant, "锦州师专措施里责任单位写了教务处的有哪几条", "哪一条最先到期")
    assert ids(first) and then.plan is not None and then.plan.group_by == "due" and then.plan.pick == "min"
    assert ids(then) and set(ids(then)) <= set(ids(first))


def test_the_same_ranking_asked_again_at_another_place(assistant: Assistant) -> None:
    first, then = converse(assistant, "Which Wafangdian department shows up in the most rows?",
                           "and which one comes second? name all of them if tied")
    assert first.plan is not None and first.plan.groups is None or first.plan.groups.rank is None  # type: ignore[union-attr]
    assert then.understood and then.plan is not None and then.plan.reference is None
    assert then.plan.groups is not None and then.plan.groups.rank == 2
    assert then.plan.scope.places == first.plan.scope.places  # type: ignore[union-attr]


def test_row_numbers_listed_after_one_ordinal_marker(assistant: Assistant) -> None:
    assert [(r.start, r.end) for r in row_refs("第4、6、9项")] == [(4, 4), (6, 6), (9, 9)]
    said = assistant.ask("瓦房店第3、5、7条各由谁负责")
    assert said.understood and ids(said) == ["wafangdian#3", "wafangdian#5", "wafangdian#7"]


def test_jiu_right_after_a_column_is_only(assistant: Assistant) -> None:
    pair = {"education", "publicity"}
    said = assistant.ask("瓦房店的表：责任部门就市教育局、市委宣传部的，列一下")
    assert said.understood and ids(said) == rows_where(assistant, "wafangdian", lambda r: set(r.responsible_ids) == pair)
    assert "市委宣传部" in said.plan_line  # the party committee's 市委 is no level to take off
    plain = assistant.ask("营口哪条牵头单位就是市教育局")  # 就是: is, not only
    assert plain.plan is not None and not any(type(a).__name__ == "OnlyAtom" for a in plain.plan.atoms())


def test_a_place_said_as_a_rows_words_is_no_list_to_look_in(assistant: Assistant) -> None:
    said = assistant.ask("辽宁清单的任务内容里，哪几条点到了大连")
    assert said.understood and said.plan is not None and said.plan.scope.places == ["辽宁省"]
    assert ids(said) == rows_where(assistant, "liaoning", lambda r: "大连" in r.text) and ids(said)


def test_the_noun_after_a_quoted_text_names_what_it_is(assistant: Assistant) -> None:
    said = assistant.ask("各清单中写着“1+X”证书字样的条目，哪一栏都行")
    assert said.understood and said.plan is not None and said.plan.operation == "list"
    assert {"yingkou#13", "wafangdian#17", "huancui#10", "liaoning#15"} <= set(ids(said))


def test_every_measure_column_left_blank(assistant: Assistant) -> None:
    said = assistant.ask("Which Liaoning rows did 锦州师专 leave with every measure column blank?")
    assert said.understood
    assert ids(said) == rows_where(assistant, "liaoning", lambda r: r.measures is None or r.measures.is_empty())


def test_more_than_one_before_the_column_it_counts(assistant: Assistant) -> None:
    said = assistant.ask("Which Yingkou rows have more than one lead unit?")
    assert said.understood and ids(said) == rows_where(assistant, "yingkou", lambda r: len(r.lead) > 1) and ids(said)


def test_a_ranking_of_sections_in_a_list_without_sections_says_so(assistant: Assistant) -> None:
    assert not any(r.category for r in assistant.engine.catalog.filter(["yingkou"]))
    for question, said_so in (("营口的清单里哪个板块条目最多", "没有分主要任务"),
                              ("Which Yingkou section holds the fewest tasks?", "not divided into main tasks")):
        said = assistant.ask(question)
        assert said_so in said.answer and "—" not in said.answer.split("\n", 2)[1], question


def test_has_no_role_after_an_agency_negates_it(assistant: Assistant) -> None:
    said = assistant.ask("Huancui rows where the 区发改局 has no role")
    assert said.understood
    assert ids(said) == rows_where(assistant, "huancui", lambda r: "development_reform" not in r.agency_ids)


def test_an_agency_said_to_be_a_columns_only_name(assistant: Assistant) -> None:
    said = assistant.ask("环翠那份单子里，区教育体育局是唯一的牵头单位的任务")
    assert said.understood and ids(said) == rows_where(assistant, "huancui", lambda r: set(r.lead_ids) == {"education"})


def test_a_bare_place_after_a_ranking_asks_that_place(assistant: Assistant) -> None:
    for first_question, then_question in (("环翠的清单上，挂名任务最多的单位是谁", "那第二名呢"),
                                          ("Which Huancui unit appears on the most tasks?", "and which is third?")):
        first, then = converse(assistant, first_question, then_question)
        assert first.plan is not None and first.plan.pick == "max"
        assert then.understood and then.plan is not None and then.plan.groups is not None
        assert then.plan.groups.rank == (2 if "第二" in then_question else 3) and then.plan.pick == "max"
    listed, then = converse(assistant, "环翠清单中区财政局都在哪几条里", "第二呢")  # no ranking before: no place asked
    assert then.plan is not None and then.plan.operation != "group_count"
