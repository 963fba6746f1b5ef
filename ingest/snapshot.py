"""Each build's rows and metadata in a file beside the index, named by the build: read without importing Chroma.

The state store's pointer says which build is active; a snapshot is a copy of one build, written before the
pointer moves to it and deleted with it. A missing or damaged one is rebuilt from the build (see ingest.builds).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ingest.rows import Row

log = logging.getLogger(__name__)
SUFFIX = ".jsonl"
FORMAT = 1  # of the file; a snapshot of another format is read as missing, and rewritten from its build
PART_SECONDS = 3600.0  # a temporary file this old is a killed writer's: deleted with the snapshots of gone builds


def snapshot_folder(data_dir: Path) -> SnapshotFolder:
    """The snapshots of the index of a data directory, beside its manifests (also with a Chroma server: a machine's
    own copy of the builds it read). One of a build the index no longer holds is not read (ingest.builds)."""
    return SnapshotFolder(data_dir / "snapshots")


@dataclass(frozen=True)
class BuildSnapshot:
    """One build as the answering path reads it: its name, its metadata (as Chroma keeps it) and its rows."""

    name: str
    info: dict[str, Any]
    rows: list[Row]


class SnapshotFolder:
    """Snapshots as JSON lines, `<build name>.jsonl`: a header (build, format, metadata, row count), then a row a
    line. Written whole under a temporary name, then renamed: a reader sees a whole snapshot or none."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, name: str) -> Path:
        return self.folder / f"{name}{SUFFIX}"

    def write(self, name: str, info: dict[str, Any], rows: Iterable[Row]) -> None:
        rows = list(rows)
        self.folder.mkdir(parents=True, exist_ok=True)
        part = self.folder / f".{name}{SUFFIX}.{os.getpid()}.part"
        with part.open("w", encoding="utf-8") as out:
            out.write(json.dumps({"build": name, "format": FORMAT, "rows": len(rows), "info": info},
                                 ensure_ascii=False) + "\n")
            for row in rows:  # a line at a time: the whole file as one string would double its memory
                out.write(row.model_dump_json() + "\n")
        part.replace(self.path(name))

    def read(self, name: str) -> BuildSnapshot | None:
        """The build's snapshot; None when there is none, or it is not whole (logged: it is rebuilt)."""
        try:
            with self.path(name).open("r", encoding="utf-8") as lines:
                header = json.loads(next(lines, "null") or "null")
                if not isinstance(header, dict) or header.get("build") != name or header.get("format") != FORMAT:
                    raise ValueError("its header does not name this build in this format")
                rows = [Row.model_validate_json(line) for line in lines]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, ValidationError) as err:
            log.warning("snapshot %s is damaged (%s); reading the build from the index", name, err)
            return None
        if len(rows) != header.get("rows"):
            log.warning("snapshot %s holds %d rows, not %s; reading the build from the index", name, len(rows),
                        header.get("rows"))
            return None
        return BuildSnapshot(name, dict(header.get("info") or {}), rows)

    def discard(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)

    def keep_only(self, names: set[str]) -> None:
        """Delete the snapshots of builds not in `names` (builds dropped by another process's prune)."""
        if not self.folder.is_dir():
            return
        for entry in self.folder.glob(f"*{SUFFIX}"):
            if entry.name.removesuffix(SUFFIX) not in names:
                entry.unlink(missing_ok=True)
        for part in self.folder.glob(".*.part"):
            try:
                if part.stat().st_mtime < time.time() - PART_SECONDS:
                    part.unlink(missing_ok=True)
            except OSError:  # renamed or removed by its writer meanwhile
                continue
