"""Business-time arithmetic on a work calendar, exact across DST.

A calendar is wall-clock data (zone, weekly hours, closed days, replacement hours). To
answer questions it is turned, one local year at a time, into UTC intervals held in a
prefix-sum index (see index.py), so "add N business seconds" is two bisects.

Rule for clock changes. An interval [a, b) on a date opens at the first instant the
local clock shows a (or a later time) on that date and closes at the first instant it
shows b (or later). Hence:

* a time skipped when clocks go forward (02:30 in Berlin on the last Sunday of March)
  means the instant the clocks jump, so an interval inside the gap is empty;
* a time that occurs twice when clocks go back means its first occurrence (fold=0), and
  a repeated hour inside opening hours is counted twice, as it is really worked;
* 08:00-17:00 stays 9 hours on switch days in Europe (switch at 02:00/03:00), while
  00:00-24:00 is 23 or 25 hours.

Each wall interval therefore maps to exactly one UTC interval and the mapping is
monotone: intervals never invert or overlap.

All public methods take and return aware datetimes (results in UTC). The resolution is
one second: sub-second parts of inputs are dropped (floored) before computing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .hours import DayHours, HoursSpec, day_hours, weekly_hours
from .index import IntervalIndex

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ONE_DAY = timedelta(days=1)

# One calendar date that deviates from the weekly hours: () = closed all day, otherwise
# the hours that replace the weekly ones; the name is for people ("Pfingstmontag").
DayRule = tuple[date, DayHours, str]


def to_epoch(t: datetime) -> int:
    """Aware datetime -> whole UTC epoch seconds (floored)."""
    if t.tzinfo is None:
        raise ValueError(f"naive datetime {t.isoformat()}: business time needs an aware one")
    delta = t - EPOCH
    return delta.days * 86_400 + delta.seconds


def from_epoch(seconds: int) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


def wall_to_epoch(zone: ZoneInfo, day: date, second: int) -> int:
    """First instant at which the local clock shows `day` + `second` or a later time."""
    local = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(seconds=second)
    epoch = to_epoch(local)  # fold=0: the first occurrence of an ambiguous time
    if from_epoch(epoch).astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return epoch
    return _jump_instant(zone, local.replace(tzinfo=None), epoch)


def _jump_instant(zone: ZoneInfo, wall: datetime, after: int) -> int:
    """The instant the clocks jump over the nonexistent `wall` time.

    zoneinfo does not expose its transitions, but it brackets them: fold=1 reads a gap
    time with the new offset (an instant before the jump), fold=0 with the old one (an
    instant after it). Bisect between them for the first instant showing >= wall.
    """
    lo = to_epoch(wall.replace(tzinfo=zone, fold=1))
    hi = after
    while lo < hi:
        mid = (lo + hi) // 2
        if from_epoch(mid).astimezone(zone).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid + 1
    return hi


class CalendarDayRow(Protocol):
    """What from_rows reads from a models.sla.CalendarDay."""

    @property
    def day(self) -> date: ...
    @property
    def name(self) -> str: ...
    @property
    def hours(self) -> Sequence[str]: ...


class BusinessCalendarRow(Protocol):
    """What from_rows reads from a models.sla.BusinessCalendar."""

    @property
    def timezone(self) -> str: ...
    @property
    def weekly_hours(self) -> Mapping[str, Any]: ...
    @property
    def days(self) -> Sequence[CalendarDayRow]: ...


class _IndexCache:
    """Mutable, lazily grown index behind the immutable calendar value.

    Growth builds a new IntervalIndex and swaps the reference, so readers on other
    threads always see a complete index; the lock only avoids building a year twice.
    """

    def __init__(self) -> None:
        self.index: IntervalIndex | None = None
        self.years: dict[int, list[tuple[int, int]]] = {}
        self.span: tuple[int, int] | None = None
        self.lock = threading.Lock()


@dataclass(frozen=True)
class WorkCalendar:
    """Immutable business calendar; compare and hash by value."""

    tz: str
    weekly: tuple[DayHours, ...]  # Monday first, seven entries
    days: tuple[DayRule, ...] = ()  # sorted by date, one rule per date
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _rules: dict[date, DayRule] = field(init=False, repr=False, compare=False)
    _cache: _IndexCache = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            zone = ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone: {self.tz!r}") from exc
        if len(self.weekly) != 7:
            raise ValueError("weekly hours need seven days, Monday first")
        # Direct construction must meet the same invariants as create(): normalized hours.
        if any(day_hours(h) != h for h in [*self.weekly, *(rule[1] for rule in self.days)]):
            raise ValueError("hours must be sorted, disjoint, merged intervals within a day")
        rules = {rule[0]: rule for rule in self.days}
        if len(rules) != len(self.days) or list(rules) != sorted(rules):
            raise ValueError("calendar days must be sorted with one rule per date")
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "_rules", rules)
        object.__setattr__(self, "_cache", _IndexCache())

    # ---- construction -------------------------------------------------------------

    @classmethod
    def create(
        cls,
        tz: str,
        weekly: Mapping[str, Iterable[HoursSpec]],
        closed: Mapping[date, str] | Iterable[date | tuple[date, str]] = (),
        hours: Mapping[date, Iterable[HoursSpec]] | None = None,
    ) -> WorkCalendar:
        """From readable parts: weekly {"mon": [("08:00", "12:00"), ...]}, closed dates
        (optionally named, e.g. from public_holidays()) and replacement hours per date
        (an empty list there also means closed). A date may not be both."""
        rules: dict[date, DayRule] = {}
        items = closed.items() if isinstance(closed, Mapping) else closed
        for item in items:
            day, name = item if isinstance(item, tuple) else (item, "")
            rules[day] = (day, (), name)
        for day, specs in (hours or {}).items():
            if day in rules:
                raise ValueError(f"{day} is both closed and given hours")
            rules[day] = (day, day_hours(specs), "")
        return cls(tz, weekly_hours(weekly), tuple(rules[d] for d in sorted(rules)))

    @classmethod
    def from_rows(
        cls, calendar: BusinessCalendarRow, days: Iterable[CalendarDayRow] | None = None
    ) -> WorkCalendar:
        """From a BusinessCalendar row and its CalendarDay rows (default: calendar.days)."""
        rows = sorted(calendar.days if days is None else days, key=lambda r: r.day)
        rules = tuple((r.day, day_hours(r.hours), r.name) for r in rows)
        return cls(calendar.timezone, weekly_hours(calendar.weekly_hours), rules)

    # ---- what the calendar says about a date ----------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    def hours_on(self, day: date) -> DayHours:
        rule = self._rules.get(day)
        return rule[1] if rule is not None else self.weekly[day.weekday()]

    def rule_on(self, day: date) -> DayRule | None:
        """The closed-day or replacement-hours rule for a date, if any."""
        return self._rules.get(day)

    # ---- business-time arithmetic (datetimes) ---------------------------------------

    def add_business_seconds(self, start: datetime, seconds: int) -> datetime:
        """Earliest instant u >= start with business_seconds_between(start, u) == seconds."""
        return from_epoch(self.add_epoch(to_epoch(start), seconds))

    def business_seconds_between(self, a: datetime, b: datetime) -> int:
        """Business seconds in [a, b); negative when b is before a."""
        return self.between_epoch(to_epoch(a), to_epoch(b))

    def is_open(self, t: datetime) -> bool:
        epoch = to_epoch(t)
        return self._index_covering(epoch, epoch).is_open(epoch)

    def next_open(self, t: datetime) -> datetime:
        """t itself when open, else the next opening."""
        # The first business second after t ends at add(t, 1); it starts one second earlier.
        return from_epoch(self.add_epoch(to_epoch(t), 1) - 1)

    def open_spans(self, a: datetime, b: datetime) -> list[tuple[datetime, datetime]]:
        """The business intervals within [a, b), clipped, in UTC."""
        spans = self.spans_epoch(to_epoch(a), to_epoch(b))
        return [(from_epoch(s), from_epoch(e)) for s, e in spans]

    # ---- the same on epoch seconds, for bulk work (no datetime objects) --------------

    def add_epoch(self, t: int, seconds: int) -> int:
        if seconds < 0:
            raise ValueError("cannot add negative business time")
        if seconds == 0:
            return t
        ix = self._cache.index
        if ix is None or not ix.lo <= t <= ix.hi:
            ix = self._index_covering(t, t)
        target = ix.position(t) + seconds
        while target > ix.total:
            ix = self._grow_forward(ix, target - ix.total)
            target = ix.position(t) + seconds
        return ix.instant(target)

    def between_epoch(self, a: int, b: int) -> int:
        ix = self._index_covering(min(a, b), max(a, b))
        return ix.position(b) - ix.position(a)

    def spans_epoch(self, a: int, b: int) -> list[tuple[int, int]]:
        if b <= a:
            return []
        return self._index_covering(a, b).spans(a, b)

    def index_for(self, a: int, b: int) -> IntervalIndex:
        """The prefix-sum index covering [a, b], for bulk callers (SLA clocks of many
        tickets) that bisect it directly instead of paying a call per question."""
        return self._index_covering(min(a, b), max(a, b))

    # ---- the lazily built index -----------------------------------------------------

    def _index_covering(self, a: int, b: int) -> IntervalIndex:
        ix = self._cache.index
        if ix is not None and ix.lo <= a and b <= ix.hi:
            return ix
        # A local year starts within a day of the UTC one; widen by a day to be sure.
        first = from_epoch(max(a - 86_400, to_epoch(datetime(MINYEAR + 1, 1, 1, tzinfo=UTC))))
        last = from_epoch(b + 86_400)
        return self._build(first.year, last.year)

    def _grow_forward(self, ix: IntervalIndex, deficit: int) -> IntervalIndex:
        """Extend the index by enough years to hold `deficit` more business seconds."""
        span = self._cache.span
        assert span is not None  # an index exists, so a span was built
        first, last = span
        per_year = ix.total // (last - first + 1)
        extra = deficit // per_year + 1 if per_year else 1
        limit = self._last_open_year()
        if last >= limit:
            raise ValueError(f"calendar {self.tz} has no business hours after {last}")
        return self._build(first, min(last + extra, limit))

    def _last_open_year(self) -> int:
        """Past this year the calendar is never open; growing beyond it is pointless."""
        if any(self.weekly):
            return MAXYEAR - 1
        open_days = [day.year for day, hours, _ in self.days if hours]
        return max(open_days, default=MINYEAR)

    def _build(self, first: int, last: int) -> IntervalIndex:
        cache = self._cache
        with cache.lock:
            if cache.span is not None:
                first, last = min(first, cache.span[0]), max(last, cache.span[1])
            if not MINYEAR < first <= last < MAXYEAR:
                raise ValueError(f"business time outside years {MINYEAR + 1}-{MAXYEAR - 1}")
            intervals = [iv for y in range(first, last + 1) for iv in self._year(y)]
            lo = wall_to_epoch(self._zone, date(first, 1, 1), 0)
            hi = wall_to_epoch(self._zone, date(last + 1, 1, 1), 0)
            ix = IntervalIndex.build(lo, hi, intervals)
            cache.index, cache.span = ix, (first, last)
            return ix

    def _year(self, year: int) -> list[tuple[int, int]]:
        cached = self._cache.years.get(year)
        if cached is None:
            cached = self._cache.years[year] = list(self._intervals(date(year, 1, 1), year))
        return cached

    def _intervals(self, day: date, year: int) -> Iterable[tuple[int, int]]:
        while day.year == year:
            for a, b in self.hours_on(day):
                yield wall_to_epoch(self._zone, day, a), wall_to_epoch(self._zone, day, b)
            day += ONE_DAY
