"""Two app servers over one store, the real thing on loopback: PostgreSQL (initdb into a temporary folder), a Chroma
server, two `policy-assistant serve` processes with data directories of their own, and a client that asks them in
turn and sends a failed request once more, to the other server. A server killed with SIGKILL loses no turn and no
conversation; a list uploaded on one is answered on the other within 2 s; an upload whose writer is killed is
either wholly there or wholly absent, on both."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.models import Answer
from assistant.settings import Settings
from evals.cluster import (
    CONVERSATIONS,
    AppServer,
    Reply,
    RoundRobin,
    Store,
    continues,
    converse,
    documents,
    upload_list,
)
from evals.kill_ingest import marked_text
from evals.local_chroma import LocalChroma
from evals.local_postgres import fresh_database
from ingest.parser import parse_file
from ingest.registries import Registry

pytestmark = pytest.mark.slow

SWITCH_SECONDS = 2.0  # every server answers from a new build within this of the pointer moving


@dataclass
class Cluster:
    a: AppServer
    b: AppServer

    @property
    def urls(self) -> list[str]:
        return [self.a.url, self.b.url]


@pytest.fixture(scope="module")
def cluster(postgres_url: str, indexed_settings: Settings, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[Cluster]:
    work = tmp_path_factory.mktemp("scaleout")
    chroma = LocalChroma(work / "chroma").start()
    store = Store(fresh_database(postgres_url), chroma.url)
    servers = [AppServer(name, work / name, store, embedding_cache=indexed_settings.cache_dir)
               for name in ("a", "b")]
    try:
        for server in servers:  # one after the other: the first ingests the bundled lists, the second finds them
            server.start()
        yield Cluster(*servers)
    finally:
        for server in servers:
            server.stop()
        chroma.stop()


async def conversations_while_killing(cluster: Cluster, victim: AppServer) -> list[list[Reply]]:
    """The 8 conversations at once, round robin; `victim` is killed with SIGKILL once half the turns are answered."""
    half, answered = asyncio.Event(), [0]

    def count(_: Reply) -> None:
        answered[0] += 1
        if answered[0] == len(CONVERSATIONS):
            half.set()

    async def kill() -> None:
        await half.wait()
        victim.kill()

    async with httpx.AsyncClient(timeout=60) as http:
        client = RoundRobin(cluster.urls, http)
        killer = asyncio.create_task(kill())
        replies = await asyncio.gather(*(converse(client, turns, count) for turns in CONVERSATIONS))
        await killer
    return list(replies)


def test_killing_a_server_mid_conversation_loses_no_turn_and_no_context(cluster: Cluster) -> None:
    try:
        conversations = asyncio.run(conversations_while_killing(cluster, cluster.b))
    finally:
        cluster.b.start()  # the next tests want both servers again
    lost = [(r.question, r.problem) for c in conversations for r in c if r.answer is None]
    assert lost == []
    assert any(r.retried for c in conversations for r in c)  # the kill was met, and retried on the other server
    for first, follow_up in conversations:
        assert first.answer is not None and follow_up.answer is not None
        assert continues(first.answer, follow_up.answer), (first.question, follow_up.answer.plan_line)


def test_a_list_uploaded_through_one_server_is_answered_by_the_other_within_2_s(cluster: Cluster,
                                                                                 tmp_path: Path) -> None:
    added = tmp_path / "huancui-b.txt"
    added.write_text((Settings().lists_dir / "huancui.txt").read_text("utf-8").replace(
        "加强实训设施建设", "加强实训设施建设（补充版）", 1), "utf-8")
    question = "环翠区加强实训设施建设（补充版）是哪个单位负责？"
    response = upload_list(cluster.a.url, added)
    assert response.status_code == 200, response.text
    uploaded = time.monotonic()
    while True:
        answer = Answer.model_validate(httpx.post(f"{cluster.b.url}/ask", json={"question": question},
                                                  timeout=30).json())
        if any(c.doc == "huancui-b" and "（补充版）" in c.text for c in answer.citations):
            break
        assert time.monotonic() - uploaded < SWITCH_SECONDS, f"server b still answers without the upload: " \
                                                              f"{[c.id for c in answer.citations]}"
        time.sleep(0.05)
    assert documents(cluster.b.url)["huancui-b"] == 16


def test_an_upload_whose_writer_is_killed_is_wholly_there_or_wholly_absent_on_both_servers(
        cluster: Cluster, tmp_path: Path) -> None:
    added = tmp_path / "wafangdian-cut.txt"  # every row new: the upload embeds them all, which takes a while
    added.write_text(marked_text((Settings().lists_dir / "wafangdian.txt").read_text("utf-8"), "【断电】"), "utf-8")
    rows = len(parse_file(added, Registry.load()).rows)
    writer = cluster.a  # embedding before the list goes live, so that the kill lands inside the write: in the
    writer.kill()       # default mode a list is live before its vectors (tests/test_vectors_later.py kills that)
    writer.env["ASSISTANT_VECTORS_IN_BACKGROUND"] = "false"
    writer.start()
    seen = len(writer.log_text())
    with ThreadPoolExecutor(1) as pool:
        upload = pool.submit(upload_list, writer.url, added)
        deadline = time.monotonic() + 60
        while "embedding" not in writer.log_text()[seen:] and not upload.done() and time.monotonic() < deadline:
            time.sleep(0.01)  # until the writer embeds the new rows (its log says so)
        ended_first = upload.done()
        writer.kill()
        assert not ended_first, f"the upload ended before the kill: {upload.result()}"
        with pytest.raises(httpx.TransportError):  # killed in the middle: the client never got an answer
            upload.result(timeout=60)
    writer.start()
    held = [documents(url) for url in cluster.urls]
    assert held[0] == held[1]
    there = "wafangdian-cut" in held[0]
    assert held[0].get("wafangdian-cut", rows) == rows
    for url in cluster.urls:  # a name not held is read as the closest one held (wafangdian): count its own rows
        listed = httpx.get(f"{url}/rows", params={"doc": "wafangdian-cut"}, timeout=30)
        own = [r for r in listed.json() if r["doc"] == "wafangdian-cut"] if listed.status_code == 200 else []
        assert len(own) == (rows if there else 0)
