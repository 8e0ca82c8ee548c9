"""The ticket list: a table model over one view of the store that never holds it all.

It knows the view's row count (one async count) and keeps a sparse, bounded cache of
pages. `data()` for a row that is not cached answers with a placeholder and schedules
one fetch of that row's page; the rows appear with `dataChanged` when it arrives. So
only the pages the table actually paints are ever read, a million rows or ten.
No query runs on the GUI thread. Change events from the facade patch a cached row in
place (its position stays put until the next refresh, so the list never jumps under
the agent's mouse).
"""

from __future__ import annotations

import enum
import uuid
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from desk_gui.models import Priority, Status, sla_list
from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.queries import TicketFilter, TicketRow
from desk_gui.sync.facade import Desk, TicketChange

from . import labels, list_presence, sla_panel
from .tasks import Tasks

PAGE_SIZE = 100
# 64 pages of 100: a few screens in each direction stay cached while scrolling.
MAX_PAGES = 64

Index = QModelIndex | QPersistentModelIndex


class Column(enum.IntEnum):
    STATUS = 0
    PRESENCE = 1  # a pencil or an eye: a colleague is replying to or viewing the ticket
    NUMBER = 2
    ASSIGNMENT = 3
    SUBJECT = 4
    SENDER = 5
    CHANGED = 6
    DUE = 7  # the next SLA due time


HEADERS = {
    Column.STATUS: QT_TRANSLATE_NOOP("TicketListModel", "Status"),
    Column.PRESENCE: "",  # too narrow for a title; the header's tooltip says it
    Column.NUMBER: QT_TRANSLATE_NOOP("TicketListModel", "Number"),
    Column.ASSIGNMENT: QT_TRANSLATE_NOOP("TicketListModel", "Assignee / group"),
    Column.SUBJECT: QT_TRANSLATE_NOOP("TicketListModel", "Subject"),
    Column.SENDER: QT_TRANSLATE_NOOP("TicketListModel", "Sender"),
    Column.CHANGED: QT_TRANSLATE_NOOP("TicketListModel", "Last change / follow-up"),
    Column.DUE: QT_TRANSLATE_NOOP("TicketListModel", "SLA due"),
}

TICKET_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2


def due_color(due: datetime | None) -> QColor | None:
    """Red once due, orange within the "Due soon" window."""
    if due is None:
        return None
    now = datetime.now(UTC)
    if due <= now:
        return QColor(sla_panel.COLORS["breached"])
    if due <= now + sla_list.DUE_SOON_WITHIN:
        return QColor(sla_panel.COLORS["warning"])
    return None


