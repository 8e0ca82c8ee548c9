"""Settings → Trigger rules: the if-then rules on ticket events, listed, added and removed.

All reads and writes go through sync.sla.admin on the facade's threads (the same checks
as `desk-gui trigger ...`); the dialog only gathers plain values and shows plain rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.party import Agent, ContractLevel, Group
from desk_gui.models.store import Store
from desk_gui.models.ticket import Channel, Priority, Status
from desk_gui.models.trigger import TriggerEvent
from desk_gui.models.views import Directory
from desk_gui.sync import leases
from desk_gui.sync.facade import Desk
from desk_gui.sync.sla import admin

from . import labels
from .tasks import Tasks

CTX = "TriggerSettings"


EVENTS: dict[TriggerEvent, str] = {
    TriggerEvent.CREATED: QT_TRANSLATE_NOOP("TriggerSettings", "Ticket created"),
    TriggerEvent.UPDATED: QT_TRANSLATE_NOOP("TriggerSettings", "Ticket updated"),
    TriggerEvent.CUSTOMER_REPLIED: QT_TRANSLATE_NOOP("TriggerSettings", "Customer replied"),
    TriggerEvent.SLA_LEVEL: QT_TRANSLATE_NOOP("TriggerSettings", "SLA level reached"),
}
NOTIFY: dict[str, str] = {
    "assignee": QT_TRANSLATE_NOOP("TriggerSettings", "Assignee"),
    "group": QT_TRANSLATE_NOOP("TriggerSettings", "Group"),
    "group-lead": QT_TRANSLATE_NOOP("TriggerSettings", "Group lead"),
}
# Free-text conditions: storage key -> label; several values comma-separated, any will do.
TEXT_CONDITIONS: dict[str, str] = {
    "mailbox": QT_TRANSLATE_NOOP("TriggerSettings", "Mailbox:"),
    "sender": QT_TRANSLATE_NOOP("TriggerSettings", "Sender:"),
    "keywords": QT_TRANSLATE_NOOP("TriggerSettings", "Keyword:"),
    "tags": QT_TRANSLATE_NOOP("TriggerSettings", "Tag:"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


# What the If and Then columns call each stored key (the form's own labels).
CONDITION_LABELS: dict[str, str] = {
    "channel": QT_TRANSLATE_NOOP("TriggerSettings", "Channel:"),
    **TEXT_CONDITIONS,
    "priority": QT_TRANSLATE_NOOP("TriggerSettings", "Priority:"),
    "contract": QT_TRANSLATE_NOOP("TriggerSettings", "Contract level:"),
}
ACTION_LABELS: dict[str, str] = {
    "group": QT_TRANSLATE_NOOP("TriggerSettings", "Set group:"),
    "assignee": QT_TRANSLATE_NOOP("TriggerSettings", "Set assignee:"),
    "priority": QT_TRANSLATE_NOOP("TriggerSettings", "Set priority:"),
    "tags": QT_TRANSLATE_NOOP("TriggerSettings", "Add tag:"),
    "status": QT_TRANSLATE_NOOP("TriggerSettings", "Set status:"),
    "notify": QT_TRANSLATE_NOOP("TriggerSettings", "Notify:"),
}


@dataclass(frozen=True)
class RuleRow:
    name: str
    event: TriggerEvent
    conditions: dict[str, Any]  # as stored, group and agent ids replaced by names
    actions: dict[str, Any]
    active: bool


def _named(values: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    def one(v: Any) -> Any:
        return [names.get(str(x), x) for x in v] if isinstance(v, list) else names.get(str(v), v)

    return {k: one(v) for k, v in values.items()}


def rule_rows(session: Session) -> list[RuleRow]:
    """The rules as plain rows, group and agent ids shown by name."""
    names = {str(i): n for i, n in session.execute(select(Group.id, Group.name))}
    names.update({str(i): n for i, n in session.execute(select(Agent.id, Agent.name))})
    return [
        RuleRow(
            r.name,
            r.event,
            _named(r.conditions or {}, names),
            _named(r.actions or {}, names),
            r.active,
        )
        for r in admin.list_rules(session)
    ]


def _value_text(key: str, value: str) -> str:
    """A stored value as the form shows it: enum values by their translated names."""
    try:
        if key == "priority":
            return labels.label(labels.PRIORITY, Priority(value))
        if key == "status":
            return labels.status_label(Status(value))
        if key == "channel":
            return labels.label(labels.CHANNEL, Channel(value))
        if key == "contract":
            return labels.label(labels.CONTRACT, ContractLevel(value))
    except ValueError:  # a value this version does not know: shown as stored
        return value
    if key == "notify" and value in NOTIFY:
        return tr(NOTIFY[value])
    return value


def describe(values: dict[str, Any], keys: dict[str, str]) -> str:
    """'Keyword: rechnung, mahnung; Set group: Billing' for the If and Then columns."""
    parts = []
    for key, value in values.items():
        items = value if isinstance(value, list) else [value]
        shown = ", ".join(_value_text(key, str(v)) for v in items)
        parts.append(f"{tr(keys[key])} {shown}" if key in keys else f"{key}={shown}")
    return "; ".join(parts)


def add_rule(
    store: Store,
    name: str,
    event: TriggerEvent,
    conditions: dict[str, list[str]],
    actions: dict[str, Any],
) -> None:
    with store.write() as session:
        admin.create_rule(
            session,
            store.clock.now,
            name,
            event,
            conditions,
            actions,
            created_at=leases.db_now(session),  # "created" fires from now on, not backwards
        )


def delete_rule(store: Store, name: str) -> None:
    with store.write() as session:
        admin.remove_rule(session, name)


def _split(text: str) -> list[str]:
    return [v.strip() for v in text.split(",") if v.strip()]


def _combo(name: str, items: list[tuple[str, str]]) -> QComboBox:
    """A combo whose first entry, "(none)", means: not part of the rule."""
    box = QComboBox()
    box.setObjectName(name)
    box.addItem(QCoreApplication.translate("TriggerSettings", "(none)"), "")
    for text, data in items:
        box.addItem(text, data)
    return box


class TriggerSettings(QDialog):
    changed = Signal()

    def __init__(
        self, desk: Desk, tasks: Tasks, directory: Directory, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("triggerSettings")
        self.setWindowTitle(self.tr("Trigger rules"))
        self._desk = desk
        self._tasks = tasks
        self.rules: list[RuleRow] = []
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("triggerTable")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Event"), self.tr("If"), self.tr("Then"), self.tr("Active")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Name, conditions and actions share the room; event and "active" take what they
        # need (all five stretched cut the actions short). Rows grow to the wrapped text
        # again whenever the columns change width.
        header = self.table.horizontalHeader()
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        for column, mode in enumerate(
            (
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.ResizeToContents,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.Stretch,
                QHeaderView.ResizeMode.ResizeToContents,
            )
        ):
            header.setSectionResizeMode(column, mode)
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.remove_button.setObjectName("triggerRemove")
        self.remove_button.clicked.connect(self.remove_selected)

        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.on_event = QComboBox()
        for event, text in EVENTS.items():
            self.on_event.addItem(tr(text), event.value)
        self.channel = _combo(
            "triggerChannel", [(labels.label(labels.CHANNEL, c), c) for c in Channel]
        )
        self.texts = {key: QLineEdit() for key in TEXT_CONDITIONS}
        self.if_priority = _combo(
            "triggerIfPriority", [(labels.label(labels.PRIORITY, p), p) for p in Priority]
        )
        self.contract = _combo(
            "triggerContract", [(labels.label(labels.CONTRACT, c), c) for c in ContractLevel]
        )
        self.group = _combo("triggerGroup", [(g.name, str(g.id)) for g in directory.groups])
        self.assignee = _combo("triggerAssignee", [(a.name, str(a.id)) for a in directory.agents])
        self.priority = _combo(
            "triggerPriority", [(labels.label(labels.PRIORITY, p), p) for p in Priority]
        )
        self.tag = QLineEdit()
        self.status = _combo("triggerStatus", [(labels.status_label(s), s) for s in Status])
        self.notify = _combo("triggerNotify", [(tr(t), k) for k, t in NOTIFY.items()])
        self.add_button = QPushButton(self.tr("&Add rule"))
        self.add_button.setObjectName("triggerAdd")
        self.add_button.clicked.connect(self.add)
        self.error = QLabel()
        self.error.setObjectName("triggerError")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        self._layout()
        self.setMinimumSize(720, 560)
        self._tasks.spawn(self.reload())

    def _layout(self) -> None:
        conditions = QGroupBox(self.tr("If"))
        cform = QFormLayout(conditions)
        hint = QLabel(self.tr("All must hold; separate alternatives with commas."))
        hint.setWordWrap(True)
        cform.addRow(hint)
        cform.addRow(self.tr("Channel:"), self.channel)
        for key, text in TEXT_CONDITIONS.items():
            cform.addRow(tr(text), self.texts[key])
        cform.addRow(self.tr("Priority:"), self.if_priority)
        cform.addRow(self.tr("Contract level:"), self.contract)
        actions = QGroupBox(self.tr("Then"))
        aform = QFormLayout(actions)
        aform.addRow(self.tr("Set group:"), self.group)
        aform.addRow(self.tr("Set assignee:"), self.assignee)
        aform.addRow(self.tr("Set priority:"), self.priority)
        aform.addRow(self.tr("Add tag:"), self.tag)
        aform.addRow(self.tr("Set status:"), self.status)
        aform.addRow(self.tr("Notify:"), self.notify)
        head = QFormLayout()
        head.addRow(self.tr("&Name:"), self.name)
        head.addRow(self.tr("&Event:"), self.on_event)
        sides = QHBoxLayout()
        sides.addWidget(conditions)
        sides.addWidget(actions)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        root = QVBoxLayout(self)
        root.addWidget(self.table)
        root.addWidget(self.remove_button)
        root.addLayout(head)
        root.addLayout(sides)
        root.addWidget(self.add_button)
        root.addWidget(self.error)
        root.addWidget(close)

    def rule_conditions(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key, box in (
            ("channel", self.channel),
            ("priority", self.if_priority),
            ("contract", self.contract),
        ):
            if box.currentData():
                out[key] = [box.currentData()]
        for key, edit in self.texts.items():
            if values := _split(edit.text()):
                out[key] = values
        return out

    def rule_actions(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, box in (
            ("group", self.group),
            ("assignee", self.assignee),
            ("priority", self.priority),
            ("status", self.status),
        ):
            if box.currentData():
                out[key] = box.currentData()
        if tags := _split(self.tag.text()):
            out["tags"] = tags
        if self.notify.currentData():
            out["notify"] = [self.notify.currentData()]
        return out

    def add(self) -> None:
        name = self.name.text().strip()
        if not name:
            self._show_error(self.tr("Give the rule a name."))
            return
        actions = self.rule_actions()
        if not actions:
            self._show_error(self.tr("Choose at least one action."))
            return
        event = TriggerEvent(self.on_event.currentData())
        self.add_button.setEnabled(False)
        self._tasks.spawn(self._write(add_rule, name, event, self.rule_conditions(), actions))

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rules):
            self._show_error(self.tr("Select a rule to remove."))
            return
        self._tasks.spawn(self._write(delete_rule, self.rules[row].name))

    async def _write(self, fn: Any, *args: Any) -> None:
        try:
            await self._desk.write(fn, *args)
        except ValueError as e:
            self._show_error(str(e))
            return
        finally:
            self.add_button.setEnabled(True)
        self.error.hide()
        self.name.clear()
        await self.reload()
        self.changed.emit()

    async def reload(self) -> None:
        rows = await self._desk.read(rule_rows)
        self.rules = rows
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = [
                r.name,
                tr(EVENTS[r.event]),
                describe(r.conditions, CONDITION_LABELS) or self.tr("always"),
                describe(r.actions, ACTION_LABELS),
                self.tr("yes") if r.active else self.tr("no"),
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # the whole rule, where the column is too narrow
                self.table.setItem(i, j, item)
        self.table.resizeRowsToContents()  # long conditions wrap instead of ending in "…"

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
