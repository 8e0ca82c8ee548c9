"""`desk-gui sla add|list|remove|due|explain|run`: SLA policies and the due-time calculator.

Durations: 30m, 4h, 1h30m, 90s, and d for *business days* of the policy's calendar
(8 h for mon-fri 08:00-12:00,13:00-17:00), never 24 h; a calendar whose open days differ
in length has no day length and refuses d. Escalation levels:
`[TARGET@]AT[:notify=WHO,...][:priority=raise|P][:group=G]` where AT is 80% of the
target or +2h after the due time, WHO is assignee, group, group-lead or an agent login.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models import Agent, BusinessCalendar, Group, SlaPolicy, SlaTarget, Status
from desk_gui.models.party import ContractLevel
from desk_gui.models.ticket import Channel, Priority, TicketType
from desk_gui.sync import leases
from desk_gui.sync.sla import WorkCalendar, admin, explain_due
from desk_gui.sync.sla.engine import SlaEngine, SlaReport
from desk_gui.sync.sla.policy import (
    Level,
    business_day_seconds,
    format_duration,
    parse_duration,
    parse_level_at,
)
from desk_gui.sync.sla.status import TicketSla, ticket_sla

from .calendars import add_json_arg, value_errors
from .common import CliError, find_agent, find_group, find_ticket, open_store, parse_enum
from .output import print_json, print_table
from .tickets_read import positive_int

TARGET_NAMES = {
    "first-response": SlaTarget.FIRST_RESPONSE,
    "next-response": SlaTarget.NEXT_RESPONSE,
    "resolution": SlaTarget.RESOLUTION,
}
MATCH_ENUMS: dict[str, type[Any]] = {
    "priority": Priority,
    "contract": ContractLevel,
    "type": TicketType,
    "channel": Channel,
}

# --- add -----------------------------------------------------------------------------------


def add_policy_args(p: argparse.ArgumentParser) -> None:
    p.description = __doc__
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("name", metavar="NAME")
    p.add_argument("--calendar", required=True, metavar="C", help="business calendar")
    p.add_argument("--first-response", metavar="DUR", help="e.g. 4h")
    p.add_argument("--next-response", metavar="DUR", help="after each customer message, e.g. 8h")
    p.add_argument("--resolution", metavar="DUR", help="e.g. 3d (business days)")
    p.add_argument(
        "--match",
        action="append",
        default=[],
        metavar="KEY=V",
        help="priority, contract, group, type, category or channel; repeat for more keys "
        "(all must hold), comma-separate values (any will do)",
    )
    p.add_argument(
        "--escalate",
        action="append",
        default=[],
        metavar="SPEC",
        help="e.g. 80%%:notify=assignee, 100%%:notify=group-lead, "
        "resolution@+2h:notify=group-lead:priority=raise:group=2nd-Level",
    )
    p.add_argument(
        "--pause",
        metavar="S,...",
        help="statuses that stop the clock (default: waiting_customer,pending_reminder); "
        "'none' for none",
    )
    p.add_argument("--position", type=positive_int, metavar="N", help="try it as the N-th policy")


@value_errors
def add_policy(args: argparse.Namespace) -> int:
    if not (args.first_response or args.next_response or args.resolution):
        raise CliError("give at least one of --first-response, --next-response, --resolution")
    with open_store(args) as store:
        hlc = store.clock.now
        with store.write() as session:
            cal = admin.find_calendar(session, args.calendar)
            day = business_day_seconds(WorkCalendar.from_rows(cal))
            targets = {
                t: parse_duration(v, day)
                for t, v in (
                    (SlaTarget.FIRST_RESPONSE, args.first_response),
                    (SlaTarget.NEXT_RESPONSE, args.next_response),
                    (SlaTarget.RESOLUTION, args.resolution),
                )
                if v
            }
            levels = [parse_escalation(session, spec, day) for spec in args.escalate]
            row = admin.create_policy(
                session, hlc, args.name, cal, targets, parse_match(session, args.match),
                levels, args.position, _pauses(args.pause),
            )  # fmt: skip
            position = row.position + 1
    print(f"policy {args.name}: checked as number {position}")
    return 0


def _pauses(text: str | None) -> list[Status] | None:
    if text is None:
        return None
    if text.strip().lower() == "none":
        return []
    return [parse_enum(Status, s, "status") for s in text.split(",") if s.strip()]


def parse_match(session: Session, specs: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for spec in specs:
        key, sep, values = spec.partition("=")
        key = key.strip().lower()
        if not sep or not values.strip():
            raise CliError(f"--match needs KEY=VALUE: {spec!r}")
        for value in (v.strip() for v in values.split(",") if v.strip()):
            if key == "group":
                value = str(find_group(session, value).id)
            elif key in MATCH_ENUMS:
                value = parse_enum(MATCH_ENUMS[key], value, key).value
            elif key != "category":
                raise CliError(
                    f"unknown --match key {key!r} "
                    "(use: priority, contract, group, type, category, channel)"
                )
            out.setdefault(key, []).append(value)
    return out


def parse_escalation(session: Session, spec: str, day: int | None) -> Level:
    head, *parts = spec.split(":")
    target: SlaTarget | None = None
    if "@" in head:
        name, _, head = head.partition("@")
        if name.strip().lower() not in TARGET_NAMES:
            raise CliError(f"unknown target {name!r} (use: {', '.join(TARGET_NAMES)})")
        target = TARGET_NAMES[name.strip().lower()]
    percent, after = parse_level_at(head, day)
    notify: list[str] = []
    actions: dict[str, str] = {}
    for part in parts:
        key, sep, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value:
            raise CliError(f"--escalate part needs KEY=VALUE: {part!r} in {spec!r}")
        if key == "notify":
            notify += [_who(session, w) for w in value.split(",") if w.strip()]
        elif key == "priority":
            raised = value.lower() == "raise"
            actions["priority"] = "raise" if raised else parse_enum(Priority, value, "priority")
        elif key == "group":
            actions["group"] = str(find_group(session, value).id)
        else:
            raise CliError(f"unknown --escalate key {key!r} (use: notify, priority, group)")
    return Level(percent, after, target, tuple(notify), actions)


def _who(session: Session, name: str) -> str:
    name = name.strip().lower()
    if name in ("assignee", "group", "group-lead"):
        return name
    return str(find_agent(session, name).id)


# --- list / remove -------------------------------------------------------------------------


def list_policies(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.read() as session:
        names = _names(session)
        days = {c.id: admin.day_length(c) for c in session.scalars(select(BusinessCalendar))}
        rows = list(session.scalars(select(SlaPolicy).order_by(SlaPolicy.position, SlaPolicy.name)))
        out = [_policy_json(p, names) for p in rows]
    if args.json:
        print_json(out)
        return 0

    def target(s: int | None, day: int | None) -> str:
        # Stored in business seconds: "3d" comes back as 24h; both are shown.
        if s is None:
            return "-"
        if day and s % day == 0:
            return f"{format_duration(s)} ({s // day}d)"
        return format_duration(s)

    table = [
        [str(i), p["name"], p["calendar"],
         *(target(s, days.get(row.calendar_id))
           for s in (row.first_response_s, row.next_response_s, row.resolution_s)),
         _match_text(p["match"]) or "any ticket", "; ".join(p["escalations"]) or "-"]
        for i, (row, p) in enumerate(zip(rows, out, strict=True), 1)
    ]  # fmt: skip
    headers = ["#", "NAME", "CALENDAR", "FIRST", "NEXT", "RESOLUTION", "MATCH", "ESCALATIONS"]
    print_table(headers, table, flex=7)
    return 0


def _names(session: Session) -> dict[str, str]:
    """UUID (as text) -> name, for calendars, groups and agents in stored JSON."""
    names: dict[str, str] = {}
    for model in (BusinessCalendar, Group):
        names.update({str(i): n for i, n in session.execute(select(model.id, model.name))})
    names.update({str(i): n for i, n in session.execute(select(Agent.id, Agent.login))})
    return names


def _policy_json(p: SlaPolicy, names: dict[str, str]) -> dict[str, Any]:
    def dur(s: int | None) -> str | None:
        return None if s is None else format_duration(s)

    match = {
        k: [names.get(v, v) for v in vs] if k == "group" else list(vs)
        for k, vs in (p.match or {}).items()
    }
    levels = [Level.from_json(lv) for lv in (p.escalations or {}).get("levels", [])]
    return {
        "name": p.name,
        "position": p.position + 1,
        "calendar": names.get(str(p.calendar_id), str(p.calendar_id)),
        "first_response": dur(p.first_response_s),
        "next_response": dur(p.next_response_s),
        "resolution": dur(p.resolution_s),
        "match": match,
        "escalations": [_level_text(lv, names) for lv in levels],
        "pause_statuses": p.pause_statuses,
    }


def _match_text(match: dict[str, list[str]]) -> str:
    return " ".join(f"{k}={','.join(v)}" for k, v in match.items())


def _level_text(lv: Level, names: dict[str, str]) -> str:
    at = f"{lv.percent}%" if lv.percent is not None else f"+{format_duration(lv.after_s or 0)}"
    text = (f"{lv.target.value.replace('_', '-')}@" if lv.target else "") + at
    if lv.notify:
        text += ":notify=" + ",".join(names.get(w, w) for w in lv.notify)
    for key, value in lv.actions.items():
        text += f":{key}={names.get(value, value)}"
    return text


def add_name_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME")


@value_errors
def remove_policy(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.write() as session:
        admin.remove_policy(session, admin.find_policy(session, args.name))
    print(f"policy {args.name} removed")
    return 0


# --- due: the calculator -------------------------------------------------------------------


def add_due_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--calendar", required=True, metavar="C")
    p.add_argument(
        "--start",
        required=True,
        metavar="TIME",
        help="2026-05-22T16:00 (in the calendar's zone unless an offset is given)",
    )
    p.add_argument("--add", required=True, metavar="DUR", help="business time: 4h, 30m, 3d")
    p.add_argument("--explain", action="store_true", help="show the intervals that counted")
    p.add_argument("--json", action="store_true", help="print JSON")


@value_errors
def due(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.read() as session:
        cal = WorkCalendar.from_rows(admin.find_calendar(session, args.calendar))
    zone = ZoneInfo(cal.tz)
    try:
        start = datetime.fromisoformat(args.start.strip())
    except ValueError:
        raise CliError(f"not a time (2026-05-22T16:00): {args.start!r}") from None
    start = start.replace(tzinfo=zone) if start.tzinfo is None else start
    seconds = parse_duration(args.add, business_day_seconds(cal))
    when = cal.add_business_seconds(start, seconds).astimezone(zone)
    if args.json:
        print_json({
            "calendar": args.calendar,
            "timezone": cal.tz,
            "start": start.astimezone(zone).isoformat(),
            "add_seconds": seconds,
            "due": when.isoformat(),
            "due_utc": when,
        })  # fmt: skip
        return 0
    print(when.strftime("%a %Y-%m-%d %H:%M %Z"))
    if args.explain:
        for line in explain_due(cal, start, seconds).lines():
            print(f"  {line}")
    return 0


# --- explain -------------------------------------------------------------------------------


def add_explain_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ticket", metavar="TICKET", help="number (10234, #10234) or UUID")
    p.add_argument("--json", action="store_true", help="print JSON")


def explain(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.read() as session:
        ticket = find_ticket(session, args.ticket)
        label = ticket.label
        now = leases.db_now(session)
        sla = ticket_sla(session, ticket.id, now)
    assert sla is not None
    if args.json:
        print_json(_sla_json(sla))
        return 0
    if sla.policy is None or not sla.targets:
        print(f"{label}: no SLA policy matches this ticket")
        return 0
    zone = ZoneInfo(sla.timezone or "UTC")
    print(f"{label}: policy {sla.policy}, calendar {sla.calendar} ({sla.timezone})")
    for t in sla.targets:
        left = format_duration(abs(t.remaining_s))
        state = t.state.value + (
            f", {left} business time {'left' if t.remaining_s >= 0 else 'overdue'}"
            if t.met_at is None
            else f" at {t.met_at.astimezone(zone):%a %Y-%m-%d %H:%M}"
        )
        print(f"\n{t.target.value.replace('_', ' ')}: {state}")
        for line in t.explanation.lines():
            print(f"  {line}")
        for f in t.fired:
            late = " (late)" if f.late else ""
            print(f"  level {f.level} fired {f.fired_at.astimezone(zone):%a %Y-%m-%d %H:%M}{late}")
        if t.next_level:
            at = f"{t.next_level_at.astimezone(zone):%a %Y-%m-%d %H:%M}" if t.next_level_at else "-"
            print(f"  next level {t.next_level} at {at}")
    return 0


def _sla_json(sla: TicketSla) -> dict[str, Any]:
    return {
        "policy": sla.policy,
        "calendar": sla.calendar,
        "timezone": sla.timezone,
        "targets": [
            {
                "target": t.target,
                "state": t.state,
                "level": t.level,
                "start": t.start_at,
                "target_seconds": t.target_s,
                "due": t.due_at,
                "met": t.met_at,
                "elapsed_seconds": t.elapsed_s,
                "paused_seconds": t.paused_s,
                "remaining_seconds": t.remaining_s,
                "next_level": t.next_level,
                "next_level_at": t.next_level_at,
                "fired": [
                    {"level": f.level, "due": f.due_at, "fired": f.fired_at, "late": f.late}
                    for f in t.fired
                ],
                "explanation": t.explanation.lines(),
            }
            for t in sla.targets
        ],
    }


# --- run -----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    with open_store(args) as store, SlaEngine(store) as engine:
        report = engine.run_once()
    if args.json:
        print_json(_report_json(report))
        return 0
    late = sum(1 for f in report.fired if f.late)
    print(
        f"recomputed {report.recomputed} tickets"
        f"{' (all: policies or calendars changed)' if report.full_recompute else ''}; "
        f"fired {len(report.fired)} levels ({late} late); "
        f"resumed {len(report.resumed)} follow-ups; "
        f"assigned {sum(1 for a in report.assigned if a.agent_id)}; "
        f"handed over {sum(1 for h in report.handed_over if h.to_agent)}; "
        f"triggers {len(report.triggered)}"
    )
    return 0


def _report_json(r: SlaReport) -> dict[str, Any]:
    return {
        "now": r.now,
        "recomputed": r.recomputed,
        "full_recompute": r.full_recompute,
        "fired": [
            {
                "ticket_id": f.ticket_id,
                "target": f.target,
                "level": f.level,
                "due": f.due_at,
                "late": f.late,
                "notified": list(f.notified),
                "actions": list(f.actions),
            }
            for f in r.fired
        ],
        "resumed": [{"ticket_id": x.ticket_id, "notified": list(x.notified)} for x in r.resumed],
        "assigned": [{"ticket_id": a.ticket_id, "agent_id": a.agent_id} for a in r.assigned],
        "handed_over": [
            {"ticket_id": h.ticket_id, "from": h.from_agent, "to": h.to_agent}
            for h in r.handed_over
        ],
        "triggered": [
            {"rule": t.rule, "ticket_id": t.ticket_id, "event": t.event, "actions": list(t.actions)}
            for t in r.triggered
        ],
    }


COMMANDS = (
    ("sla add", add_policy_args, add_policy,
     "add an SLA policy (targets, matching, escalation levels)"),
    ("sla list", add_json_arg, list_policies, "SLA policies in the order they are tried"),
    ("sla remove", add_name_arg, remove_policy, "remove an SLA policy"),
    ("sla due", add_due_args, due, "when N business hours after a start are up on a calendar"),
    ("sla explain", add_explain_args, explain, "how a ticket's SLA due times were computed"),
    ("sla run", add_json_arg, run,
     "one SLA engine pass now: clocks, escalations, follow-ups, assignment, triggers"),
)  # fmt: skip
