"""The examples of docs/clients.md (docs/examples/*.py) run as written, against a loopback server with a key."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
KEY = "k-docs-test"


def run_example(name: str, **env: str) -> list[str]:
    result = subprocess.run([sys.executable, str(EXAMPLES / name)], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.splitlines()


@pytest.fixture(scope="module")
def keyed_server(start_server: Callable[..., str]) -> str:
    return start_server(api_key=KEY)


def test_the_openai_example(keyed_server: str) -> None:
    lines = run_example("openai_chat.py", POLICY_ASSISTANT_URL=keyed_server, ASSISTANT_API_KEY=KEY)
    assert lines[0] == "条件：营口市 · 人社局；列出全部 | 27 rows, first yingkou#1"
    assert lines[1].startswith("条件：瓦房店市 · 人社局；列出全部 | ") and "first wafangdian#" in lines[1]
    assert lines[2].startswith("usage: ") and lines[3] == "> 条件：瓦房店市 · 财政局；列出全部"


def test_the_mcp_http_example(keyed_server: str) -> None:
    lines = run_example("mcp_http.py", POLICY_ASSISTANT_URL=keyed_server, ASSISTANT_API_KEY=KEY)
    assert lines == ["['ask', 'list_tasks', 'get_task', 'lineage', 'coverage', 'list_documents']",
                     "27 rows, first yingkou#1", lines[2]]
    assert lines[2].startswith("条件：瓦房店市 · 人社局；列出全部 | ")


@pytest.mark.slow
def test_the_mcp_stdio_example(warm_data_dir: Path) -> None:
    lines = run_example("mcp_stdio.py", ASSISTANT_DATA_DIR=str(warm_data_dir))
    assert lines[0] == "['huancui', 'liaoning', 'wafangdian', 'yingkou']"
    assert lines[2].startswith("{'child': 'yingkou#12', 'parents': [{'id': 'liaoning#15'")
