"""Outgoing mail: the SMTP outbox, per-mailbox sending settings, agent notifications.

An outbox row is made in the same transaction as the outbound message it sends, with
the Message-ID fixed then, so a retry after any crash sends the very same mail. One
sender claims a row (`FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock on
SQLite) and holds it for `claim_expires_at`; a row still "sending" after its claim
expired belonged to a sender that died mid-send: it is marked `interrupted` and looked
for in the Sent folder before anything is sent again.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Replicated, str_enum, utcnow


class OutboundState(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # shown in the ticket with Retry and Edit
    CANCELLED = "cancelled"  # replaced by an edited reply, or discarded


class OutboundKind(enum.StrEnum):
    REPLY = "reply"  # an agent's answer
    ACK = "ack"  # the automatic acknowledgement of a new ticket
    NOTIFY = "notify"  # an agent's notification by mail (internal, never to a customer)


class OutboundMail(Replicated, Base):
    __tablename__ = "outbound_mail"
    __table_args__ = (Index("ix_outbound_mail_state_next", "state", "next_attempt_at"),)

    message_uuid: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"), unique=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    mailbox_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mailboxes.id"))
    kind: Mapped[OutboundKind] = mapped_column(str_enum(OutboundKind, 10))
    # Fixed when queued: the same mail goes out on every attempt, and the Sent-folder
    # check after a crash looks for exactly this id.
    message_id_header: Mapped[str] = mapped_column(String(998), unique=True)
    # An effect that must happen once ("ack:<ticket id>"): two engines cannot both do it.
    once_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    # Envelope: Bcc lives only here (never in a header); To/Cc also on the message.
    bcc_addrs: Mapped[list[str]] = mapped_column(default=list)
    # The From display name, and the whole HTML document sent (department layout around
    # the reply and signature), fixed at queue time: every attempt sends the same mail.
    from_name: Mapped[str] = mapped_column(String(200), default="")
    mail_html: Mapped[str] = mapped_column(Text, default="")
    # What the agent wrote, before signature and layout: "Edit" of a failed mail.
    draft_html: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[OutboundState] = mapped_column(
        str_enum(OutboundState, 12), default=OutboundState.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # The claim: who is sending it and until when (the database's clock decides).
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    claim_expires_at: Mapped[datetime | None]
    # Its sender died mid-send: look for it in the Sent folder before sending again.
    interrupted: Mapped[bool] = mapped_column(default=False)


class MailboxOutbound(Base):
    """How a mailbox sends: Sent-folder copies and the acknowledgement rate limit."""

    __tablename__ = "mailbox_outbound"

    mailbox_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mailboxes.id"), primary_key=True)
    # APPEND a copy of every sent mail to the Sent folder (servers like Gmail do it
    # themselves; most do not).
    append_sent: Mapped[bool] = mapped_column(default=False)
    # None: the folder with the \Sent special-use flag, else "Sent".
    sent_folder: Mapped[str | None] = mapped_column(String(255))
    # Automatic acknowledgements to one sender per hour, at most.
    ack_per_hour: Mapped[int] = mapped_column(default=3)


class NotificationReason(enum.StrEnum):
    MENTION = "mention"  # @login in a note
    WATCHING = "watching"  # a new message in a watched ticket


class Notification(Replicated, Base):
    """Something an agent should look at; the app lists them and shows a tray message."""

    __tablename__ = "notifications"
    # One notification per agent and message: a rescan or replay never doubles it.
    __table_args__ = (
        UniqueConstraint("agent_id", "message_uuid"),
        Index("ix_notifications_agent_read", "agent_id", "read_at"),
    )

    agent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agents.id"))
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    message_uuid: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"))
    reason: Mapped[NotificationReason] = mapped_column(str_enum(NotificationReason, 12))
    # Who caused it (an agent's name, "mail" for a customer's message).
    actor: Mapped[str] = mapped_column(String(200))
    excerpt: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
