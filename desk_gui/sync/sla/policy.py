"""SLA policies as plain values: durations, escalation levels, and matching a ticket.

The rows (models.sla.SlaPolicy) hold JSON; everything here parses and validates it once
per engine run, so the hot recompute loop works on small frozen values.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from desk_gui.models.sla import DEFAULT_PAUSE_STATUSES, SlaTarget
from desk_gui.models.ticket import Priority, Status

from .calendar import WorkCalendar

# --- durations ---------------------------------------------------------------------------

_PART = re.compile(r"(\d+)\s*([dhms])")
_UNIT = {"h": 3600, "m": 60, "s": 1}


def business_day_seconds(calendar: WorkCalendar) -> int | None:
    """The length of the calendar's business day, when all open weekdays agree."""
    lengths = {sum(b - a for a, b in day) for day in calendar.weekly if day}
    return lengths.pop() if len(lengths) == 1 else None


def parse_duration(text: str, day_seconds: int | None = None) -> int:
    """'4h', '30m', '1h30m', '90s', '3d' -> business seconds.

    'd' is one business day of the calendar at hand (8 h for 08:00-12:00,13:00-17:00),
    never 24 h: a '3d' resolution target means three working days. It is refused when
    the calendar's open days differ in length, because then no single day length exists.
    """
    spec = text.strip().lower().replace(" ", "")
    parts = _PART.findall(spec)
    if not spec or "".join(n + u for n, u in parts) != spec:
        raise ValueError(f"not a duration: {text!r} (use e.g. 4h, 30m, 1h30m, 3d)")
    total = 0
    for number, unit in parts:
        if unit == "d":
            if day_seconds is None:
                raise ValueError(
                    f"{text!r}: days need a calendar whose open days all have the same "
                    "length; give hours instead (e.g. 24h)"
                )
            total += int(number) * day_seconds
        else:
            total += int(number) * _UNIT[unit]
    if total <= 0:
        raise ValueError(f"a duration must be positive: {text!r}")
    return total


def format_duration(seconds: int) -> str:
    """3600 -> '1h', 5400 -> '1h30m', 45 -> '45s' (hours never roll into days)."""
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    out = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
    out += f"{secs}s" if secs or not out else ""
    return ("-" if seconds < 0 else "") + out


# --- escalation levels ---------------------------------------------------------------------

NOTIFY_ROLES = ("assignee", "group", "group-lead")


