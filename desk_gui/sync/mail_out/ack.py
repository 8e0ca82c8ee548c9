"""Automatic acknowledgements: "we got your request, it is #10234" for new tickets.

Only for the first message of a ticket that came by mail or web form, from a person:
never to auto-replies, bounces, bulk or list mail (the intake ledger's LOOP state and
its loop tags), spam, no-reply addresses, our own mailboxes or agents; at most
`ack_per_hour` per sender and mailbox hour; and only where the mailbox (or the whole
desk) has an acknowledgement template. Each ticket is acknowledged at most once, by a
unique key, whichever engine gets there first.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from desk_gui.models.commands import Actor, CommandError, run_in
from desk_gui.models.inbound import InboundMail, InboundState
from desk_gui.models.mailbox import Mailbox
from desk_gui.models.message import Message, MessageKind
from desk_gui.models.meta import get_setting, put_setting
from desk_gui.models.outbound import MailboxOutbound, OutboundKind, OutboundMail
from desk_gui.models.party import Agent, Group
from desk_gui.models.reply_commands import QueueAck, sending_mailbox
from desk_gui.models.store import Store
from desk_gui.models.template import Template, TemplateKind
from desk_gui.models.ticket import Tag, Ticket, TicketTag

from ..leases import db_now
from ..mime import html_to_text, sanitize_html, strip_reply_prefixes
from . import templates
from .compose import store_raw

ACK_ACTOR = Actor("auto-ack")
CURSOR = "ack_cursor_seq"
MAX_AGE = timedelta(hours=24)  # an engine back after a long outage does not ack old mail
PASS_LIMIT = 500
LOOP_TAGS = {"auto-reply", "bounce", "bulk", "spam", "parse-error"}
_NO_REPLY = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon|postmaster|bounces?"
    r"|notifications?|auto[-_.]?(?:reply|responder)|daemon)(?:[-+._].*)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AckOutcome:
    ticket_id: uuid.UUID
    queued: bool
    reason: str


def is_no_reply(address: str) -> bool:
    return bool(_NO_REPLY.match(address.split("@", 1)[0]))


def queue_acknowledgements(store: Store) -> list[AckOutcome]:
    """Acknowledge the new tickets since the last pass; one transaction."""
    clock = store.clock
    outcomes: list[AckOutcome] = []
    with store.write() as session:
        kept = int(get_setting(session, CURSOR) or 0)
        now = db_now(session)
        cursor = kept or first_pass_start(session, now - MAX_AGE)
        first = aliased(Message)
        candidates = list(
            session.scalars(
                select(Message)
                .where(
                    Message.seq > cursor,
                    Message.kind.in_([MessageKind.INBOUND_MAIL, MessageKind.WEB_FORM]),
                    Message.created_at >= now - MAX_AGE,
                    ~exists().where(first.ticket_id == Message.ticket_id, first.seq < Message.seq),
                )
                .order_by(Message.seq)
                .limit(PASS_LIMIT)
            )
        )
        for msg in candidates:
            outcomes.append(_acknowledge(session, clock.now(), msg))
        if candidates:
            cursor = candidates[-1].seq
        if cursor != kept:  # a first pass keeps its start: not looked for again
            put_setting(session, CURSOR, str(cursor))
    return outcomes


def first_pass_start(session: Session, since: datetime) -> int:
    """Where a store's first pass starts: just before the first message of a ticket
    changed since `since` (an older ticket's first message is older still, and never
    acknowledged), found through the tickets' updated_at index. Walking every message
    from the first instead took ~1 s on a store with 1.4M messages and left ~105 MB of
    its memory map resident in the app. With no such ticket: the newest message."""
    first = session.scalar(
        select(func.min(Message.seq))
        .join(Ticket, Ticket.id == Message.ticket_id)
        .where(Ticket.updated_at >= since)
    )
    if first is not None:
        return int(first) - 1
    return int(session.scalar(select(func.max(Message.seq))) or 0)


def _acknowledge(session: Session, hlc: str, msg: Message) -> AckOutcome:
    ticket = session.get(Ticket, msg.ticket_id)
    assert ticket is not None
    why_not, mailbox = _refusal(session, msg, ticket)
    if why_not is not None or mailbox is None:
        return AckOutcome(ticket.id, False, why_not or "no mailbox")
    language = ticket.contact.language if ticket.contact else "de"
    template = _ack_template(session, language, mailbox.id)
    if template is None:
        return AckOutcome(ticket.id, False, f"no acknowledgement template for {mailbox.name}")
    values = templates.values_for(session, ticket, None, mailbox, template.language)
    rendered = templates.render_template(template, values)
    group = session.get(Group, ticket.group_id) if ticket.group_id else None
    layout = group.layout_html if group else None
    content = sanitize_html(rendered.body_html, True)
    subject = rendered.subject or f"Re: {strip_reply_prefixes(ticket.subject)}"
    assert msg.from_addr is not None
    try:
        queued = run_in(
            session,
            hlc,
            QueueAck(
                ticket_id=ticket.id,
                mailbox_id=mailbox.id,
                to_addr=msg.from_addr,
                subject=subject,
                body_html=sanitize_html(content),
                body_text=html_to_text(content),
                mail_html=templates.in_layout(layout, content, values),
            ),
            ACK_ACTOR,
        )
    except CommandError as exc:
        return AckOutcome(ticket.id, False, str(exc))
    if queued is None:
        return AckOutcome(ticket.id, False, "acknowledged already")
    row = session.get(OutboundMail, queued.outbound_id)
    assert row is not None
    store_raw(session, row)
    return AckOutcome(ticket.id, True, f"acknowledged to {msg.from_addr}")


def _ack_template(session: Session, language: str, mailbox_id: uuid.UUID) -> Template | None:
    """The acknowledgement template: the mailbox's own first, then a desk-wide one."""
    names = session.scalars(
        select(Template.name)
        .where(
            Template.kind == TemplateKind.ACK,
            or_(Template.mailbox_id == mailbox_id, Template.mailbox_id.is_(None)),
        )
        .order_by(Template.mailbox_id.is_(None), Template.name)
    ).all()
    if not names:
        return None
    return templates.find_template(session, names[0], language, mailbox_id, TemplateKind.ACK)


