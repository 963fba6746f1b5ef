"""Round eighteen of reading questions: forecasts and judgements refused, a sum of money no row states, a list's
own date asked of its document, names the lists lack reported as typed, English co-leads, a counting convention
said in brackets."""

from __future__ import annotations

from assistant.core import Assistant
from assistant.execute.topics import has_unit
from assistant.understand.plan import CategoryAtom, RowsAtom
from tests.asking import converse, ids, rows_where


def test_a_forecast_or_a_judgement_is_refused(assistant: Assistant) -> None:
    for question in ("你觉得营口到2022年能不能完成这些目标", "Do you think Wafangdian is on track with its training targets?"):
        said = assistant.ask(question)
        assert said.abstained and not ids(said) and said.plan is not None and said.plan.refuse_reason == "outcome"


def test_a_budget_no_row_states_is_not_answered_from_a_row(assistant: Assistant) -> None:
    rows = assistant.engine.catalog.filter(["huancui"])
    assert not any(has_unit(r, "money") for r in rows)  # no row of this list states a sum of money
    said = assistant.ask("环翠区今年给职业教育的预算是多少")
    assert said.abstained and not ids(said)


def test_the_date_a_document_was_issued_is_asked_of_the_list(assistant: Assistant) -> None:
    facts = assistant.engine.catalog.documents_by_key["liaoning"].facts
    said = assistant.ask("辽宁那个意见是哪一天印发的")
    assert said.plan is not None and said.plan.operation == "about" and said.understood
    assert said.abstained == (not any(k.endswith("日期") for k in facts))


def test_a_place_with_no_list_is_named_as_the_question_wrote_it(assistant: Assistant) -> None:
    said = assistant.ask("Which rows of the Tieling task list involve the finance bureau?")
    assert said.abstained and "Tieling" in said.answer
    english = assistant.ask("Which rows of the Tianjin task list involve the finance bureau?")
    assert english.abstained and "Tianjin" in english.answer


def test_an_unknown_agency_is_reported_with_its_level(assistant: Assistant) -> None:
    said = assistant.ask("What does 区市场监督局 do in the Huancui list?")
    assert not ids(said) and "区市场监督局" in said.answer


def test_english_co_leads(assistant: Assistant) -> None:
    said = assistant.ask("Which Huancui rows are led jointly by the tax bureau and the finance bureau?")
    assert ids(said) == rows_where(assistant, "huancui", lambda r: {"tax", "finance"} <= set(r.lead_ids)) and ids(said)


def test_a_counting_convention_in_brackets_is_no_reference(assistant: Assistant) -> None:
    said = assistant.ask("环翠区每家牵头单位各牵了几条（联合牵头的两家都算一次）")
    assert said.understood and said.plan is not None and said.plan.operation == "group_count"
    assert said.plan.group_by == "agency" and said.plan.fields == ["lead"]


def test_an_agency_other_than_one_named_in_a_role(assistant: Assistant) -> None:
    other = rows_where(assistant, "yingkou", lambda r: bool(set(r.lead_ids) - {"education"}))
    said = assistant.ask("营口哪些条目有教育局以外的部门牵头")
    assert said.understood and ids(said) == other and ids(said)
    english = assistant.ask("Which Yingkou rows are co-led by an agency other than the education bureau?")
    assert ids(english) == other


def test_a_number_of_columns_is_no_position(assistant: Assistant) -> None:
    said = assistant.ask("辽宁那张表，师专的后面四栏都空着的条目有哪些")
    assert said.understood and said.plan is not None
    assert not any(isinstance(a, RowsAtom) for a in said.plan.atoms())


def test_the_table_is_the_list_in_english(assistant: Assistant) -> None:
    contact = assistant.engine.catalog.documents_by_key["liaoning"].facts["联系人"]
    said = assistant.ask("Who is the contact person on the Liaoning table?")
    assert said.understood and said.plan is not None and said.plan.operation == "about" and contact in said.answer


