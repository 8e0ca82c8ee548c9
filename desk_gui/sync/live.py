"""Colleagues' changes on a shared PostgreSQL store, heard as they commit.

A trigger (migration 0140) NOTIFYs channel `desk_tickets` once per statement that
inserted or updated tickets, naming them ("created:id,id" / "updated:id,id") or, for
more than fit, "*". `TicketFeed` LISTENs on a connection of its own, on a thread of its
own (psycopg blocks while it waits), and hands every notification to `on_change` as
`Changes`; the app re-reads the named rows as after a local command.

Never relied on alone (DESIGN.md, Data and sync): notifications sent while the
connection was down are lost, so each (re)connection after the first reports
`Changes(everything=True)` and the app reads its views again. The app's own commands
are heard too; re-reading their rows once more is cheaper than telling them apart.
SQLite has no notifications: there a desktop is the store's only user.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desk_gui.models.store import Store

log = logging.getLogger(__name__)

CHANNEL = "desk_tickets"  # as in migration 0140
WAKE_S = 1.0  # how often the waiting thread looks whether it should stop
PING_S = 30.0  # a round trip on the waiting connection this often
RETRY_S = (1.0, 2.0, 5.0, 10.0, 30.0)  # reconnect back-off, the last one repeated


@dataclass(frozen=True)
class Changes:
    created: frozenset[uuid.UUID] = frozenset()
    updated: frozenset[uuid.UUID] = frozenset()
    everything: bool = False  # too many to name, or some may have been missed

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.created | other.created,
            self.updated | other.updated,
            self.everything or other.everything,
        )

    def __bool__(self) -> bool:
        return bool(self.created or self.updated or self.everything)


def parse(payload: str) -> Changes:
    """A notification's payload; anything unexpected counts as "everything"."""
    kind, _, ids = payload.partition(":")
    try:
        named = frozenset(uuid.UUID(i) for i in ids.split(",") if i)
    except ValueError:
        named = frozenset()
    if kind == "created" and named:
        return Changes(created=named)
    if kind == "updated" and named:
        return Changes(updated=named)
    if payload != "*":
        log.warning("unexpected ticket notification %r: reading everything", payload[:80])
    return Changes(everything=True)


def listens(store: Store) -> bool:
    return store.dialect == "postgresql"


class TicketFeed:
    """The thread that LISTENs for ticket changes until `stop`."""

    def __init__(self, store: Store, on_change: Callable[[Changes], None]) -> None:
        self.store = store
        self.on_change = on_change
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = threading.Event()  # set while LISTENing (tests wait for it)

    def start(self) -> None:
        if not listens(self.store) or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="ticket-feed", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = WAKE_S * 3) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        failures = 0
        first = True
        while not self._stop.is_set():
            try:
                self._listen(again=not first)
                failures = 0
            except Exception as error:  # the database is out of reach: try again later
                self.connected.clear()
                delay = RETRY_S[min(failures, len(RETRY_S) - 1)]
                failures += 1
                log.warning("ticket feed lost (%s); again in %.0f s", error, delay)
                self._stop.wait(delay)
            first = False

    def _listen(self, again: bool) -> None:
        conn = self._connect()
        try:
            conn.execute(f"LISTEN {CHANNEL}")
            self.connected.set()
            if again:  # what was sent while we were away is lost
                self.on_change(Changes(everything=True))
            pinged = time.monotonic()
            while not self._stop.is_set():
                # Each as it comes (the app gathers them); back every WAKE_S to look at
                # the stop flag. psycopg keeps what arrives between two calls.
                for notify in conn.notifies(timeout=WAKE_S):
                    self.on_change(parse(notify.payload))
                if time.monotonic() - pinged >= PING_S:
                    # A connection cut without a word (a network gone) would wait in
                    # silence forever: a round trip shows it, and the reconnect reports
                    # everything.
                    conn.execute("SELECT 1")
                    pinged = time.monotonic()
        finally:
            self.connected.clear()
            conn.close()

    def _connect(self) -> Any:
        """A connection of our own, made as the store makes its (URL, credentials), but
        outside its pool: it stays in LISTEN for as long as the app runs."""
        raw = self.store.engine.raw_connection()
        raw.detach()
        conn = raw.dbapi_connection
        assert conn is not None
        conn.autocommit = True  # LISTEN takes effect at once, not at a commit
        return conn
