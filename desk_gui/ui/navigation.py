"""The views on the left: My tickets, Unassigned, each group, All open, Follow-ups, All.

Each view is a TicketFilter; its count is read in the background and refreshed (with
a short delay, so a burst of changes costs one round of counts) when tickets change.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QLocale, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from desk_gui.models import OPEN_STATUSES, queries, sla_list
from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.queries import TicketFilter
from desk_gui.models.views import Directory
from desk_gui.sync.facade import Desk, TicketChange

from .tasks import Tasks

KEY_ROLE = Qt.ItemDataRole.UserRole + 1
OPEN = frozenset(OPEN_STATUSES)
COUNT_DELAY_MS = 400


TITLES = {
    "mine": QT_TRANSLATE_NOOP("Navigation", "My tickets"),
    "unassigned": QT_TRANSLATE_NOOP("Navigation", "Unassigned"),
    "groups": QT_TRANSLATE_NOOP("Navigation", "Groups"),
    "open": QT_TRANSLATE_NOOP("Navigation", "All open"),
    "follow_ups": QT_TRANSLATE_NOOP("Navigation", "Follow-ups"),
    "due_soon": QT_TRANSLATE_NOOP("Navigation", "Due soon"),
    "breached": QT_TRANSLATE_NOOP("Navigation", "Breached"),
    "all": QT_TRANSLATE_NOOP("Navigation", "All tickets"),
}


@dataclass(frozen=True)
class View:
    key: str
    filter: TicketFilter
    name: str | None = None  # a group's own name; built-in views are translated

    @property
    def ascending(self) -> bool:
        return self.filter.follow_up or isinstance(self.filter, sla_list.SlaFilter)


def build_views(directory: Directory, agent_id: uuid.UUID | None) -> list[View]:
    # With no agent yet, "My tickets" matches nobody rather than everybody.
    mine = agent_id or uuid.UUID(int=0)
    result = [
        View("mine", TicketFilter(statuses=OPEN, assignee_id=mine)),
        View("unassigned", TicketFilter(statuses=OPEN, unassigned=True)),
    ]
    result += [
        View(f"group:{g.id}", TicketFilter(statuses=OPEN, group_id=g.id), g.name)
        for g in directory.groups
    ]
    result += [
        View("open", queries.ALL_OPEN),
        # No status filter: resolving or closing clears the follow-up date, so every
        # dated ticket is open anyway, and the follow-up index alone answers fast
        # (with the status filter SQLite sorts all open tickets: 0.5 s at 1M).
        View("follow_ups", TicketFilter(follow_up=True)),
        View("due_soon", sla_list.SlaFilter(sla=sla_list.SlaView.DUE_SOON)),
        View("breached", sla_list.SlaFilter(sla=sla_list.SlaView.BREACHED)),
        View("all", TicketFilter()),
    ]
    return result


class Navigation(QTreeWidget):
    viewChosen = Signal(object)  # View

    def __init__(self, desk: Desk, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._desk = desk
        self._tasks = tasks
        self._views: dict[str, View] = {}
        self._items: dict[str, QTreeWidgetItem] = {}
        self._groups_item: QTreeWidgetItem | None = None
        self._directory = Directory((), ())
        self._agent_id: uuid.UUID | None = None
        self._generation = 0
        self.setObjectName("navigation")
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(14)
        self.setUniformRowHeights(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(COUNT_DELAY_MS)
        self._recount.timeout.connect(self.refresh_counts)
        self.currentItemChanged.connect(self._current_changed)
        self._unsubscribe = desk.subscribe(self._on_change)

    # --- content ----------------------------------------------------------------------

    def set_directory(self, directory: Directory, agent_id: uuid.UUID | None) -> None:
        current = self.current_view()
        self._directory = directory
        self._agent_id = agent_id
        self._rebuild()
        if current is not None and current.key in self._items:
            self.select(current.key)

    def set_agent(self, agent_id: uuid.UUID | None) -> None:
        """Another agent is "me": My tickets changes its filter (and reloads if shown)."""
        self._agent_id = agent_id
        views_now = {v.key: v for v in build_views(self._directory, agent_id)}
        self._views["mine"] = views_now["mine"]
        current = self.current_view()
        if current is not None and current.key == "mine":
            self.viewChosen.emit(self._views["mine"])
        self.refresh_counts()

    def _rebuild(self) -> None:
        self.blockSignals(True)
        self.clear()
        self._items.clear()
        self._views = {v.key: v for v in build_views(self._directory, self._agent_id)}
        groups = QTreeWidgetItem([""])
        groups.setFlags(Qt.ItemFlag.ItemIsEnabled)
        groups.setData(0, KEY_ROLE, "groups")
        groups.setForeground(0, QColor("#757575"))
        self._groups_item = groups
        for view in self._views.values():
            item = QTreeWidgetItem(["", ""])
            item.setData(0, KEY_ROLE, view.key)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setForeground(1, QColor("#616161"))
            self._items[view.key] = item
            if view.key.startswith("group:"):
                groups.addChild(item)
            else:
                self.addTopLevelItem(item)
            if view.key == "unassigned":
                self.addTopLevelItem(groups)
        bold = QFont(groups.font(0))
        bold.setBold(True)
        groups.setFont(0, bold)
        groups.setExpanded(True)
        self.blockSignals(False)
        self.retranslate()
        # Counted after a short delay: the view being opened gets the readers first.
        self._recount.start()

    def retranslate(self) -> None:
        for key, item in self._items.items():
            view = self._views[key]
            item.setText(0, view.name or self.tr(TITLES[key]))
        if self._groups_item is not None:
            self._groups_item.setText(0, self.tr(TITLES["groups"]))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- choosing ---------------------------------------------------------------------

    def views(self) -> list[View]:
        return list(self._views.values())

    def view(self, key: str) -> View | None:
        return self._views.get(key)

    def title(self, view: View) -> str:
        return view.name or self.tr(TITLES[view.key])

    def current_view(self) -> View | None:
        item = self.currentItem()
        key = item.data(0, KEY_ROLE) if item is not None else None
        return self._views.get(key) if key else None

    def select(self, key: str) -> bool:
        item = self._items.get(key)
        if item is None:
            return False
        if self.currentItem() is item:
            self.viewChosen.emit(self._views[key])
        else:
            self.setCurrentItem(item)
        return True

    def _current_changed(self, current: QTreeWidgetItem | None, _prev: object) -> None:
        key = current.data(0, KEY_ROLE) if current is not None else None
        if key in self._views:
            self.viewChosen.emit(self._views[key])

    # --- counts -----------------------------------------------------------------------

    def _on_change(self, _change: TicketChange) -> None:
        self._recount.start()

    def refresh_counts(self) -> None:
        self._generation += 1
        self._tasks.spawn(self._load_counts(self._generation, list(self._views.values())))

    async def _load_counts(self, generation: int, wanted: list[View]) -> None:
        # One view at a time: the counts never take every reader while the list loads.
        for view in wanted:
            counted = await self._desk.read(sla_list.counts, [view.filter])
            if generation != self._generation:
                return
            item = self._items.get(view.key)
            if item is not None:
                item.setText(1, QLocale().toString(counted[0]))

    def count_text(self, key: str) -> str:
        item = self._items.get(key)
        return item.text(1) if item is not None else ""

    def shutdown(self) -> None:
        self._recount.stop()
        self._unsubscribe()
