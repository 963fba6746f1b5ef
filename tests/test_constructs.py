"""More constructs of the grammar and the plan, each answer checked against the catalog's own rows: only-these with
a column and with agencies left out, how many agencies a column names, a blank said after its column, the most and
the fewest with agencies left out or compared, positions among selected rows, a cell's start or end, groups named
by a shared head noun, and lineage whose direction the rows' own list decides."""

from __future__ import annotations

from assistant.core import Assistant
from ingest.deadlines import years_named
from tests.asking import converse, ids, rows_where


def test_only_these_in_one_column_leaving_some_out(assistant: Assistant) -> None:
    said = assistant.ask("营口表里责任单位一栏除开各县区以外仅写了市财政局的，列给我")
    expected = rows_where(assistant, "yingkou", lambda r: set(r.responsible_ids) - {"counties_districts"}
                          == {"finance"})
    assert said.understood and ids(said) == expected and len(expected) >= 3
    assert "（各县区不计）" in said.plan_line
    aside = assistant.ask("营口表里责任单位只有市人社局的条目，各县区不算在内")
    assert ids(aside) == rows_where(assistant, "yingkou", lambda r: set(r.responsible_ids)
                                    - {"counties_districts"} == {"hrss"})


def test_only_these_means_exactly_these(assistant: Assistant) -> None:
    pair = assistant.ask("瓦房店表中仅由市教育局与人社局这两个部门承担的条目")
    expected = rows_where(assistant, "wafangdian", lambda r: set(r.agency_ids) == {"education", "hrss"})
    assert ids(pair) == expected and expected


def test_how_many_agencies_a_column_names(assistant: Assistant) -> None:
    one = assistant.ask("环翠区的表，责任单位栏只列了一个单位的条目")
    assert ids(one) == rows_where(assistant, "huancui", lambda r: len(set(r.responsible_ids)) == 1)
    two = assistant.ask("营口表里牵头单位写了两个单位的条目")
    assert ids(two) == rows_where(assistant, "yingkou", lambda r: len(set(r.lead_ids)) == 2) and two.understood
    english = assistant.ask("In Huancui, list the items whose lead column holds a single unit")
    assert ids(english) == rows_where(assistant, "huancui", lambda r: len(set(r.lead_ids)) == 1)


def test_a_blank_said_after_its_column(assistant: Assistant) -> None:
    blank = assistant.ask("环翠区表格里责任单位那一栏空着的条目")
    assert ids(blank) == rows_where(assistant, "huancui", lambda r: not r.responsible) and blank.understood


def test_the_most_leaving_an_agency_out_never_picks_a_collective(assistant: Assistant) -> None:
    answer = assistant.ask("营口表里刨除市教育局以外，哪一个部门出现的条目最多")
    counts: dict[str, int] = {}
    for row in assistant.engine.catalog.filter(["yingkou"]):
        for agency in set(row.agency_ids) - {"education"}:
            counts[agency] = counts.get(agency, 0) + 1
    registry = assistant.engine.catalog.registry.agencies
    best = max(n for a, n in counts.items() if not registry.is_collective(a))
    assert answer.understood and f"（{best}项）" in answer.answer.splitlines()[1]
    assert "（不计教育局）" in answer.plan_line


def test_two_agencies_compared(assistant: Assistant) -> None:
    answer = assistant.ask("营口表中，市委编办同市发改委比，谁参与的条目更多？")
    catalog = assistant.engine.catalog
    staffing = len(catalog.agency_rows("staffing") & set(rows_where(assistant, "yingkou", lambda r: True)))
    reform = len(catalog.agency_rows("development_reform") & set(rows_where(assistant, "yingkou", lambda r: True)))
    assert answer.understood and "只比较" in answer.plan_line
    assert f"{max(staffing, reform)}项" in answer.answer and str(min(staffing, reform)) in answer.answer


def test_the_column_counted_and_an_institutions_units(assistant: Assistant) -> None:
    column = assistant.ask("环翠表格的责任单位栏里，哪个部门露面次数最多")
    counts: dict[str, int] = {}
    for row in assistant.engine.catalog.filter(["huancui"]):
        for agency in set(row.responsible_ids):
            counts[agency] = counts.get(agency, 0) + 1
    assert column.plan.fields == ["responsible"] and f"（{max(counts.values())}项）" in column.answer
    units = assistant.ask("锦州师专自己的各处室里，哪个处室承担的举措最多")
    assert units.plan.scope.institution and "教务处" in units.answer.splitlines()[1]


