"""Automatic assignment within a group (round robin or fewest open tickets), skipping
absent agents, and handing an absent agent's urgent and high tickets over.

The group's routing row is locked (FOR UPDATE on PostgreSQL) while a member is picked,
so two engines, or an engine and an agent asking for assignment, never pick from the
same round-robin position. Assignments run the Assign command as a compare-and-set:
a ticket someone claimed meanwhile is left alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk_gui.models.absence import AbsencePeriod, AssignMode, GroupRouting
from desk_gui.models.alert import AlertKind
from desk_gui.models.commands import Actor, Assign, CommandError, run_in
from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.party import Agent
from desk_gui.models.reason import reason
from desk_gui.models.ticket import OPEN_STATUSES, Priority, Status, Ticket

from .notify import Hlc, alert, group_members, recipients, ticket_title
from .recompute import is_postgres

# Alert texts (Reasons: the desktop shows them in the agent's language).
_ASSIGNED = QT_TRANSLATE_NOOP("Reason", "{ticket}: assigned to you")
_NOBODY_FREE = QT_TRANSLATE_NOOP(
    "Reason", "{ticket}: {name} is absent and nobody in the group can take it"
)
_HANDED_OVER = QT_TRANSLATE_NOOP("Reason", "{ticket}: handed over to you, {name} is absent")

ASSIGN_ACTOR = Actor("auto-assign")
HAND_OVER_PRIORITIES = (Priority.HIGH, Priority.URGENT)


@dataclass(frozen=True)
class Assignment:
    ticket_id: uuid.UUID
    agent_id: uuid.UUID | None  # None: nobody in the group was available


@dataclass(frozen=True)
class HandOver:
    absence_id: uuid.UUID
    ticket_id: uuid.UUID
    from_agent: uuid.UUID
    to_agent: uuid.UUID | None  # None: nobody to take it; the group lead was told


# --- absences ------------------------------------------------------------------------------


def absent_agents(session: Session, at: datetime) -> set[uuid.UUID]:
    a = AbsencePeriod
    return set(session.scalars(select(a.agent_id).where(a.starts_at <= at, a.ends_at > at)))


def add_absence(
    session: Session,
    hlc: Hlc,
    agent_id: uuid.UUID,
    starts_at: datetime,
    ends_at: datetime,
    note: str = "",
    created_by: str = "",
) -> AbsencePeriod:
    """Record an absence (by the agent or a lead); the engine hands over at its start."""
    if ends_at <= starts_at:
        raise ValueError("an absence must end after it starts")
    if session.get(Agent, agent_id) is None:
        raise ValueError(f"agent {agent_id} does not exist")
    row = AbsencePeriod(
        agent_id=agent_id,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note.strip(),
        created_by=created_by,
        hlc=hlc(),
    )
    session.add(row)
    session.flush()
    return row


# --- picking a member ---------------------------------------------------------------------


def routing_of(session: Session, group_id: uuid.UUID) -> GroupRouting | None:
    stmt = select(GroupRouting).where(GroupRouting.group_id == group_id)
    if is_postgres(session):
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def open_counts(session: Session, agents: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = session.execute(
        select(Ticket.assignee_id, func.count())
        .where(Ticket.assignee_id.in_(list(agents)), Ticket.status.in_(sorted(OPEN_STATUSES)))
        .group_by(Ticket.assignee_id)
    )
    return {agent: int(n) for agent, n in rows if agent is not None}


def rotated(members: Sequence[uuid.UUID], after: uuid.UUID | None) -> list[uuid.UUID]:
    """Members in round-robin order: first the one after `after`."""
    if after is None or after not in members:
        return list(members)
    i = list(members).index(after) + 1
    return [*members[i:], *members[:i]]


def choose(
    session: Session,
    group_id: uuid.UUID,
    now: datetime,
    exclude: Collection[uuid.UUID] = (),
    mode: AssignMode | None = None,
) -> uuid.UUID | None:
    """The member who gets the next ticket of the group (None: nobody available)."""
    routing = routing_of(session, group_id)
    if mode is None:
        mode = (
            routing.mode
            if routing and routing.mode is not AssignMode.OFF
            else AssignMode.FEWEST_OPEN
        )
    members = group_members(session, group_id)
    away = absent_agents(session, now) | set(exclude)
    order = [
        m for m in rotated(members, routing.last_agent_id if routing else None) if m not in away
    ]
    if not order:
        return None
    pick = order[0]
    if mode is AssignMode.FEWEST_OPEN:
        counts = open_counts(session, order)
        pick = min(order, key=lambda a: counts.get(a, 0))  # ties: round-robin order
    if routing is not None:
        routing.last_agent_id = pick
    return pick


def assign_ticket(
    session: Session,
    hlc: Hlc,
    ticket_id: uuid.UUID,
    now: datetime,
    actor: Actor = ASSIGN_ACTOR,
) -> Assignment:
    """Assign within the ticket's group now ("on request", or intake)."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise CommandError(
            QT_TRANSLATE_NOOP("CommandError", "ticket {ticket} does not exist"), ticket=ticket_id
        )
    if ticket.group_id is None:
        raise CommandError(
            QT_TRANSLATE_NOOP("CommandError", "{ticket} has no group to pick an agent from"),
            ticket=ticket.label,
        )
    agent = choose(
        session, ticket.group_id, now, exclude=[ticket.assignee_id] if ticket.assignee_id else []
    )
    if agent is None:
        return Assignment(ticket.id, None)
    cmd = Assign(
        ticket_id=ticket.id, agent_id=agent, expected=ticket.assignee_id, check_expected=True
    )
    run_in(session, hlc(), cmd, actor)
    alert(
        session,
        hlc,
        [agent],
        ticket,
        AlertKind.ASSIGNED,
        reason(_ASSIGNED, ticket=ticket_title(ticket)),
        now,
        source="auto-assign",
    )
    return Assignment(ticket.id, agent)


