"""/ask latency over real HTTP: sequential requests cycling through the eval set's questions and follow-ups.

    python -m evals.http_latency --url http://127.0.0.1:8000 --n 200
"""

from __future__ import annotations

import itertools
import json
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click
import httpx

DEFAULT_SET = Path(__file__).resolve().parent / "questions.jsonl"


def load_conversations(path: Path) -> list[list[str]]:
    """Each eval item as one conversation: a single question, or a question and its follow-up."""
    items = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [[t["question"] for t in item["turns"]] if "turns" in item else [item["question"]]
            for item in items]


def turns(conversations: list[list[str]]) -> Iterator[tuple[bool, str]]:
    """(starts a new conversation, question), cycling through the set forever."""
    for conversation in itertools.cycle(conversations):
        for index, question in enumerate(conversation):
            yield index == 0, question


def measure(client: httpx.Client, conversations: list[list[str]], n: int) -> tuple[list[float], int]:
    """Milliseconds per /ask round trip, and how many answered with a status other than 200."""
    latencies: list[float] = []
    failures = 0
    session_id: str | None = None
    for new, question in itertools.islice(turns(conversations), n):
        body = {"question": question, "session_id": None if new else session_id}
        started = time.perf_counter()
        response = client.post("/ask", json=body)
        latencies.append((time.perf_counter() - started) * 1000)
        if response.status_code == 200:
            session_id = response.json()["session_id"]
        else:
            failures += 1
    return latencies, failures


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


@click.command()
@click.option("--url", default="http://127.0.0.1:8000", show_default=True, help="The server's base URL.")
@click.option("--n", "count", default=200, show_default=True, type=click.IntRange(min=1), help="Requests.")
@click.option("--set", "set_path", type=click.Path(exists=True, path_type=Path),
              help="A questions.jsonl file (default: the eval set).")
@click.option("--api-key", envvar="ASSISTANT_API_KEY", help="X-API-Key, when the server wants one.")
def main(url: str, count: int, set_path: Path | None, api_key: str | None) -> None:
    """Time COUNT sequential POST /ask requests (one warm-up request first, not counted)."""
    headers = {"X-API-Key": api_key} if api_key else {}
    conversations = load_conversations(set_path or DEFAULT_SET)
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        client.post("/ask", json={"question": conversations[0][0]}).raise_for_status()
        latencies, failures = measure(client, conversations, count)
    click.echo(f"POST /ask over HTTP, {count} sequential requests to {url}: "
               f"p50 {statistics.median(latencies):.1f} ms, p95 {p95(latencies):.1f} ms, "
               f"mean {statistics.fmean(latencies):.1f} ms, max {max(latencies):.1f} ms; {failures} not 200")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
