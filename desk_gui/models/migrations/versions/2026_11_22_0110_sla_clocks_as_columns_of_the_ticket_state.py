"""SLA clocks as columns of the ticket state

A ticket's clocks (first response, next response, resolution) move from rows of
sla_clocks into column groups (fr_, nr_, res_) of its sla_tickets row, with the
earliest next level of the three beside them for the escalation engine. The stored
clocks are carried over, so the clocks of closed tickets (never recomputed) stay.
A partial covering index on the status changes in history serves the recompute.

Revision ID: 0110
Revises: 0100
Create Date: 2026-11-22 22:22:35.735611
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0110"
down_revision: str | Sequence[str] | None = "0100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The schema as of this revision (not the models' constants, which may move on).
PREFIXES = {"first_response": "fr_", "next_response": "nr_", "resolution": "res_"}
FIELDS = (
    "start_s",
    "target_s",
    "due_s",
    "paused_s",
    "state",
    "met_s",
    "levels_fired",
    "next_level",
    "next_level_s",
)

NULLABLE = ("due_s", "met_s", "next_level", "next_level_s")  # in sla_clocks

NULLABLE = ("due_s", "met_s", "next_level", "next_level_s")  # in sla_clocks


def _state_type() -> sa.Enum:
    return sa.Enum(
        "running", "paused", "met", "breached", name="clockstate", native_enum=False, length=12
    )


def _clock_column(name: str, field: str, nullable: bool) -> sa.Column[Any]:
    types: dict[str, Any] = {
        "target_s": sa.Integer(),
        "paused_s": sa.Integer(),
        "levels_fired": sa.Integer(),
        "state": _state_type(),
        "next_level": sa.String(length=20),
    }
    return sa.Column(name, types.get(field, sa.BigInteger()), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("sla_tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calendar_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("next_level_s", sa.BigInteger(), nullable=True))
        for prefix in PREFIXES.values():
            for field in FIELDS:
                batch_op.add_column(_clock_column(prefix + field, field, nullable=True))
        batch_op.create_index("ix_sla_tickets_next_level", ["next_level_s"], unique=False)

    for target, prefix in PREFIXES.items():
        sets = ", ".join(f"{prefix}{f} = c.{f}" for f in FIELDS)
        op.execute(
            f"UPDATE sla_tickets SET {sets}, calendar_id = c.calendar_id FROM sla_clocks c "
            f"WHERE c.ticket_id = sla_tickets.ticket_id AND c.target = '{target}'"
        )
    op.execute(
        "UPDATE sla_tickets SET next_level_s = (SELECT min(c.next_level_s) FROM sla_clocks c "
        "WHERE c.ticket_id = sla_tickets.ticket_id)"
    )

    with op.batch_alter_table("sla_clocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sla_clocks_next_level"))
    op.drop_table("sla_clocks")

    status_only = sa.text("field = 'status'")
    op.create_index(
        "ix_history_status",
        "history",
        ["ticket_id", "at", "old", "new"],
        sqlite_where=status_only,
        postgresql_where=status_only,
    )


def downgrade() -> None:
    op.drop_index("ix_history_status", table_name="history")
    op.create_table(
        "sla_clocks",
        sa.Column("ticket_id", sa.Uuid(), nullable=False),
        sa.Column(
            "target",
            sa.Enum(*PREFIXES, name="slatarget", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("policy_id", sa.Uuid(), nullable=False),
        sa.Column("calendar_id", sa.Uuid(), nullable=False),
        *[_clock_column(f, f, nullable=f in NULLABLE) for f in FIELDS],
        sa.Column("computed_s", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_sla_clocks_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("ticket_id", "target", name=op.f("pk_sla_clocks")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("sla_clocks", schema=None) as batch_op:
        batch_op.create_index("ix_sla_clocks_next_level", ["next_level_s"], unique=False)
    for target, prefix in PREFIXES.items():
        op.execute(
            f"INSERT INTO sla_clocks (ticket_id, target, policy_id, calendar_id, "
            f"{', '.join(FIELDS)}, computed_s) SELECT ticket_id, '{target}', policy_id, "
            f"calendar_id, {', '.join(prefix + f for f in FIELDS)}, computed_s "
            f"FROM sla_tickets WHERE {prefix}state IS NOT NULL AND policy_id IS NOT NULL "
            "AND calendar_id IS NOT NULL"
        )

    with op.batch_alter_table("sla_tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_sla_tickets_next_level")
        for prefix in PREFIXES.values():
            for field in FIELDS:
                batch_op.drop_column(prefix + field)
        batch_op.drop_column("next_level_s")
        batch_op.drop_column("calendar_id")
