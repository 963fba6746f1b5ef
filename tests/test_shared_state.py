"""State that outlives a process, as users meet it: a conversation survives a restart and continues on another
server, counters are shared, and a server answers from a build the CLI activated within 2 s."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.core import Assistant
from assistant.settings import Settings
from evals.local_postgres import fresh_database
from state import open_state
from tests.conftest import ThreadServer
from tests.test_hardening import private_assistant
from ui.http import create_app

CLI = str(Path(sys.executable).with_name("policy-assistant"))
FIRST, FOLLOW_UP = "营口市人社局要做哪些工作？", "那瓦房店呢？"


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_LISTS_DIR": str(settings.lists_dir),
           **({"ASSISTANT_DATABASE_URL": settings.database_url} if settings.database_url else {})}
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300, env=env)


def continues(first: dict, follow_up: dict) -> bool:
    """Whether the follow-up was read in the first question's conversation: same session, the agency kept."""
    return (follow_up["session_id"] == first["session_id"] and follow_up["plan"]["followup"] != "new"
            and follow_up["filters"]["agencies"] == first["filters"]["agencies"]
            and {c["doc"] for c in follow_up["citations"]} == {"wafangdian"})


def test_a_conversation_survives_a_restart(indexed_settings: Settings) -> None:
    first = cli(indexed_settings, "ask", "--json", FIRST)
    assert first.returncode == 0, first.stderr
    asked = json.loads(first.stdout)
    later = cli(indexed_settings, "ask", "--json", "--session", asked["session_id"], FOLLOW_UP)  # another process
    assert later.returncode == 0, later.stderr
    assert continues(asked, json.loads(later.stdout))


def test_a_follow_up_on_a_second_server_continues_the_conversation(indexed_settings: Settings) -> None:
    servers = [ThreadServer(create_app(Assistant.from_settings(indexed_settings), indexed_settings),
                            indexed_settings) for _ in range(2)]
    one, two = (server.start() for server in servers)
    try:
        first = httpx.post(f"{one}/ask", json={"question": FIRST}, timeout=60).json()
        later = httpx.post(f"{two}/ask", json={"question": FOLLOW_UP, "session_id": first["session_id"]},
                           timeout=60).json()
        assert continues(first, later)
    finally:
        for server in servers:
            server.stop()


def test_two_servers_count_a_clients_requests_together(assistant: Assistant, indexed_settings: Settings,
                                                       tmp_path: Path) -> None:
    settings = indexed_settings.model_copy(update={"rate_limit_per_minute": 3})
    servers = [ThreadServer(create_app(assistant, settings, open_state(None, tmp_path)), settings)
               for _ in range(2)]  # two state stores over one database, as two servers would open it
    one, two = (server.start() for server in servers)
    try:
        statuses = [httpx.get(f"{url}/documents", timeout=30).status_code for url in (one, two, one, two)]
        assert statuses == [200, 200, 200, 429]
    finally:
        for server in servers:
            server.stop()


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_a_server_answers_from_a_build_the_cli_activated_within_2_s(
        indexed_settings: Settings, tmp_path: Path, store: str, request: pytest.FixtureRequest) -> None:
    assistant = private_assistant(indexed_settings, tmp_path)
    settings = assistant.settings
    if store == "postgresql":  # the pointer in PostgreSQL: the server hears the CLI's NOTIFY
        settings = settings.model_copy(update={"database_url": fresh_database(request.getfixturevalue(
            "postgres_url"))})
        assistant = Assistant.from_settings(settings)
        assistant.ingest_if_empty()  # a new pointer: the lists are ingested again (their vectors are cached)
    server = ThreadServer(create_app(assistant, settings), settings)
    url = server.start()
    added = tmp_path / "elsewhere" / "营口 补充清单.txt"
    added.parent.mkdir()
    added.write_text((settings.lists_dir / "huancui.txt").read_text("utf-8").replace(
        "加强实训设施建设", "加强实训设施建设（补充版）", 1), "utf-8")
    try:
        before = {d["doc"] for d in httpx.get(f"{url}/documents", timeout=30).json()}
        result = cli(settings, "ingest", "--quiet", str(added))
        assert result.returncode == 0 and "index switched" in result.stdout, result.stderr
        switched = time.monotonic()
        while time.monotonic() - switched < 10:
            docs = {d["doc"] for d in httpx.get(f"{url}/documents", timeout=30).json()}
            if docs != before:
                break
            time.sleep(0.05)
        waited = time.monotonic() - switched
        assert docs == before | {"营口补充清单"}
        assert waited < 2.0, f"the server switched {waited:.2f} s after the CLI's ingest ended"
        rows = httpx.get(f"{url}/rows", params={"doc": "营口补充清单"}, timeout=30).json()
        assert len(rows) == 16 and any("（补充版）" in row["text"] for row in rows)
    finally:
        server.stop()


def test_a_list_uploaded_on_one_server_is_rebuilt_by_another_whose_data_directory_never_saw_it(
        indexed_settings: Settings, tmp_path: Path, postgres_url: str) -> None:
    database = fresh_database(postgres_url)
    first = private_assistant(indexed_settings, tmp_path / "one")
    first = Assistant.from_settings(first.settings.model_copy(update={"database_url": database}))
    first.ingest_if_empty()
    added = tmp_path / "huancui10.txt"
    added.write_text((first.settings.lists_dir / "huancui.txt").read_text("utf-8").replace(
        "加强实训设施建设", "加强实训设施建设（找回版）", 1), "utf-8")
    first.upload(added, added.name, uploaded_by="key-a")
    question = "环翠区加强实训设施建设（找回版）是哪个单位负责？"
    answered = [c.id for c in first.ask(question).citations]
    second = private_assistant(indexed_settings, tmp_path / "two")  # its own data directory, no upload in it
    second = Assistant.from_settings(second.settings.model_copy(update={"database_url": database}))
    second.reingest(force=True)  # its Chroma is its own: it rebuilds every list, the upload from the registry
    assert (second.settings.uploads_dir / "huancui10.txt").read_bytes() == added.read_bytes()
    assert [c.id for c in second.ask(question).citations] == answered and answered[0] == "huancui10#1"
