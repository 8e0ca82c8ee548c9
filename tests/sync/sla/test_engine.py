"""The engine against a real store: policy matching, clocks recomputed from the ticket's
history when it changes, full recompute when policies or calendars change, the group's
calendar, and the views built on the stored clocks."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from desk_gui.models import (
    ClockState,
    Group,
    Organization,
    SlaTarget,
    SlaTicketState,
    StoredClock,
)
from desk_gui.models import sla_queries as views
from desk_gui.models.commands import (
    AddMessage,
    CreateTicket,
    SetFollowUp,
    SetPriority,
    SetStatus,
)
from desk_gui.models.message import MessageKind
from desk_gui.models.party import ContractLevel
from desk_gui.models.ticket import Priority, Status, TicketType
from desk_gui.sync.sla import admin
from desk_gui.sync.sla import engine as engine_module
from desk_gui.sync.sla.bulk import Bulk
from desk_gui.sync.sla.calendar import to_epoch
from desk_gui.sync.sla.recompute import dirty_split, dirty_tickets, mark_all_stale
from desk_gui.sync.sla.status import ticket_sla

from .conftest import HOUR, Desk, berlin, run_engine


def clocks_of(desk: Desk, tid: uuid.UUID) -> dict[SlaTarget, StoredClock]:
    with desk.store.read() as s:
        state = s.get(SlaTicketState, tid)
        return {c.target: c for c in state.clocks()} if state is not None else {}


def policy_of(desk: Desk, tid: object) -> uuid.UUID | None:
    with desk.store.read() as s:
        return s.scalar(select(SlaTicketState.policy_id).where(SlaTicketState.ticket_id == tid))


def test_policies_match_in_the_users_order(desk: Desk) -> None:
    gold = desk.policy("Gold", first=HOUR, match={"contract": ["gold"], "priority": ["high"]})
    billing_id = _group(desk, "Billing")
    by_group = desk.policy("Billing", first=2 * HOUR, match={"group": [str(billing_id)]})
    requests = desk.policy("Requests", first=8 * HOUR, match={"type": ["service_request"]})
    fallback = desk.policy("Standard", first=4 * HOUR)
    at = berlin(2026, 6, 8, 9)
    high_gold = desk.run(CreateTicket(subject="a", from_addr="x@gold.example",
                                      priority=Priority.HIGH), at)  # fmt: skip
    normal_gold = desk.run(CreateTicket(subject="b", from_addr="y@gold.example"), at)
    billing = desk.run(CreateTicket(subject="c", group_id=billing_id, priority=Priority.HIGH), at)
    request = desk.run(CreateTicket(subject="d", type=TicketType.SERVICE_REQUEST), at)
    run_engine(desk, berlin(2026, 6, 8, 9, 5))
    assert policy_of(desk, high_gold) == gold
    assert policy_of(desk, normal_gold) == fallback  # gold, but not high
    assert policy_of(desk, billing) == by_group
    assert policy_of(desk, request) == requests
    assert clocks_of(desk, high_gold)[SlaTarget.FIRST_RESPONSE].due_at == berlin(2026, 6, 8, 10)

    # A policy put first takes over on the next pass (the order is the user's).
    with desk.store.write() as s:
        cal = admin.find_calendar(s, "Bayern")
        admin.create_policy(s, desk.hlc, "Everything", cal, {SlaTarget.RESOLUTION: HOUR},
                            position=1)  # fmt: skip
    report = run_engine(desk, berlin(2026, 6, 8, 9, 10))
    assert report.full_recompute
    assert set(clocks_of(desk, high_gold)) == {SlaTarget.RESOLUTION}


def _group(desk: Desk, name: str) -> uuid.UUID:
    with desk.store.write() as s:
        g = Group(name=name)
        s.add(g)
        s.flush()
        return g.id


def test_contract_level_change_recomputes(desk: Desk) -> None:
    desk.policy("Gold", first=HOUR, match={"contract": ["gold"]})
    desk.policy("Standard", first=4 * HOUR)
    tid = desk.run(CreateTicket(subject="a", from_addr="x@gold.example"), berlin(2026, 6, 8, 9))
    run_engine(desk, berlin(2026, 6, 8, 9, 1))
    assert clocks_of(desk, tid)[SlaTarget.FIRST_RESPONSE].target_s == HOUR
    with desk.store.write() as s:
        org = s.get(Organization, desk.gold_org)
        assert org is not None
        org.contract_level = ContractLevel.SILVER
    run_engine(desk, berlin(2026, 6, 8, 9, 2))
    assert clocks_of(desk, tid)[SlaTarget.FIRST_RESPONSE].target_s == 4 * HOUR


def test_clocks_follow_the_ticket(desk: Desk) -> None:
    desk.policy(first=4 * HOUR, nxt=2 * HOUR, resolution=16 * HOUR)
    tid = desk.run(CreateTicket(subject="VPN", from_addr="max@kunde.example"),
                   berlin(2026, 6, 5, 15))  # Friday 15:00  # fmt: skip
    run_engine(desk, berlin(2026, 6, 5, 15, 30))
    first = clocks_of(desk, tid)[SlaTarget.FIRST_RESPONSE]
    assert first.state is ClockState.RUNNING and first.due_at == berlin(2026, 6, 8, 10)

    # Waiting for the customer from Friday 16:00 to Tuesday 10:00: the clocks stand still.
    desk.run(SetStatus(ticket_id=tid, status=Status.WAITING_CUSTOMER), berlin(2026, 6, 5, 16))
    run_engine(desk, berlin(2026, 6, 8, 12))
    c = clocks_of(desk, tid)
    assert c[SlaTarget.FIRST_RESPONSE].state is ClockState.PAUSED
    assert c[SlaTarget.FIRST_RESPONSE].due_s is None
    desk.run(AddMessage(ticket_id=tid, kind=MessageKind.INBOUND_MAIL, body_text="wieder da"),
             berlin(2026, 6, 9, 10))  # the customer answers: open again  # fmt: skip
    run_engine(desk, berlin(2026, 6, 9, 10, 1))
    c = clocks_of(desk, tid)
    assert c[SlaTarget.FIRST_RESPONSE].due_at == berlin(2026, 6, 9, 14)  # 3 h left
    assert SlaTarget.NEXT_RESPONSE not in c  # no answer yet: the first response covers it

    desk.run(AddMessage(ticket_id=tid, kind=MessageKind.OUTBOUND_MAIL, body_text="Hallo"),
             berlin(2026, 6, 9, 11))  # fmt: skip
    desk.run(AddMessage(ticket_id=tid, kind=MessageKind.INBOUND_MAIL, body_text="Danke, aber"),
             berlin(2026, 6, 9, 16))  # fmt: skip
    run_engine(desk, berlin(2026, 6, 9, 16, 1))
    c = clocks_of(desk, tid)
    assert c[SlaTarget.FIRST_RESPONSE].state is ClockState.MET
    assert c[SlaTarget.NEXT_RESPONSE].due_at == berlin(2026, 6, 10, 9)  # 16-17, 08-09
    assert c[SlaTarget.NEXT_RESPONSE].start_s == int(berlin(2026, 6, 9, 16).timestamp())

    desk.run(SetStatus(ticket_id=tid, status=Status.RESOLVED), berlin(2026, 6, 10, 8, 30))
    run_engine(desk, berlin(2026, 6, 10, 9))
    c = clocks_of(desk, tid)
    assert all(clock.state is ClockState.MET for clock in c.values())
    with desk.store.read() as s:
        state = s.get(SlaTicketState, tid)
        assert state is not None and state.next_due_s is None and not state.open


def test_follow_up_parks_the_clock(desk: Desk) -> None:
    desk.policy(first=2 * HOUR)
    tid = desk.run(CreateTicket(subject="a"), berlin(2026, 6, 8, 8))
    desk.run(SetFollowUp(ticket_id=tid, at=berlin(2026, 6, 15, 8)), berlin(2026, 6, 8, 9))
    run_engine(desk, berlin(2026, 6, 12))
    c = clocks_of(desk, tid)[SlaTarget.FIRST_RESPONSE]
    assert c.state is ClockState.PAUSED and c.paused_s == 31 * HOUR  # Mon 9:00 - Thu 17:00


def test_group_calendar_wins_over_the_policys(desk: Desk) -> None:
    with desk.store.write() as s:
        early = admin.create_calendar(s, desk.hlc, "Früh", "Europe/Berlin",
                                      ["mon-fri 06:00-10:00"])  # fmt: skip
        g = s.get(Group, desk.support)
        assert g is not None
        admin.use_calendar(s, desk.hlc, early, g)
    desk.policy(first=2 * HOUR)
    grouped = desk.run(CreateTicket(subject="a", group_id=desk.support), berlin(2026, 6, 8, 9))
    plain = desk.run(CreateTicket(subject="b"), berlin(2026, 6, 8, 9))
    run_engine(desk, berlin(2026, 6, 8, 9, 1))
    assert clocks_of(desk, grouped)[SlaTarget.FIRST_RESPONSE].due_at == berlin(2026, 6, 9, 7)
    assert clocks_of(desk, plain)[SlaTarget.FIRST_RESPONSE].due_at == berlin(2026, 6, 8, 11)


def test_idle_pass_recomputes_nothing(desk: Desk) -> None:
    desk.policy()
    desk.run(CreateTicket(subject="a"), berlin(2026, 6, 8, 9))
    assert run_engine(desk, berlin(2026, 6, 8, 9, 1)).recomputed == 1
    assert run_engine(desk, berlin(2026, 6, 8, 9, 2)).recomputed == 0
    tid = desk.run(CreateTicket(subject="b"), berlin(2026, 6, 8, 9, 3))
    desk.run(SetPriority(ticket_id=tid, priority=Priority.HIGH), berlin(2026, 6, 8, 9, 4))
    assert run_engine(desk, berlin(2026, 6, 8, 9, 5)).recomputed == 1


def test_due_soon_and_breached_views(desk: Desk) -> None:
    desk.policy(first=2 * HOUR)
    made = [desk.run(CreateTicket(subject=f"t{h}", group_id=desk.support),
                     berlin(2026, 6, 8, 8 + h)) for h in range(5)]  # fmt: skip
    now = berlin(2026, 6, 8, 13, 30)  # due: 10, 11, 12, 14, 15 (lunch 12-13)
    run_engine(desk, now)
    with desk.store.read() as s:
        soon = views.due_soon(s, now, timedelta(hours=2))
        late = views.breached(s, now)
        assert [r.id for r in soon] == made[3:5]
        assert [r.id for r in late] == made[:3]
        assert [r.due_at for r in late] == [berlin(2026, 6, 8, h) for h in (10, 11, 12)]
        assert views.count_due_soon(s, now, timedelta(hours=2)) == 2
        assert views.count_breached(s, now) == 3
        page = views.breached(s, now, limit=2)
        rest = views.breached(s, now, limit=2, after=views.cursor_after(page, 2))
        assert [r.id for r in page + rest] == made[:3]
        assert views.due_soon(s, now, timedelta(hours=8), group_id=uuid.uuid4()) == []
        [clock] = views.ticket_clocks(s, made[0])
        assert clock.state is ClockState.BREACHED and clock.due_at == berlin(2026, 6, 8, 10)
        sla = ticket_sla(s, made[4], now)
        assert sla is not None and sla.policy == "Standard" and sla.calendar == "Bayern"
        [target] = sla.targets
        assert target.remaining_s == HOUR + 30 * 60 and target.level == "ok"
        assert target.explanation.due == berlin(2026, 6, 8, 15)


def test_alerts_for_the_ui_and_the_due_next_sort(desk: Desk) -> None:
    from desk_gui.models import Ticket
    from desk_gui.sync.sla.policy import Level

    desk.policy(first=HOUR, levels=[Level(percent=100, notify=("assignee",))])
    late = desk.run(CreateTicket(subject="late", assignee_id=desk.ben), berlin(2026, 6, 8, 8))
    soon = desk.run(CreateTicket(subject="soon", assignee_id=desk.ben), berlin(2026, 6, 8, 9))
    none = desk.run(CreateTicket(subject="none", assignee_id=desk.ben), berlin(2026, 6, 8, 9))
    desk.run(SetStatus(ticket_id=none, status=Status.RESOLVED), berlin(2026, 6, 8, 9, 5))
    run_engine(desk, berlin(2026, 6, 8, 9, 30))
    with desk.store.write() as s:
        [row] = views.alerts(s, desk.ben)
        assert row.ticket_id == late and row.kind.value == "sla_breach"
        assert row.data["level"] == "100%" and row.data["late"]  # due 09:00, fired 09:30
        assert row.text == "(late) #10001 late: first response reached 100 % of 1h (Standard)"
        assert [a.id for a in views.alerts_since(s, berlin(2026, 6, 8))] == [row.id]
        assert views.mark_alerts_read(s, desk.ben, [row.id], berlin(2026, 6, 8, 9, 31)) == 1
        assert views.alerts(s, desk.ben) == []
        assert len(views.alerts(s, desk.ben, unread_only=False)) == 1
        due = views.next_due_column()
        order = s.scalars(
            select(Ticket.id).order_by(due.is_(None), due, Ticket.id)
        ).all()  # fmt: skip
        assert order == [late, soon, none]


def test_between_full_scans_only_recent_updates_are_looked_at(desk: Desk) -> None:
    from desk_gui.models import utcnow

    desk.policy()
    engine = desk.engine()
    now = utcnow()
    desk.clock.now = now
    desk.run(CreateTicket(subject="a"))
    assert engine.run_once(now).recomputed == 1  # the first pass is a full scan
    desk.run(CreateTicket(subject="b"))
    assert engine.run_once(now).recomputed == 1  # incremental: updated since the last scan
    # A row stamped by a clock far behind (replicated from a laptop with a wrong date) is
    # not seen by the incremental scan, but by the next full one.
    desk.clock.now = now - timedelta(days=2)
    desk.run(CreateTicket(subject="c"))
    assert engine.run_once(now).recomputed == 0
    engine._next_full = 0.0
    assert engine.run_once(now).recomputed == 1


def test_after_a_configuration_change_every_open_or_lately_open_ticket_is_recomputed(
    desk: Desk,
) -> None:
    """The shortcut taken when every open clock is stale finds what the per-ticket
    comparison finds, without comparing."""
    desk.policy("Standard", first=4 * HOUR)
    at = berlin(2026, 6, 8, 9)
    kept = desk.run(CreateTicket(subject="offen"), at)
    closed = desk.run(CreateTicket(subject="erledigt"), at)
    run_engine(desk, berlin(2026, 6, 8, 9, 5))
    desk.run(SetStatus(ticket_id=closed, status=Status.CLOSED), berlin(2026, 6, 8, 9, 6))
    with desk.store.write() as s:
        mark_all_stale(s)
    now_s = to_epoch(berlin(2026, 6, 8, 9, 10))
    with desk.store.read() as s:
        compared = dirty_tickets(s, now_s)
        shortcut = dirty_tickets(s, now_s, everything=True)
        raw = Bulk(s).raw_ids([kept, closed])
    assert sorted(raw) == compared == shortcut


def test_a_full_scan_finds_tickets_closed_before_any_pass_saw_them(desk: Desk) -> None:
    """Opened and closed between two passes: never seen, not open, yet its clocks get
    their final state if it changed within the last day; older ones are left alone."""
    desk.policy("Standard", first=4 * HOUR)
    now = berlin(2026, 6, 8, 12)
    ids = {}
    for name, at in (("lately", now - timedelta(hours=3)), ("long ago", now - timedelta(days=3))):
        ids[name] = desk.run(CreateTicket(subject=name), at)
        desk.run(SetStatus(ticket_id=ids[name], status=Status.CLOSED), at + timedelta(minutes=5))
    with desk.store.read() as s:
        found = dirty_tickets(s, to_epoch(now))
        assert found == Bulk(s).raw_ids([ids["lately"]])


def test_the_scan_of_open_tickets_walks_their_own_index(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite the planner would take the status index and look up each ticket and
    its state at random (5x slower at 100,000 open tickets); the scan names its index.
    Closed tickets are not in that index, so they must not be in the result either."""
    desk.policy("Standard", first=4 * HOUR)
    at = berlin(2026, 6, 8, 9)
    kept = desk.run(CreateTicket(subject="offen"), at)
    closed = desk.run(CreateTicket(subject="erledigt"), at)
    desk.run(SetStatus(ticket_id=closed, status=Status.CLOSED), at)
    now_s = to_epoch(berlin(2026, 6, 8, 9, 10))
    ran: list[str] = []
    real = Bulk.fetch

    def recording(self: Bulk, text: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        ran.append(text)
        return real(self, text, params)

    monkeypatch.setattr(Bulk, "fetch", recording)
    with desk.store.read() as s:
        for everything in (False, True):
            first, _ = dirty_split(s, now_s, everything)
            assert first == Bulk(s).raw_ids([kept])
        assert len(ran) == 2  # the open part only: the rest is asked for later
        if desk.store.dialect == "sqlite":
            for q in ran:
                plan = s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {q}").all()
                assert any("ix_tickets_open" in row[-1] for row in plan), plan


def test_a_configuration_change_takes_the_shortcut_in_the_engine(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_once passes `everything` on to the scan after a fingerprint change only."""
    desk.policy("Standard", first=4 * HOUR)
    desk.run(CreateTicket(subject="offen"), berlin(2026, 6, 8, 9))
    seen: list[bool] = []  # `everything` of each full scan
    real = engine_module.dirty_split

    def recording(*args: Any, **kw: Any) -> Any:
        seen.append(bool(args[2] if len(args) > 2 else kw.get("everything", False)))
        return real(*args, **kw)

    monkeypatch.setattr(engine_module, "dirty_split", recording)
    engine = desk.engine()
    engine.run_once(berlin(2026, 6, 8, 9, 5))  # the first pass: config new to the store
    desk.policy("Gold", first=HOUR, match={"priority": ["high"]}, position=1)
    engine.run_once(berlin(2026, 6, 8, 9, 10))  # changed
    engine.run_once(berlin(2026, 6, 8, 9, 15))  # unchanged: incremental, no full scan
    assert seen == [True, True]
