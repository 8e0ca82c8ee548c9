"""WAL checkpoints of the SQLite store, on a thread of their own.

By default SQLite checkpoints inside the commit that pushes the write-ahead log past
1,000 pages: that writer copies the log back into the database file and syncs it, which
costs a UI command tens of milliseconds now and then and a bulk write (100,000 SLA
clocks, a mail import) a fifth of its time. Here a writer's commit only wakes this
thread, which runs a PASSIVE checkpoint (it never blocks readers or writers) on its own
connection. The commits' own automatic checkpoint stays as a backstop, at a larger log,
in case this thread falls behind.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

log = logging.getLogger(__name__)

BACKSTOP_PAGES = 10_000  # wal_autocheckpoint of every connection (about 40 MB of log)
COALESCE_S = 0.2  # commits within this time share one checkpoint


class Checkpointer:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._wake = threading.Event()
        self._stop = False
        self._lock = threading.Lock()
        self._busy = threading.Lock()  # held while checkpointing
        self.thread: threading.Thread | None = None

    def committed(self) -> None:
        """A write transaction committed: checkpoint soon."""
        if self.thread is None:
            with self._lock:
                if self.thread is None and not self._stop:
                    self.thread = threading.Thread(
                        target=self._run, name="sqlite-checkpoint", daemon=True
                    )
                    self.thread.start()
        self._wake.set()

    def close(self) -> None:
        """Stop the thread after a last checkpoint."""
        with self._lock:
            self._stop = True
            thread = self.thread
        self._wake.set()
        if thread is not None:
            thread.join()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No checkpoint meanwhile (nor an open connection of this thread): for work
        that needs to be the store's only connection, like switching the journal mode."""
        with self._busy:
            yield

    def _run(self) -> None:
        try:
            while True:
                self._wake.wait()
                stopping = self._stop
                if not stopping:
                    time.sleep(COALESCE_S)
                self._wake.clear()
                with self._busy:
                    self._checkpoint()
                if stopping or self._stop:
                    return
        except Exception:  # the store went away under us; commits still checkpoint
            log.exception("WAL checkpoint thread stopped")

    def _checkpoint(self) -> None:
        # A connection of its own, closed again: an idle one kept open would stop a bulk
        # load from leaving WAL mode (see demo_bulk).
        conn = self.engine.raw_connection()
        conn.detach()
        try:
            cur = conn.cursor()
            cur.execute("PRAGMA wal_checkpoint(PASSIVE)")
            cur.fetchall()
            cur.close()
        finally:
            conn.close()