class TicketListModel(QAbstractTableModel):
    countChanged = Signal(int)
    pageLoaded = Signal(int)

    def __init__(
        self, desk: Desk, tasks: Tasks, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self._desk = desk
        self._tasks = tasks
        self._page_size = page_size
        self._filter: TicketFilter | None = None
        self._generation = 0
        self._clock_passes = 0  # SLA passes seen: a page read across one is re-read for due
        self._rows = 0
        self._count: int | None = None
        self._pages: OrderedDict[int, list[TicketRow]] = OrderedDict()
        self._loading: set[int] = set()
        self._failed: set[int] = set()
        self._where: dict[uuid.UUID, int] = {}
        self._icons: dict[str, QIcon] = {}
        self._unsubscribe = desk.subscribe(self._on_change)
        # Who else is on which ticket (read while the view shows the list: watch_presence).
        self.presence = list_presence.ListPresence(desk, tasks, self)
        self.presence.changed.connect(self._presence_changed)

    # --- the view being shown ---------------------------------------------------------

    @property
    def filter(self) -> TicketFilter | None:
        return self._filter

    @property
    def count(self) -> int | None:
        """The view's exact row count, None until it has been counted."""
        return self._count

    def set_filter(self, flt: TicketFilter) -> None:
        """Show another view: drop everything, count it and fetch its first page."""
        self._generation += 1
        self.beginResetModel()
        self._filter = flt
        self._rows = 0
        self._count = None
        self._pages.clear()
        self._loading.clear()
        self._failed.clear()
        self._where.clear()
        self.endResetModel()
        # The first page is fetched alongside the count, not after it: the rows can
        # show before a slow count over a large view is done.
        self._request_page(0)
        self._tasks.spawn(self._load_count(self._generation, flt))

    def refresh(self) -> None:
        if self._filter is not None:
            self.set_filter(self._filter)

    def refresh_due(self) -> None:
        """Re-read the due times of the rows at hand (the SLA engine recomputed clocks):
        no reset, so selection and scrolling stay."""
        self._clock_passes += 1
        if self._pages:
            self._tasks.spawn(self._load_due(self._generation))

    async def _load_due(self, generation: int) -> None:
        pages = list(self._pages.items())
        fresh = await self._desk.read(sla_list.current_due, [r for _, rows in pages for r in rows])
        if generation != self._generation:
            return  # a view switch made them stale
        at = 0
        for page, rows in pages:
            mine, at = fresh[at : at + len(rows)], at + len(rows)
            if self._pages.get(page) is not rows:
                continue  # re-read meanwhile
            self._pages[page] = mine
            start = page * self._page_size
            last = min(start + len(mine), self._rows) - 1
            if last >= start:
                self.dataChanged.emit(self.index(start, Column.DUE), self.index(last, Column.DUE))

    def shutdown(self) -> None:
        """Stop listening to the facade (the model is going away)."""
        self._unsubscribe()
        self.presence.shutdown()

    def watch_presence(self, on: bool) -> None:
        """Keep the presence markers fresh while the list is on screen (the view says)."""
        self.presence.watch(on)

    def _presence_changed(self, tickets: set[uuid.UUID]) -> None:
        # Only the changed markers repaint; rows not cached ask when they arrive.
        roles = [
            Qt.ItemDataRole.DecorationRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ]
        for ticket_id in tickets:
            row = self._where.get(ticket_id)
            if row is not None and row < self._rows:
                index = self.index(row, Column.PRESENCE)
                self.dataChanged.emit(index, index, roles)

    def ticket_at(self, row: int) -> TicketRow | None:
        """The cached row, without scheduling a fetch."""
        if row < 0:
            return None
        rows = self._pages.get(row // self._page_size)
        offset = row % self._page_size
        return rows[offset] if rows is not None and offset < len(rows) else None

    def row_of(self, ticket_id: uuid.UUID) -> int | None:
        return self._where.get(ticket_id)

    def cached_pages(self) -> list[int]:
        return sorted(self._pages)

    # --- loading ----------------------------------------------------------------------

    def _request_page(self, page: int) -> None:
        if page in self._pages or page in self._loading or page in self._failed:
            return
        assert self._filter is not None
        self._loading.add(page)
        self._tasks.spawn(self._load_page(self._generation, self._filter, page))

    async def _load_page(self, generation: int, flt: TicketFilter, page: int) -> None:
        start = page * self._page_size
        passes = self._clock_passes
        try:
            rows = await self._desk.read(sla_list.rows_at, flt, start, self._page_size)
        except Exception:
            if generation == self._generation:
                self._loading.discard(page)
                self._failed.add(page)  # no retry storm from repaints; F5 retries
            raise
        if generation != self._generation:
            return  # a view switch made this page stale
        self._loading.discard(page)
        self._store_page(page, rows)
        if self._count is None:
            self._set_rows(max(self._rows, start + len(rows)))
        last = min(start + len(rows), self._rows) - 1
        if last >= start:
            self.dataChanged.emit(self.index(start, 0), self.index(last, len(Column) - 1))
        self.pageLoaded.emit(page)
        if page == 0:  # the list was re-read: so are the markers (after its first page)
            self.presence.refresh()
        if passes != self._clock_passes:  # clocks recomputed while this page was read
            self.refresh_due()

    async def _load_count(self, generation: int, flt: TicketFilter) -> None:
        total = await self._desk.read(sla_list.count, flt)
        if generation != self._generation:
            return
        self._count = total
        self._set_rows(total)
        self.countChanged.emit(total)

    def _store_page(self, page: int, rows: list[TicketRow]) -> None:
        self._pages[page] = rows
        start = page * self._page_size
        for i, r in enumerate(rows):
            self._where[r.id] = start + i
        while len(self._pages) > MAX_PAGES:
            old, dropped = self._pages.popitem(last=False)
            for i, r in enumerate(dropped):
                if self._where.get(r.id) == old * self._page_size + i:
                    del self._where[r.id]

    def _set_rows(self, total: int) -> None:
        if total > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, total - 1)
            self._rows = total
            self.endInsertRows()
        elif total < self._rows:
            self.beginRemoveRows(QModelIndex(), total, self._rows - 1)
            self._rows = total
            self.endRemoveRows()

    def _row(self, row: int) -> TicketRow | None:
        page = row // self._page_size
        rows = self._pages.get(page)
        if rows is None:
            self._request_page(page)
            return None
        self._pages.move_to_end(page)  # recently painted: evict last
        offset = row - page * self._page_size
        return rows[offset] if offset < len(rows) else None

    # --- changes ----------------------------------------------------------------------

    def _on_change(self, change: TicketChange) -> None:
        row = self._where.get(change.ticket_id)
        if row is None or change.row is None or row >= self._rows:
            return
        page = row // self._page_size
        rows = self._pages.get(page)
        if rows is None:
            return
        at = row - page * self._page_size
        rows[at] = sla_list.keep_due(change.row, rows[at])
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(self._rows - 1, len(Column) - 1))

    # --- Qt model interface -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            title = HEADERS[Column(section)]
            return self.tr(title) if title else ""
        if role == Qt.ItemDataRole.ToolTipRole and section == Column.PRESENCE:
            return list_presence.header_tooltip()
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self._rows:
            return None
        ticket = self._row(index.row())
        column = Column(index.column())
        if ticket is None:
            return self._placeholder(column, role)
        if role == TICKET_ID_ROLE:
            return str(ticket.id)
        if role == STATUS_ROLE:
            return ticket.status.value
        if column is Column.PRESENCE:
            return self._presence_data(ticket, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(ticket, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(ticket, column)
        if role == Qt.ItemDataRole.FontRole:
            return self._font(ticket, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(ticket, column)
        if role == Qt.ItemDataRole.DecorationRole:
            return self._decoration(ticket, column)
        return None

    def _presence_data(self, t: TicketRow, role: int) -> Any:
        found = self.presence.of(t.id)
        if found is None:
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return list_presence.icon(found)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return list_presence.tooltip(found)
        return None

    def _placeholder(self, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and column is Column.SUBJECT:
            return self.tr("Loading…")
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#9e9e9e")
        return None

    def _display(self, t: TicketRow, column: Column) -> str:
        if column is Column.STATUS:
            return labels.status_label(t.status)
        if column is Column.NUMBER:
            return t.label
        if column is Column.ASSIGNMENT:
            return t.assignee or t.group or self.tr("Unassigned")
        if column is Column.SUBJECT:
            return t.subject
        if column is Column.SENDER:
            return t.sender or ""
        if column is Column.DUE:
            due = getattr(t, "due_at", None)
            return labels.format_when(due) if due is not None else ""
        if t.follow_up_at is not None:
            return labels.format_when(t.follow_up_at, with_time=False)
        return labels.format_when(t.updated_at)

    def _tooltip(self, t: TicketRow, column: Column) -> str | None:
        if column is Column.STATUS:
            priority = labels.label(labels.PRIORITY, t.priority)
            return self.tr("{status}, priority {priority}").format(
                status=labels.status_label(t.status), priority=priority
            )
        if column is Column.ASSIGNMENT:
            return self.tr("Assignee: {agent}\nGroup: {group}").format(
                agent=t.assignee or "—", group=t.group or "—"
            )
        if column is Column.CHANGED:
            changed = self.tr("Last change: {when}").format(when=labels.format_when(t.updated_at))
            if t.follow_up_at is None:
                return changed
            follow = self.tr("Follow-up: {when}").format(
                when=labels.format_when(t.follow_up_at, with_time=False)
            )
            return f"{follow}\n{changed}"
        if column is Column.SUBJECT:
            return t.subject
        return None

    def _font(self, t: TicketRow, column: Column) -> QFont | None:
        if column is Column.SUBJECT and t.status is Status.NEW:
            font = QFont()
            font.setBold(True)
            return font
        if column is Column.ASSIGNMENT and t.assignee is None:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def _foreground(self, t: TicketRow, column: Column) -> QColor | None:
        if column is Column.DUE:
            return due_color(getattr(t, "due_at", None))
        if column is Column.ASSIGNMENT and t.assignee is None:
            return QColor("#757575")
        if column is Column.CHANGED and t.follow_up_at is not None:
            return QColor(labels.STATUS_COLOR[Status.PENDING_REMINDER])
        if column is Column.NUMBER and t.priority in (Priority.HIGH, Priority.URGENT):
            return QColor(labels.PRIORITY_COLOR[t.priority])
        return None

    def _decoration(self, t: TicketRow, column: Column) -> QIcon | None:
        if column is Column.NUMBER and t.priority in (Priority.HIGH, Priority.URGENT):
            return self._dot(labels.PRIORITY_COLOR[t.priority])
        if column is Column.CHANGED and t.follow_up_at is not None:
            return self._dot(labels.STATUS_COLOR[Status.PENDING_REMINDER], ring=True)
        return None

    def _dot(self, color: str, ring: bool = False) -> QIcon:
        key = f"{color}:{ring}"
        icon = self._icons.get(key)
        if icon is None:
            pixmap = QPixmap(12, 12)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QColor(color))
            painter.setBrush(Qt.BrushStyle.NoBrush if ring else QColor(color))
            painter.drawEllipse(2, 2, 8, 8)
            painter.end()
            icon = self._icons[key] = QIcon(pixmap)
        return icon
