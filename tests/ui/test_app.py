"""Starting the app: a store without schema is migrated, --demo fills an empty one."""

from __future__ import annotations

import platform
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from qasync import QEventLoop
from sqlalchemy import func, select

from desk_gui.models import EscalationEvent, SlaTicketState, queries, views
from desk_gui.models.alert import Alert
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


def test_the_demos_past_sla_levels_are_recorded_when_it_is_made(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    try:
        desk_app.prepare_store(store, demo=True, tickets=25)
        with store.read() as s:
            # Clocks computed, the past's levels recorded as fired on time, nobody told.
            assert (s.scalar(select(func.count()).select_from(SlaTicketState)) or 0) > 0
            assert not s.scalar(select(func.count()).where(EscalationEvent.late))
            assert not s.scalar(select(func.count()).select_from(Alert))
    finally:
        store.dispose()


ARENAS = """
import ctypes, sys, threading
from desk_gui.ui.memory import limit_malloc_arenas
if sys.argv[1] == "cap":
    assert limit_malloc_arenas()
together = threading.Barrier(8)
def work():  # all alive at once: an ended thread's arena goes to the next one
    keep = [bytes(100) for _ in range(20_000)]
    together.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
libc = ctypes.CDLL(None)
libc.fdopen.restype = ctypes.c_void_p
out = libc.fdopen(1, b"w")
libc.malloc_info(0, ctypes.c_void_p(out))
libc.fflush(ctypes.c_void_p(out))
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="glibc's mallopt",
)
def test_the_app_caps_glibc_malloc_arenas() -> None:
    # Processes of their own: the cap would otherwise stay on for the rest of the suite.
    def arenas(mode: str) -> int:
        run = [sys.executable, "-c", ARENAS, mode]
        info = subprocess.run(run, capture_output=True, text=True, check=True).stdout
        return info.count("<heap nr=")

    assert arenas("cap") == 2
    assert arenas("free") > 2  # eight threads got arenas of their own
