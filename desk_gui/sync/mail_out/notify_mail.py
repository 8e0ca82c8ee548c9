"""Notifications by mail, for the agents who opted in (`desk-gui agent notify LOGIN --mail on`).

Each new notification of such an agent becomes one short internal mail in the outbox, sent
by the same Sender with its retries. Exactly once: its outbox row carries the unique key
"notify:<notification id>" and is added in the transaction that records the notification
pass. Never to a customer (only the agent's own address) and never a loop: the mail says
Auto-Submitted: auto-generated, and its message in the thread notifies nobody (notify.py).
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models.commands import CommandError
from desk_gui.models.message import Message, MessageKind
from desk_gui.models.meta import Setting, get_setting, next_value, put_setting
from desk_gui.models.outbound import (
    Notification,
    NotificationReason,
    OutboundKind,
    OutboundMail,
    OutboundState,
)
from desk_gui.models.party import Agent
from desk_gui.models.reply_commands import own_message_id, sending_mailbox, with_token
from desk_gui.models.ticket import Ticket

from ..leases import db_now
from .compose import store_raw

PREFIX = "notify_by_mail:"


def set_mail_opt_in(session: Session, agent_id: uuid.UUID, on: bool) -> None:
    put_setting(session, f"{PREFIX}{agent_id}", "on" if on else "off")


def mail_opt_in(session: Session, agent_id: uuid.UUID) -> bool:
    return get_setting(session, f"{PREFIX}{agent_id}") == "on"


def opted_in_agents(session: Session) -> set[uuid.UUID]:
    keys = session.scalars(
        select(Setting.key).where(Setting.key.startswith(PREFIX), Setting.value == "on")
    )
    return {uuid.UUID(k.removeprefix(PREFIX)) for k in keys}


def notify_mail_messages(session: Session, message_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these messages are notification mails themselves (they notify nobody)."""
    ids = list(message_ids)
    if not ids:
        return set()
    return set(
        session.scalars(
            select(OutboundMail.message_uuid).where(
                OutboundMail.message_uuid.in_(ids), OutboundMail.kind == OutboundKind.NOTIFY
            )
        )
    )


def queue_notification_mails(
    session: Session, hlc: Callable[[], str], message_ids: Iterable[uuid.UUID]
) -> int:
    """Queue a mail for every notification about these messages whose agent opted in and
    has an address, unless one is queued already; returns how many were queued."""
    ids = list(message_ids)
    opted = opted_in_agents(session)
    if not ids or not opted:
        return 0
    rows = session.scalars(
        select(Notification)
        .where(Notification.message_uuid.in_(ids), Notification.agent_id.in_(opted))
        .order_by(Notification.created_at)
    )
    return sum(1 for n in list(rows) if _queue_one(session, hlc, n))


def _queue_one(session: Session, hlc: Callable[[], str], note: Notification) -> bool:
    key = f"notify:{note.id}"
    if session.scalar(select(OutboundMail.id).where(OutboundMail.once_key == key)):
        return False
    agent = session.get(Agent, note.agent_id)
    ticket = session.get(Ticket, note.ticket_id)
    if agent is None or not agent.active or not agent.email or ticket is None:
        return False
    try:
        mailbox = sending_mailbox(session, ticket)
    except CommandError:
        return False  # nothing can send: the notification stays in the app
    assert mailbox.from_addr is not None
    outbound_id = uuid.uuid4()
    stamp, now = hlc(), db_now(session)
    seq = next_value(session, "message_seq")
    # The Message-ID lives only on the outbox row: a customer's reply must never thread
    # onto this internal mail (reply_commands._thread_headers picks headers of messages).
    msg = Message(
        ticket_id=ticket.id,
        kind=MessageKind.SYSTEM,
        seq=seq,
        created_at=now,
        hlc=stamp,
        from_addr=mailbox.from_addr,
        to_addrs=[agent.email],
        subject=_subject(note, ticket),
        body_text=_text(note, ticket),
    )
    session.add(msg)
    session.flush()
    session.add(
        OutboundMail(
            id=outbound_id,
            message_uuid=msg.id,
            ticket_id=ticket.id,
            mailbox_id=mailbox.id,
            kind=OutboundKind.NOTIFY,
            message_id_header=own_message_id(
                ticket.number, mailbox.from_addr.rsplit("@", 1)[1], outbound_id
            ),
            once_key=key,
            from_name=mailbox.name,
            mail_html=_html(note, ticket),
            state=OutboundState.QUEUED,
            next_attempt_at=now,
            created_at=now,
            hlc=stamp,
        )
    )
    row = session.get(OutboundMail, outbound_id)
    assert row is not None
    store_raw(session, row)  # composed once: every attempt sends the same bytes
    return True


def _what(note: Notification) -> str:
    return "mentioned you" if note.reason is NotificationReason.MENTION else "wrote"


def _subject(note: Notification, ticket: Ticket) -> str:
    line = " ".join(f"{note.actor} {_what(note)}: {ticket.subject}".split())
    return with_token(line[:200], ticket)


def _text(note: Notification, ticket: Ticket) -> str:
    return f"{note.actor} {_what(note)} on {ticket.label}: {ticket.subject}\n\n{note.excerpt}"


def _html(note: Notification, ticket: Ticket) -> str:
    e = html.escape
    return (
        f"<p><b>{e(note.actor)}</b> {_what(note)} on {e(ticket.label)}: "
        f"{e(ticket.subject)}</p><blockquote>{e(note.excerpt)}</blockquote>"
    )
