"""Round fifteen of reading questions: a column's presence asked yes-or-no of rows already named."""

from __future__ import annotations

from assistant.core import Assistant
from tests.asking import converse, ids, rows_where


def test_whether_named_rows_fill_a_column_is_answered_for_each(assistant: Assistant) -> None:
    """Asked yes or no of the previous rows, the column is shown for every one of them, filled or not: a filter
    would drop the rows whose answer is "no" and cite nothing."""
    first, asked = converse(assistant, "环翠区由区税务局来牵头的任务", "那这两项的完成时间填没填上")
    assert len(ids(first)) == 2
    assert asked.understood and ids(asked) == ids(first)
    assert asked.plan is not None and asked.plan.fields == ["due"] and not any(
        a.kind == "empty" for a in asked.plan.atoms())


def test_a_closing_mei_you_asks_and_negates_nothing(assistant: Assistant) -> None:
    undated = rows_where(assistant, "huancui", lambda r: not r.due)
    dated = rows_where(assistant, "huancui", lambda r: r.due)
    number = lambda row_id: row_id.split("#")[1]  # noqa: E731
    said = assistant.ask(f"环翠区第{number(dated[0])}条和第{number(undated[0])}条写了完成时间没有？")
    assert said.understood and ids(said) == sorted([dated[0], undated[0]], key=lambda i: int(number(i)))
    english = assistant.ask(f"Does Huancui row {number(undated[0])} have a deadline?")
    assert english.understood and ids(english) == [undated[0]]


def test_which_of_the_named_rows_still_picks_rows(assistant: Assistant) -> None:
    undated = rows_where(assistant, "huancui", lambda r: not r.due)
    dated = rows_where(assistant, "huancui", lambda r: r.due)
    number = lambda row_id: row_id.split("#")[1]  # noqa: E731
    which = assistant.ask(f"环翠区第{number(dated[0])}条和第{number(undated[0])}条，哪条写了完成时间")
    assert ids(which) == [dated[0]]
    relative = assistant.ask(f"环翠区第{number(dated[0])}条、第{number(undated[0])}条里写了完成时间的")
    assert ids(relative) == [dated[0]]
    still_negated = assistant.ask("环翠区哪些任务还没有")
    assert not still_negated.understood or not ids(still_negated)


def test_a_blank_column_said_of_previous_rows_without_asking_whether_picks_rows(assistant: Assistant) -> None:
    first, narrowed = converse(assistant, "环翠那份清单，教育体育局挑头的都给我", "那这几项里完成时间空着的呢")
    assert ids(narrowed) == [r for r in ids(first) if r in rows_where(assistant, "huancui", lambda r: not r.due)]
    assert 0 < len(ids(narrowed)) < len(ids(first))
