"""Round fourteen of reading questions: rows named by a count in a follow-up, a column's names counted, whether a
completion time is filled, a position under a category, a cell as written in English, rows ranked by how many names
a column holds, group words in many forms."""

from __future__ import annotations

from assistant.core import Assistant
from tests.asking import converse, ids, rows_where


def _names(row) -> int:  # type: ignore[no-untyped-def]
    return len(row.lead) + len(row.responsible)


def test_a_follow_up_naming_the_rows_by_their_count_keeps_nothing_else(assistant: Assistant) -> None:
    first, second = converse(assistant, "环翠区组织部负责哪几项", "这三项当中哪一项责任单位是空的")
    asked = ids(first)
    assert len(asked) == 3
    assert ids(second) == [r for r in rows_where(assistant, "huancui", lambda r: not r.responsible) if r in asked]
    assert ids(second) and second.plan is not None and not second.plan.agencies()


def test_only_so_many_names_in_a_row_counts_both_columns(assistant: Assistant) -> None:
    _, narrowed = converse(assistant, "瓦房店清单里税务局参与的", "这两条中哪条只有三个部门")
    assert narrowed.understood
    assert ids(narrowed) == rows_where(assistant, "wafangdian", lambda r: "tax" in r.agency_ids and _names(r) == 3)
    plain = assistant.ask("环翠区哪些任务只有两个单位")
    assert ids(plain) == rows_where(assistant, "huancui", lambda r: _names(r) == 2)


def test_a_completion_time_is_filled_in_its_column_when_the_list_has_one(assistant: Assistant) -> None:
    """Liaoning's list has the institution's completion time column: a year in a task's text does not fill it.
    Wafangdian's has none: a deadline its text states is its completion time."""
    filled = assistant.ask("辽宁清单中填了完成时间的任务有几项")
    stated = rows_where(assistant, "liaoning", lambda r: r.measures is not None and r.measures.due)
    assert filled.understood and f"{len(stated)}项" in filled.answer
    in_text = rows_where(assistant, "liaoning", lambda r: r.due_from_text and not (r.measures and r.measures.due))
    assert in_text  # the case told apart: a year the text names, the column empty
    deadline = assistant.ask("瓦房店有哪些任务写明了截止时间")
    assert ids(deadline) == rows_where(assistant, "wafangdian", lambda r: r.due) and ids(deadline)


def test_a_position_under_a_category_counts_within_it(assistant: Assistant) -> None:
    said = assistant.ask("In Wafangdian's list, which one is first under 打造“双师型”教师队伍?")
    section = rows_where(assistant, "wafangdian", lambda r: "双师型" in r.category)
    assert said.understood and ids(said) == section[:1]
    listed_first = assistant.ask("Of the first ten Wafangdian tasks, which involve 财政局?")
    assert ids(listed_first) == rows_where(assistant, "wafangdian", lambda r: r.row <= 10 and "finance" in r.agency_ids)


def test_an_english_answer_shows_a_cell_in_its_own_words(assistant: Assistant) -> None:
    row = next(r for r in assistant.engine.catalog.filter(["huancui"]) if "及" in r.written.get("responsible", ""))
    said = assistant.ask(f"Show me the responsible units of Huancui task {row.row} word for word")
    assert row.written["responsible"] in said.answer


def test_rows_ranked_by_how_many_names_a_column_holds(assistant: Assistant) -> None:
    fewest = assistant.ask("营口清单里，列出的责任单位个数最少的任务")
    counts = {r.id: len(r.responsible) for r in assistant.engine.catalog.filter(["yingkou"])}
    least = min(counts.values())
    assert fewest.plan is not None and fewest.plan.group_by == "row"
    assert ids(fewest) == [rid for rid, n in counts.items() if n == least]
    office = assistant.ask("锦州师专哪个处室当责任单位次数最多")  # a group asked: the offices are ranked
    assert office.plan is not None and office.plan.group_by == "agency"


def test_a_group_word_in_many_forms(assistant: Assistant) -> None:
    party = {"organization", "publicity", "united_front", "staffing", "education_committee"}
    expected = rows_where(assistant, "huancui", lambda r: party & set(r.agency_ids))
    for question in ("环翠区党委那边的单位参与了哪些任务", "环翠区区委系统参与的任务", "环翠区党委各部门有哪些任务"):
        said = assistant.ask(question)
        assert said.understood and ids(said) == expected, question
    taxes = assistant.ask("瓦房店财政税务那边的部门涉及哪些任务")
    assert ids(taxes) == rows_where(assistant, "wafangdian", lambda r: {"finance", "tax"} & set(r.agency_ids))


