"""Take docs/screenshot.png: the window offscreen on a demo store, a ticket selected.

    QT_QPA_PLATFORM=offscreen uv run python -m tests.ui.make_screenshot [--lang de] [--out PATH]

Uses desk_gui.models.demo when it exists, else the test seed (both through commands).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, SignalInstance
from qasync import QEventLoop

from desk_gui.models import views
from desk_gui.models.store import Store
from desk_gui.sync.facade import Desk
from desk_gui.ui import app as desk_app
from desk_gui.ui.i18n import Translations
from desk_gui.ui.main_window import MainWindow


def fill(store: Store, tickets: int) -> None:
    store.migrate()
    try:
        from desk_gui.models.demo import populate
    except ImportError:
        from tests.ui.seed import seed

        seed(store, tickets=tickets)
    else:
        populate(store, tickets=tickets)


async def until(signal: SignalInstance) -> Any:
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def done(*args: Any) -> None:
        if not future.done():
            future.set_result(args)

    signal.connect(done)
    return await future


async def richest_row(window: MainWindow) -> int:
    """Among the first rows, the ticket whose thread shows the most kinds of entries."""
    best, best_score = 0, -1
    for row in range(8):
        ticket = window.model.ticket_at(row)
        if ticket is None:
            continue
        page = await window.desk.read(views.ticket_page, ticket.id)
        if page is None:
            continue
        kinds = {item.kind for item in page.thread}
        score = len(kinds) * 10 + min(len(page.thread), 6)
        if score > best_score:
            best, best_score = row, score
    return best


async def first_sla_pass(window: MainWindow) -> None:
    """Until the engine's first SLA pass has reported (the list then shows due times)."""
    while True:
        name, _report = await until(window.engine.passed)
        if name == "sla":
            return


async def shoot(window: MainWindow, out: Path, row: int) -> None:
    sla = asyncio.ensure_future(first_sla_pass(window))
    await until(window.ready)
    await sla
    while window.model.ticket_at(max(row, 7)) is None:
        await until(window.model.pageLoaded)
    while window.navigation.count_text("all") == "":
        await asyncio.sleep(0.05)
    if row < 0:
        row = await richest_row(window)
    loaded = until(window.ticket.loaded)
    window.list.selectRow(row)
    await loaded
    await asyncio.sleep(0.3)  # let counts and repaints settle before the grab
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="de", choices=["de", "en"])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshot.png"))
    parser.add_argument("--tickets", type=int, default=300)
    parser.add_argument("--row", type=int, default=-1, help="-1: the richest thread")
    parser.add_argument("--view", default="open")
    args = parser.parse_args()
    qapp = desk_app.application()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/desk.sqlite3")
        fill(store, args.tickets)
        settings = QSettings(f"{tmp}/desk.ini", QSettings.Format.IniFormat)
        settings.setValue("ui/view", args.view)
        translations = Translations(qapp)
        translations.apply(args.lang)
        desk = Desk(store)
        loop = QEventLoop(qapp)
        asyncio.set_event_loop(loop)
        window = MainWindow(desk, settings, translations)
        window.show()
        with loop:
            loop.run_until_complete(shoot(window, args.out, args.row))
            window.close()
        desk.close()
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
