"""The chat's login: key guessing backs off exponentially per client and every failure is logged."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from state import open_state
from ui.security import LoginGuard


def test_guesses_back_off_whether_or_not_the_api_rate_limit_is_on(
        start_server: Callable[..., str], caplog: pytest.LogCaptureFixture) -> None:
    url = start_server(api_key="right-key", rate_limit_per_minute=0)

    def login(password: str) -> httpx.Response:
        return httpx.post(f"{url}/ui/login", data={"username": "u", "password": password}, timeout=10)

    with caplog.at_level(logging.WARNING, logger="ui.security"):
        statuses = [login(f"guess-{n}").status_code for n in range(4)]
        refused = login("right-key")  # within the 1 s the fourth failure started
    assert statuses == [400, 400, 400, 400]  # three free failures; the fourth starts a wait
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert set(refused.json()) == {"detail", "errors"}
    failures = [r.getMessage() for r in caplog.records if "failed chat login" in r.getMessage()]
    assert len(failures) == 4 and "127.0.0.1" in failures[0] and "guess" not in " ".join(failures)


def test_guesses_sent_at_once_are_counted_before_any_is_checked(start_server: Callable[..., str]) -> None:
    url = start_server(api_key="right-key")
    ready = threading.Barrier(50)

    def guess(n: int) -> int:
        ready.wait()
        return httpx.post(f"{url}/ui/login", data={"username": "u", "password": f"guess-{n}"},
                          timeout=30).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(guess, range(50)))
    elapsed = time.monotonic() - started
    # Three free failures and the one that starts the wait; one more each time a wait (1 s, 2 s, 4 s …) runs out
    # before the burst is over.
    allowed = 4 + sum(1 for k in range(10) if 2 ** (k + 1) - 1 <= elapsed)
    assert 4 <= statuses.count(400) <= allowed, (statuses, f"{elapsed:.2f} s")
    assert statuses.count(400) + statuses.count(429) == 50


def _login(url: str, password: str, user: str = "u", **headers: str) -> int:
    return httpx.post(f"{url}/ui/login", data={"username": user, "password": password}, headers=headers,
                      timeout=10).status_code


def test_a_forwarded_address_is_ignored_unless_a_trusted_proxy_sent_it(start_server: Callable[..., str]) -> None:
    url = start_server(api_key="right-key", rate_limit_per_minute=20)
    spoofed = [{"X-Forwarded-For": f"127.0.{n // 250}.{n % 250 + 2}"} for n in range(60)]  # a new address each
    assert [_login(url, f"guess-{n}", **spoofed[n]) for n in range(5)] == [400, 400, 400, 400, 429]
    statuses = [httpx.get(f"{url}/documents", headers={**h, "X-API-Key": "right-key"}, timeout=10).status_code
                for h in spoofed]
    assert statuses.count(200) == 20 and statuses.count(429) == 40  # all counted against 127.0.0.1


def test_a_trusted_proxy_names_the_client(start_server: Callable[..., str]) -> None:
    url = start_server(api_key="right-key", rate_limit_per_minute=3, trusted_proxies=["127.0.0.1"])
    mallory, alice = {"X-Forwarded-For": "127.0.0.2"}, {"X-Forwarded-For": "127.0.0.3"}
    assert [_login(url, f"guess-{n}", **mallory) for n in range(5)] == [400, 400, 400, 400, 429]
    assert _login(url, "right-key", **alice) == 200
    key = {"X-API-Key": "right-key"}
    mallory_asks = [httpx.get(f"{url}/documents", headers={**mallory, **key}, timeout=10) for _ in range(4)]
    assert [r.status_code for r in mallory_asks] == [200, 200, 200, 429]
    assert httpx.get(f"{url}/documents", headers={**alice, **key}, timeout=10).status_code == 200


def test_a_guesser_locks_out_its_name_and_its_address_not_everyone(start_server: Callable[..., str]) -> None:
    url = start_server(api_key="right-key")
    assert [_login(url, f"guess-{n}", user="alice") for n in range(5)] == [400, 400, 400, 400, 429]
    for wait in (1, 2):  # two more failures after their waits: alice now waits 4 s, time for what follows
        time.sleep(wait + 0.05)
        assert _login(url, "guess", user="alice") == 400
    assert _login(url, "right-key", user="bob") == 200  # the same address (a proxy that names no client)
    assert _login(url, "right-key", user="alice") == 429
    as_the_page_sends_it = [("username", (None, "alice")), ("password", (None, "right-key"))]  # multipart
    assert httpx.post(f"{url}/ui/login", files=as_the_page_sends_it, timeout=10).status_code == 429
    statuses = [_login(url, f"guess-{n}", user=f"name-{n}") for n in range(12)]  # a new name for each guess
    assert statuses == [400] * 11 + [429]  # the address's ten free failures, and the one that starts its wait
    assert _login(url, "right-key", user="bob") == 429
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=10) as elsewhere:
        answer = elsewhere.post(f"{url}/ui/login", data={"username": "alice", "password": "right-key"})
    assert answer.status_code == 200


def test_the_wait_doubles_and_a_success_clears_it(tmp_path: Path) -> None:
    now = [0.0]
    guard = LoginGuard(app=None, state=open_state(None, tmp_path), free=2, address_free=100,  # type: ignore[arg-type]
                       clock=lambda: now[0])
    assert [guard.attempt("u", "1.2.3.4") for _ in range(3)] == [0.0, 0.0, 0.0]  # the third starts the wait
    waits = []
    for _ in range(4):
        waits.append(guard.attempt("u", "1.2.3.4"))  # refused: not counted
        now[0] += waits[-1]
        assert guard.attempt("u", "1.2.3.4") == 0.0
    assert waits == [1.0, 2.0, 4.0, 8.0]
    assert guard.attempt("u", "5.6.7.8") == 0.0 and guard.attempt("v", "1.2.3.4") == 0.0  # per name and address
    guard.succeeded("u", "1.2.3.4")
    assert guard.attempt("u", "1.2.3.4") == 0.0


def test_access_log_lines_carry_no_session_token() -> None:
    from ui.security import RedactTokens

    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5", "GET", "/ui/gradio_api/queue/data?session_hash=abc123secret&x=1",
                                "1.1", 200), None)
    RedactTokens().filter(record)
    line = record.getMessage()
    assert "abc123secret" not in line and "session_hash=…&x=1" in line


def test_an_ask_over_its_deadline_is_503_and_the_next_one_answers(
        start_server: Callable[..., str], assistant, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    url = start_server(ask_timeout_seconds=0.2)
    real = assistant.ask

    def slow(question: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "慢" in question:
            time.sleep(1.0)
        return real(question, *args, **kwargs)

    monkeypatch.setattr(assistant, "ask", slow)
    late = httpx.post(f"{url}/ask", json={"question": "慢：营口市人社局要做哪些工作？"}, timeout=10)
    assert late.status_code == 503 and "no answer within 0.2 s" in late.json()["detail"]
    assert set(late.json()) == {"detail", "errors"}
    assert httpx.post(f"{url}/ask", json={"question": "营口市人社局要做哪些工作？"}, timeout=10).status_code == 200


def test_a_session_belongs_to_the_api_key_that_made_it(start_server: Callable[..., str]) -> None:
    url = start_server(api_key="office-a", api_keys=["office-b"])

    def ask(key: str, body: dict) -> dict:
        response = httpx.post(f"{url}/ask", json=body, headers={"X-API-Key": key}, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    first = ask("office-a", {"question": "营口市人社局要做哪些工作？"})
    borrowed = ask("office-b", {"question": "那瓦房店呢？", "session_id": first["session_id"]})
    assert borrowed["session_id"] != first["session_id"] and borrowed["plan"]["followup"] == "new"
    own = ask("office-a", {"question": "那瓦房店呢？", "session_id": first["session_id"]})
    assert own["session_id"] == first["session_id"] and own["plan"]["followup"] == "replace"
    assert httpx.post(f"{url}/ask", json={"question": "你好"}, headers={"X-API-Key": "office-c"},
                      timeout=10).status_code == 401


def _chat_request(cookie: str):  # type: ignore[no-untyped-def]
    """A gr.Request as Gradio builds it for a chat callback: the HTTP request with the caller's login cookie."""
    import gradio as gr
    from starlette.requests import Request

    scope = {"type": "http", "method": "POST", "path": "/ui/gradio_api/queue/join", "query_string": b"",
             "headers": [(b"cookie", f"access-token-abc={cookie}".encode())], "client": ("127.0.0.1", 5)}
    return gr.Request(request=Request(scope))


