"""Who gets told (assignee, group, group lead, named agents) and writing the alerts."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models.alert import Alert, AlertKind
from desk_gui.models.party import Agent, Group, Membership
from desk_gui.models.reason import Reason
from desk_gui.models.ticket import Ticket

from .policy import NOTIFY_ROLES

Hlc = Callable[[], str]


@dataclass(frozen=True)
class People:
    """Who is active, who leads and who belongs to each group: a snapshot for a batch,
    so an escalation storm costs no queries per level to find its recipients."""

    active: frozenset[uuid.UUID]
    leads: Mapping[uuid.UUID, uuid.UUID | None]
    members: Mapping[uuid.UUID, tuple[uuid.UUID, ...]]  # active members by login


def people(session: Session) -> People:
    active = frozenset(session.scalars(select(Agent.id).where(Agent.active.is_(True))))
    leads = {g: lead for g, lead in session.execute(select(Group.id, Group.lead_agent_id))}
    members: dict[uuid.UUID, list[uuid.UUID]] = {}
    rows = session.execute(
        select(Membership.group_id, Agent.id)
        .join(Agent, Agent.id == Membership.agent_id)
        .where(Agent.active.is_(True))
        .order_by(Agent.login)
    )
    for group, agent in rows:
        members.setdefault(group, []).append(agent)
    return People(active, leads, {g: tuple(m) for g, m in members.items()})


def recipients(
    session: Session, ticket: Ticket, notify: Iterable[str], known: People | None = None
) -> list[uuid.UUID]:
    """Active agents named by roles and UUIDs, each once, in the order asked."""
    p = known or people(session)
    found: list[uuid.UUID] = []
    for who in notify:
        if who == "assignee":
            found += [ticket.assignee_id] if ticket.assignee_id else []
        elif who == "group-lead":
            lead = p.leads.get(ticket.group_id) if ticket.group_id else None
            found += [lead] if lead else []
        elif who == "group":
            found += p.members.get(ticket.group_id, ()) if ticket.group_id else []
        elif who not in NOTIFY_ROLES:
            found.append(uuid.UUID(who))
    return list(dict.fromkeys(a for a in found if a in p.active))


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
    text: str | Reason,
    now: datetime,
    data: dict[str, Any] | None = None,
    source: str = "",
) -> list[Alert]:
    if isinstance(text, Reason):  # the text in English; the desktop translates `reason`
        data = {**(data or {}), "reason": text.encode()}
        text = str(text)
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
