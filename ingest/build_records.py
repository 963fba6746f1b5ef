"""What the index store and the builds over it share: a build that is gone, and the sources a build records."""

from __future__ import annotations

from typing import Any

from ingest.rows import Source


class BuildGone(RuntimeError):
    """A build is no longer in the index (dropped under a reader that still answers from it)."""


def sources_of(info: dict[str, Any]) -> dict[str, Source]:
    """Each document's source file, as a build's metadata records it (`source:<doc>`; older builds have none)."""
    return {k.removeprefix("source:"): Source.model_validate_json(str(v))
            for k, v in info.items() if k.startswith("source:")}
