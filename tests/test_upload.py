"""Lists uploaded, listed and removed over HTTP (POST, GET and DELETE /documents) on a real server and index."""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant.core import Assistant
from assistant.settings import Settings
from ingest.errors import IngestError
from state import open_state
from tests.asking import ids
from tests.conftest import ThreadServer
from tests.test_hardening import private_assistant
from ui.http import create_app, open_assistant

MARK = "（上传版）"
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Uploads:
    """A server over an Assistant of its own (its own data directory and copy of the lists)."""

    url: str
    assistant: Assistant
    start: Callable[..., str]

    @property
    def folder(self) -> Path:
        return self.assistant.settings.uploads_dir


@pytest.fixture(scope="module")
def uploads(indexed_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Uploads]:
    assistant = private_assistant(indexed_settings, tmp_path_factory.mktemp("upload"))
    servers: list[ThreadServer] = []

    def start(**changes: Any) -> str:
        servers.append(ThreadServer(create_app(assistant, assistant.settings.model_copy(update=changes))))
        return servers[-1].start()

    yield Uploads(start(), assistant, start)
    for server in servers:
        server.stop()


def huancui_copy() -> bytes:
    """环翠区's list with its first task reworded: a list of its own once uploaded under another name."""
    text = (Settings().lists_dir / "huancui.txt").read_text("utf-8")
    return text.replace("加强实训设施建设", "加强实训设施建设" + MARK, 1).encode()


def upload(url: str, name: str, content: bytes, **headers: str) -> httpx.Response:
    return httpx.post(f"{url}/documents", files={"file": (name, content)}, headers=headers, timeout=300)


def documents(url: str) -> dict[str, dict]:
    return {d["doc"]: d for d in httpx.get(f"{url}/documents", timeout=30).json()}


def test_an_uploaded_list_is_answered_listed_and_kept(uploads: Uploads) -> None:
    content = huancui_copy()
    response = upload(uploads.url, "huancui2.txt", content)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["docs"] == ["huancui2"] and report["switched"] and report["new"] == 16
    assert report["row_ids"] == [f"huancui2#{n}" for n in range(1, 17)]
    rows = httpx.get(f"{uploads.url}/rows", params={"doc": "huancui2"}).json()
    assert len(rows) == 16 and MARK in rows[0]["text"]
    answer = httpx.post(f"{uploads.url}/ask", json={"question": "环翠区教育体育局牵头哪些任务？"}, timeout=60).json()
    assert {"huancui", "huancui2"} <= {c["doc"] for c in answer["citations"]}
    listed = documents(uploads.url)["huancui2"]
    assert listed["rows"] == 16 and listed["jurisdiction"] == "环翠区" and listed["title"]
    source = listed["source"]
    assert source["file"] == "huancui2.txt" and source["format"] == "txt"
    assert source["sha256"] == hashlib.sha256(content).hexdigest()
    assert datetime.now(UTC) - datetime.fromisoformat(source["ingested_at"]) < timedelta(minutes=5)
    assert (uploads.folder / "huancui2.txt").read_bytes() == content
    assert documents(uploads.url)["yingkou"]["source"]["file"] == "yingkou.txt"  # bundled lists have one too


def test_the_same_file_again_changes_nothing(uploads: Uploads) -> None:
    content = huancui_copy()
    assert upload(uploads.url, "huancui3.txt", content).status_code == 200
    before = documents(uploads.url)
    again = upload(uploads.url, "huancui3.txt", content).json()
    assert not again["switched"] and again["new"] == again["changed"] == again["removed"] == 0
    assert again["docs"] == ["huancui3"] and len(again["row_ids"]) == 16
    assert documents(uploads.url) == before  # the same ingested_at too


def test_a_broken_file_is_422_and_changes_nothing(uploads: Uploads) -> None:
    assert upload(uploads.url, "huancui4.txt", huancui_copy()).status_code == 200
    before = documents(uploads.url)
    kept = (uploads.folder / "huancui4.txt").read_bytes()
    for name in ("huancui4.txt", "broken.txt"):  # over an uploaded list, and as a new one
        response = upload(uploads.url, name, "测试市清单\n\t序号\n\t任务内容\n\n\t1\n\t甲\n\n\t3\n\t乙\n".encode())
        assert response.status_code == 422
        body = response.json()
        assert body["detail"].startswith(f"{name}: ") and "skipped" in body["detail"]
        assert body["errors"][0]["field"] == "file"
    assert documents(uploads.url) == before
    assert (uploads.folder / "huancui4.txt").read_bytes() == kept and not (uploads.folder / "broken.txt").exists()


