"""SLA ticket state without the foreign key and the index on "open"

A recompute of 100,000 tickets writes 100,000 state rows, and each of them paid for a
look-up of its ticket (the foreign key) and an entry in an index on a flag that is true
for nearly every row (no query is narrowed by it). Both were a tenth of the write. The
rows are derived from tickets, which are never deleted, and written only for ticket ids
read from the tickets in the same transaction.

Revision ID: 0120
Revises: 0110
Create Date: 2026-11-23 01:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0120"
down_revision: str | Sequence[str] | None = "0110"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_sla_tickets_ticket_id_tickets"


def upgrade() -> None:
    with op.batch_alter_table("sla_tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_sla_tickets_open")
        batch_op.drop_constraint(FOREIGN_KEY, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("sla_tickets", schema=None) as batch_op:
        batch_op.create_foreign_key(FOREIGN_KEY, "tickets", ["ticket_id"], ["id"])
        batch_op.create_index("ix_sla_tickets_open", ["open"], unique=False)
