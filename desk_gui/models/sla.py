"""Business calendars and SLA policies (tables; the arithmetic lives in sync.sla)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Replicated


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
    __tablename__ = "sla_policies"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    calendar_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("business_calendars.id"))
    # {"priority": "high", "contract": "gold", "group": "...", "type": ..., "category": ...}
    match: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_response_s: Mapped[int | None]
    next_response_s: Mapped[int | None]
    resolution_s: Mapped[int | None]
    # [{"target": "first_response", "at": "80%", "notify": ["assignee"], "actions": {...}}]
    escalations: Mapped[dict[str, Any]] = mapped_column(default=dict)
