"""The local outbox: every command applied locally, queued for the shared database."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, str_enum, utcnow


class OutboxState(enum.StrEnum):
    PENDING = "pending"
    ACKED = "acked"
    REFUSED = "refused"


class OutboxCommand(Base):
    __tablename__ = "outbox"

    # Local order of application; the push replays strictly in this order.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    command_id: Mapped[uuid.UUID] = mapped_column(Uuid(), unique=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]]
    hlc: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[OutboxState] = mapped_column(
        str_enum(OutboxState, 16),
        default=OutboxState.PENDING,
        index=True,
    )
    error: Mapped[str | None] = mapped_column(Text)
