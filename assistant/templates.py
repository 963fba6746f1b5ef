"""Answer templates, read from prompts/ (one TOML per language, one file per LLM prompt)."""

from __future__ import annotations

import tomllib
from pathlib import Path

DOUBLED = "清单清单"


class Templates:
    """Named templates filled by name with str.format_map: no template text lives in code."""

    def __init__(self, prompts_dir: Path) -> None:
        self.dir = prompts_dir
        self._answers = {lang: tomllib.loads((prompts_dir / f"answer_{lang}.toml").read_text("utf-8"))
                         for lang in ("zh", "en")}

    def render(self, lang: str, key: str, /, **values: object) -> str:
        # A list of a shared place may be named by its key or title (营口市产教融合清单): before a template's own
        # 清单 (「{place}清单中」) the word is said once, not 「…任务清单清单中」.
        return self._answers[lang][key].format_map(values).replace(DOUBLED, "清单")

    def text(self, name: str) -> str:
        """A whole prompt file, e.g. llm_system.txt."""
        return (self.dir / name).read_text("utf-8")
