"""Receive one uploaded file: the multipart body streamed to a file under the data directory, its bytes counted.

FastAPI's `UploadFile` would read the whole body (into the system's temp folder) before the route could
refuse it; this reads it as it arrives and stops at the limit.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from fastapi import HTTPException, Request
from fastapi.exceptions import RequestValidationError
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from ingest.errors import IngestError

if TYPE_CHECKING:  # a TypedDict the module defines for type checkers only
    from python_multipart.multipart import MultipartCallbacks

FIELD = "file"
PLACE_FIELD = "place"
PLACE_MAX_BYTES = 300  # 100 characters of Chinese: a place's name with the places above it is far shorter
FRAMING_BYTES = 64 * 1024  # room for the multipart framing around the file: boundaries, part headers, its name


@dataclass(frozen=True)
class Received:
    """An uploaded file as streamed to disk, the name its sender gave it, and the place sent beside it."""

    path: Path
    filename: str
    place: str | None


def too_large(max_bytes: int) -> HTTPException:
    return HTTPException(413, refusal(max_bytes))


def refusal(max_bytes: int) -> str:
    """What a 413 of an upload says, whether the body's Content-Length or its count gave it away."""
    return f"the file is over {max_bytes} bytes (ASSISTANT_UPLOAD_MAX_BYTES)"


def _invalid(message: str, kind: str = "value_error", field: str = FIELD) -> RequestValidationError:
    """A 422 in the app's shape, on the `file` field or another (as FastAPI's own form validation would say it)."""
    return RequestValidationError([{"type": kind, "loc": ("body", field), "msg": message, "input": None}])


class _FilePart:
    """python-multipart callbacks writing the `file` part to `handle`, counting its bytes, and keeping the short
    `place` field."""

    def __init__(self, handle: BinaryIO, max_bytes: int) -> None:
        self.handle = handle
        self.max_bytes = max_bytes
        self.size = 0
        self.filename: str | None = None
        self.place: bytes | None = None
        self._header = b""
        self._value = b""
        self._disposition = b""
        self._writing = False
        self._in_place = False

    def callbacks(self) -> MultipartCallbacks:
        return {"on_part_begin": self._begin, "on_header_field": self._header_field,
                "on_header_value": self._header_value, "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished, "on_part_data": self._data,
                "on_part_end": self._end}

    def _begin(self) -> None:
        self._disposition = b""

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        if self._header.lower() == b"content-disposition":
            self._disposition = self._value
        self._header = self._value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if options.get(b"name") == PLACE_FIELD.encode() and b"filename" not in options:
            self.place, self._in_place = b"", True
            return
        if options.get(b"name") != FIELD.encode() or b"filename" not in options:
            return  # another field: read past it
        if self.filename is not None:
            raise _invalid("must be one file: the body holds several")
        self.filename = options[b"filename"].decode("utf-8", errors="replace")
        self._writing = True

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._in_place and self.place is not None:
            self.place += data[start:end]
            if len(self.place) > PLACE_MAX_BYTES:
                raise _invalid(f"must be at most {PLACE_MAX_BYTES} bytes", field=PLACE_FIELD)
        if self._writing:
            self.size += end - start
            if self.size > self.max_bytes:
                raise too_large(self.max_bytes)
            self.handle.write(data[start:end])

    def _end(self) -> None:
        self._writing = self._in_place = False


async def receive_file(request: Request, folder: Path, max_bytes: int) -> Received:
    """Stream the `file` part of a multipart/form-data request into a new file in `folder`.

    Returns that file, the name the client gave it and the `place` field if one was sent; the caller deletes the
    file. 413 once the file passes `max_bytes`, 422 when the body is not multipart, holds no file, or a place
    that is not short UTF-8 text.
    """
    kind, params = parse_options_header(request.headers.get("content-type"))
    if kind != b"multipart/form-data" or b"boundary" not in params:
        raise _invalid("Field required", "missing")
    folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(suffix=".part", dir=folder)
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            part = _FilePart(out, max_bytes)
            parser = MultipartParser(params[b"boundary"], part.callbacks())
            received = 0
            async for chunk in request.stream():
                received += len(chunk)
                if received > max_bytes + FRAMING_BYTES:
                    raise too_large(max_bytes)
                parser.write(chunk)
            parser.finalize()
        if part.filename is None:
            raise _invalid("Field required", "missing")
        place = _text(part.place)
    except FormParserError:
        path.unlink(missing_ok=True)
        raise _invalid("must be sent in a well-formed multipart/form-data body") from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Received(path, part.filename, place)


def _text(value: bytes | None) -> str | None:
    """A short text field as text (None when absent or blank); 422 when it is not UTF-8."""
    try:
        text = value.decode("utf-8").strip() if value is not None else ""
    except UnicodeDecodeError:
        raise _invalid("must be UTF-8 text", field=PLACE_FIELD) from None
    return text or None


class ClientWatch:
    """Whether the client of an upload is still there: `watch` polls the connection while the ingest runs on the
    writer thread, and `check`, passed to the ingest as its progress callback, stops the work once the client left
    (a client that closed its connection will read no report: its embedding would hold the writer for nothing)."""

    POLL_SECONDS = 0.5

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.gone = threading.Event()

    async def watch(self, request: Request) -> None:
        """Runs until cancelled or until the client disconnects (the server says so only when the app asks)."""
        while not await request.is_disconnected():
            await asyncio.sleep(self.POLL_SECONDS)
        self.gone.set()

    def check(self, done: int, total: int) -> None:
        if self.gone.is_set():
            raise IngestError(self.filename, f"stopped after embedding {done} of {total} rows: the client went away")
