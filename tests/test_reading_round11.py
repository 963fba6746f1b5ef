"""Round eleven of reading questions: counts of agencies said with 两家一起; a collective name left out of a count by
row; English lists with commas, shared head nouns, naming and negation words; a quoted description of a parent row;
the rest of an earlier answer after 那条; a switch followed by a clause; the category a number of groups names."""

from __future__ import annotations

from assistant.core import Assistant
from assistant.understand.plan import AgencyAtom, EmptyAtom, SizeAtom, iter_atoms_signed
from tests.asking import converse, ids, rows_where


def test_two_agencies_together_in_a_role_is_a_size_unless_the_agencies_are_named(assistant: Assistant) -> None:
    said = assistant.ask("环翠区有没有哪条是三家联合牵头的")
    sizes = [a for a in said.plan.atoms() if isinstance(a, SizeAtom)]
    assert said.understood and sizes and sizes[0].count == 3 and sizes[0].field == "lead"
    assert set(ids(said)) == set(rows_where(assistant, "huancui", lambda r: len(r.lead) == 3))
    named = assistant.ask("营口由市教育局、市财政局两家一起负责的是哪些")
    assert named.understood and not any(isinstance(a, SizeAtom) for a in named.plan.atoms())
    assert {a.agency for a in named.plan.atoms() if isinstance(a, AgencyAtom)} == {"education", "finance"}


def test_a_collective_name_left_out_when_ranking_rows_by_how_many_they_name(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店哪项责任部门列得最多，“各乡镇”这种不计")
    assert said.understood and said.plan is not None and said.plan.group_by == "row"
    assert said.plan.groups is not None and said.plan.groups.excluding == ["townships"] and said.plan.where is None
    counted = {r.id: len([a for a in r.responsible_ids if a != "townships"])
               for r in assistant.engine.catalog.filter(["wafangdian"])}
    assert set(ids(said)) == {r for r, n in counted.items() if n == max(counted.values())}


def test_an_english_list_of_three_agencies_after_apart_from_leaves_out_all_three(assistant: Assistant) -> None:
    said = assistant.ask("In Yingkou, apart from 市教育局, 市财政局 and 各县区, which agency appears in the most rows?")
    assert said.understood and said.plan is not None and said.plan.groups is not None
    assert set(said.plan.groups.excluding) == {"education", "finance", "counties_districts"}


def test_a_chinese_comma_still_ends_the_negated_agencies(assistant: Assistant) -> None:
    said = assistant.ask("营口用不着市商务局，市教育局或市财政局牵头的有哪些")
    negated = [a.agency for a, neg in iter_atoms_signed(said.plan.where) if isinstance(a, AgencyAtom) and neg]
    assert negated == ["commerce"]


def test_two_english_agencies_sharing_one_head_noun(assistant: Assistant) -> None:
    said = assistant.ask("Show me every Wafangdian row in which the finance or tax bureaus take part")
    agencies = {a.agency for a in said.plan.atoms() if isinstance(a, AgencyAtom)}
    assert said.understood and agencies == {"finance", "tax"}
    assert set(ids(said)) == set(rows_where(assistant, "wafangdian", lambda r: {"finance", "tax"} & set(r.responsible_ids)))


def test_english_not_among_a_column_and_nothing_filled_in(assistant: Assistant) -> None:
    said = assistant.ask("Which Huancui rows have 区发改局 not among the lead units?")
    negated = [a for a, neg in iter_atoms_signed(said.plan.where) if isinstance(a, AgencyAtom) and neg]
    assert said.understood and negated and negated[0].agency == "development_reform"
    empty = assistant.ask("Show me Huancui tasks with nothing filled in under their 责任单位 cell")
    assert empty.understood and any(isinstance(a, EmptyAtom) and a.field == "responsible" for a in empty.plan.atoms())


def test_a_quoted_description_of_a_parent_row_not_word_for_word(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店用哪条在落实省里“遴选培育100个学徒制示范专业”这一条")
    cited = ids(said)
    assert "liaoning#23" in cited and any(c.startswith("wafangdian#") for c in cited)
    loose = assistant.ask("瓦房店用哪条在落实省里“学徒制示范专业的遴选”这一条")  # too few of its words in order
    assert "liaoning#23" not in ids(loose)


def test_the_rest_of_an_earlier_answer_after_a_narrowing_one(assistant: Assistant) -> None:
    first, narrowed, rest = converse(assistant, "环翠由区委组织部来牵头的是哪些", "其中责任单位是空的是哪条",
                                     "剩下那条呢，责任单位写了谁")
    assert set(ids(rest)) == set(ids(first)) - set(ids(narrowed)) and rest.understood


def test_a_switch_then_a_clause_keeps_the_agency_and_widens_the_role(assistant: Assistant) -> None:
    first, switched = converse(assistant, "营口哪几条有市财政局牵头", "瓦房店的呢，牵头和配合都算")
    assert switched.plan is not None and switched.plan.followup == "replace"
    agencies = [a for a in switched.plan.atoms() if isinstance(a, AgencyAtom)]
    assert agencies and agencies[0].agency == "finance" and agencies[0].role == "any"


def test_a_number_of_categories_before_the_category_word_is_no_row(assistant: Assistant) -> None:
    said = assistant.ask("辽宁12项主要任务里哪项包含的条目最多")
    assert said.plan is not None and said.plan.group_by == "category" and said.plan.pick == "max"
    assert not any(a.kind == "rows" for a in said.plan.atoms())


def test_an_english_block_names_a_category(assistant: Assistant) -> None:
    said = assistant.ask("List the rows of the 加强部门协同 block in the Liaoning list")
    assert said.understood and ids(said) == rows_where(assistant, "liaoning", lambda r: r.category.startswith("加强部门协同"))


def test_a_spelling_word_is_read_only_with_a_text_in_an_agency_column(assistant: Assistant) -> None:
    written = assistant.ask("营口那份表的责任单位中，文旅局缩写成「市文旅广电局」的条目列一下")
    assert written.understood and set(ids(written)) == set(rows_where(
        assistant, "yingkou", lambda r: "市文旅广电局" in r.written.get("responsible", "")))
    vague = assistant.ask("环翠那张表里各局有没有用简称的")  # no text said: the spelling asked is not understood
    assert not vague.understood and any("简称" in w for w in vague.unread)


def test_a_count_by_agency_as_the_cells_write_the_names(assistant: Assistant) -> None:
    said = assistant.ask("营口各牵头单位照原样统计，分别牵头几项")
    assert said.understood and said.plan is not None and said.plan.groups is not None and said.plan.groups.as_written
    written = [n for r in assistant.engine.catalog.filter(["yingkou"]) for n in dict.fromkeys(r.lead)]
    assert all(f"| {name} | {written.count(name)} |" in said.answer for name in set(written))
    merged = assistant.ask("营口清单中每个牵头单位负责的条目数量是多少")
    assert not (merged.plan.groups and merged.plan.groups.as_written)
    assert "| 市教育 |" not in merged.answer
