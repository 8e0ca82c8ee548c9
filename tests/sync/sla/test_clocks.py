"""Clocks of one ticket (pure): German cases by hand, and the integer computation checked
against the tested datetime API (due_time, elapsed_business_seconds) on random
histories."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk_gui.models.clock import ClockState
from desk_gui.models.sla import SlaTarget
from desk_gui.models.ticket import Status
from desk_gui.sync.sla import WorkCalendar, due_time, elapsed_business_seconds, public_holidays
from desk_gui.sync.sla.calendar import from_epoch, to_epoch
from desk_gui.sync.sla.clocks import TicketTimes, compute, stops_and_done
from desk_gui.sync.sla.policy import Level, PolicySpec

from .conftest import HOUR, berlin

LUNCH = {d: [("08:00", "12:00"), ("13:00", "17:00")] for d in ("mon", "tue", "wed", "thu", "fri")}
CAL = WorkCalendar.create("Europe/Berlin", LUNCH, closed=public_holidays("DE-BY", 2026, 2027))
PAUSE = frozenset({Status.WAITING_CUSTOMER, Status.PENDING_REMINDER})


def policy(
    first: int | None = 4 * HOUR,
    nxt: int | None = 8 * HOUR,
    resolution: int | None = 24 * HOUR,
    levels: tuple[Level, ...] = (),
) -> PolicySpec:
    targets = {
        t: s
        for t, s in (
            (SlaTarget.FIRST_RESPONSE, first),
            (SlaTarget.NEXT_RESPONSE, nxt),
            (SlaTarget.RESOLUTION, resolution),
        )
        if s
    }
    return PolicySpec(uuid.uuid4(), "p", 0, uuid.uuid4(), {}, targets, levels, PAUSE)


def e(t: datetime) -> int:
    return to_epoch(t)


def times(
    created: datetime,
    status: Status = Status.OPEN,
    transitions: list[tuple[datetime, Status, Status]] | None = None,
    first_response: datetime | None = None,
    customer: datetime | None = None,
    answer: datetime | None = None,
) -> TicketTimes:
    steps = [(e(at), old.value, new.value) for at, old, new in transitions or []]
    updated = steps[-1][0] if steps else e(created)
    return TicketTimes(
        e(created),
        updated,
        status,
        None if first_response is None else e(first_response),
        e(customer or created),
        None if answer is None else e(answer),
        steps,
    )


def clocks(t: TicketTimes, p: PolicySpec, now: datetime) -> dict[SlaTarget, object]:
    return {c.target: c for c in compute(CAL, p, t, {}, e(now)).clocks}


def local(seconds: int | None) -> datetime:
    assert seconds is not None
    return from_epoch(seconds).astimezone(berlin(2026, 1, 1).tzinfo)


def test_friday_afternoon_plus_four_hours_skips_whit_monday() -> None:
    t = times(berlin(2026, 5, 22, 16))  # Friday; Monday 25 May is Whit Monday in Bavaria
    c = compute(CAL, policy(), t, {}, e(berlin(2026, 5, 22, 16, 30))).clocks[0]
    assert c.target is SlaTarget.FIRST_RESPONSE
    assert local(c.due_s) == berlin(2026, 5, 26, 11)
    assert c.state is ClockState.RUNNING and c.met_s is None


def test_paused_over_the_weekend_and_met_after_resuming() -> None:
    created = berlin(2026, 6, 5, 15)  # Friday 15:00, 4 h first response
    waiting = [
        (berlin(2026, 6, 5, 16), Status.NEW, Status.WAITING_CUSTOMER),  # 1 h ran
        (berlin(2026, 6, 9, 10), Status.WAITING_CUSTOMER, Status.OPEN),  # Tuesday 10:00
    ]
    p = policy(nxt=None, resolution=None)
    running = times(created, Status.OPEN, waiting)
    c = compute(CAL, p, running, {}, e(berlin(2026, 6, 9, 11))).clocks[0]
    # 3 h left from Tuesday 10:00: 10-12, 13-14 -> due 14:00; Monday's 8 h were paused.
    assert local(c.due_s) == berlin(2026, 6, 9, 14)
    assert c.paused_s == 11 * HOUR  # held back: Fri 16-17, all of Monday, Tue 08-10
    answered = times(created, Status.OPEN, waiting, first_response=berlin(2026, 6, 9, 13, 30))
    met = compute(CAL, p, answered, {}, e(berlin(2026, 6, 9, 15))).clocks[0]
    assert met.state is ClockState.MET and local(met.met_s) == berlin(2026, 6, 9, 13, 30)


def test_open_pause_holds_the_clock() -> None:
    created = berlin(2026, 6, 8, 9)
    t = times(created, Status.WAITING_CUSTOMER,
              [(berlin(2026, 6, 8, 10), Status.NEW, Status.WAITING_CUSTOMER)])  # fmt: skip
    c = compute(CAL, policy(nxt=None, resolution=None), t, {}, e(berlin(2026, 6, 20))).clocks[0]
    assert c.state is ClockState.PAUSED and c.due_s is None
    assert c.paused_s == CAL.business_seconds_between(berlin(2026, 6, 8, 10), berlin(2026, 6, 20))


def test_breached_before_the_pause_stays_breached() -> None:
    created = berlin(2026, 6, 8, 8)
    t = times(created, Status.WAITING_CUSTOMER,
              [(berlin(2026, 6, 8, 14), Status.NEW, Status.WAITING_CUSTOMER)])  # fmt: skip
    c = compute(CAL, policy(nxt=None, resolution=None), t, {}, e(berlin(2026, 6, 9))).clocks[0]
    assert c.state is ClockState.BREACHED and local(c.due_s) == berlin(2026, 6, 8, 12)


def test_answered_late_is_breached_with_met_time() -> None:
    t = times(berlin(2026, 6, 8, 8), first_response=berlin(2026, 6, 8, 15))
    c = compute(CAL, policy(nxt=None, resolution=None), t, {}, e(berlin(2026, 6, 8, 16))).clocks[0]
    assert c.state is ClockState.BREACHED and local(c.met_s) == berlin(2026, 6, 8, 15)


def test_next_response_cycle_starts_with_the_customer_message() -> None:
    created = berlin(2026, 6, 8, 8)
    t = times(created, first_response=berlin(2026, 6, 8, 9), customer=berlin(2026, 6, 8, 16))
    got = clocks(t, policy(nxt=2 * HOUR), berlin(2026, 6, 8, 16, 30))
    nxt = got[SlaTarget.NEXT_RESPONSE]
    assert nxt.start_s == e(berlin(2026, 6, 8, 16))  # type: ignore[attr-defined]
    assert local(nxt.due_s) == berlin(2026, 6, 9, 9)  # type: ignore[attr-defined]
    answered = t._replace(answer_after_customer_s=e(berlin(2026, 6, 9, 8, 30)))
    met = clocks(answered, policy(nxt=2 * HOUR), berlin(2026, 6, 9, 10))
    assert met[SlaTarget.NEXT_RESPONSE].state is ClockState.MET  # type: ignore[attr-defined]
    # A customer message before the first answer opens no next-response clock.
    early = times(created, customer=berlin(2026, 6, 8, 8, 30))
    assert SlaTarget.NEXT_RESPONSE not in clocks(early, policy(), berlin(2026, 6, 8, 9))


def test_resolution_stops_while_resolved_and_goes_on_after_reopening() -> None:
    created = berlin(2026, 6, 8, 8)
    steps = [
        (berlin(2026, 6, 8, 10), Status.NEW, Status.RESOLVED),  # 2 h ran
        (berlin(2026, 6, 10, 8), Status.RESOLVED, Status.OPEN),  # reopened Wednesday
    ]
    p = policy(first=None, nxt=None, resolution=4 * HOUR)
    resolved = times(created, Status.RESOLVED, steps[:1])
    c = clocks(resolved, p, berlin(2026, 6, 9))[SlaTarget.RESOLUTION]
    assert c.state is ClockState.MET and local(c.met_s) == berlin(2026, 6, 8, 10)  # type: ignore[attr-defined]
    reopened = times(created, Status.OPEN, steps)
    c = clocks(reopened, p, berlin(2026, 6, 10, 9))[SlaTarget.RESOLUTION]
    assert local(c.due_s) == berlin(2026, 6, 10, 10)  # type: ignore[attr-defined]  # 2 h left


def test_resolved_then_closed_is_one_done_stretch() -> None:
    created = berlin(2026, 6, 8, 8)
    steps = [
        (berlin(2026, 6, 8, 10), Status.OPEN, Status.RESOLVED),
        (berlin(2026, 6, 12, 10), Status.RESOLVED, Status.CLOSED),
    ]
    stops, done = stops_and_done(times(created, Status.CLOSED, steps), PAUSE)
    assert done == e(berlin(2026, 6, 8, 10))
    assert stops == [(e(berlin(2026, 6, 8, 10)), None)]


def test_incomplete_history_takes_the_last_update() -> None:
    t = TicketTimes(e(berlin(2026, 6, 8, 8)), e(berlin(2026, 6, 8, 9)), Status.WAITING_CUSTOMER,
                    None, None, None, [])  # fmt: skip
    stops, done = stops_and_done(t, PAUSE)
    assert stops == [(e(berlin(2026, 6, 8, 9)), None)] and done is None


def test_levels_next_and_fired() -> None:
    levels = (Level(percent=80), Level(percent=100), Level(after_s=2 * HOUR))
    p = policy(nxt=None, resolution=None, levels=levels)
    t = times(berlin(2026, 6, 8, 8))
    now = e(berlin(2026, 6, 8, 9))
    c = compute(CAL, p, t, {}, now).clocks[0]
    assert (c.next_level, local(c.next_level_s)) == ("80%", berlin(2026, 6, 8, 11, 12))
    fired = {(SlaTarget.FIRST_RESPONSE, c.start_s): {"80%", "100%"}}
    c = compute(CAL, p, t, fired, now).clocks[0]
    assert c.levels_fired == 2
    assert (c.next_level, local(c.next_level_s)) == ("+7200s", berlin(2026, 6, 8, 15))
    # Answered late, with the breach level missed (no engine ran): it still fires, late;
    # the early warning does not.
    late = times(berlin(2026, 6, 8, 8), first_response=berlin(2026, 6, 8, 14))
    c = compute(CAL, p, late, {}, e(berlin(2026, 6, 8, 16))).clocks[0]
    assert c.next_level == "100%"
    on_time = times(berlin(2026, 6, 8, 8), first_response=berlin(2026, 6, 8, 11, 30))
    assert compute(CAL, p, on_time, {}, e(berlin(2026, 6, 8, 16))).clocks[0].next_level is None


# ---- against the datetime API --------------------------------------------------------------

STATUSES = [Status.OPEN, Status.WAITING_CUSTOMER, Status.PENDING_REMINDER, Status.RESOLVED,
            Status.CLOSED, Status.OPEN]  # fmt: skip
START = e(berlin(2026, 3, 20))  # around the spring clock change and Easter


@st.composite
def histories(draw: st.DrawFn) -> tuple[TicketTimes, int]:
    created = START + draw(st.integers(0, 20 * 86_400))
    at, status = created, Status.NEW
    steps: list[tuple[int, str | None, str | None]] = []
    for _ in range(draw(st.integers(0, 6))):
        at += draw(st.integers(0, 3 * 86_400))
        new = draw(st.sampled_from([s for s in STATUSES if s != status]))
        steps.append((at, status.value, new.value))
        status = new
    now = at + draw(st.integers(0, 10 * 86_400))
    first = draw(st.none() | st.integers(created, now))
    t = TicketTimes(created, at, status, first, created, None, steps)
    return t, now


@settings(max_examples=300, deadline=None)
@given(histories(), st.integers(1, 40 * HOUR))
def test_due_and_paused_time_match_the_datetime_api(
    case: tuple[TicketTimes, int], target: int
) -> None:
    t, now = case
    p = policy(first=target, nxt=None, resolution=target * 2)
    stops, done = stops_and_done(t, PAUSE)
    for c in compute(CAL, p, t, {}, now).clocks:
        end = c.met_s if c.met_s is not None else now
        pauses = [(from_epoch(a), None if b is None else from_epoch(b))
                  for a, b in stops if c.met_s is None or a < c.met_s]  # fmt: skip
        want = due_time(CAL, from_epoch(c.start_s), c.target_s, pauses)
        assert c.due_s == (None if want is None else to_epoch(want))
        ran = elapsed_business_seconds(CAL, from_epoch(c.start_s), from_epoch(end), pauses)
        total = CAL.business_seconds_between(from_epoch(c.start_s), from_epoch(max(end, c.start_s)))
        assert c.paused_s == total - ran
    if done is not None:
        assert t.status in (Status.RESOLVED, Status.CLOSED)


@pytest.mark.parametrize("day", [date(2026, 12, 24), date(2026, 12, 31)])
def test_closed_days_of_the_calendar_count(day: date) -> None:
    cal = WorkCalendar.create("Europe/Berlin", LUNCH, closed=[day])
    t = TicketTimes(e(berlin(day.year, day.month, day.day, 7)), 0, Status.OPEN, None, None, None)
    c = compute(cal, policy(nxt=None, resolution=None), t, {}, e(berlin(2027, 1, 1))).clocks[0]
    assert local(c.due_s).date() > day
