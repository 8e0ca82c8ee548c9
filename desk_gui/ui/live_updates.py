"""Colleagues' changes on a shared PostgreSQL store, shown as they commit.

The feed's thread (sync/live.py) only emits a signal; on the GUI thread a change is
taken at once, and what follows within GATHER_MS is gathered and taken together (a
colleague's bulk change or a mail batch makes a read or two, not hundreds). The named
tickets' rows are re-read and announced through the facade, as a local command's are:
the list repaints those rows, an open ticket reloads, the view counts follow. New
tickets also make the list read its view again (`arrived`, as new mail does); when
changes may have been missed (a reconnect, more than one notification names), `missed`
asks for everything to be read again.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QObject, QTimer, Signal

from desk_gui.sync.facade import Desk, TicketChange
from desk_gui.sync.live import Changes, TicketFeed

from .engine_runner import rows_of
from .tasks import Tasks

GATHER_MS = 250
COMMAND = "remote"  # the TicketChange's command: another desktop's (or engine's) change


class LiveUpdates(QObject):
    arrived = Signal()  # tickets were created elsewhere: the list re-reads its view
    missed = Signal()  # changes may have been missed: re-read everything shown
    _heard = Signal(object)  # Changes, from the feed's thread

    def __init__(self, desk: Desk, tasks: Tasks, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._tasks = tasks
        self._pending = Changes()
        self._gather = QTimer(self)
        self._gather.setSingleShot(True)
        self._gather.setInterval(GATHER_MS)
        self._gather.timeout.connect(self._flush)
        self._heard.connect(self._collect)
        self._feed = TicketFeed(desk.store, self._heard.emit)
        self._shut = False

    def start(self) -> None:
        """Listen (on a shared PostgreSQL store; nothing to do on SQLite)."""
        if not self._shut:
            self._feed.start()

    def shutdown(self) -> None:
        self._shut = True
        self._gather.stop()
        self._feed.stop()

    def _collect(self, changes: Changes) -> None:
        if self._shut:
            return
        self._pending = self._pending | changes
        if not self._gather.isActive():
            self._flush()  # the first at once; what follows within GATHER_MS together

    def _flush(self) -> None:
        changes, self._pending = self._pending, Changes()
        if self._shut or self._desk.closed or not changes:
            return
        self._gather.start()
        if changes.everything:
            self.missed.emit()
            return
        if changes.created:
            self.arrived.emit()
        self._tasks.spawn(self._announce(changes.created | changes.updated))

    async def _announce(self, ids: frozenset[uuid.UUID]) -> None:
        rows = await self._desk.read(rows_of, ids)
        if self._shut or self._desk.closed:
            return
        for ticket_id, row in rows.items():
            self._desk.notify(TicketChange(ticket_id, row, COMMAND))
