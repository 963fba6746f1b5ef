"""Ingestion into a real Chroma index with real embeddings, driven through the CLI as users run it."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from ingest.store import IndexStore, open_client
from state import open_state
from tests.conftest import stderr_lines

# 营口 rows naming 市人力资源社会保障局 or 市人力资源和社会保障局, read off the list by hand.
YINGKOU_HRSS = [1, 2, 3, 4, 5, 7, 9, 14, 15, 17, 18, 20, 21, 25, 26, 27, 28, 29, 30, 31, 32, 35, 36, 37, 38, 40, 45]
LISTS = Settings().lists_dir


def run_cli(data_dir: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "ui.cli", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def active_build(data_dir: Path) -> str | None:
    return IndexStore(open_client(data_dir / "index"), open_state(None, data_dir)).active_name()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory, indexed_settings: Settings) -> Path:
    """A data directory of its own, seeded with the session's embedding cache so it embeds nothing."""
    path = tmp_path_factory.mktemp("cli") / "data"
    (path / "cache").mkdir(parents=True)
    shutil.copy(indexed_settings.cache_dir / "embeddings.sqlite", path / "cache" / "embeddings.sqlite")
    result = run_cli(path, "ingest", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "4 documents, 172 rows: 172 new, 0 changed, 0 unchanged" in result.stdout
    return path


def test_reingest_changes_nothing(data_dir: Path) -> None:
    before = active_build(data_dir)
    result = run_cli(data_dir, "ingest", "--quiet")
    assert result.returncode == 0
    assert "0 new, 0 changed, 172 unchanged, 0 removed; 0 embedded" in result.stdout
    assert "index unchanged" in result.stdout
    assert active_build(data_dir) == before


def test_rows_by_alias_is_the_complete_hand_checked_set(data_dir: Path) -> None:
    result = run_cli(data_dir, "rows", "--jurisdiction", "营口", "--agency", "人社局", "--json")
    rows = json.loads(result.stdout)
    assert [r["row"] for r in rows] == YINGKOU_HRSS
    assert set(rows[0]) == {"id", "doc", "row", "jurisdiction", "title", "category", "text", "lead",
                            "responsible", "due", "measures"}
    assert rows[0]["id"] == "yingkou#1" and rows[0]["lead"] == ["市教育工委"]
    table = run_cli(data_dir, "rows", "--jurisdiction", "Yingkou", "--agency", "人力资源和社会保障局")
    assert table.stdout.strip().endswith("27 rows")


def test_rows_roles_and_measures(data_dir: Path) -> None:
    lead = json.loads(run_cli(data_dir, "rows", "--jurisdiction", "环翠区", "--agency", "人社局", "--role", "lead",
                              "--json").stdout)
    assert [r["row"] for r in lead] == [2, 4, 5, 6, 8, 10, 14]
    nolead = json.loads(run_cli(data_dir, "rows", "--doc", "wafangdian", "--agency", "税务局", "--role", "lead",
                                "--json").stdout)
    assert nolead == []  # 瓦房店 names only 责任部门: no lead is guessed
    school = json.loads(run_cli(data_dir, "rows", "--jurisdiction", "锦州师专", "--json").stdout)
    assert len(school) == 27 and all(r["measures"] for r in school)


def test_adding_a_document_keeps_the_others(data_dir: Path, tmp_path: Path) -> None:
    extra = tmp_path / "ceshi.txt"
    extra.write_text("测试县工作任务清单\n\t序号\n\t任务内容\n\t牵头单位\n\n\t1\n\t开展职业技能培训。\n\t县人社局\n", "utf-8")
    result = run_cli(data_dir, "ingest", "--quiet", str(extra))
    assert result.returncode == 0, result.stderr
    assert "5 documents, 173 rows: 1 new" in result.stdout
    docs = run_cli(data_dir, "documents").stdout
    assert "ceshi\t测试县\t1 rows" in docs and "yingkou\t营口市\t45 rows" in docs


BAD_INPUTS = {
    "empty.txt": (b"", "file is empty"),
    "noheader.txt": ("营口市清单\n\t1\n\t内容\n".encode(), "no header row"),
    "misaligned.txt": ("测试市清单\n\t序号\n\t任务内容\n\t牵头单位\n\n\t1\n\t甲\n\t市教育局\n\t多余\n\n\t2\n\t乙\n\t市教育局\n"
                       .encode(), "expected 序号 2"),
    "skipped.txt": ("测试市清单\n\t序号\n\t任务内容\n\n\t1\n\t甲\n\n\t3\n\t乙\n".encode(), "skipped"),
    "binary.txt": (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 32, "binary file"),
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "an image, not a list"),
    "gbk.txt": ("测试市清单\n\t序号\n\t任务内容\n\n\t1\n\t职业教育\n".encode("gbk"), "not UTF-8"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gives_one_line_and_leaves_the_index(data_dir: Path, tmp_path: Path, name: str) -> None:
    content, reason = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_bytes(content)
    before = active_build(data_dir)
    result = run_cli(data_dir, "ingest", "--quiet", str(path))
    assert result.returncode != 0
    lines = stderr_lines(result.stderr)
    assert len(lines) == 1 and str(path) in lines[0] and reason in lines[0], result.stderr
    assert active_build(data_dir) == before


def test_missing_path_gives_one_line(data_dir: Path, tmp_path: Path) -> None:
    result = run_cli(data_dir, "ingest", str(tmp_path / "nope.txt"))
    assert result.returncode != 0
    assert stderr_lines(result.stderr) == [f"error: {tmp_path / 'nope.txt'}: no such file or folder"]


def test_killed_ingest_leaves_the_old_index_answering(data_dir: Path, tmp_path: Path) -> None:
    before = active_build(data_dir)
    changed = tmp_path / "wafangdian-new.txt"  # every row new: all of it must be embedded
    changed.write_text((LISTS / "wafangdian.txt").read_text("utf-8").replace("职业", "职业技术"), "utf-8")
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "ingest", str(changed)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    seen = ""
    while time.monotonic() < deadline and "embedding:" not in seen:
        seen += proc.stderr.read(1) if proc.stderr else ""
    assert "embedding:" in seen, seen
    time.sleep(1.0)  # midway through embedding
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert active_build(data_dir) == before
    assert not (data_dir / "uploads" / "wafangdian-new.txt").exists()  # kept only once ingested
    assert "wafangdian-new" not in run_cli(data_dir, "documents").stdout
    rows = json.loads(run_cli(data_dir, "rows", "--doc", "wafangdian", "--json").stdout)
    assert len(rows) == 57 and "职业技术" not in rows[0]["text"]
    answer = run_cli(data_dir, "ask", "营口市人社局要做哪些工作？")
    assert "27项" in answer.stdout


def test_corrupted_index_is_moved_aside_and_rebuilt(data_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "data"
    shutil.copytree(data_dir, broken)
    (broken / "index" / "chroma.sqlite3").write_bytes(b"not a database")
    result = run_cli(broken, "ask", "营口市清单共有多少项任务？", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "is damaged (chroma.sqlite3 is not an SQLite database)" in result.stderr
    assert re.search(r"the index was empty: restored \d+ lists, \d+ rows from the bundled lists", result.stderr)
    assert "45项" in result.stdout
    assert any(p.name.startswith("index.broken-") for p in broken.iterdir())


def test_missing_data_directory_is_created_and_filled(tmp_path: Path, indexed_settings: Settings) -> None:
    fresh = tmp_path / "new" / "data"
    result = run_cli(fresh, "ask", "环翠区清单有哪些任务？", timeout=300)
    assert result.returncode == 0 and "共16项任务" in result.stdout


def test_a_list_added_by_path_survives_a_damaged_index_after_its_file_is_gone(data_dir: Path,
                                                                              tmp_path: Path) -> None:
    """The attack's repro: `ingest PATH` of a list from elsewhere, the file deleted, the index damaged; the
    rebuild restores it from the copy kept under the data directory, and says so."""
    data = tmp_path / "data"
    shutil.copytree(data_dir, data)
    added = tmp_path / "elsewhere" / "营口 补充清单.txt"
    added.parent.mkdir()
    added.write_text((Settings().lists_dir / "huancui.txt").read_text("utf-8").replace(
        "加强实训设施建设", "加强实训设施建设（补充版）", 1), "utf-8")
    result = run_cli(data, "ingest", str(added))
    assert result.returncode == 0, result.stderr
    kept = sorted(p.name for p in (data / "uploads").iterdir() if p.is_file())
    assert "营口补充清单.txt" in kept
    lists = run_cli(data, "documents").stdout.strip().splitlines()
    added.unlink()
    (data / "index" / "chroma.sqlite3").write_bytes(b"")
    result = run_cli(data, "ask", "营口市清单共有多少项任务？")
    assert result.returncode == 0, result.stderr
    assert f"restored {len(lists)} lists" in result.stderr
    assert f"from the bundled lists in {Settings().lists_dir} and {len(kept)} added list file" in result.stderr
    assert "营口补充清单" in run_cli(data, "documents").stdout
    again = run_cli(data, "ingest", str(Settings().lists_dir / "yingkou.txt"))  # a bundled file: read in place
    assert again.returncode == 0 and "index unchanged" in again.stdout
    assert sorted(p.name for p in (data / "uploads").iterdir() if p.is_file()) == kept


def test_ingest_path_refuses_a_file_named_like_a_bundled_list(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "yingkou.txt"
    copy.write_text((Settings().lists_dir / "yingkou.txt").read_text("utf-8"), "utf-8")
    result = run_cli(data_dir, "ingest", str(copy))
    assert result.returncode == 2 and "'yingkou' is a bundled list" in result.stderr
