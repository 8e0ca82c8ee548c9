"""Translated names and colours of the model's enums, and date formatting.

The source strings are marked with QT_TRANSLATE_NOOP so lupdate finds them; they are
translated when shown, so a live language switch needs no rebuilt tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale
from PySide6.QtGui import QColor

from desk_gui.models import (
    CallOutcome,
    Channel,
    ContractLevel,
    MessageKind,
    Priority,
    Status,
    TicketType,
)
from desk_gui.models.commands import CommandError, Phrase
from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.reason import Reason

CTX = "Labels"
E = TypeVar("E", bound=Enum)


STATUS: dict[Status, str] = {
    Status.NEW: QT_TRANSLATE_NOOP("Labels", "New"),
    Status.OPEN: QT_TRANSLATE_NOOP("Labels", "Open"),
    Status.PENDING_REMINDER: QT_TRANSLATE_NOOP("Labels", "Follow-up"),
    Status.WAITING_CUSTOMER: QT_TRANSLATE_NOOP("Labels", "Waiting for customer"),
    Status.RESOLVED: QT_TRANSLATE_NOOP("Labels", "Resolved"),
    Status.CLOSED: QT_TRANSLATE_NOOP("Labels", "Closed"),
    Status.REJECTED: QT_TRANSLATE_NOOP("Labels", "Rejected"),
}

# Badge colours: attention-grabbing for work to do, calm for parked, grey when done.
STATUS_COLOR: dict[Status, str] = {
    Status.NEW: "#1565c0",
    Status.OPEN: "#e65100",
    Status.PENDING_REMINDER: "#6a1b9a",
    Status.WAITING_CUSTOMER: "#00796b",
    Status.RESOLVED: "#2e7d32",
    Status.CLOSED: "#616161",
    Status.REJECTED: "#b71c1c",
}

PRIORITY: dict[Priority, str] = {
    Priority.LOW: QT_TRANSLATE_NOOP("Labels", "Low"),
    Priority.NORMAL: QT_TRANSLATE_NOOP("Labels", "Normal"),
    Priority.HIGH: QT_TRANSLATE_NOOP("Labels", "High"),
    Priority.URGENT: QT_TRANSLATE_NOOP("Labels", "Urgent"),
}

PRIORITY_COLOR: dict[Priority, str] = {
    Priority.LOW: "#78909c",
    Priority.NORMAL: "#546e7a",
    Priority.HIGH: "#ef6c00",
    Priority.URGENT: "#c62828",
}

KIND: dict[MessageKind, str] = {
    MessageKind.INBOUND_MAIL: QT_TRANSLATE_NOOP("Labels", "Inbound mail"),
    MessageKind.OUTBOUND_MAIL: QT_TRANSLATE_NOOP("Labels", "Outbound mail"),
    MessageKind.NOTE: QT_TRANSLATE_NOOP("Labels", "Internal note"),
    MessageKind.CALL: QT_TRANSLATE_NOOP("Labels", "Phone call"),
    MessageKind.WEB_FORM: QT_TRANSLATE_NOOP("Labels", "Web form"),
    MessageKind.SYSTEM: QT_TRANSLATE_NOOP("Labels", "System event"),
}

CALL_OUTCOME: dict[CallOutcome, str] = {
    CallOutcome.REACHED: QT_TRANSLATE_NOOP("Labels", "reached"),
    CallOutcome.NOT_REACHED: QT_TRANSLATE_NOOP("Labels", "not reached"),
}

CHANNEL: dict[Channel, str] = {
    Channel.MAIL: QT_TRANSLATE_NOOP("Labels", "E-mail"),
    Channel.WEB: QT_TRANSLATE_NOOP("Labels", "Web"),
    Channel.PHONE: QT_TRANSLATE_NOOP("Labels", "Phone"),
    Channel.COUNTER: QT_TRANSLATE_NOOP("Labels", "Counter"),
    Channel.API: QT_TRANSLATE_NOOP("Labels", "API"),
}

TICKET_TYPE: dict[TicketType, str] = {
    TicketType.INCIDENT: QT_TRANSLATE_NOOP("Labels", "Incident"),
    TicketType.SERVICE_REQUEST: QT_TRANSLATE_NOOP("Labels", "Service request"),
}

CONTRACT: dict[ContractLevel, str] = {
    ContractLevel.NONE: QT_TRANSLATE_NOOP("Labels", "No contract"),
    ContractLevel.SILVER: QT_TRANSLATE_NOOP("Labels", "Silver"),
    ContractLevel.GOLD: QT_TRANSLATE_NOOP("Labels", "Gold"),
    ContractLevel.PLATINUM: QT_TRANSLATE_NOOP("Labels", "Platinum"),
}

CONTRACT_COLOR: dict[ContractLevel, str] = {
    ContractLevel.NONE: "#9e9e9e",
    ContractLevel.SILVER: "#90a4ae",
    ContractLevel.GOLD: "#c9a227",
    ContractLevel.PLATINUM: "#5c6bc0",
}

# Fields named in the history (HistoryEntry.field).
FIELD: dict[str, str] = {
    "created": QT_TRANSLATE_NOOP("Labels", "Created"),
    "status": QT_TRANSLATE_NOOP("Labels", "Status"),
    "priority": QT_TRANSLATE_NOOP("Labels", "Priority"),
    "assignee_id": QT_TRANSLATE_NOOP("Labels", "Assignee"),
    "group_id": QT_TRANSLATE_NOOP("Labels", "Group"),
    "tag": QT_TRANSLATE_NOOP("Labels", "Tag"),
    "watcher": QT_TRANSLATE_NOOP("Labels", "Watcher"),
    "follow_up_at": QT_TRANSLATE_NOOP("Labels", "Follow-up date"),
    "resolved_at": QT_TRANSLATE_NOOP("Labels", "Resolved at"),
    "closed_at": QT_TRANSLATE_NOOP("Labels", "Closed at"),
    "close_outcome": QT_TRANSLATE_NOOP("Labels", "Outcome"),
    "close_reason": QT_TRANSLATE_NOOP("Labels", "Reason"),
    "first_response_at": QT_TRANSLATE_NOOP("Labels", "First response"),
    "subject": QT_TRANSLATE_NOOP("Labels", "Subject"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


def label(table: Mapping[E, str], value: E) -> str:
    """The translated name of an enum member (its raw value when unknown)."""
    source = table.get(value)
    return tr(source) if source is not None else str(value.value)


def status_label(status: Status) -> str:
    return tr(STATUS[status])


def status_color(status: Status) -> QColor:
    return QColor(STATUS_COLOR[status])


def history_value(field: str, value: str | None) -> str:
    """A history old/new value as the user reads it: enum names translated, dates local."""
    if value is None or value == "":
        return "—"
    try:
        if field == "status":
            return label(STATUS, Status(value))
        if field == "priority":
            return label(PRIORITY, Priority(value))
    except ValueError:
        return value
    if field.endswith("_at"):
        try:
            return format_when(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def to_qdatetime(moment: datetime) -> QDateTime:
    """An aware UTC datetime as a local QDateTime."""
    return QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000))


def format_when(moment: datetime, with_time: bool = True) -> str:
    """Dates like the seeds' list: weekday, day, month, year (and time)."""
    local = to_qdatetime(moment)
    locale = QLocale()
    if with_time and local.date() == QDate.currentDate():
        return locale.toString(local.time(), QCoreApplication.translate("Labels", "HH:mm"))
    if with_time:
        # A Qt date format: translators reorder it to their custom (e.g. "ddd, dd. MMM yyyy").
        pattern = QCoreApplication.translate("Labels", "ddd, MMM d yyyy, HH:mm")
    else:
        pattern = QCoreApplication.translate("Labels", "ddd, MMM d yyyy")
    return locale.toString(local, pattern)


def refusal(error: BaseException) -> str:
    """What a refused command says, in the UI's language (other errors as they are)."""
    if not isinstance(error, CommandError):
        return str(error)
    text = QCoreApplication.translate("CommandError", error.text)
    if not error.fields:
        return text
    return text.format(**{k: _refusal_field(v) for k, v in error.fields.items()})


def reason(why: Reason | None) -> str:
    """A stored or reported reason in the UI's language; "" for none. Fields made by the
    program are reasons of their own and translated too; the rest (a server's answer,
    an address) are shown as they came."""
    if why is None:
        return ""
    text = QCoreApplication.translate("Reason", why.text)
    if not why.fields:
        return text
    fields = {k: reason(v) if isinstance(v, Reason) else str(v) for k, v in why.fields.items()}
    return text.format(**fields)


def _refusal_field(value: object) -> str:
    if isinstance(value, Status):
        return status_label(value)
    if isinstance(value, Phrase):
        return QCoreApplication.translate("CommandError", value)
    return str(value)
