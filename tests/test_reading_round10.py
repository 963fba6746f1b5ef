"""Round ten of reading questions: a group word before its distributive mark; a column left out of a count; the
agencies whose written name holds a quoted text; a concessive before two roles; what a cell's last word is;
那 for 哪; an aside that allows one more agency beside the only one; an agency named first, said with 排第一."""

from __future__ import annotations

from assistant.core import Assistant
from assistant.understand.plan import AgencyAtom, OnlyAtom, TextAtom, iter_atoms_signed
from tests.asking import ids, rows_where


def test_a_group_word_before_its_distributive_mark_counts_by_that_group(assistant: Assistant) -> None:
    categories = {r.category for r in assistant.engine.catalog.filter(["wafangdian"])}
    said = assistant.ask(f"瓦房店那{len(categories)}个主要任务里头各包含几项")
    assert said.understood and said.plan is not None and said.plan.group_by == "category"
    assert said.plan.unread == []  # the number of categories is the list's own: read
    assert f"分为{len(categories)}组" in said.answer


def test_a_distributive_mark_without_a_count_is_no_count_by_group(assistant: Assistant) -> None:
    said = assistant.ask("营口和瓦房店在实训基地方面各有什么任务")
    assert said.plan is not None and said.plan.operation != "group_count"


def test_a_role_followed_by_a_word_that_does_not_count_it_is_left_out(assistant: Assistant) -> None:
    said = assistant.ask("营口清单中市财政局和市商务局各自出现了几次？当牵头的不算")
    assert said.understood and said.plan is not None and said.plan.fields == ["responsible"]
    finance = rows_where(assistant, "yingkou", lambda r: "finance" in r.responsible_ids)
    assert f"| — | {len(finance)} |" in said.answer


def test_a_group_line_shows_the_short_name_the_question_compared_it_by(assistant: Assistant) -> None:
    said = assistant.ask("营口清单里人社和应急局这两家各出现几次")
    assert said.understood and said.plan is not None and said.plan.groups is not None
    assert "市人力资源和社会保障局（人社）" in said.answer


def test_saying_two_spellings_count_as_one_agency_is_read(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店责任部门中财政局和发改局各有几条（写法不一样的都算一家）")
    assert said.understood and said.plan is not None and said.plan.where is None


def test_agencies_whose_written_name_holds_a_quoted_text_are_the_ones_counted(assistant: Assistant) -> None:
    said = assistant.ask("环翠区清单里名称带“委”字的单位，各自牵头几项？")
    assert said.understood and said.plan is not None and said.plan.groups is not None
    assert said.plan.groups.named_with == ["委"] and said.plan.where is None
    leads = {n for r in assistant.engine.catalog.filter(["huancui"]) for n in r.lead}
    held = sorted(n for n in leads if "委" in n)
    assert held and all(f"| {n} |" in said.answer for n in held)
    assert not any(f"| {n} |" in said.answer for n in leads - set(held))
    assert "名称含「委」" in said.answer.splitlines()[0]


def _agency_atoms(said) -> list[tuple[AgencyAtom, bool]]:  # type: ignore[no-untyped-def]
    return [(a, neg) for a, neg in iter_atoms_signed(said.plan.where) if isinstance(a, AgencyAtom)]


def test_a_concessive_before_two_roles_negates_nothing(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店市委编办无论是牵头还是作为责任部门，一共涉及哪些任务")
    atoms = _agency_atoms(said)
    assert said.understood and atoms and not any(neg for _, neg in atoms)
    assert set(ids(said)) == set(rows_where(assistant, "wafangdian", lambda r: "编办" in "".join(r.responsible)))
    negated = _agency_atoms(assistant.ask("营口清单里哪些任务市财政局不管"))  # 不管 alone still negates
    assert negated and all(neg for _, neg in negated)


def test_not_only_one_name_written_with_a_count_word_between(assistant: Assistant) -> None:
    said = assistant.ask("环翠区清单哪些任务的牵头单位不是单写一个“区教育体育局”")
    texts = [(a, neg) for a, neg in iter_atoms_signed(said.plan.where) if isinstance(a, TextAtom)]
    assert said.understood and texts and texts[0][1] and texts[0][0].whole
    expected = rows_where(assistant, "huancui", lambda r: r.lead != ["区教育体育局"])
    assert set(ids(said)) == set(expected)


def test_a_column_whose_last_word_is_quoted_after_last_and_a_measure_word(assistant: Assistant) -> None:
    said = assistant.ask("请把营口责任单位末尾带个“各县区”的条目列出来")
    texts = [a for a in said.plan.atoms() if isinstance(a, TextAtom)]
    assert said.understood and texts and texts[0].at == "end" and texts[0].field == "responsible"
    assert said.plan.operation == "list"


def test_na_for_which_at_the_end_of_a_question_lists_instead_of_counting(assistant: Assistant) -> None:
    said = assistant.ask("环翠那边由税务局来牵头，是那几项")
    assert said.plan is not None and said.plan.operation == "list" and ids(said) == ["huancui#7", "huancui#13"]


def test_exactly_one_row_said_with_you_bounds_the_groups(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店有没有哪个主要任务只有一项")
    assert said.plan is not None and said.plan.group_by == "category" and said.plan.groups is not None
    assert said.plan.groups.least == said.plan.groups.most == 1


def test_an_english_negated_naming_verb_is_a_negation(assistant: Assistant) -> None:
    said = assistant.ask("Which Huancui tasks don't name the education and sports bureau anywhere?")
    atoms = _agency_atoms(said)
    assert said.understood and atoms and all(neg for _, neg in atoms)
    assert set(ids(said)) == set(rows_where(assistant, "huancui", lambda r: "教育体育" not in "".join(r.lead + r.responsible)))


def test_an_aside_allowing_one_more_agency_beside_the_only_one(assistant: Assistant) -> None:
    said = assistant.ask("营口哪几项的责任单位只写了市人社局（最多再加个各县区也行）")
    only = [a for a in said.plan.atoms() if isinstance(a, OnlyAtom)]
    assert said.understood and only and only[0].ignoring == ["counties_districts"]


def test_an_agency_put_first_with_pai_di_yi(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店哪几项责任部门把财政局排第一")
    firsts = [a for a in said.plan.atoms() if isinstance(a, AgencyAtom) and a.first]
    assert said.understood and firsts and firsts[0].agency == "finance"


def test_a_column_searched_then_what_it_holds_is_the_second_field(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店条目当中，任务内容带有百分数的列一下")
    kinds = [(a.kind, getattr(a, "field", None)) for a, _ in iter_atoms_signed(said.plan.where)]
    assert said.understood and ("empty", "percent") in kinds and ("empty", "text") not in kinds


def test_years_listed_before_one_nian_are_each_a_year_counted(assistant: Assistant) -> None:
    said = assistant.ask("营口清单里完成时间为2021、2022和2023年的任务分别有几项")
    assert said.understood and said.plan is not None and said.plan.group_by == "year"
    assert said.plan.groups is not None and said.plan.groups.among == ["2021", "2022", "2023"]


def test_a_year_with_a_verb_of_writing_after_the_deadline_column_is_that_column(assistant: Assistant) -> None:
    said = assistant.ask("锦州师专各项举措中，完成时间栏里写着2023年的是哪些")
    years = [a for a, _ in iter_atoms_signed(said.plan.where) if a.kind == "year"]
    assert said.understood and years and all(y.field == "deadline" for y in years)
