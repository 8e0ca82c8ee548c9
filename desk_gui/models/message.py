"""Messages in a ticket's thread and their attachments."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Replicated, str_enum, utcnow


class MessageKind(enum.StrEnum):
    INBOUND_MAIL = "inbound_mail"
    OUTBOUND_MAIL = "outbound_mail"
    NOTE = "note"
    CALL = "call"
    WEB_FORM = "web_form"
    SYSTEM = "system"

    @property
    def is_public(self) -> bool:
        return self in (MessageKind.INBOUND_MAIL, MessageKind.OUTBOUND_MAIL, MessageKind.WEB_FORM)

    @property
    def from_customer(self) -> bool:
        return self in (MessageKind.INBOUND_MAIL, MessageKind.WEB_FORM)


class CallOutcome(enum.StrEnum):
    REACHED = "reached"
    NOT_REACHED = "not_reached"


class Message(Replicated, Base):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_ticket_created", "ticket_id", "created_at"),
        Index("ix_messages_message_id", "message_id_header"),
    )

    # Local, monotonically increasing number: the full-text index's rowid, so "newest
    # hits first" is a reverse walk of the index instead of a sort.
    seq: Mapped[int] = mapped_column(unique=True)
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    kind: Mapped[MessageKind] = mapped_column(str_enum(MessageKind))
    author_agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id"))
    from_addr: Mapped[str | None] = mapped_column(String(500))
    to_addrs: Mapped[list[str]] = mapped_column(default=list)
    cc_addrs: Mapped[list[str]] = mapped_column(default=list)
    subject: Mapped[str | None] = mapped_column(String(1000))
    body_text: Mapped[str] = mapped_column(Text, default="")
    # Already sanitized HTML (nh3); the unsanitized original lives in the raw blob.
    body_html: Mapped[str | None] = mapped_column(Text)
    raw_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    message_id_header: Mapped[str | None] = mapped_column(String(998))
    in_reply_to: Mapped[str | None] = mapped_column(String(998))
    references: Mapped[list[str]] = mapped_column(default=list)
    call_outcome: Mapped[CallOutcome | None] = mapped_column(str_enum(CallOutcome))
    # Flagged rather than dropped: the raw source is kept and shown.
    parse_error: Mapped[str | None] = mapped_column(Text)
    # Why threading put this message into its ticket (header, token, new ticket...).
    match_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", cascade="all, delete-orphan"
    )


class Attachment(Replicated, Base):
    __tablename__ = "attachments"

    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"), index=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(500))
    content_type: Mapped[str] = mapped_column(String(200), default="application/octet-stream")
    size: Mapped[int]
    # For inline images referenced as cid: in the HTML body.
    content_id: Mapped[str | None] = mapped_column(String(500))
    inline: Mapped[bool] = mapped_column(default=False)

    message: Mapped[Message] = relationship(back_populates="attachments")


def attachment_values(message_id: uuid.UUID, file: Mapping[str, Any], hlc: str) -> dict[str, Any]:
    """The attachments row of a file as commands carry it (a stored blob with its
    file name, content type and size; content_id and inline for images shown in place)."""
    return {
        "message_id": message_id,
        "blob_sha256": file["blob"],
        "filename": file["filename"],
        "content_type": file["content_type"],
        "size": file["size"],
        "content_id": file.get("content_id"),
        "inline": bool(file.get("inline")),
        "hlc": hlc,
    }
