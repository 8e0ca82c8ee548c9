"""Notifications for the agent at the desk: a bell with the unread count, a list, and a
desktop message through the system tray.

Notifications are rows the mail engine and the note command write (`@name` in a note,
a new message in a watched ticket). The bell re-reads the agent's unread ones shortly
after any ticket change and every half minute (the engine runs elsewhere); a newly
seen one is announced once on the desktop when a system tray exists (none offscreen:
then the message is only emitted as `announced`, the list still shows it); a burst of
them as one summary, like the SLA alerts (announce.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QToolButton, QWidget
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk_gui.models.outbound import Notification, NotificationReason
from desk_gui.models.reply_commands import MarkNotificationsRead
from desk_gui.models.ticket import Ticket
from desk_gui.sync.facade import Desk, TicketChange

from . import labels
from .announce import Announcer, NewItems
from .tasks import Tasks

POLL_MS = 30_000
AFTER_CHANGE_MS = 400  # a note with @mentions: the bell follows quickly
SHOWN = 30  # entries in the menu


@dataclass(frozen=True)
class NotificationItem:
    id: uuid.UUID
    ticket_id: uuid.UUID
    ticket_label: str
    subject: str
    reason: NotificationReason
    actor: str
    excerpt: str
    created_at: datetime


@dataclass(frozen=True)
class NotificationRead:
    items: list[NotificationItem]  # the newest unread, at most `limit`
    unread: int  # all the agent's unread notifications, however many


def read_notifications(session: Session, agent_id: uuid.UUID, limit: int = 100) -> NotificationRead:
    """The newest unread notifications and how many are unread in all: a burst may
    bring more than the list holds, and the bell counts them all."""
    # Counted in the index (agent, read_at): no notification row is read.
    count = session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.agent_id == agent_id, Notification.read_at.is_(None))
    )
    return NotificationRead(unread(session, agent_id, limit), count or 0)


def unread(session: Session, agent_id: uuid.UUID, limit: int = 100) -> list[NotificationItem]:
    rows = session.execute(
        select(Notification, Ticket.number, Ticket.subject)
        .join(Ticket, Ticket.id == Notification.ticket_id)
        .where(Notification.agent_id == agent_id, Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc())
        .limit(limit)
    )
    return [
        NotificationItem(
            n.id,
            n.ticket_id,
            f"#{number}" if number is not None else "",
            subject,
            n.reason,
            n.actor,
            n.excerpt,
            n.created_at,
        )
        for n, number, subject in rows
    ]


def bell_icon(color: str = "#37474f") -> QIcon:
    """A bell drawn here: no icon theme or emoji font needed."""
    pixmap = QPixmap(QSize(32, 32))
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(color))
    path = QPainterPath()
    path.moveTo(16, 4)
    path.cubicTo(8, 4, 8, 12, 8, 17)
    path.lineTo(5, 23)
    path.lineTo(27, 23)
    path.lineTo(24, 17)
    path.cubicTo(24, 12, 24, 4, 16, 4)
    p.drawPath(path)
    p.drawEllipse(QPointF(16, 26), 3.2, 3.2)
    p.drawRoundedRect(QRectF(14.5, 1.5, 3, 4), 1, 1)
    p.end()
    return QIcon(pixmap)


class NotificationBell(QToolButton):
    ticketChosen = Signal(object)  # the ticket id of a chosen notification
    changed = Signal(int)  # the unread count after a read
    announced = Signal(str, str)  # title, text: what went (or would go) to the desktop

    def __init__(self, desk: Desk, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationBell")
        self._desk = desk
        self._tasks = tasks
        self.items: list[NotificationItem] = []
        self.unread = 0  # all unread, the list holds the newest of them
        self.news = NewItems()
        self.setIcon(bell_icon())
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.list = QMenu(self)
        self.list.setObjectName("notificationList")
        self.setMenu(self.list)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(bell_icon("#1565c0"), self)
            self.tray.show()
        # The bell's and the SLA alerts' way to the desktop (sla_alerts.py).
        self.announcer = Announcer(self.tray, self)
        self.announcer.announced.connect(self.announced)
        self.announcer.ticketChosen.connect(self.ticketChosen)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.refresh)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(AFTER_CHANGE_MS)
        self._soon.timeout.connect(self.refresh)
        self._unsubscribe = desk.subscribe(self._on_change)
        self._poll.start()
        self._render()

    @property
    def count(self) -> int:
        return self.unread

    def _on_change(self, _change: TicketChange) -> None:
        self._soon.start()

    def refresh(self) -> None:
        agent = self._desk.actor.agent_id
        if agent is None:
            self.items, self.unread = [], 0
            self._render()
            return
        self._tasks.spawn(self._read(agent))

    async def _read(self, agent: uuid.UUID) -> None:
        read = await self._desk.read(read_notifications, agent)
        if agent != self._desk.actor.agent_id:
            return  # the agent was switched meanwhile
        fresh = self.news.among(agent, read.items)
        # Beyond the list's length, the count tells how many came (exact unless some
        # were read meanwhile elsewhere).
        came = max(len(fresh), read.unread - self.unread) if fresh else 0
        self.items, self.unread = read.items, read.unread
        self._render()
        self.changed.emit(self.count)
        self.announcer.news(fresh, self._announce, lambda f: self._announce_many(came, f[0]))

    def _announce(self, item: NotificationItem) -> None:
        self.announcer.show(self._title(item), item.excerpt[:160], item.ticket_id)

    def _announce_many(self, came: int, newest: NotificationItem) -> None:
        title = self.tr("%n new notification(s)", "", came)
        text = self.tr("The newest: {notification}").format(notification=self._title(newest))
        self.announcer.show(title, text, newest.ticket_id)

    def _title(self, item: NotificationItem) -> str:
        if item.reason is NotificationReason.MENTION:
            text = self.tr("{actor} mentioned you in {ticket}")
        else:
            text = self.tr("{actor} wrote in {ticket}")
        # A message that names no sender has no actor (notify.py).
        actor = item.actor or self.tr("Someone")
        return text.format(actor=actor, ticket=item.ticket_label or item.subject)

    def _render(self) -> None:
        self.setText(str(self.count) if self.count else "")
        self.setToolTip(
            self.tr("{n} unread notification(s)").format(n=self.count)
            if self.count
            else self.tr("No unread notifications")
        )
        self.setProperty("unread", bool(self.count))
        self.style().unpolish(self)
        self.style().polish(self)
        self.list.clear()
        if not self.items:
            empty = self.list.addAction(self.tr("No unread notifications"))
            empty.setEnabled(False)
            return
        for item in self.items[:SHOWN]:
            when = labels.format_when(item.created_at)
            action = QAction(f"{self._title(item)} · {when}\n{item.excerpt[:90]}", self.list)
            action.setToolTip(item.subject)
            action.triggered.connect(lambda _=False, i=item: self.open(i))
            self.list.addAction(action)
        self.list.addSeparator()
        read_all = self.list.addAction(self.tr("Mark all as read"))
        read_all.setObjectName("markAllRead")
        read_all.triggered.connect(self.mark_all_read)

    def open(self, item: NotificationItem) -> None:
        self.ticketChosen.emit(item.ticket_id)
        self._tasks.spawn(self._mark((item.id,)))

    def mark_all_read(self) -> None:
        self._tasks.spawn(self._mark(()))

    async def _mark(self, ids: tuple[uuid.UUID, ...]) -> None:
        agent = self._desk.actor.agent_id
        if agent is None:
            return
        await self._desk.run(MarkNotificationsRead(agent_id=agent, notification_ids=ids))
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(event)

    def shutdown(self) -> None:
        self._poll.stop()
        self._soon.stop()
        self._unsubscribe()
        if self.tray is not None:
            self.tray.hide()
