"""Round seventeen of reading questions: why a question is asked said around it, a role negated and another kept,
neither role said each with its negator, one name in a column, a name compared whole, a column said as where to
look, English sections and glosses, lineage of a few previous rows, a row's column asked with 这条."""

from __future__ import annotations

from assistant.core import Assistant
from assistant.understand.plan import EmptyAtom, SizeAtom, TextAtom
from tests.asking import converse, ids, rows_where

PARTY = {"organization", "publicity", "united_front", "staffing", "education_committee"}


def test_a_sentence_of_purpose_after_the_question_is_not_read(assistant: Assistant) -> None:
    said = assistant.ask("环翠清单中区财政局都承担哪些工作？我们回头跟编办对口径。")
    assert said.understood and said.plan is not None and said.plan.rank is None
    assert ids(said) == rows_where(assistant, "huancui", lambda r: "finance" in r.agency_ids)


def test_a_leading_clause_of_purpose_before_a_comma_is_not_read(assistant: Assistant) -> None:
    said = assistant.ask("周会要用，环翠区清单里写了完成年份的有哪几条")
    assert said.understood and said.plan is not None and said.plan.rank is None
    assert any(isinstance(a, EmptyAtom) for a in said.plan.atoms())


def test_a_full_stop_inside_quotes_ends_no_sentence(assistant: Assistant) -> None:
    question = "辽宁 rows whose task text ends in “机制。” please"
    assert assistant.engine.lexicon.without_context(question) == question


def test_a_role_negated_then_another_role_said(assistant: Assistant) -> None:
    said = assistant.ask("环翠区的区发改局不是牵头、只是作为责任单位的任务有哪些")
    assert said.understood
    assert ids(said) == rows_where(assistant, "huancui", lambda r: "development_reform" in r.responsible_ids
                                   and "development_reform" not in r.lead_ids) and ids(said)
    plain = assistant.ask("环翠区区发改局不牵头但参与的任务")
    assert ids(plain) == ids(said)


def test_neither_role_said_each_with_its_own_negator(assistant: Assistant) -> None:
    said = assistant.ask("环翠区里区人力资源社会保障局不沾边的任务是哪些？就是既不牵头也不在责任单位里")
    assert said.understood
    assert ids(said) == rows_where(assistant, "huancui", lambda r: "hrss" not in r.agency_ids) and ids(said)


def test_english_no_involvement_from_an_agency(assistant: Assistant) -> None:
    said = assistant.ask("Huancui rows led by the Education and Sports Bureau with no involvement from the finance bureau")
    assert said.understood
    assert ids(said) == rows_where(assistant, "huancui", lambda r: "education" in r.lead_ids
                                   and "finance" not in r.agency_ids) and ids(said)


def test_one_name_in_the_lead_column(assistant: Assistant) -> None:
    said = assistant.ask("环翠区哪些任务的牵头单位只有一家（不是联合牵头）")
    assert said.understood
    assert ids(said) == rows_where(assistant, "huancui", lambda r: len(r.lead_ids) == 1)
    blank = assistant.ask("环翠区有没有只有一个牵头单位、责任单位也空着的任务")
    assert said.plan is not None and blank.plan is not None
    sizes = [a for a in blank.plan.atoms() if isinstance(a, SizeAtom)]
    assert [a.field for a in sizes] == ["lead"]
    assert ids(blank) == rows_where(assistant, "huancui", lambda r: len(r.lead_ids) == 1 and not r.responsible)


def test_leading_alone_with_no_agency_said(assistant: Assistant) -> None:
    said = assistant.ask("环翠清单里哪几项是单独牵头的")
    assert said.understood and ids(said) == rows_where(assistant, "huancui", lambda r: len(r.lead_ids) == 1)
    first, alone = converse(assistant, "环翠区区教育体育局牵头了哪几条", "其中它单独牵头的")
    assert alone.understood and ids(alone) == rows_where(assistant, "huancui", lambda r: r.lead_ids == ["education"])


def test_a_name_a_column_writes_is_compared_whole(assistant: Assistant) -> None:
    said = assistant.ask("营口清单里牵头单位写作“市教育”的是哪条")
    assert ids(said) == rows_where(assistant, "yingkou", lambda r: "市教育" in r.lead) and ids(said)


def test_a_column_said_as_where_to_look_holds_the_text(assistant: Assistant) -> None:
    said = assistant.ask("环翠区清单的责任单位里，哪些条最后带着“等”字")
    assert said.plan is not None
    texts = [a for a in said.plan.atoms() if isinstance(a, TextAtom)]
    assert [(a.field, a.at) for a in texts] == [("responsible", "end")]
    targets = assistant.ask("看下师专完成目标一栏，哪几项用到了“力争”")
    assert ids(targets) == rows_where(assistant, "liaoning", lambda r: r.measures is not None
                                      and "力争" in (r.measures.targets or "")) and ids(targets)


def test_an_english_section_named_by_the_glossary(assistant: Assistant) -> None:
    said = assistant.ask("Which Liaoning tasks fall under the Belt and Road heading?")
    assert said.understood
    assert ids(said) == rows_where(assistant, "liaoning", lambda r: "一带一路" in (r.category or "")) and ids(said)


def test_the_school_side_unit_written_as_one_word(assistant: Assistant) -> None:
    said = assistant.ask('Liaoning rows where the school-side responsible unit is written simply as "学校"')
    assert said.understood
    assert ids(said) == rows_where(assistant, "liaoning", lambda r: r.measures is not None
                                   and list(r.measures.units) == ["学校"]) and ids(said)


