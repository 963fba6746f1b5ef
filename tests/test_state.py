"""The state store over SQLite and over a real PostgreSQL: two instances (two servers) share sessions, counters,
corrections and the build pointer, and a stale writer cannot move the pointer."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.links import LinkCorrections
from assistant.sessions import SessionStore
from assistant.understand.plan import QueryPlan
from evals.local_postgres import fresh_database
from state import (
    BuildLease,
    ListChange,
    ListEntry,
    ListFile,
    Pointer,
    StalePointer,
    StateStore,
    StateUnavailable,
    open_state,
)
from ui.security import LoginGuard, RateLimiter

Opener = Callable[[], StateStore]


@pytest.fixture(params=["sqlite", "postgresql"])
def open_two(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens state stores over one database, as two servers would: SQLite in a data directory, or PostgreSQL
    in a database of its own on the session's server."""
    opened: list[StateStore] = []
    if request.param == "sqlite":
        def opener() -> StateStore:
            return open_state(None, tmp_path / "data")
    else:
        database = fresh_database(request.getfixturevalue("postgres_url"))

        def opener() -> StateStore:
            return open_state(database, tmp_path)

    def tracked() -> StateStore:
        opened.append(opener())
        return opened[-1]

    yield tracked
    for store in opened:
        store.close()


def test_a_conversation_begun_on_one_server_continues_on_another(open_two: Opener) -> None:
    first, second = SessionStore(open_two()), SessionStore(open_two())
    session = first.new_id("key-a")
    plan = QueryPlan(question="营口市人社局要做哪些工作？", lang="zh")
    first.remember(session, plan, ["yingkou#1", "yingkou#2"])
    assert second.issued(session, "key-a") and not second.issued(session, "key-b")
    turn = second.last(session)
    assert turn is not None and turn.plan == plan and turn.row_ids == ["yingkou#1", "yingkou#2"]
    second.forget(session)
    assert first.last(session) is None and not first.expired(session)


def test_an_expired_conversation_is_said_to_be_expired_on_every_server(open_two: Opener) -> None:
    first, second = SessionStore(open_two(), ttl_seconds=0.2), SessionStore(open_two(), ttl_seconds=0.2)
    session = first.new_id()
    first.remember(session, QueryPlan(question="q"), [])
    time.sleep(0.3)
    assert second.last(session) is None and first.expired(session) and second.expired(session)


def test_the_rate_limit_counts_a_clients_requests_on_every_server_together(open_two: Opener) -> None:
    now = [1000.0]  # one clock for both servers: a slow store must not let the minute pass mid-test
    first = RateLimiter(open_two(), per_minute=3, clock=lambda: now[0])
    second = RateLimiter(open_two(), per_minute=3, clock=lambda: now[0])
    assert [first.retry_after("10.0.0.1"), second.retry_after("10.0.0.1"), first.retry_after("10.0.0.1")] == \
        [None, None, None]
    wait = second.retry_after("10.0.0.1")
    assert wait == 60
    assert first.retry_after("10.0.0.2") is None  # another client has its own minute


def test_login_failures_on_one_server_make_another_wait(open_two: Opener) -> None:
    now = [1000.0]  # one clock for both servers: a slow store must not let the 1 s wait run out mid-test
    first = LoginGuard(app=None, state=open_two(), free=2, clock=lambda: now[0])  # type: ignore[arg-type]
    second = LoginGuard(app=None, state=open_two(), free=2, clock=lambda: now[0])  # type: ignore[arg-type]
    assert [first.attempt("u", "10.0.0.1"), second.attempt("u", "10.0.0.1"), first.attempt("u", "10.0.0.1")] == \
        [0.0, 0.0, 0.0]  # the third failure starts a wait of 1 s
    assert second.attempt("u", "10.0.0.1") == 1.0 and second.failures("u", "10.0.0.1") == 3
    now[0] += 1.0  # the wait has run out: the next guess is checked
    assert second.attempt("u", "10.0.0.1") == 0.0 and first.failures("u", "10.0.0.1") == 4
    first.succeeded("u", "10.0.0.1")
    assert second.attempt("u", "10.0.0.1") == 0.0


