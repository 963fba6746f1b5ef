"""What a server does once before it answers, over its data directory and store: delete the work that killed or
failed uploads left behind, and ingest the lists when the index is empty."""

from __future__ import annotations

import logging
import time

from assistant.core import Assistant
from assistant.settings import Settings
from ingest.uploads import UploadFolder

log = logging.getLogger(__name__)


def sweep_staged(settings: Settings) -> None:
    """Delete what earlier processes left in the uploads' work folder (killed or failed uploads). Only a process
    that no other process of this data directory runs beside may do it: it would delete their uploads under them."""
    uploads = UploadFolder(settings.uploads_dir)
    if swept := uploads.sweep(before=time.time()):
        log.info("deleted %d staged upload%s left in %s by earlier processes", swept, "s" * (swept != 1),
                 uploads.incoming)


def ingest_if_empty(assistant: Assistant) -> None:
    """Ingest the bundled and uploaded lists when the index holds no rows, saying so in the log. With
    ASSISTANT_VECTORS_IN_BACKGROUND (the default) the rows are answerable once read: a server's background worker
    embeds the vectors the cache does not hold, so a cold start of a large index does not wait for the model."""
    report = assistant.ingest_if_empty(vectors_later=assistant.settings.vectors_in_background)
    if report is not None:
        log.info("%s", assistant.restored_line(report))
