"""Round twelve of reading questions: a group word for all of its agencies when they are in the rows at once; both
columns counted; years listed with no 年; English hyphenated words and counting from the end."""

from __future__ import annotations

from assistant.core import Assistant
from assistant.understand.plan import AgencyAtom, Group, RowsAtom, iter_atoms_signed
from tests.asking import ids, rows_where


def test_a_group_word_with_a_word_for_at_once_is_every_agency_of_it(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店哪些条目里财税部门同时出现")
    agencies = {a.agency for a in said.plan.atoms() if isinstance(a, AgencyAtom)}
    assert said.understood and agencies == {"finance", "tax"} and not (
        isinstance(said.plan.where, Group) and said.plan.where.kind == "or")
    assert set(ids(said)) == set(rows_where(assistant, "wafangdian", lambda r: {"finance", "tax"} <= set(r.responsible_ids)))
    either = assistant.ask("瓦房店哪些条目涉及财税部门")  # no such word: any of them
    assert set(ids(either)) == set(rows_where(assistant, "wafangdian", lambda r: {"finance", "tax"} & set(r.responsible_ids)))


def test_both_columns_said_for_a_count_per_agency_counts_both(assistant: Assistant) -> None:
    said = assistant.ask("环翠区的区财政局和区税务局，牵头和责任两栏都算上，各涉及几条")
    assert said.understood and said.plan is not None and said.plan.fields == []
    finance = rows_where(assistant, "huancui", lambda r: "finance" in r.lead_ids + r.responsible_ids)
    assert f"{len(finance)}项" in next(line for line in said.answer.splitlines() if "区财政局" in line and "|" in line)


def test_years_listed_without_nian_are_each_a_year(assistant: Assistant) -> None:
    said = assistant.ask("营口完成时间分别落在2021、2022、2023的任务各多少项")
    assert said.plan is not None and said.plan.group_by == "year" and said.plan.groups is not None
    assert said.plan.groups.among == ["2021", "2022", "2023"]


def test_english_hyphenated_column_words_and_the_row_second_to_last(assistant: Assistant) -> None:
    said = assistant.ask("For Wafangdian, show the third-to-last row")
    rows = [a for a, _ in iter_atoms_signed(said.plan.where) if isinstance(a, RowsAtom)]
    assert said.understood and rows and rows[0].start == -3 and ids(said) == ["wafangdian#55"]
    column = assistant.ask("Huancui rows whose responsible-unit cell is empty")
    assert column.understood and any(a.kind == "empty" and a.field == "responsible" for a in column.plan.atoms())
