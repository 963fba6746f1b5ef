"""Loopback load on `policy-assistant serve`: concurrent clients, mixed questions, optional re-ingests.

    python -m evals.load --clients 16 --seconds 60 [--reingest-every 10] [--url http://127.0.0.1:8000]

With --long-clients N, N more clients send 2,000-character questions (emoji and CJK) back to back, and one
probe client asks a short fact question throughout: its p95 is the starvation figure (how long a short question
waits while long ones run). Every answer to the probe's list question must cite exactly the 27 rows of 营口市人社局.

Without --url it starts `policy-assistant serve` on a free loopback port over a new data directory and
its own copy of the lists. With --reingest-every it rewrites yingkou's list (alternating two versions)
and POSTs /admin/reingest, and checks that no answer cites rows of both versions. It stops by itself:
at --seconds, or at --max-requests.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
import httpx

from assistant.settings import Settings
from evals.local_server import ServerNotReady, free_port, wait_for_health
from evals.runner import DEFAULT_SET

MARK = "职业院校（新版）"
PROBE = "营口市人社局要做哪些工作？"  # a list question whose answer is exactly 27 rows, read off the list by hand
PROBE_ROWS = 27
LONG = ("请逐项说明各地人社局、教育局、财政局在职业教育任务中的分工😀，" * 80)[:2000]
MAX_SECONDS = 600


@dataclass
class LoadReport:
    clients: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    failed: int = 0
    server_errors: int = 0
    mixed: int = 0
    reingests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    long_clients: int = 0
    probe_ms: list[float] = field(default_factory=list)
    long_ms: list[float] = field(default_factory=list)
    probe_wrong: int = 0
    problems: list[str] = field(default_factory=list)  # what each failed request got, for the first few

    def fail(self, what: str) -> None:
        self.failed += 1
        if len(self.problems) < 10:
            self.problems.append(what)

    def summary(self) -> str:
        served = len(self.latencies_ms)
        lat = sorted(self.latencies_ms) or [0.0]
        p95 = lat[int(0.95 * (len(lat) - 1))]
        return (f"{self.clients} clients, {self.seconds:.0f} s: {served} answered, {self.failed} failed "
                f"({self.server_errors} 5xx), {self.mixed} answers mixing index versions, {self.reingests} "
                f"re-ingests; latency p50 {statistics.median(lat):.1f} ms, p95 {p95:.1f} ms; "
                f"{served / max(self.seconds, 1e-9):.1f} answers/s" + self._starvation()
                + "".join(f"\nfailed: {p}" for p in self.problems))

    def _starvation(self) -> str:
        if not self.probe_ms:
            return ""
        return (f"\nprobe ({PROBE}) with {self.long_clients} clients sending 2,000-character questions: "
                f"{len(self.probe_ms)} answers, p50 {_p(self.probe_ms, 0.5):.1f} ms, p95 {_p(self.probe_ms, 0.95):.1f}"
                f" ms, {self.probe_wrong} not exactly {PROBE_ROWS} rows; long questions p50 "
                f"{_p(self.long_ms, 0.5):.1f} ms, p95 {_p(self.long_ms, 0.95):.1f} ms ({len(self.long_ms)} answered)")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[int(q * (len(ordered) - 1))]


def _questions() -> list[str]:
    items = [json.loads(line) for line in DEFAULT_SET.read_text("utf-8").splitlines() if line.strip()]
    return [i["question"] for i in items if "question" in i] + [t["question"] for i in items for t in i.get("turns", [])]


async def _post(http: httpx.AsyncClient, body: dict, report: LoadReport, latencies: list[float]) -> dict | None:
    """One /ask: its answer, counted (status, latency), or None when it failed."""
    started = time.perf_counter()
    try:
        response = await http.post("/ask", json=body)
    except httpx.HTTPError as err:
        report.fail(f"/ask raised {type(err).__name__} after {time.perf_counter() - started:.1f} s: {err}")
        return None
    report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
    if response.status_code != 200:
        report.fail(f"/ask answered {response.status_code}: {response.text[:200]}")
        report.server_errors += response.status_code >= 500
        return None
    latencies.append((time.perf_counter() - started) * 1000)
    answer: dict = response.json()
    return answer


async def _client(http: httpx.AsyncClient, questions: list[str], offset: int, deadline: float, report: LoadReport,
                  budget: list[int]) -> None:
    i = offset
    session = None
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        question = questions[i % len(questions)]
        i += 7
        body = await _post(http, {"question": question, "session_id": session}, report, report.latencies_ms)
        if body is None:
            continue
        session = body["session_id"] if i % 3 else None  # some follow-ups, some fresh conversations
        versions = {MARK in c["text"] for c in body["citations"] if c["doc"] == "yingkou" and "职业院校" in c["text"]}
        report.mixed += len(versions) > 1


async def _asker(http: httpx.AsyncClient, question: str, deadline: float, report: LoadReport,
                 latencies: list[float], rows: int | None = None) -> None:
    """One client asking the same question back to back: the probe (short) or a long-question client."""
    while time.monotonic() < deadline:
        body = await _post(http, {"question": question}, report, latencies)
        if body is not None and rows is not None and len(body["citations"]) != rows:
            report.probe_wrong += 1


async def _reingester(http: httpx.AsyncClient, lists_dir: Path | None, every: float, deadline: float,
                      report: LoadReport) -> None:
    if lists_dir is None:
        return
    path = lists_dir / "yingkou.txt"
    original = path.read_text("utf-8")
    while time.monotonic() + every < deadline:
        await asyncio.sleep(every)
        path.write_text(original if report.reingests % 2 else original.replace("职业院校", MARK), "utf-8")
        response = await http.post("/admin/reingest", timeout=300)
        if response.status_code != 200:
            report.fail(f"/admin/reingest answered {response.status_code}: {response.text[:200]}")
        report.reingests += 1
    path.write_text(original, "utf-8")


async def run_load(url: str, clients: int, seconds: float, reingest_every: float | None,
                   lists_dir: Path | None, max_requests: int = 1_000_000, long_clients: int = 0) -> LoadReport:
    report = LoadReport(clients, 0.0, long_clients=long_clients)
    questions = _questions()
    started = time.monotonic()
    deadline = started + min(seconds, MAX_SECONDS)
    budget = [max_requests]
    limits = httpx.Limits(max_connections=clients + long_clients + 3)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        tasks = [_client(http, questions, n * 13, deadline, report, budget) for n in range(clients)]
        if reingest_every:
            tasks.append(_reingester(http, lists_dir, reingest_every, deadline, report))
        if long_clients:
            tasks.append(_asker(http, PROBE, deadline, report, report.probe_ms, PROBE_ROWS))
            tasks += [_asker(http, LONG, deadline, report, report.long_ms) for _ in range(long_clients)]
        await asyncio.gather(*tasks)
    report.seconds = time.monotonic() - started
    return report


def start_server(work: Path) -> tuple[str, subprocess.Popen, Path]:
    """`policy-assistant serve` over a new data directory and a copy of the bundled lists."""
    lists_dir = work / "lists"
    shutil.copytree(Settings().lists_dir, lists_dir)
    port = free_port()
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(work / "data"), "ASSISTANT_LISTS_DIR": str(lists_dir),
           "ASSISTANT_LOG_QUESTIONS": "0"}
    log = open(work / "serve.log", "wb")  # noqa: SIM115 - the server writes to it until it stops
    process = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--port", str(port)], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, 300, alive=lambda: process.poll() is None, ready=lambda r: bool(r.json().get("rows")))
    except ServerNotReady as err:
        process.kill()
        raise click.ClickException(f"{err}; see {work / 'serve.log'}") from None
    return url, process, lists_dir


@click.command()
@click.option("--url", help="A running server (default: start one).")
@click.option("--clients", default=16, show_default=True)
@click.option("--seconds", default=60.0, show_default=True, help=f"At most {MAX_SECONDS}.")
@click.option("--reingest-every", type=float, help="Seconds between re-ingests (needs the server started here).")
@click.option("--max-requests", default=1_000_000, show_default=True)
@click.option("--long-clients", default=0, show_default=True,
              help="Clients sending 2,000-character questions, beside a probe asking a short one.")
def main(url: str | None, clients: int, seconds: float, reingest_every: float | None, max_requests: int,
         long_clients: int) -> None:
    """Send mixed questions from concurrent clients and report errors, latency and throughput."""
    work = Path(tempfile.mkdtemp(prefix="load-"))
    process = None
    lists_dir = None
    if url is None:
        url, process, lists_dir = start_server(work)
    try:
        report = asyncio.run(run_load(url, clients, seconds, reingest_every, lists_dir, max_requests, long_clients))
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=30)
    click.echo(report.summary())
    click.echo(f"status codes: {dict(sorted(report.statuses.items()))}")
    if report.failed or report.mixed or report.probe_wrong:
        sys.exit(1)


if __name__ == "__main__":
    main()