def test_a_position_among_the_rows_a_condition_selects(assistant: Assistant) -> None:
    catalog = assistant.engine.catalog
    category = catalog.by_id["wafangdian#30"].category
    last = assistant.ask(f"瓦房店“{category}”这一类排最末的那条")
    assert ids(last) == rows_where(assistant, "wafangdian", lambda r: r.category == category)[-1:]
    first_ten = assistant.ask("营口表前十条当中跟市财政局没关系的条目")
    assert ids(first_ten) == rows_where(assistant, "yingkou", lambda r: r.row <= 10 and "finance" not in r.agency_ids)


def test_a_cell_starting_or_ending_with_a_text(assistant: Assistant) -> None:
    starts = assistant.ask("In Wafangdian, list rows whose responsible cell starts with 市人社局")
    assert ids(starts) == rows_where(assistant, "wafangdian", lambda r: r.responsible[:1] == ["市人社局"])
    assert starts.understood and ids(starts)


def test_a_quoted_column_name_is_the_column(assistant: Assistant) -> None:
    answer = assistant.ask("锦州师专给“具体举措”填了内容的一共几条")
    expected = rows_where(assistant, "liaoning", lambda r: r.measures is not None and r.measures.actions)
    assert ids(answer) == expected and f"{len(expected)}项" in answer.answer


def test_a_year_in_the_task_text_itself(assistant: Assistant) -> None:
    answer = assistant.ask("Which Liaoning rows mention a specific year in the task text itself?")
    assert ids(answer) == rows_where(assistant, "liaoning", lambda r: years_named(r.text))


def test_stems_under_one_head_noun_are_any_of_them(assistant: Assistant) -> None:
    answer = assistant.ask("营口的审计与国资监管部门各自沾手了哪些条目")
    assert ids(answer) == rows_where(assistant, "yingkou", lambda r: {"audit", "state_assets"} & set(r.agency_ids))
    assert "或" in answer.plan_line


def test_a_merged_bureau_does_the_work_of_those_it_covers(assistant: Assistant) -> None:
    answer = assistant.ask("瓦房店表中和科技、工信部门相关的条目")
    expected = rows_where(assistant, "wafangdian", lambda r: {"science", "industry_it", "science_industry"}
                          & set(r.agency_ids))
    assert ids(answer) == expected and expected


def test_not_the_only_one_among_the_previous_rows(assistant: Assistant) -> None:
    first, narrowed = converse(assistant, "营口市商务局经手的条目有哪些", "这些当中哪条并非市教育局独自牵头")
    expected = [i for i in ids(first) if set(assistant.engine.catalog.by_id[i].lead_ids) != {"education"}]
    assert ids(narrowed) == expected and expected


def test_a_switched_agency_keeps_the_role_asked(assistant: Assistant) -> None:
    _, switched = converse(assistant, "环翠区委组织部领衔牵头的条目", "换成区税务局呢？")
    assert ids(switched) == rows_where(assistant, "huancui", lambda r: "tax" in r.lead_ids)


def test_lineage_direction_comes_from_the_rows_own_list(assistant: Assistant) -> None:
    links = assistant.engine.links
    children = assistant.ask("辽宁那张表的第20条，瓦房店拿哪几条去承接？")
    expected = {v.child for v in links.children_of("liaoning#20") if v.child.startswith("wafangdian#")}
    assert children.plan.lineage == "children" and set(ids(children)) == {"liaoning#20"} | expected
    _, followed = converse(assistant, "把辽宁表的第3条调出来", "这一项在营口、瓦房店两边分别由哪几条承接")
    below = {v.child for v in links.children_of("liaoning#3")}
    assert followed.plan.lineage == "children" and set(ids(followed)) == {"liaoning#3"} | below


