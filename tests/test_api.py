"""The HTTP API over real HTTP: a real server on loopback over the real index of the bundled lists."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.core import Assistant
from assistant.settings import Settings
from ui.http import create_app

YINGKOU_HRSS = 27  # 营口 rows naming 人社局 (evals/questions.jsonl list-01)


def ask(url: str, body: dict | str | bytes, **headers: str) -> httpx.Response:
    if isinstance(body, dict):
        return httpx.post(f"{url}/ask", json=body, headers=headers, timeout=30)
    return httpx.post(f"{url}/ask", content=body, headers={"content-type": "application/json", **headers},
                      timeout=30)


def test_ask_answers_with_every_row_cited(server: str) -> None:
    response = ask(server, {"question": "营口市人社局要做哪些工作？"})
    assert response.status_code == 200
    answer = response.json()
    assert "营口市" in answer["answer"] and not answer["abstained"]
    assert len(answer["citations"]) == YINGKOU_HRSS
    assert {c["doc"] for c in answer["citations"]} == {"yingkou"}
    assert {c["jurisdiction"] for c in answer["citations"]} == {"营口市"}
    assert answer["session_id"] and answer["mode"] == "extractive"


def test_same_session_id_continues_the_conversation(server: str) -> None:
    first = ask(server, {"question": "营口市人社局要做哪些工作？"}).json()
    follow_up = ask(server, {"question": "那瓦房店呢？", "session_id": first["session_id"]})
    assert follow_up.status_code == 200
    answer = follow_up.json()
    assert answer["session_id"] == first["session_id"]
    assert answer["citations"] and {c["doc"] for c in answer["citations"]} == {"wafangdian"}
    assert "瓦房店" in answer["answer"]


def test_filters_narrow_the_question(server: str) -> None:
    answer = ask(server, {"question": "要做哪些工作？", "jurisdiction": "营口市", "agency": "人社局"}).json()
    assert len(answer["citations"]) == YINGKOU_HRSS
    assert answer["filters"]["jurisdictions"] == ["营口市"]


def test_a_question_of_2000_characters_is_accepted(server: str) -> None:
    assert ask(server, {"question": "  " + "营" * 2000 + "  "}).status_code == 200


@pytest.mark.parametrize(("body", "field"), [
    ({"question": ""}, "question"),
    ({"question": "   \n\t "}, "question"),
    ({"question": "问" * 2001}, "question"),
    ({"question": 42}, "question"),
    ({"question": ["营口市"]}, "question"),
    ({}, "question"),
    ({"question": "营口市人社局要做哪些工作？", "session_id": 7}, "session_id"),
    ({"question": "营口市人社局要做哪些工作？", "session_id": "../../etc"}, "session_id"),
    ({"question": "营口市人社局要做哪些工作？", "agency": {"name": "人社局"}}, "agency"),
    ({"question": "营口市人社局要做哪些工作？", "top_k": 5}, "top_k"),
    ('["营口市人社局要做哪些工作？"]', "body"),
])
def test_invalid_input_is_422_with_a_readable_message(server: str, body: dict | str, field: str) -> None:
    response = ask(server, body)
    assert response.status_code == 422
    error = response.json()
    assert isinstance(error["detail"], str) and field in error["detail"]
    assert [e["field"] for e in error["errors"]] == [field]


def test_a_body_that_is_not_json_is_400(server: str) -> None:
    response = ask(server, "question=营口市人社局要做哪些工作？")
    assert response.status_code == 400
    assert response.json()["detail"] == "the request body is not valid JSON"


def test_an_oversized_body_is_413(server: str, indexed_settings: Settings) -> None:
    big = '{"question": "' + "营" * indexed_settings.max_body_bytes + '"}'
    assert ask(server, big.encode()).status_code == 413

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted as it is read
        yield big.encode()

    response = httpx.post(f"{server}/ask", content=chunked(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "bytes" in response.json()["detail"]


def test_health(server: str, assistant: Assistant) -> None:
    health = httpx.get(f"{server}/health").json()
    assert health == {"status": "ok", "documents": 4, "rows": 172, "mode": "extractive", "vectors_waiting": 0,
                      "embedding_model": assistant.embedder.model_name}


def test_documents(server: str) -> None:
    documents = {d["doc"]: d for d in httpx.get(f"{server}/documents").json()}
    assert {doc: d["rows"] for doc, d in documents.items()} == {
        "yingkou": 45, "wafangdian": 57, "liaoning": 54, "huancui": 16}
    assert documents["yingkou"]["jurisdiction"] == "营口市"
    assert documents["yingkou"]["title"]


def test_rows_lists_every_match(server: str) -> None:
    response = httpx.get(f"{server}/rows", params={"jurisdiction": "营口", "agency": "人社局"})
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == YINGKOU_HRSS
    assert set(rows[0]) == {"id", "doc", "row", "jurisdiction", "title", "category", "text", "lead",
                            "responsible", "due", "measures"}
    assert {r["jurisdiction"] for r in rows} == {"营口市"}
    lead_only = httpx.get(f"{server}/rows", params={"jurisdiction": "营口", "agency": "人社局", "role": "lead"})
    assert lead_only.json() == []


def test_rows_by_document(server: str) -> None:
    rows = httpx.get(f"{server}/rows", params={"doc": "huancui"}).json()
    assert [r["row"] for r in rows] == list(range(1, 17))


def test_rows_for_an_unknown_place_is_404_naming_the_lists(server: str) -> None:
    response = httpx.get(f"{server}/rows", params={"jurisdiction": "火星市"})
    assert response.status_code == 404
    assert "火星市" in response.json()["detail"] and "营口市" in response.json()["detail"]
    assert httpx.get(f"{server}/rows", params={"role": "boss"}).status_code == 422


def test_root_redirects_to_the_chat_and_docs_are_served(server: str) -> None:
    response = httpx.get(f"{server}/")
    assert response.status_code in (302, 307) and response.headers["location"] == "/ui/"
    assert httpx.get(f"{server}/ui/").status_code == 200
    assert httpx.get(f"{server}/docs").status_code == 200
    paths = httpx.get(f"{server}/openapi.json").json()["paths"]
    assert {"/ask", "/health", "/documents", "/rows"} <= set(paths)


def test_api_key_guards_the_api_but_not_health_docs_or_chat(
        serve_cli: Callable[..., Any], warm_data_dir: Path) -> None:
    served = serve_cli(warm_data_dir, ASSISTANT_API_KEY="s3cret-key")
    url = served.url
    assert "the index was empty" in served.log()
    question = {"question": "营口市人社局要做哪些工作？"}
    assert ask(url, question).status_code == 401
    assert ask(url, question, **{"X-API-Key": "wrong"}).status_code == 401
    response = ask(url, question, **{"X-API-Key": "s3cret-key"})
    assert response.status_code == 200 and len(response.json()["citations"]) == YINGKOU_HRSS
    for path in ("/rows", "/documents"):
        assert httpx.get(f"{url}{path}").status_code == 401
        assert httpx.get(f"{url}{path}", headers={"X-API-Key": "s3cret-key"}).status_code == 200
    for path in ("/health", "/docs", "/openapi.json", "/ui/"):
        assert httpx.get(f"{url}{path}").status_code == 200, path


def test_rate_limit_answers_429(start_server: Callable[..., str]) -> None:
    url = start_server(rate_limit_per_minute=3)
    statuses = [httpx.get(f"{url}/documents").status_code for _ in range(3)]
    statuses.append(ask(url, {"question": "营口市人社局要做哪些工作？"}).status_code)
    assert statuses == [200, 200, 200, 429]
    refused = httpx.get(f"{url}/rows")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert httpx.get(f"{url}/health").status_code == 200


def test_cors_allows_the_configured_origins(start_server: Callable[..., str]) -> None:
    url = start_server(cors_origins=["https://portal.example.org"])
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = httpx.options(f"{url}/ask", headers={"Origin": "https://portal.example.org", **preflight})
    assert allowed.headers.get("access-control-allow-origin") == "https://portal.example.org"
    other = httpx.options(f"{url}/ask", headers={"Origin": "https://elsewhere.example.com", **preflight})
    assert "access-control-allow-origin" not in other.headers


def test_logs_leave_out_questions_when_told(start_server: Callable[..., str],
                                            caplog: pytest.LogCaptureFixture) -> None:
    url = start_server(log_questions=False)
    with caplog.at_level(logging.INFO, logger="ui"):
        assert ask(url, {"question": "瓦房店培训目标是多少？"}).status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("ui")]
    assert any("answered" in line for line in lines)
    assert not any("瓦房店" in line for line in lines)


def test_an_unexpected_error_is_a_json_500_without_internals(assistant: Assistant,
                                                             indexed_settings: Settings) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom in /srv/secret/module.py")

    broken = copy.copy(assistant)
    broken.ask = fail  # type: ignore[method-assign]
    client = TestClient(create_app(broken, indexed_settings), raise_server_exceptions=False)
    response = client.post("/ask", json={"question": "营口市人社局要做哪些工作？"})
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error", "errors": []}
    assert "Traceback" not in response.text and "secret" not in response.text and ".py" not in response.text


def test_ask_returns_the_plan_and_unresolved_names_with_candidates(server: str) -> None:
    body = ask(server, {"question": "环翠区教育体育局跟财政局同时参与的工作有哪些？"}).json()
    assert body["plan"]["operation"] == "list" and body["plan"]["scope"]["places"] == ["环翠区"]
    assert body["plan"]["where"]["kind"] == "and"
    assert {a["agency"] for a in body["plan"]["where"]["items"]} == {"education", "finance"}
    assert body["answer"].startswith(body["plan_line"]) and len(body["citations"]) == 6
    unknown = ask(server, {"question": "营口市劳动人事局负责哪些任务？"}).json()
    assert unknown["citations"] == [] and unknown["unresolved"][0]["surface"] == "劳动人事局"
    assert unknown["unresolved"][0]["candidates"][0].startswith("人社局")
    assert unknown["unresolved"][0]["questions"][0] == "营口市人社局负责哪些任务？"
    schemas = httpx.get(f"{server}/openapi.json").json()["components"]["schemas"]
    assert {"plan", "plan_line", "unresolved"} <= set(schemas["Answer"]["properties"])
    assert {"QueryPlan", "Unresolved", "AgencyAtom", "YearAtom", "Group"} <= set(schemas)


def test_a_session_id_the_server_did_not_issue_starts_a_new_session(server: str) -> None:
    alice = ask(server, {"question": "营口市人社局要做哪些工作？"}).json()
    assert len(alice["session_id"]) == 32  # 128 random bits, issued by the server
    invented = ask(server, {"question": "那瓦房店呢？", "session_id": "alice"}).json()
    assert invented["session_id"] != "alice" and invented["plan"]["followup"] == "new"
    borrowed = ask(server, {"question": "那瓦房店呢？", "session_id": "alice"}).json()
    assert borrowed["session_id"] not in ("alice", invented["session_id"])  # never attached to anyone's
    follow = ask(server, {"question": "那瓦房店呢？", "session_id": alice["session_id"]}).json()
    assert follow["session_id"] == alice["session_id"] and follow["plan"]["followup"] == "replace"


def test_every_error_status_has_the_same_body(start_server) -> None:  # type: ignore[no-untyped-def]
    url = start_server(api_key="secret", rate_limit_per_minute=3)
    key = {"X-API-Key": "secret"}
    responses = [httpx.get(f"{url}/rows"),  # 401
                 httpx.get(f"{url}/rows", params={"doc": "nowhere"}, headers=key),  # 404
                 httpx.put(f"{url}/documents", headers=key)]  # 405
    responses += [httpx.get(f"{url}/documents", headers=key) for _ in range(4)]  # the 4th is 429
    assert [r.status_code for r in responses][:3] == [401, 404, 405] and responses[-1].status_code == 429
    for response in (*responses[:3], responses[-1]):
        body = response.json()
        assert set(body) == {"detail", "errors"} and body["detail"] and body["errors"] == [], body
    assert responses[-1].headers.get("Retry-After")


def test_a_question_at_its_limit_fits_the_body_limit_in_any_json_encoding(server: str) -> None:
    question = "营口" + "😀" * 1998  # 2,000 characters; sent ASCII-escaped, 12 bytes per emoji
    body = json.dumps({"question": question, "jurisdiction": "😀" * 100, "agency": "😀" * 100}, ensure_ascii=True)
    assert len(body.encode()) > 24_000
    response = httpx.post(f"{server}/ask", content=body, headers={"Content-Type": "application/json"}, timeout=60)
    # read whole, not refused for its size: the emoji filter names no place the index holds, which is the 422
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "jurisdiction", response.text
    fits = json.dumps({"question": question, "jurisdiction": "营口市" + " " * 97}, ensure_ascii=True)
    response = httpx.post(f"{server}/ask", content=fits, headers={"Content-Type": "application/json"}, timeout=60)
    assert response.status_code == 200, response.text


def test_a_filter_naming_nothing_the_index_holds_is_a_422_with_the_known_names(server: str) -> None:
    place = ask(server, {"question": "要做哪些工作？", "jurisdiction": "沈阳"})
    assert place.status_code == 422
    body = place.json()
    assert body["errors"][0]["field"] == "jurisdiction" and "营口市" in body["errors"][0]["known"]
    agency = ask(server, {"question": "要做哪些工作？", "agency": "宇宙局"})
    assert agency.status_code == 422 and agency.json()["errors"][0]["field"] == "agency"


def test_a_place_named_in_the_question_wins_over_the_filter_and_says_so(server: str) -> None:
    body = ask(server, {"question": "环翠区哪些任务要在2023年完成？", "jurisdiction": "营口市"}).json()
    assert "您的问题提到环翠区，已按环翠区回答，未使用“营口市”筛选。" in body["answer"]
    assert body["unused_filters"] == ["jurisdiction"]  # machine-readable: a client's footer leaves it out
    assert body["citations"] and {c["jurisdiction"] for c in body["citations"]} == {"环翠区"}
    same = ask(server, {"question": "营口市人社局要做哪些工作？", "jurisdiction": "营口市"}).json()
    assert "筛选" not in same["answer"] and len(same["citations"]) == 27
    limited = ask(server, {"question": "要做哪些工作？", "jurisdiction": "营口市", "agency": "人社局"}).json()
    assert len(limited["citations"]) == 27