def claim_intake(session: Session, limit: int) -> list[uuid.UUID]:
    """New, unassigned tickets of groups with automatic assignment on."""
    auto = select(GroupRouting.group_id).where(GroupRouting.mode != AssignMode.OFF)
    stmt = (
        select(Ticket.id)
        .where(
            Ticket.status == Status.NEW,
            Ticket.assignee_id.is_(None),
            Ticket.group_id.in_(auto),
        )
        .order_by(Ticket.created_at, Ticket.id)
        .limit(limit)
    )
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.scalars(stmt))


# --- hand-over -----------------------------------------------------------------------------


def claim_absences(session: Session, now: datetime, limit: int) -> list[AbsencePeriod]:
    a = AbsencePeriod
    stmt = (
        select(a)
        .where(a.starts_at <= now, a.ends_at > now, a.handed_over_at.is_(None))
        .order_by(a.starts_at, a.id)
        .limit(limit)
    )
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.scalars(stmt))


def hand_over(session: Session, hlc: Hlc, absence: AbsencePeriod, now: datetime) -> list[HandOver]:
    """Move the absent agent's open urgent and high tickets to other group members."""
    agent = session.get(Agent, absence.agent_id)
    name = agent.name if agent else str(absence.agent_id)
    actor = Actor(f"hand-over: {name} absent")
    tickets = session.scalars(
        select(Ticket)
        .where(
            Ticket.assignee_id == absence.agent_id,
            Ticket.status.in_(sorted(OPEN_STATUSES)),
            Ticket.priority.in_(HAND_OVER_PRIORITIES),
        )
        .order_by(Ticket.created_at, Ticket.id)
    ).all()
    out: list[HandOver] = []
    for ticket in tickets:
        to = (
            choose(session, ticket.group_id, now, exclude=[absence.agent_id])
            if ticket.group_id
            else None
        )
        data = {"absent": name, "absence_id": str(absence.id)}
        if to is None:
            # Nobody to take it: the lead decides (and learns of it right away).
            leads = [
                a for a in recipients(session, ticket, ["group-lead"]) if a != absence.agent_id
            ]
            alert(session, hlc, leads, ticket, AlertKind.HAND_OVER,
                  reason(_NOBODY_FREE, ticket=ticket_title(ticket), name=name),
                  now, data, source="hand-over")  # fmt: skip
        else:
            cmd = Assign(
                ticket_id=ticket.id, agent_id=to, expected=absence.agent_id, check_expected=True
            )
            run_in(session, hlc(), cmd, actor)
            alert(session, hlc, [to], ticket, AlertKind.HAND_OVER,
                  reason(_HANDED_OVER, ticket=ticket_title(ticket), name=name),
                  now, data, source="hand-over")  # fmt: skip
        out.append(HandOver(absence.id, ticket.id, absence.agent_id, to))
    absence.handed_over_at = now
    return out
