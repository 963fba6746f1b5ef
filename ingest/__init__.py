"""Turn task-list files into typed rows, and rows into a persistent Chroma index."""

from ingest.errors import IngestError
from ingest.rows import Document, Measures, Row

__all__ = ["Document", "IngestError", "Measures", "Row"]
