"""Large recomputes on worker processes: the same clocks as in the engine's own process,
and a ticket that changed after a worker read it is computed again from its new facts."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from desk_gui.models import SlaPolicy, SlaTicketState, Ticket, TriggerEvent
from desk_gui.models.commands import AddMessage, CreateTicket, SetPriority, SetStatus
from desk_gui.models.message import MessageKind
from desk_gui.models.ticket import OPEN_STATUSES, Priority, Status
from desk_gui.sync.sla import admin, parallel, triggers
from desk_gui.sync.sla.bulk import Bulk
from desk_gui.sync.sla.calendar import to_epoch
from desk_gui.sync.sla.config import CalendarCache, load_config
from desk_gui.sync.sla.engine import POOL_IDLE_S, SlaReport, _store_prepared
from desk_gui.sync.sla.parallel import STAGE
from desk_gui.sync.sla.policy import Level
from desk_gui.sync.sla.recompute import (
    _COLUMNS,
    Tickets,
    compute_all,
    load_facts,
    mark_all_stale,
    rows_for,
    stage_rows,
    store_staged,
)

from .conftest import HOUR, Desk, berlin, run_engine


def states(desk: Desk) -> dict[uuid.UUID, tuple[Any, ...]]:
    """Every stored state row but the time it was written."""
    table = SlaTicketState.__table__
    columns = [c for c in table.c if c.name != "computed_s"]
    with desk.store.read() as s:
        return {r[0]: tuple(r[1:]) for r in s.execute(select(*columns))}


def some_tickets(desk: Desk) -> list[uuid.UUID]:
    """Tickets whose clocks differ: answered, waiting, reopened, resolved, urgent."""
    ids: list[uuid.UUID] = []
    for i in range(12):
        when = berlin(2026, 6, 1 + i % 5, 9 + i % 7)
        prio = Priority.URGENT if i % 4 == 0 else Priority.NORMAL
        tid = desk.run(CreateTicket(subject=f"Anfrage {i}", priority=prio), when)
        assert isinstance(tid, uuid.UUID)
        ids.append(tid)
        if i % 3 == 1:
            desk.run(AddMessage(ticket_id=tid, kind=MessageKind.OUTBOUND_MAIL, body_text="Hallo"),
                     berlin(2026, 6, 8, 10))  # fmt: skip
            desk.run(SetStatus(ticket_id=tid, status=Status.WAITING_CUSTOMER),
                     berlin(2026, 6, 8, 10, 5))  # fmt: skip
        if i % 5 == 2:
            desk.run(AddMessage(ticket_id=tid, kind=MessageKind.INBOUND_MAIL, body_text="Und?"),
                     berlin(2026, 6, 9, 11))  # fmt: skip
        if i % 6 == 5:
            desk.run(SetStatus(ticket_id=tid, status=Status.RESOLVED), berlin(2026, 6, 9, 15))
    return ids


def policies(desk: Desk) -> None:
    levels = [Level(percent=80, notify=("assignee",)), Level(percent=100, notify=("group-lead",))]
    desk.policy("Urgent", first=HOUR, nxt=2 * HOUR, resolution=8 * HOUR,
                match={"priority": ["urgent"]}, levels=levels)  # fmt: skip
    desk.policy("Standard", first=4 * HOUR, nxt=8 * HOUR, resolution=24 * HOUR, levels=levels)


def test_worker_processes_compute_what_the_engine_computes_itself(desk: Desk) -> None:
    policies(desk)
    ids = some_tickets(desk)
    now = berlin(2026, 6, 10, 12)
    engine = desk.engine(processes=2, pool_chunk=4, pool_min=1)
    try:
        report = engine.run_once(now)
        assert engine._pool is not None
        stage = engine._pool._stage_dir  # SQLite: where workers staged their rows
        assert (stage is not None) == (desk.store.dialect == "sqlite")
        if stage is not None:
            assert list(Path(stage).iterdir()) == []  # each file removed once written
    finally:
        engine.close()
    assert stage is None or not Path(stage).exists()
    assert report.recomputed == report.by_workers == len(ids)
    by_workers = states(desk)
    assert set(by_workers) == set(ids)

    with desk.store.write() as s:
        mark_all_stale(s)
    desk.engine(processes=0).run_once(now)
    assert states(desk) == by_workers


@pytest.mark.parametrize("staged", [False, True], ids=["rows", "staged-file"])
def test_a_ticket_changed_after_a_worker_read_it_is_computed_again(
    lite: Desk, tmp_path: Path, staged: bool
) -> None:
    desk = lite
    policies(desk)
    ids = some_tickets(desk)
    now_s = to_epoch(berlin(2026, 6, 10, 12))
    with desk.store.read() as s:
        cfg = load_config(s, CalendarCache())
        raw = [r.hex for r in sorted(ids)]
    # What a worker process runs, here in the test's process on the same snapshot.
    stage = tmp_path / "stage"
    stage.mkdir()
    stage_dir = str(stage) if staged else None
    ready = parallel.prepare(desk.store.url, cfg.fingerprint, raw, now_s, True, stage_dir)
    if staged:
        assert ready.staged is not None and not ready.rows and not ready.missing
    else:
        assert set(ready.hlcs) == set(raw)
    changed = next(t for t in sorted(ids) if t not in ids[::4])  # a normal one
    desk.run(SetPriority(ticket_id=changed, priority=Priority.URGENT), berlin(2026, 6, 10, 11))

    write = desk.store.write_attached(ready.staged, STAGE) if ready.staged else desk.store.write()
    with write as s:
        assert _store_prepared(s, cfg, now_s, raw, ready) == len(ids) - 1
    with desk.store.read() as s:
        ticket = s.get(Ticket, changed)
        state = s.get(SlaTicketState, changed)
        assert ticket is not None and state is not None
        assert state.ticket_hlc == ticket.hlc  # computed from the new facts
        urgent = next(p.id for p in cfg.policies if p.name == "Urgent")
        assert state.policy_id == urgent
        assert {c.target_s for c in state.clocks()} <= {HOUR, 2 * HOUR, 8 * HOUR}
    assert set(states(desk)) == set(ids)
    parallel.discard(ready)
    assert list(stage.iterdir()) == []


def test_what_the_rules_change_is_computed_again_in_the_same_transaction(desk: Desk) -> None:
    """The workers computed the chunk before the engine's rules ran on it: a ticket a rule
    changed is computed again from its new facts even when the change's time is older
    than the newest update the workers saw (a clock behind), and its own change is no
    "update" for the next pass."""
    policies(desk)
    ids = some_tickets(desk)
    with desk.store.write() as s:
        admin.create_rule(s, desk.hlc, "Dringend", TriggerEvent.CREATED,
                          {"keywords": ["anfrage 7"]}, {"priority": "urgent"},
                          created_at=berlin(2026, 5, 1))  # fmt: skip
    desk.clock.now = berlin(2026, 6, 1)  # the time the rule's change is stamped with
    engine = desk.engine(processes=2, pool_chunk=4, pool_min=1)
    try:
        report = engine.run_once(berlin(2026, 6, 10, 12))
    finally:
        engine.close()
    target = ids[7]
    assert [(t.rule, t.ticket_id) for t in report.triggered] == [("Dringend", target)]
    assert report.recomputed == len(ids) and report.by_workers == len(ids) - 1
    with desk.store.read() as s:
        ticket = s.get(Ticket, target)
        state = s.get(SlaTicketState, target)
        urgent = s.scalar(select(SlaPolicy.id).where(SlaPolicy.name == "Urgent"))
        assert ticket is not None and state is not None
        assert ticket.priority is Priority.URGENT and state.policy_id == urgent
        assert state.ticket_hlc == state.seen_hlc == ticket.hlc
    again = run_engine(desk, berlin(2026, 6, 10, 12, 1))
    assert again.triggered == [] and again.recomputed == 0


def test_with_rules_the_workers_name_the_tickets_changed_since_last_seen(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a policy change the rules are asked about the tickets changed since last
    seen, which the workers found, not about every ticket of every chunk."""
    policies(desk)
    ids = some_tickets(desk)
    with desk.store.write() as s:
        admin.create_rule(s, desk.hlc, "Antwort", TriggerEvent.CUSTOMER_REPLIED, {},
                          {"tags": ["antwort"]}, created_at=berlin(2026, 5, 1))  # fmt: skip
    engine = desk.engine(processes=2, pool_chunk=4, pool_min=1)
    try:
        engine.run_once(berlin(2026, 6, 10, 12))  # every ticket seen
        replied = ids[5]
        desk.run(AddMessage(ticket_id=replied, kind=MessageKind.INBOUND_MAIL, body_text="Und?"),
                 berlin(2026, 6, 10, 13))  # fmt: skip
        with desk.store.write() as s:
            mark_all_stale(s)
        asked: list[Any] = []
        with_events = triggers._with_events

        def spy(ctx: triggers.RuleContext, raw_ids: list[Any]) -> Any:
            asked.extend(raw_ids)
            return with_events(ctx, raw_ids)

        monkeypatch.setattr(triggers, "_with_events", spy)
        now = berlin(2026, 6, 10, 14)
        with desk.store.read() as s:
            cfg = load_config(s, engine.calendars)
            expected = Bulk(s).raw_id(replied)
        report = SlaReport(now)
        engine.refresh(cfg, to_epoch(now), report, everything=True)
    finally:
        engine.close()
    assert [(t.rule, t.ticket_id) for t in report.triggered] == [("Antwort", replied)]
    assert asked == [expected]
    with desk.store.read() as s:
        open_now = s.scalar(select(func.count()).where(Ticket.status.in_(OPEN_STATUSES)))
    # Every open ticket; the one the rule changed computed again by the engine.
    assert report.recomputed == open_now and report.by_workers == open_now - 1


