"""`policy-assistant serve`: the HTTP app under uvicorn, the first indexing's progress in the log, and a last
start-up line that says where the chat and the API are."""

from __future__ import annotations

import errno
import logging
import socket
import sys
from typing import Any

import click
import uvicorn

from assistant.settings import Settings
from ui import use_gradio_folder

STARTUP_FAILURE = 3  # uvicorn's exit code when it could not start
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


def run_server(settings: Settings, host: str, port: int) -> None:
    """One uvicorn process with one worker: it alone owns the embedded index (the Chroma rule). An empty index
    is ingested first, with its progress logged."""
    configure_logging()
    if (problem := port_problem(host, port)) is not None:  # say so now, not after loading the index and model
        click.echo(problem, err=True)
        sys.exit(STARTUP_FAILURE)
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
