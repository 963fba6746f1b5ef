"""The cue words of assistant/understand/cues.toml and the English glossary, read once."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


class Cues:
    """Cue lists by dotted name ("role.lead", "intent.fact"); matched on folded, lower-cased text."""

    def __init__(self, data: dict, glossary: dict[str, str]) -> None:
        self.data = data
        self.glossary = {k.lower(): v for k, v in glossary.items()}
        self._count = re.compile(data["count"]["pattern"])
        self._patterns: dict[str, re.Pattern[str]] = {}

    @classmethod
    def load(cls, folder: Path = HERE) -> Cues:
        data = tomllib.loads((folder / "cues.toml").read_text("utf-8"))
        carry = tomllib.loads((folder / "lexicon.toml").read_text("utf-8"))["carry"]  # one list of carry-out words
        data["lineage"]["carry"] = carry["words"] + carry["english"]
        glossary = tomllib.loads((folder / "glossary.toml").read_text("utf-8"))["terms"]
        return cls(data, glossary)

    def section(self, name: str) -> dict[str, list[str]]:
        return self.data[name]

    def words(self, name: str) -> list[str]:
        section, key = name.split(".")
        return self.data.get(section, {}).get(key, [])

    def has(self, name: str, text: str) -> bool:
        return self.find(name, text) >= 0

    def find(self, name: str, text: str) -> int:
        """Where the first cue of a list stands in `text` (-1: none). English cues match whole words only."""
        match = self.match(name, text)
        return match.start() if match else -1

    def match(self, name: str, text: str) -> re.Match[str] | None:
        """The first cue of a list in `text`, the longest where several start there."""
        if name not in self._patterns:
            alternatives = [rf"(?<![a-z]){re.escape(c.strip())}(?![a-z])" if c.isascii() else re.escape(c)
                            for c in sorted(self.words(name), key=len, reverse=True) if c.strip()]
            self._patterns[name] = re.compile("|".join(alternatives) or r"(?!x)x")
        return self._patterns[name].search(text)

    def is_count(self, text: str) -> bool:
        return bool(self._count.search(text)) or self.has("count.words", text)

    def structure_words(self) -> list[str]:
        """Every cue word, lineage cues included: the words that carry a question's structure."""
        return [w for section in self.data.values() if isinstance(section, dict)
                for words in section.values() if isinstance(words, list) for w in words]

    def all_words(self) -> list[str]:
        """Every cue word that is never a topic word (lineage cues are read only for lineage questions)."""
        return [w for name, section in self.data.items() if isinstance(section, dict) and name != "lineage"
                for words in section.values() if isinstance(words, list) for w in words]
