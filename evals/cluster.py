"""Several app servers over one store, on loopback: `policy-assistant serve` processes that share a PostgreSQL state
store and a Chroma server, each with a data directory of its own (as on machines of their own), and a client that
asks them in turn and sends a failed request once more, to the next server."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant.models import Answer
from assistant.settings import PROJECT_ROOT
from evals.local_server import free_port, wait_for_health

STARTUP_SECONDS = 180.0  # a first `serve` over an empty store embeds the bundled lists
FOLLOW_UP = "那瓦房店呢？"  # read in the first turn's context: that agency's rows in 瓦房店's list
CONVERSATIONS = [[f"{place}{agency}要做哪些工作？", FOLLOW_UP] for place in ("营口市", "环翠区")
                 for agency in ("人社局", "教育局", "财政局", "发改委")]


@dataclass(frozen=True)
class Store:
    """What every app server shares: the state store's URL and the Chroma server's."""

    database_url: str
    chroma_url: str


class AppServer:
    """One `policy-assistant serve` process on a loopback port of its own, its data directory in `folder`; started
    again on the same port after a kill."""

    def __init__(self, name: str, folder: Path, store: Store, lists_dir: Path | None = None,
                 embedding_cache: Path | None = None) -> None:
        self.name = name
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "serve.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.env = {**os.environ, "ASSISTANT_DATA_DIR": str(folder / "data"),
                    "ASSISTANT_DATABASE_URL": store.database_url, "ASSISTANT_CHROMA_URL": store.chroma_url,
                    "ASSISTANT_LOG_QUESTIONS": "0", "PYTHONPATH": str(PROJECT_ROOT)}
        if lists_dir is not None:
            self.env["ASSISTANT_LISTS_DIR"] = str(lists_dir)
        if embedding_cache is not None:  # vectors computed before: a first ingest embeds nothing again
            shutil.copytree(embedding_cache, folder / "data" / "cache", dirs_exist_ok=True)

    def start(self, timeout: float = STARTUP_SECONDS) -> AppServer:
        """Start the process and wait until /health reports rows; ServerNotReady (naming the log) otherwise."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--host", "127.0.0.1",
                                             "--port", str(self.port)], env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
        process = self.process
        try:
            wait_for_health(self.url, timeout, alive=lambda: process.poll() is None,
                            ready=lambda r: r.status_code == 200 and bool(r.json().get("rows")))
        except Exception as err:
            self.kill()
            raise type(err)(f"{self.name}: {err}; see {self.log}") from None
        return self

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would end it: nothing of it runs afterwards."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_text(self) -> str:
        return self.log.read_text("utf-8", errors="replace") if self.log.exists() else ""


@dataclass
class Reply:
    """One question as the client saw it: the answer (None when lost), whether it was sent a second time, the last
    status (None: no response at all), what went wrong, and the seconds it took, retry included."""

    question: str
    answer: Answer | None
    retried: bool
    status: int | None
    problem: str
    seconds: float


class RoundRobin:
    """Sends each request to the next server in turn; one that gets no response or a 5xx is sent once more, to the
    server after it (what a load balancer with one retry does)."""

    def __init__(self, urls: list[str], http: httpx.AsyncClient) -> None:
        self.urls = urls
        self.http = http
        self._next = itertools.count()

    async def ask(self, question: str, session_id: str | None = None) -> Reply:
        first = next(self._next)
        started = time.perf_counter()
        status, problem = None, ""
        for attempt in range(2):
            url = self.urls[(first + attempt) % len(self.urls)]
            try:
                response = await self.http.post(f"{url}/ask", json={"question": question, "session_id": session_id})
            except httpx.TransportError as err:
                status, problem = None, f"{url}: {type(err).__name__}"
                continue
            status = response.status_code
            if status < 500:
                answer = Answer.model_validate(response.json()) if status == 200 else None
                return Reply(question, answer, attempt > 0, status, "" if answer else response.text[:200],
                             time.perf_counter() - started)
            problem = f"{url}: {status} {response.text[:200]}"
        return Reply(question, None, True, status, problem, time.perf_counter() - started)


async def converse(client: RoundRobin, questions: list[str],
                   on_reply: Callable[[Reply], None] = lambda _: None) -> list[Reply]:
    """One conversation: each question after the first is sent with the session id the answers carry;
    `on_reply` hears of each reply as it comes."""
    replies: list[Reply] = []
    session: str | None = None
    for question in questions:
        reply = await client.ask(question, session)
        replies.append(reply)
        on_reply(reply)
        if reply.answer is not None:
            session = reply.answer.session_id
    return replies


def continues(first: Answer, follow_up: Answer) -> bool:
    """Whether a follow-up of CONVERSATIONS was read in its first turn's conversation: same session, the agency
    kept, 瓦房店's rows only."""
    return (follow_up.session_id == first.session_id and follow_up.plan is not None
            and follow_up.plan.followup != "new" and follow_up.filters.agencies == first.filters.agencies != []
            and {c.doc for c in follow_up.citations} == {"wafangdian"})


def upload_list(url: str, path: Path, timeout: float = 300.0) -> httpx.Response:
    """POST /documents with the file, as an official's upload."""
    with open(path, "rb") as handle:
        return httpx.post(f"{url}/documents", files={"file": (path.name, handle)}, timeout=timeout)


def documents(url: str) -> dict[str, int]:
    """The lists a server answers from, and their row counts."""
    return {d["doc"]: d["rows"] for d in httpx.get(f"{url}/documents", timeout=30).json()}
