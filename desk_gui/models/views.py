"""Read helpers for the window: plain values, never ORM objects.

Everything here runs on a reader thread and returns frozen dataclasses, so the GUI
thread can never trigger a lazy load (a hidden query) by touching an attribute.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from . import queries
from .message import CallOutcome, Message, MessageKind
from .party import Agent, ContractLevel, Group
from .queries import TicketFilter
from .ticket import Channel, Priority, Status, Ticket, TicketType


@dataclass(frozen=True)
class Named:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class Directory:
    """Who can be picked in the window: active agents and all groups, by name."""

    agents: tuple[Named, ...]
    groups: tuple[Named, ...]


def directory(session: Session) -> Directory:
    agents = session.execute(
        select(Agent.id, Agent.name).where(Agent.active.is_(True)).order_by(Agent.name)
    )
    groups = session.execute(select(Group.id, Group.name).order_by(Group.name))
    return Directory(
        tuple(Named(i, n) for i, n in agents),
        tuple(Named(i, n) for i, n in groups),
    )


def counts(session: Session, filters: Sequence[TicketFilter]) -> list[int]:
    return [queries.count(session, f) for f in filters]


def has_tickets(session: Session) -> bool:
    return bool(session.scalar(select(exists().where(Ticket.id.is_not(None)))))


@dataclass(frozen=True)
class AttachmentInfo:
    filename: str
    size: int


@dataclass(frozen=True)
class ThreadItem:
    """One entry of a ticket's thread: a mail, a note, a call, a form, an event."""

    id: uuid.UUID
    kind: MessageKind
    created_at: datetime
    author: str | None
    from_addr: str | None
    to_addrs: tuple[str, ...]
    cc_addrs: tuple[str, ...]
    subject: str | None
    body_text: str
    body_html: str | None
    call_outcome: CallOutcome | None
    attachments: tuple[AttachmentInfo, ...]


@dataclass(frozen=True)
class HistoryItem:
    at: datetime
    actor: str
    command: str
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class TicketPage:
    """Everything the ticket view shows, read in one job."""

    id: uuid.UUID
    label: str
    subject: str
    status: Status
    priority: Priority
    type: TicketType
    channel: Channel
    category: str | None
    assignee_id: uuid.UUID | None
    group_id: uuid.UUID | None
    contact: str | None
    contact_address: str | None
    organization: str | None
    contract_level: ContractLevel | None
    created_at: datetime
    updated_at: datetime
    follow_up_at: datetime | None
    tags: tuple[str, ...]
    thread: tuple[ThreadItem, ...]
    history: tuple[HistoryItem, ...]


def ticket_page(session: Session, ticket_id: uuid.UUID) -> TicketPage | None:
    d = queries.detail(session, ticket_id)
    if d is None:
        return None
    t = d.ticket
    groups = {gid: name for gid, name in session.execute(select(Group.id, Group.name))}
    contact = t.contact
    org = t.organization
    return TicketPage(
        id=t.id,
        label=t.label,
        subject=t.subject,
        status=t.status,
        priority=t.priority,
        type=t.type,
        channel=t.channel,
        category=t.category,
        assignee_id=t.assignee_id,
        group_id=t.group_id,
        contact=contact.name if contact else None,
        contact_address=contact.primary_address if contact else None,
        organization=org.name if org else None,
        contract_level=org.contract_level if org else None,
        created_at=t.created_at,
        updated_at=t.updated_at,
        follow_up_at=t.follow_up_at,
        tags=tuple(tag.name for tag in t.tags),
        thread=tuple(_thread_item(m, d.agents) for m in d.messages),
        history=tuple(
            HistoryItem(
                h.at,
                h.actor,
                h.command,
                h.field,
                _name(h.field, h.old, d.agents, groups),
                _name(h.field, h.new, d.agents, groups),
            )
            for h in d.history
        ),
    )


def _thread_item(m: Message, agents: dict[uuid.UUID, str]) -> ThreadItem:
    author = agents.get(m.author_agent_id) if m.author_agent_id else None
    return ThreadItem(
        id=m.id,
        kind=m.kind,
        created_at=m.created_at,
        author=author,
        from_addr=m.from_addr,
        to_addrs=tuple(m.to_addrs or ()),
        cc_addrs=tuple(m.cc_addrs or ()),
        subject=m.subject,
        body_text=m.body_text or "",
        body_html=m.body_html,
        call_outcome=m.call_outcome,
        attachments=tuple(AttachmentInfo(a.filename, a.size) for a in m.attachments),
    )


def _name(
    field: str,
    value: str | None,
    agents: dict[uuid.UUID, str],
    groups: dict[uuid.UUID, str],
) -> str | None:
    """History keeps ids for references; show the name the id has today."""
    table = {"assignee_id": agents, "group_id": groups}.get(field)
    if value is None or table is None:
        return value
    try:
        return table.get(uuid.UUID(value), value)
    except ValueError:
        return value
