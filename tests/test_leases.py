"""Old builds are not deleted under a reader: a server leases the build it answers from in the state store, and an
ingest's prune keeps every build leased within the TTL. A server that stops releases its lease; a killed one's
expires."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.settings import Settings
from evals.local_postgres import fresh_database
from tests.asking import ids
from tests.conftest import ThreadServer
from tests.test_hardening import private_assistant
from ui.http import create_app

DENSE_QUESTION = "瓦房店培训目标是多少？"  # ranked by meaning: it reads the build's vectors


def builds(assistant: Assistant) -> set[str]:
    return set(assistant.builds.index.build_names())


def leased(assistant: Assistant) -> set[str]:
    return assistant.state.leased_builds(assistant.builds.prefix, time.time() - assistant.settings.build_lease_seconds)


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_a_build_two_servers_still_read_survives_prune_until_both_release_it(
        indexed_settings: Settings, tmp_path: Path, store: str, request: pytest.FixtureRequest,
        caplog: pytest.LogCaptureFixture) -> None:
    writer = private_assistant(indexed_settings, tmp_path)
    if store == "postgresql":  # the pointer and the leases in PostgreSQL
        writer = Assistant.from_settings(writer.settings.model_copy(update={"database_url": fresh_database(
            request.getfixturevalue("postgres_url"))}))
        writer.ingest_if_empty()  # a new pointer: the lists are ingested again (their vectors are cached)
    first = writer.engine.pointer.active
    readers = [Assistant.from_settings(writer.settings) for _ in range(2)]  # two servers, on the first build
    for reader in readers:
        reader.keep_lease()
    made = []
    for _ in range(3):
        writer.reingest(force=True)
        made.append(writer.engine.pointer.active)
    assert builds(writer) == {first, *made[1:]}  # the second, neither leased nor among the newest two, is gone
    assert all(ids(reader.ask(DENSE_QUESTION)) == ids(writer.ask(DENSE_QUESTION)) for reader in readers)
    assert "dense search failed" not in caplog.text  # the readers still ranked by the first build's vectors
    readers[0].release_lease()  # one server stops
    writer.reingest(force=True)
    assert first in builds(writer)  # the other still answers from it
    readers[1].release_lease()
    writer.reingest(force=True)
    assert first not in builds(writer) and len(builds(writer)) == 2
    assert leased(writer) == set()


KEEP_LEASING = """
import sys, time
from assistant.core import Assistant
assistant = Assistant.from_settings()
while True:
    assistant.keep_lease()
    print(assistant.engine.pointer.active, flush=True)
    time.sleep(0.2)
"""


def test_a_killed_servers_lease_expires_and_its_build_goes_at_the_next_prune(indexed_settings: Settings,
                                                                            tmp_path: Path) -> None:
    ttl = 10.0
    settings = private_assistant(indexed_settings, tmp_path).settings.model_copy(update={"build_lease_seconds": ttl})
    writer = Assistant.from_settings(settings)
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(settings.data_dir), "ASSISTANT_LISTS_DIR": str(settings.lists_dir),
           "ASSISTANT_BUILD_LEASE_SECONDS": str(ttl)}
    reader = subprocess.Popen([sys.executable, "-c", KEEP_LEASING], env=env, stdout=subprocess.PIPE, text=True)
    try:
        first = reader.stdout.readline().strip() if reader.stdout else ""  # leased from here on
        assert first == writer.engine.pointer.active
    finally:
        reader.kill()  # SIGKILL: nothing released
        reader.wait(timeout=30)
    killed = time.time()
    writer.reingest(force=True)
    writer.reingest(force=True)
    if time.time() - killed < ttl:
        assert first in builds(writer)  # its lease has not expired yet
    time.sleep(max(0.0, killed + ttl - time.time()) + 0.5)
    writer.reingest(force=True)
    assert first not in builds(writer) and len(builds(writer)) == 2


def test_a_server_leases_the_build_it_answers_from_while_it_runs(indexed_settings: Settings, tmp_path: Path) -> None:
    assistant = private_assistant(indexed_settings, tmp_path)
    server = ThreadServer(create_app(assistant, assistant.settings), assistant.settings)
    server.start()
    try:
        assert leased(assistant) == {assistant.engine.pointer.active}
    finally:
        server.stop()
    assert leased(assistant) == set()  # released as it stopped
