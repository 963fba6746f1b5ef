"""`policy-assistant chat`: a conversation in the terminal, with line editing and a kept history (readline)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from pathlib import Path

import click

from assistant.core import Assistant
from assistant.models import Answer

HISTORY_LENGTH = 1000  # questions kept in the history file


def line_editing(history: Path) -> Callable[[], None]:
    """On a terminal: arrow keys edit the line and Up / Down recall earlier questions, this session's and the
    previous ones' (read from `history`). Returns what saves the history. Not on a pipe: readline would only
    add escape codes there."""
    if not sys.stdin.isatty():
        return lambda: None
    try:
        import readline
    except ImportError:  # a Python built without it: plain input() still works
        return lambda: None
    readline.set_history_length(HISTORY_LENGTH)
    with contextlib.suppress(OSError):  # none yet, or unreadable: start an empty one
        readline.read_history_file(history)

    def save() -> None:
        try:
            history.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(history)
        except OSError as err:
            click.echo(f"warning: chat history not saved: {err}", err=True)

    return save


def forget_last_line() -> None:
    """Drop the line just typed from the history (the word that ends the chat is no question to recall)."""
    if not sys.stdin.isatty():
        return
    with contextlib.suppress(ImportError, ValueError):
        import readline

        if (length := readline.get_current_history_length()) > 0:
            readline.remove_history_item(length - 1)


def echo_unread(answer: Answer) -> None:
    """For an answer that did not read every word: `unread: 航天` on stderr, seen on a terminal even when the
    answer itself is piped (its first line says 未理解 too); for conditions that meet no row together though
    each alone is met, `not understood:` and that first line."""
    if answer.unread:
        click.echo(f"unread: {', '.join(answer.unread)}", err=True)
    elif not answer.understood:
        click.echo(f"not understood: {answer.answer.partition(chr(10))[0]}", err=True)


HINT = "输入问题后按回车；空行不会结束对话。结束：输入“退出”（或 exit），或按 Ctrl-D / Ctrl-C。"
LEAVE = {"退出", "结束", "exit", "quit", "q"}


def run_chat(assistant: Assistant, history: Path) -> None:
    """Ask each line in one session until 退出 (exit, quit), Ctrl-D or Ctrl-C; an empty line asks again."""
    save_history = line_editing(history)
    session_id = assistant.sessions.new_id()
    click.echo(HINT, err=True)  # on the terminal, not in an answer piped on
    try:
        while True:
            try:
                question = click.prompt("问", prompt_suffix="> ", default="", show_default=False)
            except (EOFError, click.Abort):
                break
            if not question.strip():  # an Enter pressed by mistake does not end the conversation
                continue
            if question.strip().lower() in LEAVE:
                forget_last_line()
                break
            answer = assistant.ask(question, session_id)
            click.echo(answer.answer)
            echo_unread(answer)
            click.echo()
    finally:
        save_history()
