"""tickets: NOTIFY desk_tickets with the ids a statement inserted or updated (PostgreSQL)

Desktops on a shared PostgreSQL store hear about their colleagues' changes as they
commit (desk_gui/sync/live.py). One notification per statement, not per row: a
transition table holds the statement's rows, and the payload names at most 200 of them
("created:" or "updated:" and their ids, comma-separated; notifications are limited to
8,000 bytes), or "*" for "more than that: read everything again". PostgreSQL delivers a
transaction's notifications at its commit, and never those of a rolled-back one.
SQLite has no notifications; nothing to do there.

Revision ID: 0140
Revises: 0139
Create Date: 2026-11-23 13:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0140"
down_revision: str | Sequence[str] | None = "0139"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "desk_tickets"
MOST = 200  # ids a payload names: 37 bytes each, under the 8,000-byte limit

FUNCTION = f"""
CREATE FUNCTION desk_notify_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ids text[];
BEGIN
    SELECT array_agg(id::text) INTO ids FROM (SELECT id FROM changed LIMIT {MOST + 1}) AS c;
    IF ids IS NULL THEN
        RETURN NULL;  -- the statement changed no ticket
    END IF;
    IF cardinality(ids) > {MOST} THEN
        PERFORM pg_notify('{CHANNEL}', '*');
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM pg_notify('{CHANNEL}', 'created:' || array_to_string(ids, ','));
    ELSE
        PERFORM pg_notify('{CHANNEL}', 'updated:' || array_to_string(ids, ','));
    END IF;
    RETURN NULL;
END
$$
"""
# A trigger with a transition table takes one event only: one each.
TRIGGERS = [
    f"""CREATE TRIGGER tickets_notify_{event.lower()} AFTER {event} ON tickets
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION desk_notify_tickets()"""
    for event in ("INSERT", "UPDATE")
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    for statement in TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS tickets_notify_insert ON tickets")
    op.execute("DROP TRIGGER IF EXISTS tickets_notify_update ON tickets")
    op.execute("DROP FUNCTION IF EXISTS desk_notify_tickets()")
