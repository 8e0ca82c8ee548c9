"""UI fixtures: one qasync loop for the session, a desk on a seeded store, a window."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from qasync import QEventLoop

from desk_gui.models.store import Store
from desk_gui.sync.facade import Desk
from desk_gui.ui.i18n import Translations
from desk_gui.ui.main_window import MainWindow

from .seed import Seeded, seed


@pytest.fixture(scope="session")
def _qt_asyncio_loop(qapp: QApplication) -> QEventLoop:
    loop = QEventLoop(qapp, already_running=True)
    asyncio.events._set_running_loop(None)  # running only inside UI tests, see below
    return loop


@pytest.fixture
def qloop(_qt_asyncio_loop: QEventLoop) -> Iterator[QEventLoop]:
    """asyncio on Qt's loop; pytest-qt's waits spin it, so tasks run while tests wait.

    It counts as "running" only during a UI test, so other tests keep asyncio.run().
    """
    loop = _qt_asyncio_loop
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)
    yield loop
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


@pytest.fixture(scope="session")
def translations(qapp: QApplication) -> Translations:
    """The app's translators; tests start in English (with its plural forms)."""
    return Translations(qapp)


@pytest.fixture(autouse=True)
def english(translations: Translations) -> Iterator[None]:
    translations.apply("en")
    QLocale.setDefault(QLocale("en_US"))
    yield
    translations.apply("en")
    QLocale.setDefault(QLocale("en_US"))


@pytest.fixture
def seeded(sqlite_store: Store) -> Seeded:
    return seed(sqlite_store, tickets=40)


@pytest.fixture
def desk(sqlite_store: Store, qloop: QEventLoop) -> Iterator[Desk]:
    d = Desk(sqlite_store)
    yield d
    d.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "desk.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot: QtBot, settings: QSettings) -> Iterator[Callable[..., MainWindow]]:
    """Build a shown main window on a desk; fails the test if a background task failed."""
    made: list[MainWindow] = []
    failures: list[str] = []

    def make(desk: Desk, translations: Translations | None = None) -> MainWindow:
        window = MainWindow(desk, settings, translations)
        window.tasks.failed.connect(failures.append)
        qtbot.addWidget(window)
        with qtbot.waitSignal(window.ready, timeout=5000):
            window.show()
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()
        qtbot.waitUntil(lambda w=window: w.tasks.running == 0, timeout=5000)
    assert failures == []


def wait_loaded(qtbot: QtBot, window: MainWindow) -> None:
    """Until the list knows its count and has painted rows."""
    qtbot.waitUntil(lambda: window.model.count is not None, timeout=5000)
    if window.model.count:
        qtbot.waitUntil(lambda: window.model.ticket_at(0) is not None, timeout=5000)
