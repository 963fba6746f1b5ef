"""The chat page (Gradio), mounted by the HTTP app at /ui."""

import os
from pathlib import Path

# Before Gradio is imported: no telemetry or version check leaves the machine.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


def use_gradio_folder(data_dir: Path) -> Path:
    """Gradio's folder (uploads, files it serves) under the data directory, not the /tmp/gradio that every Gradio
    app on the host shares. Parts of Gradio read it when first imported: call this before importing gradio."""
    folder = (data_dir / "gradio").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(folder)
    return folder
