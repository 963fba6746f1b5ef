"""Every word of a question is accounted for: names typed with the wrong character of the right pinyin are read,
and an answer whose plan dropped a word says so in its first line instead of answering as if it understood."""

from __future__ import annotations

import httpx

from assistant.core import Assistant


def ids(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.id for c in answer.citations]


def test_a_place_and_an_agency_typed_with_same_pinyin_characters_are_read_as_the_names(assistant: Assistant) -> None:
    right = assistant.ask("请列出营口人社局参与的全部工作")
    typed = assistant.ask("请列出营扣人设局参与的全部工作")  # 扣 for 口, 设 for 社: what a pinyin keyboard offers
    assert ids(typed) == ids(right) and len(ids(right)) == 27
    assert typed.understood
    assert {(r.typed, r.name) for r in typed.plan.read_as} == {("营扣", "营口"), ("人设局", "人社局")}
    assert "「人设局」按「人社局」理解" in typed.answer


def test_a_county_level_city_typed_with_another_dian_is_the_city(assistant: Assistant) -> None:
    assert ids(assistant.ask("瓦房垫教育局牵头哪些任务")) == ids(assistant.ask("瓦房店教育局牵头哪些任务"))


def test_a_dictionary_word_that_sounds_like_a_name_is_left_as_it_is(assistant: Assistant) -> None:
    lexicon = assistant.engine.lexicon
    text, read_as = lexicon.correct("上午开会讲营口商务局的任务")  # 上午 sounds like 商务, but it is a word
    assert read_as == [] and text == "上午开会讲营口商务局的任务"


def test_every_word_read_means_understood(assistant: Assistant) -> None:
    for question in ("环翠区税务局参与了哪些任务？", "瓦房店有多少项任务", "那营口呢？", "What tasks does Huancui's tax bureau lead?"):
        answer = assistant.ask(question)
        assert answer.understood and answer.unread == [], (question, answer.unread)
        assert not answer.answer.startswith(("未理解", "Not understood"))


def test_a_content_word_the_plan_drops_is_reported_in_the_first_line(assistant: Assistant) -> None:
    answer = assistant.ask("营口市人社局负责的航天任务有哪些？")
    assert not answer.understood and "航天" in answer.unread
    assert answer.answer.splitlines()[0].startswith("未理解：「航天」")


def test_a_construct_word_without_its_construct_in_the_plan_is_reported(assistant: Assistant) -> None:
    answer = assistant.ask("营口第5条对应省里最多几条")  # a lineage question picks no group
    assert not answer.understood and "最多" in answer.unread


def test_the_most_and_the_fewest_name_the_top_group_with_its_ties(assistant: Assistant) -> None:
    catalog = assistant.engine.catalog
    answer = assistant.ask("营口清单里哪个单位牵头的事最多？")
    leads = [a for r in catalog.filter(["yingkou"]) for a in r.lead_ids]
    top = max(set(leads), key=leads.count)
    assert answer.understood and answer.plan.pick == "max" and answer.plan.group_by == "agency"
    assert answer.answer.splitlines()[1] == f"牵头任务最多的部门：市教育局（{leads.count(top)}项）。"
    fewest = assistant.ask("瓦房店哪类任务最少")
    sizes: dict[str, int] = {}
    for r in catalog.filter(["wafangdian"]):
        sizes[r.category] = sizes.get(r.category, 0) + 1
    smallest = sorted(c for c, n in sizes.items() if n == min(sizes.values()))
    line = fewest.answer.splitlines()[1]
    assert fewest.plan.pick == "min" and all(c in line for c in smallest), line


def test_an_unknown_english_word_is_reported_in_english(assistant: Assistant) -> None:
    answer = assistant.ask("Which Yingkou tasks does the finance bureau lead regarding spaceflight?")
    assert not answer.understood and "spaceflight" in answer.unread
    assert answer.answer.startswith('Not understood: "spaceflight"')


def test_ask_over_http_returns_understood_and_unread(server: str) -> None:
    body = httpx.post(f"{server}/ask", json={"question": "营口市人社局负责的航天任务有哪些？"}, timeout=30).json()
    assert body["understood"] is False and "航天" in body["unread"]
    schema = httpx.get(f"{server}/openapi.json", timeout=30).json()["components"]["schemas"]["Answer"]
    assert {"understood", "unread"} <= set(schema["properties"])


def test_rows_by_position_count_within_the_list_in_scope(assistant: Assistant) -> None:
    first = assistant.ask("环翠区清单开头的4项都是什么")
    assert ids(first) == [f"huancui#{n}" for n in range(1, 5)] and first.understood
    last = assistant.ask("瓦房店的最后两项任务")
    assert ids(last) == ["wafangdian#56", "wafangdian#57"] and last.understood
    assert "最后2项" in last.plan_line
    assert ids(assistant.ask("辽宁清单倒数第三项")) == ["liaoning#52"]


def test_a_chinese_name_inside_an_english_question_is_read_as_a_name(assistant: Assistant) -> None:
    """An agency no list names, written in Chinese inside English, is reported unknown (not searched as a topic);
    a place at the start of a longer name (营口职业技术学院) is that name, not the text sought."""
    unknown = assistant.ask("Which duties fall to the Wafangdian 市民政局 in that list?")
    assert not unknown.citations and unknown.plan.unresolved
    college = assistant.ask("Which Yingkou rows mention 营口职业技术学院?")
    assert college.understood and "营口职业技术学院" in " ".join(c.text for c in college.citations)
