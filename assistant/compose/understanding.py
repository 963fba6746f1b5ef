"""What the answer says about its own reading: names read as others, unread words, filters overridden."""

from __future__ import annotations

from assistant.templates import Templates
from assistant.understand.plan import QueryPlan


def with_reading(text: str, plan_line: str, plan: QueryPlan, overridden: list[str], templates: Templates,
                 conflict: bool = False) -> str:
    """The answer text with the lines that say how the question was read: 未理解 (unread words) first, or that
    the conditions, each met alone, meet no row together (`conflict`), then the plan line, then each name read as
    another (a same-pinyin typo, a group of agencies) and each filter the question overrode, then the answer."""
    shown = [templates.render(plan.lang, f"read_as_{r.why}", typed=r.typed, name=r.name) for r in plan.read_as]
    text = _under_plan_line(text, plan_line, shown + overridden)
    if conflict and not plan.unread:
        text = templates.render(plan.lang, "conditions_conflict") + "\n" + text
    if plan.unread:
        text = templates.render(plan.lang, "not_understood", words=quoted(plan.unread, plan.lang)) + "\n" + text
    return text


def quoted(words: list[str], lang: str) -> str:
    """Words as the answer quotes them: "a", "b" in English, 「甲」、「乙」 in Chinese."""
    return ", ".join(f'"{w}"' for w in words) if lang == "en" else "、".join(f"「{w}」" for w in words)


def _under_plan_line(text: str, plan_line: str, notes: list[str]) -> str:
    """The answer text with one line per note under its plan line."""
    if not notes:
        return text
    head, rest = (plan_line, text[len(plan_line):].lstrip("\n")) if plan_line and text.startswith(plan_line) \
        else ("", text)
    return "\n".join(part for part in (head, *notes, rest) if part)
