"""A Word list of realistic size for upload tests: 60 task rows under group rows merged across the table, lead
cells merged down pairs of rows, and a photo of the signed page (random pixels, so it does not compress)."""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

from docx import Document
from docx.shared import Cm

TITLE = "试验县职业教育重点任务清单"
PLACE = "试验县"
ROWS = 60
GROUPS = ("一、产教融合", "二、师资队伍", "三、办学条件")
LEADS = ("县教育局", "县财政局", "县人社局")


def noise_png(side: int, seed: int = 20) -> bytes:
    """A `side` × `side` RGB PNG of random pixels: about 3 × side² bytes that no zip makes smaller."""
    rng = random.Random(seed)
    raw = b"".join(b"\x00" + rng.randbytes(3 * side) for _ in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def task_text(number: int) -> str:
    return f"第{number}项：建成县级实训基地{number}个，每年组织校企合作项目不少于{number + 2}项，形成可推广的经验做法"


def write_big_list(path: Path) -> Path:
    """Write the list to `path` (a .docx of more than 200 KB) and return it."""
    document = Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, ("序号", "任务内容", "牵头单位", "责任单位", "完成时间"), strict=True):
        cell.text = name
    per_group = ROWS // len(GROUPS)
    number = 0
    for g, group in enumerate(GROUPS):
        row = table.add_row().cells
        row[0].merge(row[-1]).text = group  # a group row: one cell across the table
        for i in range(per_group):
            number += 1
            cells = table.add_row().cells
            cells[0].text = str(number)
            cells[1].text = task_text(number)
            cells[3].text = "县发展改革局、县工业和信息化局"
            cells[4].text = f"{2025 + number % 3}年底前"
            if i % 2 == 0:
                cells[2].text = LEADS[g]
            else:  # the lead cell merged down over this row and the one before it
                above = table.rows[len(table.rows) - 2].cells[2]
                above.merge(cells[2])
    document.add_paragraph("（签章页）")
    picture = path.with_suffix(".png")
    picture.write_bytes(noise_png(300))
    document.add_picture(str(picture), width=Cm(8))
    picture.unlink()
    document.save(str(path))
    return path