@pytest.mark.parametrize(("name", "reason"), [("！！！.txt", "no letter, digit or Chinese character"),
                                              ("notes.csv", "not a list file"), ("huancui", "not a list file")])
def test_a_file_name_that_names_no_list_is_422(uploads: Uploads, name: str, reason: str) -> None:
    response = upload(uploads.url, name, huancui_copy())
    assert response.status_code == 422 and reason in response.json()["detail"]


def test_the_key_keeps_letters_digits_and_chinese(uploads: Uploads) -> None:
    response = upload(uploads.url, "C:\\清单\\环翠 区（2024）v2.txt", huancui_copy())
    assert response.status_code == 200, response.text
    assert response.json()["docs"] == ["环翠区2024v2"]
    assert (uploads.folder / "环翠区2024v2.txt").exists()


def test_an_upload_over_the_limit_is_413_and_nothing_is_kept(uploads: Uploads) -> None:
    url = uploads.start(upload_max_bytes=1000)
    declared = upload(url, "big.txt", b"x" * 70_000)  # Content-Length over the limit: refused before reading
    counted = upload(url, "big.txt", b"x" * 5000)  # within the multipart allowance: counted as it streams

    def chunks() -> Iterator[bytes]:  # no Content-Length at all
        yield b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n"
        yield b"x" * 5000 + b"\r\n--b--\r\n"

    chunked = httpx.post(f"{url}/documents", content=chunks(), timeout=30,
                         headers={"content-type": "multipart/form-data; boundary=b"})
    for response in (declared, counted, chunked):
        assert response.status_code == 413 and "bytes" in response.json()["detail"]
    assert not list(uploads.folder.glob("big*")) and not list((uploads.folder / ".incoming").iterdir())
    assert upload(url, "huancui5.txt", b"x" * 900).status_code == 422  # under the limit: read, then refused


def test_without_the_api_key_uploads_and_removals_are_401(uploads: Uploads) -> None:
    url = uploads.start(api_key="s3cret-key")
    assert upload(url, "huancui6.txt", huancui_copy()).status_code == 401
    assert httpx.delete(f"{url}/documents/huancui").status_code == 401
    assert not (uploads.folder / "huancui6.txt").exists()
    assert upload(url, "huancui6.txt", huancui_copy(), **{"X-API-Key": "s3cret-key"}).status_code == 200


def test_removing_an_uploaded_list(uploads: Uploads) -> None:
    assert upload(uploads.url, "huancui7.txt", huancui_copy()).status_code == 200
    response = httpx.delete(f"{uploads.url}/documents/huancui7", timeout=300)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["docs"] == ["huancui7"] and report["removed"] == 16 and report["switched"]
    assert "huancui7" not in documents(uploads.url)
    assert httpx.get(f"{uploads.url}/rows", params={"doc": "huancui7"}).status_code == 404
    assert not (uploads.folder / "huancui7.txt").exists()
    assert httpx.delete(f"{uploads.url}/documents/huancui7").status_code == 404


def test_a_file_of_two_lists_is_replaced_and_removed_whole(uploads: Uploads) -> None:
    two = (FIXTURES / "two_lists.docx").read_bytes()
    first = upload(uploads.url, "two_lists.docx", two).json()
    assert first["docs"] == ["two_lists-1", "two_lists-2"] and len(first["row_ids"]) == 5
    listed = documents(uploads.url)
    assert {listed[d]["source"]["format"] for d in first["docs"]} == {"docx"}
    one = upload(uploads.url, "two_lists.txt", huancui_copy()).json()  # a new version holding one list
    assert one["docs"] == ["two_lists"] and one["removed"] == 5
    assert not {"two_lists-1", "two_lists-2"} & set(documents(uploads.url))
    assert [p.name for p in uploads.folder.glob("two_lists*")] == ["two_lists.txt"]
    assert upload(uploads.url, "two_lists.docx", two).json()["removed"] == 16
    response = httpx.delete(f"{uploads.url}/documents/two_lists-2", timeout=300)
    assert response.json()["docs"] == ["two_lists-1", "two_lists-2"]  # the file goes, and both lists with it
    assert not [d for d in documents(uploads.url) if d.startswith("two_lists")]
    assert not list(uploads.folder.glob("two_lists*"))


