"""SLA clocks of one ticket, computed from its facts: pure, in epoch seconds.

A ticket's status history gives the spans in which its clocks stand still ("stops"):
the policy's pause statuses (waiting for the customer, parked until a follow-up date)
and the done statuses (resolved, closed, rejected; a reopened ticket's clock goes on
from where it stopped). Its times give when each target was met:

* first response: created -> the first agent answer (or the ticket being done);
* next response: the last customer message after the first answer -> the next agent
  answer; each customer message starts a new cycle, whose levels fire anew;
* resolution: created -> done.

This runs for 100,000 tickets at a time, so it works on integers only: business time
is a *position* on the calendar's prefix-sum index (business seconds since the index
start), a clock is a few running segments in position space, and "when have n business
seconds run" is one bisect (Positions.at) instead of a calendar call per question.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import NamedTuple

from desk_gui.models.clock import ClockState
from desk_gui.models.sla import SlaTarget
from desk_gui.models.ticket import Status

from .calendar import WorkCalendar
from .index import IntervalIndex
from .policy import Level, PolicySpec

DONE_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.REJECTED})
# Enum members as plain names: in the hot loop a class attribute lookup per use counts.
_FIRST, _NEXT, _RESOLUTION = SlaTarget.FIRST_RESPONSE, SlaTarget.NEXT_RESPONSE, SlaTarget.RESOLUTION
_RUNNING, _PAUSED, _MET, _BREACHED = (
    ClockState.RUNNING,
    ClockState.PAUSED,
    ClockState.MET,
    ClockState.BREACHED,
)
YEAR = 366 * 86_400

Span = tuple[int, int | None]  # [start, end) in epoch seconds; end None = still going


class TicketTimes(NamedTuple):
    """The facts of one ticket that its clocks depend on."""

    created_s: int
    updated_s: int
    status: Status
    first_response_s: int | None
    last_customer_s: int | None
    # The first agent answer after the last customer message (None: not answered yet).
    answer_after_customer_s: int | None
    # Status history, oldest first: (at, old, new).
    transitions: Sequence[tuple[int, str | None, str | None]] = ()


def stops_and_done(t: TicketTimes, pause: Collection[str]) -> tuple[list[Span], int | None]:
    """The merged spans in which clocks stand still, and since when the ticket is done
    (None while it is not)."""
    stops: list[Span] = []
    start, status = t.created_s, "new"
    done: int | None = None
    steps = [(at, new) for at, _old, new in t.transitions if new is not None]
    if status != t.status and (not steps or steps[-1][1] != t.status):
        # History incomplete (a bulk-loaded store): the status changed at the last update.
        steps.append((t.updated_s, t.status))
    for at, new in steps:
        at = max(at, start)
        if status in pause or status in DONE_STATUSES:
            _add(stops, start, at)
        # Resolved -> closed is one done stretch: it began with the first of them.
        done = (at if done is None else done) if new in DONE_STATUSES else None
        start, status = at, new
    if status in pause or status in DONE_STATUSES:
        _add(stops, start, None)
    return stops, done


def _add(stops: list[Span], a: int, b: int | None) -> None:
    if b is not None and b <= a:
        return
    if stops and stops[-1][1] == a:
        stops[-1] = (stops[-1][0], b)
    else:
        stops.append((a, b))


def status_spans(t: TicketTimes) -> list[tuple[int, int | None, Status]]:
    """Which status the ticket had when (for explanations); the last is the current."""
    spans: list[tuple[int, int | None, Status]] = []
    start, status = t.created_s, Status.NEW
    for at, _old, new in [*t.transitions, (t.updated_s, None, t.status.value)]:
        if new is None or (new == status and at == t.updated_s):
            continue
        at = max(at, start)
        spans.append((start, at, status))
        start, status = at, Status(new)
    spans.append((start, None, status))
    return spans


class Positions:
    """Business-time positions on one calendar, answered from a prebuilt index.

    Instants outside the index (a due time years ahead) fall back to the calendar's own
    methods, which grow its index as needed; both give the same answers.
    """

    __slots__ = ("cal", "hi", "ix", "lo", "total")

    def __init__(self, cal: WorkCalendar, first: int, last: int) -> None:
        self.cal = cal
        self.ix: IntervalIndex = cal.index_for(first, last)
        self.lo, self.hi, self.total = self.ix.lo, self.ix.hi, self.ix.total

    def pos(self, t: int) -> int:
        """Business seconds from the index start to t."""
        if self.lo <= t <= self.hi:
            return self.ix.position(t)
        return self.cal.between_epoch(self.lo, t)

    def at(self, p: int) -> int:
        """The earliest instant whose position is p (p >= 1)."""
        if p <= self.total:
            return self.ix.instant(p)
        return self.cal.add_epoch(self.lo, p)


def positions_for(cal: WorkCalendar, starts: Iterable[int], now: int) -> Positions:
    """One index for many clocks: from the earliest start to a year past now."""
    first = min(starts, default=now)
    return Positions(cal, first, max(now, first) + YEAR)


class Walk:
    """Business time of one clock from its start, with the stops cut out.

    `segments` are the running stretches in position space; the last one is open-ended
    unless the clock is held by a stop that has not ended.
    """

    __slots__ = ("p", "segments", "start", "stops")

    def __init__(self, p: Positions, start: int, stops: Sequence[Span]) -> None:
        self.p = p
        self.start = start
        self.stops = stops
        cursor = p.pos(start)
        segments: list[tuple[int, int | None]] = []
        for a, b in stops:
            pa = p.pos(a)
            segments.append((cursor, pa))
            if b is None:
                break
            cursor = p.pos(b)
        else:
            segments.append((cursor, None))
        self.segments = segments

    def instant(self, seconds: int) -> int | None:
        """When `seconds` business seconds have run; None while a stop holds the clock."""
        remaining = seconds
        for a, b in self.segments:
            if b is None or b - a >= remaining:
                return self.p.at(a + remaining)
            remaining -= b - a
        return None

    def held(self, end: int) -> int:
        """Business seconds the stops held back in [start, end)."""
        p = self.p
        return sum(
            p.pos(end if b is None or b > end else b) - p.pos(a) for a, b in self.stops if a < end
        )

    def elapsed(self, end: int) -> int:
        """Business seconds the clock ran in [start, end)."""
        if end <= self.start:
            return 0
        return self.p.pos(end) - self.p.pos(self.start) - self.held(end)


def clip(stops: Sequence[Span], start: int, met: int | None) -> list[Span]:
    """Stops from `start` on; once met, later stops no longer matter."""
    out: list[Span] = []
    for a, b in stops:
        if b is not None and b <= start:
            continue
        if met is not None and a >= met:
            break
        out.append((max(a, start), b))
    return out


class ClockValues(NamedTuple):
    """One computed clock; the columns of models.clock.SlaClock."""

    target: SlaTarget
    start_s: int
    target_s: int
    due_s: int | None
    paused_s: int
    state: ClockState
    met_s: int | None
    levels_fired: int
    next_level: str | None
    next_level_s: int | None


def clock_state(due: int | None, met: int | None, now: int) -> ClockState:
    if met is not None:
        return _MET if due is None or met <= due else _BREACHED
    if due is None:
        return _PAUSED
    return _BREACHED if due <= now else _RUNNING


# Where a target's clock starts and ends, before any calendar arithmetic: target,
# target seconds, start, met. A plain tuple, not a named one: constructing those cost a
# tenth of the computation.
ClockPlan = tuple[SlaTarget, int, int, int | None]


def plans(policy: PolicySpec, t: TicketTimes, done: int | None) -> list[ClockPlan]:
    out: list[ClockPlan] = []
    targets = policy.targets
    first = targets.get(_FIRST)
    if first:
        out.append((_FIRST, first, t.created_s, _earliest(t.first_response_s, done)))
    nxt = targets.get(_NEXT)
    answered, customer = t.first_response_s, t.last_customer_s
    # Only a customer message after the first answer opens a next-response cycle.
    if nxt and answered is not None and customer is not None and customer > answered:
        met = _earliest(t.answer_after_customer_s, None if done is None else max(done, customer))
        out.append((_NEXT, nxt, customer, met))
    resolution = targets.get(_RESOLUTION)
    if resolution:
        out.append((_RESOLUTION, resolution, t.created_s, done))
    return out


def _earliest(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


def eligible(level: Level, target_s: int, met: int | None, at: int | None) -> bool:
    """Whether a level that falls due at `at` fires at all.

    Before the clock is met every level fires. A level that fell due before the ticket
    was answered but did not fire (no engine ran then) still fires late when it marks
    the breach or later, which stays a fact worth escalating; a missed early warning
    about a ticket answered since would only be noise.
    """
    if at is None:
        return False
    if met is None:
        return True
    return at < met and level.offset(target_s) >= target_s


def next_pending(
    walk: Walk | _Straight,
    pending: Sequence[tuple[Level, int]],
    target_s: int,
    met: int | None,
    due: int | None,
) -> tuple[Level | None, int | None]:
    """The next level to fire and when it falls due (None: nothing more will fire);
    `pending` are the levels not fired yet with their offsets for `target_s`."""
    for level, offset in pending:
        if met is not None and offset < target_s:
            continue  # an early warning, moot once met
        at = due if offset == target_s else walk.instant(offset)
        if at is None:
            # Held by a stop: due once the clock runs again; never once met.
            return (level, None) if met is None else (None, None)
        # `eligible`, with the offset at hand (this runs for every clock of a recompute).
        return (level, at) if met is None or at < met else (None, None)
    return None, None


Fired = Mapping[tuple[SlaTarget, int], Collection[str]]


class TicketClocks(NamedTuple):
    """A ticket's clocks, and what escalation and explanations ask about them."""

    clocks: list[ClockValues]
    positions: Positions
    stops: dict[SlaTarget, list[Span]]  # each clock's stops, clipped to it
    levels: dict[SlaTarget, tuple[Level, ...]]

    def walk(self, clock: ClockValues) -> Walk:
        return Walk(self.positions, clock.start_s, self.stops[clock.target])

    def next_due(self) -> tuple[int, SlaTarget] | None:
        """The earliest due time of an unmet clock: what "due next" sorts by."""
        best: tuple[int, SlaTarget] | None = None
        for c in self.clocks:
            if c.met_s is None and c.due_s is not None and (best is None or c.due_s < best[0]):
                best = (c.due_s, c.target)
        return best


