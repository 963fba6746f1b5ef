"""The threads that run asks: long questions on a pool of their own, so they never queue a short one.

A question's embedding is linear in its length (up to the model's 512 tokens); eight 2,000-character questions at
once filled the one ask pool, and a short fact question waited behind them. Here a question of more than
`long_chars` characters runs on a pool of `long_workers` threads, every other on the main pool.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Any

LONG_CHARS = 200


class AskPools(Executor):
    """An Executor for `submit(assistant.ask, question, …)`: it routes on the question, the first argument."""

    def __init__(self, workers: int = 8, long_workers: int = 1, long_chars: int = LONG_CHARS) -> None:
        self.short = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ask")
        self.long = ThreadPoolExecutor(max_workers=long_workers, thread_name_prefix="ask-long")
        self.long_chars = long_chars

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        question = args[0] if args and isinstance(args[0], str) else ""
        pool = self.long if len(question) > self.long_chars else self.short
        return pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        for pool in (self.short, self.long):
            pool.shutdown(wait=wait, cancel_futures=cancel_futures)
