"""The demo's business calendar and SLA policies, so due times and breaches show at once.

Written as plain rows in the shapes desk_gui.sync.sla.admin creates (models must not
import sync): one calendar with the office hours of a German service desk and a snapshot
of the NRW public holidays, and one policy per contract level.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import holidays
from sqlalchemy.orm import Session

from .sla import BusinessCalendar, CalendarDay, SlaPolicy

CALENDAR = "Bürozeiten"
_HOURS = [["08:00", "12:00"], ["13:00", "17:00"]]
_WEEKLY: dict[str, Any] = {d: _HOURS for d in ("mon", "tue", "wed", "thu", "fri")}
_DAY_S = 8 * 3600  # one business day of this calendar
_HOUR_S = 3600

# (name, contract level, first response, resolution) in business seconds; tried in order.
POLICIES = (
    ("Platinum", "platinum", 1 * _HOUR_S, 8 * _HOUR_S),
    ("Gold", "gold", 4 * _HOUR_S, 2 * _DAY_S),
    ("Silver", "silver", 8 * _HOUR_S, 5 * _DAY_S),
)
# A warning before the due time, then the breach, to the people who can act on it.
_LEVELS: dict[str, Any] = {
    "levels": [
        {"target": None, "at": "80%", "notify": ["assignee"], "actions": {}},
        {"target": None, "at": "100%", "notify": ["assignee", "group-lead"], "actions": {}},
    ]
}


def write_sla(session: Session, hlc: str, now: datetime) -> None:
    """The calendar (holidays from last year to two years ahead) and the policies."""
    years = range(now.year - 1, now.year + 3)
    table = holidays.country_holidays("DE", subdiv="NW", years=years, language="de")
    calendar = BusinessCalendar(
        name=CALENDAR,
        timezone="Europe/Berlin",
        weekly_hours=_WEEKLY,
        holiday_region="DE-NW",
        hlc=hlc,
    )
    calendar.days = [
        CalendarDay(day=day, name=name, hours=[], hlc=hlc) for day, name in sorted(table.items())
    ]
    session.add(calendar)
    session.flush()
    for position, (name, level, first_s, resolution_s) in enumerate(POLICIES):
        session.add(
            SlaPolicy(
                name=name,
                position=position,
                calendar_id=calendar.id,
                match={"contract": [level]},
                first_response_s=first_s,
                next_response_s=None,
                resolution_s=resolution_s,
                escalations=_LEVELS,
                pause_statuses=None,
                hlc=hlc,
            )
        )
    session.flush()
