"""Round thirteen of reading questions and answering: a party committee's office named as the list writes it."""

from __future__ import annotations

from assistant.core import Assistant
from tests.asking import ids, rows_where


def test_a_committee_office_after_its_place_is_named_as_the_list_writes_it(assistant: Assistant) -> None:
    said = assistant.ask("营口市委编办都参与了哪几项")
    summary = said.answer.splitlines()[1]
    assert said.understood and "市委编办" in summary and "委编办（" not in summary
    assert set(ids(said)) == set(rows_where(assistant, "yingkou", lambda r: "staffing" in r.responsible_ids + r.lead_ids))
