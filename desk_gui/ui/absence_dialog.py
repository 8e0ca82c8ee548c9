"""Settings → Absence: an agent (oneself, or anyone for a group lead) is away from one
date to another. Saving records the absence and, when it has begun, hands the agent's
open urgent and high tickets over to other members of their groups at once (the SLA
engine does the same at the start of a future absence); the Assign commands write the
tickets' history.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models import queries
from desk_gui.models.party import Group
from desk_gui.models.store import Store
from desk_gui.models.views import Directory
from desk_gui.sync.facade import Desk, TicketChange
from desk_gui.sync.sla.assignment import HandOver, add_absence, hand_over

from .tasks import Tasks


@dataclass(frozen=True)
class AbsenceSaved:
    absence_id: uuid.UUID
    handed_over: tuple[HandOver, ...]


def leads_a_group(session: Session, agent_id: uuid.UUID) -> bool:
    return session.scalar(select(Group.id).where(Group.lead_agent_id == agent_id)) is not None


def save_absence(
    store: Store,
    agent_id: uuid.UUID,
    starts_at: datetime,
    ends_at: datetime,
    note: str,
    created_by: str,
    now: datetime,
) -> AbsenceSaved:
    """Record the absence; hand over right away when it is under way (one transaction)."""
    with store.write() as session:
        row = add_absence(session, store.clock.now, agent_id, starts_at, ends_at, note, created_by)
        moved: list[HandOver] = []
        if starts_at <= now < ends_at:
            moved = hand_over(session, store.clock.now, row, now)
        return AbsenceSaved(row.id, tuple(moved))


def day_start(d: QDate) -> datetime:
    """Local midnight of a date, as an aware UTC time."""
    local = datetime.combine(date(d.year(), d.month(), d.day()), time()).astimezone()
    return local.astimezone(UTC)


class AbsenceDialog(QDialog):
    saved = Signal(object)  # AbsenceSaved
    failed = Signal(str)

    def __init__(
        self,
        desk: Desk,
        tasks: Tasks,
        directory: Directory,
        is_lead: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("absenceDialog")
        self.setWindowTitle(self.tr("Absence"))
        self._desk = desk
        self._tasks = tasks
        me = desk.actor.agent_id
        self.agent = QComboBox()
        self.agent.setObjectName("absenceAgent")
        for a in directory.agents:
            if is_lead or a.id == me:
                self.agent.addItem(a.name, str(a.id))  # Qt compares text data, not UUIDs
        if me is not None:
            self.agent.setCurrentIndex(max(0, self.agent.findData(str(me))))
        self.agent.setEnabled(is_lead)
        today = QDate.currentDate()
        self.starts = QDateEdit(today)
        self.ends = QDateEdit(today.addDays(1))
        for edit in (self.starts, self.ends):
            edit.setCalendarPopup(True)
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        self.error = QLabel()
        self.error.setObjectName("absenceError")
        self.error.setStyleSheet("color: #c62828;")
        self.error.hide()
        form = QFormLayout(self)
        form.addRow(self.tr("&Agent:"), self.agent)
        form.addRow(self.tr("&From:"), self.starts)
        form.addRow(self.tr("&Until (inclusive):"), self.ends)
        form.addRow(self.tr("&Note:"), self.note)
        hint = QLabel(self.tr("Open urgent and high tickets go to another member of the group."))
        hint.setWordWrap(True)
        form.addRow(hint)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        # A fixed minimum: layouts stop re-imposing theirs (and offscreen stays quiet).
        self.setMinimumSize(420, 240)

    def save(self) -> None:
        data = self.agent.currentData()
        agent = uuid.UUID(data) if data else None
        starts = day_start(self.starts.date())
        ends = day_start(self.ends.date()) + timedelta(days=1)
        if agent is None:
            self._show_error(self.tr("Choose an agent."))
            return
        if ends <= starts:
            self._show_error(self.tr("The absence must end on or after its first day."))
            return
        self.buttons.setEnabled(False)
        self._tasks.spawn(self._save(agent, starts, ends, self.note.text()))

    async def _save(self, agent: uuid.UUID, starts: datetime, ends: datetime, note: str) -> None:
        by = self._desk.actor.name
        try:
            done = await self._desk.write(
                save_absence, agent, starts, ends, note, by, datetime.now(UTC)
            )
        except ValueError as e:
            self.buttons.setEnabled(True)
            self._show_error(str(e))
            return
        for moved in done.handed_over:
            row = await self._desk.read(queries.row, moved.ticket_id)
            self._desk.notify(TicketChange(moved.ticket_id, row, "hand_over"))
        self.saved.emit(done)
        self.accept()

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
