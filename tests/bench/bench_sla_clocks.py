"""Benchmark: recomputing the SLA clocks of 100,000 open tickets, and the "Due soon" view.

Run with `uv run python tests/bench/bench_sla_clocks.py [--open N] [--closed M] [--db URL]
[--processes P]`. Seeds a fresh store (SQLite in a temporary directory; `--db postgresql`:
a throwaway PostgreSQL cluster as the tests start it; else --db names an empty
database) with open tickets that have realistic histories (answered, waiting for the
customer, paused and resumed, customer replies with and without answers) and closed
tickets whose clocks are met, then measures:

* the engine's full recompute (cold: no clocks yet; after a policy change: every clock
  rewritten; idle: nothing changed, only the scan for changed tickets);
* the pure computation alone, and the same with the datetime API (the baseline);
* the "Due soon" and "Breached" view queries over all tickets.

Prints figures and ratios; asserts only that both computations agree.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import insert, select

from desk_gui.models import (
    HistoryEntry,
    Message,
    SlaPolicy,
    SlaTarget,
    Ticket,
    TriggerEvent,
    sla_queries,
)
from desk_gui.models.message import MessageKind
from desk_gui.models.store import Store
from desk_gui.models.ticket import Status
from desk_gui.sync.sla import admin, due_time, elapsed_business_seconds
from desk_gui.sync.sla.calendar import from_epoch, to_epoch
from desk_gui.sync.sla.clocks import compute, positions_for, stops_and_done
from desk_gui.sync.sla.config import CalendarCache, load_config
from desk_gui.sync.sla.engine import SlaEngine, SlaReport
from desk_gui.sync.sla.policy import Level
from desk_gui.sync.sla.recompute import gc_paused, load_facts, mark_all_stale

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.servers import PostgresCluster, start_postgres

HOUR = 3600
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
T = TypeVar("T")


CPU: dict[str, float] = {}  # CPU seconds of the last timed() call per label
SERVER: dict[str, float] = {}  # and the PostgreSQL server's, when there is one
CLUSTER: list[PostgresCluster] = []


def timed(fn: Callable[[], T], label: str = "") -> tuple[T, float]:
    """Wall seconds; the CPU seconds go to CPU[label] (the machine may be shared)."""
    server = CLUSTER[0].cpu_seconds() if CLUSTER else 0.0
    cpu, began = time.process_time(), time.perf_counter()
    result = fn()
    CPU[label] = time.process_time() - cpu
    if CLUSTER:
        SERVER[label] = CLUSTER[0].cpu_seconds() - server
    return result, time.perf_counter() - began


# --- seeding ---------------------------------------------------------------------------------


def seed(store: Store, n_open: int, n_closed: int, rng: random.Random) -> None:
    hlc = store.clock.now
    with store.write() as s:
        cal = admin.create_calendar(
            s, hlc, "Bayern", "Europe/Berlin", ["mon-fri 08:00-12:00,13:00-17:00"],
            holidays="DE-BY", years=(2025, 2027),
        )  # fmt: skip
        lead = ("group-lead",)
        levels = [Level(percent=80, notify=("assignee",)), Level(percent=100, notify=lead),
                  Level(after_s=2 * HOUR, notify=lead)]  # fmt: skip
        targets = {SlaTarget.FIRST_RESPONSE: 4 * HOUR, SlaTarget.NEXT_RESPONSE: 8 * HOUR,
                   SlaTarget.RESOLUTION: 3 * 8 * HOUR}  # fmt: skip
        admin.create_policy(s, hlc, "Gold", cal, targets, {"priority": ["urgent"]}, levels)
        admin.create_policy(s, hlc, "Standard", cal, targets, {}, levels)
    now_s = to_epoch(NOW)
    seq = 1
    block = 20_000
    for first in range(0, n_open + n_closed, block):
        tickets: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        messages: list[dict[str, Any]] = []
        for i in range(first, min(first + block, n_open + n_closed)):
            is_open = i < n_open
            t, h, m = _ticket(i, is_open, now_s, rng)
            for msg in m:
                msg["seq"] = seq
                seq += 1
            tickets.append(t)
            history += h
            messages += m
        with store.write() as s:
            s.execute(insert(Ticket), tickets)
            s.execute(insert(HistoryEntry), history)
            s.execute(insert(Message), messages)
        print(
            f"\r  seeded {min(first + block, n_open + n_closed):,} tickets", end="", file=sys.stderr
        )
    print(file=sys.stderr)


def _ticket(
    i: int, is_open: bool, now_s: int, rng: random.Random
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    tid = uuid.uuid4()
    created = now_s - rng.randrange(HOUR, 20 * 24 * HOUR)
    t: dict[str, Any] = {
        "id": tid, "number": 10_001 + i, "subject": f"Ticket {i}", "status": Status.OPEN,
        "priority": rng.choice(["low", "normal", "normal", "high", "urgent"]),
        "created_at": from_epoch(created), "hlc": f"{created:013d}-000000-bench",
        "last_customer_message_at": from_epoch(created),
    }  # fmt: skip
    history: list[dict[str, Any]] = []
    messages = [_msg(tid, MessageKind.INBOUND_MAIL, created)]
    cursor = created

    def status(at: int, old: Status, new: Status) -> None:
        history.append({"ticket_id": tid, "actor": "bench", "at": from_epoch(at),
                        "command": "set_status", "field": "status",
                        "old": old.value, "new": new.value})  # fmt: skip

    status(created + 60, Status.NEW, Status.OPEN)
    current = Status.OPEN
    roll = rng.random()
    if roll < 0.7:  # answered
        cursor = min(now_s - 60, created + rng.randrange(600, 2 * 24 * HOUR))
        t["first_response_at"] = from_epoch(cursor)
        messages.append(_msg(tid, MessageKind.OUTBOUND_MAIL, cursor))
        if rng.random() < 0.5:  # then waited for the customer, who replied
            pause = cursor + 60
            status(pause, current, Status.WAITING_CUSTOMER)
            current = Status.WAITING_CUSTOMER
            back = pause + rng.randrange(HOUR, 3 * 24 * HOUR)
            if back < now_s - 120:
                status(back, current, Status.OPEN)
                current = Status.OPEN
                t["last_customer_message_at"] = from_epoch(back)
                messages.append(_msg(tid, MessageKind.INBOUND_MAIL, back))
                if rng.random() < 0.5 and back + 600 < now_s:
                    messages.append(_msg(tid, MessageKind.OUTBOUND_MAIL, back + 600))
    if not is_open:
        end = max(cursor + 120, created + 600)
        status(end, current, Status.CLOSED)
        current = Status.CLOSED
        t["closed_at"] = from_epoch(end)
    t["status"] = current
    t["updated_at"] = from_epoch(max([created] + [to_epoch(h["at"]) for h in history]))
    for h in history:
        h["hlc"] = t["hlc"]
    return t, history, messages


def _msg(tid: uuid.UUID, kind: MessageKind, at: int) -> dict[str, Any]:
    return {"ticket_id": tid, "kind": kind, "body_text": "Guten Tag", "created_at": from_epoch(at),
            "hlc": f"{at:013d}-000000-bench"}  # fmt: skip


def add_rules(store: Store) -> None:
    """Rules on every ticket event; "created" ones fire for tickets created from then on."""
    with store.write() as s:
        for name, event, conditions, actions in (
            ("Rechnungen", TriggerEvent.CREATED, {"keywords": ["rechnung"]}, {"priority": "high"}),
            ("VIP", TriggerEvent.UPDATED, {"tags": ["vip"]}, {"notify": ["group-lead"]}),
            ("Antwort", TriggerEvent.CUSTOMER_REPLIED, {"priority": ["urgent"]},
             {"tags": ["antwort"]}),
        ):  # fmt: skip
            admin.create_rule(s, store.clock.now, name, event, conditions, actions, created_at=NOW)


# --- measuring ---------------------------------------------------------------------------------


def pure_compute(store: Store, sample: int) -> tuple[float, float]:
    """µs per ticket: epoch API (clocks.compute) vs the datetime API, same facts."""
    with store.read() as s:
        cfg = load_config(s, CalendarCache())
        ids = list(s.scalars(select(Ticket.id).where(Ticket.status != Status.CLOSED).limit(sample)))
        facts = load_facts(s, ids)
    policy = cfg.policies[-1]
    cal = cfg.calendars[policy.calendar_id]
    now_s = to_epoch(NOW)
    items = list(facts.values())
    shared = positions_for(cal, [min(f.times.created_s for f in items)], now_s)
    with gc_paused():  # as in the engine's batches
        _, epoch_s = timed(
            lambda: [compute(cal, policy, f.times, {}, now_s, shared) for f in items]
        )
        _, dt_s = timed(lambda: [_datetime_way(cal, policy, f.times) for f in items])
    for f in items[:500]:  # both ways agree
        ours = {c.target: c.due_s for c in compute(cal, policy, f.times, {}, now_s).clocks}
        theirs = _datetime_way(cal, policy, f.times)
        assert ours == theirs, (ours, theirs)
    return epoch_s / len(items) * 1e6, dt_s / len(items) * 1e6


def _datetime_way(cal: Any, policy: Any, t: Any) -> dict[SlaTarget, int | None]:
    """The obvious implementation on the datetime API: due_time per target and level."""
    stops, done = stops_and_done(t, policy.pause_values)
    pauses = [(from_epoch(a), None if b is None else from_epoch(b)) for a, b in stops]
    out: dict[SlaTarget, int | None] = {}
    plans = [(SlaTarget.FIRST_RESPONSE, t.created_s, t.first_response_s or done)]
    fr, lcm = t.first_response_s, t.last_customer_s
    if fr is not None and lcm is not None and lcm > fr:
        plans.append((SlaTarget.NEXT_RESPONSE, lcm, t.answer_after_customer_s or done))
    plans.append((SlaTarget.RESOLUTION, t.created_s, done))
    for target, start, met in plans:
        mine = [(a, b) for a, b in pauses if met is None or to_epoch(a) < met]
        due = due_time(cal, from_epoch(start), policy.targets[target], mine)
        for level in policy.levels:
            due_time(cal, from_epoch(start), level.offset(policy.targets[target]), mine)
        elapsed_business_seconds(cal, from_epoch(start), from_epoch(met or to_epoch(NOW)), mine)
        out[target] = None if due is None else to_epoch(due)
    return out


def view_times(store: Store, rounds: int = 20) -> dict[str, float]:
    out: dict[str, list[float]] = {"due soon (next 4 h, first 50)": [], "breached (first 50)": [],
                                   "count due soon": []}  # fmt: skip
    for _ in range(rounds):
        with store.read() as s:
            _, a = timed(lambda: sla_queries.due_soon(s, NOW, timedelta(hours=4), limit=50))
            _, b = timed(lambda: sla_queries.breached(s, NOW, limit=50))
            _, c = timed(lambda: sla_queries.count_due_soon(s, NOW, timedelta(hours=4)))
        out["due soon (next 4 h, first 50)"].append(a)
        out["breached (first 50)"].append(b)
        out["count due soon"].append(c)
    return {k: statistics.median(v) * 1e3 for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--open", type=int, default=100_000)
    parser.add_argument("--closed", type=int, default=0)
    parser.add_argument("--db", help="an empty database URL, or 'postgresql' for a throwaway "
                        "cluster (default: SQLite in a temp dir)")  # fmt: skip
    parser.add_argument("--storm", action="store_true", help="also time the first full pass")
    parser.add_argument("--rules", action="store_true",
                        help="with rules on created / updated / customer replied")  # fmt: skip
    parser.add_argument("--processes", type=int, default=None,
                        help="worker processes for large recomputes (default: one per core; "
                             "0: compute in the engine's process)")  # fmt: skip
    parser.add_argument("--seeded", type=Path,
                        help="SQLite only: a copy of the seeded store is kept here and used by "
                        "later runs with the same path (seeding 1M tickets takes minutes); "
                        "each run works on a fresh copy of it")  # fmt: skip
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    url = args.db or f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    cluster = None
    if args.db == "postgresql":
        cluster = start_postgres()
        if isinstance(cluster, str):
            sys.exit(cluster)
        url = cluster.create_database("bench_sla")
        CLUSTER.append(cluster)
    reuse = args.seeded is not None and args.seeded.exists() and args.db is None
    if reuse:
        shutil.copyfile(args.seeded, Path(tmp.name) / "bench.sqlite3")
    store = Store(url)
    store.migrate()
    rng = random.Random(7)
    _, seed_s = timed(lambda: None if reuse else seed(store, args.open, args.closed, rng))
    if args.seeded is not None and not reuse and args.db is None:
        store.dispose()
        shutil.copyfile(Path(tmp.name) / "bench.sqlite3", args.seeded)
    print(f"store {store.dialect}: {args.open:,} open + {args.closed:,} closed tickets "
          f"(seeded in {seed_s:.1f} s)")  # fmt: skip
    if args.rules:
        add_rules(store)
    if store.dialect == "postgresql":
        # A live database has statistics and a visibility map: autovacuum analyzes after
        # bulk changes and vacuums after bulk inserts (autovacuum_vacuum_insert_threshold).
        # Right after the seed PostgreSQL would plan on empty statistics and check every
        # index entry's row for visibility.
        with store.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")

    engine = SlaEngine(store, processes=args.processes)
    # As in the app, whose engine lives as long as it does: the workers start once.
    _, pool_s = timed(engine.start_pool)
    workers = engine.processes if engine.processes >= 2 else 0
    print(f"worker processes: {workers} (started in {pool_s * 1e3:.0f} ms, not timed below)")
    now_s = to_epoch(NOW)

    def refresh(since: datetime | None = None, everything: bool = False) -> SlaReport:
        with store.read() as s:
            cfg = load_config(s, engine.calendars)
        report = SlaReport(NOW)
        engine.refresh(cfg, now_s, report, since=since, everything=everything)
        return report

    cold, cold_s = timed(refresh, "cold")
    # Each pass's log checkpoint runs on a worker after it, off the engine's path; waited
    # for here so that the next measurement does not share the cores with it.
    _, settle = timed(engine.settle, "settle cold")
    with store.write() as s:  # a policy change: every clock gets a new resolution target
        for p in s.scalars(select(SlaPolicy)):
            p.resolution_s = 4 * 8 * HOUR
        mark_all_stale(s)
    # What run_once does when the configuration's fingerprint changed.
    changed, changed_s = timed(lambda: refresh(everything=True), "changed")
    _, settle_changed = timed(engine.settle, "settle changed")
    _, idle_s = timed(refresh, "idle")  # nothing changed: only the scan for changed tickets
    _, quick_s = timed(lambda: refresh(NOW - timedelta(minutes=15)), "quick")
    storm: SlaReport | None = None
    storm_s = 0.0
    if args.storm:  # the first full engine pass fires every level the seed left overdue
        storm, storm_s = timed(lambda: engine.run_once(NOW))
    epoch_us, datetime_us = pure_compute(store, 20_000)
    n = cold.recomputed
    print(f"full recompute, cold (no clocks yet)     {cold_s * 1e3:8.0f} ms for {n:,} tickets"
          f"  ({cold_s / n * 1e6:.1f} µs/ticket; budget for 100,000: 2000 ms)")  # fmt: skip
    print(f"  {_cpu(cold, 'cold')}; then the log checkpoint on a worker: {settle * 1e3:.0f} ms")
    print(f"full recompute after a policy change     {changed_s * 1e3:8.0f} ms for "
          f"{changed.recomputed:,} tickets (every resolution clock rewritten)")  # fmt: skip
    print(f"  {_cpu(changed, 'changed')}; then the checkpoint: {settle_changed * 1e3:.0f} ms")
    print(f"idle pass, full scan for changed tickets {idle_s * 1e3:8.0f} ms"
          f" (CPU {CPU['idle'] * 1e3:.0f} ms; every 10 minutes)")  # fmt: skip
    print(f"idle pass, tickets updated since the last {quick_s * 1e3:7.0f} ms"
          f" (CPU {CPU['quick'] * 1e3:.0f} ms; the other passes)")  # fmt: skip
    if storm is not None:
        per = storm_s / max(len(storm.fired), 1) * 1e3
        print(f"first engine pass: {len(storm.fired):,} overdue levels fired late in "
              f"{storm_s * 1e3:,.0f} ms ({per:.2f} ms/level)")  # fmt: skip
    print(f"pure computation, epoch API              {epoch_us:8.1f} µs/ticket")
    print(f"baseline: same on the datetime API       {datetime_us:8.1f} µs/ticket"
          f"  -> epoch path {datetime_us / epoch_us:4.1f}x faster")  # fmt: skip
    print(f"=> pure computation of {n:,} tickets       {epoch_us * n / 1e3:8.0f} ms (CPU)")
    total = args.open + args.closed
    for name, ms in view_times(store).items():
        print(f"view over {total:,} tickets: {name:<32} {ms:7.2f} ms (target <= 100 ms)")
    engine.close()
    store.dispose()
    if cluster is not None:
        cluster.stop()


def _cpu(report: SlaReport, label: str) -> str:
    workers = f"{report.worker_cpu_s * 1e3:.0f} ms ({report.by_workers:,} tickets)"
    server = f", PostgreSQL server {SERVER[label] * 1e3:.0f} ms" if label in SERVER else ""
    return f"CPU: engine process {CPU[label] * 1e3:.0f} ms, worker processes {workers}{server}"


if __name__ == "__main__":
    main()
