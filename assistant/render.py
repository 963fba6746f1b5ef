"""Plain-text renderings of rows for the terminal."""

from __future__ import annotations

import textwrap

from ingest.rows import Row


def format_rows_table(rows: list[Row]) -> str:
    """A readable block per row: id, place, agencies, text; then the count."""
    lines = []
    for row in rows:
        lines.append(f"{row.id:<14} {row.jurisdiction}  {row.category}".rstrip())
        if row.lead:
            lines.append(f"{'':<14} 牵头单位：{'、'.join(row.lead)}")
        if row.responsible:
            label = "责任单位" if row.has_lead_column else "责任部门"
            lines.append(f"{'':<14} {label}：{'、'.join(row.responsible)}")
        if row.due:
            lines.append(f"{'':<14} 时间：{row.due}")
        lines.extend(textwrap.wrap(row.text, width=60, initial_indent=" " * 15, subsequent_indent=" " * 15))
        if row.measures:
            m = row.measures
            lines.append(f"{'':<14} 举措（{'、'.join(m.units) or '—'}，{m.due or '—'}）：{m.actions or m.targets}")
        lines.append("")
    lines.append(f"{len(rows)} rows")
    return "\n".join(lines)
