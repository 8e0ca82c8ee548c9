"""WAL checkpoints run on the store's own thread, not inside a writer's commit."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from desk_gui.models.blob import put_bytes
from desk_gui.models.checkpoint import BACKSTOP_PAGES
from desk_gui.models.store import Store


def test_the_log_is_copied_back_by_the_checkpoint_thread(sqlite_store: Store) -> None:
    store = sqlite_store
    database = Path(str(store.engine.url.database))
    with store.read() as s:  # every connection leaves checkpoints to the thread
        assert s.execute(text("PRAGMA wal_autocheckpoint")).scalar() == BACKSTOP_PAGES
    before = database.stat().st_size
    with store.write() as s:  # 4 MB: far below the backstop of every commit
        put_bytes(s, bytes(range(256)) * 16_384)
    deadline = time.monotonic() + 10
    while database.stat().st_size < before + 4_000_000 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert database.stat().st_size >= before + 4_000_000
    assert store.checkpointer is not None
    thread = store.checkpointer.thread
    assert thread is not None and thread.is_alive()
    store.dispose()
    assert not thread.is_alive()
