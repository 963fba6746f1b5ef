"""The kill -9 drill (evals/kill_ingest.py), run briefly: every killed ingest leaves a whole index."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.settings import Settings
from evals.kill_ingest import run_drill


def test_killed_ingests_leave_the_last_complete_index(indexed_settings: Settings, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "cache").mkdir(parents=True)
    shutil.copy(indexed_settings.cache_dir / "embeddings.sqlite", data_dir / "cache" / "embeddings.sqlite")
    drill = run_drill(data_dir, times=2, seed=3, lists_dir=indexed_settings.lists_dir)
    assert drill.rounds == 2 and drill.problems == []
    assert drill.intact == 2
