"""The ticket aggregate: status machine, properties, tags and watchers."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Replicated, str_enum, utcnow
from .party import Agent, Contact, Group, Organization


class Status(enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING_REMINDER = "pending_reminder"
    WAITING_CUSTOMER = "waiting_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REJECTED = "rejected"


# Which status may follow which. Closed and rejected tickets can be reopened; a
# reopened ticket goes back to "open", never straight to "new".
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset(
        {
            Status.OPEN,
            Status.PENDING_REMINDER,
            Status.WAITING_CUSTOMER,
            Status.RESOLVED,
            Status.CLOSED,
            Status.REJECTED,
        }
    ),
    Status.OPEN: frozenset(
        {
            Status.PENDING_REMINDER,
            Status.WAITING_CUSTOMER,
            Status.RESOLVED,
            Status.CLOSED,
            Status.REJECTED,
        }
    ),
    Status.PENDING_REMINDER: frozenset(
        {Status.OPEN, Status.WAITING_CUSTOMER, Status.RESOLVED, Status.CLOSED, Status.REJECTED}
    ),
    Status.WAITING_CUSTOMER: frozenset(
        {Status.OPEN, Status.PENDING_REMINDER, Status.RESOLVED, Status.CLOSED, Status.REJECTED}
    ),
    Status.RESOLVED: frozenset({Status.OPEN, Status.CLOSED}),
    Status.CLOSED: frozenset({Status.OPEN}),
    Status.REJECTED: frozenset({Status.OPEN}),
}

OPEN_STATUSES = frozenset(
    {Status.NEW, Status.OPEN, Status.PENDING_REMINDER, Status.WAITING_CUSTOMER}
)
FINAL_STATUSES = frozenset({Status.CLOSED, Status.REJECTED})
# The same condition, as SQL text: a partial index can serve only a query whose WHERE
# repeats its own, and SQLite matches it literally (bound values do not count).
OPEN_SQL = "status IN ({})".format(", ".join(f"'{s.value}'" for s in sorted(OPEN_STATUSES)))


class Priority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return list(Priority).index(self)


class TicketType(enum.StrEnum):
    INCIDENT = "incident"
    SERVICE_REQUEST = "service_request"


class Channel(enum.StrEnum):
    MAIL = "mail"
    WEB = "web"
    PHONE = "phone"
    COUNTER = "counter"
    API = "api"


class Outcome(enum.StrEnum):
    FULFILLED = "fulfilled"
    REJECTED = "rejected"


class Ticket(Replicated, Base):
    __tablename__ = "tickets"
    __table_args__ = (
        # Keyset pagination of the list views: newest change first, id breaks ties.
        Index("ix_tickets_status_updated", "status", "updated_at", "id"),
        Index("ix_tickets_assignee_status_updated", "assignee_id", "status", "updated_at", "id"),
        Index("ix_tickets_group_status_updated", "group_id", "status", "updated_at", "id"),
        Index("ix_tickets_updated", "updated_at", "id"),
        Index("ix_tickets_follow_up", "follow_up_at"),
        # The open tickets in id order with their hlc: the SLA engine's scan for changed
        # tickets walks it beside the state rows' primary key, both in ticket order,
        # instead of looking up each ticket's row and state at random (1M tickets, 100k
        # open: 300 -> 55 ms). Small: open tickets only, two columns.
        Index(
            "ix_tickets_open",
            "id",
            "hlc",
            sqlite_where=text(OPEN_SQL),
            postgresql_where=text(OPEN_SQL),
        ),
    )

    # Human number (#10234); None until the shared database hands one out.
    number: Mapped[int | None] = mapped_column(unique=True)
    subject: Mapped[str] = mapped_column(String(500))
    status: Mapped[Status] = mapped_column(str_enum(Status), default=Status.NEW)
    priority: Mapped[Priority] = mapped_column(str_enum(Priority), default=Priority.NORMAL)
    type: Mapped[TicketType] = mapped_column(str_enum(TicketType), default=TicketType.INCIDENT)
    category: Mapped[str | None] = mapped_column(String(120))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel), default=Channel.MAIL)
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("groups.id"))
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id"))
    contact_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id"), index=True
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    close_outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome))
    close_reason: Mapped[str | None] = mapped_column(String(500))
    follow_up_at: Mapped[datetime | None]
    last_customer_message_at: Mapped[datetime | None]

    group: Mapped[Group | None] = relationship()
    assignee: Mapped[Agent | None] = relationship()
    contact: Mapped[Contact | None] = relationship()
    organization: Mapped[Organization | None] = relationship()
    tags: Mapped[list[Tag]] = relationship(secondary="ticket_tags", order_by="Tag.name")
    watchers: Mapped[list[Watcher]] = relationship(cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        return ticket_label(self.number, self.id)


def ticket_label(number: int | None, ticket_id: uuid.UUID) -> str:
    """How a ticket is named to people: its number, or a short id before it has one."""
    return f"#{number}" if number is not None else f"~{str(ticket_id)[:8]}"


class Tag(Replicated, Base):
    __tablename__ = "tags"

    name: Mapped[str] = mapped_column(String(80), unique=True)


class TicketTag(Base):
    __tablename__ = "ticket_tags"

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    tag_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tags.id"), primary_key=True, index=True)


class Watcher(Replicated, Base):
    __tablename__ = "watchers"
    __table_args__ = (UniqueConstraint("ticket_id", "agent_id"),)

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    agent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agents.id"))
    agent: Mapped[Agent] = relationship()
