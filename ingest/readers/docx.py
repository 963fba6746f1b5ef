"""Word .docx: the tables of the body, read from the XML so that merged cells keep every row's value.

- `w:vMerge` (restart / continue): the merged text belongs to every row the cell spans.
- `w:gridSpan`: the text is in the first grid column it covers; the others are empty.
- `w:gridBefore` / `w:gridAfter`: grid columns a row skips are empty cells.
- A cell's paragraphs are joined by line breaks; deleted text, field codes, comments and bookmarks are not text.
- The paragraphs between two tables are the later table's preamble (its title lines).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ingest.errors import IngestError
from ingest.limits import Limits
from ingest.table import Table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = {f"{W}del", f"{W}delText", f"{W}instrText", f"{W}commentReference", f"{W}footnoteReference",
         f"{W}endnoteReference", MC_FALLBACK, f"{W}pPr", f"{W}rPr", f"{W}tcPr", f"{W}trPr", f"{W}tblPr"}


def read_docx(path: Path, limits: Limits | None = None) -> list[Table]:
    """The body's tables; IngestError for a table of more rows than `limits` let a list have, counted before
    any cell is read."""
    limits = limits or Limits()
    try:
        import docx
        body = docx.Document(str(path)).element.body
    except Exception as err:  # python-docx raises several kinds for a damaged package
        raise IngestError(path, f"cannot open as a Word file ({type(err).__name__}: {err})") from err
    tables: list[Table] = []
    paragraphs: list[str] = []
    for block in _blocks(body):
        if block.tag == f"{W}p":
            text = _text(block).strip()
            if text:
                paragraphs.append(text)
        else:
            limits.check_table(path, sum(1 for _ in _children(block, f"{W}tr")))
            tables.append(Table(paragraphs, _grid(block)))
            paragraphs = []
    return tables


def _blocks(parent: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of the body in order, looking inside content controls."""
    for child in parent:
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _blocks(content)


def _children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Direct children with `tag`, also those a content control (w:sdt) wraps."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (f"{W}sdt", f"{W}customXml"):
            content = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
            if content is not None:
                yield from _children(content, tag)


def _val(element: etree._Element | None, default: str | None = None) -> str | None:
    if element is None:
        return None
    return element.get(f"{W}val", default)


def _grid(table: etree._Element) -> list[list[str]]:
    rows: list[list[str]] = []
    open_merges: dict[int, str] = {}  # grid column → text of the vertical merge that is open there
    for tr in _children(table, f"{W}tr"):
        props = tr.find(f"{W}trPr")
        before = int(_val(props.find(f"{W}gridBefore")) or 0) if props is not None else 0
        cells = [""] * before
        for tc in _children(tr, f"{W}tc"):
            tc_props = tc.find(f"{W}tcPr")
            span = int(_val(tc_props.find(f"{W}gridSpan")) or 1) if tc_props is not None else 1
            merge = _val(tc_props.find(f"{W}vMerge"), "continue") if tc_props is not None else None
            column = len(cells)
            if merge == "continue":
                text = open_merges.get(column, "")
            else:
                text = _cell_text(tc)
                if merge == "restart":
                    open_merges[column] = text
                else:
                    open_merges.pop(column, None)
            cells.extend([text] + [""] * (span - 1))
        rows.append(cells)
    return rows


def _cell_text(tc: etree._Element) -> str:
    lines: list[str] = []
    for child in tc:
        if child.tag == f"{W}p":
            lines.append(_text(child))
        elif child.tag == f"{W}tbl":  # a table inside a cell: its rows as lines
            lines.extend("　".join(c for c in row if c) for row in _grid(child))
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                lines.extend(_text(p) for p in content.iter(f"{W}p"))
    return "\n".join(lines).strip("\n")


def _text(element: etree._Element) -> str:
    parts: list[str] = []
    for child in element:
        tag = child.tag
        if tag in _SKIP or not isinstance(tag, str):
            continue
        if tag == f"{W}t":
            parts.append(child.text or "")
        elif tag == f"{W}tab":
            parts.append(" ")
        elif tag in (f"{W}br", f"{W}cr"):
            if child.get(f"{W}type") != "page":
                parts.append("\n")
        else:
            parts.append(_text(child))
    return "".join(parts)