def test_a_borrowed_chat_session_gets_nothing_of_its_owner(assistant) -> None:  # type: ignore[no-untyped-def]
    """Gradio keeps a chat's state per session_hash: a second login that sends the first one's session_hash
    gets the first one's state in its callback. Its own login cookie makes that state nobody's."""
    from ui.chat import ChatTurns

    turns = ChatTurns(assistant)
    alice = _chat_request("alice-token")
    _, session, history, *_ = turns.respond("营口市人社局要做哪些工作？", None, [], "不限", "不限", alice)
    assert len(history) == 2
    _, stolen, mallory_history, *_ = turns.respond("那瓦房店呢？", session, history, "不限", "不限",
                                                   _chat_request("mallory-token"))
    assert stolen != session and len(mallory_history) == 2  # a new session: no earlier turn of alice's
    assert "营口" not in mallory_history[0]["content"] + mallory_history[1]["content"]
    _, same, alice_history, *_ = turns.respond("那瓦房店呢？", session, history, "不限", "不限", alice)
    assert same == session and len(alice_history) == 4 and "瓦房店" in alice_history[3]["content"]


def test_a_login_without_a_name_is_told_what_the_name_is_for_and_is_not_counted(
        start_server: Callable[..., str]) -> None:
    url = start_server(api_key="right-key", rate_limit_per_minute=0)
    for blank in ("", "  ") * 4:  # more than the free failures
        refused = httpx.post(f"{url}/ui/login", data={"username": blank, "password": "guess"}, timeout=10)
        assert refused.status_code == 422 and "请填写用户名" in refused.json()["detail"]
    assert _login(url, "right-key", user="张三") == 200  # none of them counted toward the back-off
    for n in range(4):
        _login(url, f"guess-{n}", user="李四")
    waiting = httpx.post(f"{url}/ui/login", data={"username": "李四", "password": "x"}, timeout=10)
    assert waiting.status_code == 429 and "登录失败次数过多" in waiting.json()["detail"]
    page = httpx.get(f"{url}/ui/", timeout=30).text
    assert "不校验，只用来分开计算各人的登录失败次数" in page  # the login form says what the name is for
