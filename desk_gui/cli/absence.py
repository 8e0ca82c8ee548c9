"""`desk-gui absence add|list|remove` and `desk-gui routing set|list|assign`.

Absences: an agent away gets no new tickets from automatic assignment, and at the start
of the absence their open urgent and high tickets move to another member of the group
(the engine does it, with history). Routing: per group, round robin or fewest open
tickets for new unassigned tickets; `routing assign` picks an agent for one ticket now.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from desk_gui.models import AbsencePeriod, Agent, AssignMode, Group, GroupRouting
from desk_gui.models.commands import CommandError
from desk_gui.sync import leases
from desk_gui.sync.sla import admin, assignment

from .calendars import add_json_arg, value_errors
from .common import CliError, actor_for, find_agent, find_group, find_ticket, open_store
from .output import print_json, print_table, when


def parse_moment(text: str, end: bool) -> datetime:
    """'2026-06-01' (local midnight; as an end: the midnight after) or a local time."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text) + timedelta(days=1 if end else 0)
            return datetime.combine(day, time()).astimezone()
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(f"not a date or time (2026-06-01 or 2026-06-01T12:00): {text!r}") from None
    return moment if moment.tzinfo else moment.astimezone()


def add_absence_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("agent", metavar="AGENT", help="login")
    p.add_argument("--from", dest="start", required=True, metavar="D", help="first day absent")
    p.add_argument("--to", dest="end", required=True, metavar="D", help="last day absent")
    p.add_argument("--note", default="", metavar="TEXT")


@value_errors
def add_absence(args: argparse.Namespace) -> int:
    start, end = parse_moment(args.start, False), parse_moment(args.end, True)
    with open_store(args) as store:
        hlc = store.clock.now
        with store.write() as session:
            agent = find_agent(session, args.agent)
            actor = actor_for(session, getattr(args, "actor", None))
            row = assignment.add_absence(session, hlc, agent.id, start, end, args.note, actor.name)
            absence_id = row.id
    print(f"{args.agent} absent {when(start)} - {when(end)} ({absence_id})")
    return 0


def add_absence_list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--agent", metavar="LOGIN")
    p.add_argument("--all", action="store_true", help="also absences that are over")
    p.add_argument("--json", action="store_true", help="print JSON")


def list_absences(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.read() as session:
        now = leases.db_now(session)
        stmt = (
            select(AbsencePeriod, Agent.login)
            .join(Agent, Agent.id == AbsencePeriod.agent_id)
            .order_by(AbsencePeriod.starts_at, Agent.login)
        )
        if args.agent:
            stmt = stmt.where(AbsencePeriod.agent_id == find_agent(session, args.agent).id)
        if not args.all:
            stmt = stmt.where(AbsencePeriod.ends_at > now)
        out: list[dict[str, Any]] = [
            {"id": a.id, "agent": login, "from": a.starts_at, "to": a.ends_at, "note": a.note,
             "handed_over_at": a.handed_over_at}
            for a, login in session.execute(stmt)
        ]  # fmt: skip
    if args.json:
        print_json(out)
        return 0
    rows = [
        [str(a["id"])[:8], a["agent"], when(a["from"]), when(a["to"]),
         when(a["handed_over_at"]) or "-", a["note"]]
        for a in out
    ]  # fmt: skip
    print_table(["ID", "AGENT", "FROM", "TO", "HANDED OVER", "NOTE"], rows, flex=5)
    return 0


def add_absence_remove_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", metavar="ID", help="an absence id (or its first 8 characters)")


def remove_absence(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.write() as session:
        rows = [a for a in session.scalars(select(AbsencePeriod)) if str(a.id).startswith(args.id)]
        if len(rows) != 1:
            raise CliError(f"{'no' if not rows else 'more than one'} absence {args.id!r}")
        session.delete(rows[0])
    print(f"absence {args.id} removed")
    return 0


# --- routing --------------------------------------------------------------------------------

MODES = {
    "round-robin": AssignMode.ROUND_ROBIN,
    "fewest-open": AssignMode.FEWEST_OPEN,
    "off": AssignMode.OFF,
}


def add_routing_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("group", metavar="GROUP")
    p.add_argument("mode", choices=sorted(MODES), help="how new unassigned tickets are handed out")


@value_errors
def set_routing(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        hlc = store.clock.now
        with store.write() as session:
            admin.set_routing(session, hlc, find_group(session, args.group), MODES[args.mode])
    print(f"group {args.group}: automatic assignment {args.mode}")
    return 0


def list_routing(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.read() as session:
        rows = session.execute(
            select(Group.name, GroupRouting.mode, Agent.login)
            .outerjoin(GroupRouting, GroupRouting.group_id == Group.id)
            .outerjoin(Agent, Agent.id == GroupRouting.last_agent_id)
            .order_by(Group.name)
        )
        out: list[dict[str, Any]] = [
            {"group": g, "mode": (m or AssignMode.OFF).value.replace("_", "-"), "last": last}
            for g, m, last in rows
        ]
    if args.json:
        print_json(out)
        return 0
    print_table(
        ["GROUP", "MODE", "LAST ASSIGNED"],
        [[r["group"], r["mode"], r["last"] or "-"] for r in out],
        flex=0,
    )
    return 0


def add_assign_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ticket", metavar="TICKET")


def assign_now(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        hlc = store.clock.now
        with store.write() as session:
            ticket = find_ticket(session, args.ticket)
            label = ticket.label
            actor = actor_for(session, getattr(args, "actor", None))
            try:
                done = assignment.assign_ticket(
                    session, hlc, ticket.id, leases.db_now(session), actor
                )
            except CommandError as exc:
                raise CliError(str(exc)) from None
            agent = session.get(Agent, done.agent_id) if done.agent_id else None
            name = agent.login if agent else None
    if name is None:
        raise CliError(f"{label}: nobody in the group is available")
    print(f"{label} assigned to {name}")
    return 0


COMMANDS = (
    ("absence add", add_absence_args, add_absence,
     "record an absence; urgent/high tickets are handed over when it starts", True),
    ("absence list", add_absence_list_args, list_absences, "current and coming absences"),
    ("absence remove", add_absence_remove_args, remove_absence, "delete an absence"),
    ("routing set", add_routing_args, set_routing,
     "automatic assignment of a group: round-robin, fewest-open or off"),
    ("routing list", add_json_arg, list_routing, "automatic assignment per group"),
    ("routing assign", add_assign_args, assign_now,
     "assign a ticket to a member of its group now (skips absent agents)", True),
)  # fmt: skip
