"""The status bar: which store, how many tickets, who I am, what runs in background."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QProgressBar, QStatusBar, QWidget

from desk_gui.models.store import Store
from desk_gui.models.views import Directory

MESSAGE_MS = 10_000


def store_description(store: Store) -> str:
    """The store's kind and place, never its password."""
    url = store.engine.url
    if store.dialect == "sqlite":
        return f"SQLite · {url.database}"
    return f"PostgreSQL · {url.host or 'localhost'}/{url.database}"


class StatusBar(QStatusBar):
    agentChosen = Signal(object)  # uuid.UUID

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self._count: int | None = None
        self.activity = QProgressBar()
        self.activity.setObjectName("activity")
        self.activity.setRange(0, 0)  # busy indicator
        self.activity.setFixedWidth(80)
        self.activity.setMaximumHeight(12)
        self.activity.setTextVisible(False)
        self.activity.hide()
        self.count = QLabel()
        self.count.setObjectName("ticketCount")
        self.store = QLabel(store_description(store))
        self.store.setObjectName("storeLabel")
        self.store.setToolTip(self.store.text())
        self.agent_label = QLabel()
        self.agent = QComboBox()
        self.agent.setObjectName("agentCombo")
        self.agent.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.agent.activated.connect(self._agent_activated)
        self.addPermanentWidget(self.activity)
        self.addPermanentWidget(self.count)
        self.addPermanentWidget(self.store)
        self.addPermanentWidget(self.agent_label)
        self.addPermanentWidget(self.agent)
        self.retranslate()

    def set_agents(self, directory: Directory, current: uuid.UUID | None) -> None:
        self.agent.clear()
        for a in directory.agents:
            self.agent.addItem(a.name, str(a.id))
        self.agent.setCurrentIndex(max(self.agent.findData(str(current)), 0))

    def _agent_activated(self, index: int) -> None:
        value = self.agent.itemData(index)
        if value:
            self.agentChosen.emit(uuid.UUID(value))

    def set_count(self, count: int | None) -> None:
        self._count = count
        if count is None:
            self.count.setText(self.tr("counting…"))
        else:
            # %Ln: the count with the locale's digit grouping.
            self.count.setText(self.tr("%Ln ticket(s)", "", count))

    def set_busy(self, jobs: int) -> None:
        self.activity.setVisible(jobs > 0)
        self.activity.setToolTip(self.tr("%n background job(s)", "", jobs))

    def retranslate(self) -> None:
        self.agent_label.setText(self.tr("Agent:"))
        self.agent.setToolTip(self.tr("Who you are: My tickets and your changes use this agent"))
        self.set_count(self._count)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
