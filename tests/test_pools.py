"""Long questions run on threads of their own: a burst of them never queues a short question."""

from __future__ import annotations

import threading

from ui.pools import AskPools


def test_a_short_question_runs_while_long_ones_fill_their_pool() -> None:
    pools = AskPools(workers=2, long_workers=1, long_chars=10)
    release = threading.Event()

    def ask(question: str) -> str:
        if len(question) > 10:
            release.wait(10)
        return threading.current_thread().name

    long = [pools.submit(ask, "长" * 50) for _ in range(3)]  # one runs, two wait on the long pool
    short = pools.submit(ask, "营口市人社局要做哪些工作？"[:8])
    assert short.result(timeout=2).startswith("ask_")  # not behind the long ones
    release.set()
    assert all(f.result(timeout=10).startswith("ask-long") for f in long)
    pools.shutdown()