def test_a_worker_that_sees_another_configuration_leaves_the_chunk_to_the_engine(
    lite: Desk,
) -> None:
    policies(lite)
    ids = some_tickets(lite)
    ready = parallel.prepare(lite.store.url, "not the fingerprint", [t.hex for t in ids], 0, True)
    assert not ready.config_matched and ready.rows == []


def test_idle_worker_processes_are_stopped(lite: Desk) -> None:
    """A large recompute is rare: the workers' memory goes back after a quiet while."""
    policies(lite)
    some_tickets(lite)
    engine = lite.engine(processes=2, pool_chunk=4, pool_min=1)
    try:
        engine.run_once(berlin(2026, 6, 10, 12))
        pool = engine._pool
        assert pool is not None
        engine.run_once(berlin(2026, 6, 10, 12, 1))
        assert engine._pool is pool  # used a minute ago: kept
        pool.last_used -= POOL_IDLE_S + 1
        engine.run_once(berlin(2026, 6, 10, 12, 2))
        assert engine._pool is None
    finally:
        engine.close()


def test_staged_rows_equal_to_the_stored_ones_are_not_written(lite: Desk, tmp_path: Path) -> None:
    """The engine compares a worker's staged rows with the stored ones in SQL."""
    policies(lite)
    ids = some_tickets(lite)
    now = berlin(2026, 6, 10, 12)
    lite.engine(processes=0).run_once(now)
    now_s = to_epoch(now)
    with lite.store.read() as s:
        cfg = load_config(s, CalendarCache())
        computed = compute_all(s, [t.hex for t in ids], cfg, now_s)
        rows = rows_for(s, computed, now_s, mark_seen=True, compare=False)
    assert len(rows) == len(ids)  # every row, though each equals the stored one
    marker = 999  # computed_s, which is not compared: shows which rows were written
    rows = [(*r[:-1], marker) for r in rows]
    changed = rows[3][0]
    due = _COLUMNS.index("next_due_s")
    rows[3] = (*rows[3][:due], (rows[3][due] or 0) + 60, *rows[3][due + 1 :])
    path = str(tmp_path / "staged.sqlite3")
    stage_rows(path, rows)

    with lite.store.write_attached(path, STAGE) as s:
        store_staged(s, STAGE, [], mark_seen=True)
    with lite.store.read() as s:
        written = s.scalars(
            select(SlaTicketState.ticket_id).where(SlaTicketState.computed_s == marker)
        ).all()
    assert [t.hex for t in written] == [changed]


