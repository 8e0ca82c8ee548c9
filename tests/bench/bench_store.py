"""Store benchmark for issue 2's numbers: init, list views, deep scrolling, search, RSS.

    uv run python tests/bench/bench_store.py --tickets 1000000 [--db PATH]

With --db pointing at an existing populated store the init step is skipped (so the
queries can be re-run without loading again); otherwise the store is created, migrated
and populated, and that time is the init figure. Every figure is printed with a
baseline measured in the same run and their ratio:

  init          bulk demo load vs. the real-commands path extrapolated to N tickets
  first page    queries.count + rows_at(0, 50) vs. the same SELECT with NOT INDEXED
  deep offset   rows_at(random offset) vs. the display joins run over the offset
  search        queries.search (FTS5 / tsvector) vs. LIKE '%term%' over the messages
  row re-read   queries.row after a status change vs. re-reading the first page
  memory        process RSS after all of it vs. RSS before the store was opened
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desk_gui.models import Agent, Group, Status, Ticket, demo, queries
from desk_gui.models.commands import SetStatus, execute
from desk_gui.models.demo_bulk import LAST_TIMINGS
from desk_gui.models.store import Store

TARGET_PAGE_MS = 100.0
TARGET_SEARCH_P95_MS = 50.0
TARGET_ROW_MS = 16.0
PAGE = 50

# What agents type: subject words, names, products, error codes, and some numbers.
SEARCH_WORDS = (
    "Drucker",
    "Papierstau",
    "Meldebescheinigung",
    "Sperrmüll",
    "Parkausweis",
    "Kita",
    "Rückerstattung",
    "Gutschrift",
    "Passwort",
    "gesperrt",
    "VPN",
    "Zertifikat",
    "Lizenzdatei",
    "Fixiereinheit",
    "RAID",
    "Festplatte",
    "Bluescreen",
    "Outlook",
    "Postfach",
    "Notebook",
    "Akku",
    "Kennzeichen",
    "Wiedervorlage",
    "Termin",
    "Reisepass",
    "Garantie",
    "Müller",
    "Schmidt",
    "Yılmaz",
    "Kowalski",
    "Hoffmann",
    "Weber",
    "Sonnenschein",
    "Regenbogen",
    "LaserJet",
    "ThinkPad",
    "Latitude",
    "FortiClient",
    "WireGuard",
    "srv-fs02",
    "ArchivPlus",
    "FiBu",
    "LohnPro",
    "refund",
    "invoice",
    "licence",
    "printer",
    "password",
    "registration",
    "daycare",
    "certificate",
    "Hardware-ID",
    "Elterngeld",
    "Wertstoffhof",
    "Kühlschrank",
    "Fahrzeugschein",
    "Warteliste",
    "Abholung",
    "Fernwartung",
    "Techniker",
)
SEARCH_PHRASES = (
    "Drucker Fehler",
    "Lizenz ungültig",
    "VPN Zertifikat",
    "Rechnung doppelt",
    "Passwort zurücksetzen",
    "Sperrmüll Termin",
    "Kita Platz",
    "RAID degraded",
    "Meldebescheinigung Post",
    "licence expired",
    "printer jam",
    "refund invoice",
    "Drucker 2. OG",
    "Notebook startet nicht",
    "Outlook Profil",
    "Server Backup",
)


def ms(seconds: float) -> float:
    return seconds * 1000.0


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return ms(time.perf_counter() - started), result


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def ratio(value: float, baseline: float) -> str:
    return f"{baseline / value:7.1f}x faster" if value > 0 else "   n/a"


def verdict(value: float, target: float) -> str:
    return "ok" if value <= target else f"OVER TARGET {target:g} ms"


def line(label: str, value: float, baseline: float, extra: str = "") -> None:
    print(
        f"  {label:<34} {value:9.1f} ms   baseline {baseline:10.1f} ms  {ratio(value, baseline)}"
        f"  {extra}"
    )


# --- (a) init --------------------------------------------------------------------------------


def init_store(url: str, tickets: int, seed: int, phases: bool) -> None:
    """Time `desk-gui init --demo --tickets N` in its own process, as a user runs it."""
    print(f"(a) init: desk-gui init --demo --tickets {tickets} (migrate + populate)", flush=True)
    if phases:  # in a child too, so the query figures below never see the loader's memory
        cmd = [
            sys.executable,
            __file__,
            "--db",
            url,
            "--tickets",
            str(tickets),
            "--seed",
            str(seed),
            "--init-only",
        ]
    else:
        cmd = [
            sys.executable,
            "-c",
            "import sys; from desk_gui.cli import main; sys.exit(main())",
            "init",
            "--db",
            url,
            "--demo",
            "--tickets",
            str(tickets),
        ]
    started = time.perf_counter()
    subprocess.run(cmd, check=True)
    total = time.perf_counter() - started
    baseline = commands_rate(seed) * tickets
    print(
        f"  {'init (migrate + populate)':<34} {total:9.1f} s    baseline {baseline:10.1f} s "
        f"(commands path extrapolated)  {baseline / total:7.1f}x faster  "
        f"{'ok' if total <= 180 else 'OVER TARGET 180 s'}"
    )


def init_only(url: str, tickets: int, seed: int) -> None:
    """The --phases child: migrate + populate in-process, then the bulk loader's phases."""
    store = Store(url)
    store.migrate()
    summary = demo.populate(store, tickets, seed=seed)
    store.dispose()
    print(f"      {summary}")
    print("      populate phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in LAST_TIMINGS.items()))


def commands_rate(seed: int) -> float:
    """Seconds per ticket of the real-commands path, measured on a small store."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'small.sqlite3'}")
        store.migrate()
        n = 200
        started = time.perf_counter()
        demo.populate(store, n, seed=seed, bulk=False)
        elapsed = time.perf_counter() - started
        store.dispose()
    return elapsed / n


# --- (b) first pages -------------------------------------------------------------------------


def views(session: Session) -> list[tuple[str, queries.TicketFilter]]:
    group_id = session.scalar(select(Group.id).where(Group.name == "2nd-Level"))
    agent_id = session.scalar(select(Agent.id).where(Agent.login == "mbeck"))
    return [
        ("All open", queries.ALL_OPEN),
        (
            "Unassigned (open)",
            queries.TicketFilter(statuses=queries.ALL_OPEN.statuses, unassigned=True),
        ),
        (
            "Group 2nd-Level (open)",
            queries.TicketFilter(statuses=queries.ALL_OPEN.statuses, group_id=group_id),
        ),
        (
            "Agent mbeck (open)",
            queries.TicketFilter(statuses=queries.ALL_OPEN.statuses, assignee_id=agent_id),
        ),
        ("Follow-ups", queries.TicketFilter(follow_up=True)),
        ("All", queries.TicketFilter()),
    ]


def first_page(session: Session, flt: queries.TicketFilter) -> Any:
    """What the list model does when a view is chosen: the row count and the top rows."""
    return queries.count(session, flt), queries.rows_at(session, flt, 0, PAGE)


def naive_page(session: Session, flt: queries.TicketFilter) -> Any:
    """The same view without its indexes: a scan and a sort of every matching row."""
    where, params = raw_where(session, flt)
    order = "follow_up_at ASC, id ASC" if flt.follow_up else "updated_at DESC, id DESC"
    hint = " NOT INDEXED" if session.get_bind().dialect.name == "sqlite" else ""
    total = session.execute(text(f"SELECT count(*) FROM tickets{hint} WHERE {where}"), params)
    rows = session.execute(
        text(f"SELECT id FROM tickets{hint} WHERE {where} ORDER BY {order} LIMIT {PAGE}"), params
    )
    return total.scalar(), rows.all()


def raw_where(session: Session, flt: queries.TicketFilter) -> tuple[str, dict[str, Any]]:
    sqlite = session.get_bind().dialect.name == "sqlite"
    conds, params = ["1=1"], {}
    if flt.statuses is not None:
        conds.append("status IN (" + ", ".join(f"'{s.value}'" for s in sorted(flt.statuses)) + ")")
    if flt.unassigned:
        conds.append("assignee_id IS NULL")
    for column, value in (("assignee_id", flt.assignee_id), ("group_id", flt.group_id)):
        if value is not None:
            conds.append(f"{column} = :{column}")
            params[column] = value.hex if sqlite else value
    if flt.follow_up:
        conds.append("follow_up_at IS NOT NULL")
    return " AND ".join(conds), params


@contextmanager
def no_indexes(session: Session) -> Iterator[None]:
    """PostgreSQL has no NOT INDEXED: switch index scans off for the baseline instead."""
    pg = session.get_bind().dialect.name == "postgresql"
    if pg:
        session.execute(text("SET LOCAL enable_indexscan = off"))
        session.execute(text("SET LOCAL enable_bitmapscan = off"))
        session.execute(text("SET LOCAL enable_indexonlyscan = off"))
    yield
    if pg:
        session.execute(text("RESET enable_indexscan"))
        session.execute(text("RESET enable_bitmapscan"))
        session.execute(text("RESET enable_indexonlyscan"))


def bench_first_pages(store: Store) -> dict[str, int]:
    print(f"(b) first page per view: count + rows_at(0, {PAGE})  (target <= {TARGET_PAGE_MS:g} ms)")
    counts = {}
    with store.read() as session:
        for name, flt in views(session):
            # Cold-ish first, then warm: the GUI's first click is what agents feel.
            first, _ = timed(partial(first_page, session, flt))
            runs = [timed(partial(first_page, session, flt))[0] for _ in range(5)]
            warm = statistics.median(runs)
            with no_indexes(session):
                base, _ = timed(partial(naive_page, session, flt))
            counts[name] = queries.count(session, flt)
            line(
                f"{name} ({counts[name]:,})",
                warm,
                base,
                f"first {first:.1f} ms  {verdict(max(first, warm), TARGET_PAGE_MS)}",
            )
    return counts


# --- (c) deep offsets ------------------------------------------------------------------------


def naive_rows_at(session: Session, flt: queries.TicketFilter, offset: int) -> Any:
    """The display joins run over every skipped row (what rows_at avoids)."""
    stmt = queries._filtered(queries._row_select(), flt, session)
    stmt = stmt.order_by(*queries._order(flt)).offset(offset).limit(PAGE)
    return session.execute(stmt).all()


def bench_deep_offsets(store: Store, counts: dict[str, int], rng: random.Random) -> None:
    print(f"(c) scroll anywhere: rows_at(random offset, {PAGE})")
    with store.read() as session:
        for name, flt in views(session):
            total = counts[name]
            if total <= PAGE:
                continue
            offsets = [rng.randrange(0, total - PAGE) for _ in range(12)]
            times = [timed(partial(queries.rows_at, session, flt, o, PAGE))[0] for o in offsets]
            base = statistics.median(
                [timed(partial(naive_rows_at, session, flt, o))[0] for o in offsets[:3]]
            )
            line(
                f"{name}",
                statistics.median(times),
                base,
                f"p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms, "
                f"deepest offset {max(offsets):,}",
            )


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


# --- (d) search ------------------------------------------------------------------------------


def search_queries(rng: random.Random, session: Session, count: int) -> list[str]:
    """Realistic mix: single words, two-word queries, and numbers seen in the data."""
    numbers = [
        r[0]
        for r in session.execute(
            text("SELECT subject FROM messages WHERE subject LIKE '%RE-2026-%' LIMIT 50")
        )
    ]
    picked: list[str] = []
    for i in range(count):
        roll = i % 10
        if roll < 6:
            picked.append(rng.choice(SEARCH_WORDS))
        elif roll < 9:
            picked.append(rng.choice(SEARCH_PHRASES))
        elif numbers:
            word = next(w for w in rng.choice(numbers).split() if w.startswith("RE-2026-"))
            picked.append(word)
        else:
            picked.append(rng.choice(SEARCH_WORDS))
    return picked


def like_search(session: Session, query: str) -> Any:
    """The same newest-50 search as a scan: every word in the subject or the body."""
    conds, params = [], {}
    for i, word in enumerate(w for w in query.replace("-", " ").split() if w.strip(".")):
        conds.append(f"(subject LIKE :p{i} OR body_text LIKE :p{i})")
        params[f"p{i}"] = f"%{word.strip('.')}%"
    return session.execute(
        text(f"SELECT seq FROM messages WHERE {' AND '.join(conds)} ORDER BY seq DESC LIMIT 50"),
        params,
    ).all()


def bench_search(store: Store, rng: random.Random, n: int) -> None:
    print(
        f"(d) full-text search, newest {PAGE} hits, {n} queries  "
        f"(target p95 <= {TARGET_SEARCH_P95_MS:g} ms)"
    )
    with store.read() as session:
        words = search_queries(rng, session, n)
        times, hits = [], []
        for word in words:
            elapsed, found = timed(partial(queries.search, session, word, PAGE))
            times.append(elapsed)
            hits.append(len(found))
        # A quarter of the same queries (every kind: the mix repeats every ten).
        base = [timed(partial(like_search, session, w))[0] for w in words[::4]]
        p50, p95 = statistics.median(times), percentile(times, 95)
        line("search p50", p50, statistics.median(base))
        line("search p95", p95, percentile(base, 95), verdict(p95, TARGET_SEARCH_P95_MS))
        worst = sorted(zip(times, words, strict=True), reverse=True)[:3]
        print(
            f"      max {max(times):.1f} ms; slowest: "
            + ", ".join(f"{w!r} {t:.1f} ms" for t, w in worst)
            + f"; queries with hits {sum(1 for h in hits if h)}/{n}"
        )


# --- (e) re-read one row after a status change ------------------------------------------------


def bench_row_reread(store: Store) -> None:
    print(
        f"(e) a status change shows in the list: queries.row after the command "
        f"(target <= {TARGET_ROW_MS:g} ms)"
    )
    with store.read() as session:
        ids = [
            r[0]
            for r in session.execute(
                select(Ticket.id).where(Ticket.status == Status.OPEN).limit(20)
            )
        ]
    times, base, commands = [], [], []
    for tid in ids:
        elapsed, _ = timed(
            partial(execute, store, SetStatus(ticket_id=tid, status=Status.WAITING_CUSTOMER))
        )
        commands.append(elapsed)
        with store.read() as session:
            elapsed, r = timed(partial(queries.row, session, tid))
            assert r is not None and r.status is Status.WAITING_CUSTOMER
            times.append(elapsed)
            base.append(timed(partial(first_page, session, queries.ALL_OPEN))[0])
    line(
        "row re-read (median)",
        statistics.median(times),
        statistics.median(base),
        f"max {max(times):.1f} ms  {verdict(max(times), TARGET_ROW_MS)}; "
        f"the command itself {statistics.median(commands):.1f} ms",
    )


# --- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--db", help="SQLite file or database URL (default: a temporary file)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--searches", type=int, default=100)
    parser.add_argument(
        "--phases",
        action="store_true",
        help="init in-process (in a child) to print the loader's phases",
    )
    parser.add_argument("--init-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.init_only:
        init_only(args.db, args.tickets, args.seed)
        return 0
    rss_start = rss_mb()

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="desk-bench-")
        url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    elif "://" in args.db:
        url = args.db
    else:
        url = f"sqlite:///{Path(args.db).resolve()}"
    print(f"store: {url}")
    probe = Store(url)
    populated = probe.is_migrated() and _has_tickets(probe)
    probe.dispose()
    if populated:
        print("(a) init: skipped, the store is already populated")
    else:
        init_store(url, args.tickets, args.seed, args.phases)

    store = Store(url)
    rng = random.Random(args.seed)
    rss_before = rss_mb()
    counts = bench_first_pages(store)
    bench_deep_offsets(store, counts, rng)
    bench_search(store, rng, args.searches)
    bench_row_reread(store)
    rss_end = rss_mb()
    print(
        f"(f) memory: RSS {rss_end:.0f} MB after all queries (target <= 400 MB); baseline "
        f"{rss_start:.0f} MB at start (interpreter + imports), {rss_before:.0f} MB with the "
        f"store open"
    )
    store.dispose()
    if tmp is not None:
        tmp.cleanup()
    return 0


def _has_tickets(store: Store) -> bool:
    with store.read() as session:
        return bool(
            session.scalar(select(func.count()).select_from(select(Ticket.id).limit(1).subquery()))
        )


if __name__ == "__main__":
    sys.exit(main())
