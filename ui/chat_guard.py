"""Guards of the Gradio chat mounted at /ui: a session_hash belongs to the login that first used it, and the Gradio
routes the chat does not use are refused.

Gradio keeps a chat's state, its queue stream and its deep links per session_hash, which the page makes up and
sends in the clear; whoever else sends it would read that conversation, take its next answer or reset it.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from urllib.parse import parse_qs

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from ui.security import login_owner, replay_body

# Gradio routes the chat never calls. Deep links hand out a session's components (its conversation) as a link,
# and Gradio has no switch for them; the chat records no screen, and process_recording writes where Gradio's
# folder was when it was imported.
UNUSED = ("/gradio_api/deep_link", "/gradio_api/process_recording")
HASH_IN_PATH = ("/gradio_api/heartbeat/", "/gradio_api/stream/")  # GET …/<session_hash>[/…]


class SessionOwners:
    """Each session_hash's owner, the login fingerprint that first used it; the `max_sessions` most recently
    used are kept. Thread-safe."""

    def __init__(self, max_sessions: int = 100_000) -> None:
        self.max_sessions = max_sessions
        self._owners: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def allows(self, session_hash: str, owner: str | None) -> bool:
        """Whether `owner` may use `session_hash`; the first login to use it becomes its owner."""
        with self._lock:
            first = self._owners.get(session_hash)
            if first is None:
                if owner is not None:
                    self._owners[session_hash] = owner
                    while len(self._owners) > self.max_sessions:
                        self._owners.popitem(last=False)
                return True
            self._owners.move_to_end(session_hash)
            return first == owner


class ChatGuard:
    """ASGI middleware over the chat at `prefix`: 404 for UNUSED routes and any `deep_link` parameter; with
    `bind_sessions` (the chat has a login), 403 for a session_hash owned by another login, wherever it is sent:
    query string, path, or JSON body. Inside BodySizeLimit, which bounds the body it reads."""

    def __init__(self, app: ASGIApp, prefix: str = "/ui", bind_sessions: bool = True,
                 max_sessions: int = 100_000) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/")
        self.owners = SessionOwners(max_sessions) if bind_sessions else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == self.prefix or path.startswith(self.prefix + "/")):
            await self.app(scope, receive, send)
            return
        route = path[len(self.prefix):].rstrip("/")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if route in UNUSED or any(query.get("deep_link", [])):
            await refuse(send, 404, "not served by this chat")
            return
        if self.owners is None:
            await self.app(scope, receive, send)
            return
        hashes = list(query.get("session_hash", []))
        if scope["method"] == "GET" and route.startswith(HASH_IN_PATH):
            hashes.append(route.split("/")[3])
        headers = dict(scope["headers"])
        if scope["method"] == "POST" and headers.get(b"content-type", b"").startswith(b"application/json"):
            body = await read_body(receive)
            hashes.append(body_session_hash(body))
            receive = replay_body(body, receive)
        owner = login_owner(cookie_parser(headers.get(b"cookie", b"").decode("latin-1")))
        if not all(self.owners.allows(h, owner) for h in hashes if h):
            await refuse(send, 403, "this chat session belongs to another login")
            return
        await self.app(scope, receive, send)


async def read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def body_session_hash(body: bytes) -> str:
    """The `session_hash` of a JSON body (queue/join, cancel, …), "" when it has none."""
    try:
        found = json.loads(body)
    except ValueError:
        return ""
    value = found.get("session_hash") if isinstance(found, dict) else None
    return value if isinstance(value, str) else ""


async def refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail, "errors": []}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
