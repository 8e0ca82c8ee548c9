"""Recomputing clocks in bulk: which tickets changed, their facts, and the writes.

Which tickets: those whose hlc differs from the one their clocks were computed from
(every command stamps the ticket's hlc, and so will replication), those never seen, and
those marked stale by a policy or calendar change. Comparing per ticket instead of
keeping one "changed since" cursor means no ticket is skipped when transactions commit
out of timestamp order, when clocks of two machines disagree, or when rows arrive by
replication with old timestamps.

How: per chunk of tickets, a handful of set-based queries on plain tuples (see
bulk.py): ticket columns as epoch seconds, status history, answers after the last
customer message, fired levels, stored clocks; the integer computation of clocks.py;
and upserts of only the clocks that changed. Two engines on one PostgreSQL database may
run this at once: a chunk first locks its tickets' state rows (SKIP LOCKED: a ticket
another engine is working on is left to it) and all writes go in ticket order, so they
neither deadlock nor clash.
"""

from __future__ import annotations

import gc
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from desk_gui.models.clock import (
    CLOCK_FIELDS,
    CLOCK_PREFIX,
    ClockState,
    SlaTicketState,
    clock_columns,
)
from desk_gui.models.sla import SlaTarget
from desk_gui.models.ticket import OPEN_SQL, OPEN_STATUSES, Status

from .bulk import Bulk, RawId
from .calendar import WorkCalendar, from_epoch
from .clocks import Positions, TicketClocks, TicketTimes, compute, positions_for
from .config import SlaConfig
from .policy import PolicySpec, TicketFacts, match_policy

STATES: Table = SlaTicketState.__table__  # type: ignore[assignment]
CHUNK = 5000  # tickets per transaction: SQLite allows 32,766 bound values
# Tickets that left the open statuses recently are still looked at: one created and
# closed between two runs still gets its (met) clocks.
RECENT = timedelta(days=1)
_IS_OPEN = frozenset(s.value for s in OPEN_STATUSES)
_STATUS = {s.value: s for s in Status}
_ANSWERS = ("outbound_mail", "call", "reached")
# The first agent answer (mail out, or a call that reached the customer) after the
# ticket's last customer message, for a ticket asked again since its first answer: the
# earliest entry of its (ticket, created) index range. Asked in the tickets' own read:
# as a join of the chunk's messages and tickets PostgreSQL scanned both tables whole,
# and as a query of its own, given the tickets as a list, every ticket.
_ANSWER = (
    "SELECT {epoch} FROM messages m WHERE m.ticket_id = t.id "
    "AND m.created_at > t.last_customer_message_at "
    "AND (m.kind = ? OR (m.kind = ? AND m.call_outcome = ?)) ORDER BY m.created_at LIMIT 1"
)


class Facts(NamedTuple):
    ticket_id: RawId
    hlc: str
    group_id: uuid.UUID | None
    is_open: bool
    match: TicketFacts
    times: TicketTimes


class Computed(NamedTuple):
    facts: Facts
    policy: PolicySpec | None
    calendar_id: uuid.UUID | None
    calendar: WorkCalendar | None
    clocks: TicketClocks | None


