"""Answer templates, read from prompts/ (one TOML per language, one file per LLM prompt)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

DOUBLED = "清单清单"


class Templates:
    """Named templates filled by name with str.format_map: no template text lives in code."""

    def __init__(self, prompts_dir: Path) -> None:
        self.dir = prompts_dir
        self._answers = {lang: tomllib.loads((prompts_dir / f"answer_{lang}.toml").read_text("utf-8"))
                         for lang in ("zh", "en")}
        # English nouns after a count of one: "1 tasks" is said "1 task" (the [singular] table of answer_en.toml)
        self._singular = {lang: (table, re.compile(rf"(?<![\d.,])1 ({'|'.join(map(re.escape, table))})\b"))
                          for lang, answers in self._answers.items() if (table := answers.get("singular"))}

    def render(self, lang: str, key: str, /, **values: object) -> str:
        # A list of a shared place may be named by its key or title (营口市产教融合清单): before a template's own
        # 清单 (「{place}清单中」) the word is said once, not 「…任务清单清单中」.
        text = self._answers[lang][key].format_map(values).replace(DOUBLED, "清单")
        if lang in self._singular:
            table, ones = self._singular[lang]
            text = ones.sub(lambda m: f"1 {table[m.group(1)]}", text)
        return text

    def text(self, name: str) -> str:
        """A whole prompt file, e.g. llm_system.txt."""
        return (self.dir / name).read_text("utf-8")