@dataclass(frozen=True)
class Level:
    """One escalation level: at a share of the target, or some business time after it."""

    percent: int | None = None  # 80 -> at 80 % of the target
    after_s: int | None = None  # 7200 -> two business hours after the due time
    target: SlaTarget | None = None  # None: the level applies to every target
    notify: tuple[str, ...] = ()  # roles (NOTIFY_ROLES) and agent UUIDs as text
    actions: Mapping[str, str] = field(default_factory=dict)  # {"priority": ..., "group": ...}

    def __post_init__(self) -> None:
        if (self.percent is None) == (self.after_s is None):
            raise ValueError("a level is either a percentage or a time after the due time")
        if self.percent is not None and not 0 < self.percent <= 1000:
            raise ValueError(f"level percentage out of range: {self.percent}")
        if self.after_s is not None and self.after_s <= 0:
            raise ValueError("a level after the due time needs a positive time")
        for who in self.notify:
            if who not in NOTIFY_ROLES:
                uuid.UUID(who)  # raises ValueError for anything else
        unknown = set(self.actions) - {"priority", "group"}
        if unknown:
            raise ValueError(f"unknown escalation action(s): {', '.join(sorted(unknown))}")
        prio = self.actions.get("priority")
        if prio is not None and prio != "raise":
            Priority(prio)

    @cached_property
    def key(self) -> str:
        """Stable name of the level inside a cycle: '80%', '100%', '+7200s'."""
        return f"{self.percent}%" if self.percent is not None else f"+{self.after_s}s"

    def offset(self, target_s: int) -> int:
        """Business seconds after the clock's start at which the level falls due."""
        if self.percent is not None:
            return max(1, target_s * self.percent // 100)
        assert self.after_s is not None
        return target_s + self.after_s

    @property
    def is_breach(self) -> bool:
        return self.percent == 100

    def label(self) -> str:
        if self.percent is not None:
            return f"{self.percent} %"
        assert self.after_s is not None
        return f"+{format_duration(self.after_s)} after due"

    def to_json(self) -> dict[str, Any]:
        return {
            "target": None if self.target is None else self.target.value,
            "at": self.key,
            "notify": list(self.notify),
            "actions": dict(self.actions),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Level:
        at = str(data["at"])
        target = data.get("target")
        common: dict[str, Any] = {
            "target": SlaTarget(target) if target else None,
            "notify": tuple(str(x) for x in data.get("notify", ())),
            "actions": {str(k): str(v) for k, v in (data.get("actions") or {}).items()},
        }
        if at.endswith("%"):
            return cls(percent=int(at[:-1]), **common)
        if at.startswith("+") and at.endswith("s"):
            return cls(after_s=int(at[1:-1]), **common)
        raise ValueError(f"not a level: {at!r}")


def parse_level_at(text: str, day_seconds: int | None = None) -> tuple[int | None, int | None]:
    """'80%' -> (80, None); '+2h' -> (None, 7200)."""
    text = text.strip()
    if text.endswith("%") and text[:-1].strip().isdigit():
        return int(text[:-1]), None
    if text.startswith("+"):
        return None, parse_duration(text[1:], day_seconds)
    raise ValueError(f"not a level: {text!r} (use e.g. 80%, 100% or +2h)")


def levels_for(levels: Sequence[Level], target: SlaTarget, target_s: int) -> list[Level]:
    """The levels of one target, in the order they fall due (ties: declaration order)."""
    mine = [lv for lv in levels if lv.target is None or lv.target is target]
    return sorted(mine, key=lambda lv: lv.offset(target_s))


# --- policies ------------------------------------------------------------------------------

MATCH_KEYS = ("contract", "group", "type", "category", "priority", "channel")


class TicketFacts(NamedTuple):
    """What a policy may look at; values as the strings stored in the match JSON."""

    contract: str
    group: str | None  # group UUID as text
    type: str
    category: str | None
    priority: str
    channel: str

    def get(self, key: str) -> str | None:
        value: str | None = getattr(self, key)
        return value


@dataclass(frozen=True)
class PolicySpec:
    id: uuid.UUID
    name: str
    position: int
    calendar_id: uuid.UUID
    match: Mapping[str, frozenset[str]]
    targets: Mapping[SlaTarget, int]
    levels: tuple[Level, ...]
    pause_statuses: frozenset[Status]
    # Derived once: the levels of each target in firing order, pause statuses as text.
    levels_by_target: Mapping[SlaTarget, tuple[Level, ...]] = field(init=False, repr=False)
    # The same with each level's offset for the target's time (computed for every
    # clock of a recompute otherwise).
    offsets_by_target: Mapping[SlaTarget, tuple[tuple[Level, int], ...]] = field(
        init=False, repr=False
    )
    pause_values: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_target = {
            t: tuple(levels_for(self.levels, t, self.targets.get(t, 1))) for t in SlaTarget
        }
        offsets = {
            t: tuple((lv, lv.offset(self.targets.get(t, 1))) for lv in levels)
            for t, levels in by_target.items()
        }
        object.__setattr__(self, "levels_by_target", by_target)
        object.__setattr__(self, "offsets_by_target", offsets)
        object.__setattr__(self, "pause_values", frozenset(s.value for s in self.pause_statuses))

    def matches(self, facts: TicketFacts) -> bool:
        for key, accepted in self.match.items():
            value = facts.get(key)
            if value is None or value.lower() not in accepted:
                return False
        return True


def normalize_match(raw: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for key, values in raw.items():
        if key not in MATCH_KEYS:
            raise ValueError(f"unknown match key {key!r} (use: {', '.join(MATCH_KEYS)})")
        items = [values] if isinstance(values, str) else list(values)
        if not items:
            raise ValueError(f"match {key!r} lists no values")
        out[key] = frozenset(str(v).strip().lower() for v in items)
    return out


def policy_spec(row: Any) -> PolicySpec:
    """From a models.sla.SlaPolicy row."""
    targets = {
        t: s
        for t, s in (
            (SlaTarget.FIRST_RESPONSE, row.first_response_s),
            (SlaTarget.NEXT_RESPONSE, row.next_response_s),
            (SlaTarget.RESOLUTION, row.resolution_s),
        )
        if s
    }
    raw_levels = (row.escalations or {}).get("levels", [])
    pauses = row.pause_statuses
    return PolicySpec(
        id=row.id,
        name=row.name,
        position=row.position,
        calendar_id=row.calendar_id,
        match=normalize_match(row.match or {}),
        targets=targets,
        levels=tuple(Level.from_json(lv) for lv in raw_levels),
        pause_statuses=frozenset(
            Status(s) for s in (DEFAULT_PAUSE_STATUSES if pauses is None else pauses)
        ),
    )


def ordered(policies: Iterable[PolicySpec]) -> list[PolicySpec]:
    return sorted(policies, key=lambda p: (p.position, p.name))


def match_policy(policies: Sequence[PolicySpec], facts: TicketFacts) -> PolicySpec | None:
    """The first policy in the user's order whose match holds (policies come ordered)."""
    for policy in policies:
        if policy.matches(facts):
            return policy
    return None
