"""A reply held at send time: the ticket got new messages since the draft was opened.

The dialog lists what is new and lets the agent send anyway, go back to editing, or
discard the draft. It opens with `open()` (no nested event loop under qasync) and the
editor awaits `choice()`.
"""

from __future__ import annotations

import asyncio
import enum
import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desk_gui.models.reply_commands import NewMessage

from . import labels


class Choice(enum.Enum):
    SEND_ANYWAY = 1
    EDIT = 2
    DISCARD = 3


class CollisionDialog(QDialog):
    def __init__(self, new: tuple[NewMessage, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("collisionDialog")
        self.setWindowTitle(self.tr("New messages in this ticket"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.new = new
        self.result_choice = Choice.EDIT
        intro = QLabel(
            self.tr(
                "Since you started this reply, the ticket got {n} new message(s). "
                "Your reply has not been sent."
            ).format(n=len(new))
        )
        intro.setWordWrap(True)
        self.messages = QTextBrowser()
        self.messages.setObjectName("newMessages")
        self.messages.setHtml(self._messages_html())
        self.messages.setMinimumSize(460, 160)
        buttons = QDialogButtonBox()
        self.send_anyway = QPushButton(self.tr("Send anyway"))
        self.edit = QPushButton(self.tr("Edit reply"))
        self.discard = QPushButton(self.tr("Discard reply"))
        self.send_anyway.setObjectName("sendAnyway")
        self.edit.setObjectName("editReply")
        self.discard.setObjectName("discardReply")
        buttons.addButton(self.send_anyway, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.edit, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.discard, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.edit.setDefault(True)  # the safe choice on Enter
        self.send_anyway.clicked.connect(lambda: self._choose(Choice.SEND_ANYWAY))
        self.edit.clicked.connect(lambda: self._choose(Choice.EDIT))
        self.discard.clicked.connect(lambda: self._choose(Choice.DISCARD))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.messages, 1)
        layout.addWidget(buttons)
        # An explicit minimum: the layout does not re-impose its own while showing.
        self.setMinimumSize(520, 320)

    def _messages_html(self) -> str:
        parts = []
        for m in self.new:
            kind = html.escape(labels.label(labels.KIND, m.kind))
            when = html.escape(labels.format_when(m.created_at))
            parts.append(
                f"<p><b>{kind}</b> · {html.escape(m.author)} · "
                f"<span style='color:#616161'>{when}</span><br/>{html.escape(m.excerpt)}</p>"
            )
        return "".join(parts)

    def _choose(self, choice: Choice) -> None:
        self.result_choice = choice
        self.done(choice.value)

    async def choice(self) -> Choice:
        """Show the dialog and wait for the agent's decision (Escape: edit)."""
        future: asyncio.Future[Choice] = asyncio.get_running_loop().create_future()

        def finished(_code: int) -> None:
            if not future.done():
                future.set_result(self.result_choice)

        self.finished.connect(finished)
        self.open()
        return await future
