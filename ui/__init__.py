"""The chat page (Gradio), mounted by the HTTP app at /ui."""

import os

# Before Gradio is imported: no telemetry or version check leaves the machine.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
