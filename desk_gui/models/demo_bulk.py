"""The demo's bulk writer: planned tickets as rows, executemany in one transaction.

Used for benchmark-sized stores, where running every event as a command would take
hours. It writes what the commands would leave behind for tickets and messages (see
`demo.settle`), a "created" history row per ticket, and tags. It skips on purpose:

- the outbox: demo data is seed data, not commands a user made on this node, and a
  million fabricated commands must never be replicated to a shared database;
- the history of individual field changes (status, assignee...): it would triple the
  rows to write for a benchmark store; the commands path writes it for small demos.

Planning is CPU-bound Python, so large loads plan blocks of tickets in worker processes
(each block has its own seed, see demo.Planner) while this process only inserts. On
SQLite a fresh store is loaded with its secondary indexes and the full-text insert
trigger dropped, and builds them once at the end: one sort per index and one pass over
the messages is several times faster than updating every b-tree row by row.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import sys
import threading
import time
import uuid
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import demo_texts as tx
from .commands import TICKET_NUMBER_START
from .demo import MessagePlan, Parties, Planner, Progress, seeded_uuid7, settle
from .message import CallOutcome, MessageKind
from .meta import reserve
from .store import Store
from .ticket import Channel, Outcome, Priority, Status, Tag, TicketType

LOAD_CACHE_KIB = -1_048_576  # 1 GiB page cache while loading
ROLLBACK_JOURNAL = True
SORT_THREADS = 2
PARALLEL_MIN = 40_000  # below this, worker start-up costs more than it saves
WORKERS = 2
IN_FLIGHT = 6  # blocks planned ahead of the inserts (bounds memory)
# Seconds per phase of the last bulk load in this process (the benchmark prints them).
LAST_TIMINGS: dict[str, float] = {}

_LOADED_TABLES = ("tickets", "messages", "history", "ticket_tags")
_NAIVE_EPOCH = datetime(1970, 1, 1)
_AWARE_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Bound per row; the constant columns (row_version 0, the load's HLC...) are literals in
# the statement and the always-empty nullable ones are left out: fewer values to bind.
TICKET_COLUMNS = (
    "id", "number", "subject", "status", "priority", "type", "category", "channel",
    "group_id", "assignee_id", "contact_id", "organization_id", "created_at", "updated_at",
    "first_response_at", "resolved_at", "closed_at", "close_outcome", "close_reason",
    "follow_up_at", "last_customer_message_at",
)  # fmt: skip
# seq comes last: it is only known when the message's turn in time order has come.
MESSAGE_COLUMNS = (
    "id", "ticket_id", "kind", "author_agent_id", "from_addr", "to_addrs", "subject",
    "body_text", "message_id_header", "in_reply_to", "references", "call_outcome",
    "created_at", "seq",
)  # fmt: skip
HISTORY_COLUMNS = ("id", "ticket_id", "agent_id", "actor", "at", "new")
TAG_COLUMNS = ("ticket_id", "tag_id")
CONSTANTS = {
    "tickets": {"row_version": "0", "hlc": ":hlc"},
    "messages": {"row_version": "0", "hlc": ":hlc", "cc_addrs": "'[]'"},
    "history": {
        "row_version": "0", "hlc": ":hlc", "command": "'create_ticket'", "field": "'created'"
    },
    "ticket_tags": {},
}  # fmt: skip
JSON_COLUMNS = frozenset({"to_addrs", "cc_addrs", "references"})
_AGENT_CHANNELS = frozenset({Channel.PHONE, Channel.COUNTER})


class Encoding:
    """Python values as the driver wants them, matching what SQLAlchemy's types store."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.sqlite = dialect == "sqlite"
        self.uuid: Callable[[int], Any]
        self.time: Callable[[int], Any]
        if self.sqlite:
            # Uuid() stores 32 hex digits on SQLite; DateTime a naive UTC ISO string.
            self.uuid = lambda v: f"{v:032x}"
            self.time = lambda us: (_NAIVE_EPOCH + timedelta(microseconds=us)).isoformat(
                " ", "microseconds"
            )
        else:
            self.uuid = lambda v: uuid.UUID(int=v)
            self.time = lambda us: _AWARE_EPOCH + timedelta(microseconds=us)

    def insert_sql(self, table: str, columns: tuple[str, ...], hlc: str) -> str:
        mark = "?" if self.sqlite else "%s"
        values = [
            f"CAST({mark} AS json)" if c in JSON_COLUMNS and not self.sqlite else mark
            for c in columns
        ]
        constants = CONSTANTS[table]
        for literal in constants.values():
            if literal == ":hlc":  # our own clock's text: digits, dashes and a hex node id
                assert all(ch.isalnum() or ch == "-" for ch in hlc)
                literal = f"'{hlc}'"
            elif literal == "'[]'" and not self.sqlite:
                literal = "CAST('[]' AS json)"
            values.append(literal)
        names = ", ".join(f'"{c}"' for c in (*columns, *constants))
        return f"INSERT INTO {table} ({names}) VALUES ({', '.join(values)})"


