"""Append-only audit trail: who changed what on a ticket, when, old -> new."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Replicated, utcnow


class HistoryEntry(Replicated, Base):
    __tablename__ = "history"
    __table_args__ = (
        Index("ix_history_ticket_at", "ticket_id", "at"),
        # The status changes alone, covering: the SLA recompute reads them for 100,000
        # tickets at a time from the index without touching the table.
        Index(
            "ix_history_status",
            "ticket_id",
            "at",
            "old",
            "new",
            sqlite_where=text("field = 'status'"),
            postgresql_where=text("field = 'status'"),
        ),
    )

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id"))
    # Display name of the actor at the time (an agent, "system", "mail", a CLI user).
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    command: Mapped[str] = mapped_column(String(60))
    field: Mapped[str] = mapped_column(String(60))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
