"""The ticket's properties: status, priority, group, assignee, follow-up date, tags.

Every edit becomes a command run through the facade; the panel never writes itself.
Combos react to `activated` (a user's choice), never to `currentIndexChanged`, so
showing a ticket cannot send commands. A refused command puts the old value back and
reports the reason through `refused`; the view shows it, nothing crashes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TypeVar

from PySide6.QtCore import QDateTime, QEvent, QLocale, QTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desk_gui.models import Outcome, Priority, Status
from desk_gui.models.commands import (
    AddTag,
    Assign,
    CloseTicket,
    Command,
    CommandError,
    RemoveTag,
    SetFollowUp,
    SetGroup,
    SetPriority,
    SetStatus,
)
from desk_gui.models.views import Directory, TicketPage
from desk_gui.sync.facade import Desk

from . import labels
from .tasks import Tasks


class PropertiesPanel(QWidget):
    refused = Signal(str)
    commandDone = Signal(str)  # the command's name, after the store has it

    def __init__(self, desk: Desk, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._tasks = tasks
        self._page: TicketPage | None = None
        self._directory = Directory((), ())
        self.setObjectName("properties")
        self.setMinimumWidth(250)
        self.setMaximumWidth(340)

        self.status = _named(QComboBox(), "statusCombo")
        self.priority = _named(QComboBox(), "priorityCombo")
        self.group = _named(QComboBox(), "groupCombo")
        self.assignee = _named(QComboBox(), "assigneeCombo")
        for combo in (self.status, self.priority, self.group, self.assignee):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(12)
        # Item data are plain strings: QVariant compares them by value in findData.
        for status in Status:
            self.status.addItem("", status.value)
        for priority in Priority:
            self.priority.addItem("", priority.value)
        self.status.activated.connect(self._status_chosen)
        self.priority.activated.connect(self._priority_chosen)
        self.group.activated.connect(self._group_chosen)
        self.assignee.activated.connect(self._assignee_chosen)

        self.follow_up = _named(QDateTimeEdit(), "followUpEdit")
        self.follow_up.setCalendarPopup(True)
        self.follow_up_set = _named(QPushButton(), "followUpSet")
        self.follow_up_clear = _named(QPushButton(), "followUpClear")
        self.follow_up_set.clicked.connect(self._follow_up_chosen)
        self.follow_up_clear.clicked.connect(self._follow_up_cleared)
        self.follow_up_state = _named(QLabel(), "followUpState")
        self.follow_up_state.setWordWrap(True)

        self.tags = _named(QListWidget(), "tagList")
        self.tags.setMaximumHeight(110)
        self.tag_edit = _named(QLineEdit(), "tagEdit")
        self.tag_add = _named(QPushButton(), "tagAdd")
        self.tag_remove = _named(QPushButton(), "tagRemove")
        self.tag_edit.returnPressed.connect(self._tag_added)
        self.tag_add.clicked.connect(self._tag_added)
        self.tag_remove.clicked.connect(self._tag_removed)

        self._form = QFormLayout()
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._status_label = QLabel()
        self._priority_label = QLabel()
        self._group_label = QLabel()
        self._assignee_label = QLabel()
        self._form.addRow(self._status_label, self.status)
        self._form.addRow(self._priority_label, self.priority)
        self._form.addRow(self._group_label, self.group)
        self._form.addRow(self._assignee_label, self.assignee)

        self._follow_title = _named(QLabel(), "sectionTitle")
        follow_buttons = QHBoxLayout()
        follow_buttons.addWidget(self.follow_up_set)
        follow_buttons.addWidget(self.follow_up_clear)
        self._tags_title = _named(QLabel(), "sectionTitle")
        tag_row = QHBoxLayout()
        tag_row.addWidget(self.tag_edit, 1)
        tag_row.addWidget(self.tag_add)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addLayout(self._form)
        layout.addSpacing(10)
        layout.addWidget(self._follow_title)
        layout.addWidget(self.follow_up)
        layout.addLayout(follow_buttons)
        layout.addWidget(self.follow_up_state)
        layout.addSpacing(10)
        layout.addWidget(self._tags_title)
        layout.addWidget(self.tags)
        layout.addLayout(tag_row)
        layout.addWidget(self.tag_remove)
        layout.addStretch(1)
        self.retranslate()
        self.setEnabled(False)

    # --- content ----------------------------------------------------------------------

    def set_directory(self, directory: Directory) -> None:
        self._directory = directory
        self.group.clear()
        self.group.addItem(self.tr("— no group —"), "")
        for g in directory.groups:
            self.group.addItem(g.name, str(g.id))
        self.assignee.clear()
        self.assignee.addItem(self.tr("— unassigned —"), "")
        for a in directory.agents:
            self.assignee.addItem(a.name, str(a.id))
        self._show_values()

    def show_page(self, page: TicketPage | None) -> None:
        self._page = page
        self.setEnabled(page is not None)
        self._show_values()

    def _show_values(self) -> None:
        page = self._page
        if page is None:
            return
        _select(self.status, page.status.value)
        _select(self.priority, page.priority.value)
        _select(self.group, str(page.group_id or ""))
        _select(self.assignee, str(page.assignee_id or ""))
        if page.follow_up_at is not None:
            self.follow_up.setDateTime(labels.to_qdatetime(page.follow_up_at))
            self.follow_up_state.setText(
                self.tr("Due {when}").format(
                    when=labels.format_when(page.follow_up_at, with_time=True)
                )
            )
        else:
            tomorrow = QDateTime.currentDateTime().addDays(1)
            tomorrow.setTime(QTime(9, 0))
            self.follow_up.setDateTime(tomorrow)
            self.follow_up_state.setText(self.tr("No follow-up date"))
        self.follow_up_clear.setEnabled(page.follow_up_at is not None)
        self.tags.clear()
        self.tags.addItems(list(page.tags))
        self.tag_remove.setEnabled(bool(page.tags))

    def retranslate(self) -> None:
        self._status_label.setText(self.tr("Status"))
        self._priority_label.setText(self.tr("Priority"))
        self._group_label.setText(self.tr("Group"))
        self._assignee_label.setText(self.tr("Assignee"))
        for i in range(self.status.count()):
            self.status.setItemText(i, labels.status_label(Status(self.status.itemData(i))))
        for i in range(self.priority.count()):
            priority = Priority(self.priority.itemData(i))
            self.priority.setItemText(i, labels.label(labels.PRIORITY, priority))
        if self.group.count():
            self.group.setItemText(0, self.tr("— no group —"))
        if self.assignee.count():
            self.assignee.setItemText(0, self.tr("— unassigned —"))
        self._follow_title.setText(self.tr("Follow-up"))
        self.follow_up_set.setText(self.tr("Park until then"))
        self.follow_up_clear.setText(self.tr("Clear"))
        self.follow_up.setDisplayFormat(QLocale().dateTimeFormat(QLocale.FormatType.ShortFormat))
        self._tags_title.setText(self.tr("Tags"))
        self.tag_edit.setPlaceholderText(self.tr("New tag"))
        self.tag_add.setText(self.tr("Add"))
        self.tag_remove.setText(self.tr("Remove selected tag"))
        self._show_values()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- user choices -> commands -----------------------------------------------------

    def _status_chosen(self, index: int) -> None:
        page = self._page
        status = Status(self.status.itemData(index))
        if page is None or status is page.status:
            return
        if status is Status.REJECTED:
            reason, ok = QInputDialog.getText(
                self, self.tr("Reject ticket"), self.tr("Why is this ticket rejected?")
            )
            if not ok:
                self._show_values()
                return
            self._submit(CloseTicket(ticket_id=page.id, outcome=Outcome.REJECTED, reason=reason))
            return
        self._submit(SetStatus(ticket_id=page.id, status=status))

    def _priority_chosen(self, index: int) -> None:
        if self._page is not None:
            priority = Priority(self.priority.itemData(index))
            self._submit(SetPriority(ticket_id=self._page.id, priority=priority))

    def _group_chosen(self, index: int) -> None:
        if self._page is not None:
            group_id = _uuid(self.group.itemData(index))
            self._submit(SetGroup(ticket_id=self._page.id, group_id=group_id))

    def _assignee_chosen(self, index: int) -> None:
        if self._page is not None:
            agent_id = _uuid(self.assignee.itemData(index))
            self._submit(Assign(ticket_id=self._page.id, agent_id=agent_id))

    def _follow_up_chosen(self) -> None:
        if self._page is None:
            return
        at = datetime.fromtimestamp(self.follow_up.dateTime().toSecsSinceEpoch(), UTC)
        self._submit(SetFollowUp(ticket_id=self._page.id, at=at))

    def _follow_up_cleared(self) -> None:
        if self._page is not None:
            self._submit(SetFollowUp(ticket_id=self._page.id, at=None))

    def _tag_added(self) -> None:
        name = self.tag_edit.text().strip()
        if self._page is not None and name:
            self.tag_edit.clear()
            self._submit(AddTag(ticket_id=self._page.id, tag=name))

    def _tag_removed(self) -> None:
        item = self.tags.currentItem() or (self.tags.item(0) if self.tags.count() == 1 else None)
        if self._page is not None and item is not None:
            self._submit(RemoveTag(ticket_id=self._page.id, tag=item.text()))

    def _submit(self, cmd: Command) -> None:
        self._tasks.spawn(self._run(cmd))

    async def _run(self, cmd: Command) -> None:
        try:
            await self._desk.run(cmd)
        except CommandError as error:
            self._show_values()  # the store did not change: show what it holds
            self.refused.emit(labels.refusal(error))
            return
        self.commandDone.emit(cmd.name)


def _select(combo: QComboBox, value: str) -> None:
    # An agent or group the directory does not know (yet) shows as the empty choice.
    combo.setCurrentIndex(max(combo.findData(value), 0))


W = TypeVar("W", bound=QWidget)


def _named(widget: W, name: str) -> W:
    """Object names let tests and the style sheet find the widgets."""
    widget.setObjectName(name)
    return widget


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None
