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
