"""/ask latency over real HTTP: sequential requests cycling through the eval set's questions and follow-ups.

    python -m evals.http_latency --url http://127.0.0.1:8000 --n 200
    python -m evals.http_latency --url http://127.0.0.1:8000 --n 200 --chat

`--chat` times what POST /v1/chat/completions adds over POST /ask for the same question: each question goes to
both routes, one after the other (the order alternating), and the report gives each route's p50 and the median of
the paired differences. Follow-ups are timed apart: there a chat completion asks the earlier question again.
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


def measure_chat(client: httpx.Client, conversations: list[list[str]], n: int
                 ) -> tuple[dict[str, list[float]], dict[str, list[float]], int]:
    """Milliseconds of /ask and of /v1/chat/completions for the same turns, first turns and follow-ups apart
    (the two requests of a turn in alternating order); and how many answered with a status other than 200."""
    ask: dict[str, list[float]] = {"first": [], "follow-up": []}
    chat: dict[str, list[float]] = {"first": [], "follow-up": []}
    failures, session_id = 0, None
    earlier: list[str] = []
    for index, (new, question) in enumerate(itertools.islice(turns(conversations), n)):
        kind = "first" if new else "follow-up"
        earlier = [] if new else earlier
        requests = [("/ask", {"question": question, "session_id": None if new else session_id}),
                    ("/v1/chat/completions", {"model": "policy-assistant", "messages": [
                        {"role": "user", "content": q} for q in [*earlier, question]]})]
        for path, body in requests if index % 2 else requests[::-1]:
            started = time.perf_counter()
            response = client.post(path, json=body)
            (ask if path == "/ask" else chat)[kind].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                failures += 1
            elif path == "/ask":
                session_id = response.json()["session_id"]
        earlier.append(question)
    return ask, chat, failures


def chat_report(ask: dict[str, list[float]], chat: dict[str, list[float]]) -> list[str]:
    lines = []
    for kind, what in (("first", "the same question"), ("follow-up", "follow-ups (the chat asks the earlier "
                                                                       "question again; /ask continues a session)")):
        if not ask[kind]:
            continue
        paired = statistics.median(c - a for a, c in zip(ask[kind], chat[kind], strict=True))
        lines.append(f"{what}, {len(ask[kind])} pairs: /ask p50 {statistics.median(ask[kind]):.1f} ms, "
                     f"/v1/chat/completions p50 {statistics.median(chat[kind]):.1f} ms; the chat adds "
                     f"{statistics.median(chat[kind]) - statistics.median(ask[kind]):.1f} ms at p50 "
                     f"(median of the paired differences {paired:.1f} ms)")
    return lines


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


@click.command()
@click.option("--url", default="http://127.0.0.1:8000", show_default=True, help="The server's base URL.")
@click.option("--n", "count", default=200, show_default=True, type=click.IntRange(min=1), help="Requests.")
@click.option("--set", "set_path", type=click.Path(exists=True, path_type=Path),
              help="A questions.jsonl file (default: the eval set).")
@click.option("--api-key", envvar="ASSISTANT_API_KEY", help="X-API-Key, when the server wants one.")
@click.option("--chat", is_flag=True, help="Time POST /v1/chat/completions against POST /ask, turn by turn.")
def main(url: str, count: int, set_path: Path | None, api_key: str | None, chat: bool) -> None:
    """Time COUNT sequential POST /ask requests (one warm-up request first, not counted)."""
    headers = {"X-API-Key": api_key} if api_key else {}
    conversations = load_conversations(set_path or DEFAULT_SET)
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        client.post("/ask", json={"question": conversations[0][0]}).raise_for_status()
        if chat:
            client.post("/v1/chat/completions", json={"model": "policy-assistant", "messages": [
                {"role": "user", "content": conversations[0][0]}]}).raise_for_status()
            asked, chatted, failures = measure_chat(client, conversations, count)
            click.echo("\n".join(chat_report(asked, chatted)) + f"; {failures} not 200")
            sys.exit(1 if failures else 0)
        latencies, failures = measure(client, conversations, count)
    click.echo(f"POST /ask over HTTP, {count} sequential requests to {url}: "
               f"p50 {statistics.median(latencies):.1f} ms, p95 {p95(latencies):.1f} ms, "
               f"mean {statistics.fmean(latencies):.1f} ms, max {max(latencies):.1f} ms; {failures} not 200")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
