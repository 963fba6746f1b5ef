"""Clean cell text from Word-table exports: markers, wrapped lines, agency lists."""

from __future__ import annotations

import re

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’《》（）"
# A run of spaces with a CJK character (or CJK punctuation) on at least one side is a wrap artefact.
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u3000\u00a0]+|[ \t\u3000\u00a0]+(?=[{_CJK}])")
_SENTENCE_END = tuple("。！？；;!?：:")
_AGENCY_SEPARATORS = re.compile(r"[、，,；;]")
_AGENCY_SUFFIXES = (
    "局", "厅", "庁", "委", "会", "办", "部", "处", "院", "室", "中心", "学校", "校", "市", "区", "县", "镇",
    "单位", "政府", "部门", "大", "协", "联", "组", "站", "所", "队",
)


def strip_markers(text: str) -> str:
    """Drop `[bookmark: …]` markers that Word left in the export."""
    return _BOOKMARK.sub("", text)


def squeeze_spaces(text: str) -> str:
    """Remove spaces a line wrap left inside Chinese words; keep spaces between Latin words."""
    return _SPACE_NEAR_CJK.sub("", text).strip()


def _lines(cell: str) -> list[str]:
    return [squeeze_spaces(line) for line in strip_markers(cell).split("\n") if squeeze_spaces(line)]


def _join_pair(left: str, right: str) -> str:
    if left.endswith(_SENTENCE_END):
        return f"{left}\n{right}"
    if left[-1:].isascii() and right[:1].isascii() and left[-1:].isalnum() and right[:1].isalnum():
        return f"{left} {right}"
    return left + right


def clean_text(cell: str) -> str:
    """Clean a text cell: join lines a wrap broke mid-sentence, keep breaks after a sentence ends."""
    lines = _lines(cell)
    if not lines:
        return ""
    text = lines[0]
    for line in lines[1:]:
        text = _join_pair(text, line)
    return text


def clean_short(cell: str) -> str:
    """Clean a short cell (a header, a number, a year): all line breaks are wrap artefacts."""
    return "".join(_lines(cell))


def is_agency_name(piece: str) -> bool:
    """Whether a piece reads as a whole agency name (it ends like one)."""
    return piece.rstrip("等").endswith(_AGENCY_SUFFIXES)


def _split_outside_brackets(text: str) -> list[str]:
    """Split at separators, but not inside brackets: 各县（市、区）人民政府 is one name."""
    pieces, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char in "（(") - (char in "）)")
        if depth <= 0 and _AGENCY_SEPARATORS.match(char):
            pieces.append(text[start:i])
            start = i + 1
    return [*pieces, text[start:]]


def _split_on_separators(text: str) -> list[str]:
    pieces: list[str] = []
    for piece in _split_outside_brackets(text):
        piece = piece.strip()
        head, sep, tail = piece.partition("及")
        if sep and is_agency_name(head) and tail:
            pieces.extend([head, tail])
        elif piece:
            pieces.append(piece)
    return [p[:-1] if p.endswith("等") and len(p) > 2 else p for p in pieces]


def split_agencies(cell: str) -> list[str]:
    """Split an agency cell into names.

    Separators are 、，,；; and line breaks, but a line break only where the text
    before it ends a whole agency name (so "省教\\n育厅" stays one name).
    """
    joined = ""
    for line in _lines(cell):
        tail = _AGENCY_SEPARATORS.split(joined)[-1] if joined else ""
        boundary = joined and (joined.endswith(("、", "，", ",", "；", ";")) or
                               line.startswith(("、", "，", ",", "；", ";")))
        if not joined or boundary:
            joined += line
        elif is_agency_name(tail) and is_agency_name(_AGENCY_SEPARATORS.split(line)[0]):
            joined += "；" + line
        else:
            joined += line
    return list(dict.fromkeys(p for p in _split_on_separators(joined) if p))
