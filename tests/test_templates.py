"""Answer templates: filled by name from prompts/, English counts of one said in the singular."""

from pathlib import Path

from assistant.templates import Templates

PROMPTS = Path(__file__).resolve().parents[1] / "prompts"


def test_a_count_of_one_takes_the_singular_in_english() -> None:
    t = Templates(PROMPTS)
    assert t.render("en", "count_topic", place="Huancui", count=1, topic="x") == \
        "The Huancui list has 1 task on “x”."
    assert "11 tasks" in t.render("en", "count_topic", place="Huancui", count=11, topic="x")
    assert "has 21 tasks" in t.render("en", "count_topic", place="P", count=21, topic="x")
    assert t.render("zh", "count_topic", place="环翠区", count=1, topic="x").count("1") == 1


def test_a_row_said_once_in_an_english_answer() -> None:
    t = Templates(PROMPTS)
    assert t.render("en", "list_none_as_lead", place="P", agency="A", count=1).endswith("unit (责任单位) in 1 task.")
