"""Inbound mail records: the exactly-once ledger of everything fetched from IMAP."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Replicated, str_enum, utcnow


class InboundState(enum.StrEnum):
    TICKETED = "ticketed"  # became a ticket or joined a thread
    PARSE_ERROR = "parse_error"  # kept raw, flagged, shown with its raw text
    SPAM = "spam"  # filed apart from the queues, recoverable
    LOOP = "loop"  # auto-reply / bounce / bulk: ticketed, but never answered automatically


class InboundMail(Replicated, Base):
    __tablename__ = "inbound_mail"
    # The exactly-once key: a retried fetch after a crash hits this and skips.
    __table_args__ = (
        UniqueConstraint("mailbox_id", "uidvalidity", "uid"),
        # After a UIDVALIDITY reset the same bytes come back under new UIDs.
        Index("ix_inbound_mail_raw", "mailbox_id", "raw_sha256"),
    )

    mailbox_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mailboxes.id"))
    uidvalidity: Mapped[int]
    uid: Mapped[int]
    raw_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    size: Mapped[int]
    message_uuid: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("messages.id"))
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    state: Mapped[InboundState] = mapped_column(str_enum(InboundState))
    detail: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntakeRule(Replicated, Base):
    """Keyword / sender / mailbox conditions routing new mail to a group, priority, tags."""

    __tablename__ = "intake_rules"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    # {"keyword": "rechnung" (in subject or body), "sender": "@example.de", "mailbox": "support"}
    conditions: Mapped[dict[str, Any]]
    # {"group": "Billing", "priority": "high", "tags": ["rechnung"]}
    actions: Mapped[dict[str, Any]]
    active: Mapped[bool] = mapped_column(default=True)


class SpamList(Base):
    """Blocked senders and domains, and header thresholds, for the spam filter."""

    __tablename__ = "spam_list"

    entry: Mapped[str] = mapped_column(String(320), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "sender" | "domain"
