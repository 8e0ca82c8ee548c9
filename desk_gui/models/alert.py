"""Alerts for agents: SLA levels, due follow-ups, hand-overs, assignments, trigger rules.

Written by the engine in the same transaction as the event that causes them, so an
alert exists exactly when its event does. `text` is a ready English line for
logs and the CLI; `kind` and `data` carry the parts, so the UI can word it in the
agent's language.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Replicated, str_enum, utcnow


class AlertKind(enum.StrEnum):
    SLA_WARNING = "sla_warning"  # a level before the due time
    SLA_BREACH = "sla_breach"  # the due time itself
    SLA_ESCALATION = "sla_escalation"  # a level after the due time
    FOLLOW_UP = "follow_up"  # a parked ticket came back
    HAND_OVER = "hand_over"  # a ticket moved to you (or could not move) for an absence
    ASSIGNED = "assigned"  # automatic assignment gave you a ticket
    TRIGGER = "trigger"  # a trigger rule asked to notify


class Alert(Replicated, Base):
    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_agent_unread", "agent_id", "read_at", "created_at"),)

    agent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agents.id"))
    ticket_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[AlertKind] = mapped_column(str_enum(AlertKind))
    text: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # What caused it ("escalation:<uuid>", "reminder", "trigger:<name>"), for tracing.
    source: Mapped[str] = mapped_column(String(120), default="")
