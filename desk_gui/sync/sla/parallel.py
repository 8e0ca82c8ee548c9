"""Recomputing many clocks on every core: worker processes compute, the engine writes.

A full recompute of 100,000 tickets is mostly reading the facts and computing the
clocks (pure Python, in worker processes, each on its own read snapshot of the store);
the engine hands out chunks ahead and writes each as it comes back, so the cores read
and compute the next chunks while the one writer stores the current one. On SQLite a
worker also hands its rows to SQLite itself, into a file of its own (binding 39 values
a row was a third of the writer's time), and the engine takes them with one INSERT ...
SELECT that compares them with the stored rows as it goes; the chunks' commits leave
the log to one checkpoint afterwards, on a worker. On PostgreSQL the rows come back
pickled and the engine stages them with COPY; there too the upsert skips rows equal
to the stored ones.

What a worker computed may be stale by the time it is written: a trigger rule or a
desktop changed the ticket meanwhile. Inside its write transaction the engine computes
again the tickets its rules just fired on and those updated since the newest change the
worker's snapshot held whose hlc (every command stamps it) is no longer the one the
rows were computed from: a few tickets found on one index, where comparing every
ticket's hlc cost a tenth of the engine's time. A change the updated time misses (a
command whose commit took longer than a later one's, a row replicated with an old time)
is still safe: the stored row names the hlc it was computed from, so the next pass
computes the ticket again, and a rule that saw the change fires once for it all the same
(its firings are keyed by the change). Fired levels
are not behind the hlc: a level fired by another engine meanwhile leaves a clock whose
next level is already fired, which the next firing pass recomputes (the escalation
ledger's unique key keeps it from firing twice).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desk_gui.models.store import Store

from .bulk import RawId
from .config import CalendarCache, load_config
from .recompute import (
    compute_all,
    gc_paused,
    newest_update,
    rows_for,
    stage_rows,
    staged_hlcs,
    unseen_since,
    updated_since,
)

log = logging.getLogger(__name__)

AHEAD = 2  # chunks handed out per worker beyond the one being written
STAGE = "sla_stage"  # the schema name a chunk's staged rows are attached under
STAGE_PREFIX = "desk-sla-"  # staging directories: desk-sla-<engine pid>-<random>


@dataclass(frozen=True)
class Prepared:
    """A chunk's rows to write, and the hlc each ticket's clocks were computed from
    (also for tickets whose stored row was already right)."""

    rows: list[tuple[Any, ...]]
    hlcs: dict[RawId, str]
    config_matched: bool = True
    cpu_s: float = 0.0  # the worker's CPU time for this chunk
    # SQLite: rows and hlcs are in this file instead (recompute.stage_rows); `missing`
    # are the chunk's tickets the worker did not find.
    staged: str | None = None
    missing: tuple[RawId, ...] = ()
    # The newest ticket update the worker's snapshot held (recompute.newest_update).
    changed_from: Any = None
    # Asked for when rules run: the chunk's tickets changed since the rules last saw
    # them (only these can have an event); None: not asked, any may.
    unseen: tuple[RawId, ...] | None = None


# --- in the worker process ------------------------------------------------------------------

_stores: dict[str, Store] = {}
_calendars = CalendarCache()


def _store(url: str) -> Store:
    """This worker's store for `url`, opened once and kept with the process."""
    store = _stores.get(url)
    if store is None:
        store = _stores[url] = Store(url)
    return store


def prepare(
    url: str,
    fingerprint: str,
    ids: Sequence[RawId],
    now_s: int,
    mark_seen: bool,
    stage_dir: str | None = None,
    unseen: bool = False,
) -> Prepared:
    """Read and compute one chunk on a snapshot of the store (in a worker process);
    with `stage_dir` (SQLite), its rows go into a file there; with `unseen`, which of
    its tickets changed since last seen."""
    began = time.process_time()
    with _store(url).read() as session, gc_paused():
        changed_from = newest_update(session)  # first: what this snapshot holds
        cfg = load_config(session, _calendars)
        if cfg.fingerprint != fingerprint:  # edited meanwhile: the engine works it itself
            return Prepared([], {}, config_matched=False)
        computed = compute_all(session, ids, cfg, now_s)
        # Compared with the stored ones by the engine's upsert, in SQL.
        rows = rows_for(session, computed, now_s, mark_seen, compare=False)
        hlcs = {c.facts.ticket_id: c.facts.hlc for c in computed}
        changed = tuple(unseen_since(session, ids, hlcs)) if unseen else None
        # Freed now, while the collector still waits: else its first run after the
        # batch scans every one of them (a tenth of a recompute's CPU).
        del computed
    if stage_dir is None:
        cpu_s = time.process_time() - began
        return Prepared(rows, hlcs, cpu_s=cpu_s, changed_from=changed_from, unseen=changed)
    fd, staged = tempfile.mkstemp(suffix=".sqlite3", dir=stage_dir)
    os.close(fd)
    stage_rows(staged, rows)
    missing = tuple(tid for tid in ids if tid not in hlcs)
    cpu_s = time.process_time() - began
    return Prepared(
        [],
        {},
        cpu_s=cpu_s,
        staged=staged,
        missing=missing,
        changed_from=changed_from,
        unseen=changed,
    )


# --- in the engine ----------------------------------------------------------------------------