def chunks(ids: Sequence[RawId], size: int = CHUNK) -> Iterator[list[RawId]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_for(session: Session) -> Any:
    """The dialect's insert, which has ON CONFLICT (both SQLite and PostgreSQL)."""
    return postgresql.insert if is_postgres(session) else sqlite.insert


# --- which tickets ------------------------------------------------------------------------


_CHANGED = "(s.ticket_id IS NULL OR s.ticket_hlc <> t.hlc OR s.seen_hlc <> t.hlc OR s.stale)"
_SCAN = f"SELECT t.id FROM tickets t LEFT JOIN sla_tickets s ON s.ticket_id = t.id WHERE {_CHANGED}"
# Not the scan narrowed to "s.ticket_id IS NULL": that reads each ticket's row for the
# hlc compared first, where this reads the updated_at index alone (on a store with 100,000
# tickets updated in the last day: 414 -> 157 ms).
_NEVER_SEEN = (
    "SELECT t.id FROM tickets t WHERE t.updated_at >= ? "
    "AND NOT EXISTS (SELECT 1 FROM sla_tickets s WHERE s.ticket_id = t.id)"
)


def dirty_tickets(
    session: Session, now_s: int, since: datetime | None = None, everything: bool = False
) -> list[RawId]:
    """Tickets whose clocks or trigger state lag behind the ticket, in ticket order.

    Full (`since` None): every open ticket, every ticket left open since last seen, and
    the never-seen ones changed in the last day; a few hundred ms at 100,000 open
    tickets. Incremental: only tickets updated from `since` on, one index range; the
    engine runs a full scan now and then as well, for rows whose update time lies
    (replicated from a machine whose clock is behind). `everything` (policies or
    calendars changed, so every open clock is stale): the open tickets and those open
    when last seen, without comparing each with its state.
    """
    db = Bulk(session)
    if since is not None:
        return db.sorted_ids(
            r[0] for r in db.fetch(f"{_SCAN} AND t.updated_at >= ?", [db.timestamp(since)])
        )
    first, rest = dirty_split(session, now_s, everything)
    return db.sorted_ids([*first, *rest(session)])


def dirty_split(
    session: Session, now_s: int, everything: bool = False
) -> tuple[list[RawId], Callable[[Session], list[RawId]]]:
    """A full scan (see `dirty_tickets`) in two parts: the open tickets, in ticket
    order, and a function that finds the others (left open since last seen, never seen
    and changed lately) in a later transaction. The engine hands out the first part's
    chunks at once and looks for the rest while the workers compute them: the scan
    would otherwise keep both cores idle for a tenth of a large recompute.

    Three narrow queries rather than one OR: each can walk its own index."""
    db = Bulk(session)
    tickets = _open_tickets(db)
    if everything:
        rows = db.fetch(f"SELECT t.id FROM {tickets} WHERE t.{OPEN_SQL}")
    else:
        rows = db.fetch(
            f"SELECT t.id FROM {tickets} LEFT JOIN sla_tickets s ON s.ticket_id = t.id "
            f"WHERE {_CHANGED} AND t.{OPEN_SQL}"
        )
    first = db.sorted_ids(r[0] for r in rows)
    taken = set(first)

    def rest(later: Session) -> list[RawId]:
        db = Bulk(later)
        recent = from_epoch(now_s - int(RECENT.total_seconds()))
        found = {r[0] for r in db.fetch(_NEVER_SEEN, [db.timestamp(recent)])}
        # Open when last seen and open now: changed ones are in `first`. Open when last
        # seen and not now: the status changed, and with it the hlc, so no comparing.
        was_open = db.fetch(
            "SELECT s.ticket_id FROM sla_tickets s WHERE s.open AND NOT EXISTS "
            f"(SELECT 1 FROM {_open_tickets(db)} WHERE t.id = s.ticket_id AND t.{OPEN_SQL})"
        )
        found.update(r[0] for r in was_open)
        return db.sorted_ids(found - taken)

    return first, rest


def _open_tickets(db: Bulk) -> str:
    """`tickets t` read through ix_tickets_open: the open tickets in id order with their
    hlc, walked beside the state rows' key, where SQLite's planner would pick the status
    index and look up each ticket and state row at random (5x slower at 100,000). The
    query must repeat the index's condition, t.OPEN_SQL."""
    return "tickets t" if db.pg else "tickets t INDEXED BY ix_tickets_open"


def mark_all_stale(session: Session) -> None:
    """Policies or calendars changed: every clock of an open ticket is recomputed."""
    session.execute(STATES.update().where(STATES.c.open.is_(True)).values(stale=True))


def clear_clocks() -> dict[str, None]:
    """Column values of a state row without clocks (update(STATES).values(**...))."""
    return dict.fromkeys(_COMPARED[_COMPARED.index("calendar_id") :])


def claim(session: Session, ids: Sequence[RawId]) -> list[RawId]:
    """The tickets of `ids` this transaction may work on (all of them on SQLite)."""
    if not is_postgres(session) or not ids:
        return list(ids)
    db = Bulk(session)
    wanted = set(ids)
    tickets = Tickets(db, ids)
    scope, scope_params = tickets.among("ticket_id")
    existing = {
        r[0]
        for r in db.fetch(f"SELECT ticket_id FROM sla_tickets WHERE {scope}", scope_params)
        if r[0] in wanted
    }
    if not existing:  # nothing to lock (never computed): a first recompute
        return db.sorted_ids(ids)
    if tickets.span is None:
        scope, scope_params = db.among("ticket_id", sorted(existing))
    # else the whole range: the few other tickets in it are locked along, where a list of
    # 10,000 ids is one index search each.
    locked = db.fetch(
        f"SELECT ticket_id FROM sla_tickets WHERE {scope} "
        "ORDER BY ticket_id FOR UPDATE SKIP LOCKED",
        scope_params,
    )
    return db.sorted_ids(({r[0] for r in locked} & wanted) | (wanted - existing))


# --- facts ----------------------------------------------------------------------------------


class Tickets:
    """SQL for "this id column is one of these tickets".

    A chunk of a full recompute holds (nearly) every ticket of its id range: then one
    range reads the indexes in order, where an IN list searches them once per id (a
    quarter of reading the facts). Rows of other tickets in the range are the caller's
    to drop (`wanted`)."""

    def __init__(self, db: Bulk, ids: Sequence[RawId]) -> None:
        self.db, self.ids = db, ids
        lo, hi = min(ids), max(ids)
        most = len(ids) + len(ids) // 4
        # Counted only up to one past `most`: in a store of mostly closed tickets the
        # range of 10,000 open ones holds ten times as many (9 -> 1 ms).
        n = db.fetch(
            "SELECT count(*) FROM (SELECT 1 FROM tickets WHERE id BETWEEN ? AND ? LIMIT ?) AS r",
            [lo, hi, most + 1],
        )[0][0]
        self.span = (lo, hi) if n <= most else None
        self.wanted = frozenset(ids) if self.span else None

    def among(self, column: str) -> tuple[str, list[Any]]:
        if self.span is None:
            return self.db.among(column, self.ids)
        return f"{column} BETWEEN ? AND ?", list(self.span)


def load_facts(session: Session, ids: Sequence[RawId]) -> dict[RawId, Facts]:
    if not ids:
        return {}
    db = Bulk(session)
    tickets = Tickets(db, db.raw_ids(ids))
    among, params = tickets.among("t.id")
    answered, asked = db.epoch("t.first_response_at"), db.epoch("t.last_customer_message_at")
    rows = db.fetch(
        "SELECT t.id, t.hlc, t.status, t.priority, t.type, t.category, t.channel, t.group_id, "
        f"o.contract_level, {db.epoch('t.created_at')}, {db.epoch('t.updated_at')}, "
        f"{answered}, {asked}, CASE WHEN {asked} > {answered} "
        f"THEN ({_ANSWER.format(epoch=db.epoch('m.created_at'))}) END "
        "FROM tickets t LEFT JOIN organizations o ON o.id = t.organization_id "
        f"WHERE {among}",
        [*_ANSWERS, *params],
    )
    if tickets.wanted is not None:
        rows = [r for r in rows if r[0] in tickets.wanted]
    history = _status_history(db, tickets)
    out: dict[RawId, Facts] = {}
    groups: dict[RawId, tuple[uuid.UUID, str]] = {}  # few groups: convert each once
    for tid, hlc, status, prio, typ, cat, chan, group, contract, c, u, fr, lcm, ans in rows:
        if group is None:
            gid, gtext = None, None
        else:
            if group not in groups:
                as_uuid = db.to_uuid(group)
                groups[group] = (as_uuid, str(as_uuid))
            gid, gtext = groups[group]
        out[tid] = Facts(
            tid,
            hlc,
            gid,
            status in _IS_OPEN,
            TicketFacts(contract or "none", gtext, typ, cat, prio, chan),
            TicketTimes(c, u, _STATUS[status], fr, lcm, ans, history.get(tid, ())),
        )
    return out


def _status_history(
    db: Bulk, tickets: Tickets
) -> dict[RawId, list[tuple[int, str | None, str | None]]]:
    out: dict[RawId, list[tuple[int, str | None, str | None]]] = defaultdict(list)
    among, params = tickets.among("ticket_id")
    rows = db.fetch(
        f"SELECT ticket_id, {db.epoch('at')}, old, new FROM history "
        f"WHERE {among} AND field = 'status' ORDER BY ticket_id, at",
        params,
    )
    for tid, at, old, new in rows:
        out[tid].append((at, old, new))
    return out


def fired_levels(
    session: Session, ids: Sequence[RawId]
) -> dict[RawId, dict[tuple[SlaTarget, int], set[str]]]:
    db = Bulk(session)
    ids = db.raw_ids(ids)
    out: dict[RawId, dict[tuple[SlaTarget, int], set[str]]] = {}
    among, params = db.among("ticket_id", ids)
    rows = db.fetch(
        f"SELECT ticket_id, target, cycle, level FROM escalation_events WHERE {among}", params
    )
    for tid, target, cycle, level in rows:
        out.setdefault(tid, defaultdict(set))[(SlaTarget(target), cycle)].add(level)
    return out


# --- computing ------------------------------------------------------------------------------


def compute_all(
    session: Session, ids: Sequence[RawId], cfg: SlaConfig, now_s: int
) -> list[Computed]:
    """The clocks of these tickets as of now_s (in ticket order), not stored."""
    if not ids:
        return []
    db = Bulk(session)
    raw = db.sorted_ids(db.raw_ids(ids))
    facts = load_facts(session, raw)
    fired = fired_levels(session, raw)
    earliest = min((f.times.created_s for f in facts.values()), default=now_s)
    memo = Memo(cfg, now_s, earliest)
    return [
        compute_one(facts[tid], cfg, fired.get(tid, {}), now_s, memo)
        for tid in raw
        if tid in facts  # else deleted meanwhile
    ]


_Choice = tuple[PolicySpec | None, uuid.UUID | None, WorkCalendar | None, Positions | None]


class Memo:
    """Per batch: which policy and calendar a combination of ticket facts gets (many
    tickets share one), and one position index per calendar from the batch's earliest
    ticket on."""

    def __init__(self, cfg: SlaConfig, now_s: int, earliest: int) -> None:
        self.cfg, self.now_s, self.earliest = cfg, now_s, earliest
        self.choices: dict[TicketFacts, _Choice] = {}
        self.positions: dict[uuid.UUID, Positions] = {}

    def choose(self, f: Facts) -> _Choice:
        choice = self.choices.get(f.match)
        if choice is None:
            choice = self.choices[f.match] = self._choose(f)
        return choice

    def _choose(self, f: Facts) -> _Choice:
        policy = match_policy(self.cfg.policies, f.match)
        if policy is None or not policy.targets:
            return policy, None, None, None
        cal_id = self.cfg.calendar_id(policy, f.group_id)
        cal = self.cfg.calendars.get(cal_id)
        if cal is None:  # the policy's calendar was removed: no clocks until it is fixed
            return policy, None, None, None
        p = self.positions.get(cal_id)
        if p is None:
            p = self.positions[cal_id] = positions_for(cal, [self.earliest], self.now_s)
        return policy, cal_id, cal, p


def compute_one(
    f: Facts,
    cfg: SlaConfig,
    fired: Mapping[tuple[SlaTarget, int], Iterable[str]],
    now_s: int,
    memo: Memo | None = None,
) -> Computed:
    policy, cal_id, cal, p = (memo or Memo(cfg, now_s, f.times.created_s)).choose(f)
    if policy is None or cal is None or p is None:
        return Computed(f, policy, None, None, None)
    fired_sets = {k: frozenset(v) for k, v in fired.items()} if fired else {}
    return Computed(f, policy, cal_id, cal, compute(cal, policy, f.times, fired_sets, now_s, p))


# --- writing ----------------------------------------------------------------------------------

_SLOTS = {target: i for i, target in enumerate(CLOCK_PREFIX)}
_NO_CLOCK: tuple[Any, ...] = (None,) * len(CLOCK_FIELDS)
_NO_CLOCKS = (None, None, None, *_NO_CLOCK * len(_SLOTS))
_STATE = {s: s.value for s in ClockState}  # an enum's .value is a slow property
_TARGET = {t: t.value for t in SlaTarget}
# Compared with the stored row to skip unchanged tickets; the seen columns and the time
# of writing are not part of it.
_COMPARED = (
    "ticket_hlc",
    "stale",
    "open",
    "policy_id",
    "calendar_id",
    "next_due_s",
    "next_due_target",
    "next_level_s",
    *(c for target in CLOCK_PREFIX for c in clock_columns(target)),
)
_SEEN = ("seen_hlc", "seen_reply_s")
_COLUMNS = ("ticket_id", *_COMPARED, *_SEEN, "computed_s")


def _upsert_sql(update: Sequence[str], rows_from: str) -> str:
    sets = ", ".join(f"{c} = excluded.{c}" for c in update)
    return (
        f"INSERT INTO sla_tickets ({', '.join(_COLUMNS)}) {rows_from} "
        f"ON CONFLICT (ticket_id) DO UPDATE SET {sets}"
    )


def _updated(mark_seen: bool) -> list[str]:
    """The columns a conflicting row takes over: the seen ones only when marking seen."""
    return [c for c in _COLUMNS[1:] if mark_seen or c not in _SEEN]


_VALUES = f"VALUES ({Bulk.marks(len(_COLUMNS))})"
_UPSERT = {seen: _upsert_sql(_updated(seen), _VALUES) for seen in (True, False)}


def _stored(db: Bulk, ids: Sequence[RawId]) -> dict[RawId, tuple[Any, ...]]:
    """The stored rows of these tickets: the compared columns, then the seen ones."""
    among, params = db.among("ticket_id", ids)
    rows = db.fetch(
        f"SELECT ticket_id, {', '.join((*_COMPARED, *_SEEN))} FROM sla_tickets WHERE {among}",
        params,
    )
    return {r[0]: r[1:] for r in rows}


def _raw(db: Bulk, memo: dict[uuid.UUID, RawId], value: uuid.UUID | None) -> RawId | None:
    if value is None:
        return None
    found = memo.get(value)
    if found is None:
        found = memo[value] = db.raw_id(value)
    return found


def _clock_values(c: Computed) -> tuple[Any, ...]:
    """The compared columns after `calendar_id`: next due, next level, the clocks."""
    if c.clocks is None or c.calendar_id is None:
        return _NO_CLOCKS
    groups = [_NO_CLOCK, _NO_CLOCK, _NO_CLOCK]
    next_level: int | None = None
    # Plain indexing and concatenation: this runs for every ticket of a recompute.
    for v in c.clocks.clocks:
        at = v[9]
        groups[_SLOTS[v[0]]] = (v[1], v[2], v[3], v[4], _STATE[v[5]], v[6], v[7], v[8], at)
        if at is not None and (next_level is None or at < next_level):
            next_level = at
    due = c.clocks.next_due()
    head = (None, None, next_level) if due is None else (due[0], _TARGET[due[1]], next_level)
    return head + groups[0] + groups[1] + groups[2]


def rows_for(
    session: Session,
    computed: Sequence[Computed],
    now_s: int,
    mark_seen: bool,
    compare: bool = True,
) -> list[tuple[Any, ...]]:
    """The state rows to write for these tickets: on SQLite those that differ from the
    stored, which spares binding the others; all of them without `compare`, and on
    PostgreSQL, whose upsert compares in SQL anyway (see `_differs`)."""
    if not computed:
        return []
    db = Bulk(session)
    ids = [c.facts.ticket_id for c in computed]
    stored = _stored(db, ids) if compare and not db.pg else {}
    rows: list[tuple[Any, ...]] = []
    # A few policies and calendars serve 100,000 tickets: convert each id once.
    raw: dict[uuid.UUID, RawId] = {}
    n = len(_COMPARED)
    for c in computed:
        f = c.facts
        values = (
            f.hlc,
            False,
            f.is_open,
            _raw(db, raw, None if c.policy is None else c.policy.id),
            _raw(db, raw, c.calendar_id if c.clocks is not None else None),
            *_clock_values(c),
        )
        before = stored.get(f.ticket_id)
        seen = (f.hlc, f.times.last_customer_s) if mark_seen else ("", None)
        if before is not None and before[:n] == values and (not mark_seen or before[n:] == seen):
            continue
        rows.append((f.ticket_id, *values, *seen, now_s))
    return rows


def store_rows(session: Session, rows: Sequence[tuple[Any, ...]], mark_seen: bool) -> None:
    """Upsert rows of `rows_for`, in ticket order: the same lock order everywhere. On
    PostgreSQL a row equal to the stored one is left alone (rows from the worker
    processes come uncompared)."""
    if not rows:
        return
    db = Bulk(session)
    if db.pg:
        taken = db.stage(STATES, _COLUMNS, rows)
        db.execute(f"{_upsert_sql(_updated(mark_seen), taken)} WHERE {_differs(db, mark_seen)}")
    else:
        db.many(_UPSERT[mark_seen], rows)


def _differs(db: Bulk, mark_seen: bool) -> str:
    """The upsert's condition for updating a stored row: a compared column differs.

    Compared in SQL, not by reading the stored rows into Python (3.7 million objects
    per 100,000 tickets; on PostgreSQL a fifth of the server's time after a policy
    change) or by joining them in the SELECT (a second look-up per row)."""
    compared = [*_COMPARED, *_SEEN] if mark_seen else _COMPARED
    op = "IS DISTINCT FROM" if db.pg else "IS NOT"
    return " OR ".join(f"sla_tickets.{c} {op} excluded.{c}" for c in compared)


def stage_rows(path: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """SQLite: rows of `rows_for` (uncompared: one per ticket) into a new database file
    of their own (table `rows`), for `store_staged` to take in one statement.

    Handing 5,000 rows of 39 values to SQLite one by one (binding) is a third of a
    recompute's writing; this way a worker process does it on its own core instead of
    the single writer, and nothing is pickled. No journal, no syncs: the file is
    removed after one use."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute(f"CREATE TABLE rows ({', '.join(_COLUMNS)})")
        con.execute("BEGIN")
        con.executemany(f"INSERT INTO rows VALUES ({Bulk.marks(len(_COLUMNS))})", rows)
        con.execute("COMMIT")
    finally:
        con.close()


def newest_update(session: Session) -> Any:
    """The latest `updated_at` of any ticket in this transaction's snapshot (the column's
    raw value, for `updated_since`); None when there are no tickets."""
    return Bulk(session).fetch("SELECT max(updated_at) FROM tickets")[0][0]


def updated_since(session: Session, since: Any) -> dict[RawId, str]:
    """The tickets updated after `since` (a value of `newest_update`; None: all of them),
    with their hlc: one index range, usually a handful of rows.

    After, not at: the tickets that share the newest time can be many (one command
    stamped thousands, a bulk load), and every chunk would read them all again."""
    db = Bulk(session)
    if since is None:
        return dict(db.fetch("SELECT id, hlc FROM tickets"))
    return dict(db.fetch("SELECT id, hlc FROM tickets WHERE updated_at > ?", [since]))


def unseen_since(session: Session, ids: Sequence[RawId], hlcs: Mapping[RawId, str]) -> list[RawId]:
    """Of these tickets (`hlcs`: each one's hlc as read), those changed since the rules
    last saw them, or never seen: only they can have an event a rule listens to (every
    change stamps the ticket's hlc). A range read of the state rows, in their order."""
    db = Bulk(session)
    among, params = Tickets(db, ids).among("ticket_id")
    seen = dict(db.fetch(f"SELECT ticket_id, seen_hlc FROM sla_tickets WHERE {among}", params))
    return [tid for tid, hlc in hlcs.items() if seen.get(tid) != hlc]


def staged_hlcs(session: Session, schema: str, ids: Sequence[RawId]) -> dict[RawId, str]:
    """The hlc the staged rows of these tickets were computed from."""
    if not ids:
        return {}
    db = Bulk(session)
    among, params = db.among("ticket_id", ids)
    return dict(db.fetch(f"SELECT ticket_id, ticket_hlc FROM {schema}.rows WHERE {among}", params))


def store_staged(session: Session, schema: str, skip: Sequence[RawId], mark_seen: bool) -> None:
    """Upsert the rows staged by `stage_rows` in the file attached as `schema` that
    differ from the stored ones, but those of the tickets in `skip`."""
    db = Bulk(session)
    taken = f"SELECT {', '.join(_COLUMNS)} FROM {schema}.rows WHERE true"
    if skip:
        taken += f" AND ticket_id NOT IN ({db.marks(len(skip))})"
    db.execute(
        f"{_upsert_sql(_updated(mark_seen), taken)} WHERE {_differs(db, mark_seen)}", list(skip)
    )


def write(session: Session, computed: Sequence[Computed], now_s: int, mark_seen: bool) -> None:
    """Store the tickets' states and clocks (rows equal to the stored ones stay as they are)."""
    store_rows(session, rows_for(session, computed, now_s, mark_seen), mark_seen)


def recompute(
    session: Session,
    ids: Sequence[RawId],
    cfg: SlaConfig,
    now_s: int,
    mark_seen: bool = False,
) -> list[Computed]:
    """Compute and store the clocks of these tickets inside the caller's transaction."""
    session.flush()  # the raw reads must see pending ORM changes (trigger actions)
    with gc_paused():
        computed = compute_all(session, ids, cfg, now_s)
        write(session, computed, now_s, mark_seen)
    return computed


@contextmanager
def gc_paused() -> Iterator[None]:
    """A batch allocates many small objects that stay alive until it ends; the cyclic
    collector scanning them over and over costs a third of the batch. None of them form
    cycles, so collection waits until the batch (a fraction of a second) is done."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
