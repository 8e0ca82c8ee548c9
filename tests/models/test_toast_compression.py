"""PostgreSQL compresses the large values of a mail (raw bytes, bodies, outbox payloads)
with lz4 from migration 0121 on, and with its default again below it."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from desk_gui.models.blob import read_bytes
from desk_gui.models.commands import CreateTicket, execute
from desk_gui.models.store import Store, alembic_config

COLUMNS = {("blob_chunks", "data"), ("messages", "body_text"), ("messages", "body_html")}
COLUMNS |= {("outbox", "payload")}


def compression(store: Store) -> dict[tuple[str, str], str]:
    """Each column's own method: 'l' lz4, 'p' pglz, '' the server's default."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, a.attname, a.attcompression FROM pg_attribute a"
                " JOIN pg_class c ON c.oid = a.attrelid"
                " WHERE c.relname IN ('blob_chunks', 'messages', 'outbox')"
                " AND a.attname IN ('data', 'body_text', 'body_html', 'payload')"
            )
        )
        return {(r[0], r[1]): r[2] for r in rows}


def test_large_values_are_compressed_with_lz4(pg_url: str) -> None:
    store = Store(pg_url)
    store.migrate()
    assert compression(store) == dict.fromkeys(COLUMNS, "l")
    # A large, compressible body and raw mail go in and come back as they were.
    body = "Der Drucker im zweiten Stock druckt nur noch leere Seiten.\n" * 400
    execute(store, CreateTicket(subject="Drucker", body=body, body_html=f"<p>{body}</p>"))
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO blobs (sha256, size) VALUES ('x', 24000)"))
        conn.execute(
            text("INSERT INTO blob_chunks (sha256, idx, data) VALUES ('x', 0, :data)"),
            {"data": body.encode()},
        )
        stored = conn.scalar(text("SELECT pg_column_compression(body_text) FROM messages"))
    assert stored == "lz4"
    with store.read() as s:
        assert read_bytes(s, "x") == body.encode()
        assert s.scalar(text("SELECT body_text FROM messages")) == body

    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0120")
    assert compression(store) == dict.fromkeys(COLUMNS, "")
    store.migrate()
    assert compression(store) == dict.fromkeys(COLUMNS, "l")
    store.dispose()
