"""Follow-up reminders, automatic assignment (round robin, fewest open) skipping absent
agents, and handing an absent agent's urgent and high tickets over."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from desk_gui.models import (
    AbsencePeriod,
    Alert,
    AlertKind,
    AssignMode,
    Group,
    HistoryEntry,
    Status,
    Ticket,
)
from desk_gui.models.commands import Assign, CommandError, CreateTicket, SetFollowUp
from desk_gui.models.ticket import Priority
from desk_gui.sync.sla import admin, assignment

from .conftest import Desk, berlin, run_engine


def ticket(desk: Desk, tid: object) -> Ticket:
    with desk.store.read() as s:
        t = s.get(Ticket, tid)
        assert t is not None
        return t


def alerts_for(desk: Desk, agent: uuid.UUID) -> list[tuple[AlertKind, str]]:
    with desk.store.read() as s:
        rows = s.execute(
            select(Alert.kind, Alert.text).where(Alert.agent_id == agent).order_by(Alert.created_at)
        )
        return [(k, t) for k, t in rows]


def history(desk: Desk, tid: object) -> list[tuple[str, str, str, str | None, str | None]]:
    with desk.store.read() as s:
        rows = s.execute(
            select(HistoryEntry.actor, HistoryEntry.command, HistoryEntry.field,
                   HistoryEntry.old, HistoryEntry.new)
            .where(HistoryEntry.ticket_id == tid).order_by(HistoryEntry.at, HistoryEntry.hlc)
        )  # fmt: skip
        return [tuple(r) for r in rows]  # type: ignore[misc]


def absent(desk: Desk, agent: uuid.UUID, start: object, end: object) -> None:
    with desk.store.write() as s:
        assignment.add_absence(s, desk.hlc, agent, start, end, "Urlaub", "test")  # type: ignore[arg-type]


def routing(desk: Desk, mode: AssignMode) -> None:
    with desk.store.write() as s:
        group = s.get(Group, desk.support)
        assert group is not None
        admin.set_routing(s, desk.hlc, group, mode)


# --- reminders --------------------------------------------------------------------------------


def test_parked_ticket_comes_back_at_its_date(desk: Desk) -> None:
    tid = desk.run(CreateTicket(subject="Rückruf", assignee_id=desk.ben), berlin(2026, 6, 8, 9))
    due = berlin(2026, 6, 10, 9)
    desk.run(SetFollowUp(ticket_id=tid, at=due), berlin(2026, 6, 8, 10))
    assert ticket(desk, tid).status is Status.PENDING_REMINDER
    assert run_engine(desk, due - timedelta(minutes=1)).resumed == []
    desk.clock.now = due + timedelta(minutes=1)
    report = run_engine(desk, due + timedelta(minutes=1))
    assert [r.ticket_id for r in report.resumed] == [tid]
    t = ticket(desk, tid)
    assert t.status is Status.OPEN and t.follow_up_at is None
    assert ("reminder", "resume_follow_up", "status", "pending_reminder", "open") in history(
        desk, tid
    )
    assert [k for k, _ in alerts_for(desk, desk.ben)] == [AlertKind.FOLLOW_UP]
    assert run_engine(desk, due + timedelta(minutes=2)).resumed == []  # once


def test_a_moved_date_is_respected(desk: Desk) -> None:
    tid = desk.run(CreateTicket(subject="a", group_id=desk.support), berlin(2026, 6, 8, 9))
    desk.run(SetFollowUp(ticket_id=tid, at=berlin(2026, 6, 10, 9)), berlin(2026, 6, 8, 10))
    desk.run(SetFollowUp(ticket_id=tid, at=berlin(2026, 6, 12, 9)), berlin(2026, 6, 9, 10))
    assert run_engine(desk, berlin(2026, 6, 11)).resumed == []
    report = run_engine(desk, berlin(2026, 6, 12, 9, 30))
    assert [r.notified for r in report.resumed] == [(desk.anna,)]  # unassigned: the lead


# --- assignment ------------------------------------------------------------------------------


def test_round_robin_skips_absent_agents(desk: Desk) -> None:
    routing(desk, AssignMode.ROUND_ROBIN)
    absent(desk, desk.ben, berlin(2026, 6, 8), berlin(2026, 6, 13))
    made = [desk.run(CreateTicket(subject=f"t{i}", group_id=desk.support),
                     berlin(2026, 6, 8, 9, i)) for i in range(4)]  # fmt: skip
    report = run_engine(desk, berlin(2026, 6, 8, 10))
    # Members by login: anna, ben (away), cara.
    assert [a.agent_id for a in report.assigned] == [desk.anna, desk.cara, desk.anna, desk.cara]
    assert [ticket(desk, t).assignee_id for t in made] == [desk.anna, desk.cara] * 2
    assert ticket(desk, made[0]).status is Status.OPEN
    assert ("auto-assign", "assign", "assignee_id", None, str(desk.anna)) in history(desk, made[0])
    # After the absence ben gets his turn again; the cursor continues after cara.
    later = desk.run(CreateTicket(subject="later", group_id=desk.support), berlin(2026, 6, 15, 9))
    run_engine(desk, berlin(2026, 6, 15, 9, 1))
    assert ticket(desk, later).assignee_id == desk.anna
    other = desk.run(CreateTicket(subject="other", group_id=desk.support), berlin(2026, 6, 15, 9))
    run_engine(desk, berlin(2026, 6, 15, 9, 2))
    assert ticket(desk, other).assignee_id == desk.ben


def test_fewest_open_tickets(desk: Desk) -> None:
    for i in range(3):
        desk.run(CreateTicket(subject=f"a{i}", assignee_id=desk.anna), berlin(2026, 6, 8, 8))
    desk.run(CreateTicket(subject="b", assignee_id=desk.ben), berlin(2026, 6, 8, 8))
    routing(desk, AssignMode.FEWEST_OPEN)
    made = [desk.run(CreateTicket(subject=f"n{i}", group_id=desk.support),
                     berlin(2026, 6, 8, 9, i)) for i in range(3)]  # fmt: skip
    run_engine(desk, berlin(2026, 6, 8, 10))
    # cara 0 -> cara; then ben 1 / cara 1 -> ben (first after cara); then cara.
    assert [ticket(desk, t).assignee_id for t in made] == [desk.cara, desk.ben, desk.cara]


def test_groups_without_routing_are_left_alone(desk: Desk) -> None:
    tid = desk.run(CreateTicket(subject="a", group_id=desk.support), berlin(2026, 6, 8, 9))
    assert run_engine(desk, berlin(2026, 6, 8, 10)).assigned == []
    assert ticket(desk, tid).assignee_id is None


def test_assignment_on_request(desk: Desk) -> None:
    tid = desk.run(CreateTicket(subject="a", group_id=desk.support), berlin(2026, 6, 8, 9))
    absent(desk, desk.anna, berlin(2026, 6, 1), berlin(2026, 6, 30))
    with desk.store.write() as s:
        done = assignment.assign_ticket(s, desk.hlc, tid, berlin(2026, 6, 8, 9))
    assert done.agent_id in (desk.ben, desk.cara)
    assert ticket(desk, tid).assignee_id == done.agent_id
    orphan = desk.run(CreateTicket(subject="b"), berlin(2026, 6, 8, 9))
    with pytest.raises(CommandError, match="no group"), desk.store.write() as s:
        assignment.assign_ticket(s, desk.hlc, orphan, berlin(2026, 6, 8, 9))


def test_absence_must_end_after_it_starts(desk: Desk) -> None:
    with pytest.raises(ValueError, match="end after"), desk.store.write() as s:
        assignment.add_absence(s, desk.hlc, desk.ben, berlin(2026, 6, 9), berlin(2026, 6, 8))


# --- hand-over -------------------------------------------------------------------------------


def test_absent_agents_urgent_tickets_move_within_the_group(desk: Desk) -> None:
    at = berlin(2026, 6, 8, 9)
    urgent = desk.run(CreateTicket(subject="Produktion steht", group_id=desk.support,
                                   assignee_id=desk.ben, priority=Priority.URGENT), at)  # fmt: skip
    high = desk.run(CreateTicket(subject="Drucker", group_id=desk.support,
                                 assignee_id=desk.ben, priority=Priority.HIGH), at)  # fmt: skip
    normal = desk.run(CreateTicket(subject="Frage", group_id=desk.support,
                                   assignee_id=desk.ben), at)  # fmt: skip
    for i in range(2):  # anna has more open tickets than cara: fewest open picks cara
        desk.run(CreateTicket(subject=f"x{i}", assignee_id=desk.anna), at)
    absent(desk, desk.ben, berlin(2026, 6, 9), berlin(2026, 6, 12))
    assert run_engine(desk, berlin(2026, 6, 8, 18)).handed_over == []  # not yet absent
    report = run_engine(desk, berlin(2026, 6, 9, 0, 5))
    assert {(h.ticket_id, h.to_agent) for h in report.handed_over} == {
        (urgent, desk.cara),
        (high, desk.cara),
    }
    assert ticket(desk, normal).assignee_id == desk.ben  # only urgent and high move
    actor = "hand-over: Ben Weber absent"
    assert (actor, "assign", "assignee_id", str(desk.ben), str(desk.cara)) in history(desk, urgent)
    assert [k for k, _ in alerts_for(desk, desk.cara)] == [AlertKind.HAND_OVER] * 2
    assert run_engine(desk, berlin(2026, 6, 9, 1)).handed_over == []  # once per absence
    with desk.store.read() as s:
        assert s.scalar(select(AbsencePeriod.handed_over_at)) is not None


def test_nobody_to_take_over_tells_the_lead(desk: Desk) -> None:
    absent(desk, desk.cara, berlin(2026, 6, 1), berlin(2026, 6, 30))
    absent(desk, desk.anna, berlin(2026, 6, 1), berlin(2026, 6, 30))
    tid = desk.run(CreateTicket(subject="a", group_id=desk.support, assignee_id=desk.ben,
                                priority=Priority.URGENT), berlin(2026, 6, 8, 9))  # fmt: skip
    absent(desk, desk.ben, berlin(2026, 6, 9), berlin(2026, 6, 12))
    report = run_engine(desk, berlin(2026, 6, 9, 9))
    assert [(h.ticket_id, h.to_agent) for h in report.handed_over] == [(tid, None)]
    assert ticket(desk, tid).assignee_id == desk.ben
    assert alerts_for(desk, desk.anna)[0][0] is AlertKind.HAND_OVER  # the lead, though away


def test_claimed_meanwhile_is_not_moved(desk: Desk) -> None:
    tid = desk.run(CreateTicket(subject="a", group_id=desk.support, assignee_id=desk.ben,
                                priority=Priority.URGENT), berlin(2026, 6, 8, 9))  # fmt: skip
    desk.run(Assign(ticket_id=tid, agent_id=desk.anna), berlin(2026, 6, 8, 10))
    absent(desk, desk.ben, berlin(2026, 6, 9), berlin(2026, 6, 12))
    assert run_engine(desk, berlin(2026, 6, 9, 9)).handed_over == []
    assert ticket(desk, tid).assignee_id == desk.anna
