"""`policy-assistant serve`: the HTTP app under uvicorn (one process, or N worker processes over a Chroma server),
the first indexing's progress in the log, and a last start-up line that says where the chat and the API are."""

from __future__ import annotations

import errno
import logging
import multiprocessing
import socket
import sys
from typing import Any

import click
import uvicorn
from uvicorn.supervisors import Multiprocess

from assistant.settings import Settings
from ui import use_gradio_folder

STARTUP_FAILURE = 3  # uvicorn's exit code when it could not start
WORKER_STARTUP_SECONDS = 600.0  # each worker loads the rows, the lexical index and the model before it listens
log = logging.getLogger(__name__)


def ready_line(host: str, port: int) -> str:
    return f"ready: chat at http://{host}:{port}/ui, API at http://{host}:{port}/docs"


class ReadyServer(uvicorn.Server):
    """A uvicorn.Server that prints the ready line once it is listening (uvicorn's own line names no page)."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            click.echo(ready_line(self.config.host, self.config.port))


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (in use, not allowed, no such address), None when it can.
    Bound the way uvicorn binds (SO_REUSEADDR), then let go."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            return (f"端口 {port} 已被占用（{host}:{port}），可能是另一个 policy-assistant serve。"
                    f"请先停止占用它的程序，或换一个端口：policy-assistant serve --port {port + 1}")
        return f"无法在 {host}:{port} 上监听：{err.strerror or err}。请换一个地址或端口（--host、--port）。"
    return None


def server_config(app: Any, settings: Settings, **options: Any) -> uvicorn.Config:
    """uvicorn's config for the app. X-Forwarded-For (and -Proto) count only from settings.trusted_proxies: uvicorn
    alone believes them from 127.0.0.1, so behind a same-host proxy that passes the header on, every client could
    name its own address and escape its rate limit and its login back-off."""
    trusted = settings.trusted_proxies
    return uvicorn.Config(app, proxy_headers=bool(trusted), forwarded_allow_ips=list(trusted), **options)


def configure_logging() -> None:
    """INFO from our packages (the first indexing's progress among them), WARNING from the libraries."""
    handler = logging.StreamHandler()
    handler.setLevel(logging.INFO)  # some libraries turn their own loggers up to DEBUG
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(name)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    for name in ("assistant", "ingest", "ui"):
        logging.getLogger(name).setLevel(logging.INFO)


def workers_problem(settings: Settings, workers: int) -> str | None:
    """Why `serve --workers N` cannot run as configured (None when it can): the embedded Chroma index under the
    data directory is not safe to open from several processes, so N > 1 needs a Chroma server."""
    if workers > 1 and not settings.chroma_url:
        return (f"--workers {workers} 需要一个 Chroma 服务器：数据目录里的内嵌向量库只能由一个进程打开。"
                "请先启动一个（例如 chroma run --path <目录> --host 127.0.0.1 --port 8001），再设置 "
                "ASSISTANT_CHROMA_URL=http://127.0.0.1:8001 后重试；或者用 --workers 1。")
    return None


def run_server(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """Serve on host:port: one uvicorn process, or `workers` worker processes over one listening socket. An empty
    index is ingested first, once, with its progress logged."""
    configure_logging()
    # Say so now, not after loading the index and model
    if (problem := workers_problem(settings, workers)) is not None:
        click.echo(problem, err=True)
        sys.exit(2)
    if (problem := port_problem(host, port)) is not None:
        click.echo(problem, err=True)
        sys.exit(STARTUP_FAILURE)
    if workers == 1:
        run_one(settings, host, port)
    else:
        run_workers(settings, host, port, workers)


def run_one(settings: Settings, host: str, port: int) -> None:
    """One uvicorn process with one worker: it may own the embedded index (the Chroma rule)."""
    use_gradio_folder(settings.data_dir)  # before Gradio is imported: parts of it read the folder only then
    from ui.http import create_app, open_assistant  # Gradio and FastAPI: only this command needs them

    assistant = open_assistant(settings)
    log.info("data directory: %s; state store: %s", settings.data_dir, assistant.state.where)
    # Loads the model now: `ask` leaves it to the first dense search, but a server's first question should not wait.
    log.info("embedding model: %s", assistant.embedder.model_name)
    app = create_app(assistant, settings)
    server = ReadyServer(server_config(app, settings, host=host, port=port, workers=1, log_level="info",
                                       timeout_graceful_shutdown=5))
    server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)


class ReadyWorkers(Multiprocess):
    """uvicorn's supervisor of N worker processes (it starts a worker again when one dies), printing the ready
    line once each of the first N workers listens."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket], line: str) -> None:
        super().__init__(config, sockets)
        self.line = line

    def init_processes(self) -> None:
        super().init_processes()
        if all(p.wait_until_ready(WORKER_STARTUP_SECONDS, self.should_exit) for p in self.processes):
            click.echo(self.line)

    def failed_to_start(self) -> bool:
        return any(p.exitcode == STARTUP_FAILURE for p in self.processes)


def run_workers(settings: Settings, host: str, port: int, workers: int) -> None:
    """`workers` processes, each with its own Assistant over the shared state store and Chroma server, taking
    connections from one socket, under this process, which only supervises them. Before they start, a process of
    its own sweeps killed uploads' leftovers and ingests an empty index (a worker started again later must not:
    others may be uploading)."""
    preparing = multiprocessing.get_context("spawn").Process(target=prepare_store, args=(settings, workers))
    preparing.start()
    preparing.join()
    if preparing.exitcode != 0:
        sys.exit(STARTUP_FAILURE)
    config = server_config("ui.cli_serve:worker_app", settings, factory=True, host=host, port=port,
                           workers=workers, log_level="info", timeout_graceful_shutdown=5)
    supervisor = ReadyWorkers(config, [config.bind_socket()], f"{ready_line(host, port)} ({workers} workers)")
    supervisor.run()
    if supervisor.failed_to_start():
        sys.exit(STARTUP_FAILURE)


def prepare_store(settings: Settings, workers: int) -> None:
    """What `serve --workers N` does once before its workers start, in a process of its own (its model and rows
    are freed when it ends): sweep what killed uploads left, and ingest an empty index, logging its progress."""
    configure_logging()
    from assistant.core import Assistant
    from ingest.index_files import StorageError
    from state import StateUnavailable
    from ui.startup import ingest_if_empty, sweep_staged

    try:
        sweep_staged(settings)
        assistant = Assistant.from_settings(settings)
        log.info("data directory: %s; state store: %s; %d workers", settings.data_dir, assistant.state.where,
                 workers)
        ingest_if_empty(assistant)
    except (StorageError, StateUnavailable) as err:  # as the command says them (ui.cli.main)
        click.echo(f"error: {err}", err=True)
        sys.exit(STARTUP_FAILURE)


def worker_app() -> Any:
    """The app of one worker of `serve --workers N`; uvicorn calls it in each worker process, whose settings come
    from the same environment as the parent's."""
    settings = Settings()
    configure_logging()
    use_gradio_folder(settings.data_dir)
    from ui.http import create_app, open_assistant

    try:
        return create_app(open_assistant(settings, first=False), settings)
    except Exception:  # a store down, a damaged index: starting again would fail the same way
        log.exception("a worker could not start")
        sys.exit(STARTUP_FAILURE)
