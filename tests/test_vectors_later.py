"""Rows answerable before their vectors: an upload is answered at once by the structured plan and BM25, its plan
line saying dense ranking waits; one background worker embeds the rows, and /health reports the backlog until 0."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from assistant.core import Assistant
from assistant.settings import Settings
from state import open_state
from tests.conftest import ServedProcess, ThreadServer
from tests.test_hardening import private_assistant
from ui.http import create_app
from ui.startup import ingest_if_empty

PENDING = "的语义向量仍在计算"


def new_list(settings: Settings, tmp_path: Path, name: str) -> Path:
    """环翠区's list with every task reworded: nothing of it is in the embedding cache."""
    text = (settings.lists_dir / "huancui.txt").read_text("utf-8")
    path = tmp_path / name
    path.write_text("\n".join(f"{line}（新版）" if line.startswith("\t") and len(line) > 20 else line
                              for line in text.split("\n")), "utf-8")
    return path


def test_an_upload_is_answered_before_its_vectors_and_with_them_after(indexed_settings: Settings,
                                                                      tmp_path: Path) -> None:
    assistant = private_assistant(indexed_settings, tmp_path)
    report = assistant.upload(new_list(assistant.settings, tmp_path, "huancui2.txt"), "huancui2.txt",
                              vectors_later=True)
    assert report.switched and report.waiting == 16 and report.embedded == 0
    listed = assistant.ask("环翠区有哪些任务？")  # the structured plan: every row, at once
    assert sum(c.id.startswith("huancui2#") for c in listed.citations) == 16
    ranked = assistant.ask("环翠区实训基地建设的任务是什么？")
    assert PENDING in ranked.plan_line and any(c.id.startswith("huancui2#") for c in ranked.citations)
    assert assistant.backlog() == 16
    assert assistant.start_backfill().idle(timeout=120)
    assert assistant.backlog() == 0
    again = assistant.ask("环翠区实训基地建设的任务是什么？")
    assert "按「" in again.plan_line and PENDING not in again.plan_line
    vectors = assistant.engine.catalog.vectors
    assert vectors is not None and len(vectors.row_vectors(assistant.engine.catalog.rows)) == 172 + 16
    assistant.stop_backfill()


def test_health_reports_the_backlog_of_an_upload_going_to_zero(indexed_settings: Settings, tmp_path: Path) -> None:
    assistant = private_assistant(indexed_settings, tmp_path)
    server = ThreadServer(create_app(assistant, assistant.settings), assistant.settings)
    url = server.start()
    try:
        path = new_list(assistant.settings, tmp_path, "huancui3.txt")
        with path.open("rb") as file:
            uploaded = httpx.post(f"{url}/documents", files={"file": (path.name, file)}, timeout=120)
        assert uploaded.status_code == 200 and uploaded.json()["waiting"] == 16
        seen = backlog_after(url, 120)
        assert seen[0] in (16, 0) and seen[-1] == 0 and seen == sorted(seen, reverse=True)
        answer = httpx.post(f"{url}/ask", json={"question": "环翠区实训基地建设的任务是什么？"}).json()
        assert "按「" in answer["plan_line"] and PENDING not in answer["plan_line"]
    finally:
        server.stop()
    assert open_state(None, assistant.settings.data_dir).pointer(assistant.settings.collection_prefix).active


def backlog_after(url: str, seconds: float) -> list[int]:
    """/health's backlog, read every 0.2 s until it is 0 or `seconds` have passed."""
    seen = [httpx.get(f"{url}/health").json()["vectors_waiting"]]
    deadline = time.monotonic() + seconds
    while seen[-1] and time.monotonic() < deadline:
        time.sleep(0.2)
        seen.append(httpx.get(f"{url}/health").json()["vectors_waiting"])
    return seen


def test_a_server_killed_while_it_embeds_an_upload_keeps_the_list_whole_and_embeds_it_after_a_restart(
        serve_cli: Callable[..., ServedProcess], warm_data_dir: Path, tmp_path: Path) -> None:
    from evals.bench.upload import word_list

    served = serve_cli(warm_data_dir)
    path = word_list(tmp_path / "测试市清单.docx", 60, 99)  # 60 rows no cache holds
    with path.open("rb") as file:
        uploaded = httpx.post(f"{served.url}/documents", files={"file": (path.name, file)}, timeout=120)
    assert uploaded.status_code == 200 and uploaded.json()["waiting"] == 60
    [doc] = uploaded.json()["docs"]
    assert httpx.get(f"{served.url}/health").json()["vectors_waiting"] == 60  # still embedding
    served.process.send_signal(signal.SIGKILL)
    served.process.wait(timeout=30)

    again = serve_cli(warm_data_dir)
    documents = {d["doc"]: d["rows"] for d in httpx.get(f"{again.url}/documents").json()}
    assert documents.get(doc) == 60  # wholly there
    assert backlog_after(again.url, 120)[-1] == 0  # its vectors computed by the restarted server
    answer = httpx.post(f"{again.url}/ask", json={"question": "测试市培训目标是多少？"}).json()
    assert "按「" in answer["plan_line"] and PENDING not in answer["plan_line"]  # ranked, with its vectors


def test_a_cold_server_answers_its_lists_before_their_vectors(tmp_path: Path) -> None:
    lists = tmp_path / "lists"
    lists.mkdir()
    new_list(Settings(), lists, "huancui.txt")  # no vector of it is cached: the model would have to run first
    settings = Settings(data_dir=tmp_path / "data", lists_dir=lists)
    assistant = Assistant.from_settings(settings)
    ingest_if_empty(assistant)  # what a first server does before it listens
    assert assistant.backlog() == 16
    listed = assistant.ask("环翠区有哪些任务？")
    assert sum(c.id.startswith("huancui#") for c in listed.citations) == 16
    assert PENDING in assistant.ask("环翠区实训基地建设的任务是什么？").plan_line
    assert assistant.start_backfill().idle(timeout=120) and assistant.backlog() == 0
    assert PENDING not in assistant.ask("环翠区实训基地建设的任务是什么？").plan_line
    assistant.stop_backfill()


def test_a_cold_start_told_to_embed_first_waits_for_every_vector(tmp_path: Path) -> None:
    lists = tmp_path / "lists"
    lists.mkdir()
    new_list(Settings(), lists, "huancui.txt")
    settings = Settings(data_dir=tmp_path / "data", lists_dir=lists, vectors_in_background=False)
    assistant = Assistant.from_settings(settings)
    ingest_if_empty(assistant)
    assert assistant.backlog() == 0 and len(assistant.engine.catalog.rows) == 16
