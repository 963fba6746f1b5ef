"""The MCP server through the `mcp` SDK's own client: over HTTP at /mcp on a loopback server, and over stdio
(`policy-assistant mcp` as a subprocess); the rows it returns are checked against the HTTP API's."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

ROOT = Path(__file__).resolve().parent.parent
KEY = "k-mcp-test"
TOOLS = {"ask", "list_tasks", "get_task", "lineage", "coverage", "list_documents"}


def over_http(url: str, key: str | None = KEY) -> Client:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return Client(streamable_http_client(f"{url}/mcp", http_client=create_mcp_http_client(headers=headers)))


def over_stdio(data_dir: Path) -> Client:
    env = {"ASSISTANT_DATA_DIR": str(data_dir), "PYTHONPATH": os.environ.get("PYTHONPATH", str(ROOT))}
    command = str(Path(sys.executable).with_name("policy-assistant"))
    return Client(StdioServerParameters(command=command, args=["mcp"], env=env, cwd=ROOT), read_timeout_seconds=180)


async def use_every_tool(client: Client) -> dict[str, Any]:
    """List the tools, then call each one; what each returned (structured), and the errors of two bad calls."""
    async with client:
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
        calls = {"list_documents": {}, "list_tasks": {"jurisdiction": "营口", "agency": "人社局"},
                 "get_task": {"id": "wafangdian#7"}, "lineage": {"doc": "yingkou"},
                 "coverage": {"parent": "liaoning"},
                 "ask": {"question": "那瓦房店呢？", "previous_questions": ["营口人社局名下有哪些事项"]}}
        results = {name: await client.call_tool(name, arguments) for name, arguments in calls.items()}
        errors = [await client.call_tool("get_task", {"id": "nowhere#1"}),
                  await client.call_tool("list_tasks", {"jurisdiction": "火星"})]
    return {"tools": listed, "results": results, "errors": errors}


def sources(documents: list[dict]) -> list[dict]:
    """The documents without when they were ingested (the stdio server ingests its own data directory)."""
    return [{**d, "source": {k: v for k, v in d["source"].items() if k != "ingested_at"}} for d in documents]


def check_against_the_api(found: dict[str, Any], api: httpx.Client) -> None:
    def get(path: str, **query: str) -> Any:
        return api.get(path, params=query).json()

    tools = found["tools"]
    assert set(tools) == TOOLS
    for tool in tools.values():  # a description in Chinese and in English
        assert re.search(r"[\u4e00-\u9fff]{4}", tool.description) and re.search(r"[A-Za-z]+ [a-z]+ [a-z]+", tool.description)
    assert tools["ask"].input_schema["required"] == ["question"]
    assert tools["list_tasks"].input_schema["properties"]["role"]["enum"] == ["lead", "responsible", "any"]
    results = {name: result.structured_content for name, result in found["results"].items()}
    assert not any(result.is_error for result in found["results"].values())
    assert sources(results["list_documents"]["documents"]) == sources(get("/documents"))
    assert results["list_tasks"]["rows"] == get("/rows", jurisdiction="营口", agency="人社局")
    assert results["list_tasks"]["count"] == len(results["list_tasks"]["rows"]) > 0
    assert [results["get_task"]] == [r for r in get("/rows", doc="wafangdian") if r["id"] == "wafangdian#7"]
    assert results["lineage"]["rows"] == get("/lineage", doc="yingkou")
    assert results["coverage"]["rows"] == get("/coverage", parent="liaoning")
    cited = [c["id"] for c in results["ask"]["citations"]]
    assert cited == [r["id"] for r in get("/rows", jurisdiction="瓦房店", agency="人社局")]
    assert results["ask"]["plan"]["scope"]["places"] == ["瓦房店市"] and results["ask"]["answer"]
    assert all(error.is_error for error in found["errors"])
    assert "nowhere#1" in found["errors"][0].content[0].text


def test_every_tool_over_http_matches_the_api(start_server: Callable[..., str]) -> None:
    url = start_server(api_key=KEY)
    found = anyio.run(use_every_tool, over_http(url))
    with httpx.Client(base_url=url, headers={"X-API-Key": KEY}, timeout=30) as api:
        check_against_the_api(found, api)


def test_the_http_endpoint_wants_the_key(start_server: Callable[..., str]) -> None:
    url = start_server(api_key=KEY)
    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}
    headers = {"Accept": "application/json, text/event-stream"}
    for key_headers in ({}, {"Authorization": "Bearer wrong"}, {"X-API-Key": "wrong"}):
        response = httpx.post(f"{url}/mcp", json=initialize, headers={**headers, **key_headers}, timeout=10)
        assert response.status_code == 401 and response.json()["detail"].startswith("missing or wrong API key")
    for key_headers in ({"Authorization": f"Bearer {KEY}"}, {"X-API-Key": KEY}):
        response = httpx.post(f"{url}/mcp", json=initialize, headers={**headers, **key_headers}, timeout=10)
        assert response.status_code == 200 and response.json()["result"]["serverInfo"]["name"] == "policy-assistant"
    with pytest.raises(Exception):  # noqa: B017 - the SDK's client refuses to go on without the key
        anyio.run(use_every_tool, over_http(url, key=None))


@pytest.mark.slow
def test_every_tool_over_stdio_matches_the_api(warm_data_dir: Path, server: str) -> None:
    """`policy-assistant mcp` on its own data directory (it ingests the bundled lists first), checked against the
    session server, which serves the same lists."""
    found = anyio.run(use_every_tool, over_stdio(warm_data_dir))
    with httpx.Client(base_url=server, timeout=30) as api:
        check_against_the_api(found, api)
