"""Caches are caches: a damaged embedding cache is discarded with a warning, never a failed ingest."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from tests.conftest import stderr_lines
from tests.test_hardening import private_assistant


def test_a_garbage_embedding_cache_does_not_fail_a_reingest(
        indexed_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    assistant = private_assistant(indexed_settings, tmp_path)
    settings = assistant.settings
    cache = settings.cache_dir / "embeddings.sqlite"
    assistant.reload()  # nothing holds the cache open while it is overwritten
    cache.write_bytes(b"this is not an sqlite database" * 100)
    for side in ("embeddings.sqlite-wal", "embeddings.sqlite-shm"):
        (settings.cache_dir / side).unlink(missing_ok=True)
    (settings.lists_dir / "huancui.txt").write_text(
        (settings.lists_dir / "huancui.txt").read_text("utf-8").replace("加强实训设施建设", "加强实训基地建设", 1),
        "utf-8")
    with caplog.at_level(logging.WARNING):
        report = assistant.reingest()
    assert report.switched and report.changed == 1 and report.rows == 172
    warnings = " ".join(r.getMessage() for r in caplog.records)
    assert "is damaged" in warnings and "embedding cache" in warnings
    assert list(settings.cache_dir.glob("embeddings.sqlite.damaged-*"))
    assert "加强实训基地建设" in assistant.ask("环翠区有哪些任务？").answer


def test_dropped_builds_leave_no_segment_directories(indexed_settings: Settings, tmp_path: Path) -> None:
    """Chroma's delete_collection leaves a build's HNSW directory behind; pruning removes it, so disk use
    stays flat over many builds."""
    import re

    assistant = private_assistant(indexed_settings, tmp_path)
    index = assistant.settings.index_dir
    segment = re.compile(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")

    def directories() -> set[str]:
        return {p.name for p in index.iterdir() if p.is_dir() and segment.fullmatch(p.name)}

    counts = []
    for _ in range(6):
        assistant.reingest(force=True)
        counts.append(len(directories()))
    assert max(counts) <= 2, counts  # the active build and the one kept before it
    assert assistant.builds.index.sweep() == 0


def test_an_empty_index_database_is_moved_aside_and_rebuilt_with_the_uploads(
        indexed_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from assistant.core import Assistant

    assistant = private_assistant(indexed_settings, tmp_path)
    upload = tmp_path / "huancui2.txt"
    upload.write_text((assistant.settings.lists_dir / "huancui.txt").read_text("utf-8").replace(
        "加强实训设施建设", "加强实训设施建设（上传版）", 1), "utf-8")
    assistant.upload(upload, upload.name)
    settings = assistant.settings
    del assistant
    import gc

    gc.collect()
    from chromadb.api.shared_system_client import SharedSystemClient
    SharedSystemClient.clear_system_cache()
    (settings.index_dir / "chroma.sqlite3").write_bytes(b"")
    with caplog.at_level(logging.WARNING):
        reopened = Assistant.from_settings(settings)
        report = reopened.ingest_if_empty()
    assert "chroma.sqlite3 is empty" in " ".join(r.getMessage() for r in caplog.records)
    assert report is not None and report.documents == 5 and report.rows == 188  # the upload is back too
    assert list(settings.data_dir.glob("index.broken-*"))


def test_a_full_disk_is_refused_and_moves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from ingest import store

    index = tmp_path / "index"
    index.mkdir()

    def full(*args: object, **kwargs: object) -> object:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "open_client", full)
    with pytest.raises(store.StorageError, match="disk is full"):
        store.open_store(index)
    assert index.exists() and not list(tmp_path.glob("index.broken-*"))


def test_a_garbage_jieba_cache_is_rebuilt_not_a_failure(tmp_path: Path) -> None:
    from assistant.tokenize import Tokenizer
    from ingest.registries import Registry

    (tmp_path / "jieba.cache").write_bytes(b"not a marshal dump")
    tokenizer = Tokenizer(Registry.load(), [], cache_dir=tmp_path)
    assert tokenizer.words("营口市人社局要做哪些工作")[:1] == ["营口市"]
    assert (tmp_path / "jieba.cache").stat().st_size > 1_000_000  # jieba wrote a good cache in its place


def _without_file_permission_override() -> list[str]:
    """A prefix that runs a command as a process that file permissions bind. As root: root without the
    capabilities that override them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), since `nobody` cannot run this
    interpreter when it lives under /root (mode 700)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: no process here is bound by file permissions")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


