"""Starting the app: a store without schema is migrated, --demo fills an empty one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from qasync import QEventLoop

from desk_gui.models import queries, views
from desk_gui.models.store import Store
from desk_gui.sync.facade import Desk
from desk_gui.ui import app as desk_app
from desk_gui.ui.i18n import Translations
from desk_gui.ui.main_window import MainWindow

from .conftest import wait_loaded


@pytest.fixture
def plain_app(qapp: QApplication, tmp_path: Path) -> Iterator[QApplication]:
    """The app's QSettings() and style sheet, kept away from the user's and other tests."""
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    sheet = qapp.styleSheet()
    yield qapp
    qapp.setStyleSheet(sheet)


def test_run_migrates_a_new_store_shows_the_window_and_exits_cleanly(
    plain_app: QApplication, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    shown: list[MainWindow] = []

    def close_when_loaded() -> None:
        windows = [w for w in plain_app.topLevelWidgets() if isinstance(w, MainWindow)]
        ready = [w for w in windows if w.isVisible() and w.model.count is not None]
        if ready:
            shown.extend(ready)
            ready[0].close()
        else:
            QTimer.singleShot(20, close_when_loaded)

    QTimer.singleShot(0, close_when_loaded)
    assert desk_app.run(url) == 0
    assert len(shown) == 1 and shown[0].model.rowCount() == 0
    store = Store(url)
    assert store.is_migrated()
    store.dispose()


def test_run_refuses_a_bad_store_url_without_a_traceback(
    plain_app: QApplication, capsys: pytest.CaptureFixture[str]
) -> None:
    assert desk_app.run("mysql://nope") == 2
    err = capsys.readouterr().err
    assert "unsupported database URL" in err and "Traceback" not in err


def test_demo_fills_an_empty_store_off_the_gui_thread(
    qtbot: QtBot,
    qloop: QEventLoop,
    tmp_path: Path,
    settings: QSettings,
    translations: Translations,
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'demo.sqlite3'}")  # no schema yet
    desk = Desk(store)
    windows: list[MainWindow] = []
    task = qloop.create_task(desk_app.open_window(desk, settings, translations, True, 25))
    task.add_done_callback(lambda t: windows.append(t.result()))
    qtbot.waitUntil(lambda: bool(windows), timeout=60_000)
    window = windows[0]
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.navigation.view("all") is not None)
    window.navigation.select("all")
    wait_loaded(qtbot, window)
    assert window.model.rowCount() == 25
    with store.read() as s:
        assert views.has_tickets(s) and queries.count(s, queries.TicketFilter()) == 25
    # A second start on the same store opens it as it is: nothing added.
    desk_app.prepare_store(store, demo=True, tickets=25)
    with store.read() as s:
        assert queries.count(s, queries.TicketFilter()) == 25
    window.close()
    qtbot.waitUntil(lambda: window.tasks.running == 0)
    desk.close()
