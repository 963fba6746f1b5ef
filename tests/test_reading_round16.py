"""Round sixteen of reading questions: names left out of a ranking, a clause of context before a colon, English
roles and group names, lineage of the previous rows in English, a text the institution's measures hold."""

from __future__ import annotations

from assistant.core import Assistant
from tests.asking import converse, ids, rows_where


def _counts(assistant: Assistant, doc: str, column: str, leave_out: set[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in assistant.engine.catalog.filter([doc]):
        for agency in set(getattr(row, f"{column}_ids")) - leave_out:
            counts[agency] = counts.get(agency, 0) + 1
    return counts


def test_a_quoted_name_after_except_is_left_out_of_the_ranking(assistant: Assistant) -> None:
    said = assistant.ask("营口的责任单位里，除开“各县区”，哪家单位出现得最多")
    counts = _counts(assistant, "yingkou", "responsible", {"counties_districts"})
    best = max(counts.values())
    assert said.understood and said.plan is not None and said.plan.groups is not None
    assert said.plan.groups.excluding == ["counties_districts"] and f"（{best}项）" in said.answer


def test_names_not_counted_for_now_are_left_out(assistant: Assistant) -> None:
    said = assistant.ask("辽宁那份，省教育厅先不算，其他部门谁出现的条数最多")
    assert said.understood and said.plan is not None and said.plan.groups is not None
    assert "education" in said.plan.groups.excluding


def test_not_as_lead_in_brackets_is_the_responsible_column(assistant: Assistant) -> None:
    said = assistant.ask("In Huancui, how many rows does each of these appear in (not as lead): 区财政局, 区发改局?")
    assert said.plan is not None and said.plan.fields == ["responsible"] and said.plan.groups is not None
    assert set(said.plan.groups.among) == {"finance", "development_reform"}
    counts = _counts(assistant, "huancui", "responsible", set())
    assert f"| {counts['finance']} |" in said.answer


def test_a_clause_of_context_before_a_colon_is_not_a_topic(assistant: Assistant) -> None:
    said = assistant.ask("周五汇报材料里要写：瓦房店财政局和税务局各自参与了几条")
    assert said.understood and said.plan is not None and said.plan.operation == "group_count"
    assert said.plan.rank is None


def test_english_agency_names_without_their_head_noun(assistant: Assistant) -> None:
    said = assistant.ask("Which Wafangdian rows bring in the emergency management folks?")
    assert said.understood and ids(said) == rows_where(assistant, "wafangdian", lambda r: "emergency" in r.agency_ids)


def test_the_provincial_party_committee_and_the_agriculture_sector(assistant: Assistant) -> None:
    party = {"organization", "publicity", "united_front", "staffing", "education_committee"}
    said = assistant.ask("省里的清单，省委那些部门都管了哪几条")
    assert ids(said) == rows_where(assistant, "liaoning", lambda r: party & set(r.agency_ids)) and ids(said)
    farming = assistant.ask("营口要农业部门配合的是哪几项")
    assert ids(farming) == rows_where(assistant, "yingkou", lambda r: "agriculture" in r.responsible_ids)


def test_a_name_the_task_text_calls_out(assistant: Assistant) -> None:
    said = assistant.ask("营口哪几条直接点了“营口职业技术学院”的名")
    assert said.understood and ids(said) == rows_where(assistant, "yingkou", lambda r: "营口职业技术学院" in r.text)


def test_neither_as_lead_nor_as_a_responsible_unit_in_english(assistant: Assistant) -> None:
    said = assistant.ask("In Huancui, which rows have 区财政局 neither as lead nor as a responsible unit?")
    assert ids(said) == rows_where(assistant, "huancui", lambda r: "finance" not in r.agency_ids)


def test_only_to_two_agencies_and_no_other_department(assistant: Assistant) -> None:
    pair = {"education", "hrss"}
    expected = rows_where(assistant, "wafangdian", lambda r: set(r.agency_ids) == pair)
    said = assistant.ask("Which Wafangdian tasks go only to 教育局 and 人社局?")
    assert said.understood and ids(said) == expected
    other = assistant.ask("Wafangdian rows for 教育局 and 人社局 with no other department")
    assert other.understood and ids(other) == expected


def test_the_nth_one_of_the_previous_rows_carried_out_in_english(assistant: Assistant) -> None:
    first, second = converse(assistant, "List the Liaoning rows where 省审计厅 appears",
                             "In Yingkou's list, what carries out the second one?")
    assert len(ids(first)) == 2
    assert second.plan is not None and second.plan.lineage == "children"
    assert second.plan.reference is not None and second.plan.reference.position == 2
    assert ids(first)[1] in ids(second) and any(i.startswith("yingkou#") for i in ids(second))
    _, one = converse(assistant, "Show Yingkou rows with 产业学院 in them", "In the Liaoning list, what does the first one carry out?")
    assert one.plan is not None and one.plan.lineage == "parents" and one.plan.reference is not None
    assert one.plan.reference.position == 1


def test_those_rows_of_one_list_among_the_previous_answer(assistant: Assistant) -> None:
    _, parents, those = converse(assistant, "Wafangdian tasks under 打造“双师型”教师队伍",
                                 "Do any of them have a counterpart in the Liaoning list?",
                                 "And those Liaoning rows: what completion time did the college give?")
    assert parents.plan is not None and parents.plan.lineage == "parents"
    provincial = [i for i in ids(parents) if i.startswith("liaoning#")]
    assert provincial and ids(those) == provincial


def test_a_text_with_no_column_named_is_found_in_the_institutions_measures_too(assistant: Assistant) -> None:
    said = assistant.ask("辽宁清单哪一项写着“1:350”")
    holding = rows_where(assistant, "liaoning", lambda r: "1:350" in r.text
                         or r.measures is not None and "1:350" in (r.measures.targets + r.measures.actions))
    assert holding and ids(said) == holding


def test_which_agency_leads_the_fewest_then_which_task_in_english(assistant: Assistant) -> None:
    said = assistant.ask("Of Huancui's 牵头单位, which one leads the fewest, and which row is it?")
    assert said.plan is not None and said.plan.group_by == "agency" and said.plan.pick == "min"


def test_a_text_said_of_names_is_looked_for_in_the_agency_columns(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店哪些条目里有名字带“市委”两个字的部门参加")
    expected = rows_where(assistant, "wafangdian", lambda r: any("市委" in n for n in (*r.lead, *r.responsible)))
    assert said.understood and expected and ids(said) == expected
