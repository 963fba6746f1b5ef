"""/ask over HTTP: the eval questions sent one after another to a `policy-assistant serve` subprocess."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from evals.bench.quality import WARMUP
from evals.bench.serving import BenchError, served


@dataclass
class HttpLatency:
    latencies_ms: list[float]
    ready_seconds: float


def _post(client: httpx.Client, question: str, session_id: str | None) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.post("/ask", json={"question": question, "session_id": session_id})
    ms = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise BenchError(f"/ask answered {response.status_code}: {response.text[:300]}")
    return ms, str(response.json()["session_id"])


def measure_http(data_dir: Path, items: list[dict], log_path: Path) -> HttpLatency:
    """Warm up, then each question once, sequentially; a follow-up's second turn reuses its session."""
    latencies: list[float] = []
    with served(data_dir, log_path) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        for question in WARMUP:
            _post(client, question, None)
        for item in items:
            session: str | None = None
            for turn in item.get("turns", [item]):
                ms, session = _post(client, turn["question"], session)
                latencies.append(ms)
        return HttpLatency(latencies, server.ready_seconds)
