"""Read side of SLAs for the window: "Due soon" and "Breached" views, the "due next"
sort key, a ticket's stored clocks, and agents' alerts.

Views read `sla_tickets.next_due_s` (the earliest due time of a ticket's unmet clocks,
kept by the engine; NULL once the ticket is done) through its index, so a page costs the
same at a million tickets. They filter on nothing else: a status filter on the ticket
would lead the planner to walk the tickets instead.
Remaining *business* time needs the calendar arithmetic, which lives in
desk_gui.sync.sla (see status.py there); everything here is plain SQL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, tuple_, update
from sqlalchemy.orm import Session, aliased

from .alert import Alert, AlertKind
from .clock import ClockState, SlaTicketState, epoch_datetime
from .party import Agent, Group
from .sla import SlaTarget
from .ticket import Priority, Status, Ticket

Stmt = Select[*tuple[Any, ...]]


def epoch(t: datetime) -> int:
    """Whole UTC epoch seconds (floored), as the clocks store them."""
    if t.tzinfo is None:
        raise ValueError("naive datetime: give an aware one")
    delta = t - datetime(1970, 1, 1, tzinfo=UTC)
    return delta.days * 86_400 + delta.seconds


@dataclass(frozen=True)
class SlaRow:
    """One line of the "Due soon" / "Breached" views."""

    id: uuid.UUID
    label: str
    status: Status
    priority: Priority
    subject: str
    assignee: str | None
    group: str | None
    due_at: datetime
    target: SlaTarget | None  # which clock is due first


@dataclass(frozen=True)
class DueCursor:
    """Where a page of a view ended (keyset pagination on due time, ticket id)."""

    due_s: int
    id: uuid.UUID


_assignee = aliased(Agent)
_group = aliased(Group)
_S = SlaTicketState


def _rows() -> Stmt:
    return (
        select(
            Ticket.id,
            Ticket.number,
            Ticket.status,
            Ticket.priority,
            Ticket.subject,
            _assignee.name,
            _group.name,
            _S.next_due_s,
            _S.next_due_target,
        )
        .select_from(_S)
        .join(Ticket, Ticket.id == _S.ticket_id)
        .outerjoin(_assignee, _assignee.id == Ticket.assignee_id)
        .outerjoin(_group, _group.id == Ticket.group_id)
    )


def _scoped(stmt: Stmt, group_id: uuid.UUID | None, assignee_id: uuid.UUID | None) -> Stmt:
    if group_id is not None:
        stmt = stmt.where(Ticket.group_id == group_id)
    if assignee_id is not None:
        stmt = stmt.where(Ticket.assignee_id == assignee_id)
    return stmt


def _to_row(r: Any) -> SlaRow:
    label = f"#{r[1]}" if r[1] is not None else f"~{str(r[0])[:8]}"
    due = epoch_datetime(r[7])
    assert due is not None
    return SlaRow(r[0], label, r[2], r[3], r[4], r[5], r[6], due, r[8])


def _window(now: datetime, within: timedelta | None) -> tuple[ColumnElement[bool], ...]:
    now_s = epoch(now)
    if within is None:  # breached: due at or before now
        return (_S.next_due_s <= now_s,)
    return (_S.next_due_s > now_s, _S.next_due_s <= now_s + int(within.total_seconds()))


def _page(
    session: Session,
    conditions: tuple[ColumnElement[bool], ...],
    limit: int,
    after: DueCursor | None,
    group_id: uuid.UUID | None,
    assignee_id: uuid.UUID | None,
) -> list[SlaRow]:
    stmt = _scoped(_rows().where(*conditions), group_id, assignee_id)
    if after is not None:
        stmt = stmt.where(tuple_(_S.next_due_s, _S.ticket_id) > (after.due_s, after.id))
    stmt = stmt.order_by(_S.next_due_s, _S.ticket_id).limit(limit)
    return [_to_row(r) for r in session.execute(stmt)]


def due_soon(
    session: Session,
    now: datetime,
    within: timedelta = timedelta(hours=4),
    limit: int = 50,
    after: DueCursor | None = None,
    group_id: uuid.UUID | None = None,
    assignee_id: uuid.UUID | None = None,
) -> list[SlaRow]:
    """Open tickets whose next due time lies in (now, now + within], soonest first."""
    return _page(session, _window(now, within), limit, after, group_id, assignee_id)


def breached(
    session: Session,
    now: datetime,
    limit: int = 50,
    after: DueCursor | None = None,
    group_id: uuid.UUID | None = None,
    assignee_id: uuid.UUID | None = None,
) -> list[SlaRow]:
    """Open tickets with an unmet clock past its due time, longest overdue first."""
    return _page(session, _window(now, None), limit, after, group_id, assignee_id)


def cursor_after(rows: list[SlaRow], limit: int) -> DueCursor | None:
    """The cursor for the next page, None when this page was the last."""
    if len(rows) < limit:
        return None
    return DueCursor(epoch(rows[-1].due_at), rows[-1].id)


def _count(session: Session, conditions: tuple[ColumnElement[bool], ...]) -> int:
    stmt = select(func.count()).select_from(_S).where(*conditions)
    return int(session.scalar(stmt) or 0)


def count_due_soon(session: Session, now: datetime, within: timedelta = timedelta(hours=4)) -> int:
    return _count(session, _window(now, within))


def count_breached(session: Session, now: datetime) -> int:
    return _count(session, _window(now, None))


def next_due_column() -> Any:
    """A ticket's next due time (epoch seconds, NULL without an open clock): a column to
    add to list queries and sort by for "due next" (NULLs last: ORDER BY ... NULLS LAST
    or `.is_(None)` first)."""
    return (
        select(_S.next_due_s).where(_S.ticket_id == Ticket.id).correlate(Ticket).scalar_subquery()
    )


# --- one ticket ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockRow:
    target: SlaTarget
    state: ClockState
    start_at: datetime
    target_s: int
    due_at: datetime | None
    met_at: datetime | None
    paused_s: int
    levels_fired: int
    next_level: str | None
    next_level_at: datetime | None


def ticket_clocks(session: Session, ticket_id: uuid.UUID) -> list[ClockRow]:
    """The stored clocks of a ticket (as of the engine's last pass), by target."""
    state = session.get(SlaTicketState, ticket_id)
    if state is None:
        return []
    return [
        ClockRow(
            c.target,
            c.state,
            datetime.fromtimestamp(c.start_s, UTC),
            c.target_s,
            epoch_datetime(c.due_s),
            epoch_datetime(c.met_s),
            c.paused_s,
            c.levels_fired,
            c.next_level,
            epoch_datetime(c.next_level_s),
        )
        for c in state.clocks()
    ]


# --- alerts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertRow:
    id: uuid.UUID
    ticket_id: uuid.UUID | None
    kind: AlertKind
    text: str
    data: dict[str, Any]
    created_at: datetime
    read_at: datetime | None


def alerts(
    session: Session, agent_id: uuid.UUID, unread_only: bool = True, limit: int = 100
) -> list[AlertRow]:
    """An agent's alerts, newest first."""
    stmt = select(Alert).where(Alert.agent_id == agent_id)
    if unread_only:
        stmt = stmt.where(Alert.read_at.is_(None))
    stmt = stmt.order_by(Alert.created_at.desc(), Alert.id).limit(limit)
    return [
        AlertRow(a.id, a.ticket_id, a.kind, a.text, dict(a.data), a.created_at, a.read_at)
        for a in session.scalars(stmt)
    ]


def alerts_since(session: Session, after: datetime) -> list[AlertRow]:
    """Alerts created after a time, for every agent (the app's desktop notifications)."""
    stmt = select(Alert).where(Alert.created_at > after).order_by(Alert.created_at, Alert.id)
    return [
        AlertRow(a.id, a.ticket_id, a.kind, a.text, dict(a.data), a.created_at, a.read_at)
        for a in session.scalars(stmt)
    ]


def mark_alerts_read(
    session: Session, agent_id: uuid.UUID, ids: list[uuid.UUID], now: datetime
) -> int:
    result = session.execute(
        update(Alert)
        .where(Alert.agent_id == agent_id, Alert.id.in_(ids), Alert.read_at.is_(None))
        .values(read_at=now),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)