def test_a_bare_party_committee_is_no_unknown_name(assistant: Assistant) -> None:
    said = assistant.ask("Yingkou rows with a 市委 body among the units (市委编办 or 市委宣传部)")
    assert said.plan is not None and not said.plan.unresolved
    assert ids(said) == rows_where(assistant, "yingkou", lambda r: {"staffing", "publicity"} & set(r.agency_ids))


def test_a_function_word_is_no_topic_noun_that_rows_must_hold(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店 targets for 骨干教师 and 名师?")
    assert any("骨干教师" in r.text for r in assistant.engine.catalog.filter(["wafangdian"]) if r.id in ids(said))


def test_it_in_english_is_the_agency_in_another_role(assistant: Assistant) -> None:
    _, lead = converse(assistant, "In Huancui, which rows list the tax bureau as a responsible unit?",
                       "and where is it the lead?")
    assert ids(lead) == rows_where(assistant, "huancui", lambda r: "tax" in r.lead_ids) and ids(lead)


def test_the_rows_both_answers_hold(assistant: Assistant) -> None:
    *_, both = converse(assistant, "环翠区发改局参与了哪些", "换成工信局呢", "两个都有的是哪几条")
    assert ids(both) == rows_where(assistant, "huancui", lambda r: {"development_reform", "industry_it"}
                                   <= set(r.agency_ids)) and ids(both)


def test_the_school_offices_ranked_and_a_quoted_name_not_counted(assistant: Assistant) -> None:
    offices = assistant.ask("Which school office of Jinzhou Normal is the responsible unit most often?")
    assert offices.understood and offices.plan is not None and offices.plan.operation == "group_count"
    said = assistant.ask("营口：不算“各县区”，作为责任单位出现最多的是谁")
    assert said.plan is not None and said.plan.groups is not None
    assert said.plan.groups.excluding == ["counties_districts"]


def test_a_category_named_in_part_then_that_class(assistant: Assistant) -> None:
    said = assistant.ask("辽宁“提质培优”那一类有几条")
    assert said.plan is not None and any(isinstance(a, CategoryAtom) for a in said.plan.atoms())


def test_an_english_ordinal_in_digits_under_a_category(assistant: Assistant) -> None:
    said = assistant.ask("Liaoning: the 2nd task under the 提质培优 category?")
    rows = rows_where(assistant, "liaoning", lambda r: "提质培优" in (r.category or ""))
    assert ids(said) == rows[1:2]


def test_a_glossed_name_keeps_the_agencies_one_list(assistant: Assistant) -> None:
    said = assistant.ask("Wafangdian rows handled by just the education bureau and the HR bureau (人社局), no one else")
    assert ids(said) == rows_where(assistant, "wafangdian", lambda r: set(r.agency_ids) == {"education", "hrss"})


def test_townships_in_english(assistant: Assistant) -> None:
    said = assistant.ask("Which Wafangdian rows involve township governments?")
    assert ids(said) == rows_where(assistant, "wafangdian", lambda r: "townships" in r.agency_ids) and ids(said)


def test_filling_measures_in_said_in_english(assistant: Assistant) -> None:
    said = assistant.ask("Which Liaoning rows did the Jinzhou school fill measures in for?")
    assert said.understood and ids(said) == rows_where(assistant, "liaoning", lambda r: r.measures is not None)


def test_a_follow_up_naming_no_list_keeps_the_lists_asked_about(assistant: Assistant) -> None:
    _, second = converse(assistant, "瓦房店人社局参与了哪几条", "教育局参与的有哪几条")
    assert second.plan is not None and second.plan.scope.places == ["瓦房店市"]


def test_an_agency_of_a_place_without_a_list_is_named_as_typed(assistant: Assistant) -> None:
    said = assistant.ask("普兰店区教育局负责哪些任务")
    assert said.abstained and "普兰店区教育局" in said.answer