def test_guesses_at_once_on_two_servers_are_each_counted_once(open_two: Opener) -> None:
    guards = [LoginGuard(app=None, state=open_two(), free=1000, address_free=1000)  # type: ignore[arg-type]
              for _ in range(2)]
    threads = [threading.Thread(target=lambda g=guards[n % 2]: [g.attempt("u", "10.0.0.9") for _ in range(10)])
               for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert guards[0].failures("u", "10.0.0.9") == 80  # no increment lost between the two


def test_turns_saved_at_once_on_two_servers_past_the_session_bound_are_all_saved(open_two: Opener) -> None:
    """Past the bound, every saved turn trims the oldest: trims at once on two servers must not deadlock
    (PostgreSQL would end one of them with an error: a 500 to its client, a turn lost)."""
    stores = [SessionStore(open_two(), max_sessions=5) for _ in range(2)]
    problems: list[str] = []

    def converse(store: SessionStore) -> None:
        for n in range(50):
            try:
                store.remember(store.fresh_id(), QueryPlan(question=f"第{n}个问题"), [f"yingkou#{n}"])
            except Exception as err:
                problems.append(f"{type(err).__name__}: {str(err)[:120]}")

    threads = [threading.Thread(target=converse, args=(stores[n % 2],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == []


def test_a_correction_made_on_one_server_is_read_on_another(open_two: Opener) -> None:
    first, second = LinkCorrections(open_two()), LinkCorrections(open_two(), fresh_seconds=0.0)
    first.set("yingkou#12", "liaoning#15", "rejected")
    assert second.all() == {("yingkou#12", "liaoning#15"): "rejected"}
    second.set("yingkou#12", "liaoning#15", "confirmed")
    assert first.all() == {("yingkou#12", "liaoning#15"): "confirmed"}  # its own cache: changed by a set only


def test_compare_and_set_refuses_a_writer_that_read_a_pointer_moved_since(open_two: Opener) -> None:
    first, second = open_two(), open_two()
    assert first.pointer("rows") == Pointer(None, 0)
    assert first.move_pointer("rows", "rows-1", expected=0) == Pointer("rows-1", 1)
    read_by_both = second.pointer("rows")
    first.move_pointer("rows", "rows-2", expected=read_by_both.version)
    with pytest.raises(StalePointer, match="rows-3 was not activated"):
        second.move_pointer("rows", "rows-3", expected=read_by_both.version)
    with pytest.raises(StalePointer):
        second.move_pointer("rows", "rows-0", expected=0)  # a second first writer
    assert second.pointer("rows") == first.pointer("rows") == Pointer("rows-2", 2)


def added_file(key: str, content: bytes) -> ListFile:
    return ListFile(key=key, name=f"{key}.txt", format="txt", sha256=hashlib.sha256(content).hexdigest(),
                    size=len(content), place="盖州市", uploaded_by="key-a", uploaded_at=1_700_000_000.0,
                    lists=(ListEntry(key, "盖州市任务清单", "盖州市"),), content=content)


def test_a_list_added_on_one_server_is_listed_with_its_bytes_on_another(open_two: Opener) -> None:
    first, second = open_two(), open_two()
    content = "盖州市任务清单\n序号\t任务\n1\t加强实训设施建设\n".encode()
    first.move_pointer("rows", "rows-1", expected=0, lists=ListChange(record=(added_file("gaizhou", content),)))
    [listed] = second.list_files()
    assert (listed.key, listed.sha256, listed.size, listed.uploaded_by, listed.content) == \
        ("gaizhou", hashlib.sha256(content).hexdigest(), len(content), "key-a", None)
    assert listed.lists == (ListEntry("gaizhou", "盖州市任务清单", "盖州市"),)
    held = second.list_file("gaizhou")
    assert held is not None and held.content == content
    with pytest.raises(StalePointer):  # a writer that lost the race records nothing
        second.move_pointer("rows", "rows-x", expected=0, lists=ListChange(record=(added_file("other", b"x"),)))
    assert [f.key for f in first.list_files()] == ["gaizhou"] and first.list_file("other") is None
    second.move_pointer("rows", "rows-2", expected=1, lists=ListChange(forget=("gaizhou",)))
    assert first.list_files() == [] and first.list_file("gaizhou") is None


def test_a_reader_waiting_on_the_pointer_hears_another_writer_move_it(open_two: Opener) -> None:
    reader, writer = open_two(), open_two()
    seen = reader.pointer("rows")
    moved_at: list[float] = []

    def move() -> None:
        time.sleep(0.3)
        writer.move_pointer("rows", "rows-1", expected=0)
        moved_at.append(time.monotonic())

    mover = threading.Thread(target=move)
    mover.start()
    current = reader.wait_pointer("rows", seen, timeout=5.0)
    heard_at = time.monotonic()
    mover.join()
    assert current == Pointer("rows-1", 1)
    assert heard_at - moved_at[0] < 0.5
    started = time.monotonic()
    assert reader.wait_pointer("rows", current, timeout=0.3) == current  # nothing moved: waits it out
    assert time.monotonic() - started >= 0.29


def test_a_build_leased_by_a_server_is_seen_by_every_other_until_released_or_expired(open_two: Opener) -> None:
    first, second, writer = open_two(), open_two(), open_two()
    now = [1000.0]
    one = BuildLease(first, "rows", ttl=60.0, holder="server-1", clock=lambda: now[0])
    two = BuildLease(second, "rows", ttl=60.0, holder="server-2", clock=lambda: now[0])
    one.renew("rows-1")
    two.renew("rows-1")
    two.renew("rows-2")  # switched: its lease on rows-1 is left to expire (answers in flight may read it)
    assert writer.leased_builds("rows", since=now[0] - 60) == {"rows-1", "rows-2"}
    assert writer.leased_builds("other", since=now[0] - 60) == set()  # another pointer's builds
    one.release()  # a server that stops
    assert writer.leased_builds("rows", since=now[0] - 60) == {"rows-1", "rows-2"}  # server 2's, not yet expired
    now[0] += 30
    two.renew("rows-2")  # renewed when due (a third of the TTL); rows-1 is not
    now[0] += 45
    assert writer.leased_builds("rows", since=now[0] - 60) == {"rows-2"}  # server 2's rows-1 lease expired
    assert writer.leased_builds("rows", since=now[0] - 10) == set()  # none renewed since: all deleted


def test_a_database_that_does_not_answer_is_one_clear_error(tmp_path: Path) -> None:
    from evals.local_server import free_port

    url = f"postgresql://nobody@127.0.0.1:{free_port()}/none?connect_timeout=2"
    with pytest.raises(StateUnavailable, match=r"state store postgresql://nobody@127\.0\.0\.1:\d+/none"):
        open_state(url, tmp_path)


def test_a_store_made_before_an_index_existed_gets_the_index_when_opened(open_two: Opener) -> None:
    """create_all makes missing tables only; a data directory from an older version lacked the index the
    session trim counts on, and every turn then scanned the whole table."""
    from sqlalchemy import inspect, text

    first = open_two()
    with first.engine.begin() as conn:
        conn.execute(text("DROP INDEX sessions_lost"))
    assert "sessions_lost" not in {i["name"] for i in inspect(first.engine).get_indexes("sessions")}
    second = open_two()
    assert "sessions_lost" in {i["name"] for i in inspect(second.engine).get_indexes("sessions")}
