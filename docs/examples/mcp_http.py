"""The MCP tools over streamable HTTP, with the `mcp` SDK's client.

    POLICY_ASSISTANT_URL=http://127.0.0.1:8000 ASSISTANT_API_KEY=s3cret python docs/examples/mcp_http.py
"""

import os

import anyio
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

URL = os.environ.get("POLICY_ASSISTANT_URL", "http://127.0.0.1:8000") + "/mcp"
KEY = os.environ.get("ASSISTANT_API_KEY", "none")


async def main() -> None:
    http = create_mcp_http_client(headers={"Authorization": f"Bearer {KEY}"})
    async with Client(streamable_http_client(URL, http_client=http)) as client:
        print([tool.name for tool in (await client.list_tools()).tools])
        rows = await client.call_tool("list_tasks", {"jurisdiction": "营口", "agency": "人社局", "role": "responsible"})
        print(rows.structured_content["count"], "rows, first", rows.structured_content["rows"][0]["id"])
        answer = await client.call_tool("ask", {"question": "那瓦房店呢？",
                                                "previous_questions": ["营口市人社局要做哪些工作？"]})
        print(answer.structured_content["plan_line"], "|", len(answer.structured_content["citations"]), "rows")


anyio.run(main)