def json_list(items: list[str]) -> str:
    """json.dumps for the plain ASCII lists of addresses and Message-IDs, much faster."""
    if all(x.isascii() and '"' not in x and "\\" not in x for x in items):
        return "[" + ", ".join(f'"{x}"' for x in items) + "]"
    import json

    return json.dumps(items)


# --- planning a block (in a worker process or in-line) ---------------------------------------


@dataclass(frozen=True)
class Job:
    """What a worker needs to turn blocks into rows; pickled once per worker."""

    parties: Parties
    tickets: int
    seed: int
    now: int
    dialect: str
    first_number: int
    tag_ids: dict[str, int]


@dataclass
class BlockRows:
    tickets: list[tuple[Any, ...]]
    history: list[tuple[Any, ...]]
    tags: list[tuple[Any, Any]]
    # (at, ticket index, event index, row without seq), in time order.
    messages: list[tuple[int, int, int, tuple[Any, ...]]]
    last_created: int


class BlockWriter:
    """Rows of one block of planned tickets, encoded for the target database."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.enc = enc = Encoding(job.dialect)
        self.planner = Planner(job.parties, job.tickets, job.seed, job.now)
        p, u = job.parties, enc.uuid
        self.agent_ids = [u(a.id) for a in p.agents]
        self.agent_names = [a.name for a in p.agents]
        self.group_ids = [u(g) for g in p.group_ids]
        self.contact_ids = [u(c.id) for c in p.contacts]
        self.org_of = [u(p.orgs[c.org].id) if c.org is not None else None for c in p.contacts]
        self.tag_ids = {name: u(v) for name, v in job.tag_ids.items()}

    def rows(self, b: int) -> BlockRows:
        u, t, v = self.enc.uuid, self.enc.time, _VALUE
        ids = random.Random(f"desk-demo-{self.job.seed}-history-{b}")
        group_ids, agent_ids, contact_ids = self.group_ids, self.agent_ids, self.contact_ids
        out = BlockRows([], [], [], [], 0)
        for plan in self.planner.block(b):
            s = settle(plan)
            tid = u(plan.id)
            number = self.job.first_number + plan.index
            created = t(plan.created_at)
            out.tickets.append(
                (
                    tid, number, plan.subject, v[s.status], v[s.priority], v[plan.type],
                    plan.category, v[plan.channel],
                    None if plan.group is None else group_ids[plan.group],
                    None if s.assignee is None else agent_ids[s.assignee],
                    contact_ids[plan.contact], self.org_of[plan.contact], created,
                    t(s.updated_at),
                    None if s.first_response_at is None else t(s.first_response_at),
                    None if s.resolved_at is None else t(s.resolved_at),
                    None if s.closed_at is None else t(s.closed_at),
                    None if s.close_outcome is None else v[s.close_outcome], s.close_reason,
                    None if s.follow_up_at is None else t(s.follow_up_at),
                    t(s.last_customer_at),
                )
            )  # fmt: skip
            creator = plan.events[0].agent if plan.channel in _AGENT_CHANNELS else None
            out.history.append(
                (
                    u(seeded_uuid7(ids, plan.created_at)), tid,
                    None if creator is None else agent_ids[creator],
                    v[plan.channel] if creator is None else self.agent_names[creator],
                    created, f"#{number}",
                )
            )  # fmt: skip
            for k, ev in enumerate(plan.events):
                if isinstance(ev, MessagePlan):
                    out.messages.append((ev.at, plan.index, k, self._message(tid, ev)))
                elif ev.op == "tag":
                    out.tags.append((tid, self.tag_ids[ev.value]))
            out.last_created = plan.created_at
        out.messages.sort(key=_KEY)
        return out

    def _message(self, ticket_id: Any, m: MessagePlan) -> tuple[Any, ...]:
        return (
            self.enc.uuid(m.id), ticket_id, _VALUE[m.kind],
            None if m.agent is None else self.agent_ids[m.agent], m.from_addr,
            json_list(m.to_addrs), m.subject, m.body, m.header, m.in_reply_to,
            json_list(m.references), None if m.call is None else _VALUE[m.call],
            self.enc.time(m.at),
        )  # fmt: skip


# Enum members to their stored text: a dict lookup is several times cheaper than .value.
_VALUE: dict[Any, str] = {
    m: m.value
    for e in (Status, Priority, TicketType, Channel, Outcome, MessageKind, CallOutcome)
    for m in e
}
_KEY = itemgetter(0, 1, 2)
_worker: BlockWriter | None = None


def _start_worker(job: Job) -> None:
    global _worker
    _worker = BlockWriter(job)


def _worker_rows(b: int) -> BlockRows:
    assert _worker is not None
    return _worker.rows(b)


def _blocks(job: Job, count: int) -> Iterator[BlockRows]:
    """Every block's rows, in block order: in worker processes when that pays off."""
    workers = min(WORKERS, os.cpu_count() or 1)
    if job.tickets < PARALLEL_MIN or workers < 2 or not _can_fork():
        writer = BlockWriter(job)
        for b in range(count):
            yield writer.rows(b)
        return
    # fork, not spawn: spawn re-runs the caller's __main__ in every worker, and a script
    # without a main guard would then load the store again. The forked workers only plan
    # (pure Python) and leave with os._exit, so the inherited connection is never used.
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, ctx, initializer=_start_worker, initargs=(job,)) as pool:
        pending: deque[Future[BlockRows]] = deque()
        for b in range(count):
            pending.append(pool.submit(_worker_rows, b))
            if len(pending) >= IN_FLIGHT:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _can_fork() -> bool:
    """Linux, and no other threads: forking a threaded process (the GUI) can deadlock."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


# --- inserting --------------------------------------------------------------------------------


def write_bulk(store: Store, parties: Parties, planner: Planner, progress: Progress | None) -> int:
    """Write all planned tickets in one transaction; returns the number of messages."""
    timings = LAST_TIMINGS
    timings.clear()
    started = time.perf_counter()
    enc = Encoding(store.dialect)
    hlc = store.clock.now()
    with _rollback_journal(store, timings), store.write() as session:
        loader = _Loader(session, enc, parties, planner, hlc, progress)
        if enc.sqlite:
            with _sqlite_fast_load(session, timings):
                loader.run()
        else:
            loader.run()
            # Planner statistics now, not whenever autovacuum notices a million new rows.
            session.connection().exec_driver_sql(f"ANALYZE {', '.join(_LOADED_TABLES)}")
        timings["insert"] = loader.insert_s
        commit = time.perf_counter()
    timings["commit"] = time.perf_counter() - commit - timings.get("wal", 0.0)
    timings["total"] = time.perf_counter() - started
    return loader.messages


@contextmanager
def _rollback_journal(store: Store, timings: dict[str, float]) -> Iterator[None]:
    """Load a fresh SQLite store with a rollback journal: every page is written once.

    WAL writes each page twice, to the log and at the checkpoint into the file (gigabytes
    for a million tickets). Pages new to the file need no journal at all, and the load
    stays one atomic transaction. Switching out of WAL needs this to be the only
    connection; when it is not, the load simply runs in WAL mode.
    """
    switched = False
    if store.dialect == "sqlite" and ROLLBACK_JOURNAL:
        raw = store.engine.raw_connection()
        try:
            db: Any = raw.driver_connection  # autocommit: pragmas run outside a transaction
            if db.execute("SELECT 1 FROM tickets LIMIT 1").fetchone() is None:
                switched = db.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
        finally:
            raw.close()
    try:
        yield
    finally:
        if switched:
            started = time.perf_counter()
            raw = store.engine.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA journal_mode = WAL")  # type: ignore[union-attr]
            finally:
                raw.close()
            timings["wal"] = time.perf_counter() - started


class _Loader:
    def __init__(
        self,
        session: Session,
        enc: Encoding,
        parties: Parties,
        planner: Planner,
        hlc: str,
        progress: Progress | None,
    ) -> None:
        self.session = session
        dbapi = session.connection().connection.driver_connection
        assert dbapi is not None
        self.cursor = dbapi.cursor()
        self.enc = enc
        self.parties = parties
        self.planner = planner
        self.hlc = hlc
        self.progress = progress
        self.messages = 0
        self.insert_s = 0.0
        self.pending: list[tuple[int, int, int, tuple[Any, ...]]] = []

    def run(self) -> None:
        n = self.planner.n
        if n == 0:
            return
        job = Job(
            self.parties,
            n,
            self.planner.seed,
            self.planner.now,
            self.enc.dialect,
            reserve(self.session, "ticket_number", n, TICKET_NUMBER_START),
            self._tags(),
        )
        sqls = [
            self.enc.insert_sql("tickets", TICKET_COLUMNS, self.hlc),
            self.enc.insert_sql("history", HISTORY_COLUMNS, self.hlc),
            self.enc.insert_sql("ticket_tags", TAG_COLUMNS, self.hlc),
        ]
        self.message_sql = self.enc.insert_sql("messages", MESSAGE_COLUMNS, self.hlc)
        done = 0
        for block in _blocks(job, self.planner.blocks):
            started = time.perf_counter()
            for sql, rows in zip(sqls, (block.tickets, block.history, block.tags), strict=True):
                self.cursor.executemany(sql, rows)
            self.insert_s += time.perf_counter() - started
            self._messages(block.messages, block.last_created)
            done += len(block.tickets)
            if self.progress is not None:
                self.progress(done, n)
        self._messages([], None)

    def _messages(
        self, new: list[tuple[int, int, int, tuple[Any, ...]]], until: int | None
    ) -> None:
        """Number and insert the messages whose place in time order is now settled.

        Later blocks only hold tickets created after `until`, so every message up to it
        is final; the rest waits for the next block.
        """
        pending = self.pending
        pending.extend(new)
        pending.sort(key=_KEY)  # two sorted runs: a linear merge
        cut = len(pending) if until is None else bisect_right(pending, until, key=itemgetter(0))
        if not cut:
            return
        seq = reserve(self.session, "message_seq", cut)
        rows = [m[3] + (seq + i,) for i, m in enumerate(pending[:cut])]
        del pending[:cut]
        started = time.perf_counter()
        self.cursor.executemany(self.message_sql, rows)
        self.insert_s += time.perf_counter() - started
        self.messages += len(rows)

    def _tags(self) -> dict[str, int]:
        names = sorted({t for s in tx.SCENARIOS for t in s.tags} | {"vip"})
        found: dict[str, uuid.UUID] = {
            name: tag_id
            for name, tag_id in self.session.execute(
                select(Tag.name, Tag.id).where(Tag.name.in_(names))
            )
        }
        for name in names:
            if name not in found:
                tag = Tag(name=name, hlc=self.hlc)
                self.session.add(tag)
                self.session.flush()
                found[name] = tag.id
        return {name: tag_id.int for name, tag_id in found.items()}


@contextmanager
def _sqlite_fast_load(session: Session, timings: dict[str, float]) -> Iterator[None]:
    """Load without the FTS insert trigger (and, into empty tables, without indexes)."""
    conn = session.connection()

    def rows(sql: str) -> list[Any]:
        return list(conn.exec_driver_sql(sql).all())

    first_seq = rows("SELECT coalesce(max(seq), 0) + 1 FROM messages")[0][0]
    empty = not rows("SELECT 1 FROM tickets LIMIT 1")
    tables = ", ".join(f"'{t}'" for t in _LOADED_TABLES)
    indexes = (
        rows(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({tables})"
        )
        if empty
        else []
    )
    triggers = rows(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = 'message_fts_ai'"
    )
    cache = rows("PRAGMA cache_size")[0][0]
    conn.exec_driver_sql(f"PRAGMA cache_size = {LOAD_CACHE_KIB}")
    for name, _ in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    for name, _ in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    started, cpu = time.perf_counter(), time.process_time()
    # The planner workers are done by now: let the sorter use a second core.
    conn.exec_driver_sql(f"PRAGMA threads = {SORT_THREADS}")
    for _, sql in indexes:
        conn.exec_driver_sql(sql)
    timings["indexes"] = time.perf_counter() - started
    timings["indexes_cpu"] = time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    for _, sql in triggers:
        conn.exec_driver_sql(sql)
        # The same rows the trigger would have added, in one pass.
        conn.exec_driver_sql(
            "INSERT INTO message_fts(rowid, subject, body_text) "
            f"SELECT seq, subject, body_text FROM messages WHERE seq >= {int(first_seq)}"
        )
    timings["fts"] = time.perf_counter() - started
    timings["fts_cpu"] = time.process_time() - cpu
    conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
    conn.exec_driver_sql("PRAGMA threads = 0")
