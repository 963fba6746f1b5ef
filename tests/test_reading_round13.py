"""Round thirteen of reading questions and answering: a party committee's office named as the list writes it."""

from __future__ import annotations

from assistant.core import Assistant
from tests.asking import converse, ids, rows_where


def test_a_committee_office_after_its_place_is_named_as_the_list_writes_it(assistant: Assistant) -> None:
    said = assistant.ask("营口市委编办都参与了哪几项")
    summary = said.answer.splitlines()[1]
    assert said.understood and "市委编办" in summary and "委编办（" not in summary
    assert set(ids(said)) == set(rows_where(assistant, "yingkou", lambda r: "staffing" in r.responsible_ids + r.lead_ids))


def test_a_question_about_results_is_refused_saying_what_the_lists_hold(assistant: Assistant) -> None:
    for question in ("瓦房店前年职业技能培训实际做了多少人次", "营口第18项的进展怎么样了",
                     "How many trainees has Yingkou actually trained so far?"):
        said = assistant.ask(question)
        assert said.abstained and not said.citations and said.plan is not None, question
        assert said.plan.refuse_reason == "outcome" and said.understood, question
        assert ("实际完成情况" in said.answer) if said.plan.lang == "zh" else ("actually been done" in said.answer)
    planned = assistant.ask("营口第18项的目标是多少人")  # the target the row states is answered
    assert not planned.abstained and ids(planned) == ["yingkou#18"]


def test_a_sum_of_money_no_row_states_is_said_to_be_absent(assistant: Assistant) -> None:
    said = assistant.ask("环翠区职业教育要投入多少经费")
    assert said.abstained and not said.citations and "没有任务写明金额" in said.answer
    english = assistant.ask("What budget in yuan does Wafangdian allocate, how much money?")
    assert english.abstained and "sum of money" in english.answer


def test_a_demonstrative_right_after_a_place_is_that_places_tasks(assistant: Assistant) -> None:
    said = assistant.ask("营口这些任务里市财政局牵头几项")
    assert said.understood and said.plan is not None and said.plan.reference is None
    assert said.plan.operation == "count"


def test_the_longest_list_of_a_column_is_the_row_naming_the_most(assistant: Assistant) -> None:
    said = assistant.ask("Which Wafangdian row has the longest list of departments?")
    assert said.understood and said.plan is not None and said.plan.group_by == "row" and said.plan.pick == "max"
    sizes = {r.id: len(r.agency_ids) for r in assistant.engine.catalog.filter(["wafangdian"])}
    assert set(ids(said)) == {rid for rid, n in sizes.items() if n == max(sizes.values())}
    shortest = assistant.ask("瓦房店哪一条的责任部门最短")
    assert shortest.plan is not None and shortest.plan.pick == "min"


def test_a_coined_term_in_an_english_question_is_that_term_alone(assistant: Assistant) -> None:
    said = assistant.ask("Which Wafangdian tasks mention the 1+X pilot?")
    assert said.understood and ids(said) == rows_where(assistant, "wafangdian", lambda r: "1+X" in r.text.upper())
    spaced = assistant.ask("瓦房店哪几条写到了 1 + X")
    assert ids(spaced) == ids(said)


