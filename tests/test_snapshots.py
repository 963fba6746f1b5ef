"""Each build's snapshot: what the answering path reads instead of Chroma. Answers from it are those read from the
index; a build without one (or with a damaged one) is read from the index and gets one; it goes with its build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.settings import Settings
from ingest.snapshot import SnapshotFolder
from tests.test_hardening import private_assistant

# A handful of each kind: lists by agency and by place, counts, a field, a grammar construct, facts and topics
# (BM25 fused with dense ranking), lineage.
QUESTIONS = [
    "营口市人社局要做哪些工作？", "环翠区有哪些任务？", "营口市清单共有多少项任务？", "哪些任务由教育局牵头？",
    "锦州师专没有填具体举措的任务有几项", "环翠区到2023年要完成哪些任务？", "瓦房店培训目标是多少？",
    "营口核定专职思政课教师岗位的师生比是多少？", "其中哪项涉及增值税？", "营口第12项对应省里的第几项？",
    "营口清单没有覆盖省里哪些任务？",
]


def snapshots(settings: Settings) -> list[Path]:
    folder = settings.data_dir / "snapshots"
    return sorted(folder.glob("*.jsonl")) if folder.is_dir() else []


@pytest.fixture
def copied(indexed_settings: Settings, tmp_path: Path) -> Settings:
    """A copy of the session's data directory (its active build has a snapshot, written by its ingest)."""
    settings = indexed_settings.model_copy(update={"data_dir": tmp_path / "data"})
    shutil.copytree(indexed_settings.data_dir, settings.data_dir)
    return settings


def answers(assistant: Assistant) -> list[dict]:
    return [assistant.converse(q).model_dump() for q in QUESTIONS]


def test_answers_from_the_snapshot_are_those_read_from_the_index(copied: Settings) -> None:
    [written] = snapshots(copied)  # the ingest wrote it before it moved the pointer
    written.unlink()
    from_index = Assistant.from_settings(copied)  # no snapshot: its rows are read from Chroma, and one written
    assert snapshots(copied) == [written]
    from_snapshot = Assistant.from_settings(copied)
    assert from_snapshot.engine.catalog.documents == from_index.engine.catalog.documents  # sources, facts
    assert answers(from_snapshot) == answers(from_index)


def test_a_damaged_snapshot_is_read_from_the_index_and_written_again(copied: Settings,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    [written] = snapshots(copied)
    whole = SnapshotFolder(written.parent).read(written.stem)
    cut = written.read_bytes()
    written.write_bytes(cut[: len(cut) // 2])  # a disk that filled up, a copy cut short
    assistant = Assistant.from_settings(copied)
    assert f"snapshot {written.stem} is damaged" in caplog.text
    assert len(assistant.engine.catalog.rows) == 172
    assert SnapshotFolder(written.parent).read(written.stem) == whole  # written again, whole


def test_a_snapshot_goes_with_its_build(indexed_settings: Settings, tmp_path: Path) -> None:
    assistant = private_assistant(indexed_settings, tmp_path)
    first = snapshots(assistant.settings)
    for _ in range(3):
        assistant.reingest(force=True)
    names = {p.stem for p in snapshots(assistant.settings)}
    assert names == set(assistant.builds.index.build_names())  # the builds kept, each with its snapshot
    assert len(names) == 2 and first[0].stem not in names
    assert assistant.engine.pointer.active in names
