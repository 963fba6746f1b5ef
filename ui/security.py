"""Guards of the HTTP edge: API key, per-client rate limit, body-size limit, and logs without questions."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Mapping

from fastapi import HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.models import Answer
from state import Counter, StateStore

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60.0
NO_NAME = "请填写用户名：任意名字即可（例如您的姓名），它不是密码，只用来分开计算各人的登录失败次数。"
TOO_MANY = "登录失败次数过多，请 {seconds} 秒后再试。"
LOGIN_HELP = ("用户名：任意名字即可（例如您的姓名），不校验，只用来分开计算各人的登录失败次数；"
              "密码：管理员给您的访问密钥（API key）。")


def fingerprint(secret: str) -> str:
    """Who asks, for binding sessions: a hash of their API key or chat login token, never the secret itself."""
    return hashlib.sha256(secret.encode()).hexdigest()[:32]


def matching_key(given: str | None, keys: list[str]) -> str | None:
    """The key of `keys` that `given` is (compared in constant time), if any."""
    found = None
    for key in keys:
        if given is not None and hmac.compare_digest(given.encode(), key.encode()):
            found = key
    return found


def api_key_guard(keys: list[str]) -> Callable[..., None]:
    """A dependency that wants header `X-API-Key: <one of keys>`; lets everything through when there is none."""
    if not keys:
        return lambda: None
    scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="ASSISTANT_API_KEY (or one of "
                                                                           "ASSISTANT_API_KEYS).")

    def check(key: str | None = Security(scheme)) -> None:
        if matching_key(key, keys) is None:
            raise HTTPException(401, "missing or wrong X-API-Key header",
                                headers={"WWW-Authenticate": "APIKey"})

    return check


def bearer_key_guard(keys: list[str]) -> Callable[..., None]:
    """api_key_guard for clients that send the key as OpenAI's do, `Authorization: Bearer <key>` (X-API-Key works
    too); lets everything through when there is no key."""
    if not keys:
        return lambda: None
    bearer = HTTPBearer(auto_error=False, description="ASSISTANT_API_KEY (or one of ASSISTANT_API_KEYS).")
    header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The same key, as for /ask.")

    def check(credentials: HTTPAuthorizationCredentials | None = Security(bearer),
              key: str | None = Security(header)) -> None:
        if presented_key(credentials.credentials if credentials else None, key, keys) is None:
            raise HTTPException(401, "missing or wrong API key: send the header Authorization: Bearer <key>",
                                headers={"WWW-Authenticate": "Bearer"})

    return check


def presented_key(bearer: str | None, header: str | None, keys: list[str]) -> str | None:
    """The key of `keys` that a request presents, as a bearer token or as X-API-Key."""
    return matching_key(bearer, keys) or matching_key(header, keys)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header value."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def key_owner(request: Request, keys: list[str]) -> str | None:
    """The session owner of an API request: its key's fingerprint (None when the server has no key)."""
    key = matching_key(request.headers.get("X-API-Key"), keys)
    return fingerprint(key) if key else None


def login_owner(cookies: Mapping[str, str]) -> str | None:
    """The session owner of a chat callback: the fingerprint of its Gradio login cookie (`access-token…`),
    None when the chat has no login. A borrowed session_hash comes with the borrower's own cookie."""
    tokens = sorted(v for k, v in cookies.items() if k.startswith("access-token"))
    return fingerprint("|".join(tokens)) if tokens else None


class RateLimiter:
    """At most `per_minute` requests per client in any sliding minute; 0 means no limit. The request times are
    kept in the state store: every server over it counts a client's requests together."""

    def __init__(self, state: StateStore, per_minute: int, clock: Callable[[], float] = time.time) -> None:
        self.state = state
        self.per_minute = per_minute
        self.clock = clock  # wall-clock seconds: every server reads the same times

    def retry_after(self, client: str) -> float | None:
        """Count one request: None when it is allowed, else the seconds until this client may retry."""
        if self.per_minute <= 0:
            return None
        def count(counters: dict[str, Counter]) -> float | None:
            now = self.clock()  # read under the lock: a request that waited for it is not counted as earlier
            times = [t for t in counters[key].times if now - t < WINDOW_SECONDS]
            counters[key].times = times
            if len(times) >= self.per_minute:
                return WINDOW_SECONDS - (now - times[0])
            times.append(now)
            return None

        key = f"rate:{client}"
        return self.state.change_counters([key], count, self.clock(), forget_after=WINDOW_SECONDS)