class RecomputePool:
    """Worker processes for large recomputes, started on first use and kept."""

    def __init__(self, processes: int, staging: bool = False) -> None:
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self.last_used = time.monotonic()
        self.staging = staging  # SQLite: workers hand over rows in files (Prepared.staged)
        self._stage_dir: str | None = None
        self.last_checkpoint: Future[int] | None = None
        self.broken = False  # a worker failed: start afresh next time

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
        if self.staging and self._stage_dir is None:
            remove_orphaned_stages()
            self._stage_dir = tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        if self._stage_dir is not None:
            shutil.rmtree(self._stage_dir, ignore_errors=True)
            self._stage_dir = None

    def _result(self, future: Future[Prepared]) -> Prepared | None:
        try:
            return future.result()
        except Exception as exc:
            log.warning("a recompute worker failed, the engine computes its chunk: %r", exc)
            self.broken = True
            return None

    def checkpoint_later(self, url: str) -> None:
        """Checkpoint the store's log on a worker, without waiting: a recompute's
        transactions leave it to this (`Store.write_attached(checkpoint=False)`), so the
        tens of megabytes it wrote are copied once, off the engine's path."""
        if self._pool is not None:
            self.last_checkpoint = self._pool.submit(checkpoint, url)
            self.last_checkpoint.add_done_callback(_log_failure)

    def prepared(
        self,
        url: str,
        fingerprint: str,
        parts: Iterable[Sequence[RawId]],
        now_s: int,
        mark_seen: bool,
        unseen: bool = False,
    ) -> Iterator[tuple[Sequence[RawId], Prepared | None]]:
        """Each chunk with its prepared rows, in order, with a few chunks in flight; None
        for a chunk a worker failed on (the engine computes it itself, slower but the
        same), after which the pool counts as `broken`. `unseen`: see `prepare`."""
        self.start()
        assert self._pool is not None
        pool = self._pool
        self.last_used = time.monotonic()

        def submit(part: Sequence[RawId]) -> tuple[Sequence[RawId], Future[Prepared]]:
            try:
                job = pool.submit(
                    prepare, url, fingerprint, part, now_s, mark_seen, self._stage_dir, unseen
                )
            except Exception as exc:  # the pool broke (a worker died): this chunk fails too
                job = Future()
                job.set_exception(exc)
            return part, job

        todo = iter(parts)
        pending = deque(submit(part) for part in islice(todo, self.processes * AHEAD))
        try:
            while pending:
                part, future = pending.popleft()
                nxt = next(todo, None)
                if nxt is not None:
                    pending.append(submit(nxt))
                yield part, self._result(future)
        finally:
            for _, future in pending:
                if not future.cancel():  # running or done: its file is not wanted
                    future.add_done_callback(_discard)


def remove_orphaned_stages(parent: str | None = None) -> list[str]:
    """Remove the staging directories of engines that are gone (killed: a closed pool
    removes its own); returns them. Named by the engine's process id: a directory whose
    process still runs, or runs again under a reused id, is left alone."""
    removed: list[str] = []
    for path in Path(parent or tempfile.gettempdir()).glob(f"{STAGE_PREFIX}*-*"):
        pid = path.name[len(STAGE_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def checkpoint(url: str) -> int:
    """Copy the log of a SQLite store back into its file, without waiting for or
    blocking anyone (PASSIVE); returns the log frames copied."""
    return _store(url).checkpoint()


def _log_failure(future: Future[int]) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.warning("checkpoint after a recompute failed: %s", future.exception())


def _discard(future: Future[Prepared]) -> None:
    if not future.cancelled() and future.exception() is None:
        discard(future.result())


def discard(prepared: Prepared) -> None:
    """Remove the chunk's staged file, if it has one."""
    if prepared.staged is not None:
        with contextlib.suppress(FileNotFoundError):
            os.remove(prepared.staged)


def recently_updated(
    session: Session, mine: Sequence[RawId], prepared: Prepared
) -> dict[RawId, str]:
    """The chunk's tickets updated since the newest change the worker's snapshot held,
    with their current hlc (usually none or a handful)."""
    chunk = set(mine)
    return {t: h for t, h in updated_since(session, prepared.changed_from).items() if t in chunk}


def outdated(
    session: Session,
    mine: Sequence[RawId],
    prepared: Prepared,
    touched: Iterable[RawId],
    recent: Mapping[RawId, str],
) -> tuple[list[RawId], list[RawId]]:
    """The chunk's tickets whose prepared rows are not to be written (the rules just run
    fired on them, `touched`, or they changed after the worker read them: of `recent`
    (`recently_updated`), those whose hlc is not the one the rows were computed from),
    and the tickets to compute here instead: those, and any the worker did not find."""
    chunk = set(mine)
    if prepared.staged is not None:
        computed = staged_hlcs(session, STAGE, sorted(recent))
        missing = set(prepared.missing)
    else:
        computed = prepared.hlcs
        missing = chunk - set(prepared.hlcs)
    stale = {tid for tid, hlc in recent.items() if computed.get(tid, hlc) != hlc}
    stale |= chunk.intersection(touched) - missing
    return sorted(stale), sorted(stale | missing)


def shareable(store: Store) -> bool:
    """Whether other processes can open this store (not an in-memory SQLite database)."""
    url = store.engine.url
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))
