"""Trigger rules: if an event happened to a ticket and its conditions hold, act.

Events come from comparing a ticket with what the engine saw of it last (the state row
of models.clock.SlaTicketState): never seen -> "created" (only for rules older than the
ticket, so a new rule does not sweep the backlog), a later last customer message ->
"customer replied", another hlc -> "updated"; SLA levels report "sla level" as they
fire. A rule fires once per ticket and event (unique key in trigger_firings), and its
own changes are seen before the next run, so they never count as an update that could
start a loop.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models.alert import AlertKind
from desk_gui.models.commands import (
    Actor,
    AddTag,
    Assign,
    Command,
    CommandError,
    RemoveTag,
    SetGroup,
    SetPriority,
    SetStatus,
    run_in,
)
from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.inbound import InboundMail
from desk_gui.models.mailbox import Mailbox
from desk_gui.models.message import Message, MessageKind
from desk_gui.models.party import Organization
from desk_gui.models.reason import reason
from desk_gui.models.ticket import Channel, Priority, Status, Ticket
from desk_gui.models.trigger import TriggerEvent, TriggerFiring, TriggerRule

from .bulk import Bulk, RawId
from .calendar import to_epoch
from .notify import Hlc, alert, recipients, ticket_title
from .policy import NOTIFY_ROLES
from .recompute import Tickets, insert_for

log = logging.getLogger(__name__)

CONDITION_KEYS = (
    "channel",
    "mailbox",
    "sender",
    "keywords",
    "tags",
    "priority",
    "contract",
    "group",
    "target",
    "level",
)
ACTION_KEYS = ("group", "assignee", "priority", "tags", "status", "notify")


@dataclass(frozen=True)
class RuleSpec:
    id: uuid.UUID
    name: str
    event: TriggerEvent
    conditions: Mapping[str, frozenset[str]]
    actions: Mapping[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class TriggerFired:
    rule: str
    ticket_id: uuid.UUID
    event: TriggerEvent
    key: str
    actions: tuple[str, ...]


def normalize_conditions(raw: Mapping[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, values in raw.items():
        if key not in CONDITION_KEYS:
            raise ValueError(f"unknown condition {key!r} (use: {', '.join(CONDITION_KEYS)})")
        items = [values] if isinstance(values, str) else list(values)
        cleaned = [str(v).strip().lower() for v in items if str(v).strip()]
        if not cleaned:
            raise ValueError(f"condition {key!r} lists no values")
        if key == "channel":
            for v in cleaned:
                Channel(v)
        if key == "priority":
            for v in cleaned:
                Priority(v)
        out[key] = cleaned
    return out


def validate_actions(raw: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(raw) - set(ACTION_KEYS)
    if unknown:
        raise ValueError(
            f"unknown action(s) {', '.join(sorted(unknown))} (use: {', '.join(ACTION_KEYS)})"
        )
    if not raw:
        raise ValueError("a rule needs at least one action")
    if "priority" in raw:
        Priority(raw["priority"])
    if "status" in raw:
        Status(raw["status"])
    for key in ("group", "assignee"):
        if key in raw:
            uuid.UUID(str(raw[key]))
    for who in raw.get("notify", ()):
        if who not in NOTIFY_ROLES:
            uuid.UUID(who)
    return dict(raw)


def load_rules(session: Session) -> list[RuleSpec]:
    rows = session.scalars(
        select(TriggerRule)
        .where(TriggerRule.active.is_(True))
        .order_by(TriggerRule.position, TriggerRule.name)
    )
    return [
        RuleSpec(
            r.id,
            r.name,
            r.event,
            {k: frozenset(v) for k, v in normalize_conditions(r.conditions or {}).items()},
            dict(r.actions or {}),
            r.created_at,
        )
        for r in rows
    ]


# --- what a rule sees ----------------------------------------------------------------------


@dataclass
class TicketView:
    ticket: Ticket
    tags: frozenset[str]
    sender: str | None
    mailboxes: frozenset[str]
    text: str  # subject and latest customer message, lower-cased
    contract: str
    extra: Mapping[str, str] = field(default_factory=dict)  # target, level of an SLA event

    def values(self, key: str) -> frozenset[str]:
        t = self.ticket
        simple = {
            "channel": t.channel.value,
            "priority": t.priority.value,
            "contract": self.contract,
            "group": str(t.group_id) if t.group_id else "",
        }
        if key in simple:
            return frozenset([simple[key]])
        if key == "tags":
            return self.tags
        if key == "mailbox":
            return self.mailboxes
        return frozenset([self.extra[key]]) if key in self.extra else frozenset()


def view_of(session: Session, ticket: Ticket, extra: Mapping[str, str] | None = None) -> TicketView:
    latest = session.execute(
        select(Message.subject, Message.body_text, Message.from_addr)
        .where(
            Message.ticket_id == ticket.id,
            Message.kind.in_([MessageKind.INBOUND_MAIL, MessageKind.WEB_FORM]),
        )
        .order_by(Message.created_at.desc(), Message.seq.desc())
        .limit(1)
    ).first()
    boxes = session.scalars(
        select(Mailbox.name)
        .join(InboundMail, InboundMail.mailbox_id == Mailbox.id)
        .where(InboundMail.ticket_id == ticket.id)
        .distinct()
    )
    contract = None
    if ticket.organization_id is not None:
        contract = session.scalar(
            select(Organization.contract_level).where(Organization.id == ticket.organization_id)
        )
    subject, body, sender = latest if latest is not None else (None, "", None)
    return TicketView(
        ticket=ticket,
        tags=frozenset(tag.name for tag in ticket.tags),
        sender=(sender or "").lower() or None,
        mailboxes=frozenset(b.lower() for b in boxes),
        text=" ".join([ticket.subject, subject or "", body or ""]).lower(),
        contract=contract.value if contract is not None else "none",
        extra=dict(extra or {}),
    )


def holds(rule: RuleSpec, view: TicketView) -> bool:
    for key, accepted in rule.conditions.items():
        if key == "keywords":
            ok = any(word in view.text for word in accepted)
        elif key == "sender":
            ok = view.sender is not None and any(_sender_matches(view.sender, s) for s in accepted)
        else:
            ok = bool(view.values(key) & accepted)
        if not ok:
            return False
    return True


def _sender_matches(address: str, pattern: str) -> bool:
    """'max@example.de' exactly; '@example.de' or 'example.de' for a whole domain."""
    if "@" in pattern and not pattern.startswith("@"):
        return address == pattern
    return address.endswith("@" + pattern.lstrip("@"))


# --- events and firing ---------------------------------------------------------------------


def events_of(
    ticket: Ticket, seen_hlc: str, seen_reply_s: int | None
) -> list[tuple[TriggerEvent, str]]:
    if not seen_hlc:
        return [(TriggerEvent.CREATED, "created")]
    out: list[tuple[TriggerEvent, str]] = []
    reply = ticket.last_customer_message_at
    if reply is not None and seen_reply_s is not None and to_epoch(reply) > seen_reply_s:
        out.append((TriggerEvent.CUSTOMER_REPLIED, f"reply:{to_epoch(reply)}"))
    if seen_hlc != ticket.hlc:
        out.append((TriggerEvent.UPDATED, f"update:{ticket.hlc}"))
    return out


_REPLIED = TriggerEvent.CUSTOMER_REPLIED


@dataclass(frozen=True)
class RuleContext:
    session: Session
    hlc: Hlc
    now: datetime
    rules: Sequence[RuleSpec]


def run_for_changes(ctx: RuleContext, raw_ids: Sequence[RawId]) -> list[TriggerFired]:
    """Evaluate the ticket-event rules for changed tickets (before their state is
    updated, which is what makes these events seen)."""
    out: list[TriggerFired] = []
    for tid, seen_hlc, seen_reply in _with_events(ctx, raw_ids):
        ticket = ctx.session.get(Ticket, tid)
        if ticket is None:
            continue
        for event, key in events_of(ticket, seen_hlc, seen_reply):
            out += run_event(ctx, ticket, event, key)
    return out


def _with_events(
    ctx: RuleContext, raw_ids: Sequence[RawId]
) -> list[tuple[uuid.UUID, str, int | None]]:
    """The tickets of `raw_ids` (in their order) that may have an event some rule
    listens to (`events_of` decides), with what was last seen of them.

    Found in SQL: a recompute after a policy change takes every open ticket, nearly
    none of them with an event, and loading each to ask took 15 s for 100,000."""
    events = {r.event for r in ctx.rules}
    created = [r.created_at for r in ctx.rules if r.event is TriggerEvent.CREATED]
    if not raw_ids or not (created or events & {TriggerEvent.UPDATED, _REPLIED}):
        return []
    db = Bulk(ctx.session)
    among, params = Tickets(db, raw_ids).among("t.id")  # tickets of the range: dropped below
    unseen, seen = "coalesce(s.seen_hlc, '') = ''", "coalesce(s.seen_hlc, '') <> ''"
    cases: list[str] = []
    if created:
        cases.append(f"({unseen} AND t.created_at >= ?)")
        params.append(db.timestamp(min(created)))
    if TriggerEvent.UPDATED in events:
        cases.append(f"({seen} AND s.seen_hlc <> t.hlc)")
    if _REPLIED in events:
        cases.append(f"({seen} AND {db.epoch('t.last_customer_message_at')} > s.seen_reply_s)")
    found = {
        tid: (h, r)
        for tid, h, r in db.fetch(
            "SELECT t.id, coalesce(s.seen_hlc, ''), s.seen_reply_s FROM tickets t "
            f"LEFT JOIN sla_tickets s ON s.ticket_id = t.id WHERE {among} "
            f"AND ({' OR '.join(cases)})",
            params,
        )
    }
    return [(db.to_uuid(tid), *found[tid]) for tid in raw_ids if tid in found]


def run_event(
    ctx: RuleContext,
    ticket: Ticket,
    event: TriggerEvent,
    key: str,
    extra: Mapping[str, str] | None = None,
) -> list[TriggerFired]:
    out: list[TriggerFired] = []
    view: TicketView | None = None
    for rule in ctx.rules:
        if rule.event is not event:
            continue
        if event is TriggerEvent.CREATED and ticket.created_at < rule.created_at:
            continue
        view = view or view_of(ctx.session, ticket, extra)
        if not holds(rule, view) or not _claim(ctx, rule, ticket, key):
            continue
        out.append(TriggerFired(rule.name, ticket.id, event, key, tuple(_act(ctx, rule, ticket))))
        view = None  # the actions changed the ticket: later rules see the new state
    return out


def _claim(ctx: RuleContext, rule: RuleSpec, ticket: Ticket, key: str) -> bool:
    table = TriggerFiring.__table__
    stmt = (
        insert_for(ctx.session)(table)
        .values(
            id=uuid.uuid4(),
            row_version=0,
            hlc=ctx.hlc(),
            rule_id=rule.id,
            ticket_id=ticket.id,
            event_key=key[:80],
            fired_at=ctx.now,
        )
        .on_conflict_do_nothing(index_elements=["rule_id", "ticket_id", "event_key"])
        .returning(table.c.id)
    )
    return ctx.session.scalar(stmt) is not None


def _commands(ticket: Ticket, actions: Mapping[str, Any]) -> list[tuple[str, Command]]:
    out: list[tuple[str, Command]] = []
    tid = ticket.id
    if "group" in actions:
        out.append(
            (
                f"group={actions['group']}",
                SetGroup(ticket_id=tid, group_id=uuid.UUID(actions["group"])),
            )
        )
    if "assignee" in actions:
        out.append(
            (
                f"assignee={actions['assignee']}",
                Assign(ticket_id=tid, agent_id=uuid.UUID(actions["assignee"])),
            )
        )
    if "priority" in actions:
        out.append(
            (
                f"priority={actions['priority']}",
                SetPriority(ticket_id=tid, priority=Priority(actions["priority"])),
            )
        )
    for tag in actions.get("tags", ()):
        if tag.startswith("-"):
            out.append((f"tag={tag}", RemoveTag(ticket_id=tid, tag=tag[1:])))
        else:
            out.append((f"tag=+{tag.lstrip('+')}", AddTag(ticket_id=tid, tag=tag.lstrip("+"))))
    if "status" in actions:
        out.append(
            (
                f"status={actions['status']}",
                SetStatus(ticket_id=tid, status=Status(actions["status"])),
            )
        )
    return out


def _act(ctx: RuleContext, rule: RuleSpec, ticket: Ticket) -> list[str]:
    actor = Actor(f"trigger: {rule.name}")
    done: list[str] = []
    for label, cmd in _commands(ticket, rule.actions):
        try:
            # One savepoint per action: a refused one (a status the ticket cannot take)
            # is skipped without undoing the others or the firing record.
            with ctx.session.begin_nested():
                run_in(ctx.session, ctx.hlc(), cmd, actor)
            done.append(label)
        except CommandError as exc:
            log.info("trigger %s on %s: %s refused: %s", rule.name, ticket.label, label, exc)
    notify = rule.actions.get("notify", ())
    if notify:
        agents = recipients(ctx.session, ticket, notify)
        alert(ctx.session, ctx.hlc, agents, ticket, AlertKind.TRIGGER,
              reason(QT_TRANSLATE_NOOP("Reason", "{ticket}: rule {rule}"),
                     ticket=ticket_title(ticket), rule=rule.name), ctx.now,
              {"rule": rule.name}, source=f"trigger:{rule.name}")  # fmt: skip
        done.append("notify=" + ",".join(str(a) for a in agents))
    return done
