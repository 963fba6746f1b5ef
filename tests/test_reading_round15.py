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


_PARTY = {"organization", "publicity", "united_front", "staffing", "education_committee"}  # 市委's departments


def test_the_party_committee_departments_are_a_group_to_select_and_to_rank(assistant: Assistant) -> None:
    """市委部门 names the committee's departments: the rows of any of them; ranked, only they are compared."""
    rows = rows_where(assistant, "wafangdian", lambda r: _PARTY & set(r.agency_ids))
    said = assistant.ask("瓦房店清单里有市委部门参加的条目")
    assert said.understood and ids(said) == rows and rows
    ranked = assistant.ask("瓦房店的市委部门里面，哪一个参加的条目最多")
    assert ranked.plan is not None and ranked.plan.groups is not None
    assert set(ranked.plan.groups.among) == _PARTY


def test_examples_said_beside_a_group_are_its_members_not_conditions(assistant: Assistant) -> None:
    rows = rows_where(assistant, "wafangdian", lambda r: _PARTY & set(r.agency_ids))
    after = assistant.ask("瓦房店市委部门参加过哪些条目？像编办、宣传部这些")
    assert after.understood and ids(after) == rows
    finance = rows_where(assistant, "wafangdian", lambda r: {"finance", "tax"} & set(r.agency_ids))
    before = assistant.ask("瓦房店里头财政、税务这些财税部门参加过哪些条目")
    assert before.understood and ids(before) == finance


def test_each_agency_counted_by_every_and_by_the_column_named(assistant: Assistant) -> None:
    per = assistant.ask("统计营口牵头单位：每家各牵了多少条")
    assert per.plan is not None and per.plan.operation == "group_count" and per.plan.group_by == "agency"
    assert per.plan.fields == ["lead"]
    column = assistant.ask("环翠区按责任单位来数，各家分别出现了几回")
    assert column.plan is not None and column.plan.fields == ["responsible"]
    categories = assistant.ask("瓦房店一共几个主要任务，每个下面又是几条")
    assert categories.plan is not None and categories.plan.group_by == "category"


def test_role_and_category_words_typed_by_sound_are_read(assistant: Assistant) -> None:
    typed = assistant.ask("瓦房店财政局设及的有哪几条")
    assert typed.understood and ids(typed) == rows_where(assistant, "wafangdian", lambda r: "finance" in r.agency_ids)
    section = assistant.ask("辽宁深化产教融合这一快底下，锦州师专填过措施的是几条")
    assert section.understood and section.plan is not None and any(a.kind == "category" for a in section.plan.atoms())


def test_a_column_with_content_said_with_a_demonstrative(assistant: Assistant) -> None:
    said = assistant.ask("辽宁的清单，具体举措那栏里面有内容的有多少条")
    filled = rows_where(assistant, "liaoning", lambda r: r.measures is not None and r.measures.actions)
    assert said.plan is not None and any(a.kind == "empty" and a.field == "actions" for a in said.plan.atoms())
    assert f"{len(filled)}项" in said.answer


def test_how_many_built_so_far_is_refused_as_an_outcome(assistant: Assistant) -> None:
    said = assistant.ask("营口说的那些高水平专业群，到今天建成几个了")
    assert said.plan is not None and said.plan.operation == "refuse" and said.plan.refuse_reason == "outcome"


def test_the_other_levels_row_asked_by_its_place_beside_a_reference(assistant: Assistant) -> None:
    local = rows_where(assistant, "wafangdian", lambda r: "民办" in r.text)[:1]
    number = local[0].split("#")[1]
    _, upward = converse(assistant, f"瓦房店第{number}条", "那省里的那条呢")
    assert upward.plan is not None and upward.plan.lineage == "parents"
    assert local[0] in ids(upward) and any(i.startswith("liaoning#") for i in ids(upward))


def test_the_last_of_the_previous_rows_has_its_lineage_asked(assistant: Assistant) -> None:
    first, last = converse(assistant, "瓦房店倒数三项列一下", "最后一项落实的是省里第几条")
    assert last.plan is not None and last.plan.reference is not None
    assert last.plan.reference.position == len(ids(first)) == 3
    assert ids(first)[-1] in ids(last)


def test_whether_any_row_names_one_agency_alone_in_a_column(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店有没有责任部门只写了教育局的")
    assert ids(said) == rows_where(assistant, "wafangdian", lambda r: r.responsible_ids == ["education"])


def test_only_some_of_a_group_and_nobody_else(assistant: Assistant) -> None:
    said = assistant.ask("环翠哪些条目是财税部门在弄，没有别的单位")
    inside = rows_where(assistant, "huancui", lambda r: r.agency_ids and set(r.agency_ids) <= {"finance", "tax"})
    assert said.understood and ids(said) == inside and len(inside) >= 2
    both = assistant.ask("环翠区只有区财政局和区税务局牵头的")
    assert ids(both) == rows_where(assistant, "huancui", lambda r: set(r.lead_ids) == {"finance", "tax"})


def test_the_fewest_restated_as_a_count_is_one_ranking(assistant: Assistant) -> None:
    said = assistant.ask("营口单子上责任单位一栏写得最少是哪几条，其实就是只填一家的")
    counts = {r.id: len(r.responsible) for r in assistant.engine.catalog.filter(["yingkou"])}
    least = min(counts.values())
    assert said.understood and ids(said) == [i for i, n in counts.items() if n == least]


def test_a_count_per_agency_in_one_column_cites_only_the_rows_counted(assistant: Assistant) -> None:
    said = assistant.ask("环翠区当责任单位的，各单位各几条")
    assert said.plan is not None and said.plan.fields == ["responsible"]
    assert ids(said) == rows_where(assistant, "huancui", lambda r: r.responsible_ids)
    assert len(ids(said)) < len(rows_where(assistant, "huancui", lambda r: True))  # some cells are blank


def test_a_parent_row_is_shown_with_its_agencies(assistant: Assistant) -> None:
    row = next(r for r in assistant.engine.catalog.filter(["wafangdian"]) if "民办" in r.text)
    said = assistant.ask(f"瓦房店清单第{row.row}项，对应省清单里哪一项")
    parent = next(assistant.engine.catalog.by_id[i] for i in ids(said) if i.startswith("liaoning#"))
    assert parent.written["responsible"] in said.answer


def test_actually_filled_is_no_outcome(assistant: Assistant) -> None:
    said = assistant.ask("锦州师专具体举措那一栏，实际填了多少条")
    assert said.plan is not None and said.plan.operation == "count" and said.plan.refuse_reason is None
