"""A colleague's change on a shared PostgreSQL store -> the row repainted in this window.

    QT_QPA_PLATFORM=offscreen uv run python tests/bench/bench_live.py [--tickets 2000]
        [--changes 50]

Starts a throwaway PostgreSQL cluster and a demo store on it, then the real main window
(offscreen, without its engine passes: they would only add noise). A second store in
this process, used from a thread of its own, plays the colleague's desktop: it toggles
the status of visible tickets ("open" <-> "waiting for customer"); the figure is the
time from its commit until the status column of that row was painted with the new
status (the feed's NOTIFY, the row's re-read, the repaint).
Baseline in the same run: the same change made in this window (command committed ->
row repainted). No target in an issue; figures only, nothing asserts on time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QSettings
from qasync import QEventLoop

from desk_gui.models import Status
from desk_gui.models.commands import SetStatus, execute
from desk_gui.models.store import Store
from desk_gui.sync.facade import Desk
from desk_gui.ui import app as desk_app
from desk_gui.ui.i18n import Translations
from desk_gui.ui.main_window import MainWindow
from desk_gui.ui.ticket_list_model import Column
from tests.bench.bench_ui import Probe, ms, pct, until
from tests.servers import start_postgres


def toggled(status: Status) -> Status:
    return Status.WAITING_CUSTOMER if status is Status.OPEN else Status.OPEN


async def measure(window: MainWindow, colleague: Store, changes: int) -> int:
    probe = Probe(window.list)
    window.list.setItemDelegateForColumn(Column.STATUS, probe)
    window.navigation.select("open")
    await until(lambda: window.model.count is not None and window.model.ticket_at(0) is not None)
    await until(window.live._feed.connected.is_set)
    bottom = window.list.rowAt(window.list.viewport().height() - 1)  # only painted rows
    rows = [
        r
        for r in range(bottom + 1 if bottom >= 0 else window.model.rowCount())
        if (t := window.model.ticket_at(r)) is not None
        and t.status in (Status.OPEN, Status.WAITING_CUSTOMER)
    ]
    if not rows:
        print("no open or waiting ticket in the first rows", file=sys.stderr)
        return 2
    loop = asyncio.get_running_loop()
    figures: dict[str, list[float]] = {"colleague": [], "this window": []}
    for i in range(changes):
        for who in figures:
            row = rows[i % len(rows)]
            ticket = window.model.ticket_at(row)
            assert ticket is not None
            target = toggled(ticket.status)
            cmd = SetStatus(ticket_id=ticket.id, status=target)
            if who == "colleague":
                await loop.run_in_executor(None, execute, colleague, cmd)
            else:
                await window.desk.run(cmd)
            committed = time.perf_counter()

            def painted(row: int = row, target: Status = target, since: float = committed) -> bool:
                hit = probe.painted.get(row)
                return hit is not None and hit[0] == target.value and hit[1] >= since

            await until(painted, timeout=10)
            figures[who].append(ms(probe.painted[row][1] - committed))
            await asyncio.sleep(0.3)  # the colleague's own notification of this one passes
    for who, values in figures.items():
        print(
            f"{who:12s} change -> row repainted: median {statistics.median(values):6.1f} ms, "
            f"p95 {pct(values, 95):6.1f} ms, max {max(values):6.1f} ms ({len(values)} changes)"
        )
    ratio = statistics.median(figures["colleague"]) / statistics.median(figures["this window"])
    print(f"=> a colleague's change shows {ratio:.1f}x later than one's own (median)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=2000)
    parser.add_argument("--changes", type=int, default=50)
    args = parser.parse_args()
    cluster = start_postgres()
    if isinstance(cluster, str):
        print(cluster, file=sys.stderr)
        return 2
    try:
        qapp = desk_app.application()
        url = cluster.create_database("bench_live")
        desk_app.prepare_store(Store(url), demo=True, tickets=args.tickets)
        store, colleague = Store(url), Store(url)
        with tempfile.TemporaryDirectory() as tmp:
            settings = QSettings(f"{tmp}/desk.ini", QSettings.Format.IniFormat)
            Translations(qapp).apply("en")
            desk = Desk(store)
            loop = QEventLoop(qapp)
            asyncio.set_event_loop(loop)
            window = MainWindow(desk, settings)
            window.ready.disconnect(window.engine.start)
            window.show()
            with loop:
                code: int = loop.run_until_complete(measure(window, colleague, args.changes))
                window.close()
            desk.close()
        colleague.dispose()
        return code
    finally:
        cluster.stop()


if __name__ == "__main__":
    raise SystemExit(main())
