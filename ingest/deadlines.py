"""Years a row names, and the ones it states as deadlines (到2023年, 2025年前, 完成时间)."""

from __future__ import annotations

import re

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=年)")
_DEADLINE = re.compile(
    r"到\s*((?:19|20)\d{2})年"                      # 到2023年
    r"|((?:19|20)\d{2})年(?:底|末)?(?:前|以前|之前)"    # 2025年前, 2025年底前
    r"|((?:19|20)\d{2})年(?:底|末)"                    # 2022年底
    r"|(?<![自从\-—–～~])((?:19|20)\d{2})年(?:全部|基本)?(?:达到|完成|建成|实现)"  # 2022年达到
)


def years_named(text: str) -> list[int]:
    """Every year the text names, in order, once each."""
    return list(dict.fromkeys(int(y) for y in _YEAR.findall(text)))


def deadline_years(text: str, due_cell: str, measures_due: str) -> list[int]:
    """Deadline years: the completion-time columns first, then deadlines stated in the text.

    Plan periods (2019—2021年) and start dates (自2021年起) are not deadlines.
    """
    years = years_named(due_cell) + years_named(measures_due)
    for match in _DEADLINE.finditer(text):
        years.append(int(next(group for group in match.groups() if group)))
    return list(dict.fromkeys(years))
