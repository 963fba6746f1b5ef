"""The reader's round trip: questions written from plans (evals/roundtrip.py) read back to the same plan."""

from __future__ import annotations

from assistant.core import Assistant
from evals.roundtrip import Signature, run_roundtrip, signature


def test_generated_questions_read_back_to_their_plans(assistant: Assistant) -> None:
    result = run_roundtrip(assistant, count=2400)
    assert result.n == 2400 and len(result.by_kind) >= 11  # every construct, alone and two or three together
    shown = "\n".join(f"{g.question}: {got} {unread}" for g, got, unread in result.failures[:5])
    assert result.share >= 0.99, shown


def test_signatures_tell_a_negated_agency_from_a_named_one(assistant: Assistant) -> None:
    named = signature(assistant.plan("营口市财政局参与的任务")[0])
    negated = signature(assistant.plan("营口市跟财政局无关的任务")[0])
    place = Signature(places=frozenset({"营口市"}))
    assert named == place | Signature(agencies=frozenset({("finance", "any")}))
    assert negated == place | Signature(without=frozenset({"finance"}))
    assert named != negated
