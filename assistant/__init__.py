"""Understand a question, retrieve the rows that answer it, and write a row-cited answer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.core import Assistant
    from assistant.models import Answer, Citation

__all__ = ["Answer", "Assistant", "Citation"]


def __getattr__(name: str) -> Any:
    # Lazy, so `ingest` can import assistant.settings without loading the whole answering stack.
    if name == "Assistant":
        from assistant.core import Assistant

        return Assistant
    if name in ("Answer", "Citation"):
        from assistant import models

        return getattr(models, name)
    raise AttributeError(name)
