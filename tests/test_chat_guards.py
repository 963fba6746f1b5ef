"""The chat over HTTP, posted to the way an attacker posts to it (issue 22): files named by the client, borrowed
sessions, Gradio routes the chat does not use."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.core import Assistant
from assistant.settings import Settings
from tests.conftest import ThreadServer
from tests.gradio_events import ChatClient
from tests.test_hardening import private_assistant
from ui.http import create_app

FIXTURES = Path(__file__).parent / "fixtures"
MARK = "（聊天上传版）"


@pytest.fixture(scope="module")
def own_assistant(indexed_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """An Assistant over its own data directory: the upload tests may change its index."""
    return private_assistant(indexed_settings, tmp_path_factory.mktemp("chat-guards"))


@pytest.fixture
def chat_url(own_assistant: Assistant) -> Iterator[str]:
    """A server over `own_assistant`, made for this test: Gradio's folder setting is one per process, the last
    app made sets it, so the app a test uploads to is made last."""
    server = ThreadServer(create_app(own_assistant, own_assistant.settings))
    yield server.start()
    server.stop()


def forged(path: Path | str) -> dict:
    """A File value naming a path on the server, as a raw event can (the page sends what /upload returned)."""
    return {"path": str(path), "orig_name": Path(path).name, "meta": {"_type": "gradio.FileData"}}


def shown(message: dict) -> str:
    """What an event's answer shows, every output (or the error) as text."""
    return json.dumps(message.get("output"), ensure_ascii=False)


def rows_of(url: str, doc: str) -> int:
    response = httpx.get(f"{url}/rows", params={"doc": doc}, timeout=30)
    return len(response.json()) if response.status_code == 200 else 0


def test_a_file_named_by_the_client_is_neither_read_nor_ingested(chat_url: str, own_assistant: Assistant,
                                                                 tmp_path: Path) -> None:
    """The attack: preview and confirm sent with a path elsewhere on the server. None is read, none is
    ingested, and whether the path exists makes no difference to the answer."""
    settings = own_assistant.settings
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(settings.lists_dir / "huancui.txt", elsewhere / "outside.txt")
    shutil.copy(FIXTURES / "yingkou.doc", elsewhere / "outside.doc")  # LibreOffice would open it
    planted = settings.data_dir / "gradio" / "planted"  # a link inside Gradio's folder to a file outside it
    planted.mkdir(parents=True, exist_ok=True)
    (planted / "linked.txt").unlink(missing_ok=True)
    (planted / "linked.txt").symlink_to(elsewhere / "outside.txt")
    paths = [elsewhere / "outside.txt", elsewhere / "outside.doc", planted / "linked.txt",
             settings.data_dir / "gradio" / os.path.relpath(elsewhere / "outside.txt", settings.data_dir / "gradio"),
             settings.lists_dir / "huancui.txt"]
    missing = elsewhere / "missing.txt"
    tab = ChatClient(chat_url)
    documents = httpx.get(f"{chat_url}/documents", timeout=30).json()

    previews = [tab.call("upload-file", "change", [forged(p)]) for p in [*paths, missing]]
    confirms = [tab.call("upload-confirm", "click", [forged(p)]) for p in [*paths, missing]]
    read = [p for p, m in zip(paths, previews, strict=False) if "共 **" in shown(m)]  # a preview's row count
    assert read == [], f"{len(read)} of {len(paths)} forged paths read: {read}"
    assert httpx.get(f"{chat_url}/documents", timeout=30).json() == documents
    assert rows_of(chat_url, "outside") == rows_of(chat_url, "linked") == 0
    assert not settings.uploads_dir.exists() or list(settings.uploads_dir.iterdir()) == []
    gradio_files = [f.name for f in (settings.data_dir / "gradio").rglob("*") if f.is_file()]
    assert not {"outside.txt", "outside.doc", "huancui.txt"} & set(gradio_files)  # not copied in either
    messages = {shown(m) for m in previews} | {shown(m) for m in confirms}
    assert len(messages) == 1, messages  # one message, whatever the path: it tells nothing of what exists
    assert "outside" not in messages.pop()


def test_a_file_uploaded_through_the_page_is_previewed_and_ingested(chat_url: str, own_assistant: Assistant) -> None:
    text = (own_assistant.settings.lists_dir / "huancui.txt").read_text("utf-8")
    content = text.replace("加强实训设施建设", "加强实训设施建设" + MARK, 1).encode()
    tab = ChatClient(chat_url)
    uploaded = tab.http.post("/ui/gradio_api/upload", files=[("files", ("huancui7.txt", content))])
    assert uploaded.status_code == 200, uploaded.text
    value = {"path": uploaded.json()[0], "orig_name": "huancui7.txt", "meta": {"_type": "gradio.FileData"}}

    preview = tab.call("upload-file", "change", [value])
    assert preview["success"] and MARK in shown(preview) and "共 **16** 行" in shown(preview)
    confirm = tab.call("upload-confirm", "click", [value, None, None])  # the file, no place chosen, none found
    assert confirm["success"] and "已导入" in shown(confirm)
    assert rows_of(chat_url, "huancui7") == 16
    assert (own_assistant.settings.uploads_dir / "huancui7.txt").read_bytes() == content


