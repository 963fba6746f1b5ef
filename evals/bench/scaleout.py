"""The scale-out drill: two app servers over PostgreSQL and a Chroma server, concurrent two-turn conversations, a
few uploads and one server killed; lost turns, 5xx after one retry, follow-ups out of context and latency.

    python -m evals.bench.scaleout [--clients 16] [--seconds 60] [--uploads 3] [--kill-at 35]

Everything runs on loopback and is started here: PostgreSQL (Debian's initdb and pg_ctl, into a temporary folder),
`chroma run`, and two `policy-assistant serve` processes, each with a data directory of its own. The client asks
the servers in turn and sends a request that got no response or a 5xx once more, to the other server. Server b
is killed with SIGKILL at --kill-at and started again at once; the uploads go alternately through a and b, each
timed until the other server (when it is up) answers from it. Exits non-zero on a lost turn, a 5xx after the
retry, or a follow-up answered out of its conversation.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click
import httpx

from assistant.models import Answer
from assistant.settings import Settings
from evals.cluster import CONVERSATIONS, AppServer, Reply, RoundRobin, Store, continues, converse, upload_list
from evals.local_chroma import LocalChroma
from evals.local_postgres import LocalPostgres, fresh_database, server_binaries
from evals.local_server import ServerNotReady

VISIBLE_WAIT = 30.0  # how long an upload is looked for on the other server


@dataclass
class UploadTimes:
    """One upload: the server that took it, its status (None: no response), whether it was sent a second time,
    its seconds (retry included), and the seconds until the other server answered from it."""

    key: str
    through: str
    status: int | None
    retried: bool
    seconds: float
    elsewhere: float | None  # None: the other server was down, or never answered from it within VISIBLE_WAIT

    def line(self) -> str:
        took = f"{self.status} from {self.through}" if self.status is not None else "no response"
        seen = f"{self.elsewhere:.2f} s later" if self.elsewhere is not None else "not measured (it was down)"
        return (f"upload {self.key}: {took}{' after one retry' if self.retried else ''} in {self.seconds:.2f} s; "
                f"answered on the other server {seen}")


@dataclass
class DrillReport:
    clients: int
    seconds: float = 0.0
    replies: list[Reply] = field(default_factory=list)
    out_of_context: int = 0
    follow_ups: int = 0
    uploads: list[UploadTimes] = field(default_factory=list)
    killed_at: float | None = None
    back_after: float | None = None

    def add(self, replies: list[Reply]) -> None:
        self.replies += replies
        first, follow_up = replies[0].answer, replies[-1].answer
        if first is not None and follow_up is not None:
            self.follow_ups += 1
            self.out_of_context += not continues(first, follow_up)

    @property
    def lost(self) -> int:
        return sum(r.answer is None for r in self.replies)

    @property
    def server_errors(self) -> int:
        """Turns still answered 5xx after their one retry."""
        return sum(r.answer is None and r.status is not None and r.status >= 500 for r in self.replies)

    def lines(self) -> list[str]:
        latencies = sorted(r.seconds * 1000 for r in self.replies if r.answer is not None) or [0.0]
        retried = sum(r.retried for r in self.replies)
        killed = "server b not killed" if self.killed_at is None else \
            f"server b killed at {self.killed_at:.0f} s, " + (f"answering again {self.back_after:.1f} s later"
                                                             if self.back_after is not None else "not back by the end")
        lines = [f"{self.clients} clients × {self.seconds:.0f} s over 2 servers (PostgreSQL, Chroma server); "
                 f"{killed}",
                 f"turns: {len(self.replies)} asked, {self.lost} lost, {self.server_errors} 5xx after one retry, "
                 f"{retried} retried on the other server; follow-ups out of context: {self.out_of_context} of "
                 f"{self.follow_ups}",
                 f"latency of answered turns (retry included): p50 {_quantile(latencies, 0.5):.0f} ms, "
                 f"p95 {_quantile(latencies, 0.95):.0f} ms, max {latencies[-1]:.0f} ms; "
                 f"{len(latencies) / max(self.seconds, 1e-9):.1f} answers/s"]
        lines += [u.line() for u in self.uploads]
        lines += [f"lost: {r.question}: {r.problem}" for r in self.replies if r.answer is None][:10]
        return lines

    @property
    def failed(self) -> bool:
        return bool(self.lost or self.server_errors or self.out_of_context
                    or any(u.status != 200 for u in self.uploads))


def _quantile(ordered: list[float], q: float) -> float:
    return ordered[int(q * (len(ordered) - 1))] if len(ordered) > 1 else statistics.fmean(ordered)


def _upload_file(folder: Path, n: int) -> tuple[Path, str]:
    """A copy of 环翠区's list with one task renamed, under a key of its own, and a question only it answers."""
    path = folder / f"bench-{n}.txt"
    path.write_text((Settings().lists_dir / "huancui.txt").read_text("utf-8").replace(
        "加强实训设施建设", f"加强实训设施建设（第{n}批）", 1), "utf-8")
    return path, f"环翠区加强实训设施建设（第{n}批）是哪个单位负责？"


