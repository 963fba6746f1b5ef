"""A real PostgreSQL on loopback for the tests and the scale-out drill: Debian's initdb and pg_ctl into a temporary
folder, on a free loopback port.

PostgreSQL refuses to run as root: as root the server runs as `nobody`, in a folder chowned to it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from glob import glob
from pathlib import Path

from evals.local_server import free_port


def server_binaries() -> Path | None:
    """The folder of Debian's PostgreSQL server binaries (initdb, pg_ctl), the newest version; None if missing."""
    found = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


class LocalPostgres:
    """One PostgreSQL cluster, trust authentication, listening on 127.0.0.1 only (no Unix socket outside its
    folder)."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="state-pg-"))
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("nobody")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self._as = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run([*self._as, str(self.binaries / tool), *args], capture_output=True, text=True,
                                timeout=120, cwd=self.folder)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")

    def start(self) -> LocalPostgres:
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        options = f"-h 127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "server.log"), "-w", "start")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def fresh_database(server_url: str) -> str:
    """A new, empty database on the server at `server_url`; its URL."""
    import psycopg

    name = f"t{time.time_ns()}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server_url.rsplit("/", 1)[0] + f"/{name}"
