"""Round seven of reading questions: every number a question states is one the plan uses, or it is reported
unread; a column that names several years."""

from __future__ import annotations

import re

from assistant.core import Assistant
from tests.asking import converse, ids, rows_where


def test_a_number_the_plan_does_not_use_is_reported_unread(assistant: Assistant) -> None:
    said = assistant.ask("营口清单里那5个重点的任务有哪些")
    assert not said.understood and any("5" in w for w in said.unread)


def test_numbers_the_plan_uses_are_read(assistant: Assistant) -> None:
    for question in ("瓦房店前5条", "营口第12条和第15条谁牵头", "环翠区3个单位共同承担的事项", "辽宁清单2023年完成的"):
        said = assistant.ask(question)
        assert said.understood, (question, said.unread)


def _named(row, word: str, column: str = "any") -> bool:  # type: ignore[no-untyped-def]
    cells = row.lead if column == "lead" else row.responsible if column == "responsible" else row.lead + row.responsible
    return any(word in c for c in cells)


def test_agencies_said_to_lead_together_must_both_lead(assistant: Assistant) -> None:
    said = assistant.ask("环翠区教育体育局和人社局一道牵头的有哪几项")
    both = rows_where(assistant, "huancui", lambda r: _named(r, "教育", "lead") and _named(r, "人力资源", "lead"))
    assert said.understood and ids(said) == both


def test_members_after_a_dash_are_any_of_the_group(assistant: Assistant) -> None:
    said = assistant.ask("营口市里这几个部门——审计局、科学技术局——涉及哪些任务")
    either = rows_where(assistant, "yingkou", lambda r: _named(r, "审计") or _named(r, "科学技术"))
    assert ids(said) == either


def test_neither_role_said_with_a_verb_of_serving(assistant: Assistant) -> None:
    said = assistant.ask("营口市财政局既不牵头也不当责任单位的任务有哪些")
    assert said.understood and ids(said) == rows_where(assistant, "yingkou", lambda r: not _named(r, "财政"))


def test_an_agency_not_listed_in_said_with_a_verb_of_listing(assistant: Assistant) -> None:
    said = assistant.ask("营口有人社局参与、但审计局没列进去的任务")
    expected = rows_where(assistant, "yingkou", lambda r: _named(r, "人力资源") and not _named(r, "审计"))
    assert said.understood and ids(said) == expected


def test_a_column_that_only_names_one_agency_said_with_a_measure_word(assistant: Assistant) -> None:
    said = assistant.ask("营口哪些任务的责任单位就光写了个各县区")
    alone = rows_where(assistant, "yingkou", lambda r: r.responsible == ["各县区"])
    assert said.understood and alone and ids(said) == alone


def test_a_text_the_column_does_not_even_hold(assistant: Assistant) -> None:
    said = assistant.ask("营口哪些任务的责任单位里连“各县区”都没写")
    assert said.understood
    assert ids(said) == rows_where(assistant, "yingkou", lambda r: not any("各县区" in c for c in r.responsible))


def test_times_counted_per_agency_with_hui(assistant: Assistant) -> None:
    said = assistant.ask("环翠区教育体育局和人社局作为牵头单位各出现几回")
    assert said.plan.operation == "group_count" and said.understood


def test_a_row_number_past_the_end_of_the_list_is_said_not_to_exist(assistant: Assistant) -> None:
    said = assistant.ask("环翠区第17项是什么")
    assert said.abstained and not said.citations and "16" in said.answer and "17" in said.answer
    assert not assistant.ask("环翠区第16项是什么").abstained


def test_a_deadline_that_names_two_years(assistant: Assistant) -> None:
    said = assistant.ask("辽宁清单里完成时间写了两个年份的任务")
    two = rows_where(assistant, "liaoning", lambda r: len(set(r.deadline_years)) == 2)
    assert said.understood and two and ids(said) == two
    one = assistant.ask("辽宁清单里完成时间只有一个年份的有几条")
    assert ids(one) == rows_where(assistant, "liaoning", lambda r: len(set(r.deadline_years)) == 1)


def test_a_category_named_by_a_clause_of_another_lists_category(assistant: Assistant) -> None:
    said = assistant.ask("省里清单“充分发挥职业院校培训优势”板块下都有啥")
    assert ids(said) == rows_where(assistant, "liaoning", lambda r: "培训优势" in (r.category or ""))


def test_the_fewest_agency_then_its_rows_in_a_second_clause(assistant: Assistant) -> None:
    said = assistant.ask("环翠区牵头任务最少的是哪家单位，它牵头的是哪条")
    assert said.plan.group_by == "agency" and said.plan.pick == "min" and said.understood


