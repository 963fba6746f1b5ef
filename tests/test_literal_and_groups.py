"""What a cell literally says (the agency named between the column and its verb, one text or another, a quoted text
at a cell's start, a quoted text with no column named), agencies named as members of a group, either role for
every agency, carry-out words, the most of a group citing its rows, and conditions that each hold alone yet meet
no row together: an answer that says it may have misread the question instead of a confident "none"."""

from __future__ import annotations

from assistant.core import Assistant
from tests.asking import ids, rows_where


def test_the_agency_named_before_the_verb_and_its_written_form(assistant: Assistant) -> None:
    said = assistant.ask("营口表中，责任单位一栏把文化旅游部门简写成“市文旅广电局”的条目")
    expected = rows_where(assistant, "yingkou", lambda r: any("市文旅广电局" in n for n in r.responsible))
    every = rows_where(assistant, "yingkou", lambda r: "culture_tourism" in r.responsible_ids)
    assert said.understood and ids(said) == expected and 0 < len(expected) < len(every)


def test_one_written_form_or_another(assistant: Assistant) -> None:
    said = assistant.ask("营口表中第24条，责任单位中金融方面的单位写作“市金融局”还是写作“市金融发展局”")
    assert ids(said) == ["yingkou#24"] and said.understood


def test_a_quoted_text_at_the_start_of_the_task(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店表里任务原文以“推进”二字起头的")
    expected = rows_where(assistant, "wafangdian", lambda r: r.text.startswith("推进"))
    assert said.understood and ids(said) == expected and expected
    assert "第1项" not in said.plan_line  # 起头 is the cell's start here, not the list's first row


def test_a_quoted_text_with_no_column_named(assistant: Assistant) -> None:
    text = assistant.ask("环翠表中，任务里出现过“威海市”字样的条目")
    assert ids(text) == rows_where(assistant, "huancui", lambda r: "威海市" in r.text) and text.understood
    agency = assistant.ask("营口表里写有“各县区”的条目共几条")
    expected = rows_where(assistant, "yingkou", lambda r: any("各县区" in n for n in r.lead + r.responsible))
    assert ids(agency) == expected and str(len(expected)) in agency.answer


def test_members_of_a_group_named_in_brackets_are_any_of_them(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店表中，市委口的单位（市委编办、市委宣传部）有份的条目")
    expected = rows_where(assistant, "wafangdian", lambda r: {"staffing", "publicity"} & set(r.agency_ids))
    assert ids(said) == expected and said.understood


def test_these_kinds_of_bureaus_point_at_the_agencies_named(assistant: Assistant) -> None:
    said = assistant.ask("营口表中审计、国资这两类部门涉及的条目")
    expected = rows_where(assistant, "yingkou", lambda r: {"audit", "state_assets"} & set(r.agency_ids))
    assert said.understood and ids(said) == expected and expected


def test_either_role_for_every_agency_named(assistant: Assistant) -> None:
    said = assistant.ask("环翠表里发改、工信这两个部门有参与的任务（牵头或责任）")
    expected = rows_where(assistant, "huancui", lambda r: {"development_reform", "industry_it"} & set(r.agency_ids))
    assert ids(said) == expected and len(expected) > 2


def test_carry_out_words_upstream_and_taking_over(assistant: Assistant) -> None:
    links = assistant.engine.links
    up = assistant.ask("瓦房店第20条的上游是省里第几条")
    parents = sorted(v.parent for v in links.parents_of("wafangdian#20"))
    assert parents and set(parents) <= set(ids(up)) and up.plan.lineage == "parents"
    down = assistant.ask("省里第52条，营口由第几条来接")
    children = {v.child for v in links.children_of("liaoning#52") if v.child.startswith("yingkou#")}
    assert children and children <= set(ids(down)) and down.plan.lineage == "children"


def test_the_most_in_one_role_cites_the_winners_rows(assistant: Assistant) -> None:
    said = assistant.ask("环翠表里哪个单位当责任单位的次数最多")
    counts: dict[str, list[str]] = {}
    for row in assistant.engine.catalog.filter(["huancui"]):
        for agency in set(row.responsible_ids):
            counts.setdefault(agency, []).append(row.id)
    best = max(len(v) for v in counts.values())
    winners = {rid for v in counts.values() if len(v) == best for rid in v}
    assert said.plan.fields == ["responsible"] and set(ids(said)) == winners


def test_alone_said_with_a_word_between(assistant: Assistant) -> None:
    said = assistant.ask("环翠表中区税务局自己一家牵头的")
    assert ids(said) == rows_where(assistant, "huancui", lambda r: set(r.lead_ids) == {"tax"}) and said.understood
    english = assistant.ask("Of Yingkou rows 1 to 10, which don't list the finance bureau?")
    expected = rows_where(assistant, "yingkou", lambda r: r.row <= 10 and "finance" not in r.agency_ids)
    assert english.understood and ids(english) == expected


def test_conditions_that_meet_no_row_together_are_not_a_confident_none(assistant: Assistant) -> None:
    rows = assistant.engine.catalog.filter(["huancui"])
    assert any("tax" in r.lead_ids for r in rows) and any("organization" in r.lead_ids for r in rows)
    assert not any({"tax", "organization"} <= set(r.lead_ids) for r in rows)
    said = assistant.ask("环翠表里区税务局牵头并且区委组织部也牵头的任务")
    assert not ids(said) and not said.understood and not said.unread
    assert said.answer.startswith("没有同时满足全部条件的任务")
    alone = assistant.ask("环翠表中区委组织部负责牵头的事项")  # one condition met by some rows: a confident answer
    assert alone.understood and ids(alone)


def test_an_agency_named_first_in_its_column(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店表里把人社局写在最前面的条目")
    expected = rows_where(assistant, "wafangdian", lambda r: r.agency_ids[:1] == ["hrss"])
    assert said.understood and ids(said) == expected and expected
    both = assistant.ask("瓦房店表里人社局排第一、同时也有财政局的条目")
    assert ids(both) == [r for r in expected if "finance" in assistant.row(r).agency_ids] and both.understood
    assert both.plan.operation == "list"  # 排第一 after an agency: where it is named, not "the most"


def test_a_column_naming_more_than_or_at_least_some_agencies(assistant: Assistant) -> None:
    agencies = assistant.engine.catalog.registry.agencies

    def named(ids_: list[str]) -> int:
        return len({a for a in ids_ if not agencies.is_collective(a)})

    more = assistant.ask("营口表中牵头单位多于一个单位的条目")
    assert ids(more) == rows_where(assistant, "yingkou", lambda r: named(r.lead_ids) > 1) and more.understood
    least = assistant.ask("营口表里责任单位至少4个部门的条目（各县区不计）")
    assert ids(least) == rows_where(assistant, "yingkou", lambda r: named(r.responsible_ids) >= 4) and least.understood


def test_what_the_task_text_names_a_percentage_or_a_document(assistant: Assistant) -> None:
    percent = assistant.ask("营口表里任务原文带百分号的条目")
    assert ids(percent) == rows_where(assistant, "yingkou", lambda r: "%" in r.text or "％" in r.text)
    title = assistant.ask("环翠表中引用了书名号文件的条目")
    assert ids(title) == rows_where(assistant, "huancui", lambda r: "《" in r.text) and title.understood


def test_a_text_asked_in_other_letter_case(assistant: Assistant) -> None:
    said = assistant.ask("营口表中任务里写有“1+x”的条目")
    assert ids(said) == rows_where(assistant, "yingkou", lambda r: "1+X" in r.text.upper()) and ids(said)


def test_a_row_number_after_a_section_counts_within_it(assistant: Assistant) -> None:
    rows = assistant.engine.catalog.filter(["wafangdian"])
    section = rows[-1].category or ""
    said = assistant.ask(f"瓦房店“{section}”这一部分的第二条")
    assert ids(said) == [[r.id for r in rows if r.category == section][1]]


def test_a_quoted_text_is_never_corrected_by_its_sound(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店表中写着“安全生产”的条目")
    assert not said.plan.read_as and ids(said) == rows_where(assistant, "wafangdian", lambda r: "安全生产" in r.text)


def test_which_rows_of_each_city_for_a_provincial_row(assistant: Assistant) -> None:
    said = assistant.ask("省里第41条，营口和瓦房店各是哪条")
    children = {v.child for v in assistant.engine.links.children_of("liaoning#41")}
    assert said.plan.lineage == "children" and children and children <= set(ids(said))


def test_agencies_separated_by_a_slash_are_any_of_them(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店表里应急局/退役军人事务局有份的条目")
    expected = rows_where(assistant, "wafangdian", lambda r: {"emergency", "veterans"} & set(r.agency_ids))
    assert ids(said) == expected and len(expected) >= 2



def test_the_party_committees_departments_are_a_group_not_a_name(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店表里市委部门（编办、宣传部）有份的条目")
    expected = rows_where(assistant, "wafangdian", lambda r: {"staffing", "publicity"} & set(r.agency_ids))
    assert not said.unresolved and ids(said) == expected and said.understood


def test_a_figure_question_quoting_a_rows_own_words_cites_that_row_alone(assistant: Assistant) -> None:
    said = assistant.ask("营口要把专兼职教师占专业教师总数的比例提到多少")
    assert ids(said) == ["yingkou#31"] and "60%" in said.answer


def test_more_than_one_said_without_a_number(assistant: Assistant) -> None:
    agencies = assistant.engine.catalog.registry.agencies
    several = assistant.ask("环翠表里有好几个部门一起牵头的条目")
    expected = rows_where(assistant, "huancui", lambda r: len({a for a in r.lead_ids
                                                              if not agencies.is_collective(a)}) >= 2)
    assert ids(several) == expected and expected and several.understood


def test_a_cell_that_ends_with_a_word_the_agency_names_drop(assistant: Assistant) -> None:
    """等 closes some responsible cells; the names read from the cell drop it, the cell as written keeps it."""
    said = assistant.ask("环翠这份表里，配合单位那栏末了是拿“等”字收住的有哪些")
    expected = rows_where(assistant, "huancui", lambda r: r.written.get("responsible", "").endswith("等"))
    assert said.understood and ids(said) == expected and 1 < len(expected) < 16
    assert "倒数" not in said.plan_line  # 末了 is the cell's end here, not the list's last row


def test_a_place_after_a_verb_of_saying_is_the_text_sought(assistant: Assistant) -> None:
    zh = assistant.ask("瓦房店的表，任务正文里点名提及大连的都有哪些")
    en = assistant.ask("Which rows of the Wafangdian list mention 大连 in their task text?")
    expected = rows_where(assistant, "wafangdian", lambda r: "大连" in r.text)
    assert ids(zh) == ids(en) == expected and 0 < len(expected) < 10 and zh.understood and en.understood
    listed = assistant.ask("请列出营口人社局参与的全部工作")  # 列出 lists; it names no text
    assert len(ids(listed)) > 10 and "写有" not in listed.plan_line


def test_a_row_named_by_number_that_does_not_say_the_text_is_shown_as_written(assistant: Assistant) -> None:
    """Asked whether row N's cell says X when it does not: not "no such task", but the row and that it does not."""
    said = assistant.ask("营口那份表第7号，牵头那栏填的是“市财政局”吗")
    assert ids(said) == ["yingkou#7"] and said.understood
    assert "没有写「市财政局」" in said.answer and "市教育局" in said.answer  # what the cell does say
    tail = assistant.ask("省里的表第43条，责任部门末尾那一个是不是“各市”")  # the last name in the cell, not the
    assert ids(tail) == ["liaoning#43"] and "倒数" not in tail.plan_line  # list's last row


def test_a_name_written_in_a_variant_form_somewhere_is_found_by_that_form(assistant: Assistant) -> None:
    said = assistant.ask("营口表中有某处把农业农村局记作“农业与农村局”，哪一条")
    expected = rows_where(assistant, "yingkou", lambda r: any("农业与农村局" in n for n in r.lead + r.responsible))
    assert said.understood and ids(said) == expected and len(expected) == 1


def test_a_cell_that_says_exactly_two_names(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店表里责任部门只写了“市教育局、人社局”的条目")
    expected = rows_where(assistant, "wafangdian", lambda r: r.responsible == ["市教育局", "人社局"])
    assert ids(said) == expected and len(expected) > 3
