"""SLA alerts on the desktop: when the engine fires a level (or hands a ticket over,
brings a follow-up back, assigns one), the agent it is meant for hears of it.

The engine writes Alert rows (models/alert.py), not the mail engine's notifications,
so this watcher reads the agent's unread alerts next to the bell, on the same
rhythm: shortly after a change, after an engine pass brought tickets, and every half
minute. A newly seen alert is announced once, through the bell's announcer (its
`announced` signal and tray icon; worded here, in the agent's language, from the
alert's parts). When a read finds more new alerts than a person can take in (an engine
that was off comes back and fires thousands of overdue levels), one summary with their
number is announced instead of a pop-up each (announce.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QLocale, QObject, QTimer
from PySide6.QtWidgets import QSystemTrayIcon
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk_gui.models.alert import Alert, AlertKind
from desk_gui.models.reason import Reason
from desk_gui.models.sla import SlaTarget
from desk_gui.models.ticket import Ticket
from desk_gui.sync.facade import Desk, TicketChange

from . import labels
from .announce import NewItems
from .notifications import AFTER_CHANGE_MS, POLL_MS, NotificationBell
from .sla_panel import TARGETS
from .tasks import Tasks


@dataclass(frozen=True)
class AlertItem:
    id: uuid.UUID
    ticket_id: uuid.UUID | None
    ticket: str  # "#12 Printer down"
    kind: AlertKind
    text: str  # the engine's English line
    data: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class AlertRead:
    items: list[AlertItem]  # the newest unread, at most `limit`
    unread: int  # all the agent's unread alerts, however many


def read_alerts(session: Session, agent_id: uuid.UUID, limit: int = 100) -> AlertRead:
    """The newest unread alerts and how many are unread in all: a storm brings far
    more than the list holds, and its summary says how many wait."""
    # Counted in the index (agent, read_at, created_at): no alert row is read.
    unread = session.scalar(
        select(func.count())
        .select_from(Alert)
        .where(Alert.agent_id == agent_id, Alert.read_at.is_(None))
    )
    return AlertRead(unread_alerts(session, agent_id, limit), unread or 0)


def unread_alerts(session: Session, agent_id: uuid.UUID, limit: int = 100) -> list[AlertItem]:
    rows = session.execute(
        select(Alert, Ticket.number, Ticket.subject)
        .outerjoin(Ticket, Ticket.id == Alert.ticket_id)
        .where(Alert.agent_id == agent_id, Alert.read_at.is_(None))
        .order_by(Alert.created_at.desc(), Alert.id)
        .limit(limit)
    )
    return [
        AlertItem(
            a.id,
            a.ticket_id,
            " ".join(p for p in (f"#{number}" if number else "", subject or "") if p),
            a.kind,
            a.text,
            dict(a.data),
            a.created_at,
        )
        for a, number, subject in rows
    ]


def alert_title(item: AlertItem) -> str:
    titles = {
        AlertKind.SLA_WARNING: QCoreApplication.translate("SlaAlerts", "SLA warning: {ticket}"),
        AlertKind.SLA_BREACH: QCoreApplication.translate("SlaAlerts", "SLA breached: {ticket}"),
        AlertKind.SLA_ESCALATION: QCoreApplication.translate(
            "SlaAlerts", "SLA escalation: {ticket}"
        ),
        AlertKind.FOLLOW_UP: QCoreApplication.translate("SlaAlerts", "Follow-up due: {ticket}"),
        AlertKind.HAND_OVER: QCoreApplication.translate("SlaAlerts", "Hand-over: {ticket}"),
        AlertKind.ASSIGNED: QCoreApplication.translate("SlaAlerts", "Assigned to you: {ticket}"),
        AlertKind.TRIGGER: QCoreApplication.translate("SlaAlerts", "Rule: {ticket}"),
    }
    return titles[item.kind].format(ticket=item.ticket)


def storm_title(unread: int) -> str:
    # A label and the count: right for one alert as for thousands in either language
    # (lupdate finds no plural forms in a module-level translate call).
    return QCoreApplication.translate("SlaAlerts", "Unread alerts: {n}").format(
        n=QLocale().toString(unread)
    )


def storm_text(newest: AlertItem) -> str:
    return QCoreApplication.translate("SlaAlerts", "The newest: {alert}").format(
        alert=alert_title(newest)
    )


def alert_text(item: AlertItem) -> str:
    """In the agent's language: SLA levels from their data, the others from the Reason
    the engine stored beside its English line (older alerts have only the line)."""
    target = item.data.get("target")
    sla = (AlertKind.SLA_WARNING, AlertKind.SLA_BREACH, AlertKind.SLA_ESCALATION)
    if item.kind in sla and target in {t.value for t in SlaTarget}:
        name = QCoreApplication.translate("SlaPanel", TARGETS[SlaTarget(target)])
        return QCoreApplication.translate("SlaAlerts", "{target}: level {level} ({policy})").format(
            target=name, level=item.data.get("level", ""), policy=item.data.get("policy", "")
        )
    stored = item.data.get("reason")
    if isinstance(stored, str):
        return labels.reason(Reason.decode(stored))
    return item.text


class SlaAlerts(QObject):
    """The agent's unread alerts, announced as they come; a click on a desktop message
    opens its ticket through the bell's `ticketChosen`."""

    def __init__(self, desk: Desk, tasks: Tasks, bell: NotificationBell) -> None:
        super().__init__(bell)
        self._desk = desk
        self._tasks = tasks
        self._announcer = bell.announcer
        self.items: list[AlertItem] = []
        self.news = NewItems()
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.refresh)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(AFTER_CHANGE_MS)
        self._soon.timeout.connect(self.refresh)
        self._unsubscribe = desk.subscribe(self._on_change)
        self._poll.start()

    def _on_change(self, _change: TicketChange) -> None:
        self._soon.start()

    def refresh(self) -> None:
        agent = self._desk.actor.agent_id
        if agent is not None:
            self._tasks.spawn(self._read(agent))

    async def _read(self, agent: uuid.UUID) -> None:
        read = await self._desk.read(read_alerts, agent)
        if not shiboken6.isValid(self) or agent != self._desk.actor.agent_id:
            return
        fresh = self.news.among(agent, read.items)
        self.items = read.items
        unread = max(read.unread, len(fresh))
        self._announcer.news(fresh, self._announce, lambda f: self._announce_many(unread, f[0]))

    def _announce_many(self, unread: int, newest: AlertItem) -> None:
        warning = QSystemTrayIcon.MessageIcon.Warning
        self._announcer.show(storm_title(unread), storm_text(newest), newest.ticket_id, warning)

    def _announce(self, item: AlertItem) -> None:
        icon = (
            QSystemTrayIcon.MessageIcon.Warning
            if item.kind in (AlertKind.SLA_BREACH, AlertKind.SLA_ESCALATION)
            else QSystemTrayIcon.MessageIcon.Information
        )
        self._announcer.show(alert_title(item), alert_text(item), item.ticket_id, icon)

    def shutdown(self) -> None:
        self._poll.stop()
        self._soon.stop()
        self._unsubscribe()
