"""Business calendars and SLA policies (tables; the arithmetic lives in sync.sla)."""

from __future__ import annotations

import enum
import uuid
from datetime import date
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Replicated
from .ticket import Status


class SlaTarget(enum.StrEnum):
    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"  # restarts with every customer message
    RESOLUTION = "resolution"


# Statuses during which an SLA clock does not run unless a policy says otherwise.
DEFAULT_PAUSE_STATUSES = (Status.WAITING_CUSTOMER, Status.PENDING_REMINDER)


class BusinessCalendar(Replicated, Base):
    __tablename__ = "business_calendars"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Berlin")
    # {"mon": [["08:00", "12:00"], ["13:00", "17:00"]], ...}
    weekly_hours: Mapped[dict[str, Any]]
    # e.g. "DE-BY": the source of the holiday snapshot below.
    holiday_region: Mapped[str | None] = mapped_column(String(20))

    days: Mapped[list[CalendarDay]] = relationship(
        cascade="all, delete-orphan", order_by="CalendarDay.day"
    )


class CalendarDay(Replicated, Base):
    """A holiday, a manual closed day, or a day with extra/different hours."""

    __tablename__ = "calendar_days"
    __table_args__ = (UniqueConstraint("calendar_id", "day"),)

    calendar_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_calendars.id"))
    day: Mapped[date]
    name: Mapped[str] = mapped_column(String(200), default="")
    # Empty list = closed all day; otherwise the hours that replace the weekly ones.
    hours: Mapped[list[str]] = mapped_column(default=list)


class SlaPolicy(Replicated, Base):
    """Targets and escalation levels for the tickets it matches.

    Policies are tried in `position` order and the first whose `match` holds wins. The
    clock runs on the ticket group's calendar when the group has one (business hours per
    department), else on the policy's own calendar.
    """

    __tablename__ = "sla_policies"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    calendar_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_calendars.id"))
    # Each key lists the accepted values; all keys must hold, an empty match takes all:
    # {"priority": ["high"], "contract": ["gold"], "group": ["<uuid>"], "type": [...],
    #  "category": [...], "channel": [...]}
    match: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_response_s: Mapped[int | None]
    next_response_s: Mapped[int | None]
    resolution_s: Mapped[int | None]
    # {"levels": [{"target": "first_response" | null (all), "at": "80%" | "+7200s",
    #              "notify": ["assignee", "group", "group-lead", "<agent uuid>"],
    #              "actions": {"priority": "raise" | "urgent", "group": "<uuid>"}}]}
    escalations: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Status values that stop the clock; None means DEFAULT_PAUSE_STATUSES.
    pause_statuses: Mapped[list[str] | None]
