"""The grammar's parses by sequence of terminals, kept in the cache directory from one process to the next.

A stretch's parse depends on its terminals alone, and questions use few sequences of them; building the Earley
parser takes 0.4 s, most of a `policy-assistant ask` that needs one. A process that meets only known sequences
never builds it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from pathlib import Path
from typing import Any

import lark
from lark import Token, Tree

log = logging.getLogger(__name__)
Shape = tuple[str, ...]
PARSER = "earley, predicting ahead, plain at a tie"  # how the parses were made: another way starts a file of its own


def _encode(tree: Tree) -> list[Any]:
    """A tree as JSON: [rule, children], a leaf as its terminal's name."""
    return [str(tree.data), [_encode(c) if isinstance(c, Tree) else c.type for c in tree.children]]


def _decode(data: list[Any]) -> Tree:
    rule, children = data
    return Tree(rule, [_decode(c) if isinstance(c, list) else Token(c, "") for c in children])


class ShapeFile:
    """Parses by shape in `<folder>/grammar-shapes-<key>.jsonl`, the key a hash of the grammar, lark's version and
    the way of parsing (another grammar starts a file of its own). Each parse is one line, appended: a new shape
    costs one short write, not a rewrite of every shape kept. A line that does not read (a write cut short) is skipped, and its
    shape parsed again."""

    def __init__(self, folder: Path, grammar: str) -> None:
        key = hashlib.sha256(f"{lark.__version__}\n{PARSER}\n{grammar}".encode()).hexdigest()[:16]
        self.path = folder / f"grammar-shapes-{key}.jsonl"
        self._known: dict[str, list[Any]] | None = None
        self._lock = threading.Lock()

    def get(self, shape: Shape) -> Tree | None:
        with self._lock:
            found = self._read().get(" ".join(shape))
        try:
            return _decode(found) if found is not None else None
        except (TypeError, ValueError):  # an entry of another shape: parsed again, and replaced
            return None

    def put(self, shape: Shape, tree: Tree) -> None:
        """Keep a parse (appended in one write: lines of two processes writing at once do not mix)."""
        key, encoded = " ".join(shape), _encode(tree)
        with self._lock:
            self._read()[key] = encoded
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                line = json.dumps([key, encoded], ensure_ascii=False) + "\n"
                with self.path.open("a", encoding="utf-8") as out:
                    out.write(line)
            except OSError as err:  # a cache: the parse is still remembered by this process
                log.warning("grammar shapes cannot be kept in %s (%s)", self.path, err)

    def _read(self) -> dict[str, list[Any]]:
        if self._known is None:
            self._known = self._load()
        return self._known

    def _load(self) -> dict[str, list[Any]]:
        known: dict[str, list[Any]] = {}
        try:
            lines = self.path.read_text("utf-8").splitlines()
        except FileNotFoundError:
            return known
        except (OSError, ValueError) as err:
            log.warning("grammar shapes in %s do not read (%s); starting again", self.path, err)
            return known
        for line in lines:
            try:
                key, encoded = json.loads(line)
            except (ValueError, TypeError):
                continue
            if isinstance(key, str) and isinstance(encoded, list):
                known[key] = encoded
        return known
