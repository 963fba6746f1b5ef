"""Session fixtures: the bundled lists ingested once into a throwaway data directory, and an Assistant on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.settings import Settings
from ingest.indexer import open_indexer


@pytest.fixture(scope="session")
def indexed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose data directory holds the four bundled lists (ingested with real embeddings)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("indexed") / "data")
    report = open_indexer(settings).ingest([settings.lists_dir], progress=False)
    assert report.rows == 172
    return settings


@pytest.fixture(scope="session")
def assistant(indexed_settings: Settings) -> Assistant:
    return Assistant.from_settings(indexed_settings)


@pytest.fixture(scope="session")
def lists_dir(indexed_settings: Settings) -> Path:
    return indexed_settings.lists_dir
