"""Agent absences and per-group automatic assignment settings."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Replicated, str_enum, utcnow


class AbsencePeriod(Replicated, Base):
    """An agent is away in [starts_at, ends_at): no new tickets, urgent ones handed over."""

    __tablename__ = "absence_periods"
    __table_args__ = (Index("ix_absence_periods_agent_span", "agent_id", "starts_at", "ends_at"),)

    agent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agents.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set once the engine moved the agent's urgent and high tickets (exactly once).
    handed_over_at: Mapped[datetime | None]


class AssignMode(enum.StrEnum):
    OFF = "off"
    ROUND_ROBIN = "round_robin"
    FEWEST_OPEN = "fewest_open"


class GroupRouting(Replicated, Base):
    """How a group hands out new tickets; no row means automatic assignment is off."""

    __tablename__ = "group_routing"

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("groups.id"), unique=True)
    mode: Mapped[AssignMode] = mapped_column(str_enum(AssignMode), default=AssignMode.OFF)
    # Round robin's cursor: the member who got the previous ticket.
    last_agent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agents.id"))
