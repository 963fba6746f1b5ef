"""Answers as officials see them: complete lists, exact figures, follow-ups, abstention, languages."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.sessions import SessionStore
from assistant.understand.plan import QueryPlan
from state import open_state

YINGKOU_HRSS = [f"yingkou#{n}" for n in (1, 2, 3, 4, 5, 7, 9, 14, 15, 17, 18, 20, 21, 25, 26, 27, 28, 29, 30, 31,
                                          32, 35, 36, 37, 38, 40, 45)]


def ids(answer) -> list[str]:
    return [c.id for c in answer.citations]


def test_agency_list_is_complete_with_a_role_summary(assistant: Assistant) -> None:
    answer = assistant.ask("营口市人社局要做哪些工作？")
    assert answer.intent == "list" and not answer.abstained and answer.mode == "extractive"
    assert ids(answer) == YINGKOU_HRSS
    plan_line, first_line = answer.answer.splitlines()[:2]
    assert plan_line == answer.plan_line == "条件：营口市 · 人社局；列出全部"
    assert "27项" in first_line and "未作为牵头单位" in first_line and "市人力资源和社会保障局" in first_line
    assert all(c.role == "responsible" for c in answer.citations)
    assert "[营口市#45]" in answer.answer


def test_follow_up_keeps_the_agency_for_a_new_place(assistant: Assistant) -> None:
    first = assistant.ask("营口市人社局要做哪些工作？")
    second = assistant.ask("那瓦房店呢？", session_id=first.session_id)
    assert second.session_id == first.session_id
    assert second.citations and all(c.doc == "wafangdian" for c in second.citations)
    assert all(any("人社" in a for a in c.responsible) for c in second.citations)
    assert "未区分牵头与配合单位" in second.answer  # the list has only 责任部门: no lead is guessed
    third = assistant.ask("那环翠区呢？", session_id=first.session_id)
    # 区人力资源社会保障局 leads rows 2, 4, 5, 6, 8, 10, 14 and shares rows 1, 9, 12, 16
    assert ids(third) == [f"huancui#{n}" for n in (1, 2, 4, 5, 6, 8, 9, 10, 12, 14, 16)]


def test_narrowing_follow_up_stays_inside_the_previous_rows(assistant: Assistant) -> None:
    first = assistant.ask("环翠区税务局负责哪些任务？")
    assert ids(first) == ["huancui#3", "huancui#7", "huancui#13"]
    second = assistant.ask("其中哪项涉及增值税？", session_id=first.session_id)
    assert ids(second) == ["huancui#7"] and "增值税" in second.answer
    lead = assistant.ask("其中牵头的有哪些？", session_id=first.session_id)
    assert set(ids(lead)) <= set(ids(first))


def test_role_questions(assistant: Assistant) -> None:
    lead = assistant.ask("环翠区人社局牵头哪些任务？")
    assert ids(lead) == [f"huancui#{n}" for n in (2, 4, 5, 6, 8, 10, 14)]
    assert all(c.role == "lead" for c in lead.citations)
    nolead = assistant.ask("瓦房店市税务局牵头哪些任务？")
    assert "无法判断" in nolead.answer and ids(nolead) == ["wafangdian#34", "wafangdian#49"]


def test_fact_answer_quotes_the_sentence_with_the_figure_first(assistant: Assistant) -> None:
    answer = assistant.ask("瓦房店培训目标是多少？")
    assert answer.intent == "fact" and ids(answer)[0] == "wafangdian#28"
    assert answer.answer.splitlines()[1].startswith("依据[瓦房店市#28]：「") and "1万人次左右" in answer.answer
    ratio = assistant.ask("营口核定专职思政课教师岗位的师生比是多少？")
    assert ids(ratio)[0] == "yingkou#3" and "1:350" in ratio.answer.splitlines()[1]


def test_counts_come_from_the_index(assistant: Assistant) -> None:
    whole = assistant.ask("营口市清单共有多少项任务？")
    assert whole.intent == "count" and "45项" in whole.answer and len(whole.citations) == 45  # the rows counted
    agency = assistant.ask("营口市人社局参与多少项任务？")
    assert "27项" in agency.answer and ids(agency) == YINGKOU_HRSS
    assert assistant.ask("锦州师专计划获得几项省级创新创业竞赛奖项？").intent == "fact"  # 几项 inside a noun
    category = assistant.ask("瓦房店清单“打造‘双师型’教师队伍”这一主要任务下有几项任务？")
    assert "4项" in category.answer and ids(category) == [f"wafangdian#{n}" for n in (35, 36, 37, 38)]


def test_deadline_and_compare(assistant: Assistant) -> None:
    due = assistant.ask("环翠区到2023年要完成哪些任务？")
    assert due.intent == "list" and ids(due) == ["huancui#6", "huancui#9", "huancui#12"]
    compare = assistant.ask("营口和瓦房店在“双师型”教师建设上各有什么任务？")
    assert compare.intent == "compare"
    assert ids(compare) == ["wafangdian#37", "yingkou#31", "yingkou#32"]
    assert "营口市清单中与「双师型」相关的任务有2项" in compare.answer


@pytest.mark.parametrize("question", ["北京市职业教育有哪些任务？", "营口市的房价是多少？", "讲个笑话", "你是谁开发的？",
                                      "What's the weather like in Beijing tomorrow?"])
def test_out_of_scope_abstains_and_cites_nothing(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.abstained and answer.intent == "out_of_scope" and answer.citations == []
    assert "营口市工作任务清单" in answer.answer  # it says which lists the index holds


def test_english_and_traditional_questions(assistant: Assistant) -> None:
    english = assistant.ask("What does the 人社局 have to do in Yingkou?")
    assert ids(english) == YINGKOU_HRSS and english.answer.splitlines()[1].startswith("In the 营口市 list")
    follow = assistant.ask("What about Wafangdian?", session_id=english.session_id)
    assert follow.citations and {c.doc for c in follow.citations} == {"wafangdian"}
    traditional = assistant.ask("營口市人社局要做哪些工作？")
    assert ids(traditional) == YINGKOU_HRSS


def test_an_english_answer_has_no_chinese_punctuation_of_its_own(assistant: Assistant) -> None:
    """The lists' text stays Chinese; what the answer adds around it (brackets, separators, the chat's footer)
    is English."""
    from ui.chat import format_reply

    answer = assistant.ask("Which tasks does the Yingkou human resources bureau handle?")
    own = "\n".join(line for line in answer.answer.splitlines() if not line.startswith("- ["))
    assert "（" not in own and "human resources bureau (" in own
    rows = [line for line in answer.answer.splitlines() if line.startswith("- [")]
    assert "responsible: 市教育局, 市人力资源社会保障局" in rows[0]
    assert format_reply(answer, None, None).endswith("*27 rows cited; see the table below.*")
    chinese = assistant.ask("营口市人社局要做哪些工作？")
    assert "人社局（市人力资源社会保障局" in chinese.answer and "引用 27 条" in format_reply(chinese, None, None)


def test_the_chat_shows_unread_words_as_a_notice_each_marked_and_as_text(assistant: Assistant) -> None:
    from ui.chat import format_reply

    answer = assistant.ask("营口市人社局负责的航天任务有哪些？")
    reply = format_reply(answer, None, None)
    assert reply.startswith('<div class="unread-notice" role="note">⚠ 未理解：「<mark>航天</mark>」。')
    assert "</div>\n\n> 条件：营口市 · 人社局；列出全部\n\n" in reply  # the plan line, set apart under it
    assert "unread-notice" not in format_reply(assistant.ask("营口市人社局要做哪些工作？"), None, None)
    # A word as the question typed it, tags and all, is shown as text (the reader drops "<" today; the chat
    # does not count on it).
    typed = '<img src="http://203.0.113.9/x.png">'
    tagged = answer.model_copy(update={"unread": [typed], "answer": answer.answer.replace("航天", typed, 1)})
    reply = format_reply(tagged, None, None)
    assert "<img" not in reply and '「<mark>&lt;img src="http://203.0.113.9/x.png"&gt;</mark>」' in reply


def test_explicit_filters_narrow_the_question(assistant: Assistant) -> None:
    answer = assistant.ask("有哪些任务？", jurisdiction="环翠", agency="税务局")
    assert ids(answer) == ["huancui#3", "huancui#7", "huancui#13"]
    assert answer.filters.jurisdictions == ["环翠区"] and answer.filters.agencies == ["tax"]


def test_every_citation_is_a_real_row(assistant: Assistant) -> None:
    catalog = assistant.engine.catalog
    for question in ("锦州师专有哪些具体举措？", "总工会在各清单中负责哪些任务？", "辽宁省要建设多少个“双师型”教师培养培训基地？"):
        for citation in assistant.ask(question).citations:
            assert catalog.by_id[citation.id].text == citation.text


def test_sessions_are_bounded_in_number_and_age(tmp_path: Path) -> None:
    store = SessionStore(open_state(None, tmp_path), max_sessions=2, ttl_seconds=0.2)
    plan = QueryPlan(question="q")
    for sid in ("a", "b", "c"):
        store.remember(sid, plan, [])
    assert store.last("a") is None and store.last("c") is not None
    time.sleep(0.3)
    assert store.last("c") is None


def test_dense_search_ranks_inside_the_filter(assistant: Assistant) -> None:
    searcher = assistant.engine.executor.topics.searcher
    candidates = assistant.engine.catalog.filter(["wafangdian"])
    ranked = searcher.dense_ranking("瓦房店的职业技能培训目标是多少人次", candidates)
    assert len(ranked) == 57 and all(rid.startswith("wafangdian#") for rid, _ in ranked)
    assert "wafangdian#28" in [rid for rid, _ in ranked[:5]]
    assert ranked[0][1] >= ranked[-1][1] > 0


def test_an_agency_with_no_task_in_the_role_asked_is_said_to_have_tasks_in_the_other(assistant: Assistant) -> None:
    """Not 「没有列出财政局的任务」: 营口市财政局 leads none but is a responsible unit in 24 tasks."""
    lead = assistant.ask("营口市的财政局牵头负责的事项有哪些？")
    assert not lead.citations and "没有列出" not in lead.answer
    assert "财政局没有牵头的任务；它作为责任单位参与24项任务" in lead.answer
    assert lead.follow_ups == ["营口市财政局作为责任单位参与哪些任务？"]
    other = assistant.ask(lead.follow_ups[0])  # the follow-up offered gives those rows
    assert len(other.citations) == 24 and all(c.role == "responsible" for c in other.citations)
    english = assistant.ask("In Yingkou, which items are led by the finance bureau?")
    assert "leads no task; it is a responsible unit (责任单位) in 24 tasks" in english.answer
    assert "names no task" not in english.answer and len(english.follow_ups) == 1
    unknown = assistant.ask("营口市人大牵头负责的事项有哪些？")  # named in no row at all: still "no task"
    assert "没有列出市人大的任务" in unknown.answer and not unknown.follow_ups  # named as typed


def test_a_narrowing_to_the_lead_role_says_how_many_the_agency_shares(assistant: Assistant) -> None:
    first = assistant.ask("营口市人社局都参与了哪些事项？")
    assert len(first.citations) == 27
    lead = assistant.ask("这些里面由它牵头的呢？", session_id=first.session_id)
    assert not lead.citations and "人社局没有牵头的任务；它作为责任单位参与27项任务" in lead.answer


def test_the_footer_names_only_the_filters_the_answer_used(assistant: Assistant) -> None:
    """A place or agency the question names wins over the chosen filter: the footer does not name that filter."""
    from ui.chat import format_reply

    other_place = assistant.ask("瓦房店清单里跟实训基地沾边的有哪些？", jurisdiction="营口市")
    assert other_place.unused_filters == ["jurisdiction"] and "未使用“营口市”筛选" in other_place.answer
    assert "（筛选 地区" not in format_reply(other_place, "营口市", None)
    both = assistant.ask("营口市财政局那头要办的事情有哪些？", jurisdiction="营口市", agency="人社局")
    assert both.unused_filters == ["agency"] and len(both.citations) == 24
    footer = format_reply(both, "营口市", "人社局").splitlines()[-1]
    assert "地区：营口市" in footer and "人社局" not in footer
    english = assistant.ask("Which tasks does the Huancui finance bureau take part in?", jurisdiction="营口市")
    assert english.unused_filters == ["jurisdiction"] and "filters" not in format_reply(english, "营口市", None)


def test_did_you_mean_offers_only_agencies_the_lists_asked_about_name(assistant: Assistant) -> None:
    """Each suggestion is a question with rows behind it: none leads to 「…清单中没有列出…的任务」."""
    scoped = assistant.ask("营口市的体育局都承担了哪些事项？")
    [name] = scoped.unresolved
    assert name.candidates[0].startswith("教育局（市教育局")  # best first, named as the 营口 list writes it
    assert not any(c.startswith(("教育部", "人事处")) for c in name.candidates)  # in other lists only
    for question in name.questions:
        assert assistant.ask(question).citations, question
    hrss = assistant.ask("营口市劳动人事局负责哪些任务？").unresolved[0]
    assert hrss.candidates[0].startswith("人社局") and "省人力资源社会保障厅" not in hrss.candidates[0]
    assert not any(c.startswith("人事处") for c in hrss.candidates)
    everywhere = assistant.ask("体育局都承担了哪些事项？").unresolved[0]  # every list: 教育部 has rows there
    assert any(c.startswith("教育部") for c in everywhere.candidates)


def test_a_long_answer_of_short_sections_is_not_a_wall_of_folds(assistant: Assistant) -> None:
    """18 rows in 8 sections open as they are; only a section of many rows is folded."""
    from ui.chat import format_reply

    many = format_reply(assistant.ask("瓦房店的财政局都要负责哪些任务？"), None, None)
    assert many.count("<details") >= 5 and many.count("<details>") == 0  # every short section open
    one = format_reply(assistant.ask("营口市人社局都参与了哪些事项？"), None, None)
    assert one.count("<details>") == 1 and "（27项）" in one  # one section of 27 rows: folded under its count


def test_a_figure_asked_of_a_thing_no_row_mentions_is_not_answered_from_a_nearby_row(assistant: Assistant) -> None:
    """营口的职业院校有多少个食堂: the rows speak of 职业院校, none of 食堂; the last noun is what is asked."""
    asked = assistant.ask("营口的职业院校眼下一共有多少个食堂")
    assert asked.abstained and not asked.citations
    answered = assistant.ask("营口职业院校教师每年在企业实践多长时间")  # the rows do say this
    assert not answered.abstained and answered.citations
