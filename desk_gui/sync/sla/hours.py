"""Opening hours as plain data: wall-clock intervals in seconds since local midnight.

Kept separate from the time-zone arithmetic so the stored forms ("08:00", "08:00-12:00",
["08:00", "12:00"]) are parsed and validated in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

# One wall-clock interval [start, end) in seconds since local midnight; end may be 86400
# ("24:00") so a day can be open up to midnight. Overnight hours are written as two
# intervals on consecutive days, which keeps every interval inside its own date.
Interval = tuple[int, int]
DayHours = tuple[Interval, ...]

DAY_SECONDS = 86_400
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# What the database and CLI hand us: ("08:00", "12:00"), ["08:00", "12:00"] or "08:00-12:00".
HoursSpec = Sequence[str] | str


def parse_clock(text: str) -> int:
    """ "HH:MM" or "HH:MM:SS" -> seconds since midnight; "24:00" is the end of the day."""
    parts = text.strip().split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise ValueError(f"not a clock time (HH:MM): {text!r}")
    hh, mm, ss = (int(p) for p in [*parts, "0"][:3])
    if mm > 59 or ss > 59 or hh * 3600 + mm * 60 + ss > DAY_SECONDS:
        raise ValueError(f"clock time out of range: {text!r}")
    return hh * 3600 + mm * 60 + ss


def format_clock(seconds: int) -> str:
    hh, rest = divmod(seconds, 3600)
    mm, ss = divmod(rest, 60)
    return f"{hh:02d}:{mm:02d}" + (f":{ss:02d}" if ss else "")


def parse_interval(spec: HoursSpec | Interval) -> Interval:
    """("08:00", "12:00"), "08:00-12:00" or (28800, 43200) -> (28800, 43200)."""
    pair: Sequence[str | int] = spec.split("-") if isinstance(spec, str) else spec
    if len(pair) != 2:
        raise ValueError(f"not an interval (start, end): {spec!r}")
    start, end = (x if isinstance(x, int) else parse_clock(x) for x in pair)
    if not 0 <= start < end <= DAY_SECONDS:
        raise ValueError(f"interval must lie within one day and end after it starts: {spec!r}")
    return (start, end)


def day_hours(specs: Iterable[HoursSpec | Interval]) -> DayHours:
    """Sorted, validated intervals of one day; touching intervals are merged."""
    intervals = sorted(parse_interval(s) for s in specs)
    merged: list[Interval] = []
    for start, end in intervals:
        if merged and start < merged[-1][1]:
            raise ValueError(f"overlapping hours: {format_hours(tuple(intervals))}")
        if merged and start == merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return tuple(merged)


def weekly_hours(spec: Mapping[str, Iterable[HoursSpec | Interval]]) -> tuple[DayHours, ...]:
    """{"mon": [("08:00", "12:00"), ...], ...} -> seven DayHours, Monday first.

    Keys are matched on their first three letters ("Monday" works); missing days are
    closed.
    """
    week: list[DayHours] = [() for _ in WEEKDAYS]
    for key, specs in spec.items():
        name = key.strip().lower()[:3]
        if name not in WEEKDAYS:
            raise ValueError(f"unknown weekday: {key!r}")
        week[WEEKDAYS.index(name)] = day_hours(specs)
    return tuple(week)


def format_hours(hours: DayHours) -> str:
    if not hours:
        return "closed"
    return ", ".join(f"{format_clock(a)}-{format_clock(b)}" for a, b in hours)
