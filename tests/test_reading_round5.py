"""Round five of reading questions: a sum of money or a head count no row states, one list's size citing what it
counts, row ranges said without 第 or running to the end, a negator after the agency, an English level before an
agency's name, the character 末 inside a word, requests to write something new, and percentages in the
institution's own measures."""

from __future__ import annotations

import re

from assistant.core import Assistant
from tests.asking import ids, rows_where


def test_a_sum_of_money_no_row_states_is_not_answered_with_another_figure(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店明年在职教上要花多少万元")
    assert said.abstained and not said.citations
    people = assistant.ask("营口普职融通一年招生多少人")  # a head count the list does state
    assert "yingkou#8" in ids(people)[:1] and "800人" in people.answer


def test_one_lists_size_cites_the_rows_it_counts_and_all_lists_together_cite_none(assistant: Assistant) -> None:
    one = assistant.ask("营口那份清单总共有几条")
    assert "45" in one.answer and ids(one) == rows_where(assistant, "yingkou", lambda r: True)
    every = assistant.ask("这四个清单合起来一共几条任务")
    assert "172" in every.answer and not every.citations


def test_a_range_said_without_di_and_a_range_that_runs_to_the_end(assistant: Assistant) -> None:
    after = assistant.ask("瓦房店40条以后有哪些任务")
    assert ids(after) == [f"wafangdian#{n}" for n in range(41, 58)]
    onward = assistant.ask("环翠区从第13条到最后是哪几条")
    assert ids(onward) == [f"huancui#{n}" for n in range(13, 17)]
    negated = assistant.ask("营口第38条到末尾，人社部门未参与的")
    expected = [i for i in rows_where(assistant, "yingkou", lambda r: "hrss" not in r.agency_ids)
                if int(i.split("#")[1]) >= 38]
    assert ids(negated) == expected and expected


def test_a_negator_after_the_agency(assistant: Assistant) -> None:
    said = assistant.ask("营口第1到10条里，财政局不用管的有哪些")
    expected = [i for i in rows_where(assistant, "yingkou", lambda r: "finance" not in r.agency_ids)
                if int(i.split("#")[1]) <= 10]
    assert said.understood and ids(said) == expected and expected


def test_an_english_level_word_before_an_agency(assistant: Assistant) -> None:
    said = assistant.ask("Which Wafangdian rows leave out the city finance bureau?")
    expected = rows_where(assistant, "wafangdian", lambda r: "finance" not in r.agency_ids)
    assert ids(said) == expected and expected


def test_mo_inside_a_word_is_no_position(assistant: Assistant) -> None:
    said = assistant.ask("营口年末之前该做完的工作里有没有涉及周末培训的")
    assert "倒数" not in said.plan_line and "最后" not in said.plan_line
    last = assistant.ask("环翠清单末条的牵头单位")
    assert ids(last) == ["huancui#16"]


def test_a_request_to_write_something_is_refused(assistant: Assistant) -> None:
    said = assistant.ask("给我写一篇年终联欢会的主持词")
    assert said.abstained and not said.citations
    named = assistant.ask("帮我写一下营口市委编办承担的条目")  # a list named: it is answered
    assert not named.abstained and named.citations


def test_a_percentage_in_the_institutions_own_measures(assistant: Assistant) -> None:
    said = assistant.ask("辽宁那张表里哪些条带百分数")
    percent = re.compile(r"\d\s*[%％]")
    expected = rows_where(assistant, "liaoning", lambda r: bool(percent.search(r.text) or (
        r.measures and percent.search(r.measures.targets + r.measures.actions))))
    assert ids(said) == expected and expected


def test_a_list_called_by_its_group_header_as_written_or_with_two_characters_swapped(assistant: Assistant) -> None:
    for name in ("部省共建", "省部共建"):
        said = assistant.ask(f"{name}那张表里省总工会负责哪几条")
        expected = rows_where(assistant, "liaoning", lambda r: any("总工会" in n for n in r.responsible))
        assert said.understood and ids(said) == expected and expected, name
        assert "辽宁省" in said.plan_line


def test_group_headers_are_kept_and_name_the_list() -> None:
    from assistant.understand.lists import nicknames
    assert nicknames("部省共建任务｜落实具体措施") == ("部省共建",)  # the generic header names nothing
    assert nicknames("") == ()


def test_a_nickname_beside_a_place_without_a_list_names_no_list(assistant: Assistant) -> None:
    said = assistant.ask("黑龙江省部省共建清单有多少项")
    assert said.abstained and not said.citations
    lineage = assistant.ask("瓦房店第35条是落实的省部共建清单哪条")  # a nickname beside another place: both lists
    assert lineage.plan.operation == "lineage" and "wafangdian#35" in ids(lineage)
    assert any(i.startswith("liaoning#") for i in ids(lineage))


def test_the_row_naming_the_most_counts_every_name_and_says_who_wins_without_collectives(assistant: Assistant) -> None:
    said = assistant.ask("辽宁清单哪几条任务的责任部门个数最多")
    sizes = {i: len(assistant.engine.catalog.by_id[i].responsible) for i in rows_where(assistant, "liaoning",
                                                                                         lambda r: True)}
    most = max(sizes.values())
    assert ids(said) == [i for i, n in sizes.items() if n == most]
    wafangdian = assistant.ask("瓦房店责任部门列得最多的是哪条")
    assert "统称" in wafangdian.answer  # 各乡镇 / 街道办事处 decided it: the answer says who wins without them


def test_the_fewest_asked_as_which_rows_ranks_rows(assistant: Assistant) -> None:
    said = assistant.ask("环翠区哪几条的牵头单位最少")
    sizes = {i: len(assistant.engine.catalog.by_id[i].lead) for i in rows_where(assistant, "huancui", lambda r: True)}
    fewest = min(sizes.values())
    assert said.plan.group_by == "row" and ids(said) == [i for i, n in sizes.items() if n == fewest]


def test_which_of_the_lists_has_the_most_rows_in_english(assistant: Assistant) -> None:
    said = assistant.ask("Which of the lists is longest, i.e. has the most rows?")
    assert said.plan.group_by == "doc" and "57" in said.answer


def test_a_cut_made_of_structure_words_is_no_topic_but_a_noun_around_one_is(assistant: Assistant) -> None:
    said = assistant.ask("营口哪几条任务的牵头单位个数最多")
    assert said.plan.operation == "group_count" and said.plan.rank is None
    kept = assistant.ask("瓦房店要培养的市级专业带头人是几个人")
    assert kept.plan.rank is not None and "带头人" in kept.plan.rank.terms


def test_a_sector_said_by_an_agencys_stem_and_a_head_word(assistant: Assistant) -> None:
    expected = rows_where(assistant, "yingkou", lambda r: "financial_regulation" in r.agency_ids)
    for said in ("营口清单中金融系统有份的条目", "营口清单中金融口要参与的条目"):
        answer = assistant.ask(said)
        assert answer.understood and ids(answer) == expected and expected, said


def test_a_sector_followed_by_its_members_in_brackets_is_any_of_them(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店清单里财政口（市财政局、市税务局）参与的条目")
    expected = rows_where(assistant, "wafangdian", lambda r: bool({"finance", "tax"} & set(r.agency_ids)))
    assert ids(said) == expected and expected


def test_sector_forms_come_from_stems_one_agency_owns() -> None:
    from ingest.registries import _sector_forms
    forms = _sector_forms({"金融局": "fin", "金融办": "fin", "教育局": "edu", "教育厅": "edu2"})
    assert forms["金融部门"] == "fin" and forms["金融口"] == "fin"
    assert "教育部门" not in forms  # two agencies share the stem: it names neither


def test_the_institutions_only_unit_counts_its_own_units_cell(assistant: Assistant) -> None:
    said = assistant.ask("锦州师专自己的落实措施里仅教务处一家负责的条目")
    expected = rows_where(assistant, "liaoning", lambda r: bool(r.measures) and r.measures.units == ["教务处"])
    assert ids(said) == expected and expected


def test_guang_says_only(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店哪几条责任部门光写了市教育局")
    expected = rows_where(assistant, "wafangdian", lambda r: r.responsible_ids == ["education"])
    assert said.understood and ids(said) == expected and expected


def test_a_coined_term_is_searched_whole_and_the_demonstrative_after_a_topic_is_its_row(assistant: Assistant
                                                                                        ) -> None:
    plain = assistant.ask("环翠区1+X证书那一项是哪个部门牵头")
    assert plain.understood and ids(plain) == rows_where(assistant, "huancui", lambda r: "1+X" in r.text)


def test_the_rows_due_first_and_last(assistant: Assistant) -> None:
    catalog = assistant.engine.catalog
    due = {i: catalog.by_id[i].deadline_years for i in rows_where(assistant, "yingkou", lambda r: bool(r.deadline_years))}
    last = max(max(y) for y in due.values())
    said = assistant.ask("营口清单里完成期限最迟的任务有哪些")
    assert said.understood and ids(said) == [i for i, y in due.items() if max(y) == last] and str(last) in said.answer
    first = min(min(y) for y in due.values())
    early = assistant.ask("Which Yingkou tasks have the earliest deadline?")
    assert ids(early) == [i for i, y in due.items() if min(y) == first]


def test_a_figure_question_cites_the_one_row_that_answers_it(assistant: Assistant) -> None:
    said = assistant.ask("营口普职融通每年的招生计划是多少人")
    assert ids(said) == ["yingkou#8"] and "800人" in said.answer


def test_a_count_that_does_not_fit_the_previous_rows_is_unread(assistant: Assistant) -> None:
    session = assistant.ask("瓦房店财政局参与了哪些任务").session_id
    these = assistant.ask("这三项各自由谁负责", session_id=session)
    assert not these.understood and "这三项" in these.unread


def test_a_number_after_the_provinces_list_is_its_row_and_asked_of_two_cities_is_lineage(assistant: Assistant
                                                                                         ) -> None:
    plain = assistant.ask("省清单31条讲的什么")
    assert ids(plain) == ["liaoning#31"]
    linked = assistant.ask("省里31条这一项，营口、瓦房店对应的条目是？")
    assert linked.plan.operation == "lineage" and ids(linked)[0] == "liaoning#31" and len(ids(linked)) >= 2


def test_which_rows_with_a_topic_word_and_agencies_is_a_list(assistant: Assistant) -> None:
    said = assistant.ask("营口涉企的，就是市工信局和市商务局一起负责的有哪几条")
    both = rows_where(assistant, "yingkou", lambda r: {"industry_it", "commerce"} <= set(r.agency_ids))
    assert said.plan.operation == "list" and ids(said) == both and both