def test_groups_listed_as_examples_of_a_larger_one_are_read_on_the_question_as_asked(assistant: Assistant) -> None:
    """Three groups, then 这些 and a group holding them all: the first of them is an example too, however many
    characters the later ones are replaced by."""
    said = assistant.ask("环翠区里区委的部门和人大政协、群团组织这些党群单位参与的任务")
    members = {"organization", "publicity", "united_front", "staffing", "education_committee", "trade_union",
               "youth_league", "womens_federation", "peoples_congress", "cppcc"}
    assert ids(said) == rows_where(assistant, "huancui", lambda r: members & set(r.agency_ids))


def test_a_group_words_members_in_brackets_are_no_condition_of_their_own(assistant: Assistant) -> None:
    expected = rows_where(assistant, "yingkou", lambda r: {"finance", "tax"} & set(r.agency_ids))
    spelled = assistant.ask("营口财政税务那边的部门（财政跟税务）有哪些任务")
    assert spelled.understood and ids(spelled) == expected
    narrowed = assistant.ask("营口财税部门（税务局除外）参与的任务")  # a condition in the brackets is read
    assert ids(narrowed) == rows_where(assistant, "yingkou",
                                       lambda r: "finance" in r.agency_ids and "tax" not in r.agency_ids)


def test_words_in_brackets_after_a_hash_number_describe_the_row(assistant: Assistant) -> None:
    said = assistant.ask("Who is responsible for Yingkou #12 (the one on training bases)?")
    assert said.understood and ids(said) == ["yingkou#12"]


def test_a_quoted_character_the_column_does_not_have(assistant: Assistant) -> None:
    said = assistant.ask("环翠区牵头单位这一栏里一个“局”字也没有的任务")
    assert said.understood
    assert ids(said) == rows_where(assistant, "huancui", lambda r: "局" not in r.written.get("lead", ""))


def test_a_province_with_no_list_named_in_pinyin_is_refused(assistant: Assistant) -> None:
    said = assistant.ask("Which tasks on the Gansu provincial list mention internships?")
    assert said.abstained and said.understood and said.plan is not None
    assert said.plan.refuse_reason == "no_list" and "甘肃" in said.plan.scope.missing
    ours = assistant.ask("Which tasks on the provincial list mention internships?")  # the list held
    assert ours.plan is not None and ours.plan.scope.places == ["辽宁省"]


def test_a_word_the_category_quotes_names_it_in_the_list_asked(assistant: Assistant) -> None:
    section = rows_where(assistant, "wafangdian", lambda r: "双师型" in r.category)
    said = assistant.ask("瓦房店清单里双师型这部分一共几项")
    assert said.understood and f"{len(section)}项" in said.answer


def test_the_lists_agencies_are_shown_beside_the_institutions_measures_when_one_is_named(assistant: Assistant) -> None:
    said = assistant.ask("锦州师专的举措里，省人力资源社会保障厅参与的任务")
    assert said.understood and said.citations
    task_lines = [line for line in said.answer.splitlines() if line.startswith("- [辽宁省#")]
    assert len(task_lines) == len(said.citations)
    assert all("省人力资源社会保障厅" in line for line in task_lines)  # the list's own column, on each task's line


def test_count_as_a_verb_asks_for_a_count_each_agency_its_own(assistant: Assistant) -> None:
    said = assistant.ask("Count the Wafangdian tasks naming 财政局 and naming 税务局, separately")
    assert said.understood and said.plan is not None and said.plan.operation == "group_count"
    finance = rows_where(assistant, "wafangdian", lambda r: "finance" in r.agency_ids)
    assert f"| {len(finance)} |" in said.answer


def test_a_column_filled_with_a_possessive_between(assistant: Assistant) -> None:
    said = assistant.ask("Which Liaoning tasks did 锦州师专 fill in its own measures for?")
    assert said.understood
    assert ids(said) == rows_where(assistant, "liaoning", lambda r: r.measures is not None and not r.measures.is_empty())