def test_a_count_over_several_lists_gives_the_total(assistant: Assistant) -> None:
    answer = assistant.ask("全部四张表合起来一共多少条")
    total = len(assistant.engine.catalog.rows)
    assert f"合计{total}项" in answer.answer.splitlines()[1]


def test_the_row_naming_the_most_agencies(assistant: Assistant) -> None:
    answer = assistant.ask("营口表里，哪一条的责任单位列得最多？")
    sizes = {r.id: len(set(r.responsible_ids))  # every name the column writes counts, 各县区 too
             for r in assistant.engine.catalog.filter(["yingkou"])}
    best = max(sizes.values())
    assert ids(answer) == [i for i, n in sizes.items() if n == best] and f"（{best}个）" in answer.answer


def test_the_unit_a_figure_question_asks_in_picks_the_row(assistant: Assistant) -> None:
    answer = assistant.ask("营口那边职业技能培训一年要搞多少人？")
    assert answer.plan.unit == "people"
    assert ids(answer) == ["yingkou#18"] and "1万人" in answer.answer


def test_the_province_list_said_without_its_name(assistant: Assistant) -> None:
    answer = assistant.ask("省里那份清单中有省发改委或者省工信厅参加的条目")
    expected = rows_where(assistant, "liaoning", lambda r: {"development_reform", "industry_it"} & set(r.agency_ids))
    assert answer.plan.scope.places == ["辽宁省"] and ids(answer) == expected


def test_leaving_an_agency_out_of_a_ranking_by_not_counting_it(assistant: Assistant) -> None:
    answer = assistant.ask("环翠区不把区教育体育局算进来的话，参加条目最多的是哪个单位")
    assert answer.understood and "（不计教育体育局）" in answer.plan_line


def test_both_counted_means_either(assistant: Assistant) -> None:
    answer = assistant.ask("环翠 发改跟工信都算上，一共沾了哪些条")
    expected = rows_where(assistant, "huancui", lambda r: {"development_reform", "industry_it"} & set(r.agency_ids))
    assert ids(answer) == expected and answer.understood


def test_an_agency_not_in_a_column_and_one_that_stays_out(assistant: Assistant) -> None:
    not_lead = assistant.ask("环翠那张表里，区人社局并不是牵头单位的条目有哪些")
    assert ids(not_lead) == rows_where(assistant, "huancui", lambda r: "hrss" not in r.lead_ids)
    out = assistant.ask("营口表中含市人社局、可文旅广电局没插手的条目")
    assert ids(out) == rows_where(assistant, "yingkou", lambda r: "hrss" in r.agency_ids
                                  and "culture_tourism" not in r.agency_ids)


def test_a_quoted_provincial_row_and_how_the_cities_carry_it_out(assistant: Assistant) -> None:
    text = assistant.engine.catalog.by_id["liaoning#20"].text.rstrip("。")
    answer = assistant.ask(f"“{text}”那一项，营口、瓦房店各自用哪条去落地？")
    below = {v.child for v in assistant.engine.links.children_of("liaoning#20")}
    assert answer.plan.lineage == "children" and set(ids(answer)) == {"liaoning#20"} | below and answer.understood


def test_a_number_of_rows_that_fits_an_earlier_answer(assistant: Assistant) -> None:
    first, narrowed, these = converse(assistant, "环翠哪些条目的任务里写着到2023年", "这几项里头哪条没有区财政局",
                                      "刚才那三项的牵头单位各是谁")
    assert len(ids(first)) == 3 and len(ids(narrowed)) == 1
    assert ids(these) == ids(first) and these.understood and these.plan.fields[0] == "lead"


def test_the_kth_previous_row_and_its_lineage(assistant: Assistant) -> None:
    first, second = converse(assistant, "省清单里省审计厅参与的条目", "其中第二条在营口由哪条承接")
    parent = ids(first)[1]
    below = {v.child for v in assistant.engine.links.children_of(parent) if v.child.startswith("yingkou#")}
    assert second.plan.lineage == "children" and set(ids(second)) == {parent} | below


def test_an_institution_that_filled_nothing_in(assistant: Assistant) -> None:
    _, blank = converse(assistant, "辽宁清单第17到20条", "这几条当中锦州师专一个字都没填的是哪条？")
    expected = [i for i in ("liaoning#17", "liaoning#18", "liaoning#19", "liaoning#20")
                if (m := assistant.engine.catalog.by_id[i].measures) is None or m.is_empty()]
    assert ids(blank) == expected and expected