def test_a_bundled_list_is_neither_removed_nor_replaced(uploads: Uploads) -> None:
    removal = httpx.delete(f"{uploads.url}/documents/huancui")
    assert removal.status_code == 409 and "huancui.txt" in removal.json()["detail"]
    assert "remove that file from the folder" in removal.json()["detail"].lower()
    assert upload(uploads.url, "huancui.txt", huancui_copy()).status_code == 409
    assert documents(uploads.url)["huancui"]["rows"] == 16
    assert httpx.delete(f"{uploads.url}/documents/nowhere").status_code == 404


def test_a_rebuild_reads_the_uploads_again(uploads: Uploads) -> None:
    assert upload(uploads.url, "huancui8.txt", huancui_copy()).status_code == 200
    report = uploads.assistant.reingest(force=True)
    assert "huancui8" in report.docs and {"yingkou", "huancui"} <= set(report.docs)
    assert [r.row for r in uploads.assistant.engine.catalog.filter(docs=["huancui8"])] == list(range(1, 17))


def test_a_rebuild_without_the_kept_file_reads_it_back_from_the_state_store(uploads: Uploads) -> None:
    content = huancui_copy().decode().replace(MARK, "（找回版）").encode()  # its first task is its own
    assert upload(uploads.url, "huancui10.txt", content).status_code == 200
    other = open_state(None, uploads.assistant.settings.data_dir)  # another store object over the same database
    try:
        [recorded] = [f for f in other.list_files() if f.key == "huancui10"]
        assert recorded.sha256 == hashlib.sha256(content).hexdigest() and recorded.size == len(content)
        assert recorded.uploaded_by == "api" and [e.doc for e in recorded.lists] == ["huancui10"]
        held = other.list_file("huancui10")
        assert held is not None and held.content == content
    finally:
        other.close()
    question = "环翠区加强实训设施建设（找回版）是哪个单位负责？"
    before = ids(uploads.assistant.ask(question))
    assert before[0] == "huancui10#1"
    (uploads.folder / "huancui10.txt").unlink()  # a data directory that never saw the upload (another server's)
    report = uploads.assistant.reingest(force=True)
    assert "huancui10" in report.docs and (uploads.folder / "huancui10.txt").read_bytes() == content
    assert ids(uploads.assistant.ask(question)) == before
    assert httpx.delete(f"{uploads.url}/documents/huancui10", timeout=300).status_code == 200
    assert "huancui10" not in {f.key for f in uploads.assistant.state.list_files()}
    assert "huancui10" not in uploads.assistant.reingest().docs  # removed: no rebuild brings it back


