"""Answer templates, read from prompts/ (one TOML per language, one file per LLM prompt)."""

from __future__ import annotations

import tomllib
from pathlib import Path


class Templates:
    """Named templates filled by name with str.format_map: no template text lives in code."""

    def __init__(self, prompts_dir: Path) -> None:
        self.dir = prompts_dir
        self._answers = {lang: tomllib.loads((prompts_dir / f"answer_{lang}.toml").read_text("utf-8"))
                         for lang in ("zh", "en")}

    def render(self, lang: str, key: str, /, **values: object) -> str:
        return self._answers[lang][key].format_map(values)

    def text(self, name: str) -> str:
        """A whole prompt file, e.g. llm_system.txt."""
        return (self.dir / name).read_text("utf-8")
