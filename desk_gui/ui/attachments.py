"""The files attached to a reply: names with sizes, a remove button, the mailbox limit.

Sizes come from the file system when a file is added (stat only; the files are read
on the writer thread when the reply is queued). A file that would take the mail over
the sending mailbox's `max_attachment_bytes` is refused with a message that says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QWidget,
)


def size_text(size: int) -> str:
    return QLocale().formattedDataSize(size)


@dataclass(frozen=True)
class AttachedFile:
    path: Path
    size: int


class AttachmentList(QListWidget):
    changed = Signal()
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attachments")
        self.files: list[AttachedFile] = []
        self.limit: int | None = None  # bytes; None: no mailbox known yet
        self.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)
        self.setSpacing(2)
        self.setFixedHeight(0)
        self.hide()

    @property
    def total(self) -> int:
        return sum(f.size for f in self.files)

    def add_paths(self, paths: list[Path]) -> list[Path]:
        """Attach what fits; returns the files added. Refusals go to `refused`."""
        added = []
        for path in paths:
            problem = self._problem(path)
            if problem is not None:
                self.refused.emit(problem)
                continue
            self.files.append(AttachedFile(path, path.stat().st_size))
            added.append(path)
        if added:
            self._rebuild()
            self.changed.emit()
        return added

    def _problem(self, path: Path) -> str | None:
        if not path.is_file():
            return QCoreApplication.translate("Attachments", "{name} is not a file.").format(
                name=path.name or str(path)
            )
        if any(f.path == path for f in self.files):
            return QCoreApplication.translate("Attachments", "{name} is attached already.").format(
                name=path.name
            )
        size = path.stat().st_size
        if self.limit is not None and self.total + size > self.limit:
            return QCoreApplication.translate(
                "Attachments",
                "{name} ({size}) is too large: this mailbox sends at most {limit} of "
                "attachments per mail.",
            ).format(name=path.name, size=size_text(size), limit=size_text(self.limit))
        return None

    def remove(self, path: Path) -> None:
        self.files = [f for f in self.files if f.path != path]
        self._rebuild()
        self.changed.emit()

    def clear_files(self) -> None:
        if self.files:
            self.files = []
            self._rebuild()
            self.changed.emit()

    def _rebuild(self) -> None:
        self.clear()
        for f in self.files:
            item = QListWidgetItem(self)
            chip = _Chip(f, self)
            item.setSizeHint(chip.sizeHint())
            self.setItemWidget(item, chip)
        self.setVisible(bool(self.files))
        rows = 1 if len(self.files) <= 3 else 2
        self.setFixedHeight(rows * 30 + 6 if self.files else 0)

    def summary(self) -> str:
        if not self.files:
            return ""
        text = QCoreApplication.translate("Attachments", "{n} attachment(s), {size}").format(
            n=len(self.files), size=size_text(self.total)
        )
        if self.limit is not None:
            text += " " + QCoreApplication.translate("Attachments", "(at most {limit})").format(
                limit=size_text(self.limit)
            )
        return text


class _Chip(QWidget):
    """One attachment: its name, its size and a remove button."""

    def __init__(self, f: AttachedFile, owner: AttachmentList) -> None:
        super().__init__()
        self.setObjectName("attachmentChip")
        name = QLabel(f.path.name)
        name.setToolTip(str(f.path))
        size = QLabel(size_text(f.size))
        size.setObjectName("attachmentSize")
        remove = QToolButton()
        remove.setObjectName("removeAttachment")
        remove.setText("×")
        remove.setAutoRaise(True)
        remove.setToolTip(
            QCoreApplication.translate("Attachments", "Remove {name}").format(name=f.path.name)
        )
        remove.clicked.connect(lambda: owner.remove(f.path))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 1, 2, 1)
        layout.setSpacing(4)
        layout.addWidget(name)
        layout.addWidget(size)
        layout.addWidget(remove)
