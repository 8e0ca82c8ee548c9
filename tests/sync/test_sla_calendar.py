"""Business-time arithmetic (desk_gui.sync.sla) against a minute-walking reference.

The reference knows nothing of the prefix-sum index or of folds: it walks the clock
minute by minute and asks "has the local wall clock reached an opening time and not yet
a closing time?", which is the documented rule for DST gaps and repeated hours.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk_gui.sync.sla import (
    WEEKDAYS,
    WorkCalendar,
    due_time,
    elapsed_business_seconds,
    explain_due,
    merge_pauses,
    public_holidays,
)

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600
MON_FRI_8_17 = {d: [("08:00", "17:00")] for d in WEEKDAYS[:5]}
MON_FRI_LUNCH = {d: [("08:00", "12:00"), ("13:00", "17:00")] for d in WEEKDAYS[:5]}
ALL_DAY = {d: [("00:00", "24:00")] for d in WEEKDAYS}


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0, s: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, s, tzinfo=BERLIN)


def local(t: datetime | None, zone: ZoneInfo = BERLIN) -> datetime:
    assert t is not None
    return t.astimezone(zone)


# ---- the minute-walking reference ------------------------------------------------------

# Days on which the clocks change (checked below), plus a year boundary.
SWITCH_DAYS = {
    "Europe/Berlin": [date(2026, 3, 29), date(2026, 10, 25), date(2027, 3, 28)],
    "America/New_York": [date(2026, 3, 8), date(2026, 11, 1), date(2027, 3, 14)],
    "Australia/Sydney": [date(2026, 4, 5), date(2026, 10, 4), date(2027, 4, 4)],
}
AROUND = [
    *((tz, d) for tz, days in SWITCH_DAYS.items() for d in days),
    *((tz, date(2026, 12, 31)) for tz in SWITCH_DAYS),
]
WINDOW_DAYS = 9
WINDOW_MINUTES = WINDOW_DAYS * 1440


@dataclass(frozen=True)
class Spec:
    """A calendar as raw test data: minutes since midnight, no parsing, no zones."""

    tz: str
    weekly: tuple[tuple[tuple[int, int], ...], ...]
    closed: frozenset[date]
    special: dict[date, tuple[tuple[int, int], ...]]
    around: date

    def hours(self, day: date) -> Sequence[tuple[int, int]]:
        if day in self.special:
            return self.special[day]
        return () if day in self.closed else self.weekly[day.weekday()]

    def calendar(self) -> WorkCalendar:
        return WorkCalendar.create(
            self.tz,
            {
                name: [(_hhmm(a), _hhmm(b)) for a, b in day]
                for name, day in zip(WEEKDAYS, self.weekly, strict=True)
            },
            closed=self.closed,
            hours={d: [f"{_hhmm(a)}-{_hhmm(b)}" for a, b in h] for d, h in self.special.items()},
        )

    def window_start(self) -> datetime:
        return window_start(self.tz, self.around)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def window_start(tz: str, around: date) -> datetime:
    """Local noon four days before `around` (never a switch time), in UTC."""
    day = around - timedelta(days=4)
    return datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo(tz)).astimezone(UTC)


@cache
def clock_reached(tz: str, around: date) -> tuple[datetime, ...]:
    """Per minute of the window: the latest local wall time the clock has shown so far.

    Depends only on the zone and window, so it is walked once and shared by examples.
    """
    zone, start = ZoneInfo(tz), window_start(tz, around)
    reached = start.astimezone(zone).replace(tzinfo=None)
    out = []
    for k in range(WINDOW_MINUTES):
        wall = (start + timedelta(minutes=k)).astimezone(zone).replace(tzinfo=None)
        reached = max(reached, wall)
        out.append(reached)
    return tuple(out)


def open_minutes(spec: Spec) -> list[bool]:
    """Minute k of the window is open when the clock has reached a time within the hours."""
    out = []
    for wall in clock_reached(spec.tz, spec.around):
        minute = wall.hour * 60 + wall.minute
        out.append(any(a <= minute < b for a, b in spec.hours(wall.date())))
    return out


class Ref:
    """Reference answers in seconds from the window start; None = beyond the window."""

    def __init__(self, spec: Spec) -> None:
        self.open = open_minutes(spec)
        self.t0 = spec.window_start()

    def at(self, second: int) -> datetime:
        return self.t0 + timedelta(seconds=second)

    def between(self, a: int, b: int) -> int:
        total = 0
        for k in range(a // 60, (b + 59) // 60):
            if self.open[k]:
                total += max(0, min(b, 60 * k + 60) - max(a, 60 * k))
        return total

    def add(self, t: int, n: int) -> int | None:
        if n == 0:
            return t
        for k in range(t // 60, WINDOW_MINUTES):
            if self.open[k]:
                here = max(t, 60 * k)
                if n <= 60 * k + 60 - here:
                    return here + n
                n -= 60 * k + 60 - here
        return None

    def next_open(self, t: int) -> int | None:
        for k in range(t // 60, WINDOW_MINUTES):
            if self.open[k]:
                return max(t, 60 * k)
        return None

    def due(self, t: int, n: int, pauses: list[tuple[int, int | None]]) -> int | str | None:
        """Minute-aligned t and pauses; "paused" = held by an open pause."""
        if n == 0:
            return t
        for k in range(t // 60, WINDOW_MINUTES):
            here = 60 * k
            if any(a <= here and (b is None or here < b) for a, b in pauses):
                if any(a <= here and b is None for a, b in pauses):
                    return "paused"
                continue
            if self.open[k]:
                n -= 60
                if n <= 0:
                    return here + 60 + n
        return None

    def elapsed(self, t: int, u: int, pauses: list[tuple[int, int | None]]) -> int:
        counted = 0
        for k in range(t // 60, u // 60):
            here = 60 * k
            if self.open[k] and not any(a <= here and (b is None or here < b) for a, b in pauses):
                counted += 60
        return counted


# ---- strategies ---------------------------------------------------------------------

# Minute points, biased towards the hours in which clocks change (01:00-04:00).
minute_points = st.one_of(
    st.integers(0, 1440),
    st.sampled_from([0, 60, 90, 120, 135, 150, 180, 210, 240, 1440]),
)


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[tuple[int, int], ...]:
    points = sorted(draw(st.lists(minute_points, max_size=6, unique=True)))
    return tuple(zip(points[::2], points[1::2], strict=False))


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    tz, around = draw(st.sampled_from(AROUND))
    days = [around + timedelta(days=i) for i in range(-5, WINDOW_DAYS)]
    closed = draw(st.frozensets(st.sampled_from(days), max_size=3))
    special_days = draw(st.lists(st.sampled_from(days), max_size=2, unique=True))
    special = {d: draw(day_hours()) for d in special_days if d not in closed}
    weekly = tuple(draw(day_hours()) for _ in WEEKDAYS)
    return Spec(tz, weekly, closed, special, around)


# Offsets from the window start: the first two thirds, whole minutes or any second.
offsets = st.one_of(
    st.integers(0, WINDOW_MINUTES * 2 // 3).map(lambda m: m * 60),
    st.integers(0, WINDOW_MINUTES * 40),
)
amounts = st.one_of(st.integers(0, 60 * 60 * 40), st.integers(0, 40).map(lambda h: h * HOUR))
FAST = settings(max_examples=60, deadline=None)


# ---- properties ---------------------------------------------------------------------


@FAST
@given(spec=specs(), queries=st.lists(st.tuples(offsets, amounts, offsets), min_size=4, max_size=4))
def test_arithmetic_matches_minute_walk(spec: Spec, queries: list[tuple[int, int, int]]) -> None:
    ref, cal = Ref(spec), spec.calendar()
    for t, n, u in queries:
        start = ref.at(t)
        assert cal.is_open(start) == ref.open[t // 60]
        assert cal.business_seconds_between(start, ref.at(u)) == ref.between(*sorted((t, u))) * (
            1 if t <= u else -1
        )
        expected = ref.add(t, n)
        if expected is not None:
            assert cal.add_business_seconds(start, n) == ref.at(expected)
        nxt = ref.next_open(t)
        if nxt is not None:
            assert cal.next_open(start) == ref.at(nxt)


@st.composite
def pause_lists(draw: st.DrawFn) -> list[tuple[int, int | None]]:
    """Minute-aligned pauses, possibly overlapping, the last possibly still open."""
    pauses: list[tuple[int, int | None]] = []
    for _ in range(draw(st.integers(0, 3))):
        a = draw(st.integers(0, WINDOW_MINUTES * 2 // 3)) * 60
        pauses.append((a, a + draw(st.integers(1, 3 * 1440)) * 60))
    if draw(st.booleans()):
        pauses.append((draw(st.integers(0, WINDOW_MINUTES * 2 // 3)) * 60, None))
    return pauses


@FAST
@given(
    spec=specs(),
    t=st.integers(0, WINDOW_MINUTES // 2).map(lambda m: m * 60),
    n=st.integers(0, 30 * 60).map(lambda m: m * 60),
    pauses=pause_lists(),
)
def test_pauses_match_minute_walk(
    spec: Spec, t: int, n: int, pauses: list[tuple[int, int | None]]
) -> None:
    ref, cal = Ref(spec), spec.calendar()
    as_dt = [(ref.at(a), None if b is None else ref.at(b)) for a, b in pauses]
    start = ref.at(t)
    expected = ref.due(t, n, pauses)
    if expected is not None:
        due = due_time(cal, start, n, as_dt)
        assert due == (None if expected == "paused" else ref.at(int(expected)))
    end = min(t + 4 * 1440 * 60, WINDOW_MINUTES * 60)
    assert elapsed_business_seconds(cal, start, ref.at(end), as_dt) == ref.elapsed(t, end, pauses)


@FAST
@given(spec=specs(), t=offsets, n=amounts, pauses=pause_lists())
def test_explanation_adds_up(
    spec: Spec, t: int, n: int, pauses: list[tuple[int, int | None]]
) -> None:
    if not any(spec.weekly):
        return  # may never reach the target: covered by test_invalid_arguments
    cal, t0 = spec.calendar(), spec.window_start()
    start = t0 + timedelta(seconds=t)
    as_dt = [
        (t0 + timedelta(seconds=a), None if b is None else t0 + timedelta(seconds=b))
        for a, b in pauses
    ]
    story = explain_due(cal, start, n, as_dt)
    counted = sum(int((b - a).total_seconds()) for a, b in story.counted)
    assert story.due == due_time(cal, start, n, as_dt)
    if story.due is not None:
        assert counted == n == elapsed_business_seconds(cal, start, story.due, as_dt)
    else:
        assert counted < n
    assert all(cal.is_open(a) for a, _ in story.counted)
    assert story.lines()[-1].startswith("Due")


@FAST
@given(spec=specs(), t=offsets, n=st.integers(1, 10**7))
def test_add_is_the_earliest_instant_reaching_the_amount(spec: Spec, t: int, n: int) -> None:
    """Holds far beyond the reference window, across year boundaries too."""
    weekly_seconds = 60 * sum(b - a for day in spec.weekly for a, b in day)
    if not weekly_seconds:
        return  # only a few special days: there may be no business time far enough ahead
    n = min(n, weekly_seconds * 150)  # a sparse calendar would take centuries
    cal = spec.calendar()
    start = spec.window_start() + timedelta(seconds=t)
    due = cal.add_business_seconds(start, n)
    assert cal.business_seconds_between(start, due) == n
    assert cal.business_seconds_between(start, due - timedelta(seconds=1)) == n - 1
    assert cal.is_open(due - timedelta(seconds=1))


def test_switch_days_are_switch_days() -> None:
    for tz, days in SWITCH_DAYS.items():
        zone = ZoneInfo(tz)
        for d in days:
            before = datetime(d.year, d.month, d.day, tzinfo=zone) - timedelta(hours=12)
            after = datetime(d.year, d.month, d.day, 12, tzinfo=zone)
            assert before.utcoffset() != after.utcoffset(), (tz, d)


# ---- hand-written German cases ------------------------------------------------------


@pytest.fixture(scope="module")
def bavaria() -> WorkCalendar:
    return WorkCalendar.create(
        "Europe/Berlin", MON_FRI_8_17, closed=public_holidays("DE-BY", 2026, 2027)
    )


def test_whit_monday_off_in_bavaria(bavaria: WorkCalendar) -> None:
    start = berlin(2026, 5, 22, 16, 0)  # Friday before Pfingsten
    due = bavaria.add_business_seconds(start, 4 * HOUR)
    assert local(due) == berlin(2026, 5, 26, 11, 0)  # Tuesday: Monday is Pfingstmontag
    plain = WorkCalendar.create("Europe/Berlin", MON_FRI_8_17)
    assert local(plain.add_business_seconds(start, 4 * HOUR)) == berlin(2026, 5, 25, 11, 0)
    story = explain_due(bavaria, start, 4 * HOUR)
    assert story.skipped == ((date(2026, 5, 25), "Pfingstmontag"),)
    assert any("Pfingstmontag" in line for line in story.lines())


def test_reaching_the_target_at_closing_time_is_closing_time(bavaria: WorkCalendar) -> None:
    start = berlin(2026, 5, 22, 16, 0)
    assert local(bavaria.add_business_seconds(start, HOUR)) == berlin(2026, 5, 22, 17, 0)
    assert local(bavaria.add_business_seconds(start, HOUR + 1)) == berlin(2026, 5, 26, 8, 0, 1)


def test_ticket_paused_over_the_weekend(bavaria: WorkCalendar) -> None:
    start = berlin(2026, 6, 12, 15, 0)  # Friday
    waiting = [(berlin(2026, 6, 12, 16, 0), berlin(2026, 6, 15, 10, 0))]  # until Monday 10:00
    assert local(due_time(bavaria, start, 8 * HOUR)) == berlin(2026, 6, 15, 14, 0)
    # One hour counted on Friday; Friday 16-17 and Monday 08-10 were held back.
    assert local(due_time(bavaria, start, 8 * HOUR, waiting)) == berlin(2026, 6, 15, 17, 0)
    assert elapsed_business_seconds(bavaria, start, berlin(2026, 6, 15, 12, 0), waiting) == 3 * HOUR
    story = explain_due(bavaria, start, 8 * HOUR, waiting)
    assert [p.held_seconds for p in story.pauses] == [3 * HOUR]
    # Still waiting for the customer: no due time, and the clock stands still.
    still = [(berlin(2026, 6, 12, 16, 0), None)]
    assert due_time(bavaria, start, 8 * HOUR, still) is None
    story = explain_due(bavaria, start, 8 * HOUR, still)
    assert [(p.held_seconds, p.end) for p in story.pauses] == [(None, None)]
    assert story.lines()[-2:] == [
        "  paused  Fri 2026-06-12 16:00 CEST - (still paused)  held back open",
        "Due     none (paused)",
    ]
    assert elapsed_business_seconds(bavaria, start, berlin(2026, 6, 30), still) == HOUR
    # A pause that starts after the target was reached does not take the due time away.
    assert local(due_time(bavaria, start, HOUR, still)) == berlin(2026, 6, 12, 16, 0)


def test_christmas_closed_days() -> None:
    cal = WorkCalendar.create(
        "Europe/Berlin",
        MON_FRI_LUNCH,
        closed=[
            *public_holidays("DE-NW", 2026, 2027),
            (date(2026, 12, 24), "Heiligabend"),
            (date(2026, 12, 31), "Silvester"),
        ],
    )
    start = berlin(2026, 12, 23, 15, 0)  # Wednesday
    due = cal.add_business_seconds(start, 4 * HOUR)
    assert local(due) == berlin(2026, 12, 28, 10, 0)  # Thu 24, Fri 25 closed, then weekend
    story = explain_due(cal, start, 4 * HOUR)
    assert [d for d, _ in story.skipped] == [date(2026, 12, 24), date(2026, 12, 25)]
    # Mon 28 - Wed 30 (3 days x 8 h), Thu 31 and Fri 1 closed, back on Mon 4 January.
    due = cal.add_business_seconds(berlin(2026, 12, 28, 8, 0), 25 * HOUR)
    assert local(due) == berlin(2027, 1, 4, 9, 0)


def test_extra_and_replacement_hours() -> None:
    cal = WorkCalendar.create(
        "Europe/Berlin",
        MON_FRI_8_17,
        hours={date(2026, 12, 24): ["08:00-12:00"], date(2026, 12, 27): ["10:00-14:00"]},
    )
    start = berlin(2026, 12, 24, 11, 0)  # Thursday, short day
    assert local(cal.add_business_seconds(start, 2 * HOUR)) == berlin(2026, 12, 25, 9, 0)
    assert local(cal.next_open(berlin(2026, 12, 26, 18, 0))) == berlin(2026, 12, 27, 10, 0)
    story = explain_due(cal, berlin(2026, 12, 24, 11, 0), 20 * HOUR)
    assert [(d, h) for d, h, _ in story.replaced] == [
        (date(2026, 12, 24), "08:00-12:00"),
        (date(2026, 12, 27), "10:00-14:00"),
    ]


def test_spring_forward_day() -> None:
    all_day = WorkCalendar.create("Europe/Berlin", ALL_DAY)
    office = WorkCalendar.create("Europe/Berlin", MON_FRI_8_17 | {"sun": [("08:00", "17:00")]})
    sunday = berlin(2026, 3, 29)
    assert all_day.business_seconds_between(sunday, berlin(2026, 3, 30)) == 23 * HOUR
    assert office.business_seconds_between(sunday, berlin(2026, 3, 30)) == 9 * HOUR
    # 23:00 CET + 3 h: the clock skips 02:00-03:00, so it shows 03:00 CEST.
    assert local(all_day.add_business_seconds(berlin(2026, 3, 28, 23), 3 * HOUR)) == berlin(
        2026, 3, 29, 3, 0
    )
    night = WorkCalendar.create("Europe/Berlin", {"sun": [("01:00", "02:30"), ("02:40", "02:50")]})
    # 02:30 does not exist: the interval closes when the clocks jump (02:00 CET = 01:00 UTC);
    # 02:40-02:50 lies inside the gap and is empty.
    assert night.open_spans(sunday, berlin(2026, 3, 30)) == [
        (datetime(2026, 3, 29, 0, 0, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC))
    ]


def test_fall_back_day() -> None:
    all_day = WorkCalendar.create("Europe/Berlin", ALL_DAY)
    sunday = berlin(2026, 10, 25)
    assert all_day.business_seconds_between(sunday, berlin(2026, 10, 26)) == 25 * HOUR
    night = WorkCalendar.create("Europe/Berlin", {"sun": [("02:30", "04:00")]})
    # 02:30 happens twice: the interval opens at the first 02:30 (CEST) and the repeated
    # hour counts, so it is 2.5 hours long.
    spans = night.open_spans(sunday, berlin(2026, 10, 26))
    assert spans == [
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 3, 0, tzinfo=UTC))
    ]


def test_new_york_spring_forward() -> None:
    ny = ZoneInfo("America/New_York")
    cal = WorkCalendar.create("America/New_York", {"sun": [("00:00", "04:00")]})
    day = datetime(2026, 3, 8, tzinfo=ny)
    assert cal.business_seconds_between(day, day + timedelta(days=1)) == 3 * HOUR
    assert local(cal.add_business_seconds(day, 2 * HOUR), ny) == datetime(2026, 3, 8, 3, tzinfo=ny)


# ---- construction, validation, index growth -----------------------------------------


def test_from_database_rows() -> None:
    from desk_gui.models.sla import BusinessCalendar, CalendarDay

    row = BusinessCalendar(
        name="Support",
        timezone="Europe/Berlin",
        weekly_hours={d: [["08:00", "12:00"], ["13:00", "17:00"]] for d in WEEKDAYS[:5]},
        holiday_region="DE-BY",
        days=[
            CalendarDay(day=date(2026, 12, 24), name="Heiligabend", hours=[]),
            CalendarDay(day=date(2026, 5, 25), name="Pfingstmontag", hours=[]),
            CalendarDay(day=date(2026, 5, 23), name="Samstagsdienst", hours=["09:00-11:00"]),
        ],
    )
    cal = WorkCalendar.from_rows(row)
    assert cal.weekly == WorkCalendar.create("Europe/Berlin", MON_FRI_LUNCH).weekly
    assert cal.days == (
        (date(2026, 5, 23), ((9 * HOUR, 11 * HOUR),), "Samstagsdienst"),
        (date(2026, 5, 25), (), "Pfingstmontag"),
        (date(2026, 12, 24), (), "Heiligabend"),
    )
    assert local(cal.add_business_seconds(berlin(2026, 5, 22, 16, 0), 4 * HOUR)) == berlin(
        2026, 5, 26, 9, 0
    )  # Fri 16-17, Sat 09-11, then Tuesday 08:00-09:00
    assert cal.rule_on(date(2026, 5, 25)) == (date(2026, 5, 25), (), "Pfingstmontag")


def test_calendar_is_an_immutable_value() -> None:
    a = WorkCalendar.create("Europe/Berlin", MON_FRI_8_17, closed=[date(2026, 1, 1)])
    b = WorkCalendar.create("Europe/Berlin", MON_FRI_8_17, closed=[date(2026, 1, 1)])
    a.add_business_seconds(berlin(2026, 1, 2), HOUR)  # builds a's index; b has none
    assert a == b and hash(a) == hash(b)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.tz = "UTC"  # type: ignore[misc]


def test_touching_intervals_merge() -> None:
    cal = WorkCalendar.create("UTC", {"mon": [("12:00", "17:00"), ("08:00", "12:00")]})
    assert cal.weekly[0] == ((8 * HOUR, 17 * HOUR),)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tz": "Mars/Olympus"}, "time zone"),
        ({"weekly": {"mon": [("08:00", "12:00"), ("11:00", "13:00")]}}, "overlapping"),
        ({"weekly": {"mon": [("17:00", "08:00")]}}, "end after"),
        ({"weekly": {"mon": [("8h", "12:00")]}}, "clock time"),
        ({"weekly": {"mon": [("08:00", "24:30")]}}, "out of range"),
        ({"weekly": {"funday": [("08:00", "12:00")]}}, "weekday"),
        ({"closed": [date(2026, 1, 1)], "hours": {date(2026, 1, 1): []}}, "both"),
    ],
)
def test_invalid_calendars(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"tz": "Europe/Berlin", "weekly": MON_FRI_8_17} | kwargs
    with pytest.raises(ValueError, match=message):
        WorkCalendar.create(**args)  # type: ignore[arg-type]


def test_direct_construction_is_validated() -> None:
    closed = ((),) * 7
    with pytest.raises(ValueError, match="within one day"):
        WorkCalendar("UTC", (((5, 3),), *closed[1:]))
    with pytest.raises(ValueError, match="merged"):
        WorkCalendar("UTC", (((1, 2), (2, 3)), *closed[1:]))
    with pytest.raises(ValueError, match="sorted"):
        WorkCalendar("UTC", closed, ((date(2026, 2, 1), (), ""), (date(2026, 1, 1), (), "")))


def test_invalid_arguments(bavaria: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="naive"):
        bavaria.add_business_seconds(datetime(2026, 5, 22, 16), HOUR)
    with pytest.raises(ValueError, match="negative"):
        bavaria.add_business_seconds(berlin(2026, 5, 22, 16), -1)
    never = WorkCalendar.create("Europe/Berlin", {}, hours={date(2026, 6, 1): ["08:00-09:00"]})
    assert local(never.add_business_seconds(berlin(2026, 1, 1), HOUR)) == berlin(2026, 6, 1, 9)
    with pytest.raises(ValueError, match="no business hours"):
        never.add_business_seconds(berlin(2026, 1, 1), HOUR + 1)


def test_index_grows_both_ways() -> None:
    cal = WorkCalendar.create("Europe/Berlin", MON_FRI_LUNCH)
    start = berlin(2026, 6, 1, 8)
    far = cal.add_business_seconds(start, 5000 * HOUR)  # about 2.5 years of workdays
    assert far.year == 2028
    assert cal.business_seconds_between(start, far) == 5000 * HOUR
    early = berlin(2019, 3, 4, 8)  # Monday; needs years before the index
    assert cal.business_seconds_between(early, early + timedelta(days=7)) == 40 * HOUR
    assert cal.business_seconds_between(start, far) == 5000 * HOUR


def test_merge_pauses() -> None:
    t = [berlin(2026, 6, 1, h) for h in range(24)]
    merged = merge_pauses(
        [(t[5], t[7]), (t[1], t[3]), (t[2], t[4]), (t[9], None), (t[10], t[11])],
        start=int(t[2].timestamp()),
    )
    as_hours = [
        (
            local(datetime.fromtimestamp(a, UTC)).hour,
            None if b is None else local(datetime.fromtimestamp(b, UTC)).hour,
        )
        for a, b in merged
    ]
    assert as_hours == [(2, 4), (5, 7), (9, None)]


def test_public_holiday_snapshot() -> None:
    by = dict(public_holidays("DE-BY", 2026, 2026))
    nw = dict(public_holidays("de-nw", 2026, 2026))
    assert by[date(2026, 5, 25)] == "Pfingstmontag"
    assert date(2026, 1, 6) in by and date(2026, 1, 6) not in nw  # Heilige Drei Könige
    assert public_holidays("DE-NW", 2026, 2026, language="en_US")[0][1] == "New Year's Day"
    with pytest.raises(ValueError, match="region"):
        public_holidays("DE-XX", 2026, 2026)