def test_another_of_the_same_rows_and_the_lineage_of_two(assistant: Assistant) -> None:
    listed, second, first = converse(assistant, "营口表中，任务原文写有“产业学院”的条目", "第二个牵头的是谁",
                                     "那第一个呢")
    assert len(ids(listed)) >= 2 and ids(second) == ids(listed)[1:2] and ids(first) == ids(listed)[:1]
    section = assistant.row("liaoning#50").category.rstrip("。")
    count, narrowed, lineage = converse(assistant, f"省清单“{section}”这块一共几条",
                                        "这几条里面哪些没写省发改委", "那两条在营口由哪几条来接")
    assert len(ids(narrowed)) == 2 and lineage.plan.lineage == "children"
    children = {v.child for r in ids(narrowed) for v in assistant.engine.links.children_of(r)
                if v.child.startswith("yingkou#")}
    assert children and children <= set(ids(lineage))


def test_it_in_another_role_and_a_lineage_switched_to_another_city(assistant: Assistant) -> None:
    led, other = converse(assistant, "环翠表里区税务局牵头干的条目", "那它作为责任单位的呢")
    assert ids(other) == rows_where(assistant, "huancui", lambda r: "tax" in r.responsible_ids) and other.understood
    row, first, second = converse(assistant, "辽宁表第52条说的什么", "瓦房店用哪条对应它", "那营口呢")
    for answer, city in ((first, "wafangdian#"), (second, "yingkou#")):
        children = {v.child for v in assistant.engine.links.children_of("liaoning#52") if v.child.startswith(city)}
        assert children and children <= set(ids(answer)) and answer.plan.lineage == "children"


def test_a_row_number_of_a_place_without_a_list_of_its_own(assistant: Assistant) -> None:
    numbered = assistant.ask("大连的清单里第7项写的啥")  # only 瓦房店, under 大连, has a list: its row 7 is not 大连's
    assert numbered.abstained and not ids(numbered) and "大连" in numbered.answer
    whole = assistant.ask("大连有哪些任务")  # the lists of the places under it answer for it
    assert ids(whole) and all(i.startswith("wafangdian#") for i in ids(whole))


def test_the_rest_of_the_answer_before(assistant: Assistant) -> None:
    section, narrowed, rest = converse(assistant, "环翠表里区人社局牵头的有哪些", "这些里面区教育体育局也牵头的",
                                       "剩下的那些是哪几条")
    assert ids(narrowed) and set(ids(narrowed)) < set(ids(section))
    assert ids(rest) == [i for i in ids(section) if i not in ids(narrowed)] and rest.understood


def test_a_row_named_by_its_topic_in_a_lineage_question(assistant: Assistant) -> None:
    said = assistant.ask("瓦房店那个学分银行的条目那条，在省里对应哪一条")
    asked = rows_where(assistant, "wafangdian", lambda r: "学分银行" in r.text)
    parents = {v.parent for r in asked for v in assistant.engine.links.parents_of(r)}
    assert asked and parents and said.plan.lineage == "parents" and parents <= set(ids(said)) and said.understood


def test_the_year_most_tasks_are_due(assistant: Assistant) -> None:
    said = assistant.ask("环翠表里哪个年份到期的任务最多")
    by_year: dict[int, list[str]] = {}
    for row in assistant.engine.catalog.filter(["huancui"]):
        for year in set(row.deadline_years):
            by_year.setdefault(year, []).append(row.id)
    best = max(len(v) for v in by_year.values())
    winners = [y for y, v in by_year.items() if len(v) == best]
    assert said.plan.group_by == "year" and all(str(y) in said.answer.splitlines()[1] for y in winners)
    assert set(ids(said)) == {r for y in winners for r in by_year[y]}


