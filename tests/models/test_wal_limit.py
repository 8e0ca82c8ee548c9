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


EIGHT_MB = 8 * 1024 * 1024  # twice SQLite's automatic checkpoint limit (1,000 pages)


def _store_and_size(tmp_path: Path) -> tuple[Store, Path, int]:
    """A migrated store with its log copied back: the file's size before a test's write."""
    path = tmp_path / "desk.sqlite3"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    store.checkpoint()
    return store, path, path.stat().st_size


def _write_8_mb(store: Store, checkpoint: bool) -> None:
    chunk = os.urandom(64 * 1024)
    with store.write(checkpoint=checkpoint) as s:
        s.execute(text("CREATE TABLE big (b BLOB)"))
        for _ in range(EIGHT_MB // len(chunk)):
            s.execute(text("INSERT INTO big VALUES (:b)"), {"b": chunk})


def test_a_write_that_keeps_the_log_leaves_the_copy_to_a_background_checkpoint(
    tmp_path: Path,
) -> None:
    """The mail import's batches: the commit does not copy the log into the file (the
    file stays small), a later checkpoint on another thread does."""
    store, path, before = _store_and_size(tmp_path)
    _write_8_mb(store, checkpoint=False)
    assert path.stat().st_size == before  # everything still in the log
    with store.read() as s:  # the connection went back with SQLite's default limit
        assert s.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
    store.checkpoint_soon()
    store.dispose()  # waits for the checkpoint
    assert path.stat().st_size > before + EIGHT_MB


def test_an_ordinary_write_past_the_limit_copies_the_log_at_its_commit(tmp_path: Path) -> None:
    store, path, before = _store_and_size(tmp_path)
    _write_8_mb(store, checkpoint=True)
    assert path.stat().st_size > before + EIGHT_MB
    store.dispose()
