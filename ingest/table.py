"""The one table model every reader produces: the paragraphs above a table and its grid of cells."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    """One table as a reader found it.

    `preamble` holds the paragraphs above the table (title lines, "附件1", "单位（公章）：…"), in order.
    `rows` is the grid: every row has the same number of cells. A vertically merged cell's text is in every row
    it spans; a horizontally merged cell's text is in its first column and the columns it covers are empty.
    `continued` marks a table that goes on from the previous page (PDF): its first row without a 序号 is the rest
    of the row a page break split. `notes` are the reader's remarks for the ingest preview.
    """

    preamble: list[str]
    rows: list[list[str]]
    continued: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def squared(self) -> Table:
        """The same table with short rows padded by empty cells."""
        width = self.width
        return Table(self.preamble, [r + [""] * (width - len(r)) for r in self.rows], self.continued, self.notes)
