"""An Answer as Markdown for other chat clients: the plan line set apart, the answer, a table of the cited rows."""

from __future__ import annotations

import html
import re

from assistant.models import Answer, Citation

SECTION = re.compile(r"^(【[^】\n]+】|\[[A-Z][^\]\n]*\])$")
HEADERS = {"zh": ("清单", "序号", "任务内容", "牵头单位", "责任单位", "完成时间", "来源"),
           "en": ("List", "No.", "Task", "Lead", "Responsible", "Due", "Source")}


def as_text(text: str) -> str:
    """List text shown as text: no HTML tag and no Markdown image or link survives, so a cell cannot make a
    client fetch anything."""
    return html.escape(text, quote=False).replace("![", "!&#91;").replace("](", "]&#40;")


def answer_markdown(answer: Answer) -> str:
    """The answer's lines as Markdown that keeps them apart in any renderer, then the citation table."""
    lang = answer.plan.lang if answer.plan is not None else "zh"
    body = _lines(as_text(answer.answer), as_text(answer.plan_line))
    table = citation_table(answer.citations, lang)
    return f"{body}\n\n{table}" if table else body


def _lines(text: str, plan_line: str) -> str:
    out: list[str] = []
    in_list = False
    for line in text.splitlines():
        if not line.strip():
            out.append("")
            in_list = False
        elif plan_line and line == plan_line:
            out += [f"> {line}", ""]
        elif SECTION.match(line):
            out += ["", f"**{line}**", ""]
            in_list = False
        elif line.startswith("- "):
            out.append(line)
            in_list = True
        elif in_list and line[:1].isspace():  # a list item's next line (具体举措 …): a hard break inside it
            out[-1] += "  "
            out.append("  " + line.strip())
        else:
            if in_list:
                out.append("")
            elif out and out[-1]:
                out[-1] += "  "  # lines of one paragraph stay lines
            out.append(line)
            in_list = False
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def citation_table(citations: list[Citation], lang: str = "zh") -> str:
    """One line per cited row; '' when nothing is cited."""
    if not citations:
        return ""
    head = HEADERS["en" if lang == "en" else "zh"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for c in citations:
        due = (c.measures.due if c.measures and c.measures.due else c.due) or ""
        cells = [c.list_label, str(c.row), c.text, "、".join(c.lead), "、".join(c.responsible), due, c.id]
        lines.append("| " + " | ".join(_cell(v) for v in cells) + " |")
    return "\n".join(lines)


def _cell(value: str) -> str:
    return as_text(" ".join(value.split())).replace("|", "\\|")
