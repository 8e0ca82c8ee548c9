"""Setting up calendars, policies, routing and trigger rules (CLI and settings dialogs).

Every function works inside the caller's write transaction and raises ValueError with a
readable message for bad input, before writing anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from desk_gui.models.absence import AssignMode, GroupRouting
from desk_gui.models.party import Group
from desk_gui.models.sla import BusinessCalendar, CalendarDay, SlaPolicy, SlaTarget
from desk_gui.models.ticket import Status
from desk_gui.models.trigger import TriggerEvent, TriggerFiring, TriggerRule

from .calendar import WorkCalendar
from .config import weekly_from_spec
from .holiday_snapshot import public_holidays
from .hours import day_hours
from .notify import Hlc
from .policy import Level, business_day_seconds, normalize_match, policy_spec
from .recompute import STATES, clear_clocks
from .triggers import normalize_conditions, validate_actions


def find_calendar(session: Session, name: str) -> BusinessCalendar:
    row = session.scalar(
        select(BusinessCalendar).where(func.lower(BusinessCalendar.name) == name.strip().lower())
    )
    if row is None:
        names = ", ".join(
            session.scalars(select(BusinessCalendar.name).order_by(BusinessCalendar.name))
        )
        raise ValueError(f"no calendar {name!r} (calendars: {names or 'none yet'})")
    return row


def create_calendar(
    session: Session,
    hlc: Hlc,
    name: str,
    tz: str,
    hours: Sequence[str],
    holidays: str | None = None,
    years: tuple[int, int] | None = None,
    closed: Iterable[date] = (),
    extra_hours: Mapping[date, Sequence[str]] | None = None,
) -> BusinessCalendar:
    """A calendar with weekly hours ('mon-fri 08:00-12:00,13:00-17:00'), a snapshot of
    a region's public holidays for `years`, manual closed days and replacement hours."""
    name = name.strip()
    if not name:
        raise ValueError("a calendar needs a name")
    if session.scalar(
        select(BusinessCalendar.id).where(func.lower(BusinessCalendar.name) == name.lower())
    ):
        raise ValueError(f"a calendar named {name!r} exists already")
    weekly = weekly_from_spec(list(hours))
    days: dict[date, CalendarDay] = {}
    if holidays:
        first, last = years or (date.today().year - 1, date.today().year + 10)
        for day, title in public_holidays(holidays, first, last):
            days[day] = CalendarDay(day=day, name=title, hours=[], hlc=hlc())
    for day in closed:
        days[day] = CalendarDay(
            day=day, name=days[day].name if day in days else "closed", hours=[], hlc=hlc()
        )
    for day, specs in (extra_hours or {}).items():
        if day in days:
            raise ValueError(f"{day} is both closed and given hours")
        intervals = [s.strip() for spec in specs for s in spec.split(",") if s.strip()]
        day_hours(intervals)
        days[day] = CalendarDay(day=day, name="hours", hours=intervals, hlc=hlc())
    row = BusinessCalendar(
        name=name,
        timezone=tz,
        weekly_hours=weekly,
        holiday_region=holidays.upper() if holidays else None,
        hlc=hlc(),
    )
    row.days = [days[d] for d in sorted(days)]
    WorkCalendar.from_rows(row)  # validates the zone and every day before storing
    if not any(weekly.values()) and not any(d.hours for d in row.days):
        raise ValueError("a calendar needs opening hours")
    session.add(row)
    session.flush()
    return row


def use_calendar(
    session: Session, hlc: Hlc, calendar: BusinessCalendar, group: Group | None
) -> None:
    """Make a calendar the business hours of a group (department); None: no own hours."""
    if group is not None:
        group.calendar_id = calendar.id
        group.hlc = hlc()


