"""A Chroma server on loopback (`chroma run` over a folder, on a free port) for the tests and the scale-out drill."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from evals.local_server import ServerNotReady, free_port


class LocalChroma:
    """One `chroma run` process listening on 127.0.0.1 only, its data in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> LocalChroma:
        """Start the server and wait for its heartbeat; ServerNotReady if it exits or stays silent."""
        chroma = Path(sys.executable).with_name("chroma")
        self.process = subprocess.Popen([str(chroma), "run", "--path", str(self.folder), "--host", "127.0.0.1",
                                         "--port", str(self.port)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise ServerNotReady(f"chroma run on port {self.port} did not answer its heartbeat within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
