"""The ticket list's queries with the SLA views added: "Due soon" and "Breached".

`SlaFilter` is a TicketFilter with a flag saying which SLA view it is; `rows_at` and
`count` answer it from `sla_tickets.next_due_s` (its index gives the order, soonest
due first), and hand every other filter on to queries.py unchanged. So the lazy list
model pages an SLA view exactly like any other view.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from . import queries
from .clock import SlaTicketState, epoch_datetime
from .queries import TicketFilter, TicketRow
from .sla_queries import epoch
from .ticket import Ticket

DUE_SOON_WITHIN = timedelta(hours=4)


class SlaView(enum.StrEnum):
    DUE_SOON = "due_soon"
    BREACHED = "breached"


@dataclass(frozen=True)
class SlaFilter(TicketFilter):
    sla: SlaView = SlaView.DUE_SOON
    within: timedelta = DUE_SOON_WITHIN
    now: datetime | None = None  # None: the time of each query


def _window(flt: SlaFilter) -> tuple[ColumnElement[bool], ...]:
    now_s = epoch(flt.now or datetime.now(UTC))
    due = SlaTicketState.next_due_s
    if flt.sla is SlaView.BREACHED:
        return (due <= now_s,)
    return (due > now_s, due <= now_s + int(flt.within.total_seconds()))


def _scoped(stmt: Any, flt: SlaFilter) -> Any:
    """The ticket-side filters of the view (group, assignee, ...) on top of the window."""
    if flt.assignee_id is not None or flt.group_id is not None or flt.unassigned:
        stmt = stmt.join(Ticket, Ticket.id == SlaTicketState.ticket_id)
    if flt.assignee_id is not None:
        stmt = stmt.where(Ticket.assignee_id == flt.assignee_id)
    if flt.unassigned:
        stmt = stmt.where(Ticket.assignee_id.is_(None))
    if flt.group_id is not None:
        stmt = stmt.where(Ticket.group_id == flt.group_id)
    return stmt


@dataclass(frozen=True)
class DueRow(TicketRow):
    """A list row with the ticket's next SLA due time (None: no open clock)."""

    due_at: datetime | None = None


def with_due(row: TicketRow, due_at: datetime | None) -> DueRow:
    values = {f.name: getattr(row, f.name) for f in fields(TicketRow)}
    return DueRow(**values, due_at=due_at)


def keep_due(new: TicketRow, old: TicketRow) -> TicketRow:
    """A row re-read after a change keeps the due time shown until the next page read
    (the engine recomputes it on its next pass anyway)."""
    if isinstance(new, DueRow) or not isinstance(old, DueRow):
        return new
    return with_due(new, old.due_at)


def _add_due(session: Session, rows: list[TicketRow]) -> list[TicketRow]:
    # One primary-key lookup for the page's rows: cheap at any table size.
    s = SlaTicketState
    stmt = select(s.ticket_id, s.next_due_s).where(
        s.ticket_id.in_([r.id for r in rows]), s.next_due_s.is_not(None)
    )
    due = {tid: due_s for tid, due_s in session.execute(stmt)}
    # Rows without a clock stay plain TicketRows (equal to what queries.py returns).
    return [with_due(r, epoch_datetime(due[r.id])) if r.id in due else r for r in rows]


def current_due(session: Session, rows: list[TicketRow]) -> list[TicketRow]:
    """The same rows with their due times as stored now (the engine recomputed them)."""
    plain = [
        TicketRow(**{f.name: getattr(r, f.name) for f in fields(TicketRow)})
        if isinstance(r, DueRow)
        else r
        for r in rows
    ]
    return _add_due(session, plain) if plain else plain


def rows_at(session: Session, flt: TicketFilter, offset: int, limit: int) -> list[TicketRow]:
    """Rows [offset, offset+limit) of a view, with due times; SLA views ordered by them."""
    if not isinstance(flt, SlaFilter):
        rows = queries.rows_at(session, flt, offset, limit)
        return _add_due(session, rows) if rows else rows
    s = SlaTicketState
    ids = _scoped(select(s.ticket_id).where(*_window(flt)), flt)
    ids = ids.order_by(s.next_due_s, s.ticket_id).offset(offset).limit(limit)
    wanted = list(session.scalars(ids))
    if not wanted:
        return []
    found = {r.id: r for r in _rows(session, wanted)}
    return _add_due(session, [found[i] for i in wanted if i in found])


def _rows(session: Session, ids: list[Any]) -> list[TicketRow]:
    stmt = queries._row_select().where(Ticket.id.in_(ids))
    return [queries._to_row(r) for r in session.execute(stmt)]


def count(session: Session, flt: TicketFilter) -> int:
    if not isinstance(flt, SlaFilter):
        return queries.count(session, flt)
    stmt = _scoped(select(func.count()).select_from(SlaTicketState).where(*_window(flt)), flt)
    return int(session.scalar(stmt) or 0)


def counts(session: Session, filters: list[TicketFilter]) -> list[int]:
    return [count(session, f) for f in filters]
