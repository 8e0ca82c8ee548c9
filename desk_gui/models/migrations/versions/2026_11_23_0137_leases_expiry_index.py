"""An index on leases.expires_at: the live leases, for the ticket list's presence

A reply lease's row stays, expired, after the reply (it keeps the epoch that refuses a
late send), so the table grows by a row per ticket ever replied to, while only a few
rows are live at any time. The ticket list reads the live ones every 20 s.

Revision ID: 0137
Revises: 0136
Create Date: 2026-11-23 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0137"
down_revision: str | Sequence[str] | None = "0136"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_leases_expires_at", "leases", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_leases_expires_at", table_name="leases")
