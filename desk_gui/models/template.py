"""Mail templates: text modules with placeholders, and per-mailbox acknowledgements.

Layouts (corporate design) live on `Group.layout_html`, signatures on
`Agent.signature_html`; rendering is in `desk_gui.sync.mail_out.templates`.
"""

from __future__ import annotations

import enum
import re
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Replicated, str_enum, utcnow


class TemplateKind(enum.StrEnum):
    TEXT = "text"  # a text module picked by an agent (`::name` in the editor)
    ACK = "ack"  # the automatic acknowledgement of a new ticket


class Template(Replicated, Base):
    __tablename__ = "templates"
    # One variant per language; a mailbox may have its own acknowledgement.
    __table_args__ = (UniqueConstraint("name", "language", "mailbox_id"),)

    name: Mapped[str] = mapped_column(String(120), index=True)
    language: Mapped[str] = mapped_column(String(8))
    kind: Mapped[TemplateKind] = mapped_column(str_enum(TemplateKind, 8), default=TemplateKind.TEXT)
    mailbox_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("mailboxes.id"))
    subject: Mapped[str | None] = mapped_column(String(500))
    body_html: Mapped[str] = mapped_column(Text)
    # The placeholders the template uses, checked when it is saved.
    placeholders: Mapped[list[str]] = mapped_column(default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# `{{contact.first_name}}`: a dotted name in double braces (spaces inside allowed).
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")
KNOWN_PLACEHOLDERS = frozenset(
    {
        "contact.first_name",
        "contact.last_name",
        "contact.name",
        "contact.email",
        "ticket.number",
        "ticket.subject",
        "ticket.sla_due",
        "agent.name",
        "agent.first_name",
        "agent.email",
        "group.name",
        "mailbox.name",
    }
)


def placeholders_in(*texts: str | None) -> list[str]:
    """The placeholders used, in order of first use."""
    seen: dict[str, None] = {}
    for text in texts:
        for m in PLACEHOLDER.finditer(text or ""):
            seen.setdefault(m.group(1), None)
    return list(seen)
