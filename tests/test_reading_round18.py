"""Round eighteen of reading questions: forecasts and judgements refused, a sum of money no row states, a list's
own date asked of its document, names the lists lack reported as typed, English co-leads, a counting convention
said in brackets."""

from __future__ import annotations

from assistant.core import Assistant
from assistant.execute.topics import has_unit
from assistant.understand.plan import RowsAtom
from tests.asking import ids, rows_where


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
