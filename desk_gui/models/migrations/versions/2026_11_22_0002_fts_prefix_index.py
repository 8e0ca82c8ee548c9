"""full-text prefix index for one- and two-letter search words

Revision ID: 0002
Revises: 0010 (chained after the mail intake revision, so the schema keeps one head)
Create Date: 2026-11-22 20:15:00

Search turns every word into a prefix query ("re"* for "RE-2026-04711"). Without a
prefix index FTS5 answers a short prefix by merging the doclists of every term that
starts with it, in memory, before it can return the newest 50 hits: ~150 ms for "re"*
or "2"* over a million messages. With prefix='1 2' those are single doclists read
lazily from the newest end (well under 1 ms); longer prefixes match few terms and were
already fast. PostgreSQL searches with tsquery and needs nothing here.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = [
    """CREATE TRIGGER message_fts_ai AFTER INSERT ON messages BEGIN
        INSERT INTO message_fts(rowid, subject, body_text)
        VALUES (new.seq, new.subject, new.body_text);
    END""",
    """CREATE TRIGGER message_fts_ad AFTER DELETE ON messages BEGIN
        INSERT INTO message_fts(message_fts, rowid, subject, body_text)
        VALUES ('delete', old.seq, old.subject, old.body_text);
    END""",
    """CREATE TRIGGER message_fts_au AFTER UPDATE OF subject, body_text ON messages BEGIN
        INSERT INTO message_fts(message_fts, rowid, subject, body_text)
        VALUES ('delete', old.seq, old.subject, old.body_text);
        INSERT INTO message_fts(rowid, subject, body_text)
        VALUES (new.seq, new.subject, new.body_text);
    END""",
]


def _recreate_fts(options: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in ("message_fts_ai", "message_fts_ad", "message_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS message_fts")
    op.execute(
        f"""CREATE VIRTUAL TABLE message_fts USING fts5(
        subject, body_text, content='messages', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2'{options})"""
    )
    # External content: rebuild re-reads every message (a no-op on a new store).
    op.execute("INSERT INTO message_fts(message_fts) VALUES ('rebuild')")
    for statement in TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    _recreate_fts(", prefix='1 2'")


def downgrade() -> None:
    _recreate_fts("")
