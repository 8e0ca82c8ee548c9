"""Everything the clocks depend on besides the tickets: policies, calendars, groups.

Loaded once per engine run. Its fingerprint changes whenever any input of any clock
changes (a policy edited, a holiday added, a group given another calendar, a customer
organization's contract level changed); the engine then recomputes every open clock.
Built calendars are cached by content across runs, since building their index is the
expensive part.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desk_gui.models.party import Group, Organization
from desk_gui.models.sla import BusinessCalendar, SlaPolicy

from .calendar import WorkCalendar
from .hours import WEEKDAYS, day_hours
from .policy import PolicySpec, ordered, policy_spec


@dataclass
class CalendarCache:
    """Built WorkCalendars by content; an engine keeps one for its lifetime."""

    built: dict[str, WorkCalendar] = field(default_factory=dict)

    def get(self, row: BusinessCalendar) -> WorkCalendar:
        key = _digest(_calendar_data(row))
        cal = self.built.get(key)
        if cal is None:
            cal = self.built[key] = WorkCalendar.from_rows(row)
        return cal


def _calendar_data(row: BusinessCalendar) -> dict[str, Any]:
    return {
        "tz": row.timezone,
        "weekly": row.weekly_hours,
        "days": [[d.day.isoformat(), list(d.hours), d.name] for d in row.days],
    }


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class SlaConfig:
    policies: list[PolicySpec]  # in matching order
    calendars: Mapping[uuid.UUID, WorkCalendar]
    calendar_names: Mapping[uuid.UUID, str]
    group_calendars: Mapping[uuid.UUID, uuid.UUID]  # group -> its calendar
    fingerprint: str

    def policy(self, policy_id: uuid.UUID) -> PolicySpec | None:
        return next((p for p in self.policies if p.id == policy_id), None)

    def calendar_id(self, policy: PolicySpec, group_id: uuid.UUID | None) -> uuid.UUID:
        """The group's calendar (business hours per department), else the policy's."""
        if group_id is not None:
            own = self.group_calendars.get(group_id)
            if own is not None and own in self.calendars:
                return own
        return policy.calendar_id


def load_config(session: Session, cache: CalendarCache) -> SlaConfig:
    calendars = list(
        session.scalars(select(BusinessCalendar).options(selectinload(BusinessCalendar.days)))
    )
    policy_rows = list(session.scalars(select(SlaPolicy)))
    groups = {gid: cid for gid, cid in session.execute(select(Group.id, Group.calendar_id)) if cid}
    contracts = sorted(
        (str(i), str(level))
        for i, level in session.execute(select(Organization.id, Organization.contract_level))
    )
    fingerprint = _digest(
        {
            "calendars": sorted([str(c.id), _calendar_data(c)] for c in calendars),
            "policies": sorted(_policy_data(p) for p in policy_rows),
            "groups": sorted([str(g), str(c)] for g, c in groups.items()),
            "contracts": contracts,
        }
    )
    return SlaConfig(
        policies=ordered(policy_spec(p) for p in policy_rows),
        calendars={c.id: cache.get(c) for c in calendars},
        calendar_names={c.id: c.name for c in calendars},
        group_calendars=groups,
        fingerprint=fingerprint,
    )


def _policy_data(p: SlaPolicy) -> list[Any]:
    return [
        str(p.id),
        p.name,
        p.position,
        str(p.calendar_id),
        p.match,
        p.first_response_s,
        p.next_response_s,
        p.resolution_s,
        p.escalations,
        p.pause_statuses,
    ]


def weekly_from_spec(specs: list[str]) -> dict[str, list[list[str]]]:
    """'mon-fri 08:00-12:00,13:00-17:00' (one per element) -> the weekly_hours JSON."""
    weekly: dict[str, list[list[str]]] = {}
    for spec in specs:
        days_part, _, hours_part = spec.strip().partition(" ")
        if not hours_part.strip():
            raise ValueError(f"hours need days and times, e.g. 'mon-fri 08:00-17:00': {spec!r}")
        days: list[str] = []
        for piece in days_part.lower().split(","):
            first, _, last = piece.partition("-")
            names = [n.strip()[:3] for n in (first, last or first)]
            for name in names:
                if name not in WEEKDAYS:
                    raise ValueError(f"unknown weekday {name!r} in {spec!r}")
            a, b = WEEKDAYS.index(names[0]), WEEKDAYS.index(names[1])
            if b < a:
                raise ValueError(f"weekday range runs backwards in {spec!r}")
            days += WEEKDAYS[a : b + 1]
        intervals = [iv.strip() for iv in hours_part.split(",") if iv.strip()]
        day_hours(intervals)  # validates: sorted, within a day, not overlapping
        for day in days:
            if day in weekly:
                raise ValueError(f"{day} is given hours twice")
            weekly[day] = [iv.split("-") for iv in intervals]
    return weekly