def _refusal(session: Session, msg: Message, ticket: Ticket) -> tuple[str | None, Mailbox | None]:
    sender = (msg.from_addr or "").lower()
    if not sender or "@" not in sender:
        return "no sender address", None
    ledger = session.scalar(select(InboundMail).where(InboundMail.message_uuid == msg.id))
    if ledger is not None and ledger.state is not InboundState.TICKETED:
        return f"intake marked it {ledger.state.value}", None
    tags = set(
        session.scalars(
            select(Tag.name)
            .join(TicketTag, TicketTag.tag_id == Tag.id)
            .where(TicketTag.ticket_id == ticket.id)
        )
    )
    if tags & LOOP_TAGS:
        return f"tagged {', '.join(sorted(tags & LOOP_TAGS))}", None
    if is_no_reply(sender):
        return f"no-reply sender {sender}", None
    ours = select(Mailbox.id).where(
        or_(func.lower(Mailbox.from_addr) == sender, func.lower(Mailbox.imap_user) == sender)
    )
    if session.scalar(ours) is not None or session.scalar(
        select(Agent.id).where(func.lower(Agent.email) == sender)
    ):
        return f"{sender} is one of us", None
    try:
        mailbox = (
            session.get(Mailbox, ledger.mailbox_id)
            if ledger is not None
            else sending_mailbox(session, ticket)
        )
    except CommandError as exc:
        return str(exc), None
    if mailbox is None or not mailbox.smtp_host or not mailbox.from_addr:
        return "the mailbox cannot send", None
    if _recent_acks(session, mailbox.id, sender) >= _limit(session, mailbox.id):
        return f"rate limit: {sender} got enough acknowledgements this hour", None
    return None, mailbox


def _limit(session: Session, mailbox_id: uuid.UUID) -> int:
    settings = session.get(MailboxOutbound, mailbox_id)
    return settings.ack_per_hour if settings is not None else 3


def _recent_acks(session: Session, mailbox_id: uuid.UUID, sender: str) -> int:
    since = db_now(session) - timedelta(hours=1)
    recipients = session.scalars(
        select(Message.to_addrs)
        .join(OutboundMail, OutboundMail.message_uuid == Message.id)
        .where(
            OutboundMail.kind == OutboundKind.ACK,
            OutboundMail.mailbox_id == mailbox_id,
            OutboundMail.created_at >= since,
        )
    )
    return sum(1 for to in recipients if sender in to)
