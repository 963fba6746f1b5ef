"""Round twenty of reading questions: the latter of two rows, rows other than the ones just given, which cities
carry out a provincial row, an institution's measures under a row just named, one year alone or a year negated,
a place in a ranking, a name written in a short form, English counts, group words and column-only agencies."""

from __future__ import annotations

from collections import Counter

from assistant.core import Assistant
from assistant.understand.plan import AgencyAtom, EmptyAtom, YearAtom, iter_atoms_signed
from tests.asking import converse, ids, rows_where


def test_the_latter_of_two_rows_just_narrowed_to(assistant: Assistant) -> None:
    led = rows_where(assistant, "huancui", lambda r: "organization" in r.lead_ids)
    filled = rows_where(assistant, "huancui", lambda r: "organization" in r.lead_ids and bool(r.responsible))
    assert len(filled) == 2
    first, narrowed, latter = converse(assistant, "区委组织部在环翠区牵了哪几项", "这里面责任单位没空着的",
                                       "后者的责任单位栏填了什么")
    assert ids(first) == led and ids(narrowed) == filled
    assert ids(latter) == filled[1:] and latter.plan is not None and latter.plan.reference is not None


def test_where_else_leaves_out_the_rows_just_given(assistant: Assistant) -> None:
    union = rows_where(assistant, "yingkou", lambda r: "trade_union" in r.agency_ids)
    assert len(union) >= 2
    first, other = converse(assistant, f"营口第{union[0].split('#')[1]}条都有哪些责任单位", "总工会在营口还列在哪些任务里")
    assert ids(first) == union[:1] and ids(other) == union[1:] and other.understood
    english = converse(assistant, f"What are the responsible units of Yingkou row {union[0].split('#')[1]}?",
                       "Where else does the trade union appear in Yingkou?")[1]
    assert ids(english) == union[1:]


def test_which_cities_carry_out_a_provincial_row(assistant: Assistant) -> None:
    for question in ("辽宁清单第29条，哪些城市在落实", "Liaoning row 29: which cities carry it out?"):
        said = assistant.ask(question)
        assert said.plan is not None and said.plan.lineage == "children", question
        assert "liaoning#29" in ids(said) and any(not c.startswith("liaoning") for c in ids(said))


def test_an_institution_asked_of_the_row_just_linked(assistant: Assistant) -> None:
    linked, measures = converse(assistant, "瓦房店第35条对应的是省里哪条", "锦州师专在这条下面写的完成时间和目标是什么")
    parents = [c for c in ids(linked) if c.startswith("liaoning")]
    assert len(parents) == 1 and ids(measures) == parents
    assert measures.plan is not None and measures.plan.scope.institution == "锦州师范高等专科学校"
    row = assistant.engine.catalog.by_id[parents[0]]
    assert row.measures is not None and row.measures.targets.split("。")[0] in measures.answer


def test_one_year_alone_in_the_completion_column(assistant: Assistant) -> None:
    alone = rows_where(assistant, "liaoning", lambda r: r.measures is not None and set(r.deadline_years) == {2025})
    both = rows_where(assistant, "liaoning", lambda r: r.measures is not None and 2025 in r.deadline_years)
    assert alone and set(alone) < set(both)  # some rows are due in 2025 and in another year too
    said = assistant.ask("师专举措的截止年份仅仅是2025年的有哪几项")
    assert said.understood and ids(said) == alone
    years = [a for a in said.plan.atoms() if isinstance(a, YearAtom)] if said.plan else []
    assert years and years[0].only


def test_a_year_negated_keeps_the_rows_due_in_others(assistant: Assistant) -> None:
    due = rows_where(assistant, "yingkou", lambda r: bool(r.deadline_years) and 2022 not in r.deadline_years)
    said = assistant.ask("营口清单里哪些任务的完成年份不是2022年")
    assert said.understood and ids(said) == due and due


def test_how_many_with_a_place_between(assistant: Assistant) -> None:
    said = assistant.ask("How many Huancui tasks draw on the tax bureau?")
    taxed = rows_where(assistant, "huancui", lambda r: "tax" in r.agency_ids)
    assert said.understood and said.plan is not None and said.plan.operation == "count"
    assert ids(said) == taxed and str(len(taxed)) in said.answer


