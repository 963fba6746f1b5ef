"""Limits on what a .docx or .xlsx unpacks to, checked from the zip directory before anything is inflated."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ingest.errors import IngestError

MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a 10,000-row Word list unpacks to ~20 MB
MAX_MEMBERS = 5000
MAX_RATIO = 200  # XML compresses 5–20 times; a bomb compresses thousands of times


def check_zip(path: Path) -> None:
    """IngestError when the container would unpack to too much (a zip bomb) or is damaged."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as err:
        raise IngestError(path, f"a damaged zip container ({err})") from err
    if len(members) > MAX_MEMBERS:
        raise IngestError(path, f"the container holds {len(members)} files (at most {MAX_MEMBERS})")
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise IngestError(path, f"unpacks to {unpacked // 2**20} MB (at most {MAX_UNPACKED_BYTES // 2**20} MB): "
                                "refused as a possible zip bomb")
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise IngestError(path, f"{member.filename} is compressed {member.file_size // max(member.compress_size, 1)}"
                                    " times: refused as a possible zip bomb")
