"""Loopback helpers shared by the bench, the load script and the tests: a free port, and waiting for /health."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import httpx


class ServerNotReady(RuntimeError):
    """The server exited, or /health did not answer in time."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_health(url: str, timeout: float, alive: Callable[[], bool] = lambda: True,
                    ready: Callable[[httpx.Response], bool] = lambda r: r.status_code == 200) -> float:
    """Poll GET /health until `ready`; the seconds it took. ServerNotReady if `alive()` turns false or time runs out."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not alive():
            raise ServerNotReady(f"the server at {url} exited before /health answered")
        try:
            if ready(httpx.get(f"{url}/health", timeout=2)):
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise ServerNotReady(f"{url}/health did not answer within {timeout:.0f} s")
