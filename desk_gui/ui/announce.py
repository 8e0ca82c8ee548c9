"""News for the agent at the desk from the bell's two sources (the mail engine's
notifications and the SLA engine's alerts), through one tray icon.

Each source re-reads the agent's unread items from time to time; `NewItems` tells which
of them a read is the first to see. A few new items pop up one by one, oldest first. A
burst (a mail import bringing a day of mentions, an engine back after a night off firing
every overdue level) would bury the desktop under pop-ups nobody can read: it becomes
one summary instead, while the source's list and count stay complete.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon

# More new items in one read than this: one summary instead of a pop-up each.
BURST = 3
SHOWN_MS = 8000  # how long the desktop shows a message


class Identified(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


Item = TypeVar("Item", bound=Identified)


class NewItems:
    """Which of an agent's items a read sees for the first time. The first read (after
    start, or for another agent) finds none new: what waited before is listed, not
    announced."""

    def __init__(self) -> None:
        self._agent: uuid.UUID | None = None
        self._known: set[uuid.UUID] | None = None  # None: nothing read yet

    @property
    def started(self) -> bool:
        return self._known is not None

    def among(self, agent: uuid.UUID, items: Sequence[Item]) -> list[Item]:
        """The items not seen before, in the order given."""
        if agent != self._agent:
            self._agent, self._known = agent, None
        known = self._known
        fresh = [] if known is None else [i for i in items if i.id not in known]
        self._known = (known or set()) | {i.id for i in items}
        return fresh


class Announcer(QObject):
    """The way to the desktop: every message is emitted as `announced`, and shown by the
    tray where the system takes messages. One tray serves both sources, so a click on
    its message opens the ticket of the last one shown, whichever source it came from."""

    announced = Signal(str, str)  # title, text
    ticketChosen = Signal(object)  # the ticket of a clicked desktop message

    def __init__(self, tray: QSystemTrayIcon | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tray = tray
        self._last: uuid.UUID | None = None
        if tray is not None:
            tray.messageClicked.connect(self._clicked)

    def news(
        self,
        fresh: Sequence[Item],
        one: Callable[[Item], None],
        burst: Callable[[Sequence[Item]], None],
    ) -> None:
        """New items, newest first: a few announced one by one (`one`, oldest first), a
        burst as one summary (`burst`)."""
        if len(fresh) > BURST:
            burst(fresh)
            return
        for item in reversed(fresh):
            one(item)

    def show(
        self,
        title: str,
        text: str,
        ticket_id: uuid.UUID | None,
        icon: QSystemTrayIcon.MessageIcon = QSystemTrayIcon.MessageIcon.Information,
    ) -> None:
        """In the bell, and on the desktop where the system tray takes messages (a click
        opens `ticket_id`)."""
        self.announced.emit(title, text)
        if self.tray is not None and self.tray.supportsMessages():
            self._last = ticket_id
            self.tray.showMessage(title, text, icon, SHOWN_MS)

    def _clicked(self) -> None:
        if self._last is not None:
            self.ticketChosen.emit(self._last)
