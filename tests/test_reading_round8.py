"""Round eight of reading questions: rows ranked by the figure they state; several categories at once, counted
each; positions inside a category; a few more words of negation, only and blanks."""

from __future__ import annotations

import re

from assistant.core import Assistant
from assistant.understand.plan import EmptyAtom, iter_atoms_signed
from tests.asking import converse, ids, rows_where


def _percents(row) -> list[float]:  # type: ignore[no-untyped-def]
    texts = [row.text] + ([row.measures.targets] if row.measures and row.measures.targets else [])
    return [float(m) for t in texts for m in re.findall(r"(\d+(?:\.\d+)?)\s*[%％]", t)]


def test_the_row_with_the_lowest_percentage_is_picked_by_its_figure(assistant: Assistant) -> None:
    rows = [r for r in assistant.engine.catalog.filter(["yingkou"]) if _percents(r)]
    lowest = min(min(_percents(r)) for r in rows)
    said = assistant.ask("营口哪一项任务里定的百分比数值最低")
    assert said.understood and ids(said) == [r.id for r in rows if min(_percents(r)) == lowest]
    assert f"{lowest:g}" in said.answer and said.plan is not None and said.plan.group_by == "figure"


def test_the_row_with_the_largest_head_count_and_its_figure(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店的任务里哪条要求的人次最多？")
    assert said.understood and ids(said) == ["wafangdian#28"] and "1万人次" in said.answer


def test_a_figure_asked_as_a_share_ranks_the_row_that_states_one(assistant: Assistant) -> None:
    said = assistant.ask("营口的专兼职教师占比要提到多少")
    assert said.understood and ids(said)[:1] == ["yingkou#31"] and "60%" in said.answer


def test_rows_that_write_a_share_are_the_rows_with_a_percentage(assistant: Assistant) -> None:
    share, percent = assistant.ask("营口哪些条目写了比例？"), assistant.ask("营口哪些条目写了百分比？")
    assert share.understood and ids(share) == ids(percent) == rows_where(assistant, "yingkou", _percents)


def test_nothing_in_a_column_in_english_is_a_blank_column(assistant: Assistant) -> None:
    said = assistant.ask("Which Huancui tasks have nothing in the responsible units column?")
    assert said.understood and ids(said) == rows_where(assistant, "huancui", lambda r: not r.responsible)


def test_how_many_rows_pulled_an_agency_in_is_a_count(assistant: Assistant) -> None:
    said = assistant.ask("营口有几项把市税务局也拉进来了？")
    taxed = rows_where(assistant, "yingkou", lambda r: any("税务" in c for c in r.lead + r.responsible))
    assert said.understood and said.plan is not None and said.plan.operation == "count" and ids(said) == taxed
    assert str(len(taxed)) in said.answer


def test_one_agency_alone_leading_said_twice_is_the_lead_column_alone(assistant: Assistant) -> None:
    said = assistant.ask("环翠区有哪几项是区财政局一家独自牵头？")
    alone = rows_where(assistant, "huancui", lambda r: r.lead == ["区财政局"])
    assert said.understood and ids(said) == alone


def test_two_categories_named_at_once_are_either_of_them(assistant: Assistant) -> None:
    first, second = "加大职业教育宣传力度", "扩大职业教育国际交流合作"
    said = assistant.ask(f"瓦房店清单中「{first}」和「{second}」两个部分里没有财政局的有哪些")
    expected = rows_where(assistant, "wafangdian", lambda r: r.category in (first, second)
                          and not any("财政" in c for c in r.responsible))
    assert said.understood and expected and ids(said) == expected


def test_each_category_named_is_counted_on_its_own(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店「加快智慧职业教育建设」与「加大职业教育宣传力度」分别有几条？")
    assert said.understood and said.plan is not None and said.plan.operation == "group_count" and said.plan.group_by == "category"
    for category in ("加快智慧职业教育建设", "加大职业教育宣传力度"):
        count = len(rows_where(assistant, "wafangdian", lambda r, c=category: r.category == c))
        assert re.search(rf"{category}\W+{count}项", said.answer), said.answer


def test_categories_named_by_a_quoted_part_of_their_names(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店“智慧职业教育”“宣传力度”这两块一共多少条")
    expected = rows_where(assistant, "wafangdian", lambda r: r.category in ("加快智慧职业教育建设", "加大职业教育宣传力度"))
    assert said.understood and ids(said) == expected


def test_a_row_number_after_a_category_written_without_its_quotes_counts_within_it(assistant: Assistant) -> None:
    said = assistant.ask("辽宁清单里深度融入共建一带一路这一部分的第二条是什么")
    rows = rows_where(assistant, "liaoning", lambda r: "一带一路" in (r.category or ""))
    assert said.understood and ids(said) == rows[1:2]


def test_the_last_row_of_a_category_named_by_its_first_words(assistant: Assistant) -> None:
    said = assistant.ask("省清单里深化产教融合这一部分排在最后的一条是什么")
    rows = rows_where(assistant, "liaoning", lambda r: (r.category or "").startswith("深化产教融合"))
    assert said.understood and ids(said) == rows[-1:]


def test_a_count_of_the_previous_rows_that_pull_an_agency_in(assistant: Assistant) -> None:
    _, after = converse(assistant, "瓦房店扩大职业教育国际交流合作这部分有哪些", "这里头几条把商务局拉进来了")
    assert after.understood and after.plan is not None and after.plan.operation == "count" and ids(after) == ["wafangdian#40", "wafangdian#41"]


def test_of_two_rows_named_the_one_with_the_higher_share(assistant: Assistant) -> None:
    said = assistant.ask("营口第40条跟第26条比，哪条比例更高？")
    assert said.understood and ids(said) == ["yingkou#40"] and "30%" in said.answer


def test_a_topic_said_before_the_measure_narrows_the_rows_ranked(assistant: Assistant) -> None:
    said = assistant.ask("营口的招生人数哪一条最多")
    assert said.understood and ids(said) == ["yingkou#8"] and "800人" in said.answer


def _named(row, word: str) -> bool:  # type: ignore[no-untyped-def]
    return any(word in c for c in row.lead + row.responsible)


def test_an_ampersand_in_an_english_agency_name_reads_as_and(assistant: Assistant) -> None:
    plain = assistant.ask("Which Yingkou tasks involve the development and reform commission?")
    said = assistant.ask("Which Yingkou tasks involve the development & reform commission?")
    expected = sorted(rows_where(assistant, "yingkou", lambda r: any("发展" in c and "改革" in c for c in
                                                                   r.lead + r.responsible)))  # leads come first
    assert said.understood and sorted(ids(said)) == sorted(ids(plain)) == expected


def test_neither_as_lead_nor_as_responsible_in_english_is_not_involved_at_all(assistant: Assistant) -> None:
    said = assistant.ask("List the Yingkou tasks without the audit bureau at all, neither as lead nor as responsible unit")
    assert said.understood and ids(said) == rows_where(assistant, "yingkou", lambda r: not _named(r, "审计"))


def test_a_quoted_text_with_xx_for_digits_matches_any_digits(assistant: Assistant) -> None:
    said = assistant.ask("营口任务里写着“到20××年”的有哪几条")
    expected = rows_where(assistant, "yingkou", lambda r: re.search(r"到20\d\d年", r.text))
    assert said.understood and expected and ids(said) == expected


def test_two_different_years_in_the_completion_column(assistant: Assistant) -> None:
    said = assistant.ask("辽宁清单哪几项完成时间写了两个不同的年份？")
    expected = rows_where(assistant, "liaoning", lambda r: len(set(r.deadline_years)) == 2)
    assert said.understood and expected and ids(said) == expected


def test_an_agency_standing_first_said_as_ranking_first_is_no_row_number(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店哪些条目里教育局排在第一个")
    expected = rows_where(assistant, "wafangdian", lambda r: bool(r.responsible) and "教育局" in r.responsible[0])
    assert said.understood and expected and ids(said) == expected


def test_a_target_with_a_figure_asked_of_the_previous_rows_is_no_count(assistant: Assistant) -> None:
    _, after = converse(assistant, "瓦房店的退役军人事务局列在哪些条目里", "它们里头哪条有数量指标，是多少")
    assert after.understood and after.plan is not None and after.plan.operation != "count"
    assert ids(after) == ["wafangdian#28"] and "1万人次" in after.answer


def test_stems_listed_before_a_group_of_departments_are_any_of_them(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店里发改、商务这两个经济部门涉及的条目都列出来")
    expected = rows_where(assistant, "wafangdian", lambda r: _named(r, "发改") or _named(r, "商务"))
    assert said.understood and ids(said) == expected


def test_members_given_as_examples_in_brackets_are_any_of_the_group(assistant: Assistant) -> None:
    said = assistant.ask("营口有市委部门（例如编办、宣传部）参与的任务吗")  # examples: any of the committee's departments
    party = {"organization", "publicity", "united_front", "staffing", "education_committee"}
    expected = rows_where(assistant, "yingkou", lambda r: party & set(r.agency_ids))
    assert said.understood and expected and ids(said) == expected


def _measures(row, name: str) -> str:  # type: ignore[no-untyped-def]
    return getattr(row.measures, name) if row.measures else ""


def test_several_columns_said_to_be_blank_are_each_blank(assistant: Assistant) -> None:
    said = assistant.ask("师专那边完成目标一栏和完成时间一栏都空着的一共几条")
    expected = rows_where(assistant, "liaoning", lambda r: not _measures(r, "targets") and not _measures(r, "due"))
    assert said.understood and ids(said) == expected and str(len(expected)) in said.answer


def test_the_institutions_completion_time_is_its_own_column(assistant: Assistant) -> None:
    said = assistant.ask("锦州师专哪几条没有填完成时间")
    expected = rows_where(assistant, "liaoning", lambda r: not _measures(r, "due"))
    assert said.understood and ids(said) == expected and "liaoning#54" in expected


def test_only_the_first_column_filled_and_the_other_blank(assistant: Assistant) -> None:
    said = assistant.ask("环翠区有哪些条目只有牵头单位、责任单位是空白的")
    expected = rows_where(assistant, "huancui", lambda r: bool(r.lead) and not r.responsible)
    assert said.understood and expected and ids(said) == expected


def test_a_construct_does_not_reach_across_a_question_mark(assistant: Assistant) -> None:
    said = assistant.ask("锦州师专专业数调整到30个那条，举措空着吗？完成目标写了什么")
    assert said.plan is not None and not any(isinstance(a, EmptyAtom) and a.field == "targets" and not negated
                                             for a, negated in iter_atoms_signed(said.plan.where))


def test_the_last_row_of_a_category_quoted_without_its_inner_quotes(assistant: Assistant) -> None:
    said = assistant.ask("辽宁「深度融入共建一带一路」这一部分倒数第一条是啥")
    rows = rows_where(assistant, "liaoning", lambda r: "一带一路" in (r.category or ""))
    assert said.understood and ids(said) == rows[-1:]


def test_the_role_said_before_only(assistant: Assistant) -> None:
    alone = assistant.ask("营口牵头的只有市教育局，这样的一共多少条")
    expected = rows_where(assistant, "yingkou", lambda r: r.lead_ids == ["education"])  # 市教育 (row 15) too
    assert alone.understood and ids(alone) == expected
    _, more = converse(assistant, "营口市税务局在哪些任务里", "其中牵头的不只是市教育局的是哪条")
    assert more.understood and ids(more) == ["yingkou#24"]


def test_that_one_provincial_row_described_asks_for_its_best_match(assistant: Assistant) -> None:
    said = assistant.ask("省里那条关于安全生产技能实训基地的任务，瓦房店是哪条在落实")
    assert said.understood and ids(said) == ["liaoning#18", "wafangdian#27"]


def test_the_word_for_entries_before_a_city_agency_is_no_place(assistant: Assistant) -> None:
    said = assistant.ask("营口有哪些条目市财政局负责")
    assert said.understood and said.plan is not None and not said.plan.scope.missing
    assert ids(said) == rows_where(assistant, "yingkou", lambda r: _named(r, "财政"))


def test_a_topic_word_typed_with_a_same_pinyin_character_reads_as_the_lists_word(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店要评多少市级明师？")
    assert said.plan is not None and [(r.typed, r.name) for r in said.plan.read_as] == [("明师", "名师")]
    assert "wafangdian#37" in ids(said) and "10人" in said.answer


def test_the_edge_of_two_words_is_no_typo(assistant: Assistant) -> None:
    for question in ("营口给职业院校拨了多少钱", "省里思政示范课堂那条谁负责"):
        said = assistant.ask(question)
        assert said.plan is not None and not said.plan.read_as, (question, said.plan.read_as)


def test_an_unknown_agency_after_a_city_is_named_with_its_level(assistant: Assistant) -> None:
    said = assistant.ask("营口市民政局要做哪些")
    assert not ids(said) and "市民政局" in said.answer


def _counts(assistant: Assistant, doc: str, column: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts: dict[str, int] = {}
    for row in assistant.engine.catalog.filter([doc]):
        for name in dict.fromkeys(row.lead if column == "lead" else row.lead + row.responsible):
            counts[name] = counts.get(name, 0) + 1
    return counts


def test_agencies_kept_by_how_many_rows_they_lead(assistant: Assistant) -> None:
    said = assistant.ask("环翠区牵头超过2项的单位都有谁")
    leads = _counts(assistant, "huancui", "lead")
    assert said.understood and said.plan is not None and said.plan.groups is not None and said.plan.groups.least == 3
    for name, count in leads.items():
        assert (name in said.answer) == (count > 2), (name, count)


def test_agencies_that_lead_exactly_one_row(assistant: Assistant) -> None:
    said = assistant.ask("Which Huancui units take the lead in only one task?")
    ones = [n for n, c in _counts(assistant, "huancui", "lead").items() if c == 1]
    assert said.understood and ones and all(n in said.answer for n in ones)
    assert sorted(ids(said)) == sorted(rows_where(assistant, "huancui", lambda r: any(n in r.lead for n in ones)))


def test_a_loose_grouping_word_yields_to_a_group_said_after_its_mark(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店清单里每个部门各出现几次，按次数排")
    assert said.plan is not None and said.plan.group_by == "agency"


def test_how_many_names_one_numbered_rows_column_holds(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店第14条列了几个责任部门？")
    row = assistant.engine.catalog.by_id["wafangdian#14"]
    assert said.understood and ids(said) == ["wafangdian#14"]
    assert said.plan is not None and said.plan.count_unit == "names" and f"{len(row.responsible)}个" in said.answer


def test_every_column_of_a_list_said_blank_counts_however_long_the_list(assistant: Assistant) -> None:
    said = assistant.ask("锦州师专具体举措和完成目标和责任单位和完成时间整行空着的有几条？")
    empty = rows_where(assistant, "liaoning", lambda r: r.measures is None or r.measures.is_empty())
    assert said.understood and ids(said) == empty


def test_a_column_that_only_writes_a_quoted_text_said_with_a_measure_word(assistant: Assistant) -> None:
    said = assistant.ask("营口责任单位那一栏就写了个“各县区”的条目")
    assert said.understood and ids(said) == rows_where(assistant, "yingkou", lambda r: r.responsible == ["各县区"])


def test_an_internal_office_is_a_group_not_an_unknown_name(assistant: Assistant) -> None:
    said = assistant.ask("Which internal office of the Jinzhou college handles the most of its measures?")
    assert said.understood and said.plan is not None and not said.plan.unresolved and "教务处" in said.answer


def test_a_column_that_does_not_write_that_text_alone(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店哪些条目的责任部门不是仅写了“市教育局”")
    expected = rows_where(assistant, "wafangdian", lambda r: r.responsible != ["市教育局"])
    assert said.understood and ids(said) == expected


def test_led_alone_said_as_solely_by_and_with_no_co_lead(assistant: Assistant) -> None:
    said = assistant.ask("环翠区有哪几条是单独由区教育体育局牵头的，没有联合牵头单位")
    expected = rows_where(assistant, "huancui", lambda r: r.lead_ids == ["education"])
    assert said.understood and expected and ids(said) == expected


def test_the_one_and_only_unit_in_a_column(assistant: Assistant) -> None:
    said = assistant.ask("Which Wafangdian rows have the education bureau as the one and only responsible department?")
    expected = rows_where(assistant, "wafangdian", lambda r: r.responsible_ids == ["education"])
    assert said.understood and expected and ids(said) == expected


def test_besides_a_collective_only_with_one_department_in_a_role(assistant: Assistant) -> None:
    said = assistant.ask("营口除了各县区之外只和市委编办一个部门配合的有哪些任务")
    expected = rows_where(assistant, "yingkou", lambda r: [a for a in r.responsible_ids if a != "counties_districts"]
                          == ["staffing"])
    assert said.understood and ids(said) == expected


def test_but_joins_two_clauses_not_two_columns(assistant: Assistant) -> None:
    said = assistant.ask("辽宁清单里哪些写了完成时间，但是具体举措空着")
    expected = rows_where(assistant, "liaoning", lambda r: bool(r.measures and r.measures.due)
                          and not r.measures.actions)  # the completion time column (a year the text names is none)
    assert said.understood and expected and ids(said) == expected


def test_the_main_task_of_the_previous_rows_and_all_of_its_rows(assistant: Assistant) -> None:
    first, where, whole = converse(assistant, "瓦房店宣传部出现在哪几条", "它们属于哪个主要任务", "这个主要任务下一共几项")
    category = assistant.engine.catalog.by_id[ids(first)[0]].category
    assert where.understood and category and category in where.answer
    expected = rows_where(assistant, "wafangdian", lambda r: r.category == category)
    assert whole.understood and ids(whole) == expected and str(len(expected)) in whole.answer


def test_departments_named_in_full_then_pointed_at_as_a_group_are_any_of_them(assistant: Assistant) -> None:
    said = assistant.ask("营口的商务局、审计局这两个监管部门参与的条目")
    expected = rows_where(assistant, "yingkou", lambda r: _named(r, "商务") or _named(r, "审计"))
    assert said.understood and ids(said) == expected


def test_not_counting_the_lead_is_the_responsible_column(assistant: Assistant) -> None:
    said = assistant.ask("环翠区区发改局、区财政局在责任单位里（牵头不算）分别出现几条")
    assert said.understood and said.plan is not None and said.plan.fields == ["responsible"]
    for name in ("区发改局", "区财政局"):
        count = len(rows_where(assistant, "huancui", lambda r, n=name: n in r.responsible))
        assert re.search(rf"{name}\W+—\W+{count}\W", said.answer), said.answer
