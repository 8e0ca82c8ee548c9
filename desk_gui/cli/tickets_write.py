"""`desk-gui ticket create / set / note / call`: every change goes through a command.

One invocation is one transaction: `ticket set 10234 --priority high --status resolved`
either applies both changes or, when the ticket cannot become resolved, neither.
"""

from __future__ import annotations

import argparse
import email.utils
import re
import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models import (
    FINAL_STATUSES,
    CallOutcome,
    Channel,
    HistoryEntry,
    Message,
    Outcome,
    Priority,
    Status,
    Ticket,
)
from desk_gui.models import commands as c
from desk_gui.models.base import utcnow

from .common import (
    CliError,
    UsageError,
    find_agent,
    find_group,
    find_ticket,
    is_none,
    open_store,
    parse_enum,
    read_body,
    run_commands,
    ticket_id,
)
from .output import change_value, print_json

# --- create --------------------------------------------------------------------------------


def add_create_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--subject", required=True, metavar="S")
    p.add_argument(
        "--from",
        dest="sender",
        required=True,
        metavar="ADDR",
        help="the customer's address: max@example.de or 'Max Muster <max@example.de>'",
    )
    p.add_argument("--body", required=True, metavar="TEXT", help="first message; '-' reads stdin")
    p.add_argument(
        "--channel",
        default="mail",
        metavar="C",
        help="how it came in: " + ", ".join(ch.value for ch in Channel) + " (mail)",
    )
    p.add_argument(
        "--priority",
        default="normal",
        metavar="P",
        help=", ".join(pr.value for pr in Priority) + " (normal)",
    )
    p.add_argument("--group", metavar="G", help="group or department to route it to")
    p.add_argument("--json", action="store_true", help="print JSON")


def create_ticket(args: argparse.Namespace) -> int:
    name, address = email.utils.parseaddr(args.sender)
    if not args.sender.strip():
        raise CliError("--from needs the customer's e-mail address")
    channel = parse_enum(Channel, args.channel, "channel")
    priority = parse_enum(Priority, args.priority, "priority")
    body = read_body(args.body)

    def build(session: Session) -> list[c.Command]:
        group = find_group(session, args.group).id if args.group else None
        return [
            c.CreateTicket(
                subject=args.subject,
                body=body,
                # A string parseaddr cannot read goes in as typed: the command names it.
                from_addr=address or args.sender,
                from_name=name or None,
                channel=channel,
                priority=priority,
                group_id=group,
            )
        ]

    with open_store(args) as store:
        [new_id] = run_commands(store, args.actor, build)[1]
        with store.read() as session:
            number = session.scalar(select(Ticket.number).where(Ticket.id == new_id))
    if args.json:
        print_json({"id": new_id, "number": number, "label": f"#{number}"})
    else:
        print(number)
    return 0


# --- set -----------------------------------------------------------------------------------


