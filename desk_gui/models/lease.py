"""Leases: time-limited ownership of a resource (a mailbox, a reply, a ticket view).

Taken with one atomic upsert that succeeds only when the lease is free, expired or
already ours, so two engines on one database can never both hold it. The database's
clock decides expiry, never a desktop's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Lease(Base):
    __tablename__ = "leases"
    # The live leases among many expired ones (a reply lease's row stays, expired, for
    # its epoch: one per ticket ever replied to): the ticket list's presence markers.
    __table_args__ = (Index("ix_leases_expires_at", "expires_at"),)

    resource: Mapped[str] = mapped_column(String(300), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    holder: Mapped[str] = mapped_column(String(120))
    # Bumped whenever the holder changes: work stamped with an old epoch is refused.
    epoch: Mapped[int] = mapped_column(default=1)
    expires_at: Mapped[datetime]
