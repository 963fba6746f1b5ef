"""The MCP tools over stdio: the client starts `policy-assistant mcp` itself, as a desktop agent does.

    ASSISTANT_DATA_DIR=/srv/policy-assistant .venv/bin/python docs/examples/mcp_stdio.py
"""

import os
import sys
from pathlib import Path

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters

COMMAND = str(Path(sys.executable).with_name("policy-assistant"))  # .venv/bin/policy-assistant
ENV = {k: v for k, v in os.environ.items() if k.startswith("ASSISTANT_") or k == "PYTHONPATH"}  # else only PATH, HOME …


async def main() -> None:
    async with Client(StdioServerParameters(command=COMMAND, args=["mcp"], env=ENV), read_timeout_seconds=300) as client:
        documents = await client.call_tool("list_documents", {})
        print([d["doc"] for d in documents.structured_content["documents"]])
        row = await client.call_tool("get_task", {"id": "yingkou#12"})
        print(row.structured_content["text"][:30])
        links = await client.call_tool("lineage", {"doc": "yingkou"})
        print(links.structured_content["rows"][11])


anyio.run(main)
