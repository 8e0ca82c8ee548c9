"""Notifications by mail, for the agents who opted in (`desk-gui agent notify LOGIN --mail on`).

Each new notification of such an agent becomes one short internal mail in the outbox, sent
by the same Sender with its retries, written in the agent's language (`desk-gui agent set
LOGIN --language de|en`). Exactly once: its outbox row carries the unique key
"notify:<notification id>" and is added in the transaction that records the notification
pass. Never to a customer (only the agent's own address) and never a loop: the mail says
Auto-Submitted: auto-generated, and its message in the thread notifies nobody (notify.py).
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models.commands import CommandError
from desk_gui.models.i18n import LANGUAGES, QT_TRANSLATE_NOOP, known_language, translate
from desk_gui.models.message import Message, MessageKind
from desk_gui.models.meta import Setting, get_setting, next_value, put_setting
from desk_gui.models.outbound import (
    Notification,
    NotificationReason,
    OutboundKind,
    OutboundMail,
    OutboundState,
)
from desk_gui.models.party import Agent, Group
from desk_gui.models.reply_commands import own_message_id, sending_mailbox, with_token
from desk_gui.models.sla import BusinessCalendar
from desk_gui.models.store import Store
from desk_gui.models.ticket import Ticket

from ..leases import db_now
from .compose import store_raw
from .templates import DEFAULT_TZ, format_time

PREFIX = "notify_by_mail:"


def set_mail_opt_in(session: Session, agent_id: uuid.UUID, on: bool) -> None:
    put_setting(session, f"{PREFIX}{agent_id}", "on" if on else "off")


def mail_opt_in(session: Session, agent_id: uuid.UUID) -> bool:
    return get_setting(session, f"{PREFIX}{agent_id}") == "on"


def set_mail_language(agent: Agent, language: str, hlc: Callable[[], str]) -> None:
    """The language of the mails Desk writes the agent (one of i18n.LANGUAGES)."""
    code = known_language(language)
    if code is None:
        raise ValueError(f"unknown language {language!r}: Desk writes in {' or '.join(LANGUAGES)}")
    if agent.language != code:
        agent.language, agent.hlc = code, hlc()


def follow_window_language(store: Store, agent_id: uuid.UUID, language: str) -> None:
    """The agent picked the window's language in the app: their mails follow it."""
    hlc = store.clock.now  # its first use writes in a transaction of its own
    with store.write() as session:
        agent = session.get(Agent, agent_id)
        if agent is not None:
            set_mail_language(agent, language, hlc)


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
    wording = wording_for(session, agent, ticket)
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
        subject=wording.subject(note, ticket),
        body_text=wording.text(note, ticket),
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
            mail_html=wording.html(note, ticket),
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


# The mail's texts in the agent's language (agents.language): English sources marked for
# lupdate, their German in resources/translations/desk_de.ts with the window's texts.
CONTEXT = "NotifyMail"
_SUBJECT = {
    NotificationReason.MENTION: QT_TRANSLATE_NOOP("NotifyMail", "{actor} mentioned you: {subject}"),
    NotificationReason.WATCHING: QT_TRANSLATE_NOOP("NotifyMail", "{actor} wrote: {subject}"),
}
_HEADLINE = {
    NotificationReason.MENTION: QT_TRANSLATE_NOOP(
        "NotifyMail", "{actor} mentioned you in {ticket}: {subject}"
    ),
    NotificationReason.WATCHING: QT_TRANSLATE_NOOP(
        "NotifyMail", "{actor} wrote in {ticket}: {subject}"
    ),
}
_WHY = {
    NotificationReason.MENTION: QT_TRANSLATE_NOOP(
        "NotifyMail", "You receive this mail because you were mentioned in a note."
    ),
    NotificationReason.WATCHING: QT_TRANSLATE_NOOP(
        "NotifyMail", "You receive this mail because you are watching this ticket."
    ),
}
_WHEN = QT_TRANSLATE_NOOP("NotifyMail", "Time: {when}")
# Who wrote a message that names no sender (notify.py stores no actor then).
_SOMEONE = QT_TRANSLATE_NOOP("NotifyMail", "Someone")


@dataclass(frozen=True)
class Wording:
    """What one notification mail says, in one language."""

    language: str
    time_zone: str

    def tr(self, text: str) -> str:
        return translate(self.language, CONTEXT, text)

    def actor(self, note: Notification) -> str:
        return note.actor or self.tr(_SOMEONE)

    def subject(self, note: Notification, ticket: Ticket) -> str:
        line = self.tr(_SUBJECT[note.reason]).format(actor=self.actor(note), subject=ticket.subject)
        return with_token(" ".join(line.split())[:200], ticket)

    def when(self, note: Notification) -> str:
        return self.tr(_WHEN).format(
            when=format_time(note.created_at, self.language, self.time_zone)
        )

    def text(self, note: Notification, ticket: Ticket) -> str:
        headline = self.tr(_HEADLINE[note.reason]).format(
            actor=self.actor(note), ticket=ticket.label, subject=ticket.subject
        )
        why = self.tr(_WHY[note.reason])
        return f"{headline}\n{self.when(note)}\n\n{note.excerpt}\n\n-- \n{why}"

    def html(self, note: Notification, ticket: Ticket) -> str:
        e = html.escape
        # The translated template is escaped before the (escaped) values go in.
        headline = e(self.tr(_HEADLINE[note.reason])).format(
            actor=f"<b>{e(self.actor(note))}</b>", ticket=e(ticket.label), subject=e(ticket.subject)
        )
        return (
            f'<div lang="{e(self.language)}"><p>{headline}<br>{e(self.when(note))}</p>'
            f"<blockquote>{e(note.excerpt)}</blockquote>"
            f"<p><small>{e(self.tr(_WHY[note.reason]))}</small></p></div>"
        )


def wording_for(session: Session, agent: Agent, ticket: Ticket) -> Wording:
    """The agent's language; times in the zone of the ticket's group calendar (the
    office's), else the default one of templates."""
    group = session.get(Group, ticket.group_id) if ticket.group_id else None
    calendar = (
        session.get(BusinessCalendar, group.calendar_id) if group and group.calendar_id else None
    )
    return Wording(agent.language, calendar.timezone if calendar else DEFAULT_TZ)