def test_a_narrowing_follow_up_naming_a_column_keeps_the_agency_in_its_role(assistant: Assistant) -> None:
    """其中…没写责任单位 after the rows an agency leads: 责任单位 is the column asked about, not a switch of role."""
    first = assistant.ask("环翠区委组织部带头的都有啥")
    then = assistant.ask("这里面哪一条的责任单位一栏是空的", session_id=first.session_id)
    led = {c.id for c in first.citations}
    expected = [i for i in sorted(led, key=lambda x: int(x.split("#")[1]))
                if not assistant.row(i).responsible]
    assert len(led) > 1 and [c.id for c in then.citations] == expected and expected


def test_a_bare_row_range_in_brackets_and_a_word_that_holds_a_negator(assistant: Assistant) -> None:
    ranged = assistant.ask("辽宁那张表国际合作那几条（34到37条）都有哪些部门")
    assert [c.id for c in ranged.citations] == [f"liaoning#{n}" for n in range(34, 38)]
    years = assistant.ask("环翠清单2019-2021年的任务")  # years, not rows
    assert "至" not in years.plan_line or "项" not in years.plan_line.split("至")[1][:4]
    special = assistant.ask("瓦房店哪条特别点了各乡镇")  # 特别 holds 别, which is no negator here
    assert "不含" not in special.plan_line


def test_rows_beside_a_numbered_row(assistant: Assistant) -> None:
    after = assistant.ask("营口那份清单从第40项往后，市人社局都没沾边的是哪些")
    expected = [r.id for r in assistant.engine.catalog.rows if r.doc == "yingkou" and r.row > 40
                and "hrss" not in r.agency_ids]
    assert [c.id for c in after.citations] == expected and expected and after.understood
    assert "第41项起至末项" in after.plan_line
    assert [c.id for c in assistant.ask("环翠清单第9项的下一项说的啥").citations] == ["huancui#10"]
    assert [c.id for c in assistant.ask("瓦房店第12条前面一条由谁负责").citations] == ["wafangdian#11"]
    before = assistant.ask("What does the task right before row 3 of the Huancui list say?")
    assert [c.id for c in before.citations] == ["huancui#2"]


def test_an_agency_absent_from_a_column_named_before_it(assistant: Assistant) -> None:
    said = assistant.ask("营口的表里牵头单位一栏没有教育局的是哪些")
    expected = [r.id for r in assistant.engine.catalog.rows if r.doc == "yingkou" and "education" not in r.lead_ids]
    assert [c.id for c in said.citations] == expected and expected


def test_either_role_said_with_ye_hao_and_a_year_group_in_its_own_words(assistant: Assistant) -> None:
    said = assistant.ask("环翠区人社局，不管是牵头也好、配合也罢，一共涉及哪些任务")
    expected = [r.id for r in assistant.engine.catalog.rows if r.doc == "huancui" and "hrss" in r.agency_ids]
    assert [c.id for c in said.citations] == expected and said.plan.agencies()[0].role == "any"
    year = assistant.ask("锦州师专自己填的完成时间，哪个年份最常见")
    assert year.plan.group_by == "year" and "年（" in year.answer


def test_neither_role_and_a_row_number_after_a_category_named_by_its_words(assistant: Assistant) -> None:
    neither = assistant.ask("营口表里市财政局既不带头也不在配合单位里的有哪些")
    expected = [r.id for r in assistant.engine.catalog.rows if r.doc == "yingkou" and "finance" not in r.agency_ids]
    assert [c.id for c in neither.citations] == expected and expected
    wafang = [r for r in assistant.engine.catalog.rows if r.doc == "wafangdian"]
    section = wafang[-1].category  # the last section of the list, named by its own words, then its second row
    said = assistant.ask(f"瓦房店“{section.rstrip('。')}”下面的第二条")
    in_section = [r.id for r in wafang if r.category == section]
    assert len(in_section) >= 2 and [c.id for c in said.citations] == in_section[1:2] and said.understood


def test_how_many_names_a_column_of_the_row_just_answered_holds(assistant: Assistant) -> None:
    first = assistant.ask("营口清单第37条是什么任务")
    then = assistant.ask("这条的责任单位一共多少家", session_id=first.session_id)
    row = assistant.row("yingkou#37")
    assert [c.id for c in then.citations] == ["yingkou#37"] and then.understood
    assert f"共{len(row.responsible)}个" in then.answer and row.responsible[-1] in then.answer