def test_a_second_count_asked_after_the_first_counts_each_apart(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店市财政局参与了几条？市发改局又有几条？")
    assert said.understood and said.plan is not None and said.plan.operation == "group_count"
    for name, agency in (("财政局", "finance"), ("发改局", "development_reform")):
        rows = rows_where(assistant, "wafangdian", lambda r, a=agency: a in r.agency_ids)  # type: ignore[misc]
        line = next(line for line in said.answer.splitlines() if name in line and "|" in line)
        assert f"{len(rows)}项" in line


def test_an_agency_named_for_a_count_that_no_row_has_is_counted_as_none(assistant: Assistant) -> None:
    said = assistant.ask("环翠区的区财政局和区应急管理局各牵头几项")
    lines = [line for line in said.answer.splitlines() if "财政局 |" in line or "应急管理局 |" in line]
    assert len(lines) == 2 and any("0项" in line for line in lines), said.answer


def test_an_english_agency_name_hyphenated_is_that_agency(assistant: Assistant) -> None:
    said = assistant.ask("Which Wafangdian rows name the development-and-reform bureau?")
    assert said.understood and {a.agency for a in said.plan.agencies()} == {"development_reform"}  # type: ignore[union-attr]


def test_words_of_agency_names_with_nothing_in_the_plan_to_hold_them_are_unread(assistant: Assistant) -> None:
    said = assistant.ask("Which Yingkou rows are about tourism?")  # a word of 文旅局's English name, no topic read
    assert not said.understood and "tourism" in said.unread
    beside = assistant.ask("Wafangdian rows naming a tax reform bureau beside its finance bureau?")
    assert not beside.understood and beside.plan is not None  # no agency of that name: asked about, or left unread
    assert "reform" in beside.unread or any("reform" in u.surface for u in beside.plan.unresolved)
    named = assistant.ask("In Wafangdian, rows with both finance and tax bureaus?")
    assert "finance" not in named.unread  # the agencies the words name are in the plan
    topic = assistant.ask("Which Wafangdian rows are about vocational education for veterans?")
    assert topic.understood and "education" not in topic.unread


def test_how_a_name_is_written_is_a_text_in_its_columns(assistant: Assistant) -> None:
    variant = rows_where(assistant, "yingkou", lambda r: "市文旅广电局" in r.lead + r.responsible)
    assert variant and len(variant) < len(rows_where(assistant, "yingkou", lambda r: "culture_tourism" in r.agency_ids))
    for question in ("营口哪几项把文旅局写作市文旅广电局", "Which Yingkou tasks spell the culture and tourism bureau as 市文旅广电局?"):
        said = assistant.ask(question)
        assert said.understood and ids(said) == variant, question
    first = assistant.ask("Wafangdian rows whose responsible-department cell begins with 市人社局")
    assert ids(first) == rows_where(assistant, "wafangdian", lambda r: r.responsible[:1] == ["市人社局"])


def test_taking_no_part_is_a_negation(assistant: Assistant) -> None:
    said = assistant.ask("Which Yingkou tasks does the 市财政局 take no part in?")
    assert said.understood and set(ids(said)) == set(rows_where(assistant, "yingkou", lambda r: "finance" not in r.agency_ids))


def test_the_alternative_after_rather_than_is_negated_in_the_construct_before_it(assistant: Assistant) -> None:
    lead = lambda a: rows_where(assistant, "huancui", lambda r: a[0] in r.lead_ids and a[1] not in r.lead_ids)  # noqa: E731
    for question in ("Which Huancui tasks are led by the 区人社局 instead of the 区教育体育局?",
                     "环翠区哪些任务由区人社局牵头而非区教育体育局"):
        said = assistant.ask(question)
        assert said.understood and ids(said) == lead(("hrss", "education")), question
    starts = rows_where(assistant, "wafangdian", lambda r: r.responsible[:1] == ["市人社局"])
    said = assistant.ask("瓦房店哪几条的责任部门以市人社局打头而不是市教育局")
    assert said.understood and ids(said) == starts
    plain = assistant.ask("Which Huancui tasks are led by one unit rather than by several?")
    assert "rather than" not in plain.unread  # no agency after it: a plain adverb


def test_agencies_given_as_examples_of_a_group_are_members_not_conditions(assistant: Assistant) -> None:
    party = {"organization", "publicity", "united_front", "staffing", "education_committee"}
    expected = rows_where(assistant, "wafangdian", lambda r: party & set(r.agency_ids))
    for question in ("瓦房店哪几条有市委的部门参与，例如编办、市委宣传部", "瓦房店哪几条有市委系统的单位参与？编办、宣传部之类的"):
        said = assistant.ask(question)
        assert said.understood and ids(said) == expected, question
    english = assistant.ask("Which Wafangdian rows involve the party committee's departments, e.g. 编办 or 宣传部?")
    assert not english.understood and any("committee" in w for w in english.unread)  # no English group word: said
    assert {a.agency for a in english.plan.agencies()} == {"staffing", "publicity"}  # type: ignore[union-attr]


def test_mass_organisations_and_the_party_and_mass_group(assistant: Assistant) -> None:
    mass = {"trade_union", "youth_league", "womens_federation"}
    said = assistant.ask("工青妇在环翠区那份清单里出现在哪几条")
    assert said.understood and ids(said) == rows_where(assistant, "huancui", lambda r: mass & set(r.agency_ids))
    party_and_mass = mass | {"organization", "publicity", "united_front", "staffing", "education_committee",
                             "peoples_congress", "cppcc"}
    both = assistant.ask("环翠区人大政协、工青妇这些党群单位参与了哪几条")
    assert both.understood and ids(both) == rows_where(assistant, "huancui", lambda r: party_and_mass & set(r.agency_ids))


def test_leading_together_with_other_units_is_two_or_more_leads(assistant: Assistant) -> None:
    joint = rows_where(assistant, "huancui", lambda r: len(r.lead_ids) >= 2)
    said = assistant.ask("环翠区有哪几条是同其他部门一道牵头的")
    assert said.understood and ids(said) == joint
    english = assistant.ask("Which Huancui tasks does the 区人社局 lead together with another unit?")
    assert english.understood and ids(english) == [r for r in joint if r in rows_where(
        assistant, "huancui", lambda r: "hrss" in r.lead_ids)]
    counted_in = assistant.ask("环翠区区人社局牵头几条？和别的单位一起牵头的也算")
    assert counted_in.plan is not None and not any(a.kind == "size" for a in counted_in.plan.atoms())


def test_a_switch_followed_by_a_whole_question_asks_it_of_the_new_agency(assistant: Assistant) -> None:
    first, narrowed, switched = converse(assistant, "环翠区区教育体育局牵头了哪些任务", "其中哪些还有别的单位一起牵头",
                                         "换成区财政局，它牵头的有哪些")
    assert set(ids(narrowed)) < set(ids(first))
    assert switched.understood and ids(switched) == rows_where(assistant, "huancui", lambda r: "finance" in r.lead_ids)


def test_a_rare_dictionary_word_sounding_like_a_column_word_is_that_word(assistant: Assistant) -> None:
    said = assistant.ask("营口市财政局千头了哪几项")  # 千头 (of 千头万绪) is 牵头 typed with another qian
    assert said.understood and said.plan is not None and {a.role for a in said.plan.agencies()} == {"lead"}
    kept = assistant.ask("营口上午发布的清单里商务局参与哪些")  # 上午 is a common word, not 商务 typed
    assert all(r.typed != "上午" for r in kept.plan.read_as)  # type: ignore[union-attr]


def test_a_short_place_name_then_a_same_sound_character_is_the_full_name(assistant: Assistant) -> None:
    said = assistant.ask("环翠曲里头由区财政局来牵头的有几项")
    assert said.understood and said.plan is not None and said.plan.where is not None
    assert not any(a.kind == "topic" for a in said.plan.atoms())
    led = rows_where(assistant, "huancui", lambda r: "finance" in r.lead_ids)
    assert f"{len(led)}项" in said.answer and "按「环翠区」理解" in said.answer  # the typo said, then the count


def test_a_condition_on_words_no_row_holds_is_not_understood(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店有几条涉及市财政局并且跟滑雪有关")
    assert not said.understood and "滑雪" in "".join(said.unread)


def test_a_field_before_only_x_and_a_count_of_one_is_that_column(assistant: Assistant) -> None:
    said = assistant.ask("营口清单里牵头单位只有市教育工委一家的是哪几条")
    assert said.understood and ids(said) == rows_where(assistant, "yingkou", lambda r: r.lead_ids == ["education_committee"])


def test_whether_something_was_built_or_reached_is_a_result_no_list_records(assistant: Assistant) -> None:
    said = assistant.ask("营口那个产教融合实训基地到位了没")
    assert said.abstained and said.plan is not None and said.plan.refuse_reason == "outcome"
    lineage = assistant.ask("省里第20项瓦房店落实了吗")  # whether a list carries a task out: lineage, answered
    assert not lineage.abstained and "wafangdian#28" in ids(lineage)


def test_words_in_brackets_after_a_row_number_describe_that_row(assistant: Assistant) -> None:
    said = assistant.ask("Yingkou row 32 (about teacher training bases, roughly ten stations) derives from which Liaoning rows?")
    assert said.understood and said.plan is not None and not any(a.kind == "size" for a in said.plan.atoms())
    assert {"yingkou#32", "liaoning#32", "liaoning#33"} <= set(ids(said))


def test_the_provinces_list_asked_after_a_local_row_is_its_parent(assistant: Assistant) -> None:
    row, parent, sibling = converse(assistant, "营口那份清单的第18项，牵头部门是谁", "在省清单里它对应的是哪一条",
                                   "那瓦房店清单里对应省里这条的呢")
    assert ids(row) == ["yingkou#18"]
    assert parent.understood and parent.plan is not None and parent.plan.lineage == "parents"
    assert set(ids(parent)) == {"yingkou#18", "liaoning#20"}
    assert sibling.understood and "wafangdian#28" in ids(sibling)


def test_carrying_it_out_with_the_object_between_is_a_lineage_verb(assistant: Assistant) -> None:
    said = assistant.ask("Liaoning row 17 — which Yingkou rows carry it out?")
    assert said.understood and said.plan is not None and said.plan.operation == "lineage"
    assert {"liaoning#17", "yingkou#15"} <= set(ids(said)) and "yingkou#17" not in ids(said)  # not row 17 of 营口


def test_the_row_just_before_or_immediately_after_a_number(assistant: Assistant) -> None:
    assert ids(assistant.ask("In the Huancui list, what is the task just before task 9?")) == ["huancui#8"]
    assert ids(assistant.ask("Huancui: the item immediately after item 9?")) == ["huancui#10"]


def test_only_x_listed_as_a_column_is_x_alone_in_that_column(assistant: Assistant) -> None:
    said = assistant.ask("Which Huancui tasks have only 区教育体育局 listed as the lead unit?")
    assert said.understood and ids(said) == rows_where(assistant, "huancui", lambda r: r.lead_ids == ["education"])
