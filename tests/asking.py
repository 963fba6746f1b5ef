"""Helpers for tests that ask the session Assistant: the cited ids, the catalog's own rows, a conversation."""

from __future__ import annotations

from assistant.core import Assistant


def ids(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.id for c in answer.citations]


def rows_where(assistant: Assistant, doc: str, keep) -> list[str]:  # type: ignore[no-untyped-def]
    """The ids of `doc`'s rows that `keep` accepts, in list order: what a complete answer cites."""
    return [r.id for r in assistant.engine.catalog.filter([doc]) if keep(r)]


def converse(assistant: Assistant, *questions: str):  # type: ignore[no-untyped-def]
    """The answers to questions asked one after the other in one conversation."""
    session, answers = None, []
    for question in questions:
        answers.append(assistant.ask(question, session_id=session))
        session = answers[-1].session_id
    return answers