def test_facts_of_most_tickets_of_a_range_are_read_as_that_range(desk: Desk) -> None:
    """A full recompute's chunk is read as an id range; tickets in the range that are
    not asked for stay out, and every ticket's facts are the ones read one by one."""
    policies(desk)
    tickets = some_tickets(desk)
    with desk.store.read() as s:
        ids = Bulk(s).sorted_ids(Bulk(s).raw_ids(tickets))
    asked = ids[:5] + ids[6:]  # all but one in the middle of the range
    with desk.store.read() as s:
        assert Tickets(Bulk(s), asked).span is not None  # the range path, not IN
        assert Tickets(Bulk(s), ids[::3]).span is None  # sparse: an IN list
        facts = load_facts(s, asked)
        one_by_one = {tid: load_facts(s, [tid])[tid] for tid in asked}
    assert facts == one_by_one


def test_a_staged_recompute_checkpoints_the_log_once_afterwards_on_a_worker(lite: Desk) -> None:
    """The chunks' commits leave the log alone; one checkpoint on a worker copies it."""
    policies(lite)
    some_tickets(lite)
    engine = lite.engine(processes=2, pool_chunk=4, pool_min=1)
    try:
        engine.run_once(berlin(2026, 6, 10, 12))
        assert engine.settle() > 0  # frames copied
        assert engine.settle() == 0  # nothing left
        with lite.store.read() as s:  # the chunks' connection has its limit back
            limit = s.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        assert limit == 1000
    finally:
        engine.close()