def create_policy(
    session: Session,
    hlc: Hlc,
    name: str,
    calendar: BusinessCalendar,
    targets: Mapping[SlaTarget, int],
    match: Mapping[str, Sequence[str]] | None = None,
    levels: Sequence[Level] = (),
    position: int | None = None,
    pause_statuses: Sequence[Status] | None = None,
) -> SlaPolicy:
    name = name.strip()
    if not name:
        raise ValueError("a policy needs a name")
    if session.scalar(select(SlaPolicy.id).where(func.lower(SlaPolicy.name) == name.lower())):
        raise ValueError(f"a policy named {name!r} exists already")
    if not targets:
        raise ValueError("a policy needs at least one target")
    normalized = {k: sorted(v) for k, v in normalize_match(match or {}).items()}
    existing = list(session.scalars(select(SlaPolicy).order_by(SlaPolicy.position, SlaPolicy.name)))
    at = len(existing) if position is None else max(0, min(position - 1, len(existing)))
    row = SlaPolicy(
        name=name,
        calendar_id=calendar.id,
        match=normalized,
        first_response_s=targets.get(SlaTarget.FIRST_RESPONSE),
        next_response_s=targets.get(SlaTarget.NEXT_RESPONSE),
        resolution_s=targets.get(SlaTarget.RESOLUTION),
        escalations={"levels": [lv.to_json() for lv in levels]},
        pause_statuses=None if pause_statuses is None else [s.value for s in pause_statuses],
        hlc=hlc(),
    )
    policy_spec(row)  # validates like the engine will read it
    ordered_rows = [*existing[:at], row, *existing[at:]]
    for i, p in enumerate(ordered_rows):
        if p.position != i:
            p.position = i
            p.hlc = hlc()
    session.add(row)
    session.flush()
    return row


def find_policy(session: Session, name: str) -> SlaPolicy:
    row = session.scalar(
        select(SlaPolicy).where(func.lower(SlaPolicy.name) == name.strip().lower())
    )
    if row is None:
        raise ValueError(f"no SLA policy {name!r}")
    return row


def remove_policy(session: Session, row: SlaPolicy) -> None:
    """Its clocks go at once; the next engine run gives those tickets their new policy."""
    session.execute(
        update(STATES).where(STATES.c.policy_id == row.id).values(stale=True, **clear_clocks())
    )
    session.delete(row)
    session.flush()


def set_routing(session: Session, hlc: Hlc, group: Group, mode: AssignMode) -> GroupRouting:
    row = session.scalar(select(GroupRouting).where(GroupRouting.group_id == group.id))
    if row is None:
        row = GroupRouting(group_id=group.id, mode=mode, hlc=hlc())
        session.add(row)
    else:
        row.mode = mode
        row.hlc = hlc()
    session.flush()
    return row


def create_rule(
    session: Session,
    hlc: Hlc,
    name: str,
    event: TriggerEvent,
    conditions: Mapping[str, Sequence[str]],
    actions: Mapping[str, Any],
    position: int | None = None,
    created_at: datetime | None = None,
) -> TriggerRule:
    """A rule; "created" rules fire for tickets created from `created_at` on (now)."""
    name = name.strip()
    if not name:
        raise ValueError("a rule needs a name")
    if session.scalar(select(TriggerRule.id).where(func.lower(TriggerRule.name) == name.lower())):
        raise ValueError(f"a trigger named {name!r} exists already")
    last = session.scalar(select(func.max(TriggerRule.position))) or 0
    row = TriggerRule(
        name=name,
        event=event,
        conditions=normalize_conditions(conditions),
        actions=validate_actions(actions),
        position=last + 1 if position is None else position,
        hlc=hlc(),
    )
    if created_at is not None:
        row.created_at = created_at
    session.add(row)
    session.flush()
    return row


def list_rules(session: Session) -> list[TriggerRule]:
    """Every trigger rule, active or not, in firing order."""
    return list(
        session.scalars(select(TriggerRule).order_by(TriggerRule.position, TriggerRule.name))
    )


def remove_rule(session: Session, name: str) -> None:
    row = session.scalar(
        select(TriggerRule).where(func.lower(TriggerRule.name) == name.strip().lower())
    )
    if row is None:
        raise ValueError(f"no trigger {name!r}")
    session.execute(
        delete(TriggerFiring).where(TriggerFiring.rule_id == row.id),
        execution_options={"synchronize_session": False},
    )
    session.delete(row)
    session.flush()


def day_length(calendar: BusinessCalendar) -> int | None:
    """Seconds in one business day of this calendar ('d' in durations), if uniform."""
    return business_day_seconds(WorkCalendar.from_rows(calendar))
