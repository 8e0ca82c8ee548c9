"""A ticket's SLA state under its header: per target the remaining business time,
coloured by escalation level (ok, warning, breached; met and paused in grey).

Computed fresh in the background (desk_gui.sync.sla.status.ticket_sla), so it is exact
between two engine passes; a timer re-reads it every minute while a ticket is shown.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.sla import SlaTarget
from desk_gui.sync.facade import Desk
from desk_gui.sync.sla.status import TargetStatus, TicketSla, ticket_sla

from .tasks import Tasks

CTX = "SlaPanel"
REFRESH_MS = 60_000
COLORS = {
    "ok": "#2e7d32",
    "warning": "#ef6c00",
    "breached": "#c62828",
    "met": "#757575",
    "paused": "#757575",
}


TARGETS = {
    SlaTarget.FIRST_RESPONSE: QT_TRANSLATE_NOOP("SlaPanel", "First response"),
    SlaTarget.NEXT_RESPONSE: QT_TRANSLATE_NOOP("SlaPanel", "Next response"),
    SlaTarget.RESOLUTION: QT_TRANSLATE_NOOP("SlaPanel", "Resolution"),
}


def tr(text: str) -> str:
    """A text marked elsewhere (TARGETS), translated when shown."""
    return QCoreApplication.translate(CTX, text)


def duration(seconds: int) -> str:
    """Business time as "2 h 05 min" (days are not shown: business days vary in length)."""
    hours, rest = divmod(abs(seconds), 3600)
    minutes = rest // 60
    if hours:
        return QCoreApplication.translate("SlaPanel", "{h} h {m:02d} min").format(
            h=hours, m=minutes
        )
    return QCoreApplication.translate("SlaPanel", "{m} min").format(m=minutes)


def state_text(t: TargetStatus) -> str:
    if t.level == "met":
        return QCoreApplication.translate("SlaPanel", "met")
    if t.level == "paused":
        return QCoreApplication.translate("SlaPanel", "paused, {time} left").format(
            time=duration(t.remaining_s)
        )
    if t.remaining_s < 0:
        return QCoreApplication.translate("SlaPanel", "overdue by {time}").format(
            time=duration(t.remaining_s)
        )
    return QCoreApplication.translate("SlaPanel", "{time} left").format(
        time=duration(t.remaining_s)
    )


class SlaPanel(QWidget):
    """One coloured label per target of the ticket's policy; hidden without a policy."""

    def __init__(
        self,
        desk: Desk,
        tasks: Tasks,
        parent: QWidget | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(parent)
        self.setObjectName("slaPanel")
        self._desk = desk
        self._tasks = tasks
        self._now = now
        self._ticket: uuid.UUID | None = None
        self._generation = 0
        self.state: TicketSla | None = None
        self.labels: dict[SlaTarget, QLabel] = {}
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(16)
        self.policy = QLabel()
        self.policy.setObjectName("slaPolicy")
        self._layout.addWidget(self.policy)
        self._layout.addStretch(1)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.reload)
        self.hide()

    def show_ticket(self, ticket_id: uuid.UUID | None) -> None:
        self._ticket = ticket_id
        self._generation += 1
        if ticket_id is None:
            self._timer.stop()
            self._render(None)
            return
        self._timer.start()
        self._tasks.spawn(self._load(self._generation, ticket_id))

    def reload(self) -> None:
        if self._ticket is not None:
            self._generation += 1
            self._tasks.spawn(self._load(self._generation, self._ticket))

    async def _load(self, generation: int, ticket_id: uuid.UUID) -> None:
        state = await self._desk.read(ticket_sla, ticket_id, self._now())
        # The view may have been closed while the read ran.
        if shiboken6.isValid(self) and generation == self._generation:
            self._render(state)

    def _render(self, state: TicketSla | None) -> None:
        self.state = state
        for label in self.labels.values():
            self._layout.removeWidget(label)
            label.deleteLater()
        self.labels.clear()
        if state is None or not state.targets:
            self.hide()
            return
        self.policy.setText(
            QCoreApplication.translate("SlaPanel", "SLA {policy}:").format(
                policy=state.policy or ""
            )
        )
        for i, t in enumerate(state.targets):
            label = QLabel(f"{tr(TARGETS[t.target])}: {state_text(t)}")
            label.setObjectName(f"sla_{t.target.value}")
            label.setProperty("level", t.level)
            label.setStyleSheet(f"color: {COLORS.get(t.level, '#757575')}; font-weight: 600;")
            if t.due_at is not None:
                when = t.due_at.astimezone().strftime("%Y-%m-%d %H:%M")
                label.setToolTip(
                    QCoreApplication.translate("SlaPanel", "Due {when}").format(when=when)
                )
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._layout.insertWidget(1 + i, label)
            self.labels[t.target] = label
        self.show()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self.state is not None:
            self._render(self.state)
        super().changeEvent(event)

    def shutdown(self) -> None:
        self._generation += 1
        self._timer.stop()