def test_a_row_asked_in_the_clause_of_the_extreme_is_ranked_by_its_agencies(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店哪条任务的责任部门最多，有几个")
    assert said.plan.group_by == "row"


def test_the_parents_answer_shows_the_asked_rows_own_text(assistant: Assistant) -> None:
    said = assistant.ask("省里哪条是瓦房店47号任务的来源")
    assert assistant.row("wafangdian#47").text[:20] in said.answer


def test_the_row_of_another_local_list_carrying_out_the_same_parent(assistant: Assistant) -> None:
    links = assistant.engine.links
    parents = [v.parent for v in links.parents_of("yingkou#39")]
    cousins = {v.child for p in parents for v in links.children_of(p) if v.child.startswith("wafangdian#")}
    assert parents and cousins
    asked = assistant.ask("营口第39条在瓦房店对应的是哪条")
    assert cousins <= set(ids(asked)) and "yingkou#39" in ids(asked)
    first, second = converse(assistant, "营口审计局参与了哪几条", "第二条在瓦房店对应哪条")
    assert ids(first)[1] == "yingkou#39" and cousins <= set(ids(second)) and second.understood


def test_the_latter_of_two_previous_rows(assistant: Assistant) -> None:
    first, latter = converse(assistant, "瓦房店应急局负责哪些", "后面那条的责任部门都有谁")
    assert len(ids(first)) == 2 and ids(latter) == ids(first)[1:] and latter.understood


def test_the_number_of_lists_is_read(assistant: Assistant) -> None:
    said = assistant.ask("四份清单一共多少项")
    assert said.understood and "172" in said.answer


def test_the_last_of_the_institutions_own_measures(assistant: Assistant) -> None:
    own = rows_where(assistant, "liaoning", lambda r: r.measures is not None)
    said = assistant.ask("锦州师专自己的举措里最后一条是哪条")
    assert own and ids(said) == own[-1:]


def test_content_filled_or_not_without_a_column_named(assistant: Assistant) -> None:
    filled = rows_where(assistant, "liaoning", lambda r: r.measures is not None)
    said = assistant.ask("锦州师专填了内容的有几条")
    assert said.plan.operation == "count" and ids(said) == filled and said.understood
    column = assistant.ask("环翠区责任单位有内容的有多少项")
    assert ids(column) == rows_where(assistant, "huancui", lambda r: bool(r.responsible))


def test_which_number_is_not_a_count(assistant: Assistant) -> None:
    said = assistant.ask("区委组织部在环翠那张表里领头的算第几项")
    assert said.plan.operation == "list"


def test_a_column_word_typed_with_the_same_pinyin(assistant: Assistant) -> None:
    said = assistant.ask("营口清单第24条的签头单位是谁")
    assert ids(said) == ["yingkou#24"] and said.plan.fields[:1] == ["lead"] and said.understood


def test_a_row_number_right_after_the_list_word(assistant: Assistant) -> None:
    said = assistant.ask("环翠那个清单3条的责任单位")
    assert ids(said) == ["huancui#3"] and said.understood


def test_the_first_of_the_two_rows_then_its_parent(assistant: Assistant) -> None:
    first, asked = converse(assistant, "退役军人事务局在营口那张表里出现在哪些地方",
                            "这两项当中第一项对应辽宁哪一条")
    assert len(ids(first)) == 2
    assert asked.plan.reference is not None and asked.plan.reference.position == 1
    assert ids(first)[1] not in ids(asked)


def test_the_city_party_committees_departments_as_a_group(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店有市委的部门参与的任务")
    members = {"organization", "publicity", "united_front", "staffing", "education_committee"}
    assert ids(said) == rows_where(assistant, "wafangdian", lambda r: bool(members & set(r.agency_ids)))


def test_the_tasks_of_two_agencies_are_either_and_both_asks_for_both(assistant: Assistant) -> None:
    either = assistant.ask("瓦房店应急局跟总工会的活儿有哪些")
    union = rows_where(assistant, "wafangdian", lambda r: _named(r, "总工会") or _named(r, "应急"))
    assert ids(either) == union
    both = assistant.ask("应急局跟总工会在瓦房店一起参加的事项")
    assert ids(both) == rows_where(assistant, "wafangdian", lambda r: _named(r, "总工会") and _named(r, "应急"))
    listed = assistant.ask("环翠区发改局和工信局的任务都有哪些")
    assert ids(listed) == rows_where(assistant, "huancui", lambda r: _named(r, "发改") or _named(r, "工业和信息化"))


def test_a_column_left_blank_beside_another_filled(assistant: Assistant) -> None:
    said = assistant.ask("师专那边完成目标有写、具体举措却没写的是哪几条")
    expected = rows_where(assistant, "liaoning", lambda r: r.measures is not None and bool(r.measures.targets)
                          and not r.measures.actions)
    assert expected and ids(said) == expected


def test_led_solely_by_in_english(assistant: Assistant) -> None:
    said = assistant.ask("Which Yingkou tasks are led solely by the finance bureau?")
    alone = rows_where(assistant, "yingkou", lambda r: len(r.lead_ids) == 1 and r.lead_ids[0] == "finance")
    assert said.understood and ids(said) == alone


def test_written_there_refers_to_the_row_just_named(assistant: Assistant) -> None:
    first, there = converse(assistant, "Show row 35 of the Liaoning list", "What is the target written there?")
    assert ids(first) == ["liaoning#35"] and ids(there) == ["liaoning#35"]


def test_a_cell_that_joins_its_names_with_a_word_is_shown_as_written(assistant: Assistant) -> None:
    row = assistant.row("huancui#16")
    said = assistant.ask("环翠区第16项的责任单位那格原样是什么")
    assert "及" in row.written["responsible"] and re.sub(r"\s+", "", row.written["responsible"]) in said.answer


def test_a_count_for_each_year_named(assistant: Assistant) -> None:
    said = assistant.ask("省清单里2021年和2025年到期的各是几条")
    assert said.plan.operation == "group_count" and said.plan.group_by == "year"
    for year in (2021, 2025):
        due = rows_where(assistant, "liaoning", lambda r, y=year: y in r.deadline_years)
        line = next(ln for ln in said.answer.splitlines() if ln.startswith(f"| {year}年"))
        assert f"{len(due)}项" in line
    assert not any(ln.startswith("| 2023年") for ln in said.answer.splitlines())


def test_counts_per_deadline_year_keep_the_rows_with_none(assistant: Assistant) -> None:
    said = assistant.ask("环翠区按完成年份统计各有几项")
    none = rows_where(assistant, "huancui", lambda r: not r.deadline_years)
    assert said.plan.group_by == "year" and next(ln for ln in said.answer.splitlines()
                                                   if ln.startswith("| — ")).count("项") >= 1
    assert f"{len(none)}项" in next(ln for ln in said.answer.splitlines() if ln.startswith("| — "))


def test_the_institutions_offices_counted_each(assistant: Assistant) -> None:
    said = assistant.ask("师专的各个处室分别承担几项")
    assert said.plan.operation == "group_count" and said.plan.group_by == "agency" and said.understood


def test_which_number_a_topic_has_is_a_search_that_can_find_nothing(assistant: Assistant) -> None:
    nowhere = assistant.ask("环翠提到学分银行的是第几项")
    assert not nowhere.citations and nowhere.plan.operation != "fact"
    there = assistant.ask("瓦房店讲学分银行的算第几项")
    assert ids(there) == rows_where(assistant, "wafangdian", lambda r: "学分银行" in r.text)


def test_those_two_of_the_province_after_a_lineage_answer(assistant: Assistant) -> None:
    row, parents, due = converse(assistant, "营口第32条说的啥", "它对应省里哪几条", "省里那两条的完成时间呢")
    provincial = [i for i in ids(parents) if i.startswith("liaoning#")]
    assert len(provincial) == 2 and ids(due) == provincial and due.understood


def test_a_row_named_by_what_it_says_then_asked_whether_a_column_is_filled(assistant: Assistant) -> None:
    row = next(r for r in assistant.engine.catalog.filter(["huancui"]) if not r.responsible and "工匠" in r.text)
    said = assistant.ask("环翠讲工匠后备人才的那一条，责任单位填了没有")
    assert ids(said) == [row.id] and "不符合" in said.answer and said.understood
    filled = assistant.ask("营口讲专项债券那条有没有写牵头单位")
    assert len(ids(filled)) == 1 and "不符合" not in filled.answer


def test_a_provincial_row_the_institution_left_blank_is_found_by_what_it_says(assistant: Assistant) -> None:
    blank = next(r for r in assistant.engine.catalog.filter(["liaoning"]) if r.measures is None and "学分银行" in r.text)
    said = assistant.ask("省里学分银行那条，师专有没有写落实举措")
    assert ids(said) == [blank.id] and "不符合" in said.answer


def test_two_agencies_with_a_verb_are_read_as_both_and_the_answer_says_how_to_ask_for_either(
        assistant: Assistant) -> None:
    said = assistant.ask("瓦房店应急局与退役军人事务局参加的事项")
    assert "应急局或退役军人事务局" in said.answer
    assert ids(said) == rows_where(assistant, "wafangdian", lambda r: _named(r, "应急") and _named(r, "退役军人"))
    together = assistant.ask("瓦房店应急局与退役军人事务局一同参加的事项")
    assert "或退役军人事务局" not in together.answer
