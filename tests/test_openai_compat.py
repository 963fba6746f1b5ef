"""/v1/chat/completions and /v1/models through the official `openai` client, against a real loopback server."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import openai
import pytest
from openai import OpenAI

KEY = "k-openai-test"
# Three turns in our own words: a list, a place changed, then an agency changed (the place kept).
TURNS = ["营口人社局名下有哪些事项", "那瓦房店呢？", "换成财政局呢？"]


def client(url: str, key: str = "unused") -> OpenAI:
    return OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=60)


def conversation(questions: list[str]) -> list[dict]:
    """The messages a chat client sends: each earlier question with some reply, then the new question."""
    messages: list[dict] = [{"role": "system", "content": "你是政策助手。"}]
    for question in questions[:-1]:
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": "（上一轮的回答）"}]
    return [*messages, {"role": "user", "content": questions[-1]}]


def cited(completion) -> list[str]:
    return [c["id"] for c in completion.to_dict()["policy_assistant"]["citations"]]


def rows(url: str, **query: str) -> list[str]:
    return [r["id"] for r in httpx.get(f"{url}/rows", params=query, timeout=30).json()]


def test_a_three_turn_conversation_follows_up_as_a_session_does(server: str) -> None:
    chat, session_id = client(server), None
    for turn in range(len(TURNS)):
        completion = chat.chat.completions.create(model="policy-assistant", messages=conversation(TURNS[:turn + 1]))
        body = {"question": TURNS[turn], **({"session_id": session_id} if session_id else {})}
        asked = httpx.post(f"{server}/ask", json=body, timeout=30).json()
        session_id = asked["session_id"]
        assert cited(completion) == [c["id"] for c in asked["citations"]], TURNS[turn]
        assert completion.choices[0].message.role == "assistant"
        assert completion.choices[0].finish_reason == "stop"
        assert completion.choices[0].message.content.startswith(f"> {asked['plan_line']}")
        if turn == 0:
            assert cited(completion) == rows(server, jurisdiction="营口", agency="人社局")
        if turn == 1:
            assert cited(completion) == rows(server, jurisdiction="瓦房店", agency="人社局")
        if turn == 2:
            assert cited(completion) == rows(server, jurisdiction="瓦房店", agency="财政局")
            assert cited(completion)


def test_a_question_alone_is_not_read_as_a_follow_up(server: str) -> None:
    completion = client(server).chat.completions.create(model="policy-assistant",
                                                        messages=[{"role": "user", "content": TURNS[1]}])
    assert not {c.split("#")[0] for c in cited(completion)} - {"wafangdian"}
    assert cited(completion) != rows(server, jurisdiction="瓦房店", agency="人社局")


def test_the_streamed_reply_reassembles_into_the_same_text(server: str) -> None:
    chat, messages = client(server), conversation(TURNS[:2])
    whole = chat.chat.completions.create(model="policy-assistant", messages=messages)
    chunks = list(chat.chat.completions.create(model="policy-assistant", messages=messages, stream=True,
                                               stream_options={"include_usage": True}))
    assert {c.object for c in chunks} == {"chat.completion.chunk"} and len({c.id for c in chunks}) == 1
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    assert chunks[0].choices[0].delta.role == "assistant"
    last = [c for c in chunks if c.choices][-1]
    assert last.choices[0].finish_reason == "stop"
    assert [c["id"] for c in last.to_dict()["policy_assistant"]["citations"]] == cited(whole)
    assert chunks[-1].choices == [] and chunks[-1].usage == whole.usage


def test_the_stream_ends_with_done(server: str) -> None:
    body = {"model": "policy-assistant", "stream": True, "messages": [{"role": "user", "content": TURNS[0]}]}
    with httpx.stream("POST", f"{server}/v1/chat/completions", json=body, timeout=30) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line for line in response.iter_lines() if line]
    assert events[-1] == "data: [DONE]" and all(e.startswith("data: ") for e in events)


def test_citations_and_plan_come_as_data_and_in_the_markdown_table(server: str) -> None:
    completion = client(server).chat.completions.create(model="policy-assistant",
                                                        messages=[{"role": "user", "content": TURNS[0]}])
    data = completion.to_dict()["policy_assistant"]
    assert len(data["citations"]) == 27 and data["citations"][0]["id"] == "yingkou#1"
    assert data["plan"]["scope"]["places"] == ["营口市"] and data["plan_line"].startswith("条件：营口市")
    content = completion.choices[0].message.content
    table = [line for line in content.splitlines() if line.startswith("| ")]
    assert table[0].startswith("| 清单 | 序号 | 任务内容") and table[1].startswith("| --- |")
    assert all(line.endswith(f"| {c['id']} |") for line, c in zip(table[2:], data["citations"], strict=True))


def test_usage_counts_tokens_of_the_messages_and_the_reply(server: str) -> None:
    chat = client(server)
    short = chat.chat.completions.create(model="policy-assistant", messages=conversation(TURNS[:1])).usage
    longer = chat.chat.completions.create(model="policy-assistant", messages=conversation(TURNS[:3])).usage
    for usage in (short, longer):
        assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
        assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert longer.prompt_tokens > short.prompt_tokens


def test_models_name_the_assistant_and_each_place(server: str) -> None:
    chat = client(server)
    ids = [m.id for m in chat.models.list()]
    assert ids[0] == "policy-assistant" and {"policy-assistant:营口市", "policy-assistant:瓦房店市"} <= set(ids)
    assert chat.models.retrieve("policy-assistant:营口市").id == "policy-assistant:营口市"
    completion = chat.chat.completions.create(model="policy-assistant:瓦房店市",
                                              messages=[{"role": "user", "content": "人社局名下有哪些事项"}])
    assert cited(completion) == rows(server, jurisdiction="瓦房店", agency="人社局")


def test_an_unknown_model_is_a_404_in_openai_shape(server: str) -> None:
    with pytest.raises(openai.NotFoundError) as raised:
        client(server).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": TURNS[0]}])
    assert raised.value.response.json()["error"]["code"] == "model_not_found"


@pytest.mark.parametrize(("messages", "param"), [
    ([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]}], "messages[0].content"),
    ([{"role": "user", "content": TURNS[0]}, {"role": "assistant", "content": "好"}], "messages"),
    ([{"role": "user", "content": "   "}], "messages"),
    ([{"role": "user", "content": "问" * 2001}], "messages[0].content"),
    ([], "messages"),
])
def test_bad_messages_are_a_400_naming_the_parameter(server: str, messages: list, param: str) -> None:
    with pytest.raises(openai.BadRequestError) as raised:
        client(server).chat.completions.create(model="policy-assistant", messages=messages)
    error = raised.value.response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == param and error["message"]


def test_a_long_conversation_fits_and_the_earlier_answers_are_not_read(server: str) -> None:
    answer = "上一轮的回答很长。" * 4000  # about 100 KB of JSON: over /ask's body limit, within the chat's
    messages = [{"role": "user", "content": TURNS[0]}, {"role": "assistant", "content": answer},
                {"role": "user", "content": TURNS[1]}]
    completion = client(server).chat.completions.create(model="policy-assistant", messages=messages)
    assert cited(completion) == rows(server, jurisdiction="瓦房店", agency="人社局")


def test_the_key_is_a_bearer_token_and_refusals_are_in_openai_shape(start_server: Callable[..., str]) -> None:
    url = start_server(api_key=KEY)
    with pytest.raises(openai.AuthenticationError) as raised:
        client(url, "wrong-key").chat.completions.create(model="policy-assistant",
                                                         messages=[{"role": "user", "content": TURNS[0]}])
    assert raised.value.status_code == 401
    for response in (raised.value.response, httpx.get(f"{url}/v1/models", timeout=10),
                     httpx.post(f"{url}/v1/chat/completions", json={}, timeout=10)):
        assert response.status_code == 401
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
        assert body["error"]["code"] == "invalid_api_key"
    completion = client(url, KEY).chat.completions.create(model="policy-assistant",
                                                          messages=[{"role": "user", "content": TURNS[0]}])
    assert len(cited(completion)) == 27
    assert httpx.get(f"{url}/v1/models", headers={"X-API-Key": KEY}, timeout=10).status_code == 200


def test_a_body_over_the_chat_limit_is_a_413_in_openai_shape(start_server: Callable[..., str]) -> None:
    url = start_server(chat_max_body_bytes=4096)
    messages = [{"role": "user", "content": "问" * 1500}] * 3
    response = httpx.post(f"{url}/v1/chat/completions", json={"model": "policy-assistant", "messages": messages},
                          timeout=10)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert httpx.post(f"{url}/ask", json={"question": "问" * 1500}, timeout=30).status_code == 200
