"""The SLA engine: one pass recomputes changed clocks, runs trigger rules, assigns new
tickets, brings parked tickets back, hands over for absences and fires due levels.

No Qt and no threads of its own: the app calls `run_once` from a worker, `desk-gui sync`
from its loop, every half minute or so. Each step works in small transactions, so the
desktop's own commands never wait long for the SQLite write lock, and every step is
safe to run on several engines against one PostgreSQL database at once.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from operator import itemgetter
from time import monotonic
from typing import Any

from sqlalchemy.orm import Session

from desk_gui.models.meta import get_setting, put_setting
from desk_gui.models.store import Store
from desk_gui.models.ticket import Ticket
from desk_gui.models.trigger import TriggerEvent

from .. import leases
from . import assignment, escalation, reminders, triggers
from .bulk import Bulk, RawId
from .calendar import from_epoch, to_epoch
from .config import CalendarCache, SlaConfig, load_config
from .notify import Hlc
from .parallel import (
    STAGE,
    Prepared,
    RecomputePool,
    discard,
    outdated,
    recently_updated,
    shareable,
)
from .recompute import (
    CHUNK,
    chunks,
    claim,
    compute_all,
    dirty_split,
    dirty_tickets,
    gc_paused,
    mark_all_stale,
    recompute,
    rows_for,
    store_rows,
    store_staged,
)

log = logging.getLogger(__name__)

FINGERPRINT_KEY = "sla.config_fingerprint"
BATCH = 200
POOL_MIN = 3 * CHUNK  # tickets: below, starting on the worker processes does not pay
# Tickets per chunk for the workers: their transaction only takes the staged rows, so it
# may be larger than one that computes inside; a chunk costs each side a fixed ~10 ms.
POOL_CHUNK = 2 * CHUNK
# Large recomputes are rare (a policy or calendar changed): the workers' memory is given
# back when none came for this long.
POOL_IDLE_S = 15 * 60
MAX_ROUNDS = 100  # per step and run: a backlog is worked off over several runs
FULL_SCAN_EVERY = timedelta(minutes=10)
SCAN_MARGIN = timedelta(minutes=15)


@dataclass
class SlaReport:
    now: datetime
    recomputed: int = 0
    by_workers: int = 0  # of them, computed by the worker processes
    worker_cpu_s: float = 0.0
    full_recompute: bool = False
    fired: list[escalation.FiredLevel] = field(default_factory=list)
    resumed: list[reminders.Resumed] = field(default_factory=list)
    assigned: list[assignment.Assignment] = field(default_factory=list)
    handed_over: list[assignment.HandOver] = field(default_factory=list)
    triggered: list[triggers.TriggerFired] = field(default_factory=list)


def default_holder() -> str:
    return f"sla:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def catch_up_demo(store: Store) -> SlaReport:
    """Right after demo data was written: its past as a desk that ran all along would
    show it (`SlaEngine.catch_up`), so the app's first pass does not announce every
    level of that past at once, late."""
    with SlaEngine(store, holder=f"demo-catch-up:{default_holder()}") as engine:
        return engine.catch_up()


class SlaEngine:
    def __init__(
        self,
        store: Store,
        holder: str | None = None,
        late_after: timedelta = timedelta(minutes=2),
        chunk: int = CHUNK,
        batch: int = BATCH,
        processes: int | None = None,
        pool_min: int = POOL_MIN,
        pool_chunk: int = POOL_CHUNK,
    ) -> None:
        self.store = store
        self.holder = holder or default_holder()
        self.late_after_s = int(late_after.total_seconds())
        self.chunk = chunk  # tickets per transaction computed in this process
        self.pool_chunk = pool_chunk
        self.batch = batch  # tickets per transaction when firing, assigning, resuming
        # Worker processes reading and computing large recomputes (< 2: none).
        self.processes = (os.cpu_count() or 1) if processes is None else processes
        self.pool_min = pool_min
        self._pool: RecomputePool | None = None
        self.calendars = CalendarCache()
        # Between full scans for changed tickets, only those updated since the last
        # scan began (less a margin for clocks and slow commits) are looked at.
        self._since: datetime | None = None
        self._next_full = 0.0

    def _hlc(self) -> str:
        return self.store.clock.now()

    def run_once(self, now: datetime | None = None) -> SlaReport:
        """One full pass; `now` defaults to the database's clock."""
        cfg, report = self._refresh_changed(now)
        now_s = to_epoch(report.now)
        self._assign_intake(report.now, report)
        self._resume_reminders(report.now, report)
        self._hand_over(report.now, report)
        touched = {a.ticket_id for a in report.assigned if a.agent_id}
        touched |= {r.ticket_id for r in report.resumed}
        touched |= {h.ticket_id for h in report.handed_over if h.to_agent}
        if touched:  # what the steps above changed, right away
            self.refresh(cfg, now_s, report, ids=sorted(touched))
        self._fire(cfg, now_s, report)
        return report

    def catch_up(self, now: datetime | None = None) -> SlaReport:
        """For a store whose tickets come with a past (demo data): the clocks, then every
        level that fell due before `now` recorded as fired when it fell due, as an engine
        running all along would have left it, without alerts, actions or rules.

        Only for data nobody worked on when it happened: on a real store a level that
        fell due while no engine ran must still reach its people, late (`run_once`).
        The ticket rows already show the demo's history as it stands, so actions taken
        now would change it; the clocks (due soon, breached) do not depend on fired
        levels and stay as they are. Returns the levels recorded."""
        cfg, report = self._refresh_changed(now)
        now_s = to_epoch(report.now)
        while True:
            with self.store.write() as session:
                ctx = escalation.FireContext(
                    session, cfg, now_s, self._hlc, self.holder, self.late_after_s, quiet=True
                )
                ids = escalation.claim_due(session, now_s, self.chunk)
                recorded = escalation.fire_batch(ctx, ids)
            report.fired += recorded
            # A full batch goes on; so does one that recorded anything (tickets whose
            # next level is not eligible stay due: a batch of only those ends it).
            if len(ids) < self.chunk or not recorded:
                return report

    # ---- steps ----------------------------------------------------------------------

    def _refresh_changed(self, now: datetime | None) -> tuple[SlaConfig, SlaReport]:
        """A pass's start: the configuration (everything recomputed when it changed
        since the last pass), then the clocks of the tickets that changed."""
        if self._pool is not None and monotonic() - self._pool.last_used > POOL_IDLE_S:
            self.close()
        self.store.clock  # noqa: B018 (first use writes the node id: not inside a batch)
        with self.store.write() as session:
            scan_from = leases.db_now(session)
            now = now or scan_from
            cfg = load_config(session, self.calendars)
            report = SlaReport(now)
            if get_setting(session, FINGERPRINT_KEY) != cfg.fingerprint:
                mark_all_stale(session)
                put_setting(session, FINGERPRINT_KEY, cfg.fingerprint)
                report.full_recompute = True
        full = report.full_recompute or self._since is None or monotonic() >= self._next_full
        self.refresh(
            cfg, to_epoch(now), report, since=None if full else self._since,
            everything=report.full_recompute,
        )  # fmt: skip
        if full:
            self._next_full = monotonic() + FULL_SCAN_EVERY.total_seconds()
        self._since = scan_from - SCAN_MARGIN
        return cfg, report

    def refresh(
        self,
        cfg: SlaConfig,
        now_s: int,
        report: SlaReport,
        since: datetime | None = None,
        ids: Sequence[RawId] | None = None,
        everything: bool = False,
    ) -> None:
        """Trigger rules and clocks for the tickets that changed since last seen: all of
        them (a full scan), those updated from `since` on, or just `ids`; `everything`
        after policies or calendars changed."""
        rest: Callable[[Session], list[RawId]] | None = None
        with self.store.read() as session:
            if ids is not None:
                ids = Bulk(session).raw_ids(ids)
            elif since is not None:
                ids = dirty_tickets(session, now_s, since)
            else:  # a full scan: its open tickets first, the others found meanwhile
                ids, rest = dirty_split(session, now_s, everything)
            rules = triggers.load_rules(session)
        staged = False  # chunks whose commits left checkpointing to the end
        try:
            for part, ready in self._prepared(cfg, ids, rest, now_s, bool(rules)):
                staged = staged or (ready is not None and ready.staged is not None)
                try:
                    self._refresh_chunk(cfg, now_s, report, rules, part, ready)
                finally:
                    if ready is not None:
                        discard(ready)
        finally:
            if self._pool is not None and self._pool.broken:
                self.close()  # fresh worker processes for the next large recompute
            elif staged and self._pool is not None:
                self._pool.checkpoint_later(self.store.url)

    def _refresh_chunk(
        self,
        cfg: SlaConfig,
        now_s: int,
        report: SlaReport,
        rules: list[triggers.RuleSpec],
        part: Sequence[RawId],
        ready: Prepared | None,
    ) -> None:
        with self._write(ready) as session:
            mine = claim(session, part)
            ctx = triggers.RuleContext(session, self._hlc, from_epoch(now_s), rules)
            if ready is not None and not ready.config_matched:
                ready = None  # computed on another configuration: worked here instead
            recent = {} if ready is None else recently_updated(session, mine, ready)
            fired = triggers.run_for_changes(ctx, _may_have_events(mine, ready, recent))
            report.triggered += fired
            if ready is None:
                recompute(session, mine, cfg, now_s, mark_seen=True)
            else:
                db = Bulk(session)
                touched = {db.raw_id(f.ticket_id) for f in fired}
                report.by_workers += _store_prepared(
                    session, cfg, now_s, mine, ready, touched, recent
                )
                report.worker_cpu_s += ready.cpu_s
            report.recomputed += len(mine)

    def _write(self, ready: Prepared | None) -> AbstractContextManager[Session]:
        """The chunk's write transaction, which sees the worker's staged rows if any."""
        if ready is not None and ready.staged is not None:
            return self.store.write_attached(ready.staged, STAGE, checkpoint=False)
        return self.store.write()

    def _prepared(
        self,
        cfg: SlaConfig,
        ids: Sequence[RawId],
        rest: Callable[[Session], list[RawId]] | None,
        now_s: int,
        rules: bool,
    ) -> Iterable[tuple[Sequence[RawId], Prepared | None]]:
        """The chunks to work (of `ids`, then of what `rest` finds), each with its rows
        computed ahead by the worker processes (large recomputes) or with None
        (computed in the transaction); with `rules`, the workers also tell which
        tickets changed since last seen."""
        if self.processes < 2 or len(ids) < self.pool_min or not shareable(self.store):
            return ((part, None) for part in self._parts(ids, rest, self.chunk))
        pool = self._pool = self._pool or self._new_pool()
        parts = self._parts(ids, rest, self.pool_chunk)
        return pool.prepared(
            self.store.url, cfg.fingerprint, parts, now_s, mark_seen=True, unseen=rules
        )

    def _parts(
        self, ids: Sequence[RawId], rest: Callable[[Session], list[RawId]] | None, size: int
    ) -> Iterator[list[RawId]]:
        # Taken one by one between the chunks' transactions, never inside one.
        first = chunks(ids, size)
        yield from islice(first, max(self.processes, 1))
        others: list[RawId] = []
        if rest is not None:
            # Looked for once every worker has a chunk and before any chunk is written:
            # the rows this pass writes would only lengthen its join (in a first
            # recompute, a tenth of the engine's time).
            with self.store.read() as session:
                others = rest(session)
        yield from first
        yield from chunks(others, size)

    def start_pool(self) -> None:
        """Start the worker processes now instead of on the first large recompute."""
        if self.processes >= 2 and shareable(self.store):
            self._pool = self._pool or self._new_pool()
            self._pool.start()

    def _new_pool(self) -> RecomputePool:
        # SQLite: workers hand their rows over in files (see parallel.py).
        return RecomputePool(self.processes, staging=self.store.dialect == "sqlite")

    def settle(self) -> int:
        """Wait for what the last pass left to the worker processes: the log checkpoint
        after a staged recompute. Returns the log frames it copied (0: none pending).
        Nothing needs this to be correct; benchmarks and tests use it."""
        if self._pool is None or self._pool.last_checkpoint is None:
            return 0
        done, self._pool.last_checkpoint = self._pool.last_checkpoint, None
        return done.result()

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def __enter__(self) -> SlaEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _assign_intake(self, now: datetime, report: SlaReport) -> None:
        for _ in range(MAX_ROUNDS):
            with self.store.write() as session:
                ids = assignment.claim_intake(session, self.batch)
                done = [assignment.assign_ticket(session, self._hlc, tid, now) for tid in ids]
            report.assigned += done
            # Tickets nobody could take stay in the queue: stop instead of spinning.
            if len(ids) < self.batch or not any(a.agent_id for a in done):
                return

    def _resume_reminders(self, now: datetime, report: SlaReport) -> None:
        for _ in range(MAX_ROUNDS):
            with self.store.write() as session:
                due = reminders.claim_due(session, now, self.batch)
                for tid, at in due:
                    resumed = reminders.resume(session, self._hlc, tid, at, now)
                    if resumed is not None:
                        report.resumed.append(resumed)
            if len(due) < self.batch:
                return

    def _hand_over(self, now: datetime, report: SlaReport) -> None:
        for _ in range(MAX_ROUNDS):
            with self.store.write() as session:
                absences = assignment.claim_absences(session, now, self.batch)
                for absence in absences:
                    report.handed_over += assignment.hand_over(session, self._hlc, absence, now)
            if len(absences) < self.batch:
                return

    def _fire(self, cfg: SlaConfig, now_s: int, report: SlaReport) -> None:
        for _ in range(MAX_ROUNDS):
            with self.store.write() as session:
                rules = triggers.load_rules(session)
                ctx = escalation.FireContext(
                    session, cfg, now_s, self._hlc, self.holder, self.late_after_s,
                    on_fired=_sla_rules(session, self._hlc, now_s, rules, report),
                )  # fmt: skip
                ids = escalation.claim_due(session, now_s, self.batch)
                report.fired += escalation.fire_batch(ctx, ids)
            if len(ids) < self.batch:
                return


