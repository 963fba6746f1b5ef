"""Round six of reading questions: counts per group (per agency, per main task) said in more ways, their tables
naming the rows behind each count and citing them, a list without a lead column counted by the agencies it names,
and a question over every list that starts afresh after a follow-up."""

from __future__ import annotations

import re

from assistant.core import Assistant
from assistant.understand.plan import RowsAtom
from tests.asking import converse, ids, rows_where


def test_a_count_per_lead_agency_cites_the_rows_and_names_them_per_agency(assistant: Assistant) -> None:
    said = assistant.ask("环翠区的活儿按牵头单位统计下各有多少")
    assert said.plan.operation == "group_count" and said.plan.group_by == "agency"
    assert ids(said) == rows_where(assistant, "huancui", lambda r: True)
    led = rows_where(assistant, "huancui", lambda r: any("教育体育" in n for n in r.lead))
    line = next(ln for ln in said.answer.splitlines() if ln.startswith("| 区教育体育局"))
    assert f"{len(led)}项" in line
    numbers = {int(n) for n in re.findall(r"\d+", line.split("|")[5].replace("–", " "))}
    assert {int(i.split("#")[1]) for i in led} <= set(range(min(numbers), max(numbers) + 1))


def test_a_count_per_main_task_said_with_each_one(assistant: Assistant) -> None:
    said = assistant.ask("部省共建那个清单里每一类下面分别几项")
    assert said.plan.group_by == "category"
    categories = {r.category for r in assistant.engine.catalog.filter(["liaoning"])}
    assert sum(ln.startswith("| ") and "项 |" in ln for ln in said.answer.splitlines()) == len(categories)


def test_an_english_count_per_agency_is_not_an_unknown_name(assistant: Assistant) -> None:
    said = assistant.ask("Tally the Huancui rows for each lead department")
    assert said.plan.operation == "group_count" and not said.plan.unresolved and said.understood


