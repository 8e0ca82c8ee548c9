"""Follow-up reminders (Wiedervorlage): parked tickets come back when their date comes.

Each due ticket is claimed with FOR UPDATE SKIP LOCKED (on PostgreSQL), brought back by
the ResumeFollowUp command (history and outbox like any change) and its assignee, or
else its group lead, is alerted in the same transaction. The command re-checks status
and date under the lock, so a second engine finds nothing left to do.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models.alert import AlertKind
from desk_gui.models.commands import Actor, run_in
from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.reason import reason
from desk_gui.models.sla_commands import ResumeFollowUp
from desk_gui.models.ticket import Status, Ticket

from .notify import Hlc, alert, recipients, ticket_title
from .recompute import is_postgres

REMINDER_ACTOR = Actor("reminder")


@dataclass(frozen=True)
class Resumed:
    ticket_id: uuid.UUID
    follow_up_at: datetime
    notified: tuple[uuid.UUID, ...]


def claim_due(session: Session, now: datetime, limit: int) -> list[tuple[uuid.UUID, datetime]]:
    stmt = (
        select(Ticket.id, Ticket.follow_up_at)
        .where(Ticket.status == Status.PENDING_REMINDER, Ticket.follow_up_at <= now)
        .order_by(Ticket.follow_up_at, Ticket.id)
        .limit(limit)
    )
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    return [(tid, at) for tid, at in session.execute(stmt) if at is not None]


def resume(
    session: Session, hlc: Hlc, ticket_id: uuid.UUID, at: datetime, now: datetime
) -> Resumed | None:
    cmd = ResumeFollowUp(ticket_id=ticket_id, follow_up_at=at)
    if not run_in(session, hlc(), cmd, REMINDER_ACTOR):
        return None
    ticket = session.get(Ticket, ticket_id)
    assert ticket is not None
    agents = recipients(session, ticket, ["assignee"]) or recipients(
        session, ticket, ["group-lead"]
    )
    alert(
        session,
        hlc,
        agents,
        ticket,
        AlertKind.FOLLOW_UP,
        reason(
            QT_TRANSLATE_NOOP(
                "Reason", "{ticket}: follow-up date reached, the ticket is open again"
            ),
            ticket=ticket_title(ticket),
        ),
        now,
        {"follow_up_at": at.isoformat()},
        source="reminder",
    )
    return Resumed(ticket_id, at, tuple(agents))
