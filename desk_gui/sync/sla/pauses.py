"""SLA clocks with pauses: elapsed business time, due time, and how it was computed.

A pause ("waiting for customer") is a span of real time during which business time does
not count. Pauses may overlap (several pause reasons) and the last one may still run
(end None): then the clock has no due time yet, unless the target was reached before
that pause began.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .calendar import WorkCalendar, from_epoch, to_epoch
from .hours import format_hours

Pause = tuple[datetime, datetime | None]
# Pauses in epoch seconds, sorted, disjoint, clipped to the clock start; end None = open.
_Spans = list[tuple[int, int | None]]


def merge_pauses(pauses: Iterable[Pause], start: int) -> _Spans:
    """Sorted, disjoint pauses from `start` on; an open pause swallows all later ones."""
    spans = sorted(
        ((max(to_epoch(a), start), None if b is None else to_epoch(b)) for a, b in pauses),
        key=lambda span: (span[0], span[1] is None),
    )
    merged: _Spans = []
    for a, b in spans:
        if b is not None and b <= a:
            continue  # ended before the clock started, or empty
        last = merged[-1] if merged else None
        if last is not None and last[1] is not None and a <= last[1]:
            merged[-1] = (last[0], None if b is None else max(last[1], b))
        else:
            merged.append((a, b))
        if merged[-1][1] is None:
            break
    return merged


def due_time(
    calendar: WorkCalendar, start: datetime, target_seconds: int, pauses: Iterable[Pause] = ()
) -> datetime | None:
    """When `target_seconds` of unpaused business time have passed since `start`.

    None while an open pause holds the clock before the target is reached.
    """
    t0 = to_epoch(start)
    due = _due_epoch(calendar, t0, target_seconds, merge_pauses(pauses, t0))
    return None if due is None else from_epoch(due)


def _due_epoch(calendar: WorkCalendar, t0: int, target: int, pauses: _Spans) -> int | None:
    cursor, remaining = t0, target
    for pause_start, pause_end in pauses:
        # Ask how much fits before the pause first: a clock held by an open pause must
        # not need business hours that may never come.
        available = calendar.between_epoch(cursor, pause_start)
        if available >= remaining:
            return calendar.add_epoch(cursor, remaining)
        remaining -= available
        if pause_end is None:
            return None
        cursor = pause_end
    return calendar.add_epoch(cursor, remaining)


def elapsed_business_seconds(
    calendar: WorkCalendar, start: datetime, now: datetime, pauses: Iterable[Pause] = ()
) -> int:
    """Unpaused business seconds in [start, now); 0 when now is before start."""
    t0, t1 = to_epoch(start), to_epoch(now)
    if t1 <= t0:
        return 0
    paused = sum(
        calendar.between_epoch(a, min(t1, b if b is not None else t1))
        for a, b in merge_pauses(pauses, t0)
        if a < t1
    )
    return calendar.between_epoch(t0, t1) - paused


# ---- explanation ------------------------------------------------------------------


@dataclass(frozen=True)
class PauseUse:
    start: datetime
    end: datetime | None
    held_seconds: int | None  # business seconds the pause held back; None while open


@dataclass(frozen=True)
class DueExplanation:
    """Everything `desk-gui sla explain` prints about one due time."""

    tz: str
    start: datetime
    target_seconds: int
    due: datetime | None
    counted: tuple[tuple[datetime, datetime], ...]  # business time that counted (UTC)
    pauses: tuple[PauseUse, ...]
    skipped: tuple[tuple[date, str], ...]  # closed days that are working days otherwise
    replaced: tuple[tuple[date, str, str], ...]  # (date, hours, name) with other hours

    def lines(self) -> list[str]:
        """Human-readable text in the calendar's zone."""
        zone = ZoneInfo(self.tz)
        out = [
            f"Start   {_local(self.start, zone)}",
            f"Target  {_duration(self.target_seconds)} business time ({self.tz})",
        ]
        for a, b in self.counted:
            seconds = int((b - a).total_seconds())
            out.append(f"  counted {_span(a, b, zone)}  {_duration(seconds)}")
        for p in self.pauses:
            held = "open" if p.held_seconds is None else _duration(p.held_seconds)
            out.append(f"  paused  {_span(p.start, p.end, zone)}  held back {held}")
        out += [f"  closed  {d.isoformat()} {name}".rstrip() for d, name in self.skipped]
        out += [f"  hours   {d.isoformat()} {h} {name}".rstrip() for d, h, name in self.replaced]
        out.append(f"Due     {'none (paused)' if self.due is None else _local(self.due, zone)}")
        return out


