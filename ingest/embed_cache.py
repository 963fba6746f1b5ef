"""Passage embeddings cached by content hash, so unchanged rows are never embedded twice."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np


class EmbeddingCache:
    """A sqlite table of float32 vectors keyed by sha256(model, passage text)."""

    def __init__(self, path: Path, model_name: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.model_name = model_name
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

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
