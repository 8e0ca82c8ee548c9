"""Who gets told (assignee, group, group lead, named agents) and writing the alerts."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models.alert import Alert, AlertKind
from desk_gui.models.party import Agent, Group, Membership
from desk_gui.models.ticket import Ticket

from .policy import NOTIFY_ROLES

Hlc = Callable[[], str]


def recipients(session: Session, ticket: Ticket, notify: Iterable[str]) -> list[uuid.UUID]:
    """Active agents named by roles and UUIDs, each once, in the order asked."""
    found: list[uuid.UUID] = []
    for who in notify:
        if who == "assignee":
            found += [ticket.assignee_id] if ticket.assignee_id else []
        elif who == "group-lead":
            lead = _group_lead(session, ticket.group_id)
            found += [lead] if lead else []
        elif who == "group":
            found += group_members(session, ticket.group_id)
        elif who not in NOTIFY_ROLES:
            found.append(uuid.UUID(who))
    active = set(
        session.scalars(select(Agent.id).where(Agent.id.in_(found), Agent.active.is_(True)))
    )
    return list(dict.fromkeys(a for a in found if a in active))


def _group_lead(session: Session, group_id: uuid.UUID | None) -> uuid.UUID | None:
    if group_id is None:
        return None
    return session.scalar(select(Group.lead_agent_id).where(Group.id == group_id))


def group_members(session: Session, group_id: uuid.UUID | None) -> list[uuid.UUID]:
    """Active members of a group, by login (a stable order for round robin too)."""
    if group_id is None:
        return []
    return list(
        session.scalars(
            select(Agent.id)
            .join(Membership, Membership.agent_id == Agent.id)
            .where(Membership.group_id == group_id, Agent.active.is_(True))
            .order_by(Agent.login)
        )
    )


def alert(
    session: Session,
    hlc: Hlc,
    agents: Iterable[uuid.UUID],
    ticket: Ticket | None,
    kind: AlertKind,
    text: str,
    now: datetime,
    data: dict[str, Any] | None = None,
    source: str = "",
) -> list[Alert]:
    rows = [
        Alert(
            agent_id=agent,
            ticket_id=ticket.id if ticket is not None else None,
            kind=kind,
            text=text,
            data=data or {},
            created_at=now,
            source=source,
            hlc=hlc(),
        )
        for agent in agents
    ]
    session.add_all(rows)
    return rows


def ticket_title(ticket: Ticket) -> str:
    return f"{ticket.label} {ticket.subject}"
