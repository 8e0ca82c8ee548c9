"""`desk-gui init` (schema, demo data) and starting the desktop app."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from sqlalchemy import func, select

from desk_gui.models import Ticket

from .common import CliError, UsageError, display_url, open_store, sqlite_path, store_url
from .output import print_json
from .tickets_read import positive_int

DEFAULT_DEMO_TICKETS = 300

# --- init ----------------------------------------------------------------------------------


def add_init_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--demo",
        action="store_true",
        help="also fill the store with demo data; refused when the store already has "
        "tickets (demo data never mixes with real work: use a fresh --db)",
    )
    p.add_argument(
        "--tickets",
        type=positive_int,
        metavar="N",
        help=f"how many demo tickets ({DEFAULT_DEMO_TICKETS}); up to 1,000,000 for benchmarks",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON")


class Progress:
    """`done/total (pct) rate` on one rewritten terminal line, at most 10 times a second."""

    def __init__(
        self, stream: TextIO, what: str = "tickets", clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._stream = stream
        self._what = what
        self._clock = clock
        self._start = clock()
        self._shown = 0.0
        self._wrote = False
        self._width = 0

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if done < total and now - self._shown < 0.1:
            return
        self._shown = now
        rate = done / max(now - self._start, 1e-6)
        pct = 100 * done // total if total else 100
        line = f"{done:,}/{total:,} {self._what} ({pct}%)  {rate:,.0f}/s "
        # Pad over the previous line's end: the rate may get shorter.
        self._stream.write("\r" + line.ljust(self._width))
        self._width = len(line)
        self._stream.flush()
        self._wrote = True

    def finish(self) -> None:
        if self._wrote:
            self._stream.write("\n")
            self._stream.flush()


def init_store(args: argparse.Namespace) -> int:
    if args.tickets is not None and not args.demo:
        raise UsageError("--tickets goes with --demo")
    path = sqlite_path(store_url(args))
    if path is not None and not path.parent.is_dir():
        raise CliError(f"directory {path.parent} does not exist")
    with open_store(args, migrated=False) as store:
        store.migrate()
        if not args.demo:
            _report(args, {"store": display_url(store.url), "migrated": True})
            return 0
        with store.read() as session:
            existing = session.scalar(select(func.count(Ticket.id))) or 0
        if existing:
            raise CliError(
                f"the store already holds {existing:,} ticket(s): demo data goes into an empty "
                "store only (use another --db)"
            )
        summary = _populate(store, args.tickets or DEFAULT_DEMO_TICKETS)
    _report(args, {"store": display_url(store.url), "migrated": True, "demo": summary})
    return 0


def _populate(store: Any, tickets: int) -> dict[str, Any]:
    try:
        from desk_gui.models.demo import populate
        from desk_gui.sync.sla.engine import catch_up_demo
    except ImportError as e:
        raise CliError(f"demo data is not available: {e}") from None
    progress = Progress(sys.stderr) if sys.stderr.isatty() else None
    start = time.monotonic()
    try:
        summary = populate(store, tickets=tickets, progress=progress)
    finally:
        if progress is not None:
            progress.finish()
    catch_up_demo(store)  # the SLA levels of the demo's past, as fired when they fell due
    seconds = time.monotonic() - start
    fields = ("tickets", "messages", "contacts", "organizations", "agents", "groups")
    return {**{f: getattr(summary, f) for f in fields}, "seconds": round(seconds, 2)}


def _report(args: argparse.Namespace, result: dict[str, Any]) -> None:
    if args.json:
        print_json(result)
        return
    demo = result.get("demo")
    if demo is None:
        print(f"store ready: {result['store']}")
        return
    rate = demo["tickets"] / max(demo["seconds"], 1e-3)
    print(
        f"demo data in {result['store']}: {demo['tickets']:,} tickets, "
        f"{demo['messages']:,} messages, {demo['contacts']:,} contacts, "
        f"{demo['organizations']:,} organizations, {demo['agents']} agents, "
        f"{demo['groups']} groups in {demo['seconds']:.1f} s ({rate:,.0f} tickets/s)"
    )


# --- the desktop app -----------------------------------------------------------------------


def start_gui(args: argparse.Namespace) -> int:
    url = store_url(args)
    try:
        # Imported here: the CLI must work where Qt cannot load (servers, CI without GL).
        from desk_gui.ui.app import run
    except ImportError as e:
        raise CliError(f"the desktop app cannot start: {e}") from None
    return int(run(url, bool(args.app_demo)))