def rate_limit_guard(limiter: RateLimiter) -> Callable[[Request], None]:
    """A dependency answering 429 (with Retry-After) once a client is over its requests per minute."""

    def check(request: Request) -> None:
        wait = limiter.retry_after(request.client.host if request.client else "unknown")
        if wait is not None:
            seconds = max(1, math.ceil(wait))
            raise HTTPException(429, f"over {limiter.per_minute} requests a minute; retry in {seconds} s",
                                headers={"Retry-After": str(seconds)})

    return check


class BodySizeLimit:
    """ASGI middleware: a body over `max_bytes` gets 413, by its Content-Length or, if chunked, as read.

    `streamed` routes, (method, path) -> (their own limit, what a refusal says), read their body as a stream and
    count it themselves (an upload goes to disk, not to memory): here only their Content-Length is checked.
    """

    def __init__(self, app: ASGIApp, max_bytes: int,
                 streamed: Mapping[tuple[str, str], tuple[int, str]] | None = None,
                 limits: Mapping[tuple[str, str], int] | None = None,
                 refusal_body: Callable[[str, str], dict] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.streamed = dict(streamed or {})
        self.limits = dict(limits or {})  # routes with a limit of their own, enforced as max_bytes is
        self.refusal_body = refusal_body or (lambda _path, detail: {"detail": detail, "errors": []})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = (scope["method"], scope["path"])
        own = self.streamed.get(route)
        limit = self.limits.get(route, self.max_bytes)
        limit, refusal = own or (limit, f"request body over {limit} bytes")
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > limit:
                await self._refuse(send, refusal, scope["path"])
                return
            await self.app(scope, receive, send)  # the server holds a body to its Content-Length
            return
        if own is not None:
            await self.app(scope, receive, send)
            return
        body = await self._read_up_to_limit(receive, limit)
        if body is None:
            await self._refuse(send, refusal, scope["path"])
            return
        await self.app(scope, replay_body(body, receive), send)

    async def _read_up_to_limit(self, receive: Receive, limit: int) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                return None
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _refuse(self, send: Send, detail: str, path: str) -> None:
        body = json.dumps(self.refusal_body(path, detail)).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                   (b"connection", b"close")]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class LoginGuard:
    """ASGI middleware over the chat's login (POST `path`), counting failures twice: per user name and address
    (after `free` failures the pair waits, twice as long after each further failure: 1 s, 2 s, 4 s … up to
    `max_wait`) and per address over all its names (the same back-off after `address_free`). Until its wait is
    over an attempt is answered 429. A success clears both counts. Every failure is logged with the client's
    address, never the name or the key tried.

    So one client guessing at one name does not lock out the other names at its address (behind a proxy that
    names no client, every user has the proxy's address), and taking a new name for each guess runs into the
    address's cap. An attempt is counted before it is checked, under one lock: guesses sent at once are counted one
    after another, and those past the allowance are refused before any reaches the check.
    It holds whether or not the API's rate limit is on: guessing the key is not ordinary traffic.
    """

    def __init__(self, app: ASGIApp, state: StateStore, path: str = "/ui/login", free: int = 3,
                 address_free: int = 10, max_wait: float = 900.0, clock: Callable[[], float] = time.time) -> None:
        self.app = app
        self.state = state  # the counts: (count, blocked until) per name and address, shared by every server
        self.path = path
        self.free = free
        self.address_free = address_free
        self.max_wait = max_wait
        self.clock = clock  # wall-clock seconds: every server reads the same times
        self._lock = threading.Lock()  # this process's guesses queue here rather than on the store's write lock

    def attempt(self, name: str, address: str) -> float:
        """Count one login attempt as failed until it succeeds: 0 when it may be checked, else the seconds until
        it may be tried again (a refused attempt is not counted)."""
        frees = {_pair_key(name, address): self.free, _address_key(address): self.address_free}

        def count(counters: dict[str, Counter]) -> float:
            now = self.clock()  # read under the lock: a guess that waited for it is not counted as earlier
            wait = max(counters[key].until - now for key in frees)
            if wait > 0:
                return wait
            for key, free in frees.items():
                counters[key].count += 1
                counters[key].until = now + self._backoff(counters[key].count, free)
            return 0.0

        with self._lock:
            return self.state.change_counters(list(frees), count, self.clock())

    def _backoff(self, count: int, free: int) -> float:
        return 0.0 if count <= free else min(2.0 ** (count - free - 1), self.max_wait)

    def succeeded(self, name: str, address: str) -> None:
        """The attempt was the right key: the name's and the address's counts start again."""
        self.state.forget_counters([_pair_key(name, address), _address_key(address)])

    def failures(self, name: str, address: str) -> int:
        key = _pair_key(name, address)
        return self.state.change_counters([key], lambda counters: counters[key].count, self.clock())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"].rstrip("/") != self.path:
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("unknown", 0))[0]
        body = await _read_body(receive)  # BodySizeLimit, outside this middleware, bounds it
        name = await _login_name(scope, body)
        if not name:  # no key is checked without a name, so nothing is guessed: said, and not counted
            await _refuse_login(send, 422, NO_NAME)
            return
        wait = self.attempt(name, address)
        if wait > 0:
            await _too_many(send, wait)
            return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, replay_body(body, receive), watch)
        if status == 200:
            self.succeeded(name, address)
        else:
            log.warning("failed chat login from %s (%d in a row for that name)", address,
                        self.failures(name, address))


