"""Round twenty-one of reading questions, two constructs joined in one question: an apostrophe is no quote, plus
joins names, a negator last in its clause, a rank by count said with 排第二, the most within a named section, the
last of the rows selected, lineage of a section or of rows chosen by conditions, a task's quoted words name no
place, the school's columns and the province's 责任部门, a condition that only leaves rows out narrows a
conversation, "there" and "which offices" after one row."""

from __future__ import annotations

from assistant.core import Assistant
from assistant.understand.plan import AgencyAtom, CategoryAtom, RowsAtom, iter_atoms_signed
from tests.asking import converse, ids, rows_where

_SECTION = "深化产教融合，全面推进校企协同育人"  # a main task of the provincial list, seven rows


def test_an_apostrophe_inside_a_word_opens_no_quote(assistant: Assistant) -> None:
    said = assistant.ask("In Huancui's list, which rows don't involve the tax bureau?")
    assert said.understood and ids(said) == rows_where(assistant, "huancui", lambda r: "tax" not in r.agency_ids)


def test_plus_joins_the_names_of_an_only_condition(assistant: Assistant) -> None:
    pair = rows_where(assistant, "huancui", lambda r: set(r.lead_ids) == {"education", "hrss"})
    said = assistant.ask("Which Huancui rows are led by only 区教育体育局 plus 区人力资源社会保障局, nobody else?")
    assert said.understood and ids(said) == pair and pair


def test_a_negator_last_in_its_clause(assistant: Assistant) -> None:
    kept = rows_where(assistant, "huancui", lambda r: "finance" in r.agency_ids and "development_reform" not in
                      r.agency_ids)
    said = assistant.ask("环翠区有区财政局参与的任务里，哪几条连区发改局都不用管？")
    assert said.understood and ids(said) == kept and kept


