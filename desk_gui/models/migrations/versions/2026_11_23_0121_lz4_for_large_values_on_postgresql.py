"""lz4 instead of pglz for the large values PostgreSQL compresses on insert

PostgreSQL compresses every value above ~2 KB before it stores it out of line (TOAST),
with pglz by default: mail bytes and attachments in blob_chunks, bodies in messages,
command payloads in outbox. pglz cost the server about a tenth of its CPU while taking
in mail (bench_mail_in, 10,000 mixed mails: server CPU 6.2-6.3 s with pglz, 5.5-5.6 s
with lz4, on the same 2 cores as the engine and its parsers). lz4 (PostgreSQL 14+)
compresses several times faster. Only values written from now on use it; older ones
stay readable as they are. A server built without lz4 keeps pglz. SQLite: nothing.

Revision ID: 0121
Revises: 0120
Create Date: 2026-11-23 03:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0121"
down_revision: str | Sequence[str] | None = "0120"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = [
    ("blob_chunks", "data"),
    ("messages", "body_text"),
    ("messages", "body_html"),
    ("outbox", "payload"),
]


def _lz4_available() -> bool:
    found = op.get_bind().scalar(
        text(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
    )
    return bool(found)


def _set_compression(method: str) -> None:
    for table, column in COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql" and _lz4_available():
        _set_compression("lz4")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _set_compression("default")
