"""`desk-gui trigger add|list|remove`: if-then rules on ticket events.

(`desk-gui rule` is taken by the intake rules that route new mail.) A trigger fires on
an event (created, updated, customer-replied, sla-level) when all its conditions hold
and then acts: set group, assignee, priority, tags, status, notify. Each rule fires once
per ticket and event.
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models import TriggerEvent, TriggerRule
from desk_gui.models.ticket import Priority, Status
from desk_gui.sync import leases
from desk_gui.sync.sla import admin
from desk_gui.sync.sla.triggers import CONDITION_KEYS

from .calendars import add_json_arg, value_errors
from .common import CliError, find_agent, find_group, open_store, parse_enum
from .output import print_json, print_table
from .sla import _names, _who
from .tickets_read import positive_int

EVENTS = {e.value.replace("_", "-"): e for e in TriggerEvent}


def add_trigger_args(p: argparse.ArgumentParser) -> None:
    p.description = __doc__
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("name", metavar="NAME")
    p.add_argument("--on", required=True, choices=sorted(EVENTS), help="the event")
    p.add_argument(
        "--if",
        dest="conditions",
        action="append",
        default=[],
        metavar="KEY=V",
        help=f"{', '.join(CONDITION_KEYS)}; repeat for more (all must hold), "
        "comma-separate values (any will do)",
    )
    p.add_argument(
        "--then",
        dest="actions",
        action="append",
        default=[],
        metavar="KEY=V",
        help="group=G, assignee=LOGIN, priority=P, tag=T (tag=-T removes), status=S, "
        "notify=assignee,group,group-lead,LOGIN",
    )
    p.add_argument("--position", type=positive_int, metavar="N")


@value_errors
def add_trigger(args: argparse.Namespace) -> int:
    if not args.actions:
        raise CliError("a trigger needs at least one --then")
    with open_store(args) as store:
        hlc = store.clock.now
        with store.write() as session:
            conditions = _conditions(session, args.conditions)
            actions = _actions(session, args.actions)
            admin.create_rule(
                session, hlc, args.name, EVENTS[args.on], conditions, actions, args.position,
                leases.db_now(session),
            )  # fmt: skip
    print(f"trigger {args.name} on {args.on}")
    return 0


def _pairs(specs: list[str], option: str) -> list[tuple[str, str]]:
    out = []
    for spec in specs:
        key, sep, value = spec.partition("=")
        if not sep or not value.strip():
            raise CliError(f"{option} needs KEY=VALUE: {spec!r}")
        out.append((key.strip().lower(), value.strip()))
    return out


def _conditions(session: Session, specs: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in _pairs(specs, "--if"):
        values = [v.strip() for v in value.split(",") if v.strip()]
        if key == "group":
            values = [str(find_group(session, v).id) for v in values]
        if key == "keyword":
            key = "keywords"
        if key == "tag":
            key = "tags"
        out.setdefault(key, []).extend(values)
    return out


def _actions(session: Session, specs: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in _pairs(specs, "--then"):
        if key == "group":
            out["group"] = str(find_group(session, value).id)
        elif key == "assignee":
            out["assignee"] = str(find_agent(session, value).id)
        elif key == "priority":
            out["priority"] = parse_enum(Priority, value, "priority").value
        elif key == "status":
            out["status"] = parse_enum(Status, value, "status").value
        elif key in ("tag", "tags"):
            out.setdefault("tags", []).extend(v.strip() for v in value.split(",") if v.strip())
        elif key == "notify":
            out.setdefault("notify", []).extend(_who(session, w) for w in value.split(","))
        else:
            raise CliError(
                f"unknown --then {key!r} (use: group, assignee, priority, tag, status, notify)"
            )
    return out


def list_triggers(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.read() as session:
        names = _names(session)
        rows = session.scalars(select(TriggerRule).order_by(TriggerRule.position, TriggerRule.name))
        out: list[dict[str, Any]] = [
            {
                "name": r.name,
                "event": r.event.value.replace("_", "-"),
                "active": r.active,
                "conditions": {
                    k: [names.get(v, v) for v in vs] for k, vs in (r.conditions or {}).items()
                },
                "actions": {
                    k: [names.get(v, v) for v in v_] if isinstance(v_, list) else names.get(v_, v_)
                    for k, v_ in (r.actions or {}).items()
                },
            }
            for r in rows
        ]
    if args.json:
        print_json(out)
        return 0

    def text(d: dict[str, Any]) -> str:
        return " ".join(f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in d.items())

    table = [[r["name"], r["event"], text(r["conditions"]) or "always", text(r["actions"])]
             for r in out]  # fmt: skip
    print_table(["NAME", "ON", "IF", "THEN"], table, flex=3)
    return 0


@value_errors
def remove_trigger(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.write() as session:
        admin.remove_rule(session, args.name)
    print(f"trigger {args.name} removed")
    return 0


def add_name_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME")


COMMANDS = (
    ("trigger add", add_trigger_args, add_trigger,
     "add a trigger rule: on an event, if conditions, then actions"),
    ("trigger list", add_json_arg, list_triggers, "trigger rules in the order they run"),
    ("trigger remove", add_name_arg, remove_trigger, "remove a trigger rule"),
)  # fmt: skip
