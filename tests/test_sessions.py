"""Conversation memory: bounded per client, and a follow-up whose memory is gone says so."""

from __future__ import annotations

import time
from pathlib import Path

from assistant.core import Assistant
from assistant.sessions import SessionStore
from assistant.settings import Settings
from assistant.understand.plan import QueryPlan
from state import open_state


def test_one_client_asking_fast_pushes_out_only_its_own_conversations(tmp_path: Path) -> None:
    store = SessionStore(open_state(None, tmp_path), max_sessions=3)
    theirs = store.new_id("another key")
    store.remember(theirs, QueryPlan(question="q"), ["yingkou#1"])
    flood = [store.new_id("one key") for _ in range(10)]
    for session in flood:
        store.remember(session, QueryPlan(question="q"), [])
    assert store.last(theirs) is not None  # not pushed out by another key's flood
    assert store.last(flood[0]) is None and store.expired(flood[0]) and store.last(flood[-1]) is not None


def test_a_follow_up_whose_conversation_expired_says_so(indexed_settings: Settings) -> None:
    brief = Assistant.from_settings(indexed_settings.model_copy(update={"session_ttl_seconds": 0.2}))
    first = brief.ask("环翠区税务局参与过哪些工作")
    time.sleep(0.4)
    later = brief.ask("那瓦房店呢？", session_id=first.session_id)
    assert later.answer.splitlines()[1].startswith("上一轮对话已过期")
    kept = brief.ask("那瓦房店呢？", session_id=brief.ask("环翠区税务局参与过哪些工作").session_id)
    assert "过期" not in kept.answer


def test_a_question_outside_any_session_is_recorded_with_its_turn_only(indexed_settings: Settings) -> None:
    assistant = Assistant.from_settings(indexed_settings)
    sessions = assistant.sessions
    answered = assistant.ask("瓦房店表里自然资源局有份的条目", owner="key-1")
    assert sessions.issued(answered.session_id, "key-1") and not sessions.issued(answered.session_id, "key-2")
    follow = assistant.ask("那营口呢？", session_id=answered.session_id, owner="key-1")
    assert follow.session_id == answered.session_id and follow.plan.scope.places == ["营口市"]
    borrowed = assistant.ask("那环翠呢？", session_id=answered.session_id, owner="key-2")
    assert borrowed.session_id != answered.session_id  # another key's id is never attached to
    refused = assistant.ask("明天出门要不要带伞", owner="key-1")  # no turn to keep: the id is still issued to its asker
    assert refused.abstained and sessions.issued(refused.session_id, "key-1")
    assert assistant.state.session(refused.session_id).turn is None


def test_conversations_forgotten_by_age_stay_within_the_bound_on_lost_ones(tmp_path: Path) -> None:
    now = [1000.0]
    state = open_state(None, tmp_path)
    store = SessionStore(state, max_sessions=2, ttl_seconds=10, max_owners=2, clock=lambda: now[0])
    sessions = []
    for n in range(6):
        now[0] += 1
        sessions.append(store.new_id(f"key-{n}"))
        store.remember(sessions[-1], QueryPlan(question="q"), ["yingkou#1"])
    now[0] += 60
    assert all(store.last(session) is None for session in sessions)
    marked = [session for session in sessions if store.expired(session)]
    assert marked == sessions[-store.max_total:]  # of the lost ones, the newest 4 are still told "expired"


def test_a_second_turn_of_a_conversation_does_not_push_out_another(tmp_path: Path) -> None:
    store = SessionStore(open_state(None, tmp_path), max_sessions=2)
    first, second = store.new_id("k"), store.new_id("k")
    for session in (first, second, first, first):
        store.remember(session, QueryPlan(question="q"), [])
    assert store.last(first) is not None and store.last(second) is not None
    third = store.new_id("k")
    store.remember(third, QueryPlan(question="q"), [])
    assert store.last(second) is None and store.expired(second)  # the oldest last turn goes
    assert store.last(first) is not None and store.last(third) is not None


def test_past_the_bound_the_oldest_tenth_goes_at_once(tmp_path: Path) -> None:
    now = [0.0]
    store = SessionStore(open_state(None, tmp_path), max_sessions=20, clock=lambda: now[0])
    sessions = []
    for _ in range(21):
        now[0] += 1
        sessions.append(store.new_id("k"))
        store.remember(sessions[-1], QueryPlan(question="q"), [])
    assert [store.expired(s) for s in sessions[:3]] == [True, True, True]  # down to 18 of 20
    assert all(store.last(s) is not None for s in sessions[3:])


def test_ids_issued_and_never_used_stay_within_their_bound(tmp_path: Path) -> None:
    now = [0.0]
    store = SessionStore(open_state(None, tmp_path), max_sessions=5, clock=lambda: now[0])  # 20 unused ids kept
    used = store.new_id("k")
    store.remember(used, QueryPlan(question="q"), ["yingkou#1"])
    idle = []
    for _ in range(21):
        now[0] += 1
        idle.append(store.new_id("k"))
    assert not any(store.issued(s, "k") for s in idle[:3])  # past 20: the oldest go, down to 18
    assert all(store.issued(s, "k") for s in idle[3:])
    assert store.last(used) is not None  # a session with a turn is no unused id