def _pair_key(name: str, address: str) -> str:
    return f"login:{address}:{fingerprint(name)}"


def _address_key(address: str) -> str:
    return f"login:{address}"


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _login_name(scope: Scope, body: bytes) -> str:
    """The user name a login form carries, read as Gradio reads it (stripped); '' when it carries none."""

    async def whole_body() -> Message:
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        async with Request(scope, whole_body).form() as form:
            name = form.get("username")
    except (StarletteHTTPException, MultiPartException):  # Gradio answers it 400 (and it counts as a failure)
        return ""
    return name.strip() if isinstance(name, str) else ""


async def _too_many(send: Send, wait: float) -> None:
    seconds = math.ceil(wait)
    await _refuse_login(send, 429, TOO_MANY.format(seconds=seconds), [(b"retry-after", str(seconds).encode())])


async def _refuse_login(send: Send, status: int, detail: str,
                        extra: list[tuple[bytes, bytes]] | None = None) -> None:
    """A refusal the login page shows as it is (its script puts `detail` under the form)."""
    body = json.dumps({"detail": detail, "errors": []}, ensure_ascii=False).encode()
    headers = [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", str(len(body)).encode()),
               *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RedactTokens(logging.Filter):
    """Access-log lines without session tokens: `session_hash=…` and `session_id=…` in a path are blanked."""

    PATTERN = re.compile(r"((?:session_hash|session_id|__theme_token)=)[^&\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.PATTERN.sub(r"\1…", a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = self.PATTERN.sub(r"\1…", record.msg)
        return True


def redact_access_log() -> None:
    """Add the filter to uvicorn's access logger, once."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())


def replay_body(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the already-read body, then defers to the server (for disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def log_answer(logger: logging.Logger, via: str, question: str, answer: Answer, started: float,
               log_questions: bool) -> None:
    """One log line per answer; the question's text only when settings.log_questions is on."""
    text = f" question={question!r}" if log_questions else ""
    logger.info("%s answered session=%s citations=%d abstained=%s intent=%s in %.0f ms%s", via,
                answer.session_id[:8], len(answer.citations), answer.abstained, answer.intent,
                (time.perf_counter() - started) * 1000, text)
