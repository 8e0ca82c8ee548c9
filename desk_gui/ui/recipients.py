"""To / Cc / Bcc fields with completion over the contacts' addresses.

The addresses are read once per editor on a reader thread (`contact_addresses`); the
completer matches anywhere in "Name <address>" and inserts only the address after the
ones already typed, so "erika" finds erika.mustermann@musterhausen.de.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models.party import Contact, ContactAddress

ADDRESS_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_ADDRESSES = 50_000
_SPLIT = re.compile(r"[,;]")


def contact_addresses(session: Session, limit: int = MAX_ADDRESSES) -> list[tuple[str, str]]:
    """(name, address) of every contact address, by address (runs on a reader)."""
    rows = session.execute(
        select(Contact.name, ContactAddress.address)
        .join(Contact, Contact.id == ContactAddress.contact_id)
        .order_by(ContactAddress.address)
        .limit(limit)
    )
    return [(name or "", address) for name, address in rows]


def split_addresses(text: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in _SPLIT.split(text) if a.strip())


class AddressCompleter(QCompleter):
    """Completes the address being typed after the last comma."""

    def splitPath(self, path: str) -> list[str]:
        return [_SPLIT.split(path)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        address = str(index.data(ADDRESS_ROLE) or "")
        field = self.widget()
        typed = field.text() if isinstance(field, QLineEdit) else ""
        done = [a.strip() for a in _SPLIT.split(typed)[:-1] if a.strip()]
        return ", ".join([*done, address]) + ", "


def address_model(entries: list[tuple[str, str]]) -> QStandardItemModel:
    model = QStandardItemModel()
    for name, address in entries:
        item = QStandardItem(f"{name} <{address}>" if name else address)
        item.setData(address, ADDRESS_ROLE)
        item.setEditable(False)
        model.appendRow(item)
    return model


class AddressField(QLineEdit):
    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setClearButtonEnabled(True)
        self.address_completer = AddressCompleter(self)
        self.address_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.address_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.address_completer.setMaxVisibleItems(10)
        self.setCompleter(self.address_completer)

    def set_addresses(self, model: QStandardItemModel) -> None:
        self.address_completer.setModel(model)

    def addresses(self) -> tuple[str, ...]:
        return split_addresses(self.text())

    def set_list(self, addresses: tuple[str, ...] | list[str]) -> None:
        self.setText(", ".join(addresses))
