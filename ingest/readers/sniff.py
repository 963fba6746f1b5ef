"""Judge a file's format by its first bytes and, for zip and OLE containers, by what they hold – never by its name."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ingest.errors import IngestError
from ingest.messages import Message

# What a format is called when its file name says so (for the "named .docx but is a PDF" note).
SUFFIX_FORMATS = {".txt": "txt", ".docx": "docx", ".xlsx": "xlsx", ".pdf": "pdf", ".doc": "doc", ".wps": "wps",
                  ".xls": "xls", ".et": "et"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_STREAM = "WordDocument".encode("utf-16-le")
_BOOK_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


def sniff(path: Path) -> str:
    """txt, docx, xlsx, pdf, doc, wps, xls or et; IngestError for anything else."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head == _OLE:
        return _ole_kind(path)
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        raise IngestError(path, Message.of("image_not_list"))
    if head.startswith(b"{\\rtf"):
        raise IngestError(path, Message.of("rtf_file"))
    return "txt"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as err:
        raise IngestError(path, f"a damaged zip container ({err})") from err
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        raise IngestError(path, Message.of("opendocument_file"))
    raise IngestError(path, "a zip archive that is neither a Word (.docx) nor an Excel (.xlsx) file")


def _ole_kind(path: Path) -> str:
    """Old Office and WPS files are OLE containers: a Word stream makes a document, a Book stream a sheet."""
    data = path.read_bytes()
    suffix = SUFFIX_FORMATS.get(path.suffix.lower())
    if _WORD_STREAM in data:
        return suffix if suffix in ("doc", "wps") else "doc"
    if any(stream in data for stream in _BOOK_STREAMS):
        return suffix if suffix in ("xls", "et") else "xls"
    raise IngestError(path, "an old Office (OLE) file that holds neither a Word document nor a workbook")


def name_note(path: Path, fmt: str) -> Message | None:
    """A remark when the file's name says another format than its content."""
    named = SUFFIX_FORMATS.get(path.suffix.lower())
    same = {fmt, {"wps": "doc", "doc": "wps", "et": "xls", "xls": "et"}.get(fmt)}
    if named and named not in same:
        return Message.of("format_mismatch", suffix=path.suffix, format=fmt)
    return None