class _Straight:
    """A Walk without stops, which is most clocks: n business seconds from the start are
    one bisect away."""

    __slots__ = ("ix", "p", "p0", "total")

    def __init__(self, p: Positions, p0: int) -> None:
        self.p, self.p0, self.ix, self.total = p, p0, p.ix, p.total

    def instant(self, seconds: int) -> int:
        q = self.p0 + seconds
        # Positions.at's common case inlined: two to four of these per clock.
        return self.ix.instant(q) if q <= self.total else self.p.at(q)


def compute(
    cal: WorkCalendar,
    policy: PolicySpec,
    t: TicketTimes,
    fired: Fired,
    now: int,
    positions: Positions | None = None,
) -> TicketClocks:
    """All clocks of one ticket under one policy, as of `now`."""
    p = positions or positions_for(cal, [t.created_s], now)
    stops, done = stops_and_done(t, policy.pause_values)
    result = TicketClocks([], p, {}, {})
    created_pos: int | None = None
    for target, target_s, start, met in plans(policy, t, done):
        mine = clip(stops, start, met) if stops else stops
        walk: Walk | _Straight
        if mine:
            walk = Walk(p, start, mine)
        else:
            if start != t.created_s:
                walk = _Straight(p, p.pos(start))
            else:
                created_pos = p.pos(start) if created_pos is None else created_pos
                walk = _Straight(p, created_pos)
        due = walk.instant(target_s)
        levels = policy.levels_by_target[target]
        offsets = policy.offsets_by_target[target]
        done_keys = fired.get((target, start)) if fired else None
        pending = [lo for lo in offsets if lo[0].key not in done_keys] if done_keys else offsets
        next_level, next_at = next_pending(walk, pending, target_s, met, due)
        end = met if met is not None else now
        result.clocks.append(
            ClockValues(
                target,
                start,
                target_s,
                due,
                walk.held(end) if isinstance(walk, Walk) and end > start else 0,
                clock_state(due, met, now),
                met,
                len(levels) - len(pending),
                None if next_level is None else next_level.key,
                next_at,
            )
        )
        result.stops[target] = mine
        result.levels[target] = levels
    return result
