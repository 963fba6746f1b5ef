"""Which files are task lists: the suffixes ingest reads, and a folder's list files."""

from __future__ import annotations

from pathlib import Path

# Word, WPS, Excel and ET files, PDFs and the text export of a Word table (the reader judges the real format by
# content; the suffix only picks the files of a folder and of an upload).
LIST_SUFFIXES = (".txt", ".docx", ".xlsx", ".pdf", ".doc", ".wps", ".xls", ".et")


def is_list_file(path: Path) -> bool:
    """A file with a list suffix that is neither hidden nor an Office lock file (`~$name.docx`)."""
    return (path.suffix.lower() in LIST_SUFFIXES and not path.name.startswith((".", "~$"))
            and path.is_file())


def folder_lists(folder: Path) -> list[Path]:
    """The list files directly in `folder`, by name; none when the folder does not exist."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if is_list_file(p))