def test_a_list_without_a_lead_column_is_counted_by_the_agencies_it_names(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店各个部门牵头的任务分别多少条")
    assert "未区分牵头" in said.answer
    named = rows_where(assistant, "wafangdian", lambda r: "finance" in r.agency_ids)
    line = next(ln for ln in said.answer.splitlines() if ln.startswith("| 财政局"))
    assert f"{len(named)}项" in line


def test_every_list_named_starts_afresh_after_a_row_question(assistant: Assistant) -> None:
    row, total, each = converse(assistant, "营口第7条讲的啥", "全部清单加起来多少条", "那每个清单各自几条呢")
    assert ids(row) == ["yingkou#7"]
    assert "172" in total.answer and total.plan.reference is None
    assert each.plan.group_by == "doc" and len(each.plan.scope.places) == 0
    assert all(f"{n}项" in each.answer for n in (45, 57, 54, 16))


def test_a_named_row_that_does_not_meet_the_condition_is_answered_no_with_the_row(assistant: Assistant) -> None:
    agency = assistant.ask("辽宁省清单12号任务，省财政厅在它责任部门中列没列")
    assert ids(agency) == ["liaoning#12"] and "不符合" in agency.answer and agency.understood
    figure = assistant.ask("Is there a percentage in row 9 of the Yingkou list?")
    assert ids(figure) == ["yingkou#9"] and "does not meet" in figure.answer
    met = assistant.ask("营口市26号任务写了百分比没有")
    assert ids(met) == ["yingkou#26"] and "不符合" not in met.answer


def test_a_column_named_beside_one_row_is_the_column_asked(assistant: Assistant) -> None:
    said = assistant.ask("环翠区第5条那条的牵头单位名称原文")
    assert said.understood and ids(said) == ["huancui#5"] and said.plan.fields == ["lead"]
    written = assistant.ask("营口第3条的责任单位全称是怎么写的")
    assert written.understood and written.plan.fields == ["responsible"]


def test_a_row_said_as_a_number_with_hao(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店17号任务是啥")
    assert ids(said) == ["wafangdian#17"]
    dated = assistant.ask("营口有没有要求9月30号前完成的")
    assert not any(isinstance(a, RowsAtom) and a.start == 30 for a in dated.plan.atoms())


def test_a_count_for_each_agency_named_or_for_each_but_those_left_out(assistant: Assistant) -> None:
    named = assistant.ask("瓦房店清单里，商务局与税务局分别出现了几次")
    assert named.plan.operation == "group_count" and set(named.plan.groups.among) == {"commerce", "tax"}
    for agency, label in (("commerce", "商务局"), ("tax", "税务局")):
        count = len(rows_where(assistant, "wafangdian", lambda r, a=agency: a in r.agency_ids))
        assert any(ln.startswith(f"| {label}") and f"{count}项" in ln for ln in named.answer.splitlines())
    assert named.understood
    others = assistant.ask("环翠区除了区教育体育局，别的牵头单位各牵头几条")
    assert others.plan.groups.excluding and "| 区教育体育局" not in others.answer
    led = rows_where(assistant, "huancui", lambda r: any(a != "education" for a in r.lead_ids))
    assert ids(others) == led


def test_the_first_and_the_last_row_asked_together(assistant: Assistant) -> None:
    said = assistant.ask("环翠区清单头一条和最后一条各是什么")
    assert ids(said) == ["huancui#1", "huancui#16"]


def test_a_level_is_never_put_before_a_collective_name(assistant: Assistant) -> None:
    said = assistant.ask("辽宁第20条两个市各是哪条在落实")
    assert "各市" not in said.plan_line and said.plan.operation == "lineage"


def test_a_word_a_figure_search_drops_is_reported(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店今年CPI涨了多少")
    assert not said.understood and "cpi" in [w.lower() for w in said.unread]
    amount = assistant.ask("瓦房店那边技能培训一年工作量定的多少人次")
    assert "wafangdian#28" in ids(amount)[:1] and "工作量" not in amount.plan_line


def test_an_agency_no_list_names_is_named_as_typed(assistant: Assistant) -> None:
    said = assistant.ask("营口市气象局要干什么")  # no list names it: unknown, not a topic searched
    assert not said.citations and said.unresolved and "气象局" in said.answer
    known = assistant.ask("辽宁清单里省卫健委负责哪些")  # a known agency that list does not name
    assert not known.citations and "省卫健委" in known.answer


def test_their_column_asked_of_the_previous_rows(assistant: Assistant) -> None:
    rows, columns = converse(assistant, "税务局在环翠牵头哪些", "这些任务牵头单位栏都写了谁")
    assert ids(columns) == ids(rows) and columns.plan.fields == ["lead"] and not columns.plan.agencies()


def test_the_same_provincial_row_carried_out_in_another_city(assistant: Assistant) -> None:
    first, other = converse(assistant, "省里第52条，营口由哪一条来落实", "瓦房店换上来看看呢")
    assert ids(first)[0] == "liaoning#52" and ids(other)[0] == "liaoning#52"
    assert all(i.startswith(("liaoning", "wafangdian")) for i in ids(other)) and len(ids(other)) > 1


def test_the_provincial_row_of_the_previous_answer_named_by_its_level(assistant: Assistant) -> None:
    _, parent = converse(assistant, "瓦房店49号对应辽宁清单哪一项", "省里的那一条责任部门有谁")
    assert len(ids(parent)) == 1 and ids(parent)[0].startswith("liaoning#")


def test_the_document_a_list_carries_out_is_its_title(assistant: Assistant) -> None:
    said = assistant.ask("营口这份清单依据的是什么文件")
    assert said.plan.operation == "about" and "营口市工作任务清单" in said.answer


def test_a_short_name_of_the_college_inside_other_words_is_not_the_college(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店培养多少名师 专业带头人呢")
    assert said.plan.scope.institution is None and said.plan.scope.places == ["瓦房店市"]
    college = assistant.ask("师专教务处负责哪些举措")
    assert college.plan.scope.institution is not None


def test_a_time_point_named_as_a_field(assistant: Assistant) -> None:
    said = assistant.ask("营口哪些任务写了明确时间节点")
    dated = rows_where(assistant, "yingkou", lambda r: bool(r.deadline_years) or bool(re.search(r"20\d\d年", r.text)))
    assert said.understood and set(ids(said)) <= set(dated) and ids(said)


def test_a_name_that_starts_with_a_place_said_after_a_verb_of_saying(assistant: Assistant) -> None:
    said = assistant.ask("营口清单哪几项点名提到营口职业技术学院")
    assert ids(said) == rows_where(assistant, "yingkou", lambda r: "营口职业技术学院" in r.text)


def test_a_role_not_counted_is_shown_as_not_counted(assistant: Assistant) -> None:
    led = assistant.ask("营口清单各单位牵头任务数")
    assert any(ln.startswith("| 市教育局 |") and "| — |" in ln for ln in led.answer.splitlines())
    named = assistant.ask("瓦房店各部门牵头几项分别是多少")  # no lead column: the one column it has is counted
    line = next(ln for ln in named.answer.splitlines() if ln.startswith("| 财政局"))
    assert line.split("|")[2].strip() == "—" and line.split("|")[3].strip().isdigit()


def test_the_first_groups_of_a_ranked_count(assistant: Assistant) -> None:
    said = assistant.ask("环翠区各单位牵头的次数排一下，前两名是谁")
    assert said.plan.groups is not None and said.plan.groups.top == 2 and said.understood
    lines = [ln for ln in said.answer.splitlines() if ln.startswith("| 区")]
    assert [ln.split("|")[1].strip() for ln in lines] == ["区教育体育局", "区人力资源社会保障局"]


def test_a_named_provincial_row_asked_of_two_cities_is_its_children(assistant: Assistant) -> None:
    said = assistant.ask("省里第52条，营口跟瓦房店是不是都有对应的条目")
    assert said.plan.lineage == "children" and ids(said)[0] == "liaoning#52"
    both = assistant.ask("哪些辽宁的任务营口瓦房店两边都落实了")
    assert both.plan.lineage == "shared"


def test_which_year_asks_a_fact(assistant: Assistant) -> None:
    said = assistant.ask("环翠区学徒基地要哪年建成")
    assert said.plan.operation == "fact" and ids(said) == ["huancui#6"]


def test_a_figure_compared_across_lists_is_one_row_per_list(assistant: Assistant) -> None:
    said = assistant.ask("营口和瓦房店对老师到企业实践的时长要求各是多少个月")
    assert said.plan.operation == "compare" and said.plan.unit is not None
    docs = [i.split("#")[0] for i in ids(said)]
    assert sorted(docs) == ["wafangdian", "yingkou"]


def only_education(assistant: Assistant) -> list[str]:
    return rows_where(assistant, "wafangdian", lambda r: set(r.agency_ids) == {"education"})


def test_only_said_as_the_sole_column_entry_or_as_one_unit_after_the_agency(assistant: Assistant) -> None:
    expected = only_education(assistant)
    for question in ("瓦房店里唯一责任部门为教育局的条目", "瓦房店哪几条就教育局一个单位", "瓦房店只牵扯到教育局一家部门的任务",
                     "Which Wafangdian rows is the education bureau solely responsible for?"):
        said = assistant.ask(question)
        assert said.understood and ids(said) == expected, question
    two = assistant.ask("瓦房店清单里光写了市教育局和人社局两家的任务有哪些")
    assert ids(two) == rows_where(assistant, "wafangdian", lambda r: set(r.agency_ids) == {"education", "hrss"})


def test_a_column_with_one_name_said_as_only_one(assistant: Assistant) -> None:
    said = assistant.ask("环翠区哪些条目牵头单位仅有一个的")
    assert said.understood and ids(said) == rows_where(assistant, "huancui", lambda r: len(r.lead) == 1)