QUESTION = "营口市人社局要做哪些工作？"


def ask(tab: ChatClient, question: str) -> dict:
    """The 提问 button: question, then the session and history states (the server's), place and agency."""
    return tab.call("question", "submit", [question, None, [], None, None])


def test_a_borrowed_session_hash_is_refused_on_every_route(start_server) -> None:  # type: ignore[no-untyped-def]
    """Two logins with two keys: the second sends the first one's session_hash to each route that takes one,
    and gets none of it; the first one's own conversation goes on."""
    url = start_server(api_key="office-a", api_keys=["office-b"])
    victim, attacker = ChatClient(url, key="office-a"), ChatClient(url, key="office-b")
    first = ask(victim, QUESTION)
    assert first["success"] and "营口" in shown(first)
    stolen = victim.session_hash

    link = attacker.http.get("/ui/gradio_api/deep_link", params={"session_hash": stolen})
    config = attacker.http.get("/ui/config", params={"deep_link": link.text.strip('"') or "x"})
    page = attacker.http.get("/ui/", params={"deep_link": link.text.strip('"') or "x"})
    joined = attacker.join("question", "submit", ["那瓦房店呢？", None, [], None, None], session_hash=stolen)
    selected = attacker.join("citations", "select", [None], session_hash=stolen,
                             event_data={"index": [0, 0], "value": ""})
    read = attacker.messages(session_hash=stolen)
    with attacker.http.stream("GET", f"/ui/gradio_api/heartbeat/{stolen}") as heartbeat:
        beat = heartbeat.status_code
    statuses = [link.status_code, config.status_code, page.status_code, joined.status_code, selected.status_code,
                read[0].get("status"), beat]
    assert statuses == [404, 404, 404, 403, 403, 403, 403]
    assert QUESTION not in link.text + config.text + page.text + json.dumps(read, ensure_ascii=False)

    follow_up = ask(victim, "那瓦房店呢？")  # the owner's session was neither read nor reset
    assert follow_up["success"] and QUESTION in shown(follow_up) and "瓦房店" in shown(follow_up)
    assert victim.http.get("/ui/gradio_api/deep_link", params={"session_hash": stolen}).status_code == 404


def test_the_screen_recording_route_is_refused_and_writes_nothing(server: str, indexed_settings: Settings) -> None:
    """Gradio's process_recording wrote its video to the /tmp/gradio every Gradio app on the host shares (Gradio
    reads its folder setting once, when imported); the chat records no screen, so the route is not served."""
    shared = Path(tempfile.gettempdir()) / "gradio"
    ours = indexed_settings.data_dir / "gradio"

    def files() -> set[Path]:
        return {f for folder in (shared, ours) if folder.exists() for f in folder.rglob("*")}

    before = files()
    response = httpx.post(f"{server}/ui/gradio_api/process_recording", timeout=30,
                          files={"video": ("recording.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 4096)})
    assert response.status_code == 404 and b"ftyp" not in response.content
    assert files() == before


def test_serve_keeps_every_gradio_file_in_the_data_directory(serve_cli, warm_data_dir: Path,  # type: ignore[no-untyped-def]
                                                             tmp_path: Path) -> None:
    """`serve` with its own temp directory: the Gradio folder of the host ($TMPDIR/gradio) stays absent while the
    chat takes an upload and previews it; the upload is under <data dir>/gradio."""
    host_tmp = tmp_path / "host-tmp"
    host_tmp.mkdir()
    served = serve_cli(warm_data_dir, TMPDIR=str(host_tmp))
    tab = ChatClient(served.url)
    uploaded = tab.http.post("/ui/gradio_api/upload", files=[("files", ("huancui8.txt", "环翠区\n".encode()))])
    assert uploaded.status_code == 200, uploaded.text
    tab.call("upload-file", "change", [{"path": uploaded.json()[0], "orig_name": "huancui8.txt",
                                        "meta": {"_type": "gradio.FileData"}}])
    assert httpx.post(f"{served.url}/ui/gradio_api/process_recording", timeout=30,
                      files={"video": ("recording.mp4", b"\x00" * 64)}).status_code == 404
    assert not (host_tmp / "gradio").exists(), sorted(p.name for p in (host_tmp / "gradio").rglob("*"))
    assert [f.name for f in (warm_data_dir / "gradio").rglob("huancui8.txt")] == ["huancui8.txt"]
