"""Who else is on which ticket, for the ticket list: a pencil where a colleague is
replying, an eye where one has the ticket open (SPEC F4.1).

One small store-wide read (sync/presence.on_tickets: the live leases, a few rows, not
one per ticket) off the GUI thread, every HEARTBEAT while the list is on screen and
after the list is re-read. The list's pages are never re-read for it: the model asks
`of(ticket)` when it paints a row and repaints only the rows whose marker changed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from sqlalchemy.exc import InterfaceError, OperationalError

from desk_gui.sync.facade import Desk
from desk_gui.sync.presence import HEARTBEAT, Presence, on_tickets

from .tasks import Tasks

log = logging.getLogger(__name__)

REPLYING_COLOR = "#e65100"  # orange: hands off, a colleague is answering the customer
VIEWING_COLOR = "#607d8b"  # grey-blue: only a hint
SIZE = 16  # logical pixels, painted at twice that for high-density screens


class ListPresence(QObject):
    """The other holders' presence on every ticket, refreshed while it is watched."""

    changed = Signal(object)  # set[uuid.UUID]: the tickets whose marker changed

    def __init__(self, desk: Desk, tasks: Tasks, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._tasks = tasks
        self._found: dict[uuid.UUID, Presence] = {}
        self._reading = False
        self._again = False  # asked again while a read ran: one more read after it
        self._shut = False
        self.timer = QTimer(self)
        self.timer.setInterval(int(HEARTBEAT.total_seconds() * 1000))
        self.timer.timeout.connect(self.refresh)

    def of(self, ticket_id: uuid.UUID) -> Presence | None:
        return self._found.get(ticket_id)

    def watch(self, on: bool) -> None:
        """Read now and every HEARTBEAT while on (the list shows); stop reading when off."""
        if on and not self._shut:
            if not self.timer.isActive():
                self.timer.start()
                self.refresh()
        else:
            self.timer.stop()

    def refresh(self) -> None:
        if not self.timer.isActive():
            return  # not on screen: the next show reads
        if self._reading:
            self._again = True
            return
        self._reading = True
        self._tasks.spawn(self._read())

    async def _read(self) -> None:
        try:
            found = await self._desk.glance(on_tickets, self._desk.holder)
        except (OperationalError, InterfaceError) as error:
            # The shared database is out of reach: no markers rather than stale ones
            # (presence is a hint; the send checks the reply lease itself).
            log.warning("presence for the ticket list failed: %s", error)
            found = {}
        finally:
            self._reading = False
        if self._shut:
            return
        self._apply(found)
        if self._again:
            self._again = False
            self.refresh()

    def _apply(self, found: dict[uuid.UUID, Presence]) -> None:
        old, self._found = self._found, found
        moved = {t for t in old.keys() | found.keys() if old.get(t) != found.get(t)}
        if moved:
            self.changed.emit(moved)

    def shutdown(self) -> None:
        self._shut = True
        self.timer.stop()


# --- how a marker looks and reads -------------------------------------------------------


def tooltip(found: Presence) -> str:
    """The ticket page's wording (ticket_view.py), one line per kind."""
    lines = []
    if found.replying:
        lines.append(
            QCoreApplication.translate("ListPresence", "{agent} is replying to this ticket").format(
                agent=found.replying
            )
        )
    if found.viewing:
        lines.append(
            QCoreApplication.translate("ListPresence", "Open at: {agents}").format(
                agents=", ".join(found.viewing)
            )
        )
    return "\n".join(lines)


def header_tooltip() -> str:
    return QCoreApplication.translate(
        "ListPresence", "Who else is replying to or has the ticket open right now"
    )


_ICONS: dict[str, QIcon] = {}


def icon(found: Presence) -> QIcon:
    """A pencil while someone else replies, else an eye (only viewing)."""
    key = "pencil" if found.replying else "eye"
    made = _ICONS.get(key)
    if made is None:
        made = _ICONS[key] = _paint(_pencil if found.replying else _eye)
    return made


def _paint(draw: Callable[[QPainter], None]) -> QIcon:
    pixmap = QPixmap(SIZE * 2, SIZE * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    draw(painter)
    painter.end()
    return QIcon(pixmap)


def _pencil(painter: QPainter) -> None:
    color = QColor(REPLYING_COLOR)
    painter.translate(SIZE / 2, SIZE / 2)
    painter.rotate(-45)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawRoundedRect(QRectF(-7, -2.5, 10, 5), 1, 1)  # the shaft, eraser end left
    painter.drawPolygon(QPolygonF([QPointF(3.8, -2.5), QPointF(7.5, 0), QPointF(3.8, 2.5)]))
    painter.setPen(QPen(QColor("white"), 1))
    painter.drawLine(QPointF(-4.5, -2.5), QPointF(-4.5, 2.5))  # the ferrule


def _eye(painter: QPainter) -> None:
    color = QColor(VIEWING_COLOR)
    outline = QPainterPath(QPointF(1, 8))
    outline.quadTo(QPointF(8, 1), QPointF(15, 8))
    outline.quadTo(QPointF(8, 15), QPointF(1, 8))
    painter.setPen(QPen(color, 1.4))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(outline)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawEllipse(QPointF(8, 8), 2.6, 2.6)