def explain_due(
    calendar: WorkCalendar, start: datetime, target_seconds: int, pauses: Iterable[Pause] = ()
) -> DueExplanation:
    t0 = to_epoch(start)
    spans = merge_pauses(pauses, t0)
    due = _due_epoch(calendar, t0, target_seconds, spans)
    if due is None:  # the story ends where the open pause (always the last) began
        end, used = spans[-1][0], spans
    else:
        end, used = due, [p for p in spans if p[0] < due]
    return DueExplanation(
        tz=calendar.tz,
        start=from_epoch(t0),
        target_seconds=target_seconds,
        due=None if due is None else from_epoch(due),
        counted=tuple(_counted(calendar, t0, end, used)),
        pauses=tuple(_pause_use(calendar, a, b) for a, b in used),
        skipped=tuple(_skipped(calendar, t0, end)),
        replaced=tuple(_replaced(calendar, t0, end)),
    )


def _counted(
    calendar: WorkCalendar, t0: int, end: int, pauses: _Spans
) -> Iterable[tuple[datetime, datetime]]:
    """Business spans in [t0, end) with the pauses cut out."""
    cursor = t0
    gaps = [(a, b if b is not None else end) for a, b in pauses] + [(end, end)]
    for pause_start, pause_end in gaps:
        for a, b in calendar.spans_epoch(cursor, min(pause_start, end)):
            yield from_epoch(a), from_epoch(b)
        cursor = max(cursor, pause_end)


def _pause_use(calendar: WorkCalendar, a: int, b: int | None) -> PauseUse:
    held = None if b is None else calendar.between_epoch(a, b)
    return PauseUse(from_epoch(a), None if b is None else from_epoch(b), held)


def _local_dates(calendar: WorkCalendar, t0: int, end: int) -> Iterable[date]:
    day = from_epoch(t0).astimezone(calendar.zone).date()
    last = from_epoch(end).astimezone(calendar.zone).date()
    while day <= last:
        yield day
        day += timedelta(days=1)


def _skipped(calendar: WorkCalendar, t0: int, end: int) -> Iterable[tuple[date, str]]:
    for day in _local_dates(calendar, t0, end):
        rule = calendar.rule_on(day)
        if rule is not None and not rule[1] and calendar.weekly[day.weekday()]:
            yield day, rule[2]


def _replaced(calendar: WorkCalendar, t0: int, end: int) -> Iterable[tuple[date, str, str]]:
    for day in _local_dates(calendar, t0, end):
        rule = calendar.rule_on(day)
        if rule is not None and rule[1]:
            yield day, format_hours(rule[1]), rule[2]


def _local(t: datetime, zone: ZoneInfo) -> str:
    return t.astimezone(zone).strftime("%a %Y-%m-%d %H:%M %Z")


def _span(a: datetime, b: datetime | None, zone: ZoneInfo) -> str:
    """'Fri 2026-05-22 16:00 CEST - 17:00'; the end in full when on another day."""
    if b is None:
        return f"{_local(a, zone)} - (still paused)"
    end = b.astimezone(zone)
    same_day = a.astimezone(zone).date() == end.date()
    return f"{_local(a, zone)} - {end.strftime('%H:%M') if same_day else _local(b, zone)}"


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