def test_a_rank_by_count_said_with_its_place(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店责任部门数量排第二的是哪条")
    assert said.understood and said.plan is not None and said.plan.group_by == "row"
    assert said.plan.groups is not None and said.plan.groups.rank == 2 and ids(said)


def test_the_most_within_a_named_section_ranks_its_rows(assistant: Assistant) -> None:
    section = assistant.engine.catalog.filter(["liaoning"])
    counts = {r.id: len(r.responsible) for r in section if r.category == _SECTION}
    said = assistant.ask(f"辽宁“{_SECTION}”这一块里，哪条挂的责任部门最多")
    assert said.understood and said.plan is not None and said.plan.group_by == "row"
    assert ids(said) == [rid for rid, n in counts.items() if n == max(counts.values())]


def test_the_last_of_the_rows_selected(assistant: Assistant) -> None:
    filled = rows_where(assistant, "liaoning", lambda r: r.measures is not None and bool(r.measures.actions))
    said = assistant.ask("锦州师专写了具体举措的任务里面，排最后的那条是哪条")
    assert said.understood and ids(said) == filled[-1:]


def test_a_section_left_out_by_a_local_list(assistant: Assistant) -> None:
    section = rows_where(assistant, "liaoning", lambda r: r.category == _SECTION)
    for question in (f"辽宁“{_SECTION}”这一块，瓦房店没有落实的有哪些",
                     f"Which Liaoning rows under “{_SECTION}” have no counterpart in the Wafangdian list?"):
        said = assistant.ask(question)
        assert said.plan is not None and said.plan.lineage == "uncovered", question
        assert any(isinstance(a, CategoryAtom) for a in said.plan.atoms())
        assert set(c for c in ids(said) if c.startswith("liaoning")) <= set(section)


def test_lineage_of_rows_chosen_by_conditions(assistant: Assistant) -> None:
    said = assistant.ask("辽宁清单里有省财政厅参与的任务，瓦房店分别落实在哪几条？")
    assert said.plan is not None and said.plan.lineage == "children"
    assert any(isinstance(a, AgencyAtom) and a.agency == "finance" for a in said.plan.atoms())
    provincial = [c for c in ids(said) if c.startswith("liaoning")]
    catalog = assistant.engine.catalog
    assert provincial and all("finance" in catalog.by_id[c].agency_ids for c in provincial)
    assert any(c.startswith("wafangdian") for c in ids(said))


def test_the_places_a_quoted_task_names_are_not_where_to_look(assistant: Assistant) -> None:
    said = assistant.ask("辽宁那条“在锦州、盘锦等市建设安全生产和技能实训基地”，瓦房店是哪条在落实")
    assert said.plan is not None and not said.plan.scope.missing and said.plan.lineage == "children"
    assert ids(said)[0].startswith("liaoning") and any(c.startswith("wafangdian") for c in ids(said))


def test_the_school_left_blank_and_the_provinces_column(assistant: Assistant) -> None:
    blank = rows_where(assistant, "liaoning", lambda r: "各市" in r.written.get("responsible", "")
                       and (r.measures is None or r.measures.is_empty()))
    english = assistant.ask("Which Liaoning rows naming 各市 did Jinzhou Normal leave blank?")
    assert english.understood and ids(english) == blank and blank
    chinese = assistant.ask("省里那份表，责任部门写着“各市”而且师专的举措栏全空的，数一下有几条")
    assert chinese.understood and ids(chinese) == blank and str(len(blank)) in chinese.answer


def test_a_condition_that_only_leaves_rows_out_narrows_the_conversation(assistant: Assistant) -> None:
    led, without = converse(assistant, "环翠区区教育体育局牵头的有哪些", "不用区人力资源社会保障局参与的是哪些")
    assert ids(led) == rows_where(assistant, "huancui", lambda r: "education" in r.lead_ids)
    assert ids(without) == [c for c in ids(led) if "hrss" not in assistant.engine.catalog.by_id[c].agency_ids]


def test_there_and_which_offices_after_one_row(assistant: Assistant) -> None:
    row = assistant.engine.catalog.by_id["liaoning#35"]
    assert row.measures is not None and row.measures.targets and row.measures.units
    first, target, offices = converse(assistant, "Liaoning row 35: which departments are responsible?",
                                      "And what is the school's own target there?",
                                      "Which school offices are responsible?")
    assert ids(target) == ["liaoning#35"] and target.plan is not None and target.plan.scope.institution
    assert ids(offices) == ["liaoning#35"] and not offices.abstained and row.measures.units[0] in offices.answer
    assert not any(isinstance(a, RowsAtom) for a, _ in iter_atoms_signed(offices.plan.where if offices.plan else None))


def test_a_forecast_asked_with_its_word_is_refused(assistant: Assistant) -> None:
    said = assistant.ask("营口明年的招生规模大概能到多少，有没有预测")
    assert said.abstained and not ids(said) and said.plan is not None and said.plan.refuse_reason == "outcome"


def test_which_of_the_rows_just_given_names_more(assistant: Assistant) -> None:
    taxed = rows_where(assistant, "huancui", lambda r: "tax" in r.agency_ids)
    sizes = {c: len(assistant.engine.catalog.by_id[c].agency_ids) for c in taxed}
    first, most = converse(assistant, "Which Huancui rows involve the tax bureau?",
                           "Which of those names the most units, and which are they?")
    assert ids(first) == taxed
    assert ids(most) == [c for c in taxed if sizes[c] == max(sizes.values())]


def test_only_needing_an_agency_and_as_long_as(assistant: Assistant) -> None:
    alone = rows_where(assistant, "huancui", lambda r: r.lead_ids == ["tax"])
    said = assistant.ask("环翠有哪几项只需要区税务局来牵头")
    assert said.understood and ids(said) == alone and alone
    every = assistant.ask("只要是区税务局牵头的环翠任务，全部列一下")  # as long as: every row it leads
    assert ids(every) == rows_where(assistant, "huancui", lambda r: "tax" in r.lead_ids)


def test_the_agency_just_asked_negated_is_its_other_rows(assistant: Assistant) -> None:
    first, other = converse(assistant, "环翠区区财政局参与了哪些", "区财政局不参与的有哪些")
    assert ids(first) == rows_where(assistant, "huancui", lambda r: "finance" in r.agency_ids)
    assert ids(other) == rows_where(assistant, "huancui", lambda r: "finance" not in r.agency_ids)
