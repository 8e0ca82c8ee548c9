"""Escalation levels: each fires exactly once (also with two engines on one PostgreSQL
database), late after downtime, with its alerts and actions in the same transaction."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import datetime

from sqlalchemy import func, select

from desk_gui.models import (
    Alert,
    AlertKind,
    EscalationEvent,
    Group,
    HistoryEntry,
    Membership,
    Ticket,
)
from desk_gui.models.commands import AddMessage, CreateTicket
from desk_gui.models.message import MessageKind
from desk_gui.models.store import Store
from desk_gui.models.ticket import Priority
from desk_gui.sync.sla import escalation
from desk_gui.sync.sla.config import load_config
from desk_gui.sync.sla.engine import SlaEngine, SlaReport
from desk_gui.sync.sla.policy import Level

from .conftest import HOUR, CommandClock, Desk, berlin, make_desk, run_engine


def events(desk: Desk) -> list[tuple[str, int, str, bool]]:
    with desk.store.read() as s:
        rows = s.execute(
            select(EscalationEvent.target, EscalationEvent.cycle, EscalationEvent.level,
                   EscalationEvent.late).order_by(EscalationEvent.due_at)
        )  # fmt: skip
        return [(t.value, c, lv, late) for t, c, lv, late in rows]


def alerts(desk: Desk) -> list[tuple[uuid.UUID, AlertKind]]:
    with desk.store.read() as s:
        rows = s.execute(select(Alert.agent_id, Alert.kind).order_by(Alert.created_at, Alert.kind))
        return [(a, k) for a, k in rows]


def second_level(desk: Desk) -> uuid.UUID:
    with desk.store.write() as s:
        g = Group(name="2nd-Level")
        s.add(g)
        s.flush()
        s.add(Membership(agent_id=desk.cara, group_id=g.id))
        return g.id


def test_levels_fire_once_with_alerts_and_actions(desk: Desk) -> None:
    second = second_level(desk)
    desk.policy(first=4 * HOUR, levels=[
        Level(percent=80, notify=("assignee",)),
        Level(percent=100, notify=("group-lead",), actions={"priority": "raise"}),
        Level(after_s=2 * HOUR, notify=(str(desk.cara),), actions={"group": str(second)}),
    ])  # fmt: skip
    tid = desk.run(CreateTicket(subject="Server down", group_id=desk.support,
                                assignee_id=desk.ben), berlin(2026, 6, 8, 8))  # fmt: skip
    assert run_engine(desk, berlin(2026, 6, 8, 10)).fired == []
    report = run_engine(desk, berlin(2026, 6, 8, 11, 13))  # 80 % = 3 h 12 min: 11:12
    assert [(f.level, f.late) for f in report.fired] == [("80%", False)]
    assert alerts(desk) == [(desk.ben, AlertKind.SLA_WARNING)]
    assert run_engine(desk, berlin(2026, 6, 8, 11, 14)).fired == []  # once

    report = run_engine(desk, berlin(2026, 6, 8, 12))  # due 12:00
    assert [f.level for f in report.fired] == ["100%"]
    assert report.fired[0].actions == ("priority=high",)
    assert alerts(desk)[-1] == (desk.anna, AlertKind.SLA_BREACH)
    report = run_engine(desk, berlin(2026, 6, 8, 15))  # +2 h business time
    assert [f.level for f in report.fired] == ["+7200s"]
    assert alerts(desk)[-1] == (desk.cara, AlertKind.SLA_ESCALATION)
    assert run_engine(desk, berlin(2026, 6, 9, 15)).fired == []

    with desk.store.read() as s:
        ticket = s.get(Ticket, tid)
        assert ticket is not None
        assert ticket.priority is Priority.HIGH and ticket.group_id == second
        assert ticket.assignee_id is None  # ben is not in the 2nd-Level group
        history = s.execute(
            select(HistoryEntry.actor, HistoryEntry.field, HistoryEntry.new)
            .where(HistoryEntry.ticket_id == tid, HistoryEntry.actor == "sla")
            .order_by(HistoryEntry.at)
        ).all()  # fmt: skip
        assert ("sla", "priority", "high") in history
        assert ("sla", "group_id", str(second)) in history
    assert [e[2] for e in events(desk)] == ["80%", "100%", "+7200s"]
    assert [e[3] for e in events(desk)] == [False, False, False], events(desk)


def test_levels_missed_while_down_fire_late_on_the_next_start(desk: Desk) -> None:
    desk.policy(first=4 * HOUR, levels=[Level(percent=80, notify=("assignee",)),
                                        Level(percent=100, notify=("group-lead",))])  # fmt: skip
    desk.run(CreateTicket(subject="a", group_id=desk.support, assignee_id=desk.ben),
             berlin(2026, 6, 8, 8))  # fmt: skip
    run_engine(desk, berlin(2026, 6, 8, 8, 1))
    # The engine is down until the next morning: both levels fire at start, late, in order.
    report = run_engine(desk, berlin(2026, 6, 9, 8))
    assert [(f.level, f.late) for f in report.fired] == [("80%", True), ("100%", True)]
    assert [e[2:] for e in events(desk)] == [("80%", True), ("100%", True)]
    with desk.store.read() as s:
        texts = list(s.scalars(select(Alert.text)))
    assert all(t.startswith("(late)") for t in texts) and len(texts) == 2


def test_answered_in_time_stops_the_levels(desk: Desk) -> None:
    desk.policy(first=4 * HOUR, levels=[Level(percent=50, notify=("assignee",)),
                                        Level(percent=100, notify=("assignee",))])  # fmt: skip
    tid = desk.run(CreateTicket(subject="a", assignee_id=desk.ben), berlin(2026, 6, 8, 8))
    run_engine(desk, berlin(2026, 6, 8, 10, 30))
    desk.run(AddMessage(ticket_id=tid, kind=MessageKind.OUTBOUND_MAIL, body_text="Hallo"),
             berlin(2026, 6, 8, 10, 45))  # fmt: skip
    run_engine(desk, berlin(2026, 6, 9, 12))
    assert [e[2] for e in events(desk)] == ["50%"]


def test_each_customer_message_starts_a_new_cycle(desk: Desk) -> None:
    desk.policy(first=8 * HOUR, nxt=HOUR,
                levels=[Level(percent=100, notify=("assignee",))])  # fmt: skip
    tid = desk.run(CreateTicket(subject="a", assignee_id=desk.ben), berlin(2026, 6, 8, 8))
    desk.run(AddMessage(ticket_id=tid, kind=MessageKind.OUTBOUND_MAIL, body_text="x"),
             berlin(2026, 6, 8, 8, 30))  # fmt: skip
    for day in (9, 10):
        desk.run(AddMessage(ticket_id=tid, kind=MessageKind.INBOUND_MAIL, body_text="?"),
                 berlin(2026, 6, day, 9))  # fmt: skip
        run_engine(desk, berlin(2026, 6, day, 11))
    nxt = [e for e in events(desk) if e[0] == "next_response"]
    assert len(nxt) == 2 and nxt[0][1] != nxt[1][1]  # two cycles, one breach each


def _race(url: str, at: CommandClock, rounds: int = 3) -> Counter[str]:
    setup = Store(url)
    setup.migrate()
    desk = make_desk(setup, at)
    desk.policy(first=HOUR, levels=[Level(percent=50, notify=("assignee", "group-lead")),
                                    Level(percent=100, notify=("group",))])  # fmt: skip
    tickets = [
        desk.run(
            CreateTicket(subject=f"t{i}", group_id=desk.support, assignee_id=desk.ben),
            berlin(2026, 6, 8, 8),
        )
        for i in range(60)
    ]
    SlaEngine(setup).run_once(berlin(2026, 6, 8, 8, 1))  # clocks exist, nothing due yet
    stores = [Store(url), Store(url)]
    # Small batches: the engines take turns claiming tickets instead of one taking all.
    engines = [SlaEngine(s, holder=f"engine-{i}", batch=4) for i, s in enumerate(stores)]
    reports: list[SlaReport] = []
    lock = threading.Lock()
    for minute in range(rounds):
        start = threading.Barrier(len(engines))
        now = berlin(2026, 6, 8, 9, 30 + minute)

        def go(engine: SlaEngine, now: datetime = now, start: threading.Barrier = start) -> None:
            start.wait()
            report = engine.run_once(now)
            with lock:
                reports.append(report)

        threads = [threading.Thread(target=go, args=(e,)) for e in engines]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    fired = [f for r in reports for f in r.fired]
    with setup.read() as s:
        keys = s.execute(
            select(EscalationEvent.ticket_id, EscalationEvent.level, EscalationEvent.fired_by)
        ).all()  # fmt: skip
        alert_count = s.scalar(select(func.count()).select_from(Alert))
    # Both levels of all 60 tickets were due (50 % at 08:30, 100 % at 09:00): each fired
    # exactly once, by one engine or the other, and each effect happened once.
    assert Counter((t, lv) for t, lv, _ in keys) == {
        (t, lv): 1 for t in tickets for lv in ("50%", "100%")
    }
    assert len(fired) == len(keys) == 120
    # 50 %: assignee + lead; 100 %: the group's three members.
    assert alert_count == 60 * 2 + 60 * 3
    for s in [setup, *stores]:
        s.dispose()
    return Counter(by for _, _, by in keys)


def test_two_engines_on_one_postgresql_fire_exactly_once(pg_url: str, at: CommandClock) -> None:
    by_engine = _race(pg_url, at)
    assert sum(by_engine.values()) == 120


def test_the_unique_key_alone_stops_a_second_firing(pg_url: str, at: CommandClock) -> None:
    """Without the claim's row locks (both batches given the same tickets at once), the
    unique key still lets each level's effects happen once: the loser's insert waits for
    the winner's commit and then does nothing."""
    setup = Store(pg_url)
    setup.migrate()
    desk = make_desk(setup, at)
    desk.policy(first=HOUR, levels=[Level(percent=100, notify=("assignee",),
                                          actions={"priority": "raise"})])  # fmt: skip
    ids = [desk.run(CreateTicket(subject=f"t{i}", assignee_id=desk.ben), berlin(2026, 6, 8, 8))
           for i in range(20)]  # fmt: skip
    SlaEngine(setup).run_once(berlin(2026, 6, 8, 8, 1))
    now_s = int(berlin(2026, 6, 8, 10).timestamp())
    stores = [Store(pg_url), Store(pg_url)]
    start = threading.Barrier(2)
    results: list[int] = []

    def fire(store: Store) -> None:
        engine = SlaEngine(store)
        with store.read() as s:
            cfg = load_config(s, engine.calendars)
        with store.write() as s:
            s.execute(select(func.now()))  # the transaction is open before the race starts
            start.wait()
            ctx = escalation.FireContext(s, cfg, now_s, store.clock.now, "x", 120)
            results.append(len(escalation.fire_batch(ctx, ids)))

    threads = [threading.Thread(target=fire, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 20]
    with setup.read() as s:
        assert s.scalar(select(func.count()).select_from(EscalationEvent)) == 20
        assert s.scalar(select(func.count()).select_from(Alert)) == 20
        raised = s.scalar(
            select(func.count()).select_from(HistoryEntry).where(HistoryEntry.field == "priority")
        )
        assert raised == 20  # raised once, not twice (normal -> high, never -> urgent)
        assert set(s.scalars(select(Ticket.priority))) == {Priority.HIGH}
    for s in [setup, *stores]:
        s.dispose()
