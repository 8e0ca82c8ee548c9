"""Mailbox settings (no secrets: passwords live in the OS keyring)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Replicated, str_enum


class Security(enum.StrEnum):
    SSL = "ssl"
    STARTTLS = "starttls"
    NONE = "none"


class Mailbox(Replicated, Base):
    __tablename__ = "mailboxes"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("groups.id"))
    imap_host: Mapped[str | None] = mapped_column(String(255))
    imap_port: Mapped[int | None]
    imap_security: Mapped[Security] = mapped_column(str_enum(Security, 10), default=Security.SSL)
    imap_user: Mapped[str | None] = mapped_column(String(320))
    folder: Mapped[str] = mapped_column(String(255), default="INBOX")
    # Where ingested mail is moved after its transaction committed; None: it stays in
    # `folder` (a shared inbox that people also read keeps growing then).
    processed_folder: Mapped[str | None] = mapped_column(String(255))
    smtp_host: Mapped[str | None] = mapped_column(String(255))
    smtp_port: Mapped[int | None]
    smtp_security: Mapped[Security] = mapped_column(
        str_enum(Security, 10), default=Security.STARTTLS
    )
    smtp_user: Mapped[str | None] = mapped_column(String(320))
    from_addr: Mapped[str | None] = mapped_column(String(320))
    max_attachment_bytes: Mapped[int] = mapped_column(default=20 * 1024 * 1024)


class MailboxState(Base):
    """Fetch cursor and health of one mailbox (local to the engine that fetches it)."""

    __tablename__ = "mailbox_state"

    mailbox_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("mailboxes.id"), primary_key=True)
    uidvalidity: Mapped[int | None]
    last_uid: Mapped[int] = mapped_column(default=0)
    # HIGHESTMODSEQ (CONDSTORE) when the last pass began, under `uidvalidity`: equal
    # on the next pass means nothing arrived or changed, so it need not search.
    highest_modseq: Mapped[int | None] = mapped_column(BigInteger)
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None]
    ingested: Mapped[int] = mapped_column(default=0)
