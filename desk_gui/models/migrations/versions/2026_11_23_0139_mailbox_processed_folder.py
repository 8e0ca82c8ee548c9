"""mailboxes.processed_folder: move ingested mail out of the fetched folder

Optional (DESIGN.md, Mail): NULL keeps mail where it is, as before, so existing
mailboxes behave as they did.

Revision ID: 0139
Revises: 0138
Create Date: 2026-11-23 13:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0139"
down_revision: str | Sequence[str] | None = "0138"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mailboxes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("processed_folder", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mailboxes", schema=None) as batch_op:
        batch_op.drop_column("processed_folder")
