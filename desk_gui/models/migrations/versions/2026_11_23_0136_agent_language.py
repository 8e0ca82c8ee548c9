"""The language of each agent (notification mails are written in it)

Existing agents get German, like contacts: Desk's users are German offices first; an
agent who reads English is switched with `desk-gui agent set LOGIN --language en`.

Revision ID: 0136
Revises: 0130
Create Date: 2026-11-23 07:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0136"
down_revision: str | Sequence[str] | None = "0130"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), server_default="de", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("agents", schema=None) as batch_op:
        batch_op.drop_column("language")