@pytest.mark.parametrize("args", [["documents"], ["ask", "营口市人社局要做哪些工作？"], ["serve", "--port", "9"]])
def test_an_index_database_nobody_may_read_exits_3_with_one_line(tmp_path: Path, args: list[str]) -> None:
    from ingest.store import open_store

    data = tmp_path / "data"
    open_store(data / "index")
    database = data / "index" / "chroma.sqlite3"
    database.chmod(0)
    cli = str(Path(sys.executable).with_name("policy-assistant"))
    try:
        result = subprocess.run([*_without_file_permission_override(), cli, *args], capture_output=True, text=True,
                                timeout=300, env={**os.environ, "ASSISTANT_DATA_DIR": str(data)})
    finally:
        database.chmod(0o644)
    assert result.returncode == 3, result.stderr
    assert stderr_lines(result.stderr) == [
        f"error: index at {data / 'index'} cannot be read: Permission denied (chroma.sqlite3)"]
    assert not list(data.glob("index.broken-*"))


def test_a_data_directory_this_user_may_not_write_exits_3_with_one_line(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o555)
    cli = str(Path(sys.executable).with_name("policy-assistant"))
    try:
        result = subprocess.run([*_without_file_permission_override(), cli, "serve", "--port", "9"],
                                capture_output=True, text=True, timeout=300,
                                env={**os.environ, "ASSISTANT_DATA_DIR": str(data)})
    finally:
        data.chmod(0o755)
    assert result.returncode == 3, result.stderr
    assert stderr_lines(result.stderr) == [f"error: {data / 'gradio'}: Permission denied"]


def test_kept_files_that_do_not_read_are_skipped_by_a_reingest_and_by_the_rebuild(
        indexed_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Two kept files giving one key (an upload `pair-1.txt` beside a Word file `pair.docx` of lists pair-1 and
    pair-2, as earlier versions accepted) and a kept file that is no list: each is skipped and kept, never fatal."""
    from chromadb.api.shared_system_client import SharedSystemClient

    from tests.conftest import ThreadServer
    from ui.http import create_app, open_assistant

    assistant = private_assistant(indexed_settings, tmp_path)
    settings = assistant.settings
    settings.uploads_dir.mkdir(parents=True)
    shutil.copy(Path(__file__).parent / "fixtures" / "two_lists.docx", settings.uploads_dir / "pair.docx")
    (settings.uploads_dir / "pair-1.txt").write_text((settings.lists_dir / "huancui.txt").read_text("utf-8").replace(
        "加强实训设施建设", "加强实训设施建设（上传版）", 1), "utf-8")
    (settings.uploads_dir / "junk.txt").write_bytes(b"\x00\x01 not a list")
    server = ThreadServer(create_app(assistant, settings), settings)
    url = server.start()
    try:
        with caplog.at_level(logging.WARNING, logger="ingest.indexer"):
            response = httpx.post(f"{url}/admin/reingest", timeout=300)
    finally:
        server.stop()
    assert response.status_code == 200, response.text
    skipped = {s["file"]: s["reason"] for s in response.json()["skipped"]}
    assert skipped.keys() == {"junk.txt", "pair.docx"} and "read from pair-1.txt" in skipped["pair.docx"]
    assert "skipped pair.docx kept in" in caplog.text and "skipped junk.txt kept in" in caplog.text
    assert "pair-1" in response.json()["docs"] and "pair-2" not in response.json()["docs"]
    del assistant
    import gc

    gc.collect()
    SharedSystemClient.clear_system_cache()
    (settings.index_dir / "chroma.sqlite3").write_bytes(b"")
    with caplog.at_level(logging.INFO, logger="ui.startup"):
        rebuilt = open_assistant(settings)  # what `serve` starts with
    assert {d.doc for d in rebuilt.engine.catalog.documents} == {"yingkou", "wafangdian", "huancui", "liaoning",
                                                                 "pair-1"}
    assert "skipped pair.docx:" in caplog.text and "skipped junk.txt:" in caplog.text  # the restored line
    assert sorted(p.name for p in settings.uploads_dir.iterdir() if p.is_file()) == [
        "junk.txt", "pair-1.txt", "pair.docx"]
