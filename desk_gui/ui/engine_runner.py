"""The sync engine inside the app: a SyncService whose reports arrive as Qt signals.

The service's threads (one per mailbox, one for the periodic passes) never touch a
widget: every callback only emits a signal of this object, which lives on the GUI
thread, so Qt queues the call over to it. What mail changed reaches the views through
the facade's change events (re-read rows), new tickets through a throttled
`ticketsArrived` that makes the list re-read its view.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session

from desk_gui.models import queries
from desk_gui.models.queries import TicketRow
from desk_gui.models.reason import Reason
from desk_gui.sync.facade import Desk, TicketChange
from desk_gui.sync.mail_in.ingest import Outcome
from desk_gui.sync.mail_in.worker import Progress
from desk_gui.sync.runner import Callbacks, SyncService, tickets_touched
from desk_gui.sync.secrets import Secrets
from desk_gui.sync.sla.engine import SlaReport

log = logging.getLogger(__name__)

ARRIVED_THROTTLE_MS = 1000  # a long import re-reads the list at most once a second
# Tickets a pass touched that are re-read and announced one by one; beyond, the views
# re-read what they show instead (see _on_passed).
ANNOUNCE_MAX = 200
STOP_TIMEOUT_S = 5.0


def rows_of(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, TicketRow | None]:
    return {tid: queries.row(session, tid) for tid in ids}


class EngineRunner(QObject):
    progressed = Signal(object)  # Progress (a copy), after each committed batch
    failed = Signal(str, object)  # mailbox or pass, why (a Reason)
    recovered = Signal(str)
    passed = Signal(str, object)  # periodic pass name, its report
    ticketsArrived = Signal()  # mail made tickets: views re-read (throttled)
    clocksChanged = Signal()  # an SLA pass recomputed clocks: due times re-read
    started = Signal(int)  # how many mailboxes are fetched
    stopped = Signal()
    # Internal hops from the service's threads to the GUI thread.
    _fetched = Signal(str, object)

    def __init__(
        self,
        desk: Desk,
        secrets: Secrets,
        parent: QObject | None = None,
        service: SyncService | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        callbacks = Callbacks(
            progress=self._from_thread_progress,
            fetched=self._fetched.emit,
            failed=self.failed.emit,
            recovered=self.recovered.emit,
            passed=self.passed.emit,
        )
        if service is None:
            service = SyncService(desk.store, secrets, callbacks)
        else:
            service.callbacks = callbacks
        self.service = service
        # Starting and joining read the database or wait: never on the GUI thread.
        self._control = ThreadPoolExecutor(1, thread_name_prefix="engine-control")
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stopping = False
        self.running: int | None = None  # mailboxes fetched after the last (re)start
        self._done = asyncio.Event()
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(ARRIVED_THROTTLE_MS)
        self._throttle.timeout.connect(self.ticketsArrived)
        self._fetched.connect(self._on_fetched)
        self.passed.connect(self._on_passed)
        self.progressed.connect(self._arrived)

    # --- lifetime -------------------------------------------------------------------------

    def start(self, restart: Iterable[str] = ()) -> None:
        """Start (or match to the stored mailboxes); the periodic passes run without any."""
        if not self._stopping:
            self._spawn(self._reload(tuple(restart)))

    reload = start

    async def _reload(self, restart: tuple[str, ...]) -> None:
        loop = asyncio.get_running_loop()
        running = await loop.run_in_executor(self._control, self.service.reload, restart)
        self.running = running
        self.started.emit(running)

    def wake(self) -> None:
        """Send queued mail now instead of at the next periodic pass."""
        self.service.wake()

    def stop(self) -> None:
        """Ask the workers to stop and join them in the background; `stopped` follows."""
        if self._stopping:
            return
        self._stopping = True
        self._throttle.stop()
        self.service.request_stop()
        joined = self._control.submit(self.service.join, STOP_TIMEOUT_S)
        # The control thread ends after the join even if the loop never runs again
        # (a window closed at exit): no thread is left behind waiting for work.
        self._control.shutdown(wait=False)
        self._spawn(self._join(joined))

    async def _join(self, joined: Future[list[str]]) -> None:
        try:
            left = await asyncio.wrap_future(joined)
            if left:
                # Daemon threads: they cannot keep the process alive; say who was slow.
                log.warning("sync threads still running at exit: %s", ", ".join(left))
        finally:
            self._done.set()
            if shiboken6.isValid(self):  # the window may be gone already
                self.stopped.emit()

    async def wait_stopped(self) -> None:
        """After stop(): until the workers ended (or the join timed out)."""
        if self._stopping:
            await self._done.wait()

    def _spawn(self, coro: Any) -> None:
        try:
            task = asyncio.ensure_future(coro)
        except RuntimeError:  # no event loop any more: the app is shutting down
            coro.close()
            return
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            log.error("engine task failed", exc_info=error)
            self.failed.emit(self.tr("Sync"), Reason(f"{type(error).__name__}: {error}"))

    # --- reports, on the GUI thread -----------------------------------------------------

    def _from_thread_progress(self, progress: Progress) -> None:
        self.progressed.emit(dataclasses.replace(progress))

    def _on_fetched(self, _mailbox: str, outcomes: list[Outcome]) -> None:
        if self.desk.closed:  # a report queued before the app closed its desk
            return
        ids = {o.ticket_id for o in outcomes if o.state is not None and o.ticket_id is not None}
        if ids:
            self._spawn(self._announce(ids))

    def _on_passed(self, _name: str, report: object) -> None:
        if self.desk.closed:  # as _on_fetched
            return
        ids = tickets_touched(report)  # an SLA pass assigned, resumed, escalated...
        if len(ids) > ANNOUNCE_MAX:
            # A storm (an engine that was off fires thousands of overdue levels): one row
            # query and one change event per ticket would hold all their rows at once
            # and wake every view thousands of times; the views re-read their own rows
            # instead, as after a long mail import.
            self._arrived()
        elif ids:
            self._spawn(self._announce(ids))
        if isinstance(report, SlaReport) and (report.recomputed or report.fired):
            self.clocksChanged.emit()

    async def _announce(self, ids: set[uuid.UUID]) -> None:
        """Re-read the touched tickets' rows and tell every view (as a command would)."""
        rows = await self.desk.read(rows_of, ids)
        for tid, row in rows.items():
            self.desk.notify(TicketChange(tid, row, "receive_mail"))
        self._arrived()

    def _arrived(self, *_args: object) -> None:
        if not self._throttle.isActive() and not self._stopping:
            self._throttle.start()

    # Tickets another engine or desktop made (LiveUpdates): one throttle for all arrivals.
    arrived_elsewhere = _arrived