def test_a_row_number_no_place_owns_is_a_row_of_the_previous_list_of_the_other_level(assistant: Assistant) -> None:
    _, parents = converse(assistant, "瓦房店那份清单中涉及税务局的事项", "第49条承接省里的哪个任务")
    assert parents.understood and parents.plan is not None and parents.plan.lineage == "parents"
    assert ids(parents)[0] == "wafangdian#49" and ids(parents)[1:] and all(
        r.startswith("liaoning#") for r in ids(parents)[1:])
    _, children = converse(assistant, "省里那份的第十三项说的啥", "瓦房店有没有落实第13条的任务")
    assert children.plan is not None and children.plan.lineage == "children"
    assert ids(children)[0] == "liaoning#13"
    own = converse(assistant, "省里那份的第十三项说的啥", "营口第13条讲的是什么")[1]  # the place owns the number
    assert ids(own) == ["yingkou#13"]


def test_is_there_a_row_carrying_it_out_asks_rather_than_says_none(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店有没有对应省里第31条的任务")
    assert said.plan is not None and said.plan.lineage == "children" and ids(said)[0] == "liaoning#31"


def test_an_unknown_federation_is_reported_as_an_unknown_name(assistant: Assistant) -> None:
    said = assistant.ask("营口市残联负责哪些任务")
    assert said.plan is not None and any(u.surface.endswith("残联") for u in said.plan.unresolved)
    assert not said.citations
    related = assistant.ask("营口有哪些任务跟产教融合有关联")  # 关联 is no name
    assert related.plan is not None and not related.plan.unresolved


def test_a_count_for_each_other_agency_leaves_the_one_named_out_of_the_groups(assistant: Assistant) -> None:
    said = assistant.ask("环翠区清单里除了区人力资源社会保障局，其他牵头单位各牵头几条")
    assert said.plan is not None and said.plan.operation == "group_count" and said.plan.groups is not None
    assert said.plan.groups.excluding == ["hrss"] and not said.plan.agencies(negated=True)
    led = rows_where(assistant, "huancui", lambda r: "education" in r.lead_ids)
    assert f"| {len(led)} |" in said.answer  # every row the education bureau leads, hrss or not


def test_a_count_word_typed_with_another_character_of_its_sound(assistant: Assistant) -> None:
    said = assistant.ask("营口市财政局牵头或参与的一共几跳")
    assert said.plan is not None and said.plan.operation == "count"
    assert said.understood and f"{len(rows_where(assistant, 'yingkou', lambda r: 'finance' in r.agency_ids))}" \
        in said.answer


def test_a_count_asked_again_for_each_year_counts_each(assistant: Assistant) -> None:
    said = assistant.ask("锦州师专填写的完成时间中：写2023年的几项？写2025年的几项？")
    assert said.plan is not None and said.plan.operation == "group_count" and said.plan.group_by == "year"
    due_2023 = rows_where(assistant, "liaoning", lambda r: r.measures is not None and "2023" in r.measures.due)
    assert f"{len(due_2023)}项" in said.answer


def test_versus_and_how_often_count_each_agency_named(assistant: Assistant) -> None:
    versus = assistant.ask("How many Yingkou rows name 市财政局 versus 市委编办?")
    often = assistant.ask("In Yingkou, how often do 市财政局 and 市委编办 appear?")
    for said in (versus, often):
        assert said.plan is not None and said.plan.operation == "group_count" and said.plan.groups is not None
        assert set(said.plan.groups.among) == {"finance", "staffing"}


def test_the_institutions_english_name_holds_no_place_with_no_list(assistant: Assistant) -> None:
    said = assistant.ask("Which measures did Jinzhou Normal fill in for the Liaoning list?")
    assert said.plan is not None and not said.plan.scope.missing and said.plan.operation != "refuse"


def test_a_column_named_then_its_verb_filled(assistant: Assistant) -> None:
    said = assistant.ask("锦州师专把具体举措这栏填上了的任务")
    assert said.understood
    assert ids(said) == rows_where(assistant, "liaoning", lambda r: r.measures is not None and bool(r.measures.actions))


def test_an_english_ordinal_after_a_category_counts_within_it(assistant: Assistant) -> None:
    section = rows_where(assistant, "wafangdian", lambda r: "宣传" in r.category)
    said = assistant.ask("Wafangdian, the 加大职业教育宣传力度 part: what is the third task?")
    assert ids(said) == section[2:3]


def test_an_unknown_agency_with_and_inside_its_name(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店清单里交通运输和港口管理局负责什么")
    assert said.plan is not None and any(u.surface.endswith("和港口管理局") for u in said.plan.unresolved)


def test_an_english_group_word_keeps_the_answer_in_english(assistant: Assistant) -> None:
    said = assistant.ask("Which Yingkou tasks involve the finance/tax departments?")
    assert said.plan is not None and said.plan.lang == "en" and said.understood
    assert ids(said) == rows_where(assistant, "yingkou", lambda r: {"finance", "tax"} & set(r.agency_ids))


def test_not_led_by_an_agency_alone_in_english(assistant: Assistant) -> None:
    said = assistant.ask("Which Huancui tasks aren't led by 区教育体育局 alone?")
    assert said.understood
    assert ids(said) == rows_where(assistant, "huancui", lambda r: set(r.lead_ids) != {"education"})


def test_how_many_sections_counts_the_categories(assistant: Assistant) -> None:
    sections = assistant.ask("How many sections does the Huancui list have?")  # the categories, counted
    assert sections.plan is not None and sections.plan.count_unit == "category"


def test_an_english_questions_unknown_chinese_words_are_the_lists_own(assistant: Assistant) -> None:
    ends = assistant.ask("Huancui tasks whose responsible units end with 等")
    assert ends.understood
    assert ids(ends) == rows_where(assistant, "huancui", lambda r: r.written.get("responsible", "").endswith("等"))
    unknown = assistant.ask("Which Yingkou tasks does the 市气象局 lead?")  # a name: reported, never quoted
    assert unknown.plan is not None and any(u.surface.endswith("气象局") for u in unknown.plan.unresolved)
    category = assistant.ask("Which Wafangdian tasks are under 打造“双师型”教师队伍?")  # quoted by the asker: kept
    assert ids(category) == rows_where(assistant, "wafangdian", lambda r: "双师型" in r.category)
    topic = assistant.ask("Which Huancui tasks concern 实训基地?")  # no verb of a cell's words before it: a topic
    assert topic.plan is not None and not topic.plan.quoted


def test_either_role_said_after_an_agency_in_english(assistant: Assistant) -> None:
    said = assistant.ask("Huancui: all tasks where the 税务 bureau takes part, leading or supporting")
    assert said.plan is not None and said.plan.agencies()[0].role == "any"
    assert ids(said) == rows_where(assistant, "huancui", lambda r: "tax" in r.agency_ids)


def test_an_agency_then_not_and_an_english_role(assistant: Assistant) -> None:
    said = assistant.ask("List the Wafangdian tasks 人社局 does not take part in")
    assert said.understood
    assert ids(said) == rows_where(assistant, "wafangdian", lambda r: "hrss" not in r.agency_ids)


def test_the_level_of_an_agency_is_no_place_name(assistant: Assistant) -> None:
    _, narrowed = converse(assistant, "营口清单中市自然资源局参与的", "其中哪些还挂着市财政局")
    assert narrowed.plan is not None and not narrowed.plan.scope.missing and narrowed.plan.operation != "refuse"
    assert ids(narrowed) == rows_where(assistant, "yingkou",
                                       lambda r: {"natural_resources", "finance"} <= set(r.agency_ids))
    fake = assistant.ask("测试市教育局牵头的任务")  # a word before 市, then an agency: a place no list is for
    assert fake.plan is not None and fake.plan.scope.missing


def test_the_same_question_for_another_place(assistant: Assistant) -> None:
    _, switched = converse(assistant, "Wafangdian tasks involving 税务局?", "same question for Yingkou")
    assert switched.understood and switched.plan is not None and switched.plan.followup == "replace"
    assert ids(switched) == rows_where(assistant, "yingkou", lambda r: "tax" in r.agency_ids)


def test_a_local_row_in_another_local_list_goes_through_the_province(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店第52条在营口对应的是哪条")
    assert said.plan is not None and said.plan.operation == "lineage" and ids(said)[0] == "wafangdian#52"
    assert any(r.startswith("liaoning#") for r in ids(said)) and any(r.startswith("yingkou#") for r in ids(said))
    _, each = converse(assistant, "瓦房店 保障经费长效稳定投入 下面有哪些", "分别对应营口哪几条")
    asked = rows_where(assistant, "wafangdian", lambda r: "经费" in r.category)
    assert each.plan is not None and each.plan.reference is not None and each.plan.reference.rows == asked
