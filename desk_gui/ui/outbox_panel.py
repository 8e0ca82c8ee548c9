"""Where each outgoing mail of a ticket stands: queued, sending, sent, failed.

The state shows under the mail in the thread; a failed (or long-waiting) mail also
gets a bar above the editor with Retry (RetrySend) and Edit (the mail back into the
editor; the edited reply replaces the failed one). The sender runs elsewhere (the
engine, `desk-gui sync`), so while a mail of the shown ticket is not final the panel
re-reads the states every few seconds and asks the view to refresh when one changed.
"""

from __future__ import annotations

import html
import uuid
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models.commands import CommandError
from desk_gui.models.outbound import OutboundMail, OutboundState
from desk_gui.models.reason import Reason, loaded
from desk_gui.models.reply_commands import RetrySend
from desk_gui.models.views import TicketPage
from desk_gui.sync.facade import Desk
from desk_gui.sync.mail_out.replies import edit_draft

from . import labels
from .tasks import Tasks
from .thread_render import render_item, render_thread

POLL_MS = 3000
OPEN_STATES = (OutboundState.QUEUED, OutboundState.SENDING)

STATE_COLORS = {
    OutboundState.QUEUED: "#8a6100",
    OutboundState.SENDING: "#1565c0",
    OutboundState.SENT: "#2e7d32",
    OutboundState.FAILED: "#c62828",
    OutboundState.CANCELLED: "#757575",
}


@dataclass(frozen=True)
class OutboxRow:
    id: uuid.UUID
    message_uuid: uuid.UUID
    state: OutboundState
    attempts: int
    reason: Reason | None
    next_attempt_at: datetime
    sent_at: datetime | None
    interrupted: bool


def outbox_rows(session: Session, ticket_id: uuid.UUID) -> tuple[OutboxRow, ...]:
    rows = session.scalars(
        select(OutboundMail)
        .where(OutboundMail.ticket_id == ticket_id)
        .order_by(OutboundMail.created_at)
    )
    return tuple(
        OutboxRow(
            r.id,
            r.message_uuid,
            r.state,
            r.attempts,
            loaded(r.reason),
            r.next_attempt_at,
            r.sent_at,
            r.interrupted,
        )
        for r in rows
    )


def state_text(row: OutboxRow) -> str:
    if row.state is OutboundState.QUEUED:
        if row.attempts:
            return QCoreApplication.translate(
                "Outbox", "Waiting to send again ({n} attempts): {reason}"
            ).format(n=row.attempts, reason=labels.reason(row.reason))
        return QCoreApplication.translate("Outbox", "Queued: goes out with the next send")
    if row.state is OutboundState.SENDING:
        return QCoreApplication.translate("Outbox", "Sending…")
    if row.state is OutboundState.SENT:
        when = labels.format_when(row.sent_at) if row.sent_at else ""
        return QCoreApplication.translate("Outbox", "Sent {when}").format(when=when).strip()
    if row.state is OutboundState.FAILED:
        return QCoreApplication.translate("Outbox", "Not sent: {reason}").format(
            reason=labels.reason(row.reason)
            or QCoreApplication.translate("Outbox", "unknown error")
        )
    return QCoreApplication.translate("Outbox", "Cancelled")


def state_badge(row: OutboxRow) -> str:
    color = STATE_COLORS[row.state]
    return (
        "<p style='margin:-6px 0 10px 17px; color:" + color + "'>"
        f"<b>{html.escape(state_text(row))}</b></p>"
    )


def render_thread_with_states(page: TicketPage, rows: tuple[OutboxRow, ...]) -> str:
    """The thread, each outgoing mail followed by where it stands."""
    if not page.thread:
        return render_thread(page)
    by_message = {r.message_uuid: r for r in rows}
    parts = []
    for item in page.thread:
        parts.append(render_item(item))
        row = by_message.get(item.id)
        if row is not None:
            parts.append(state_badge(row))
    return "".join(parts)


class OutboxPanel(QFrame):
    """Bars for the ticket's failed mails, and the poll while mail is on its way."""

    statesChanged = Signal()  # a state differs from what the view shows: reload
    editRequested = Signal(object)  # ReplyDraft: the failed mail as a draft again
    refused = Signal(str)
    retried = Signal(object)  # the outbound id put back in the queue

    def __init__(self, desk: Desk, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outboxPanel")
        self._desk = desk
        self._tasks = tasks
        self.ticket_id: uuid.UUID | None = None
        self.rows: tuple[OutboxRow, ...] = ()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 4, 8, 4)
        self._layout.setSpacing(4)
        self.bars: dict[uuid.UUID, _FailedBar] = {}
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.check_now)
        self.hide()

    def set_rows(self, ticket_id: uuid.UUID | None, rows: tuple[OutboxRow, ...]) -> None:
        self.ticket_id = ticket_id
        self.rows = rows
        for bar in self.bars.values():
            bar.deleteLater()
        self.bars = {}
        for row in rows:
            if row.state is OutboundState.FAILED:
                bar = _FailedBar(row, self)
                bar.retry.clicked.connect(lambda _=False, r=row.id: self.retry(r))
                bar.edit.clicked.connect(lambda _=False, r=row.id: self.edit(r))
                self._layout.addWidget(bar)
                self.bars[row.id] = bar
        self.setVisible(bool(self.bars))
        if any(r.state in OPEN_STATES for r in rows):
            self._poll.start()
        else:
            self._poll.stop()

    def check_now(self) -> None:
        if self.ticket_id is not None:
            self._tasks.spawn(self._compare(self.ticket_id))

    async def _compare(self, ticket_id: uuid.UUID) -> None:
        rows = await self._desk.read(outbox_rows, ticket_id)
        if ticket_id == self.ticket_id and rows != self.rows:
            self.statesChanged.emit()

    def retry(self, outbound_id: uuid.UUID) -> None:
        self._tasks.spawn(self._retry(outbound_id))

    async def _retry(self, outbound_id: uuid.UUID) -> None:
        try:
            await self._desk.run(RetrySend(outbound_id=outbound_id))
        except CommandError as error:
            self.refused.emit(labels.refusal(error))
            return
        self.retried.emit(outbound_id)
        self.statesChanged.emit()

    def edit(self, outbound_id: uuid.UUID) -> None:
        self._tasks.spawn(self._edit(outbound_id))

    async def _edit(self, outbound_id: uuid.UUID) -> None:
        try:
            draft = await self._desk.write(edit_draft, outbound_id)
        except LookupError as error:
            self.refused.emit(str(error))
            return
        self.editRequested.emit(draft)

    def shutdown(self) -> None:
        self._poll.stop()
        self.ticket_id = None


class _FailedBar(QFrame):
    def __init__(self, row: OutboxRow, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("failedMail")
        self.text = QLabel(html.escape(state_text(row)))
        self.text.setWordWrap(True)
        self.retry = QPushButton(QCoreApplication.translate("Outbox", "Retry"))
        self.retry.setObjectName("retryButton")
        self.retry.setToolTip(
            QCoreApplication.translate("Outbox", "Put the mail back into the queue, unchanged")
        )
        self.edit = QPushButton(QCoreApplication.translate("Outbox", "Edit"))
        self.edit.setObjectName("editButton")
        self.edit.setToolTip(
            QCoreApplication.translate(
                "Outbox", "Open the mail in the editor; sending it replaces this one"
            )
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.retry)
        layout.addWidget(self.edit)
