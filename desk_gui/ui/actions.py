"""The window's actions, in one table (Picard's mainwindow/actions.py, slimmer).

The main window does not build menus by hand: it calls `create_actions`, which makes a
QAction per row, connects it to the handler named there and files it into its menu.
Texts are source strings translated in context "Actions", also on a live switch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from desk_gui.models.i18n import QT_TRANSLATE_NOOP

CTX = "Actions"


@dataclass(frozen=True)
class ActionSpec:
    key: str
    text: str
    menu: str
    handler: str  # a method of the main window; called with `data` when it is set
    shortcut: QKeySequence.StandardKey | str | None = None
    data: str | None = None
    group: str | None = None  # exclusive, checkable choices (the languages)


MENUS: tuple[tuple[str, str], ...] = (
    ("file", QT_TRANSLATE_NOOP("Actions", "&File")),
    ("view", QT_TRANSLATE_NOOP("Actions", "&View")),
    ("settings", QT_TRANSLATE_NOOP("Actions", "&Settings")),
    ("language", QT_TRANSLATE_NOOP("Actions", "&Language")),
    ("help", QT_TRANSLATE_NOOP("Actions", "&Help")),
)

ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec(
        "templates",
        QT_TRANSLATE_NOOP("Actions", "&Templates and signature…"),
        "file",
        "edit_templates",
    ),
    ActionSpec(
        "quit",
        QT_TRANSLATE_NOOP("Actions", "&Quit"),
        "file",
        "close",
        QKeySequence.StandardKey.Quit,
    ),
    ActionSpec(
        "find",
        QT_TRANSLATE_NOOP("Actions", "&Find tickets"),
        "view",
        "focus_search",
        QKeySequence.StandardKey.Find,
    ),
    ActionSpec(
        "refresh",
        QT_TRANSLATE_NOOP("Actions", "&Refresh"),
        "view",
        "refresh",
        QKeySequence.StandardKey.Refresh,
    ),
    ActionSpec(
        "mailboxes",
        QT_TRANSLATE_NOOP("Actions", "&Mailboxes…"),
        "settings",
        "open_mailboxes",
    ),
    ActionSpec("absence", QT_TRANSLATE_NOOP("Actions", "&Absence…"), "settings", "edit_absence"),
    ActionSpec(
        "triggers", QT_TRANSLATE_NOOP("Actions", "&Trigger rules…"), "settings", "edit_triggers"
    ),
    ActionSpec(
        "lang_system",
        QT_TRANSLATE_NOOP("Actions", "System language"),
        "language",
        "choose_language",
        data="",
        group="language",
    ),
    ActionSpec(
        "lang_de",
        QT_TRANSLATE_NOOP("Actions", "Deutsch"),
        "language",
        "choose_language",
        data="de",
        group="language",
    ),
    ActionSpec(
        "lang_en",
        QT_TRANSLATE_NOOP("Actions", "English"),
        "language",
        "choose_language",
        data="en",
        group="language",
    ),
    ActionSpec("about", QT_TRANSLATE_NOOP("Actions", "&About Desk"), "help", "about"),
)


def tr(text: str) -> str:
    return QCoreApplication.translate(CTX, text)


class Actions:
    """The QActions and menus made from the table, retranslatable as a whole."""

    def __init__(self, window: QMainWindow) -> None:
        self.actions: dict[str, QAction] = {}
        self.menus: dict[str, QMenu] = {}
        self._groups: dict[str, QActionGroup] = {}
        for key, _title in MENUS:
            self.menus[key] = window.menuBar().addMenu("")
        for spec in ACTIONS:
            action = QAction(window)
            action.setObjectName(f"action_{spec.key}")
            if spec.shortcut is not None:
                action.setShortcut(QKeySequence(spec.shortcut))
            if spec.group is not None:
                group = self._groups.get(spec.group)
                if group is None:
                    group = self._groups[spec.group] = QActionGroup(window)
                    group.setExclusive(True)
                action.setCheckable(True)
                group.addAction(action)
            action.triggered.connect(_caller(getattr(window, spec.handler), spec.data))
            self.menus[spec.menu].addAction(action)
            self.actions[spec.key] = action
        self.retranslate()

    def __getitem__(self, key: str) -> QAction:
        return self.actions[key]

    def retranslate(self) -> None:
        for key, title in MENUS:
            self.menus[key].setTitle(tr(title))
        for spec in ACTIONS:
            self.actions[spec.key].setText(tr(spec.text))


def _caller(handler: Callable[..., object], data: str | None) -> Callable[[], None]:
    # triggered(bool) would hand its checked flag to handlers that do not want it.
    def call() -> None:
        if data is None:
            handler()
        else:
            handler(data)

    return call