def _answers_from(url: str, question: str, key: str) -> bool:
    try:
        response = httpx.post(f"{url}/ask", json={"question": question}, timeout=30)
    except httpx.TransportError:
        return False
    return response.status_code == 200 and any(c.doc == key for c in Answer.model_validate(response.json()).citations)


def _send(server: AppServer, path: Path) -> int | None:
    try:
        return upload_list(server.url, path).status_code
    except httpx.TransportError:
        return None


def upload_and_watch(servers: tuple[AppServer, AppServer], up: Callable[[AppServer], bool], folder: Path,
                     n: int) -> UploadTimes:
    """Upload the n-th list through the first server (sent once more, to the second, when it gets no response or
    a 5xx) and time it until the other server, if `up`, answers from it."""
    path, question = _upload_file(folder, n)
    started = time.monotonic()
    through, other = servers
    status = _send(through, path)
    retried = status is None or status >= 500
    if retried:
        through, other = other, through
        status = _send(through, path)
    done = time.monotonic()
    elsewhere = None
    while status == 200 and up(other) and time.monotonic() - done < VISIBLE_WAIT:
        if _answers_from(other.url, question, path.stem):
            elsewhere = time.monotonic() - done
            break
        time.sleep(0.05)
    return UploadTimes(path.stem, through.name, status, retried, done - started, elsewhere)


async def _client(client: RoundRobin, offset: int, deadline: float, report: DrillReport) -> None:
    i = offset
    while time.monotonic() < deadline:
        report.add(await converse(client, CONVERSATIONS[i % len(CONVERSATIONS)]))
        i += 1


async def _uploads(servers: list[AppServer], work: Path, uploads: int, seconds: float, started: float,
                   report: DrillReport) -> None:
    """The uploads, spread over the run, alternately through a and b (through a while b is down)."""
    a, b = servers

    def up(server: AppServer) -> bool:
        return server is a or report.killed_at is None or report.back_after is not None

    for n in range(1, uploads + 1):
        await asyncio.sleep(max(0.0, started + seconds * n / (uploads + 1) - time.monotonic()))
        order = (a, b) if n % 2 or not up(b) else (b, a)
        report.uploads.append(await asyncio.to_thread(upload_and_watch, order, up, work, n))


async def _kill(server: AppServer, kill_at: float, started: float, report: DrillReport) -> None:
    """Kill `server` with SIGKILL at `kill_at` and start it again at once, timing its return."""
    await asyncio.sleep(max(0.0, started + kill_at - time.monotonic()))
    server.kill()
    killed = time.monotonic()
    report.killed_at = killed - started
    threading.Thread(target=_restart, args=(server, report, killed), daemon=True).start()


def _restart(server: AppServer, report: DrillReport, killed: float) -> None:
    try:
        server.start()
    except ServerNotReady:  # stopped when the run ended, or it failed (its log says why): "not back by the end"
        return
    report.back_after = time.monotonic() - killed


async def run_drill(servers: list[AppServer], work: Path, clients: int, seconds: float, uploads: int,
                    kill_at: float) -> DrillReport:
    report = DrillReport(clients)
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=2 * clients + 4)) as http:
        client = RoundRobin([s.url for s in servers], http)
        await asyncio.gather(*(_client(client, n, started + seconds, report) for n in range(clients)),
                             _uploads(servers, work, uploads, seconds, started, report),
                             _kill(servers[1], kill_at, started, report))
    report.seconds = time.monotonic() - started
    return report


@click.command()
@click.option("--clients", default=16, show_default=True)
@click.option("--seconds", default=60.0, show_default=True)
@click.option("--uploads", default=3, show_default=True)
@click.option("--kill-at", default=35.0, show_default=True, help="Seconds into the run when server b is killed.")
@click.option("--keep-work", is_flag=True, help="Keep the servers' folders and logs (printed).")
def main(clients: int, seconds: float, uploads: int, kill_at: float, keep_work: bool) -> None:
    """Run the drill and print its figures."""
    binaries = server_binaries()
    if binaries is None:
        raise click.ClickException("PostgreSQL's server binaries (initdb, pg_ctl) are not installed: "
                                   "`make postgresql` installs Debian's package")
    work = Path(tempfile.mkdtemp(prefix="scaleout-"))
    postgres = LocalPostgres(binaries).start()
    chroma = LocalChroma(work / "chroma")
    servers: list[AppServer] = []
    try:
        store = Store(fresh_database(postgres.url), chroma.start().url)
        for name in ("a", "b"):  # one after the other: the first ingests the bundled lists
            servers.append(AppServer(name, work / name, store).start())
        click.echo(f"servers {', '.join(s.url for s in servers)} ready; running", err=True)
        report = asyncio.run(run_drill(servers, work, clients, seconds, uploads, kill_at))
    finally:
        for server in servers:
            server.stop()
        chroma.stop()
        postgres.stop()
        if keep_work:
            click.echo(f"work folder: {work}", err=True)
        else:
            shutil.rmtree(work, ignore_errors=True)
    for line in report.lines():
        click.echo(line)
    if report.failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
