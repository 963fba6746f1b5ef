"""Passage embeddings cached by content hash, so unchanged rows are never embedded twice."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


class EmbeddingCache:
    """A sqlite table of float32 vectors keyed by sha256(model, passage text).

    It is a cache: a file that is not a readable database is moved aside with a warning and started anew (the
    vectors are embedded again), never an ingest that fails.
    """

    def __init__(self, path: Path, model_name: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.model_name = model_name
        try:
            self._db = self._open(path)
        except sqlite3.DatabaseError as err:  # "file is not a database", "database disk image is malformed"
            aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d%H%M%S')}")
            log.warning("embedding cache %s is damaged (%s); moved it to %s and starting an empty one",
                        path, err, aside.name)
            path.replace(aside)
            for suffix in ("-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            self._db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
            db.execute("SELECT count(*) FROM vectors LIMIT 1").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_name}\0{text}".encode()).hexdigest()

    def get_many(self, texts: list[str]) -> dict[str, list[float]]:
        """Cached vectors for the texts that have one, by text."""
        return {text: vector.tolist() for text, vector in self.get_arrays(texts).items()}

    def get_arrays(self, texts: list[str]) -> dict[str, np.ndarray]:
        """The same as float32 arrays: 1.5 KB a vector where a list of floats takes 12 KB."""
        keys = {self.key(t): t for t in texts}
        found: dict[str, np.ndarray] = {}
        key_list = list(keys)
        for start in range(0, len(key_list), 500):
            chunk = key_list[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for key, blob in self._db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({marks})", chunk):
                found[keys[key]] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, items: dict[str, list[float]]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                [(self.key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in items.items()],
            )

    def close(self) -> None:
        self._db.close()
