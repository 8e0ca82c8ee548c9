"""merge search, sla and mail-out branches

Revision ID: 0100
Revises: 0002, 0020, 0030
Create Date: 2026-11-22 20:54:27.585285
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0100"
down_revision: str | Sequence[str] | None = ("0002", "0020", "0030")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
