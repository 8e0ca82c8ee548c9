"""`desk-gui ticket list` and `ticket show`: the read side, straight from the queries."""

from __future__ import annotations

import argparse
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models import Group, HistoryEntry, Message, MessageKind, Priority, Status, queries
from desk_gui.models.queries import TicketDetail, TicketFilter, TicketRow

from .common import CliError, find_agent, find_group, find_ticket, is_none, open_store, parse_enum
from .output import change_value, print_json, print_table, when

# --- list ----------------------------------------------------------------------------------


def add_list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--status",
        action="append",
        default=[],
        metavar="S",
        help="only this status (repeat or comma-separate for several): "
        + ", ".join(s.value for s in Status),
    )
    p.add_argument(
        "--assignee", metavar="LOGIN", help="only tickets of this agent; 'none' = unassigned"
    )
    p.add_argument("--group", metavar="NAME", help="only tickets of this group")
    p.add_argument("--tag", metavar="T", help="only tickets with this tag")
    p.add_argument("--priority", metavar="P", help="only this priority")
    p.add_argument("--query", metavar="Q", help="text in subjects and messages, or a ticket number")
    p.add_argument(
        "--limit", type=positive_int, default=50, metavar="N", help="at most N rows (50)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def _statuses(values: list[str]) -> frozenset[Status] | None:
    names = [n for v in values for n in v.split(",") if n.strip()]
    return frozenset(parse_enum(Status, n, "status") for n in names) if names else None


def _filter(session: Session, args: argparse.Namespace) -> TicketFilter:
    assignee = args.assignee
    return TicketFilter(
        statuses=_statuses(args.status),
        unassigned=assignee is not None and is_none(assignee),
        assignee_id=find_agent(session, assignee).id
        if assignee and not is_none(assignee)
        else None,
        group_id=find_group(session, args.group).id if args.group else None,
        tag=args.tag,
        priority=parse_enum(Priority, args.priority, "priority") if args.priority else None,
        text=(args.query or "").strip() or None,
    )


def row_json(r: TicketRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "number": int(r.label[1:]) if r.label.startswith("#") else None,
        "label": r.label,
        "status": r.status,
        "priority": r.priority,
        "subject": r.subject,
        "assignee": r.assignee,
        "group": r.group,
        "sender": r.sender,
        "updated_at": r.updated_at,
        "follow_up_at": r.follow_up_at,
    }


def list_tickets(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.read() as session:
        flt = _filter(session, args)
        rows, _ = queries.page(session, flt, limit=args.limit)
        total = None if args.json else queries.count(session, flt)
    if args.json:
        print_json([row_json(r) for r in rows])
        return 0
    if not rows:
        print("no tickets")
        return 0
    print_table(
        ["TICKET", "STATUS", "PRIO", "ASSIGNEE / GROUP", "SUBJECT", "FROM", "UPDATED"],
        [
            [
                r.label,
                r.status.value,
                r.priority.value,
                r.assignee or (f"({r.group})" if r.group else "-"),
                r.subject,
                r.sender or "",
                when(r.updated_at),
            ]
            for r in rows
        ],
        flex=4,
    )
    print(f"{len(rows)} of {total} tickets")
    return 0


# --- show ----------------------------------------------------------------------------------


def add_show_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("ticket", metavar="N", help="ticket number (10234 or #10234) or UUID")
    p.add_argument("--json", action="store_true", help="print JSON")


def show_ticket(args: argparse.Namespace) -> int:
    with open_store(args) as store, store.read() as session:
        found = queries.detail(session, find_ticket(session, args.ticket).id)
        if found is None:  # deleted between the two reads
            raise CliError(f"no ticket {args.ticket!r}")
        groups = {g.id: g.name for g in session.scalars(select(Group))}
        data = detail_json(found, groups)
    if args.json:
        print_json(data)
    else:
        print_detail(data)
    return 0


def _names(d: TicketDetail, groups: dict[uuid.UUID, str]) -> dict[str, dict[str, str]]:
    """UUID values in history -> names, per field."""
    return {
        "assignee_id": {str(k): v for k, v in d.agents.items()},
        "group_id": {str(k): v for k, v in groups.items()},
    }


def _sender(m: Message, agents: dict[uuid.UUID, str]) -> str | None:
    if m.from_addr:
        return m.from_addr
    return agents.get(m.author_agent_id) if m.author_agent_id else None


def message_json(m: Message, agents: dict[uuid.UUID, str]) -> dict[str, Any]:
    return {
        "id": m.id,
        "kind": m.kind,
        "from": _sender(m, agents),
        "author": agents.get(m.author_agent_id) if m.author_agent_id else None,
        "to": list(m.to_addrs or []),
        "cc": list(m.cc_addrs or []),
        "subject": m.subject,
        "created_at": m.created_at,
        "call_outcome": m.call_outcome,
        "text": m.body_text,
        "attachments": [
            {"filename": a.filename, "size": a.size, "content_type": a.content_type}
            for a in m.attachments
        ],
    }


def history_json(h: HistoryEntry, names: dict[str, dict[str, str]]) -> dict[str, Any]:
    lookup = names.get(h.field, {})
    return {
        "at": h.at,
        "actor": h.actor,
        "command": h.command,
        "field": h.field,
        "old": lookup.get(h.old, h.old) if h.old is not None else None,
        "new": lookup.get(h.new, h.new) if h.new is not None else None,
    }


def detail_json(d: TicketDetail, groups: dict[uuid.UUID, str]) -> dict[str, Any]:
    t = d.ticket
    contact = t.contact
    names = _names(d, groups)
    return {
        "id": t.id,
        "number": t.number,
        "label": t.label,
        "subject": t.subject,
        "status": t.status,
        "priority": t.priority,
        "type": t.type,
        "category": t.category,
        "channel": t.channel,
        "group": t.group.name if t.group else None,
        "assignee": {"login": t.assignee.login, "name": t.assignee.name} if t.assignee else None,
        "contact": (
            {"name": contact.name, "address": contact.primary_address} if contact else None
        ),
        "organization": t.organization.name if t.organization else None,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
        "first_response_at": t.first_response_at,
        "resolved_at": t.resolved_at,
        "closed_at": t.closed_at,
        "close_outcome": t.close_outcome,
        "close_reason": t.close_reason,
        "follow_up_at": t.follow_up_at,
        "tags": [tag.name for tag in t.tags],
        "watchers": sorted(d.agents.get(w.agent_id, str(w.agent_id)) for w in t.watchers),
        "messages": [message_json(m, d.agents) for m in d.messages],
        "history": [history_json(h, names) for h in d.history],
    }


_PROPERTIES = [
    ("status", "Status"),
    ("priority", "Priority"),
    ("type", "Type"),
    ("category", "Category"),
    ("channel", "Channel"),
    ("group", "Group"),
    ("assignee", "Assignee"),
    ("contact", "Contact"),
    ("organization", "Organization"),
    ("created_at", "Created"),
    ("updated_at", "Updated"),
    ("first_response_at", "First response"),
    ("resolved_at", "Resolved"),
    ("closed_at", "Closed"),
    ("close_outcome", "Outcome"),
    ("close_reason", "Reason"),
    ("follow_up_at", "Follow-up"),
    ("tags", "Tags"),
    ("watchers", "Watchers"),
    ("id", "ID"),
]


def _shown(value: Any) -> str:
    if isinstance(value, dict) and "login" in value:
        return f"{value['name']} ({value['login']})"
    if isinstance(value, dict):
        return f"{value['name']} <{value['address']}>" if value["address"] else value["name"]
    if isinstance(value, list):
        return ", ".join(value)
    if hasattr(value, "astimezone"):
        return when(value)
    return str(getattr(value, "value", value))


def _kind(m: dict[str, Any]) -> str:
    kind = str(m["kind"].value).replace("_", " ")
    if m["kind"] is MessageKind.CALL and m["call_outcome"] is not None:
        kind += f" ({m['call_outcome'].value.replace('_', ' ')})"
    return kind


def print_detail(data: dict[str, Any]) -> None:
    print(f"{data['label']}  {data['subject']}")
    for key, title in _PROPERTIES:
        if data[key] not in (None, []):
            print(f"  {title + ':':<16}{_shown(data[key])}")
    print(f"\nThread ({len(data['messages'])})")
    for m in data["messages"]:
        print(f"--- {_kind(m)} · {m['from'] or '-'} · {when(m['created_at'])}")
        for line in (m["text"] or "").rstrip().splitlines():
            print(f"    {line}".rstrip())
        for a in m["attachments"]:
            print(f"    [attachment] {a['filename']} ({a['size']:,} bytes)")
    print(f"\nHistory ({len(data['history'])})")
    for h in data["history"]:
        change = f"{change_value(h['field'], h['old'])} -> {change_value(h['field'], h['new'])}"
        print(f"  {when(h['at'])}  {h['actor']}  {h['field']}: {change}")
