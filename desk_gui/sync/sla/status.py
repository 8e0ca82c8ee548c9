"""One ticket's SLA state right now, for the ticket view and `desk-gui sla explain`.

Computed fresh from the ticket's facts (not read from the stored clocks), so it is exact
even between two engine passes, and with the remaining *business* time per target,
which needs the calendar. `explanation` says how each due time came about: the business
intervals that counted, the pauses, closed days and replaced hours.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models.clock import ClockState, EscalationEvent
from desk_gui.models.sla import SlaTarget

from .calendar import from_epoch, to_epoch
from .clocks import ClockValues, TicketClocks
from .config import CalendarCache, load_config
from .pauses import DueExplanation, explain_due
from .recompute import compute_one, fired_levels, load_facts


@dataclass(frozen=True)
class FiredInfo:
    level: str
    due_at: datetime
    fired_at: datetime
    late: bool


@dataclass(frozen=True)
class TargetStatus:
    target: SlaTarget
    state: ClockState
    start_at: datetime
    target_s: int
    due_at: datetime | None
    met_at: datetime | None
    paused_s: int  # business seconds held back by pauses so far
    elapsed_s: int  # business seconds the clock ran so far (until met)
    remaining_s: int  # business seconds left; negative: overdue by that much
    # "ok", "warning" (a level before the due time was reached), "breached", "met",
    # "paused": what the UI colours by.
    level: str
    next_level: str | None
    next_level_at: datetime | None
    fired: tuple[FiredInfo, ...]
    explanation: DueExplanation


@dataclass(frozen=True)
class TicketSla:
    ticket_id: uuid.UUID
    policy: str | None  # None: no policy matches the ticket
    calendar: str | None
    timezone: str | None
    targets: tuple[TargetStatus, ...]


def ticket_sla(
    session: Session,
    ticket_id: uuid.UUID,
    now: datetime,
    cache: CalendarCache | None = None,
) -> TicketSla | None:
    """None when the ticket does not exist."""
    cfg = load_config(session, cache or CalendarCache())
    facts = load_facts(session, [ticket_id])
    if not facts:
        return None
    f = next(iter(facts.values()))
    now_s = to_epoch(now)
    fired = fired_levels(session, [ticket_id]).get(f.ticket_id, {})
    c = compute_one(f, cfg, fired, now_s)
    if c.policy is None or c.clocks is None or c.calendar is None or c.calendar_id is None:
        return TicketSla(ticket_id, c.policy.name if c.policy else None, None, None, ())
    events = _events(session, ticket_id)
    targets = tuple(_target(c.clocks, v, now_s, events) for v in c.clocks.clocks)
    cal_name = cfg.calendar_names.get(c.calendar_id)
    return TicketSla(ticket_id, c.policy.name, cal_name, c.calendar.tz, targets)


def _events(session: Session, ticket_id: uuid.UUID) -> dict[tuple[SlaTarget, int], list[FiredInfo]]:
    e = EscalationEvent
    out: dict[tuple[SlaTarget, int], list[FiredInfo]] = {}
    rows = session.execute(
        select(e.target, e.cycle, e.level, e.due_at, e.fired_at, e.late)
        .where(e.ticket_id == ticket_id)
        .order_by(e.fired_at, e.ordinal)
    )
    for target, cycle, level, due_at, fired_at, late in rows:
        out.setdefault((target, cycle), []).append(FiredInfo(level, due_at, fired_at, late))
    return out


def _target(
    clocks: TicketClocks,
    v: ClockValues,
    now_s: int,
    events: dict[tuple[SlaTarget, int], list[FiredInfo]],
) -> TargetStatus:
    walk = clocks.walk(v)
    end = v.met_s if v.met_s is not None else now_s
    elapsed = walk.elapsed(end)
    levels = clocks.levels[v.target]
    reached = [lv for lv in levels if lv.offset(v.target_s) <= elapsed]
    if v.state in (ClockState.MET, ClockState.PAUSED):
        colour = v.state.value
    elif v.state is ClockState.BREACHED:
        colour = "breached"
    else:
        colour = "warning" if reached else "ok"
    pauses = [(from_epoch(a), None if b is None else from_epoch(b)) for a, b in walk.stops]
    cal = walk.p.cal
    return TargetStatus(
        target=v.target,
        state=v.state,
        start_at=from_epoch(v.start_s),
        target_s=v.target_s,
        due_at=None if v.due_s is None else from_epoch(v.due_s),
        met_at=None if v.met_s is None else from_epoch(v.met_s),
        paused_s=walk.held(end) if end > v.start_s else 0,
        elapsed_s=elapsed,
        remaining_s=v.target_s - elapsed,
        level=colour,
        next_level=v.next_level,
        next_level_at=None if v.next_level_s is None else from_epoch(v.next_level_s),
        fired=tuple(events.get((v.target, v.start_s), ())),
        explanation=explain_due(cal, from_epoch(v.start_s), v.target_s, pauses),
    )
