"""mailbox_state.highest_modseq as a 64-bit integer

RFC 7162 mod-sequences go up to 2^63 - 1, and large providers hand out values far
beyond 32 bits; the column was a 32-bit INTEGER on PostgreSQL (SQLite's are 64-bit
anyway). Nothing wrote it before the engine used CONDSTORE, so no data changes.

Revision ID: 0138
Revises: 0137
Create Date: 2026-11-23 10:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0138"
down_revision: str | Sequence[str] | None = "0137"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mailbox_state", schema=None) as batch_op:
        batch_op.alter_column("highest_modseq", existing_type=sa.Integer(), type_=sa.BigInteger())


def downgrade() -> None:
    with op.batch_alter_table("mailbox_state", schema=None) as batch_op:
        batch_op.alter_column("highest_modseq", existing_type=sa.BigInteger(), type_=sa.Integer())
