"""Round twenty-three of reading questions (found with probe35): a section named by a word right before its mark,
the only department listed, staying out of a task, which of the agencies named appears more often, a column that
just says a name and nothing else, a column blank while another is filled, and which tasks name the most
agencies."""

from __future__ import annotations

from collections import Counter

from assistant.core import Assistant
from tests.asking import ids, rows_where


def test_a_section_named_by_a_word_right_before_its_mark(assistant: Assistant) -> None:
    section = next(r.category for r in assistant.engine.catalog.filter(["wafangdian"]) if "经费" in r.category)
    said = assistant.ask("瓦房店关于经费的那一块，包括哪几条")
    assert said.understood and ids(said) == rows_where(assistant, "wafangdian", lambda r: r.category == section)


def test_the_only_department_listed_and_nobody_else(assistant: Assistant) -> None:
    said = assistant.ask("In Wafangdian, where is 人社局 the only department listed, with nobody else?")
    assert said.understood and ids(said) == rows_where(assistant, "wafangdian", lambda r: set(r.agency_ids) == {"hrss"})


def test_staying_out_of_a_task_negates_the_agency(assistant: Assistant) -> None:
    said = assistant.ask("Which Yingkou tasks does the 市财政局 stay out of?")
    assert said.understood and ids(said) == rows_where(assistant, "yingkou", lambda r: "finance" not in r.agency_ids)


def test_which_of_the_agencies_named_appears_more_often(assistant: Assistant) -> None:
    rows = assistant.engine.catalog.filter(["yingkou"])
    counts = Counter(a for r in rows for a in set(r.agency_ids) if a in ("finance", "hrss"))
    winner = max(counts, key=lambda a: counts[a])
    said = assistant.ask("营口清单上财政局跟人社局放一起比，哪个出现次数多")
    assert said.understood and said.plan is not None and said.plan.groups is not None
    assert set(said.plan.groups.among) == {"finance", "hrss"}
    assert ids(said) == [r.id for r in rows if winner in r.agency_ids]


def test_a_column_that_just_says_a_name_and_nothing_else(assistant: Assistant) -> None:
    said = assistant.ask("Which Yingkou rows have a 责任单位 that just reads 各县区, nothing else?")
    assert said.understood
    assert ids(said) == rows_where(assistant, "yingkou", lambda r: r.responsible_ids == ["counties_districts"])


def test_one_column_blank_while_another_is_filled(assistant: Assistant) -> None:
    said = assistant.ask("锦州师专的举措里，具体举措空着、完成时间倒填了的有几条")
    expected = rows_where(assistant, "liaoning", lambda r: r.measures is not None and not r.measures.actions
                          and bool(r.measures.due))
    assert said.understood and ids(said) == expected and expected


def test_which_tasks_name_the_most_agencies(assistant: Assistant) -> None:
    rows = assistant.engine.catalog.filter(["huancui"])
    most = max(len(r.lead) + len(r.responsible) for r in rows)
    said = assistant.ask("Huancui: which tasks have the most units on them?")
    assert said.understood and said.plan is not None and said.plan.group_by == "row"
    assert ids(said) == [r.id for r in rows if len(r.lead) + len(r.responsible) == most]
