"""ASSISTANT_CHROMA_URL: the index lives in a Chroma server, so several processes can use it at once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings
from evals.local_chroma import LocalChroma


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    server = LocalChroma(tmp_path / "chroma").start()
    yield server.url
    server.stop()


def test_ingest_in_one_process_and_answer_from_another(chroma_url: str, tmp_path: Path,
                                                        indexed_settings: Settings) -> None:
    data = tmp_path / "data"
    (data / "cache").mkdir(parents=True)
    shutil.copy(indexed_settings.cache_dir / "embeddings.sqlite", data / "cache" / "embeddings.sqlite")
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data), "ASSISTANT_CHROMA_URL": chroma_url}

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "ui.cli", *args], env=env, capture_output=True,
                              text=True, timeout=300)

    ingest = cli("ingest", "--quiet")
    assert ingest.returncode == 0 and "172 rows" in ingest.stdout, ingest.stderr
    assert not (data / "index").exists()  # nothing embedded on disk: the rows live in the server
    answers = [subprocess.Popen([sys.executable, "-m", "ui.cli", "ask", "营口市人社局要做哪些工作？"], env=env,
                                stdout=subprocess.PIPE, text=True) for _ in range(2)]
    for process in answers:  # two processes read the same index at once
        out, _ = process.communicate(timeout=300)
        assert "27项" in out