def test_a_chinese_gloss_in_brackets_is_the_same_agency(assistant: Assistant) -> None:
    said = assistant.ask("Wafangdian rows involving the staffing office (编办)")
    assert ids(said) == rows_where(assistant, "wafangdian", lambda r: "staffing" in r.agency_ids) and ids(said)
    bodies = assistant.ask("Which Yingkou rows involve the party committee bodies?")
    assert ids(bodies) == rows_where(assistant, "yingkou", lambda r: PARTY & set(r.agency_ids)) and ids(bodies)


def test_a_stem_shares_the_head_of_the_name_after_it(assistant: Assistant) -> None:
    said = assistant.ask("环翠清单里，人社和教育部门（牵头、配合都算）涉及的事项")
    assert said.understood
    assert ids(said) == rows_where(assistant, "huancui", lambda r: {"hrss", "education"} & set(r.agency_ids))


def test_a_place_and_a_carry_word_after_a_few_rows(assistant: Assistant) -> None:
    first, carried = converse(assistant, "在瓦房店，保障经费长效稳定投入这个类别下列了哪几条",
                              "那营口落实的对应条目呢")
    assert len(ids(first)) > 3 and carried.plan is not None and carried.plan.operation == "lineage"
    assert any(i.startswith("yingkou#") for i in ids(carried))


def test_this_row_with_a_column_is_not_the_agency_in_another_role(assistant: Assistant) -> None:
    _, one, column = converse(assistant, "环翠区区委组织部参与了哪些", "其中它单独牵头的", "这条的责任单位有哪些")
    assert len(ids(one)) == 1 and column.plan is not None and not column.plan.agencies()
    assert ids(column) == ids(one)


def test_english_lineage_asked_with_it(assistant: Assistant) -> None:
    said = assistant.ask("Yingkou task 27 - which Liaoning rows is it implementing?")
    assert said.plan is not None and said.plan.lineage == "parents"
    assert any(i.startswith("liaoning#") for i in ids(said))


def test_a_tie_clause_is_no_reference(assistant: Assistant) -> None:
    said = assistant.ask("Which Huancui row names the greatest number of responsible units? "
                         "In case of a tie, give all of them.")
    assert said.understood and said.plan is not None and said.plan.operation == "group_count"
    assert said.plan.group_by == "row" and said.plan.reference is None


def test_a_task_named_by_its_words_ending_like_an_agency(assistant: Assistant) -> None:
    said = assistant.ask("锦州师专在优化专业布局那项里完成时间是哪年")
    assert said.plan is not None and not said.plan.unresolved and said.understood


def test_the_row_of_a_place_from_an_earlier_answer(assistant: Assistant) -> None:
    *_, led = converse(assistant, "Which Wafangdian row carries out Liaoning task 52?", "Same question for Yingkou",
                       "Who is responsible for the Wafangdian one?")
    wafangdian = [i for i in ids(led) if i.startswith("wafangdian#")]
    assert led.plan is not None and led.plan.reference is not None and len(wafangdian) == 1 == len(ids(led))


def test_the_place_beside_that_row_picks_it_among_two_local_rows(assistant: Assistant) -> None:
    *_, parents = converse(assistant, "瓦房店第47条对应省清单哪一条", "营口有没有落实省里这同一条的",
                           "营口那条还对应省里哪些任务")
    assert parents.plan is not None and parents.plan.reference is not None
    assert [r for r in parents.plan.reference.rows] == [i for i in ids(parents) if i.startswith("yingkou#")]


def test_a_switch_then_the_whole_question_again_carries_nothing_else(assistant: Assistant) -> None:
    *_, again = converse(assistant, "List the Wafangdian rows where the tax office shows up",
                         "Of those, which one sits in 全面推进校企协同育人?",
                         "And for Huancui — where does the tax bureau take part?")
    assert ids(again) == rows_where(assistant, "huancui", lambda r: "tax" in r.agency_ids) and ids(again)


def test_a_role_said_in_english_after_a_negated_agency(assistant: Assistant) -> None:
    said = assistant.ask("Which Yingkou rows do not list the finance bureau among the responsible units?")
    assert ids(said) == rows_where(assistant, "yingkou", lambda r: "finance" not in r.responsible_ids) and ids(said)
    kept = assistant.ask("Which Yingkou rows have the education bureau among the responsible units?")
    assert ids(kept) == rows_where(assistant, "yingkou", lambda r: "education" in r.responsible_ids) and ids(kept)


def test_words_said_of_that_row_name_one_row(assistant: Assistant) -> None:
    said = assistant.ask("学分银行建设那条，牵头的是谁")
    assert said.plan is not None and said.plan.operation == "fact" and len(ids(said)) == 1


def test_two_groups_with_examples_of_both(assistant: Assistant) -> None:
    members = PARTY | {"trade_union", "youth_league", "womens_federation"}
    said = assistant.ask("Which Yingkou rows involve party committee bodies or mass organizations, e.g. the "
                         "organization department or the trade union?")
    assert said.understood and ids(said) == rows_where(assistant, "yingkou", lambda r: members & set(r.agency_ids))


def test_chinese_glossed_after_an_english_word_of_mentioning(assistant: Assistant) -> None:
    said = assistant.ask("Yingkou rows whose text mentions teachers (教师) and that also have the finance bureau "
                         "among the responsible units")
    assert said.understood and ids(said) == rows_where(
        assistant, "yingkou", lambda r: "教师" in r.text and "finance" in r.responsible_ids) and ids(said)
