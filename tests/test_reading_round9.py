"""Round nine of reading questions: a column named after 按 groups by agency; the agencies compared in "which of
these"; the largest number a row states; places beside an institution; a level word beside a reference; a
category named by a run of its words; a narrowing follow-up that finds nothing says so."""

from __future__ import annotations

import re
from collections import Counter

from assistant.core import Assistant
from tests.asking import converse, ids, rows_where


def _leads(assistant: Assistant, doc: str) -> Counter[str]:
    return Counter(name for row in assistant.engine.catalog.filter([doc]) for name in dict.fromkeys(row.lead))


def test_a_column_after_an_grouping_mark_counts_by_agency_not_by_list(assistant: Assistant) -> None:
    said = assistant.ask("环翠区这个清单按牵头单位统计一下，每家各牵头几项，哪家最多")
    leads = _leads(assistant, "huancui")
    top, most = leads.most_common(1)[0]
    assert said.understood and said.plan is not None and said.plan.group_by == "agency" and said.plan.pick == "max"
    assert said.plan.fields == ["lead"] and f"{top}（{most}项）" in said.answer
    assert all(f"| {name} | {n} |" in said.answer for name, n in leads.items())


def test_this_column_is_the_column_named_before_it_not_a_topic(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店表的责任部门这一栏里，人社局和应急局分别出现几次")
    assert said.understood and said.plan is not None and said.plan.group_by == "agency"
    assert said.plan.where is None  # no topic word left over from the column reference
    counted = {"人社局": 0, "应急局": 0}
    for row in assistant.engine.catalog.filter(["wafangdian"]):
        for name in counted:
            counted[name] += any(name in n for n in row.responsible)
    assert all(f"| {n} |" in said.answer for n in counted.values())


def test_which_of_the_named_agencies_is_counted_among_them_only(assistant: Assistant) -> None:
    said = assistant.ask("In Yingkou's list, which of these two shows up more often as a supporting unit: "
                         "the finance bureau or the commerce bureau?")
    assert said.understood and said.plan is not None and said.plan.groups is not None
    assert sorted(said.plan.groups.among) == ["commerce", "finance"] and said.plan.where is None
    finance = rows_where(assistant, "yingkou", lambda r: any("财政" in n for n in r.responsible))
    assert f"市财政局 ({len(finance)})" in said.answer


def test_the_row_stating_the_largest_number_of_anything(assistant: Assistant) -> None:
    said = assistant.ask("省里那份清单中哪项任务的目标数字定得最大")
    assert said.understood and said.plan is not None and said.plan.group_by == "figure"
    assert ids(said) == ["liaoning#20"] and "200万人次" in said.answer


def test_places_named_beside_the_institution_keep_their_own_lists(assistant: Assistant) -> None:
    said = assistant.ask("营口、瓦房店两市和锦州师专对双师型教师所占比重的目标分别是多少")
    cited = set(ids(said))
    assert said.understood and {"yingkou#31", "wafangdian#37", "liaoning#30"} <= cited
    assert all(r.startswith(("yingkou", "wafangdian")) or r == "liaoning#30" for r in cited)
    assert "营口市、瓦房店市、锦州师范高等专科学校" in said.answer.splitlines()[0]
    alone = assistant.ask("辽宁的锦州师专双师型教师所占比重目标是多少")
    assert ids(alone) == ["liaoning#30"]  # the province's own list is narrowed to the institution's measures


def test_a_level_word_beside_a_reference_picks_among_the_previous_rows_of_that_level(assistant: Assistant) -> None:
    _, parents, children = converse(assistant, "瓦房店清单中应急局出现在哪些条目", "它俩分别落实省清单的哪项",
                                    "省里的后一条任务在营口由哪一项承接？")
    provincial = [r for r in ids(parents) if r.startswith("liaoning")]
    assert len(provincial) == 2 and children.plan is not None and children.plan.lineage == "children"
    assert ids(children)[0] == provincial[1] and all(r.startswith("yingkou") for r in ids(children)[1:])


def test_a_category_named_by_a_long_run_of_its_words(assistant: Assistant) -> None:
    said = assistant.ask("省清单里提质培优行动计划这块一共包括哪些任务")
    category = assistant.engine.catalog.by_id["liaoning#10"].category
    assert said.understood and ids(said) == rows_where(assistant, "liaoning", lambda r: r.category == category)
    generic = assistant.ask("省清单里职业教育这块有哪些任务")  # words every category shares name none
    assert not any(a.kind == "category" for a in generic.plan.atoms())


def test_a_narrowing_follow_up_that_keeps_no_row_says_so(assistant: Assistant) -> None:
    _, narrowed = converse(assistant, "营口市委编办都参加了哪些任务", "这些里面牵头单位写着“市体育局”的有哪些")
    assert narrowed.citations == [] and "中没有符合条件的任务" in narrowed.answer


def test_a_count_of_main_tasks_gives_the_size_of_the_list_too(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店的清单有多少个主要任务，总共多少项")
    rows = assistant.engine.catalog.filter(["wafangdian"])
    assert f"共{len(rows)}项任务" in said.answer


def test_rows_that_mention_an_unquoted_word_are_all_listed(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店的清单里哪些条目提及了应急")
    assert said.understood and said.plan is not None and said.plan.operation == "list"
    assert ids(said) == rows_where(assistant, "wafangdian", lambda r: "应急" in r.text)
    raised = assistant.ask("瓦房店双师型教师的占比要提到多少")  # 提到 before 多少: raised to, a figure asked
    assert raised.plan is not None and raised.plan.operation != "list" and "60%" in raised.answer


def test_a_switch_that_says_its_own_words_drops_the_previous_ones(assistant: Assistant) -> None:
    _, switched = converse(assistant, "营口清单里提到职业技能培训的有哪几条", "那瓦房店清单里提到应急的是哪些")
    assert ids(switched) == rows_where(assistant, "wafangdian", lambda r: "应急" in r.text)
    assert "职业技能培训" not in switched.answer.splitlines()[0]


def test_a_long_run_of_words_in_two_lists_categories_keeps_the_place_asked(assistant: Assistant) -> None:
    for doc, place in (("liaoning", "辽宁"), ("wafangdian", "瓦房店")):
        said = assistant.ask(f"{place}清单里校企协同育人这部分列了哪些任务")
        assert said.understood and ids(said) == rows_where(
            assistant, doc, lambda r: "校企协同育人" in (r.category or ""))


def test_a_question_word_inside_a_quote_stands_for_the_digits_left_open(assistant: Assistant) -> None:
    said = assistant.ask("营口清单中写有“到某年”这种说法的任务")
    assert said.understood and ids(said) == rows_where(
        assistant, "yingkou", lambda r: re.search(r"到\d+年", r.text) is not None)


def test_a_run_shared_by_two_lists_categories_is_read_in_the_list_asked(assistant: Assistant) -> None:
    said = assistant.ask("辽宁清单里教师队伍那一块，锦州师专没写具体举措的是哪些")
    category = assistant.engine.catalog.by_id["liaoning#28"].category
    assert said.understood and said.plan is not None
    assert [a.name for a in said.plan.atoms() if a.kind == "category"] == [category]


def test_exactly_these_agencies_and_no_other_is_only_them(assistant: Assistant) -> None:
    wanted = rows_where(assistant, "wafangdian", lambda r: {n.strip().removeprefix("市") for n in r.responsible}
                        == {"教育局", "人社局"})
    for question in ("瓦房店哪些任务的责任部门恰好是教育局和人社局，没有其他",
                     "Which Wafangdian tasks name exactly the education bureau and the 人社局 and no other?"):
        said = assistant.ask(question)
        assert said.understood and ids(said) == wanted, question


def test_an_agency_that_plays_no_part_in_a_row(assistant: Assistant) -> None:
    said = assistant.ask("Which Huancui tasks does the 区财政局 play no part in, neither as lead nor as responsible?")
    assert said.understood and ids(said) == rows_where(
        assistant, "huancui", lambda r: not any("财政" in n for n in r.lead + r.responsible))


def test_the_row_both_previous_answers_cite(assistant: Assistant) -> None:
    first, second, both = converse(assistant, "辽宁清单里省审计厅出现在哪几条", "那省国资委呢",
                                   "两次都出现过的那条锦州师专写了举措吗")
    common = [r for r in ids(second) if r in ids(first)]
    assert len(common) == 1 and ids(both) == common
    row = assistant.engine.catalog.by_id[common[0]]
    assert (row.measures is None) == ("不符合" in both.answer)  # a yes-or-no about the one row: said, as written


def test_who_leads_the_first_of_the_narrowed_rows_is_a_column_asked(assistant: Assistant) -> None:
    _, narrowed, asked = converse(assistant, "Which Yingkou tasks name the commerce bureau as a responsible unit?",
                                  "Of these, which also name the tax bureau?", "And who leads the first one?")
    first = assistant.engine.catalog.by_id[ids(narrowed)[0]]
    assert ids(asked) == [first.id] and first.lead[0] in asked.answer


def test_not_named_first_among_the_previous_rows(assistant: Assistant) -> None:
    rows, narrowed = converse(assistant, "瓦房店经费投入那部分包括哪几条", "这里面财政局不是排在第一位的是哪条")
    catalog = assistant.engine.catalog
    assert narrowed.understood and ids(narrowed) == [
        r for r in ids(rows) if "财政" not in catalog.by_id[r].responsible[0]]


def test_no_department_of_a_kind_only_the_counties(assistant: Assistant) -> None:
    said = assistant.ask("营口有哪些条目的责任单位一个市直部门也没有，只写了各县区")
    assert said.understood and ids(said) == rows_where(assistant, "yingkou", lambda r: r.responsible == ["各县区"])


def test_several_categories_named_by_their_words_are_counted_each(assistant: Assistant) -> None:
    said = assistant.ask("辽宁清单里经费投入、政策支持这两块分别有几条")
    catalog = assistant.engine.catalog
    assert said.understood and said.plan is not None and said.plan.group_by == "category"
    for words in ("经费", "政策支持"):
        category = next(c for c in catalog.categories() if words in c and c in
                        {r.category for r in catalog.filter(["liaoning"])})
        n = len(rows_where(assistant, "liaoning", lambda r, c=category: r.category == c))
        assert f"{n}项" in said.answer


def test_besides_these_no_other_agency_is_still_only_these(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店清单中除了市教育局以外没有其他单位的条目有哪些")
    assert said.understood and ids(said) == rows_where(
        assistant, "wafangdian", lambda r: [n.replace(" ", "") for n in r.responsible] == ["市教育局"])


def test_agencies_named_as_a_filter_are_not_the_only_ones_ranked(assistant: Assistant) -> None:
    said = assistant.ask("营口清单中财政局、人社局共同负责的那些条目里，哪个单位出现得最多")
    assert said.plan is not None and said.plan.groups is None  # every agency of those rows is counted
    among = assistant.ask("营口的财政局、人社局、商务局哪个参加得最多")
    assert among.plan is not None and among.plan.groups is not None
    assert sorted(among.plan.groups.among) == ["commerce", "finance", "hrss"]


def test_agencies_counted_over_several_lists_are_each_lists_own(assistant: Assistant) -> None:
    said = assistant.ask("把营口、瓦房店两份清单放一起看，哪个单位参与最多")
    catalog = assistant.engine.catalog
    own = {doc: Counter(catalog.registry.agencies.display_name(a) for r in catalog.filter([doc])
                        for a in dict.fromkeys(r.lead_ids + r.responsible_ids)) for doc in ("yingkou", "wafangdian")}
    most = max(max(c.values()) for c in own.values())  # one city's own bureau, not the two cities' summed
    assert said.understood and f"（{most}项）" in said.answer.splitlines()[1]
    assert "营口市·" in said.answer and "瓦房店市·" in said.answer


def test_the_row_naming_the_most_single_bodies_leaves_collective_names_out(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店清单里哪一条涉及的市直部门数量最多")
    agencies = assistant.engine.catalog.registry.agencies
    rows = assistant.engine.catalog.filter(["wafangdian"])
    bodies = {r.id: len({a for a in r.responsible_ids if not agencies.is_collective(a)}) for r in rows}
    most = max(bodies.values())
    assert said.understood and said.plan is not None and said.plan.groups is not None and said.plan.groups.bodies
    assert ids(said) == [r for r, n in bodies.items() if n == most]


def test_the_lowest_percentage_asked_in_english_is_not_narrowed_to_rows_saying_share(assistant: Assistant) -> None:
    said = assistant.ask("In Huancui's list, which task states the lowest percentage?")
    shares = {r.id: min(float(m) for m in re.findall(r"(\d+(?:\.\d+)?)\s*%", r.text))
              for r in assistant.engine.catalog.filter(["huancui"]) if re.search(r"\d\s*%", r.text)}
    low = min(shares.values())
    assert said.understood and ids(said) == [r for r, v in shares.items() if v == low]


def test_a_column_with_these_names_and_nobody_else(assistant: Assistant) -> None:
    said = assistant.ask("营口清单里，责任单位就是市财政局加上各县区、再没有别人的有哪些")
    assert said.understood and ids(said) == rows_where(
        assistant, "yingkou", lambda r: sorted(r.responsible_ids) == sorted(["finance", "counties_districts"]))


def test_rows_a_local_row_restates(assistant: Assistant) -> None:
    said = assistant.ask("Which provincial tasks does Wafangdian's row 10 repeat?")
    assert said.understood and said.plan is not None and said.plan.lineage == "parents"


def test_rows_that_state_a_year_by_which_to_finish(assistant: Assistant) -> None:
    said = assistant.ask("环翠区的清单里，写明完成年限的是哪些任务")
    assert said.understood and ids(said) == rows_where(assistant, "huancui", lambda r: bool(r.years))


def test_the_party_committee_side_of_the_city_is_its_departments(assistant: Assistant) -> None:
    said = assistant.ask("营口清单中市委那边的部门都参加了哪些任务")
    members = {"organization", "publicity", "united_front", "staffing", "education_committee"}
    assert said.understood and ids(said) == rows_where(
        assistant, "yingkou", lambda r: bool(members & set(r.lead_ids + r.responsible_ids)))


def test_a_target_said_with_the_highest_percentage_is_no_topic(assistant: Assistant) -> None:
    said = assistant.ask("In Wafangdian's list, which task has the highest percentage target?")
    assert said.understood and said.plan is not None and said.plan.where is None
