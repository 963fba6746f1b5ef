"""PDF with a text layer: the ruled tables of each page (pdfplumber), one Table per page.

A cell's lines are joined where the text wrapped (the line reached the cell's right edge) and kept apart where a
paragraph ended. A page's table after the first goes on from the page before (`continued`): the parser drops
its repeated header and joins a row the page break split. A PDF without text is a scan: it must be OCR'd first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.limits import Deadline, Limits
from ingest.messages import Message
from ingest.table import Table

PARAGRAPH_GAP = 1.5  # a line lower than this many line heights under the one before opens a paragraph


def read_pdf(path: Path, limits: Limits | None = None, deadline: Deadline | None = None) -> list[Table]:
    """One Table per ruled table of each page; IngestError for more pages than `limits` allow, or once `deadline`
    has passed, checked after each page (a page of many ruling lines can take pdfplumber tens of seconds)."""
    import pdfplumber
    limits = limits or Limits()
    deadline = deadline or Deadline(limits.seconds)
    try:
        pdf = pdfplumber.open(path)
    except Exception as err:  # pdfminer raises several kinds for damaged or encrypted files
        raise IngestError(path, f"cannot open as a PDF ({type(err).__name__}: {err})") from err
    with pdf:
        limits.check_pages(path, len(pdf.pages))
        if not any(page.chars for page in pdf.pages):
            raise IngestError(path, Message.of("scanned_pdf"))
        tables: list[Table] = []
        for number, page in enumerate(pdf.pages, 1):
            deadline.check(path, f"reading page {number} of {len(pdf.pages)}")
            found = sorted(page.find_tables(), key=lambda t: t.bbox[1])
            top = 0.0
            for table in found:
                preamble = _lines_between(page, top, table.bbox[1])
                cells = [[_cell_lines(page, cell) for cell in row.cells] for row in table.rows]
                pad = min((line["x0"] - bbox[0] for row in cells for bbox, lines in row for line in lines),
                          default=0.0)
                grid = [[_cell_text(lines, bbox, max(pad, 0.0)) for bbox, lines in row] for row in cells]
                tables.append(Table(preamble, grid, continued=bool(tables) and not preamble))
                top = table.bbox[3]
    if not tables:
        raise IngestError(path, Message.of("no_ruled_table"))
    return tables


def _lines_between(page: Any, top: float, bottom: float) -> list[str]:
    """Text lines between two heights of a page (the title above a table); page numbers alone are not text."""
    if bottom - top < 1:
        return []
    region = page.crop((0, top, page.width, bottom), strict=False)
    lines = [line["text"].strip() for line in region.extract_text_lines()]
    return [line for line in lines if line.strip("-–— 第页0123456789/")]


def _cell_lines(page: Any, bbox: tuple[float, float, float, float] | None) -> tuple[Any, list[dict]]:
    """A cell's bbox and its text lines (none for a cell a merge covers)."""
    if bbox is None:
        return (0.0, 0.0, 0.0, 0.0), []
    return bbox, page.crop(bbox, strict=False).extract_text_lines()


def _cell_text(lines: list[dict], bbox: tuple[float, float, float, float], pad: float) -> str:
    """Lines joined where the text wrapped: the next line's first character would not have fit on this one
    (inside the cell's padding), and the next line follows at the usual line height."""
    text = ""
    for line, after in zip(lines, [*lines[1:], None], strict=False):
        text += line["text"]
        if after is None:
            break
        first = after["chars"][0] if after["chars"] else {"x0": 0.0, "x1": 10.0}
        full = (bbox[2] - pad) - line["x1"] < (first["x1"] - first["x0"]) + 1.0
        height = line["bottom"] - line["top"]
        close = after["top"] - line["top"] < PARAGRAPH_GAP * max(height, 1.0)
        if not (full and close):
            text += "\n"
        elif text[-1:].isascii() and text[-1:].isalnum() and after["text"][:1].isascii() \
                and after["text"][:1].isalnum():
            text += " "
    return text
