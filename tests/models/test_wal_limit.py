"""The SQLite log file shrinks back after a large transaction instead of keeping its size."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import text

from desk_gui.models.store import WAL_LIMIT, Store


def test_the_log_is_cut_back_once_it_starts_over(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    store.migrate()
    wal = tmp_path / "desk.sqlite3-wal"
    chunk = os.urandom(1024 * 1024)
    with store.write() as s:  # one transaction larger than the limit
        s.execute(text("CREATE TABLE big (b BLOB)"))
        for _ in range(WAL_LIMIT // len(chunk) + 8):
            s.execute(text("INSERT INTO big VALUES (:b)"), {"b": chunk})
    assert wal.stat().st_size > WAL_LIMIT
    raw = store.engine.raw_connection()  # outside any transaction, as SQLite wants it
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")  # type: ignore[union-attr]
    finally:
        raw.close()
    with store.write() as s:  # the next writer starts the log over, cut back at its commit
        s.execute(text("INSERT INTO big VALUES (x'00')"))
    assert wal.stat().st_size <= WAL_LIMIT
    store.dispose()