def test_a_chunk_a_worker_fails_on_is_computed_by_the_engine(lite: Desk) -> None:
    """A worker that cannot stage its rows (here: its directory is gone) fails its
    chunks; the engine computes them itself and starts fresh workers next time."""
    policies(lite)
    ids = some_tickets(lite)
    now = berlin(2026, 6, 10, 12)
    engine = lite.engine(processes=2, pool_chunk=4, pool_min=1)
    try:
        engine.start_pool()
        assert engine._pool is not None and engine._pool._stage_dir is not None
        shutil.rmtree(engine._pool._stage_dir)
        report = engine.run_once(now)
        assert report.recomputed == len(ids) and report.by_workers == 0
        assert engine._pool is None  # closed: the next large recompute starts afresh
        by_engine = states(lite)
        with lite.store.read() as s:
            cfg = load_config(s, engine.calendars)
        again = SlaReport(now)  # fresh workers, all well
        engine.refresh(cfg, to_epoch(now), again, everything=True)
        assert again.by_workers == again.recomputed > 0  # the open ones
    finally:
        engine.close()
    assert states(lite) == by_engine


def test_staging_directories_of_killed_engines_are_removed(tmp_path: Path) -> None:
    """A killed engine leaves its staging directory behind; the next pool start removes
    it, but not the directory of an engine that still runs."""
    child = subprocess.Popen(["true"])  # a process id that has ended
    child.wait()
    dead = tmp_path / f"{parallel.STAGE_PREFIX}{child.pid}-abc"
    alive = tmp_path / f"{parallel.STAGE_PREFIX}{os.getpid()}-def"
    other = tmp_path / "desk-something-else"
    for d in (dead, alive, other):
        d.mkdir()
        (d / "chunk.sqlite3").write_bytes(b"")
    assert parallel.remove_orphaned_stages(str(tmp_path)) == [str(dead)]
    assert not dead.exists() and alive.exists() and other.exists()
