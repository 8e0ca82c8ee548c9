"""Starting the window: Qt application, qasync loop, store preparation, main window.

`run` is what `desk-gui` (no subcommand) calls. Preparing the store (migrating a new
one, filling an empty one with demo data) runs on the facade's writer thread behind a
progress dialog: the GUI thread never waits on the database, even at start-up.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog
from qasync import QEventLoop

from desk_gui.models import views
from desk_gui.models.store import Store, StoreError
from desk_gui.sync.facade import Desk

from . import i18n
from .main_window import MainWindow
from .memory import limit_malloc_arenas

DEMO_TICKETS = 300


Progress = Callable[[int, int], None]


def prepare_store(
    store: Store, demo: bool, progress: Progress | None = None, tickets: int = DEMO_TICKETS
) -> None:
    """Migrate a store without schema; with `demo`, fill it if it has no tickets."""
    if not store.is_migrated():
        store.migrate()
    if not demo:
        return
    with store.read() as session:
        if views.has_tickets(session):
            return
    # Imported late: only --demo needs the generator and its texts.
    from desk_gui.models.demo import DemoError, populate
    from desk_gui.sync.sla.engine import catch_up_demo

    try:
        populate(store, tickets=tickets, progress=progress)
    except DemoError:
        return  # demo parties without tickets: open what is there
    # The SLA levels of the demo's past, as fired when they fell due: else the first
    # pass announces them all at once, late.
    catch_up_demo(store)


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        limit_malloc_arenas()  # before Qt and the app start their threads
        app = QApplication(sys.argv)
    app.setOrganizationName("Desk")
    app.setApplicationName("desk")
    app.setApplicationDisplayName("Desk")
    app.setStyle("Fusion")
    qss = i18n.resources_dir() / "style.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    return app


async def open_window(
    desk: Desk,
    settings: QSettings,
    translations: i18n.Translations,
    demo: bool,
    tickets: int = DEMO_TICKETS,
) -> MainWindow:
    """Prepare the store behind a progress dialog, then show the main window."""
    text = (
        QCoreApplication.translate("App", "Creating demo tickets…")
        if demo
        else QCoreApplication.translate("App", "Opening the store…")
    )
    progress = QProgressDialog(text, "", 0, 0)
    progress.setWindowTitle(QCoreApplication.translate("App", "Desk"))
    progress.setCancelButton(None)  # no button: it cannot be cancelled
    # Not modal: a modal dialog's setValue() spins a nested event loop under asyncio.
    # There is no other window to protect yet.
    progress.setWindowModality(Qt.WindowModality.NonModal)
    progress.setMinimumDuration(300)  # a quick open shows no dialog at all
    loop = asyncio.get_running_loop()

    def report(done: int, total: int) -> None:
        # Called on the writer thread: hand the numbers to the GUI thread.
        loop.call_soon_threadsafe(_show_progress, progress, done, total)

    try:
        await desk.write(prepare_store, demo, report, tickets)
    finally:
        progress.reset()
        progress.deleteLater()
    window = MainWindow(desk, settings, translations)
    window.show()
    return window


def _show_progress(dialog: QProgressDialog, done: int, total: int) -> None:
    if total > 0:
        dialog.setMaximum(total)
        dialog.setValue(min(done, total))


async def _main(desk: Desk, demo: bool) -> int:
    settings = QSettings()
    app = QCoreApplication.instance()
    assert app is not None
    translations = i18n.Translations(app)
    translations.apply(i18n.chosen_language(settings))
    try:
        window = await open_window(desk, settings, translations, demo)
    except Exception as error:
        message = QCoreApplication.translate(
            "App", "Desk could not open the store: {error}"
        ).format(error=error)
        print(message, file=sys.stderr)
        QMessageBox.critical(None, QCoreApplication.translate("App", "Desk"), message)
        return 1
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    await closed.wait()
    await window.engine.wait_stopped()  # mail workers end before the store closes
    return 0


def run(store_url: str, demo: bool = False) -> int:
    """Run the window on a store until it is closed; the exit code for the CLI."""
    app = application()
    try:
        store = Store(store_url)
    except StoreError as error:
        print(f"desk-gui: {error}", file=sys.stderr)
        return 2
    desk = Desk(store)
    # _main ends the loop itself once the window closed and the mail workers stopped;
    # Qt's own quit on the last closed window would cut that short.
    app.setQuitOnLastWindowClosed(False)
    loop = QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            return int(loop.run_until_complete(_main(desk, demo)))
    finally:
        desk.close()