def add_set_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ticket", metavar="N", help="ticket number (10234 or #10234) or UUID")
    close = p.add_mutually_exclusive_group()
    close.add_argument("--status", metavar="S", help=", ".join(s.value for s in Status))
    close.add_argument(
        "--close",
        choices=[o.value for o in Outcome],
        help="close as fulfilled (status closed) or rejected (needs --reason)",
    )
    p.add_argument("--reason", metavar="R", help="why it was closed or rejected")
    p.add_argument("--assignee", metavar="LOGIN", help="agent login, or 'none' to unassign")
    p.add_argument("--group", metavar="G", help="group name, or 'none'")
    p.add_argument("--priority", metavar="P", help=", ".join(pr.value for pr in Priority))
    p.add_argument(
        "--tag",
        dest="tags",
        action="append",
        default=[],
        metavar="+x|-y",
        help="add (+x or x) or remove (-y) a tag; repeatable",
    )
    p.add_argument(
        "--follow-up",
        metavar="DATE",
        help="park until DATE (YYYY-MM-DD [HH:MM], local time; a bare date means "
        "08:00), or +3d / +4h from now, or 'none' to clear",
    )
    p.add_argument("--json", action="store_true", help="print JSON")


_RELATIVE = re.compile(r"^\+(\d+)([dh])$")


def parse_follow_up(text: str) -> datetime | None:
    text = text.strip()
    if is_none(text):
        return None
    rel = _RELATIVE.match(text)
    if rel:
        amount = int(rel.group(1))
        return utcnow() + (
            timedelta(days=amount) if rel.group(2) == "d" else timedelta(hours=amount)
        )
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise CliError(
            f"not a date: {text!r} (use YYYY-MM-DD, 'YYYY-MM-DD HH:MM' or +3d)"
        ) from None
    if len(text) == 10:  # a bare date: the start of that working day
        value = datetime.combine(value.date(), time(8, 0))
    return value.astimezone() if value.tzinfo is None else value


def _tag_command(tid: uuid.UUID, spec: str) -> c.Command:
    if spec.startswith("-"):
        return c.RemoveTag(ticket_id=tid, tag=spec[1:])
    return c.AddTag(ticket_id=tid, tag=spec.removeprefix("+"))


def set_ticket(args: argparse.Namespace) -> int:
    status = parse_enum(Status, args.status, "status") if args.status else None
    if args.close:
        status = Status.REJECTED if args.close == Outcome.REJECTED.value else Status.CLOSED
    if args.reason is not None and status not in FINAL_STATUSES:
        raise UsageError("--reason goes with --close (or --status closed/rejected)")
    priority = parse_enum(Priority, args.priority, "priority") if args.priority else None
    follow_up = parse_follow_up(args.follow_up) if args.follow_up is not None else None
    if (
        not any(
            v is not None for v in (status, priority, args.assignee, args.group, args.follow_up)
        )
        and not args.tags
    ):
        raise UsageError("nothing to change: give --status, --assignee, --priority, --tag, ...")

    labels: list[str] = []

    def build(session: Session) -> list[c.Command]:
        ticket = find_ticket(session, args.ticket)
        tid = ticket.id
        labels.append(ticket.label)
        cmds: list[c.Command] = []
        # Group before assignee: a new group may clear an assignee who is not a member.
        if args.group is not None:
            group = None if is_none(args.group) else find_group(session, args.group).id
            cmds.append(c.SetGroup(ticket_id=tid, group_id=group))
        if args.assignee is not None:
            agent = None if is_none(args.assignee) else find_agent(session, args.assignee).id
            cmds.append(c.Assign(ticket_id=tid, agent_id=agent))
        if priority is not None:
            cmds.append(c.SetPriority(ticket_id=tid, priority=priority))
        cmds.extend(_tag_command(tid, spec) for spec in args.tags)
        status_cmds = _status_commands(tid, status, args.reason)
        if args.follow_up is not None:
            # With an explicit status the date alone must not park the ticket. Parking
            # needs the date first; reopening (e.g. --status open) must come before it.
            date: list[c.Command] = [
                c.SetFollowUp(ticket_id=tid, at=follow_up, park=status is None)
            ]
            date_first = status is None or status is Status.PENDING_REMINDER
            status_cmds = date + status_cmds if date_first else status_cmds + date
        return cmds + status_cmds

    with open_store(args) as store:
        hlcs, _ = run_commands(store, args.actor, build)
        with store.read() as session:
            changes = list(
                session.scalars(
                    select(HistoryEntry)
                    .where(HistoryEntry.hlc.in_(hlcs))
                    .order_by(HistoryEntry.hlc, HistoryEntry.at)
                )
            )
    _print_changes(labels[0], changes, args.json)
    return 0


def _status_commands(tid: uuid.UUID, status: Status | None, reason: str | None) -> list[c.Command]:
    if status in FINAL_STATUSES:
        outcome = Outcome.REJECTED if status is Status.REJECTED else Outcome.FULFILLED
        return [c.CloseTicket(ticket_id=tid, outcome=outcome, reason=reason)]
    return [] if status is None else [c.SetStatus(ticket_id=tid, status=status)]


def _print_changes(label: str, changes: list[HistoryEntry], as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "ticket": label,
                "changes": [{"field": h.field, "old": h.old, "new": h.new} for h in changes],
            }
        )
        return
    if not changes:
        print(f"{label}: nothing changed")
    for h in changes:
        print(
            f"{label} {h.field}: {change_value(h.field, h.old)} -> {change_value(h.field, h.new)}"
        )


# --- note and call -------------------------------------------------------------------------


def add_note_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ticket", metavar="N", help="ticket number or UUID")
    p.add_argument("--body", required=True, metavar="TEXT", help="the note; '-' reads stdin")
    p.add_argument("--json", action="store_true", help="print JSON")


def add_note(args: argparse.Namespace) -> int:
    body = read_body(args.body)
    return _add_message(
        args, lambda s: c.AddNote(ticket_id=ticket_id(s, args.ticket), body=body), "note"
    )


def add_call_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ticket", metavar="N", help="ticket number or UUID")
    outcome = p.add_mutually_exclusive_group(required=True)
    outcome.add_argument(
        "--reached",
        dest="outcome",
        action="store_const",
        const=CallOutcome.REACHED.value,
        help="the customer answered",
    )
    outcome.add_argument(
        "--not-reached",
        dest="outcome",
        action="store_const",
        const=CallOutcome.NOT_REACHED.value,
        help="nobody answered",
    )
    p.add_argument(
        "--body", default="", metavar="TEXT", help="what was said or agreed; '-' reads stdin"
    )
    p.add_argument("--json", action="store_true", help="print JSON")


def log_call(args: argparse.Namespace) -> int:
    body = read_body(args.body)
    outcome = CallOutcome(args.outcome)
    return _add_message(
        args,
        lambda s: c.LogCall(ticket_id=ticket_id(s, args.ticket), outcome=outcome, body=body),
        "call",
    )


def _add_message(args: argparse.Namespace, make: Callable[[Session], c.Command], what: str) -> int:
    with open_store(args) as store:
        [message_id] = run_commands(store, args.actor, lambda s: [make(s)])[1]
        with store.read() as session:
            ticket = session.scalar(
                select(Ticket)
                .join(Message, Message.ticket_id == Ticket.id)
                .where(Message.id == message_id)
            )
            label = ticket.label if ticket else args.ticket
    if args.json:
        print_json({"ticket": label, "message_id": message_id, "kind": what})
    else:
        print(f"{label}: {what} added")
    return 0
