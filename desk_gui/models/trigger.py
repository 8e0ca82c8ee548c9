"""Trigger rules (if an event and conditions, then actions) and their firing ledger."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Replicated, str_enum, utcnow


class TriggerEvent(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    CUSTOMER_REPLIED = "customer_replied"
    SLA_LEVEL = "sla_level"


class TriggerRule(Replicated, Base):
    __tablename__ = "trigger_rules"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    event: Mapped[TriggerEvent] = mapped_column(str_enum(TriggerEvent))
    # All keys must hold, any listed value of a key will do (case-insensitive):
    # {"channel": ["mail"], "mailbox": ["support"], "sender": ["@example.de"],
    #  "keywords": ["rechnung"], "tags": ["vip"], "priority": ["high"],
    #  "contract": ["gold"], "target": ["resolution"], "level": ["100%"]}
    conditions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # {"group": "<uuid>", "assignee": "<uuid>", "priority": "high", "tags": ["x"],
    #  "status": "open", "notify": ["assignee", "group-lead", "<agent uuid>"]}
    actions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    # "created" fires only for tickets created after the rule: a new rule must not
    # sweep over the whole backlog.
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TriggerFiring(Replicated, Base):
    """One rule on one ticket for one event: the unique key makes it fire once."""

    __tablename__ = "trigger_firings"
    __table_args__ = (UniqueConstraint("rule_id", "ticket_id", "event_key"),)

    rule_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trigger_rules.id"))
    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"), index=True)
    # "created", "reply:<epoch>", "update:<hlc>", "sla:<target>:<cycle>:<level>"
    event_key: Mapped[str] = mapped_column(String(80))
    fired_at: Mapped[datetime] = mapped_column(default=utcnow)
