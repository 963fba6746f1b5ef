"""Round seven of reading questions: every number a question states is one the plan uses, or it is reported
unread; a column that names several years."""

from __future__ import annotations

from assistant.core import Assistant


def test_a_number_the_plan_does_not_use_is_reported_unread(assistant: Assistant) -> None:
    said = assistant.ask("营口清单里那5个重点的任务有哪些")
    assert not said.understood and any("5" in w for w in said.unread)


def test_numbers_the_plan_uses_are_read(assistant: Assistant) -> None:
    for question in ("瓦房店前5条", "营口第12条和第15条谁牵头", "环翠区3个单位一起负责的任务", "辽宁清单2023年完成的"):
        said = assistant.ask(question)
        assert said.understood, (question, said.unread)
