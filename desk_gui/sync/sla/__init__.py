"""SLA business-time arithmetic: work calendars, due times, pauses, explanations.

Pure computation on aware datetimes; no database session, no Qt. Callers load the
calendar rows (models.sla) and hand them to WorkCalendar.from_rows.
"""

from .calendar import BusinessCalendarRow, CalendarDayRow, WorkCalendar
from .holiday_snapshot import public_holidays
from .hours import WEEKDAYS, DayHours, format_hours, parse_clock
from .pauses import (
    DueExplanation,
    Pause,
    PauseUse,
    due_time,
    elapsed_business_seconds,
    explain_due,
    merge_pauses,
)

__all__ = [
    "WEEKDAYS",
    "BusinessCalendarRow",
    "CalendarDayRow",
    "DayHours",
    "DueExplanation",
    "Pause",
    "PauseUse",
    "WorkCalendar",
    "due_time",
    "elapsed_business_seconds",
    "explain_due",
    "format_hours",
    "merge_pauses",
    "parse_clock",
    "public_holidays",
]
