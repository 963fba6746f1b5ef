"""The state store: one interface over SQLAlchemy, for an embedded SQLite file or a PostgreSQL server."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, and_, delete, func, select, true, update

from state import schema
from state.locks import WriterLock
from state.records import Counter, ListChange, ListEntry, ListFile, Pointer, SessionRecord, StalePointer

T = TypeVar("T")
POLL_SECONDS = 0.25  # how often a waiting reader reads the pointer row when nothing tells it the pointer moved


class StateStore:
    """Sessions, counters, lineage corrections, the places given with uploads, build pointers and the leases of
    their readers, each change one transaction.

    The SQL is the same on both engines; `SQLiteState` and `PostgresState` (state.backends) differ in how they
    connect, take write locks and wait for the pointer to move.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        schema.metadata.create_all(engine)
        for table in schema.metadata.sorted_tables:  # create_all adds no index to a table an older version made
            for index in table.indexes:
                index.create(engine, checkfirst=True)

    @property
    def where(self) -> str:
        """The database, for log lines (no password)."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def writer_lock(self, name: str) -> WriterLock:
        """The lock the single writer of the index `name` holds while it builds and moves the pointer."""
        raise NotImplementedError(f"{type(self).__name__} has no writer lock")

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction; SQLiteState takes the database's write lock at its start."""
        with self.engine.begin() as conn:
            yield conn

    def _insert(self, table: Any) -> Any:
        """An INSERT that knows ON CONFLICT, in this engine's dialect (imported here: PostgreSQL's dialect is
        a fiftieth of a second of every command's start-up over SQLite)."""
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects import postgresql

            return postgresql.insert(table)
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(table)

    # Sessions

    def issue_session(self, session_id: str, owner: str | None, now: float, keep_unused: int) -> None:
        """Record an issued id; of the ids never used for a turn, at most `keep_unused` are kept: counted first
        (on an index), and past the bound the oldest go, down to a tenth below it, as `_trim` does."""
        s = schema.sessions
        with self._writing() as conn:
            conn.execute(s.insert().values(id=session_id, owner=owner, issued_at=now, lost=False))
            never = and_(s.c.lost.is_(False), s.c.turn_at.is_(None))  # a turn's time is kept with the turn
            if conn.execute(select(func.count()).select_from(s).where(never)).scalar_one() <= keep_unused:
                return
            unused = select(s.c.id).where(never).order_by(s.c.issued_at.desc()) \
                .offset(keep_unused - keep_unused // 10).with_for_update(skip_locked=True)  # as _trim
            conn.execute(delete(s).where(s.c.id.in_(unused.scalar_subquery())))

    def session(self, session_id: str) -> SessionRecord | None:
        s = schema.sessions
        with self.engine.connect() as conn:
            row = conn.execute(select(s.c.owner, s.c.turn, s.c.turn_at, s.c.lost).where(s.c.id == session_id)).first()
        return SessionRecord(row.owner, row.turn, row.turn_at, bool(row.lost)) if row else None

    def save_turn(self, session_id: str, turn: str, now: float,
                  limits: tuple[int, int] | None = None, owner: str | None = None) -> str | None:
        """Remember a session's turn (an id not recorded yet is recorded as `owner`'s: issued with this turn);
        the session's owner. With `limits` (per owner, in total), the oldest turns past them are trimmed in the
        same transaction, when this turn is a session's first kept one: a session that already held a turn adds
        nothing to count."""
        s = schema.sessions
        with self._writing() as conn:
            before = conn.execute(select(s.c.owner, s.c.turn_at).where(s.c.id == session_id)).first()
            upsert = self._insert(s).values(id=session_id, owner=owner, issued_at=now, turn=turn, turn_at=now,
                                            lost=False)
            conn.execute(upsert.on_conflict_do_update(index_elements=[s.c.id],
                                                      set_={"turn": turn, "turn_at": now, "lost": False}))
            if before is not None:
                owner = before.owner
            if limits is not None and (before is None or before.turn_at is None):
                self._trim(conn, owner, *limits)
            return owner

    def drop_turn(self, session_id: str, lost: bool, limit: int | None = None) -> None:
        """Forget a session's turn; `lost` marks it as one whose memory is gone (said at its next question), and
        of the lost sessions only the newest `limit` are kept."""
        s = schema.sessions
        with self._writing() as conn:
            conn.execute(update(s).where(s.c.id == session_id).values(turn=None, turn_at=None, lost=lost))
            if lost and limit is not None:
                self._trim_lost(conn, limit)

    def trim_turns(self, owner: str | None, per_owner: int, total: int) -> None:
        """Forget the oldest turns past `per_owner` of one owner's and past `total` of all (marked lost); of
        the lost sessions only the newest `total` are kept."""
        with self._writing() as conn:
            self._trim(conn, owner, per_owner, total)

    @classmethod
    def _trim(cls, conn: Connection, owner: str | None, per_owner: int, total: int) -> None:
        """Counted first (on the indexes), changed only past a bound, and then down to a tenth below it: a store
        under its bounds is not rewritten, and the lost sessions are counted only when this trim marked some. Rows another transaction holds (a
        turn being saved, another server's trim) are skipped, not waited for: trims at once on two servers
        would otherwise wait for each other's rows, a deadlock PostgreSQL ends by failing one of them. What is
        skipped is trimmed by a later turn."""
        s = schema.sessions
        mine = s.c.owner.is_(None) if owner is None else s.c.owner == owner
        marked = 0
        for scope, keep in ((mine, per_owner), (true(), total)):
            kept = and_(s.c.turn_at.is_not(None), scope)
            if conn.execute(select(func.count()).select_from(s).where(kept)).scalar_one() <= keep:
                continue
            keep -= keep // 10  # a tenth below the bound: the next turns past it trim nothing and mark none lost
            older = select(s.c.id).where(kept).order_by(s.c.turn_at.desc()).offset(keep) \
                .with_for_update(skip_locked=True)
            marked += conn.execute(update(s).where(s.c.id.in_(older.scalar_subquery()))
                                   .values(turn=None, turn_at=None, lost=True)).rowcount
        if marked:
            cls._trim_lost(conn, total)

    @staticmethod
    def _trim_lost(conn: Connection, total: int) -> None:
        """Of the sessions marked lost, only the newest `total` are kept."""
        s = schema.sessions
        if conn.execute(select(func.count()).select_from(s).where(s.c.lost.is_(True))).scalar_one() > total:
            lost = select(s.c.id).where(s.c.lost.is_(True)).order_by(s.c.issued_at.desc()).offset(total) \
                .with_for_update(skip_locked=True)
            conn.execute(delete(s).where(s.c.id.in_(lost.scalar_subquery())))

    # Counters

    def change_counters(self, keys: list[str], change: Callable[[dict[str, Counter]], T], now: float,
                        forget_after: float = 86_400.0) -> T:
        """Run `change` on the counters `keys` (absent ones start at zero) with them locked against every other
        process, and write back what it leaves; an emptied counter is deleted. Counters untouched for
        `forget_after` seconds and no longer blocking are forgotten."""
        c = schema.counters
        with self._writing() as conn:
            ordered = sorted(set(keys))  # one lock order for every writer
            conn.execute(self._insert(c).values([{"key": k, "count": 0, "until": 0.0, "times": "[]", "touched": now}
                                                 for k in ordered]).on_conflict_do_nothing())
            rows = conn.execute(select(c.c.key, c.c.count, c.c.until, c.c.times).where(c.c.key.in_(ordered))
                                .order_by(c.c.key).with_for_update()).all()
            counters = {key: Counter(count, until, json.loads(times)) for key, count, until, times in rows}
            result = change(counters)
            for key, counter in counters.items():
                if counter.empty:
                    conn.execute(delete(c).where(c.c.key == key))
                else:
                    conn.execute(update(c).where(c.c.key == key).values(
                        count=counter.count, until=counter.until, times=json.dumps(counter.times), touched=now))
            conn.execute(delete(c).where(c.c.touched < now - forget_after, c.c.until < now))
        return result

    def forget_counters(self, keys: list[str]) -> None:
        c = schema.counters
        with self._writing() as conn:
            conn.execute(delete(c).where(c.c.key.in_(keys)))

    # Lineage corrections

    def corrections(self) -> dict[tuple[str, str], str]:
        k = schema.corrections
        with self.engine.connect() as conn:
            return {(r.child, r.parent): r.verdict for r in conn.execute(select(k))}

    def set_corrections(self, verdicts: dict[tuple[str, str], str]) -> None:
        """Add or replace verdicts on links (child row, parent row)."""
        if not verdicts:
            return
        k = schema.corrections
        with self._writing() as conn:
            for (child, parent), verdict in verdicts.items():
                upsert = self._insert(k).values(child=child, parent=parent, verdict=verdict)
                conn.execute(upsert.on_conflict_do_update(index_elements=[k.c.child, k.c.parent],
                                                          set_={"verdict": verdict}))

    # Places given with uploaded lists

    def list_places(self) -> dict[str, str]:
        """The place given with each uploaded list file, by the file's key (its stem)."""
        k = schema.list_places
        with self.engine.connect() as conn:
            return {r.key: r.place for r in conn.execute(select(k))}

    def set_list_place(self, key: str, place: str | None) -> None:
        """Remember the place given with an uploaded file (None: forget it, its title says the place)."""
        k = schema.list_places
        with self._writing() as conn:
            conn.execute(delete(k).where(k.c.key == key))
            if place:
                conn.execute(k.insert().values(key=key, place=place))

    # The registry of added lists

    def list_files(self) -> list[ListFile]:
        """Every added list file, by key, with the lists read from it (without its bytes)."""
        f, k = schema.list_files, schema.lists
        with self.engine.connect() as conn:
            entries: dict[str, list[ListEntry]] = {}
            for r in conn.execute(select(k).order_by(k.c.doc)):
                entries.setdefault(r.file, []).append(ListEntry(r.doc, r.title, r.place))
            rows = conn.execute(select(*(c for c in f.c if c.name != "content")).order_by(f.c.key)).all()
        return [ListFile(r.key, r.name, r.format, r.sha256, r.size, r.place, r.uploaded_by, r.uploaded_at,
                         tuple(entries.get(r.key, ()))) for r in rows]

    def list_file(self, key: str) -> ListFile | None:
        """The added file of `key` with its bytes; None when the registry holds none."""
        f = schema.list_files
        with self.engine.connect() as conn:
            content = conn.execute(select(f.c.content).where(f.c.key == key)).scalar()
        found = next((file for file in self.list_files() if file.key == key), None)
        return None if found is None or content is None else replace(found, content=bytes(content))

    def change_lists(self, change: ListChange) -> None:
        """Record and forget added files outside a pointer move (a file added again unchanged, a key the index
        no longer holds)."""
        with self._writing() as conn:
            self._change_lists(conn, change)

    @staticmethod
    def _change_lists(conn: Connection, change: ListChange) -> None:
        f, k = schema.list_files, schema.lists
        keys = [file.key for file in change.record] + list(change.forget)
        if keys:
            conn.execute(delete(k).where(k.c.file.in_(keys)))
            conn.execute(delete(f).where(f.c.key.in_(keys)))
        for file in change.record:
            if file.content is None:
                raise ValueError(f"the added file {file.key!r} is recorded without its bytes")
            conn.execute(f.insert().values(key=file.key, name=file.name, format=file.format, sha256=file.sha256,
                                           size=file.size, content=file.content, place=file.place,
                                           uploaded_by=file.uploaded_by, uploaded_at=file.uploaded_at))
            if file.lists:
                conn.execute(k.insert(), [{"doc": e.doc, "file": file.key, "title": e.title, "place": e.place}
                                          for e in file.lists])

    # Build pointers

    def pointer(self, name: str) -> Pointer:
        p = schema.pointers
        with self.engine.connect() as conn:
            row = conn.execute(select(p.c.active, p.c.version).where(p.c.name == name)).first()
        return Pointer(row.active, row.version) if row else Pointer(None, 0)

    def move_pointer(self, name: str, active: str, expected: int, lists: ListChange | None = None,
                     also: Callable[[Connection], None] | None = None) -> Pointer:
        """Point `name` at `active` if it is still at version `expected` (compare-and-set); StalePointer if
        another writer moved it since. `lists` (the added lists the build adds or removes) is written to the
        registry in the same transaction, and `also` (the build's manifest) runs in it: all change, or none."""
        p = schema.pointers
        with self._writing() as conn:
            if expected == 0:
                inserted = self._insert(p).values(name=name, active=active, version=1).on_conflict_do_nothing()
                moved = len(conn.execute(inserted.returning(p.c.name)).all())
            else:
                moved = conn.execute(update(p).where(and_(p.c.name == name, p.c.version == expected))
                                     .values(active=active, version=p.c.version + 1)).rowcount
            if moved != 1:
                now = conn.execute(select(p.c.active, p.c.version).where(p.c.name == name)).first()
                raise StalePointer(f"the build pointer {name!r} moved (version {expected} read, "
                                   f"{now.version if now else 0} now, at {now.active if now else None}): "
                                   f"{active} was not activated")
            if lists is not None:
                self._change_lists(conn, lists)
            if also is not None:
                also(conn)
            self._announce(conn, name)
        return Pointer(active, expected + 1)

    def _announce(self, conn: Connection, name: str) -> None:
        """Tell waiting readers that the pointer moved (PostgresState: NOTIFY); readers of SQLite poll."""

    def wait_pointer(self, name: str, seen: Pointer, timeout: float) -> Pointer:
        """The pointer once it differs from `seen`, or as it is after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            current = self.pointer(name)
            left = deadline - time.monotonic()
            if current != seen or left <= 0:
                return current
            time.sleep(min(POLL_SECONDS, left))

    # Leases on builds

    def hold_lease(self, holder: str, name: str, build: str, now: float) -> None:
        """Record that `holder` (one process) reads `build` of the pointer `name` as of `now`."""
        lease = schema.leases
        with self._writing() as conn:
            upsert = self._insert(lease).values(holder=holder, name=name, build=build, heartbeat=now)
            conn.execute(upsert.on_conflict_do_update(index_elements=[lease.c.holder, lease.c.name, lease.c.build],
                                                      set_={"heartbeat": now}))

    def release_leases(self, holder: str) -> None:
        """Forget every lease of `holder` (a process that stops)."""
        lease = schema.leases
        with self._writing() as conn:
            conn.execute(delete(lease).where(lease.c.holder == holder))

    def leased_builds(self, name: str, since: float) -> set[str]:
        """The builds of the pointer `name` some process renewed its lease on at `since` or later; older leases
        (of processes that died) are deleted."""
        lease = schema.leases
        with self._writing() as conn:
            conn.execute(delete(lease).where(lease.c.name == name, lease.c.heartbeat < since))
            return set(conn.execute(select(lease.c.build).where(lease.c.name == name).distinct()).scalars())
