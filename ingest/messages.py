"""The message catalogue (registry/messages.toml): what uploads, previews and notices say, in Chinese and English."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

CATALOGUE = Path(__file__).parent / "registry" / "messages.toml"
Lang = Literal["zh", "en"]


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Code -> {"zh": …, "en": …}, read once from the data file."""
    return tomllib.loads(CATALOGUE.read_text("utf-8"))


def say(code: str, lang: Lang = "zh", /, **values: object) -> str:
    """The catalogue's text for `code` in `lang`, filled with `values`."""
    return catalogue()[code][lang].format_map(values)


class Message(BaseModel):
    """One thing said to a person: its machine code, and its text in both languages."""

    code: str = Field(description="stable machine code, a key of the message catalogue")
    zh: str
    en: str

    @classmethod
    def of(cls, code: str, /, **values: object) -> Message:
        return cls(code=code, zh=say(code, "zh", **values), en=say(code, "en", **values))

    def __str__(self) -> str:
        return self.en
