"""`desk-gui calendar add|list|use`: business hours, holidays and closed days.

A calendar is one department's business time: an IANA zone, weekly hours with several
intervals a day, a snapshot of a region's public holidays (copied into the store, so
every client computes the same), manual closed days and replacement hours.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select

from desk_gui.models import BusinessCalendar, Group
from desk_gui.sync.sla import WorkCalendar, admin
from desk_gui.sync.sla.hours import WEEKDAYS, day_hours, format_hours
from desk_gui.sync.sla.policy import business_day_seconds, format_duration

from .common import CliError, find_group, open_store
from .output import print_json, print_table

Handler = Callable[[argparse.Namespace], int]


def value_errors(fn: Handler) -> Handler:
    """Bad input found by the SLA layer (ValueError) becomes one line on stderr."""

    @functools.wraps(fn)
    def run(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except ValueError as exc:
            raise CliError(str(exc)) from None

    return run


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _years(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    try:
        a, b = int(first), int(last or first)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a year range (2026-2030): {text!r}") from None
    if not 1900 < a <= b < 2200:
        raise argparse.ArgumentTypeError(f"year range out of order or bounds: {text!r}")
    return a, b


def add_calendar_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME")
    p.add_argument("--tz", default="Europe/Berlin", help="IANA time zone (Europe/Berlin)")
    p.add_argument(
        "--hours",
        action="append",
        required=True,
        metavar="SPEC",
        help="'mon-fri 08:00-12:00,13:00-17:00'; repeat for other days ('sat 09:00-12:00')",
    )
    p.add_argument("--holidays", metavar="REGION", help="public holidays of e.g. DE, DE-BY, AT-9")
    p.add_argument(
        "--years",
        type=_years,
        metavar="A-B",
        help="years of the holiday snapshot (default: last year to ten years ahead)",
    )
    p.add_argument(
        "--closed",
        action="append",
        default=[],
        metavar="DATE",
        help="closed all day (YYYY-MM-DD); repeat or comma-separate",
    )
    p.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="'DATE HOURS'",
        help="other hours on one date: '2026-12-19 09:00-12:00' (replaces the weekly ones)",
    )
    p.add_argument(
        "--group",
        action="append",
        default=[],
        metavar="G",
        help="make it the business hours of this group (department); repeatable",
    )


@value_errors
def add_calendar(args: argparse.Namespace) -> int:
    closed = [parse_day(d) for value in args.closed for d in value.split(",") if d.strip()]
    extra: dict[date, list[str]] = {}
    for spec in args.extra:
        day, _, hours = spec.strip().partition(" ")
        extra.setdefault(parse_day(day), []).append(hours)
    with open_store(args) as store:
        hlc = store.clock.now
        with store.write() as session:
            groups = [find_group(session, g) for g in args.group]
            row = admin.create_calendar(
                session, hlc, args.name, args.tz, args.hours, args.holidays, args.years,
                closed, extra,
            )  # fmt: skip
            for group in groups:
                admin.use_calendar(session, hlc, row, group)
            closed_days = sum(1 for d in row.days if not d.hours)
    print(f"calendar {args.name}: {closed_days} closed days")
    return 0


def add_use_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME")
    p.add_argument("--group", action="append", required=True, metavar="G", help="repeatable")


@value_errors
def use_calendar(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        hlc = store.clock.now
        with store.write() as session:
            row = admin.find_calendar(session, args.name)
            for name in args.group:
                admin.use_calendar(session, hlc, row, find_group(session, name))
    print(f"calendar {args.name}: business hours of {', '.join(args.group)}")
    return 0


def add_json_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON")


def weekly_text(weekly: dict[str, list[list[str]]]) -> str:
    """Consecutive days with the same hours folded: 'mon-fri 08:00-12:00, 13:00-17:00'."""
    hours = [format_hours(day_hours(weekly.get(d, []))) for d in WEEKDAYS]
    parts: list[str] = []
    i = 0
    while i < 7:
        j = i
        while j + 1 < 7 and hours[j + 1] == hours[i]:
            j += 1
        if hours[i] != "closed":
            days = WEEKDAYS[i] if i == j else f"{WEEKDAYS[i]}-{WEEKDAYS[j]}"
            parts.append(f"{days} {hours[i]}")
        i = j + 1
    return "; ".join(parts) or "closed"


@value_errors
def list_calendars(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.read() as session:
        rows = list(session.scalars(select(BusinessCalendar).order_by(BusinessCalendar.name)))
        closed = _closed_counts(rows)
        groups: dict[object, list[str]] = {}
        for name, cal_id in session.execute(select(Group.name, Group.calendar_id)):
            groups.setdefault(cal_id, []).append(name)
        out: list[dict[str, Any]] = [
            {
                "name": r.name,
                "timezone": r.timezone,
                "hours": weekly_text(r.weekly_hours),
                "day": _day_length(r),
                "holidays": r.holiday_region,
                "closed_days": closed.get(r.id, 0),
                "groups": sorted(groups.get(r.id, [])),
            }
            for r in rows
        ]
    if args.json:
        print_json(out)
        return 0
    table = [
        [c["name"], c["timezone"], c["hours"], c["day"] or "-", c["holidays"] or "-",
         str(c["closed_days"]), ", ".join(c["groups"]) or "-"]
        for c in out
    ]  # fmt: skip
    print_table(["NAME", "ZONE", "HOURS", "DAY", "HOLIDAYS", "CLOSED", "GROUPS"], table, flex=2)
    return 0


def _closed_counts(rows: list[BusinessCalendar]) -> dict[object, int]:
    return {r.id: sum(1 for d in r.days if not d.hours) for r in rows}


def _day_length(row: BusinessCalendar) -> str | None:
    length = business_day_seconds(WorkCalendar.from_rows(row))
    return None if length is None else format_duration(length)


COMMANDS = (
    ("calendar add", add_calendar_args, add_calendar,
     "add a business calendar (zone, weekly hours, holidays, closed days)"),
    ("calendar list", add_json_arg, list_calendars, "business calendars"),
    ("calendar use", add_use_args, use_calendar, "make a calendar the business hours of groups"),
)  # fmt: skip
