"""Benchmark: WorkCalendar.add_business_seconds against day- and minute-walking baselines.

Run with `uv run python tests/bench/bench_sla.py [--calls N]`. Prints µs per call and the
ratio to each baseline measured in the same run; asserts only that the answers agree.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from desk_gui.sync.sla import WEEKDAYS, WorkCalendar, due_time, public_holidays

TZ = "Europe/Berlin"
WEEKLY = {d: [("08:00", "12:00"), ("13:00", "17:00")] for d in WEEKDAYS[:5]}
HOUR = 3600
T = TypeVar("T")  # a start: datetime, or epoch seconds for add_epoch


def make_calendar() -> WorkCalendar:
    closed = [*public_holidays("DE-BY", 2025, 2028), (date(2026, 12, 24), "Heiligabend")]
    return WorkCalendar.create(TZ, WEEKLY, closed=closed)


def day_walk(cal: WorkCalendar, start: datetime, seconds: int) -> datetime:
    """Baseline: the usual loop over local days, building each day's intervals on the fly."""
    zone = ZoneInfo(cal.tz)
    day = start.astimezone(zone).date()
    while True:
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        for a, b in cal.hours_on(day):
            lo = max((midnight + timedelta(seconds=a)).astimezone(UTC), start)
            hi = (midnight + timedelta(seconds=b)).astimezone(UTC)
            if lo >= hi:
                continue
            span = int((hi - lo).total_seconds())
            if seconds <= span:
                return lo + timedelta(seconds=seconds)
            seconds -= span
        day += timedelta(days=1)


def minute_walk(cal: WorkCalendar, start: datetime, seconds: int) -> datetime:
    """Baseline: the test reference's approach, stepping minute by minute (small adds)."""
    zone = ZoneInfo(cal.tz)
    t = start
    while True:
        wall = t.astimezone(zone)
        minute = wall.hour * 3600 + wall.minute * 60
        if any(a <= minute < b for a, b in cal.hours_on(wall.date())):
            if seconds <= 60:
                return t + timedelta(seconds=seconds)
            seconds -= 60
        t += timedelta(minutes=1)


def per_call_us(fn: Callable[[T, int], object], cases: Sequence[tuple[T, int]]) -> float:
    """Best of five passes, in µs per call."""
    best = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        for start, seconds in cases:
            fn(start, seconds)
        best = min(best, time.perf_counter() - began)
    return best / len(cases) * 1e6


def random_cases(n: int, max_seconds: int, rng: random.Random) -> list[tuple[datetime, int]]:
    """Starts at whole minutes across 2026 (the minute walker needs them), any amount."""
    year = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        (year + timedelta(minutes=rng.randrange(365 * 1440)), rng.randrange(max_seconds))
        for _ in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    rng = random.Random(5)
    cal = make_calendar()

    began = time.perf_counter()
    cal.add_business_seconds(datetime(2026, 6, 1, tzinfo=UTC), 1)  # builds the index lazily
    build_ms = (time.perf_counter() - began) * 1e3

    typical = random_cases(args.calls, 5 * 8 * HOUR, rng)  # up to a business week
    small = random_cases(max(args.calls // 100, 50), 2 * HOUR, rng)
    for start, seconds in typical[:2000] + small:
        got = cal.add_business_seconds(start, seconds)
        assert got == day_walk(cal, start, seconds), (start, seconds)
    for start, seconds in small:
        assert cal.add_business_seconds(start, seconds) == minute_walk(cal, start, seconds)

    add = cal.add_business_seconds
    epochs = [(int(s.timestamp()), n) for s, n in typical]
    index_us = per_call_us(add, typical)
    epoch_us = per_call_us(cal.add_epoch, epochs)
    walk_us = per_call_us(lambda s, n: day_walk(cal, s, n), typical[: max(args.calls // 10, 100)])
    small_index_us = per_call_us(add, small)
    minute_us = per_call_us(lambda s, n: minute_walk(cal, s, n), small)

    pauses = [(start + timedelta(hours=2), start + timedelta(hours=30)) for start, _ in typical]
    began = time.perf_counter()
    for (start, seconds), pause in zip(typical, pauses, strict=True):
        due_time(cal, start, seconds, [pause])
    due_us = (time.perf_counter() - began) / len(typical) * 1e6

    print(f"calendar {TZ}, mon-fri 08-12 13-17, DE-BY holidays; {len(typical)} random calls")
    print(f"index build (first call, one local year)  {build_ms:8.2f} ms")
    print(f"add_business_seconds (index + bisect)     {index_us:8.2f} µs/call  (target <= 5)")
    print(f"add_epoch (same, no datetime objects)     {epoch_us:8.2f} µs/call")
    print(
        f"baseline: day-walking loop                {walk_us:8.2f} µs/call"
        f"  -> index is {walk_us / index_us:5.1f}x faster"
    )
    print(
        f"adds <= 2 h: index {small_index_us:.2f} µs/call vs minute walk {minute_us:.1f} µs/call"
        f"  -> {minute_us / small_index_us:,.0f}x"
    )
    print(f"due_time with one pause                   {due_us:8.2f} µs/call")
    print(f"=> 100,000 clocks with a pause each: ~{due_us * 100:.0f} ms (target <= 2000 ms)")


if __name__ == "__main__":
    main()