def test_a_year_given_in_the_task_text_not_the_institutions_columns(assistant: Assistant) -> None:
    said = assistant.ask("Which Liaoning rows give a year in the task text, not in the school's columns?")
    assert said.plan is not None and said.plan.scope.institution is None
    assert any(isinstance(a, EmptyAtom) and a.field == "year" and negated
               for a, negated in iter_atoms_signed(said.plan.where))


def test_a_place_in_a_ranking(assistant: Assistant) -> None:
    leads = Counter(a for r in assistant.engine.catalog.filter(["huancui"]) for a in dict.fromkeys(r.lead_ids))
    (_, most), (second, count) = leads.most_common(2)
    assert count < most and list(leads.values()).count(count) == 1
    said = assistant.ask("环翠区牵头任务第二多的是哪个单位")
    assert said.understood and ids(said) == rows_where(assistant, "huancui", lambda r: second in r.lead_ids)
    both = assistant.ask("In Huancui, which agency leads the most tasks, and which is the runner-up?")
    assert set(ids(both)) == set(rows_where(assistant, "huancui", lambda r: bool(
        {second, leads.most_common(1)[0][0]} & set(r.lead_ids))))


def test_a_name_written_in_a_short_form(assistant: Assistant) -> None:
    short = assistant.engine.catalog.short_names("yingkou")

    def written(r, shorter: bool) -> bool:  # type: ignore[no-untyped-def]
        return any((n in short) == shorter for n, k in zip(r.responsible, r.responsible_ids, strict=True)
                   if k == "culture_tourism")
    abbreviated = rows_where(assistant, "yingkou", lambda r: written(r, True))
    assert abbreviated and len(abbreviated) < len(rows_where(assistant, "yingkou", lambda r: written(r, False)))
    said = assistant.ask("营口哪些条目把文旅局用简称写的")
    assert said.understood and ids(said) == abbreviated
    atoms = [a for a, _ in iter_atoms_signed(said.plan.where) if isinstance(a, AgencyAtom)] if said.plan else []
    assert atoms and atoms[0].written == "short"
    full = assistant.ask("Which Yingkou rows write the culture and tourism bureau in full?")
    assert ids(full) == rows_where(assistant, "yingkou", lambda r: written(r, False))


def test_english_group_words_of_several_agencies(assistant: Assistant) -> None:
    science = {"science", "industry_it", "science_industry"}
    said = assistant.ask("Which Yingkou tasks involve the science and industry side?")
    assert ids(said) == rows_where(assistant, "yingkou", lambda r: bool(science & set(r.agency_ids))) and ids(said)
    party = {"organization", "publicity", "united_front", "staffing", "education_committee"}
    organs = assistant.ask("Which Huancui rows involve the party committee organs?")
    assert ids(organs) == rows_where(assistant, "huancui", lambda r: bool(party & set(r.agency_ids))) and ids(organs)


def test_an_agency_as_the_only_one_in_a_column_in_english(assistant: Assistant) -> None:
    alone = rows_where(assistant, "wafangdian", lambda r: r.responsible_ids == ["education"])
    said = assistant.ask("Which Wafangdian rows have 市教育局 as the only department in 责任部门?")
    assert said.understood and ids(said) == alone and alone


def test_the_institutions_column_of_units_by_its_heading(assistant: Assistant) -> None:
    school = rows_where(assistant, "liaoning", lambda r: r.measures is not None and r.measures.units == ["学校"])
    said = assistant.ask("省里那张表，责任单位（部门）这一栏只填了“学校”的是哪些")
    assert said.understood and ids(said) == school and school


def test_the_schools_own_columns_said_as_the_school(assistant: Assistant) -> None:
    blank = rows_where(assistant, "liaoning", lambda r: r.measures is None or r.measures.is_empty())
    said = assistant.ask("辽宁那份清单，学校自己填的几栏全是空的条目一共多少")
    assert said.understood and said.plan is not None and said.plan.scope.institution is not None
    assert ids(said) == blank and str(len(blank)) in said.answer


def test_each_groups_count_asked_with_the_most(assistant: Assistant) -> None:
    counted = rows_where(assistant, "yingkou", lambda r: bool(r.lead_ids))
    said = assistant.ask("营口每个牵头单位各牵了几项，谁最多")
    assert said.understood and said.plan is not None and said.plan.pick == "max"
    assert ids(said) == counted  # every group's count is asked: every counted row is the evidence