def _store_prepared(
    session: Session,
    cfg: SlaConfig,
    now_s: int,
    mine: Sequence[RawId],
    ready: Prepared,
    touched: Iterable[RawId] = (),
    recent: Mapping[RawId, str] | None = None,
) -> int:
    """Write a chunk computed by a worker; its tickets changed since (those the rules just
    run fired on, `touched`, or by anyone) are computed again here. Returns how many the
    worker's were."""
    session.flush()  # the rules' changes, for the raw reads of the tickets computed again
    if recent is None:
        recent = recently_updated(session, mine, ready)
    stale, redo = outdated(session, mine, ready, touched, recent)
    again: list[tuple[Any, ...]] = []
    if redo:
        with gc_paused():
            again = rows_for(session, compute_all(session, redo, cfg, now_s), now_s, True)
    if ready.staged is not None:  # SQLite: no lock order to keep
        store_staged(session, STAGE, stale, mark_seen=True)
        store_rows(session, again, mark_seen=True)
    else:
        skip = set(stale)
        rows = [r for r in ready.rows if r[0] not in skip] + again
        store_rows(session, sorted(rows, key=itemgetter(0)), mark_seen=True)
    return len(mine) - len(redo)


def _may_have_events(
    mine: Sequence[RawId], ready: Prepared | None, recent: Mapping[RawId, str]
) -> Sequence[RawId]:
    """The chunk's tickets the rules are to look at: those the worker found changed
    since last seen, and those changed after it read them; all without a worker's
    answer. After a policy change that is nearly none of 100,000, where asking each
    cost the engine a tenth of the recompute."""
    if ready is None or ready.unseen is None:
        return mine
    return sorted(set(mine) & (set(ready.unseen) | set(recent)))


def _sla_rules(
    session: Session,
    hlc: Hlc,
    now_s: int,
    rules: list[triggers.RuleSpec],
    report: SlaReport,
) -> Callable[[Ticket, escalation.FiredLevel], None] | None:
    """Runs the "SLA level reached" rules as each level fires, in its transaction."""
    if not any(r.event is TriggerEvent.SLA_LEVEL for r in rules):
        return None
    ctx = triggers.RuleContext(session, hlc, from_epoch(now_s), rules)

    def on_fired(ticket: Ticket, fired: escalation.FiredLevel) -> None:
        key = f"sla:{fired.target.value}:{fired.cycle}:{fired.level}"
        extra = {"target": fired.target.value, "level": fired.level}
        report.triggered += triggers.run_event(ctx, ticket, TriggerEvent.SLA_LEVEL, key, extra)

    return on_fired
