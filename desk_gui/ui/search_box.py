"""The toolbar's search field: full text over the current view, debounced."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

DEBOUNCE_MS = 300


class SearchBox(QLineEdit):
    searchChanged = Signal(str)  # the settled text, after the user paused typing

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("search")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(320)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._settled)
        self._last = ""
        self.textChanged.connect(lambda _text: self._timer.start())
        # Enter searches at once, without waiting for the pause.
        self.returnPressed.connect(self._settled)
        self.retranslate()

    @property
    def query(self) -> str:
        return self._last

    def _settled(self) -> None:
        self._timer.stop()
        text = self.text().strip()
        if text != self._last:
            self._last = text
            self.searchChanged.emit(text)

    def retranslate(self) -> None:
        self.setPlaceholderText(self.tr("Search subject, text or #number in this view"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
