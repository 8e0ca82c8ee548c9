"""Recomputing many clocks on every core: worker processes compute, the engine writes.

A full recompute of 100,000 tickets is two halves of about equal cost: reading the
facts and computing the clocks (pure Python, in worker processes, each on its own read
snapshot of the store) and writing the rows (the one writer, in the engine's process).
The engine hands out chunks ahead and writes each as it comes back, so the cores read
and compute the next chunks while the writer stores the current one.

What a worker computed may be stale by the time it is written: a trigger rule or a
desktop changed the ticket meanwhile. Every command stamps the ticket's hlc, so the
engine compares, inside its write transaction, the hlc each row was computed from with
the ticket's current one and recomputes the few that differ right there. Fired levels
are not behind the hlc: a level fired by another engine meanwhile leaves a clock whose
next level is already fired, which the next firing pass recomputes (the escalation
ledger's unique key keeps it from firing twice).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy.orm import Session

from desk_gui.models.store import Store

from .bulk import Bulk, RawId
from .config import CalendarCache, load_config
from .recompute import compute_all, gc_paused, rows_for

AHEAD = 2  # chunks handed out per worker beyond the one being written


@dataclass(frozen=True)
class Prepared:
    """A chunk's rows to write, and the hlc each ticket's clocks were computed from
    (also for tickets whose stored row was already right)."""

    rows: list[tuple[Any, ...]]
    hlcs: dict[RawId, str]
    config_matched: bool = True
    cpu_s: float = 0.0  # the worker's CPU time for this chunk


# --- in the worker process ------------------------------------------------------------------

_stores: dict[str, Store] = {}
_calendars = CalendarCache()


def prepare(
    url: str, fingerprint: str, ids: Sequence[RawId], now_s: int, mark_seen: bool
) -> Prepared:
    """Read and compute one chunk on a snapshot of the store (in a worker process)."""
    began = time.process_time()
    store = _stores.get(url)
    if store is None:
        store = _stores[url] = Store(url)
    with store.read() as session, gc_paused():
        cfg = load_config(session, _calendars)
        if cfg.fingerprint != fingerprint:  # edited meanwhile: the engine works it itself
            return Prepared([], {}, config_matched=False)
        computed = compute_all(session, ids, cfg, now_s)
        rows = rows_for(session, computed, now_s, mark_seen)
        hlcs = {c.facts.ticket_id: c.facts.hlc for c in computed}
        # Freed now, while the collector still waits: else its first run after the
        # batch scans every one of them (a tenth of a recompute's CPU).
        del computed
    return Prepared(rows, hlcs, cpu_s=time.process_time() - began)


# --- in the engine ----------------------------------------------------------------------------


class RecomputePool:
    """Worker processes for large recomputes, started on first use and kept."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self.last_used = time.monotonic()

    def start(self) -> None:
        if self._pool is None:
            # "spawn": forking a process whose other threads hold locks (SQLite,
            # logging, Qt) can leave the child deadlocked.
            self._pool = ProcessPoolExecutor(
                self.processes, mp_context=multiprocessing.get_context("spawn")
            )
            # Start the workers now (importing takes a moment) rather than on the first
            # chunk of the first recompute.
            for f in [self._pool.submit(os.getpid) for _ in range(self.processes)]:
                f.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def prepared(
        self,
        url: str,
        fingerprint: str,
        parts: Sequence[Sequence[RawId]],
        now_s: int,
        mark_seen: bool,
    ) -> Iterator[tuple[Sequence[RawId], Prepared]]:
        """Each chunk with its prepared rows, in order, with a few chunks in flight."""
        self.start()
        assert self._pool is not None
        pool = self._pool
        self.last_used = time.monotonic()

        def submit(part: Sequence[RawId]) -> tuple[Sequence[RawId], Future[Prepared]]:
            return part, pool.submit(prepare, url, fingerprint, part, now_s, mark_seen)

        todo = iter(parts)
        pending = deque(submit(part) for part in islice(todo, self.processes * AHEAD))
        try:
            while pending:
                part, future = pending.popleft()
                nxt = next(todo, None)
                if nxt is not None:
                    pending.append(submit(nxt))
                yield part, future.result()
        finally:
            for _, future in pending:
                future.cancel()


def current_hlcs(session: Session, ids: Sequence[RawId]) -> dict[RawId, str]:
    """The tickets' hlc as of this transaction."""
    if not ids:
        return {}
    db = Bulk(session)
    among, params = db.among("id", ids)
    rows = db.fetch(f"SELECT id, hlc FROM tickets WHERE {among}", params)
    return {r[0]: r[1] for r in rows}


def still_current(
    session: Session, mine: Sequence[RawId], prepared: Prepared
) -> tuple[list[tuple[Any, ...]], list[RawId]]:
    """The prepared rows still right, and the tickets to recompute here after all."""
    now = current_hlcs(session, mine)
    fresh = {tid for tid in mine if tid in now and prepared.hlcs.get(tid) == now[tid]}
    rows = [r for r in prepared.rows if r[0] in fresh]
    return rows, [tid for tid in mine if tid not in fresh and tid in now]


def shareable(store: Store) -> bool:
    """Whether other processes can open this store (not an in-memory SQLite database)."""
    url = store.engine.url
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))
