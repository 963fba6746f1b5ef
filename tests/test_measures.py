"""锦州师专's own measures answer questions about the school and its units, not the province's agencies."""

from __future__ import annotations

from assistant.core import Assistant

# The rows of the 辽宁 list whose 锦州师专 measures name 教务处 as their 责任单位（部门）.
ACADEMIC_AFFAIRS = [f"liaoning#{n}" for n in (3, 5, 8, 9, 10, 11, 15, 17, 18, 22, 24, 25, 31, 41)]


def ids(answer) -> list[str]:
    return [c.id for c in answer.citations]


def test_a_school_unit_is_answered_from_the_measures(assistant: Assistant) -> None:
    answer = assistant.ask("锦州师专的教务处承担了哪些举措？")
    assert ids(answer) == ACADEMIC_AFFAIRS
    assert answer.plan is not None and answer.plan.scope.institution == "锦州师范高等专科学校"
    assert [a.role for a in answer.plan.agencies()] == ["unit"]
    assert answer.plan_line == "条件：锦州师范高等专科学校（本校举措） · 教务处（本校责任单位）；列出全部"
    summary = answer.answer.splitlines()[1]
    assert "作为责任部门" not in answer.answer  # 教务处 is the school's unit, never a 责任部门 of the province's list
    assert summary.startswith("锦州师范高等专科学校的落实举措中，教务处列为责任单位（部门）的有14项")
    # the province's task as one line of context, then the school's own columns, each named
    block = answer.answer.split("- [辽宁省#15] ")[1].split("\n- ")[0]
    assert block.startswith("辽宁省清单任务：遴选200门左右职业教育“课堂革命”典型案例")
    for line in ("具体举措：深化课程改革", "完成目标：遴选1个“课堂革命”案例。", "责任单位（部门）：教务处",
                 "完成时间：2025年；2023年"):
        assert f"\n  {line}" in block
    assert "省教育厅" not in block


def test_citations_carry_the_measures_and_the_due_date(assistant: Assistant) -> None:
    answer = assistant.ask("锦州师专的教务处承担了哪些举措？")
    cited = {c.id: c for c in answer.citations}["liaoning#15"]
    assert cited.measures is not None and cited.measures.units == ["教务处"]
    assert cited.measures.actions == "深化课程改革" and cited.measures.due == "2025年；2023年"
    assert cited.due is None and cited.responsible == ["省教育厅", "各市"]
    assert cited.list_label == "辽宁省"
    shown = answer.model_dump(mode="json")["citations"][0]
    assert shown["measures"]["targets"] and "due" in shown
    yingkou = assistant.ask("营口市第3项的完成时间").citations[0]
    assert yingkou.due == "2022年" and yingkou.measures is None


def test_a_unit_named_alone_is_the_school_s_unit(assistant: Assistant) -> None:
    answer = assistant.ask("人事处负责哪些举措？")
    assert answer.plan is not None and answer.plan.scope.institution == "锦州师范高等专科学校"
    assert ids(answer) == [f"liaoning#{n}" for n in (2, 3, 28, 29, 30, 31, 32, 33)]
    assert all("人事处" in (c.measures.units if c.measures else []) for c in answer.citations)
    count = assistant.ask("锦州师专的人事处一共负责多少项举措")
    assert count.intent == "count" and "人事处列为责任单位（部门）的共8项" in count.answer


def test_the_school_without_a_unit_is_answered_from_its_measures(assistant: Assistant) -> None:
    everything = assistant.ask("锦州师专要做哪些工作？")
    assert len(everything.citations) == 27 and all(c.measures for c in everything.citations)
    assert "具体举措：" in everything.answer and "完成时间：" in everything.answer
    in_2023 = assistant.ask("锦州师专2023年要完成哪些举措？")
    assert ids(in_2023) == [f"liaoning#{n}" for n in (2, 3, 5, 8, 9, 15, 17, 30, 31)]
    assert all("2023" in c.measures.due for c in in_2023.citations if c.measures)
    assert in_2023.answer.splitlines()[1].startswith("锦州师范高等专科学校的落实举措中符合条件的有9项")


def test_a_follow_up_swaps_the_unit(assistant: Assistant) -> None:
    first = assistant.ask("锦州师专的教务处承担了哪些举措？")
    second = assistant.ask("那招生就业处呢？", session_id=first.session_id)
    assert ids(second) == [f"liaoning#{n}" for n in (4, 7, 14, 22)]
    assert "招生就业处列为责任单位（部门）的有4项" in second.answer


def test_the_province_s_list_is_still_answered_by_its_own_agencies(assistant: Assistant) -> None:
    answer = assistant.ask("辽宁省总工会负责哪些任务？")
    assert answer.plan is not None and answer.plan.scope.institution is None
    assert "作为责任部门列于" in answer.answer and "具体举措：" not in answer.answer
