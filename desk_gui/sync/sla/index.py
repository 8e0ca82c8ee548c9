"""Prefix-sum index over business intervals, in integer UTC epoch seconds.

"Position" is the number of business seconds between the start of the index and an
instant. Position is monotone in time, so every calendar question becomes one or two
bisects: add N seconds = position(t) + N mapped back to an instant. Nothing here knows
about time zones; the calendar turns wall-clock hours into these intervals.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True, slots=True)
class IntervalIndex:
    lo: int  # first covered instant
    hi: int  # last covered instant; every interval lies within [lo, hi]
    starts: list[int]
    ends: list[int]
    cum: list[int]  # business seconds before interval i
    cum_end: list[int]  # business seconds up to the end of interval i

    @classmethod
    def build(cls, lo: int, hi: int, intervals: Iterable[tuple[int, int]]) -> IntervalIndex:
        """Intervals must be sorted and disjoint; empty ones are dropped, touching ones merged
        (so an instant at a merge point has one unambiguous interval)."""
        starts: list[int] = []
        ends: list[int] = []
        for start, end in intervals:
            if not lo <= start <= end <= hi:
                raise ValueError(f"interval {start}-{end} outside index {lo}-{hi}")
            if start == end:
                continue
            if ends and start < ends[-1]:
                raise ValueError("intervals overlap or are unsorted")
            if ends and start == ends[-1]:
                ends[-1] = end
            else:
                starts.append(start)
                ends.append(end)
        cum_end = list(accumulate(e - s for s, e in zip(starts, ends, strict=True)))
        cum = [0, *cum_end[:-1]] if cum_end else []
        return cls(lo, hi, starts, ends, cum, cum_end)

    @property
    def total(self) -> int:
        return self.cum_end[-1] if self.cum_end else 0

    def covers(self, t: int) -> bool:
        return self.lo <= t <= self.hi

    def position(self, t: int) -> int:
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        return self.cum[i] + min(t, self.ends[i]) - self.starts[i]

    def instant(self, position: int) -> int:
        """Earliest instant whose position is `position` (0 < position <= total).

        bisect_left picks the interval in which the position is reached, so a position
        reached exactly at closing time maps to that closing time, not the next opening.
        """
        j = bisect_left(self.cum_end, position)
        return self.starts[j] + position - self.cum[j]

    def is_open(self, t: int) -> bool:
        i = bisect_right(self.starts, t) - 1
        return i >= 0 and t < self.ends[i]

    def spans(self, a: int, b: int) -> list[tuple[int, int]]:
        """The business intervals clipped to [a, b)."""
        i = max(bisect_right(self.starts, a) - 1, 0)
        out: list[tuple[int, int]] = []
        while i < len(self.starts) and self.starts[i] < b:
            start, end = max(self.starts[i], a), min(self.ends[i], b)
            if start < end:
                out.append((start, end))
            i += 1
        return out
