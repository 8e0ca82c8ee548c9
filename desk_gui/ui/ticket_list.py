"""The table showing the ticket list model: fixed row heights, a status badge column.

Nothing here asks the model for rows the viewport does not show: row heights are
fixed and no column resizes to its contents (that would make Qt sample up to 1,000
rows per column, i.e. fetch ten pages to size one column).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHideEvent, QIcon, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from desk_gui.models import Status

from . import labels
from .list_presence import SIZE as MARKER_SIZE
from .ticket_list_model import STATUS_ROLE, Column, TicketListModel

WIDTHS = {
    Column.STATUS: 150,  # replaced by the widest badge of the current language
    Column.PRESENCE: 26,  # one 16-px marker (list_presence.py)
    Column.NUMBER: 84,
    Column.ASSIGNMENT: 140,
    Column.SENDER: 140,
    Column.CHANGED: 195,
    Column.DUE: 175,
}


def badge_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
    font.setBold(True)
    return font


class StatusBadgeDelegate(QStyledItemDelegate):
    """Paints the status as a coloured pill with its name, like a label on a folder."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        value = index.data(STATUS_ROLE)
        if not value:
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget else None
        if style is not None:
            # Selection and hover background first, then the badge on top.
            blank = QStyleOptionViewItem(option)
            self.initStyleOption(blank, index)
            blank.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, blank, painter, option.widget)
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        font = badge_font(option.font)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(font)
        metrics = painter.fontMetrics()
        rect = QRectF(option.rect).adjusted(6, 4, -6, -4)
        width = min(rect.width(), metrics.horizontalAdvance(text) + 16)
        badge = QRectF(rect.left(), rect.top(), width, rect.height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(labels.status_color(Status(value)))
        painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
        painter.setPen(QColor("white"))
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(badge.width()) - 12)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, elided)
        painter.restore()


class CenteredIconDelegate(QStyledItemDelegate):
    """The presence marker alone in its narrow column, centred (the style would put a
    decoration at the left of the text it has room for)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        blank = QStyleOptionViewItem(option)
        self.initStyleOption(blank, index)
        blank.icon = QIcon()
        blank.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
        style = option.widget.style() if option.widget else None
        if style is not None:  # selection and hover background
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, blank, painter, option.widget)
        if isinstance(icon, QIcon):
            side = MARKER_SIZE
            box = QRect(0, 0, side, side)
            box.moveCenter(option.rect.center())
            icon.paint(painter, box)


class TicketListView(QTableView):
    ticketChosen = Signal(object)  # uuid.UUID of the current row, once it is loaded

    def __init__(self, model: TicketListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._pending_row: int | None = None
        self._keep: uuid.UUID | None = None  # the ticket to select again after a refresh
        self._restoring = False
        self.setModel(model)
        self.setObjectName("ticketList")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setItemDelegateForColumn(Column.STATUS, StatusBadgeDelegate(self))
        self.setItemDelegateForColumn(Column.PRESENCE, CenteredIconDelegate(self))
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionsClickable(False)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in Column:
            if column is Column.SUBJECT:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
                continue
            fixed = column is Column.PRESENCE  # one marker wide, not for dragging
            mode = QHeaderView.ResizeMode.Fixed if fixed else QHeaderView.ResizeMode.Interactive
            header.setSectionResizeMode(column, mode)
            header.resizeSection(column, WIDTHS[column])
        # The only order: newest change first (follow-ups: soonest first).
        header.setSortIndicatorShown(True)
        header.setSortIndicator(Column.CHANGED, Qt.SortOrder.DescendingOrder)
        self._fit_status_column()
        self.selectionModel().currentRowChanged.connect(self._current_changed)
        model.pageLoaded.connect(self._page_loaded)
        model.modelReset.connect(self._reset)

    def _fit_status_column(self) -> None:
        metrics = QFontMetrics(badge_font(self.font()))
        widest = max(metrics.horizontalAdvance(labels.status_label(s)) for s in Status)
        self.horizontalHeader().resizeSection(Column.STATUS, widest + 32)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._fit_status_column()
        super().changeEvent(event)

    # Presence markers are read while the list is on screen (a minimised window hides it).
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._model.watch_presence(True)

    def hideEvent(self, event: QHideEvent) -> None:
        self._model.watch_presence(False)
        super().hideEvent(event)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._restoring:
            return
        self._keep = None  # the agent chose another row meanwhile
        self._pending_row = None
        if not current.isValid():
            return
        ticket = self._model.ticket_at(current.row())
        if ticket is None:
            self._pending_row = current.row()  # its page is on the way
        else:
            self.ticketChosen.emit(ticket.id)

    def refresh(self) -> None:
        """Read the view again (new tickets arrived) and keep the current ticket current
        if it is still on the first pages read: a reset alone would drop the selection
        under the agent's hand whenever mail comes in or a colleague makes a ticket."""
        current = self._model.ticket_at(self.currentIndex().row())
        self._model.refresh()  # resets: `_reset` forgets what was kept before
        self._keep = None if current is None else current.id

    def _page_loaded(self, _page: int) -> None:
        if self._keep is not None and (row := self._model.row_of(self._keep)) is not None:
            self._keep = None
            self._restoring = True  # selected again, not chosen again: it is shown
            try:
                self.setCurrentIndex(self._model.index(row, Column.SUBJECT))
            finally:
                self._restoring = False
        if self._pending_row is None:
            return
        ticket = self._model.ticket_at(self._pending_row)
        if ticket is not None:
            self._pending_row = None
            self.ticketChosen.emit(ticket.id)

    def _reset(self) -> None:
        self._pending_row = None
        self._keep = None

    def select_ticket(self, ticket_id: uuid.UUID) -> bool:
        row = self._model.row_of(ticket_id)
        if row is None:
            return False
        self.setCurrentIndex(self._model.index(row, Column.SUBJECT))
        return True