def test_the_routes_are_in_the_openapi_document(uploads: Uploads) -> None:
    openapi = httpx.get(f"{uploads.url}/openapi.json").json()
    paths = openapi["paths"]
    body = paths["/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["properties"]["file"]["format"] == "binary"
    assert {"200", "409", "413", "422"} <= set(paths["/documents"]["post"]["responses"])
    assert {"200", "404", "409"} <= set(paths["/documents/{doc}"]["delete"]["responses"])
    assert "source" in openapi["components"]["schemas"]["DocumentSummary"]["properties"]


def test_the_core_reports_embedding_progress(uploads: Uploads, tmp_path: Path) -> None:
    path = tmp_path / "any-name.txt"
    path.write_bytes(huancui_copy().replace(MARK.encode(), "（进度）".encode()))
    seen: list[tuple[int, int]] = []
    report = uploads.assistant.upload(path, "huancui9.txt", on_progress=lambda done, total: seen.append((done, total)),
                                      vectors_later=False)  # embedded before it is activated
    assert report.docs == ["huancui9"] and report.embedded == 1 and seen == [(0, 1), (1, 1)]
    assert path.exists()  # the caller's file is copied, not taken


def numbered_list(rows: int, mark: str) -> bytes:
    """A list of `rows` tasks, each worded apart (with `mark`): every row needs embedding."""
    head = "测试市工作任务清单\n\t序号\n\t任务内容\n\t牵头单位\n"
    return (head + "".join(f"\n\t{n}\n\t{mark}第{n}项任务：建设实训基地{n}个\n\t市教育局\n"
                           for n in range(1, rows + 1))).encode()


def test_a_list_over_the_row_limit_is_422_naming_the_limit_before_any_embedding(
        uploads: Uploads, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(uploads.assistant, "settings", uploads.assistant.settings.model_copy(
        update={"max_rows_per_list": 20}))
    before = documents(uploads.url)
    response = upload(uploads.url, "long1.txt", numbered_list(30, "（超限）"))
    assert response.status_code == 422
    assert response.json()["detail"] == ("long1.txt: the list has 30 rows, over the limit of 20 "
                                         "(ASSISTANT_MAX_ROWS_PER_LIST)")
    assert documents(uploads.url) == before and not list(uploads.folder.glob("long1*"))
    path = tmp_path / "long.txt"
    path.write_bytes(numbered_list(30, "（超限）"))
    seen: list[tuple[int, int]] = []
    with pytest.raises(IngestError, match="ASSISTANT_MAX_ROWS_PER_LIST"):
        uploads.assistant.upload(path, "long1.txt", on_progress=lambda done, total: seen.append((done, total)))
    assert seen == []  # refused before the embedding began


def test_a_pdf_over_the_page_limit_is_422(uploads: Uploads, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads.assistant, "settings", uploads.assistant.settings.model_copy(
        update={"max_pages": 5}))
    response = upload(uploads.url, "liaoning2.pdf", (FIXTURES / "liaoning.pdf").read_bytes())
    assert response.status_code == 422
    assert response.json()["detail"] == "liaoning2.pdf: has 15 pages, over the limit of 5 (ASSISTANT_MAX_PAGES)"
    assert "liaoning2" not in documents(uploads.url)


def test_an_upload_past_its_time_is_422_naming_the_limit(uploads: Uploads, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads.assistant, "settings", uploads.assistant.settings.model_copy(
        update={"ingest_seconds": 1e-6}))
    response = upload(uploads.url, "late1.txt", numbered_list(3, "（超时）"))
    assert response.status_code == 422
    assert response.json()["detail"].startswith("late1.txt: stopped while ")
    assert "over the limit of 1e-06 s per file (ASSISTANT_INGEST_SECONDS)" in response.json()["detail"]
    assert "late1" not in documents(uploads.url) and not list(uploads.folder.glob("late1*"))


def test_an_upload_whose_client_went_away_stops_and_changes_nothing(uploads: Uploads) -> None:
    url = uploads.start(vectors_in_background=False)  # the upload embeds before it activates: seconds of work
    content = numbered_list(400, "（断开）")  # 13 embedding batches: seconds of work on 2 cores
    boundary = "b0undary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"gone1.txt\"\r\n\r\n"
            .encode() + content + f"\r\n--{boundary}--\r\n".encode())
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as client:
        client.sendall(f"POST /documents HTTP/1.1\r\nHost: {host}\r\nContent-Length: {len(body)}\r\n"
                       f"Content-Type: multipart/form-data; boundary={boundary}\r\n\r\n".encode() + body)
        time.sleep(0.5)  # received and parsed: the embedding has begun
    # The writer is single: a removal queued after the upload answers once the upload's work has ended.
    assert httpx.delete(f"{url}/documents/nothing-such", timeout=300).status_code == 404
    assert "gone1" not in documents(url) and not list(uploads.folder.glob("gone1*"))


def test_the_422s_of_a_filter_and_of_a_file_are_documented_with_their_body(uploads: Uploads) -> None:
    openapi = httpx.get(f"{uploads.url}/openapi.json").json()
    paths, schemas = openapi["paths"], openapi["components"]["schemas"]
    ask_422 = paths["/ask"]["post"]["responses"]["422"]
    upload_422 = paths["/documents"]["post"]["responses"]["422"]
    assert "errors[0].known" in ask_422["description"] and "file.png" in upload_422["description"]
    for documented in (ask_422, upload_422):
        assert documented["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/ErrorBody"
    assert "known" in schemas["FieldError"]["properties"]
    refused = httpx.post(f"{uploads.url}/ask", json={"question": "有哪些任务？", "agency": "火星局"}, timeout=60)
    png = upload(uploads.url, "file.png", b"\x89PNG\r\n")
    for response in (refused, png):  # the bodies are the documented ErrorBody
        assert response.status_code == 422 and set(response.json()) == {"detail", "errors"}
    assert refused.json()["errors"][0]["field"] == "agency" and refused.json()["errors"][0]["known"]
    assert png.json()["errors"][0]["field"] == "file"


def test_a_file_name_over_the_file_systems_255_bytes_is_422_naming_the_limit_in_bytes(
        uploads: Uploads, tmp_path: Path) -> None:
    too_long = "环" * 84 + ".txt"  # 84 characters, under the 100-character limit, but 252 bytes + 4
    response = upload(uploads.url, too_long, huancui_copy())
    assert response.status_code == 422, response.text
    assert "250 bytes" in response.json()["detail"] and "252 bytes" in response.json()["detail"]
    path = tmp_path / "any.txt"
    path.write_bytes(huancui_copy())
    with pytest.raises(IngestError, match="250 bytes"):  # the chat's upload tab previews through the same core
        uploads.assistant.preview(path, too_long)
    fits = upload(uploads.url, "环" * 83 + ".txt", huancui_copy())
    assert fits.status_code == 200, fits.text
    assert (uploads.folder / ("环" * 83 + ".txt")).exists()


def test_the_servers_start_deletes_what_killed_uploads_left_but_nothing_newer(
        indexed_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = private_assistant(indexed_settings, tmp_path).settings
    incoming = settings.uploads_dir / ".incoming"
    staged = incoming / "tmpkilled" / "huancui2.txt"  # a copy staged for an ingest that was killed
    staged.parent.mkdir(parents=True)
    staged.write_bytes(huancui_copy())
    stale = [staged.parent, *(incoming / f"tmp{n}.part" for n in range(13))]  # bodies cut off mid-upload
    for path in stale[1:]:
        path.write_bytes(b"--b\r\n")
    hour_ago = time.time() - 3600
    for path in stale:
        os.utime(path, (hour_ago, hour_ago))
    writing = incoming / "tmpnow.part"  # newer than the start: an ingest of this process may be writing it
    writing.write_bytes(b"--b\r\n")
    in_a_minute = time.time() + 60
    os.utime(writing, (in_a_minute, in_a_minute))
    with caplog.at_level(logging.INFO, logger="ui.startup"):
        open_assistant(settings)  # what `serve` starts with
    assert [p.name for p in incoming.iterdir()] == ["tmpnow.part"]
    assert "deleted 14 staged uploads" in caplog.text


def test_a_list_key_another_file_gave_is_refused_naming_that_file(uploads: Uploads) -> None:
    two = (FIXTURES / "two_lists.docx").read_bytes()
    assert upload(uploads.url, "pair.docx", two).json()["docs"] == ["pair-1", "pair-2"]
    clash = upload(uploads.url, "pair-1.txt", huancui_copy())  # the key of the Word file's first list
    assert clash.status_code == 422, clash.text
    assert clash.json()["detail"].startswith("pair-1.txt: the index holds a list 'pair-1' read from pair.docx")
    assert upload(uploads.url, "duo-1.txt", huancui_copy()).status_code == 200
    reverse = upload(uploads.url, "duo.docx", two)  # a Word file whose first list would take that key
    assert reverse.status_code == 422 and "'duo-1' read from duo-1.txt" in reverse.json()["detail"]
    assert sorted(p.name for p in uploads.folder.glob("pair*")) == ["pair.docx"]
    assert not (uploads.folder / "duo.docx").exists()
    assert documents(uploads.url)["pair-1"]["source"]["file"] == "pair.docx"
    report = httpx.post(f"{uploads.url}/admin/reingest", timeout=300)
    assert report.status_code == 200 and report.json()["skipped"] == []


def test_the_chats_upload_route_takes_a_list_of_real_size_and_refuses_one_over_the_upload_limit(
        uploads: Uploads, tmp_path: Path) -> None:
    """The chat's file box posts to Gradio's /upload: ASSISTANT_UPLOAD_MAX_BYTES governs it, not /ask's body limit."""
    from tests.big_list import write_big_list

    big = write_big_list(tmp_path / "县级清单.docx").read_bytes()
    assert len(big) > 200_000 > uploads.assistant.settings.max_body_bytes

    def post(url: str) -> httpx.Response:
        return httpx.post(f"{url}/ui/gradio_api/upload", files={"files": ("县级清单.docx", big)}, timeout=60)

    taken = post(uploads.url)
    assert taken.status_code == 200, taken.text
    assert Path(taken.json()[0]).name == "县级清单.docx" and Path(taken.json()[0]).read_bytes() == big
    refused = post(uploads.start(upload_max_bytes=len(big) // 2))
    assert refused.status_code == 413 and "ASSISTANT_UPLOAD_MAX_BYTES" in refused.json()["detail"]
