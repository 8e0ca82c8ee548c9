"""Answering customers: queue a reply or an acknowledgement, retry or cancel a send,
manage templates, and agents' notifications.

A reply becomes, in one transaction, an outbound message in the ticket's thread and an
outbox row with the Message-ID fixed; the SMTP sender (desk_gui.sync.mail_out) sends
it later, off the GUI thread. Everything that reaches a mail header is checked for
CR/LF here, before anything is stored: no header injection, whatever the caller.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .commands import (
    Command,
    CommandError,
    Context,
    Phrase,
    _add_new,
    _set_status,
    command,
    new_message,
    normalize_address,
)
from .i18n import QT_TRANSLATE_NOOP
from .inbound import InboundMail
from .mailbox import Mailbox
from .message import Attachment, Message, MessageKind, attachment_values
from .outbound import (
    Notification,
    NotificationReason,
    OutboundKind,
    OutboundMail,
    OutboundState,
)
from .party import Agent
from .reason import Reason, stored
from .template import KNOWN_PLACEHOLDERS, Template, TemplateKind, placeholders_in
from .ticket import Status, Ticket, Watcher

MAX_REFERENCES = 20  # RFC 5322 allows trimming; long threads would bloat every header


class HeaderInjection(CommandError):
    """A value bound for a mail header contains a line break."""


@dataclass(frozen=True)
class NewMessage:
    """A message that arrived while a reply was being written (the collision check)."""

    message_uuid: uuid.UUID
    kind: MessageKind
    author: str  # the agent's name, or the sender's address
    created_at: datetime
    excerpt: str


class ReplyHeld(CommandError):
    """The ticket changed since the draft was opened: the agent decides what to do."""

    def __init__(self, new: tuple[NewMessage, ...]) -> None:
        self.new = new
        super().__init__(
            f"held: the ticket got {len(new)} new message(s) since the draft was opened"
        )


@dataclass(frozen=True)
class QueuedMail:
    message_uuid: uuid.UUID
    outbound_id: uuid.UUID
    message_id_header: str


# --- header safety ----------------------------------------------------------------------


# The states a mail can be in when it is refused a retry, as the UI words them.
_STATE_WORDS = {
    OutboundState.QUEUED: QT_TRANSLATE_NOOP("CommandError", "queued"),
    OutboundState.SENDING: QT_TRANSLATE_NOOP("CommandError", "being sent"),
    OutboundState.SENT: QT_TRANSLATE_NOOP("CommandError", "sent"),
    OutboundState.FAILED: QT_TRANSLATE_NOOP("CommandError", "failed"),
    OutboundState.CANCELLED: QT_TRANSLATE_NOOP("CommandError", "cancelled"),
}


def refuse_line_breaks(what: str, value: str | None) -> None:
    if value and ("\r" in value or "\n" in value or "\0" in value):
        raise HeaderInjection(
            QT_TRANSLATE_NOOP(
                "CommandError",
                "line breaks are not allowed in {what} (header injection refused): {value}",
            ),
            what=Phrase(what),
            value=repr(value),
        )


def checked_address(what: str, value: str) -> str:
    refuse_line_breaks(what, value)
    return normalize_address(value)


def own_message_id(ticket_number: int | None, domain: str, unique: uuid.UUID) -> str:
    """Our Message-ID: it carries the ticket number, so a reply threads even when the
    customer's client dropped References (see sync/mail_in/threads.py OWN_ID)."""
    return f"<desk.{ticket_number or 0}.{unique}@{domain}>"


def with_token(subject: str, ticket: Ticket) -> str:
    subject = " ".join(subject.split())
    if ticket.number is None:
        return subject  # provisional ticket: the number comes with replication
    token = f"[#{ticket.number}]"
    return subject if token in subject else f"{subject} {token}".strip()


# --- the collision check ----------------------------------------------------------------


def new_messages_since(
    session: Session,
    ticket_id: uuid.UUID,
    seen_message_uuid: uuid.UUID | None,
    opened_at: datetime | None,
    agent_id: uuid.UUID | None,
) -> tuple[NewMessage, ...]:
    """Messages the writer of a draft has not seen: newer than the last message shown
    (or than the moment the draft was opened), not their own, not automatic mail."""
    query = select(Message).where(Message.ticket_id == ticket_id)
    seen = session.get(Message, seen_message_uuid) if seen_message_uuid else None
    if seen is not None:
        query = query.where(
            or_(
                Message.created_at > seen.created_at,
                and_(Message.created_at == seen.created_at, Message.seq > seen.seq),
            )
        )
    elif opened_at is not None:
        query = query.where(Message.created_at > opened_at)
    else:
        return ()
    if agent_id is not None:
        query = query.where(
            or_(Message.author_agent_id.is_(None), Message.author_agent_id != agent_id)
        )
    found = []
    for msg in session.scalars(query.order_by(Message.created_at, Message.seq)):
        if msg.kind is MessageKind.SYSTEM:
            continue
        if msg.kind is MessageKind.OUTBOUND_MAIL and msg.author_agent_id is None:
            continue  # an automatic acknowledgement changes nothing for the writer
        author = msg.from_addr or ""
        if msg.author_agent_id is not None:
            agent = session.get(Agent, msg.author_agent_id)
            author = agent.name if agent else author
        excerpt = " ".join(msg.body_text.split())[:200]
        found.append(NewMessage(msg.id, msg.kind, author, msg.created_at, excerpt))
    return tuple(found)


# --- where a reply goes out -------------------------------------------------------------


def sending_mailbox(
    session: Session, ticket: Ticket, mailbox_id: uuid.UUID | None = None
) -> Mailbox:
    """The given mailbox; else the one the customer last wrote to; else the ticket
    group's; else the only mailbox that can send."""
    if mailbox_id is not None:
        found = session.get(Mailbox, mailbox_id)
        if found is None:
            raise CommandError(
                QT_TRANSLATE_NOOP("CommandError", "mailbox {mailbox} does not exist"),
                mailbox=mailbox_id,
            )
        return _can_send(found)
    came_in = session.scalar(
        select(InboundMail.mailbox_id)
        .join(Message, Message.id == InboundMail.message_uuid)
        .where(Message.ticket_id == ticket.id)
        .order_by(Message.created_at.desc(), Message.seq.desc())
        .limit(1)
    )
    sending = select(Mailbox).where(Mailbox.smtp_host.is_not(None)).order_by(Mailbox.name)
    candidates: list[Mailbox | None] = [session.get(Mailbox, came_in) if came_in else None]
    if ticket.group_id is not None:
        candidates.append(session.scalar(sending.where(Mailbox.group_id == ticket.group_id)))
    every = list(session.scalars(sending.limit(2)))
    if len(every) == 1:
        candidates.append(every[0])
    for mailbox in candidates:
        if mailbox is not None and mailbox.smtp_host and mailbox.from_addr:
            return mailbox
    raise CommandError(
        QT_TRANSLATE_NOOP(
            "CommandError",
            "no mailbox to send {ticket} from: configure one with "
            "'desk-gui mailbox set NAME --smtp-host HOST --from ADDRESS'",
        ),
        ticket=ticket.label,
    )


def _can_send(mailbox: Mailbox) -> Mailbox:
    if not mailbox.smtp_host or not mailbox.from_addr:
        raise CommandError(
            QT_TRANSLATE_NOOP(
                "CommandError",
                "mailbox {mailbox} cannot send: set --smtp-host and --from with "
                "'desk-gui mailbox set'",
            ),
            mailbox=mailbox.name,
        )
    return mailbox


def last_customer_message(session: Session, ticket_id: uuid.UUID) -> Message | None:
    return session.scalar(
        select(Message)
        .where(
            Message.ticket_id == ticket_id,
            Message.kind.in_([MessageKind.INBOUND_MAIL, MessageKind.WEB_FORM]),
        )
        .order_by(Message.created_at.desc(), Message.seq.desc())
        .limit(1)
    )


def _thread_headers(session: Session, ticket_id: uuid.UUID) -> tuple[str | None, list[str]]:
    """In-Reply-To and References: the customer's last message, else our last mail."""
    anchor = session.scalar(
        select(Message)
        .where(
            Message.ticket_id == ticket_id,
            Message.kind.in_([MessageKind.INBOUND_MAIL, MessageKind.WEB_FORM]),
            Message.message_id_header.is_not(None),
        )
        .order_by(Message.created_at.desc(), Message.seq.desc())
        .limit(1)
    ) or session.scalar(
        select(Message)
        .where(Message.ticket_id == ticket_id, Message.message_id_header.is_not(None))
        .order_by(Message.created_at.desc(), Message.seq.desc())
        .limit(1)
    )
    if anchor is None or not anchor.message_id_header:
        return None, []
    refs = [r for r in anchor.references if r != anchor.message_id_header]
    refs = [*refs, anchor.message_id_header][-MAX_REFERENCES:]
    for ref in refs:
        refuse_line_breaks("References", ref)
    return anchor.message_id_header, refs


# --- queueing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mail:
    kind: OutboundKind
    mailbox: Mailbox
    to_addrs: list[str]
    cc_addrs: list[str]
    bcc_addrs: list[str]
    subject: str
    from_name: str
    body_text: str
    body_html: str | None
    mail_html: str
    attachments: tuple[dict[str, Any], ...]
    once_key: str | None = None
    draft_html: str = ""


def _queue(
    ctx: Context, ticket: Ticket, mail: _Mail, message_uuid: uuid.UUID, outbound_id: uuid.UUID
) -> QueuedMail:
    refuse_line_breaks(QT_TRANSLATE_NOOP("CommandError", "the subject"), mail.subject)
    refuse_line_breaks(QT_TRANSLATE_NOOP("CommandError", "the sender's name"), mail.from_name)
    if not mail.to_addrs:
        raise CommandError(
            QT_TRANSLATE_NOOP("CommandError", "{ticket} has no customer address: give a recipient"),
            ticket=ticket.label,
        )
    total = 0
    for a in mail.attachments:
        refuse_line_breaks(
            QT_TRANSLATE_NOOP("CommandError", "an attachment's file name"), str(a["filename"])
        )
        refuse_line_breaks(
            QT_TRANSLATE_NOOP("CommandError", "an attachment's content type"),
            str(a["content_type"]),
        )
        total += int(a["size"])
    if total > mail.mailbox.max_attachment_bytes:
        raise CommandError(
            QT_TRANSLATE_NOOP(
                "CommandError", "attachments total {total} bytes; mailbox {mailbox} allows {limit}"
            ),
            total=f"{total:,}",
            mailbox=mail.mailbox.name,
            limit=f"{mail.mailbox.max_attachment_bytes:,}",
        )
    assert mail.mailbox.from_addr is not None
    domain = mail.mailbox.from_addr.rsplit("@", 1)[1]
    msgid = own_message_id(ticket.number, domain, outbound_id)
    in_reply_to, references = _thread_headers(ctx.session, ticket.id)
    msg_id = new_message(
        ctx,
        ticket.id,
        MessageKind.OUTBOUND_MAIL,
        id=message_uuid,
        from_addr=mail.mailbox.from_addr,
        to_addrs=mail.to_addrs,
        cc_addrs=mail.cc_addrs,
        subject=mail.subject,
        body_text=mail.body_text,
        body_html=mail.body_html,
        message_id_header=msgid,
        in_reply_to=in_reply_to,
        references=references,
    )
    ctx.session.flush()
    for a in mail.attachments:
        _add_new(ctx.session, Attachment, attachment_values(msg_id, a, ctx.hlc))
    ctx.session.add(
        OutboundMail(
            id=outbound_id,
            message_uuid=msg_id,
            ticket_id=ticket.id,
            mailbox_id=mail.mailbox.id,
            kind=mail.kind,
            message_id_header=msgid,
            once_key=mail.once_key,
            bcc_addrs=mail.bcc_addrs,
            from_name=mail.from_name,
            mail_html=mail.mail_html,
            draft_html=mail.draft_html,
            state=OutboundState.QUEUED,
            next_attempt_at=ctx.now,
            created_at=ctx.now,
            hlc=ctx.hlc,
        )
    )
    ctx.touch(ticket)
    return QueuedMail(msg_id, outbound_id, msgid)


def _existing(ctx: Context, message_uuid: uuid.UUID) -> QueuedMail | None:
    row = ctx.session.scalar(select(OutboundMail).where(OutboundMail.message_uuid == message_uuid))
    return QueuedMail(row.message_uuid, row.id, row.message_id_header) if row else None


@command("queue_reply")
@dataclass(frozen=True, kw_only=True)
class QueueReply(Command):
    """A public reply to the customer. The caller renders the HTML (templates, signature,
    layout) and the text; the command checks, threads and queues it."""

    ticket_id: uuid.UUID
    body_html: str  # sanitized, for the thread view
    body_text: str  # generated from the HTML
    mail_html: str  # the whole HTML document to send (layout around reply + signature)
    subject: str  # the ticket token is added when missing
    to_addrs: tuple[str, ...] = ()  # empty: the customer
    cc_addrs: tuple[str, ...] = ()
    bcc_addrs: tuple[str, ...] = ()
    mailbox_id: uuid.UUID | None = None
    # Each: {"blob": sha, "filename", "content_type", "size", "content_id", "inline"}
    attachments: tuple[dict[str, Any], ...] = ()
    status: Status | None = None
    # The collision check: what the writer had seen. Both None: no check (scripts).
    seen_message_uuid: uuid.UUID | None = None
    draft_opened_at: datetime | None = None
    replaces: uuid.UUID | None = None  # a failed send this edited reply stands in for
    draft_html: str = ""  # as the agent wrote it (kept for "Edit" after a failure)
    message_uuid: uuid.UUID = field(default_factory=uuid.uuid4)
    outbound_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def apply(self, ctx: Context) -> QueuedMail:
        if (done := _existing(ctx, self.message_uuid)) is not None:
            return done  # replayed
        ticket = ctx.ticket(self.ticket_id)
        if not self.body_text.strip() and not self.attachments:
            raise CommandError(QT_TRANSLATE_NOOP("CommandError", "a reply needs a text"))
        new = new_messages_since(
            ctx.session,
            ticket.id,
            self.seen_message_uuid,
            self.draft_opened_at,
            ctx.actor.agent_id,
        )
        if new:
            raise ReplyHeld(new)
        mailbox = sending_mailbox(ctx.session, ticket, self.mailbox_id)
        to = [
            checked_address(QT_TRANSLATE_NOOP("CommandError", "To"), a) for a in self.to_addrs
        ] or _customer_address(ctx, ticket)
        agent = ctx.session.get(Agent, ctx.actor.agent_id) if ctx.actor.agent_id else None
        mail = _Mail(
            kind=OutboundKind.REPLY,
            mailbox=mailbox,
            to_addrs=to,
            cc_addrs=[
                checked_address(QT_TRANSLATE_NOOP("CommandError", "Cc"), a) for a in self.cc_addrs
            ],
            bcc_addrs=[
                checked_address(QT_TRANSLATE_NOOP("CommandError", "Bcc"), a) for a in self.bcc_addrs
            ],
            subject=with_token(_no_breaks("the subject", self.subject), ticket),
            from_name=agent.name if agent else mailbox.name,
            body_text=self.body_text,
            body_html=self.body_html,
            mail_html=self.mail_html,
            attachments=self.attachments,
            draft_html=self.draft_html,
        )
        queued = _queue(ctx, ticket, mail, self.message_uuid, self.outbound_id)
        if ticket.first_response_at is None:
            ctx.change(ticket, "first_response_at", ctx.now)
        if self.status is not None:
            _set_status(ctx, ticket, self.status)
        if self.replaces is not None:
            _cancel(ctx, self.replaces)
        return queued


def _no_breaks(what: str, value: str) -> str:
    refuse_line_breaks(what, value)
    return value


def _customer_address(ctx: Context, ticket: Ticket) -> list[str]:
    last = last_customer_message(ctx.session, ticket.id)
    if last is not None and last.from_addr:
        try:
            return [checked_address(QT_TRANSLATE_NOOP("CommandError", "To"), last.from_addr)]
        except HeaderInjection:
            raise
        except CommandError:
            pass  # a broken From: of the last mail; fall back to the contact
    if ticket.contact is not None and ticket.contact.primary_address:
        return [ticket.contact.primary_address]
    return []


@command("queue_ack")
@dataclass(frozen=True, kw_only=True)
class QueueAck(Command):
    """The automatic acknowledgement of a new ticket: once per ticket, by a unique key."""

    ticket_id: uuid.UUID
    mailbox_id: uuid.UUID
    to_addr: str
    subject: str
    body_html: str
    body_text: str
    mail_html: str
    message_uuid: uuid.UUID = field(default_factory=uuid.uuid4)
    outbound_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def apply(self, ctx: Context) -> QueuedMail | None:
        key = f"ack:{self.ticket_id}"
        if ctx.session.scalar(select(OutboundMail.id).where(OutboundMail.once_key == key)):
            return None  # acknowledged already (by us or another engine)
        ticket = ctx.ticket(self.ticket_id)
        mailbox = ctx.session.get(Mailbox, self.mailbox_id)
        if mailbox is None:
            raise CommandError(
                QT_TRANSLATE_NOOP("CommandError", "mailbox {mailbox} does not exist"),
                mailbox=self.mailbox_id,
            )
        mail = _Mail(
            kind=OutboundKind.ACK,
            mailbox=_can_send(mailbox),
            to_addrs=[checked_address(QT_TRANSLATE_NOOP("CommandError", "To"), self.to_addr)],
            cc_addrs=[],
            bcc_addrs=[],
            subject=with_token(_no_breaks("the subject", self.subject), ticket),
            from_name=mailbox.name,
            body_text=self.body_text,
            body_html=self.body_html,
            mail_html=self.mail_html,
            attachments=(),
            once_key=key,
        )
        # Not a response: first_response_at stays for a person's answer.
        return _queue(ctx, ticket, mail, self.message_uuid, self.outbound_id)


def outbound_for_ticket(session: Session, ticket_id: uuid.UUID) -> dict[uuid.UUID, OutboundMail]:
    """The send state of each outbound message of a ticket (the thread shows it, with
    Retry and Edit on failed ones), by message id."""
    rows = session.scalars(select(OutboundMail).where(OutboundMail.ticket_id == ticket_id))
    return {row.message_uuid: row for row in rows}


def _outbound(ctx: Context, outbound_id: uuid.UUID) -> OutboundMail:
    row = ctx.session.get(OutboundMail, outbound_id, populate_existing=True)
    if row is None:
        raise CommandError(
            QT_TRANSLATE_NOOP("CommandError", "no outgoing mail {mail}"), mail=outbound_id
        )
    return row


def _cancel(ctx: Context, outbound_id: uuid.UUID) -> None:
    row = _outbound(ctx, outbound_id)
    if row.state is OutboundState.SENDING:
        raise CommandError(
            QT_TRANSLATE_NOOP(
                "CommandError", "that mail is being sent right now; it can no longer be changed"
            )
        )
    if row.state is OutboundState.SENT:
        raise CommandError(QT_TRANSLATE_NOOP("CommandError", "that mail was sent already"))
    row.state, row.hlc = OutboundState.CANCELLED, ctx.hlc
    row.reason = stored(
        Reason(QT_TRANSLATE_NOOP("Reason", "cancelled by {actor}"), {"actor": ctx.actor.name})
    )


@command("retry_send")
@dataclass(frozen=True, kw_only=True)
class RetrySend(Command):
    """Send a failed (or waiting) mail again now."""

    outbound_id: uuid.UUID

    def apply(self, ctx: Context) -> uuid.UUID:
        row = _outbound(ctx, self.outbound_id)
        if row.state in (OutboundState.SENT, OutboundState.CANCELLED, OutboundState.SENDING):
            raise CommandError(
                QT_TRANSLATE_NOOP(
                    "CommandError", "that mail is {state}; only failed or queued mail"
                ),
                state=Phrase(_STATE_WORDS[row.state]),
            )
        row.state, row.next_attempt_at, row.hlc = OutboundState.QUEUED, ctx.now, ctx.hlc
        # The agent decided: an interrupted send is no longer looked up in Sent.
        row.interrupted = False
        row.reason = None
        return row.id


@command("cancel_send")
@dataclass(frozen=True, kw_only=True)
class CancelSend(Command):
    """Discard a failed or queued mail (the message stays in the thread, marked)."""

    outbound_id: uuid.UUID

    def apply(self, ctx: Context) -> uuid.UUID:
        _cancel(ctx, self.outbound_id)
        return self.outbound_id


# --- templates ---------------------------------------------------------------------------

_NAME = re.compile(r"^[\w.-]{1,120}$")
_LANGUAGE = re.compile(r"^[a-z]{2}(?:-[a-z]{2})?$")


@command("save_template")
@dataclass(frozen=True, kw_only=True)
class SaveTemplate(Command):
    """Add a template or replace the variant with this name, language and mailbox."""

    template_name: str
    language: str
    body_html: str
    subject: str | None = None
    kind: TemplateKind = TemplateKind.TEXT
    mailbox_id: uuid.UUID | None = None
    template_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def apply(self, ctx: Context) -> uuid.UUID:
        if not _NAME.match(self.template_name):
            raise CommandError(
                QT_TRANSLATE_NOOP(
                    "CommandError", "not a template name: {name} (letters, digits, '.', '-', '_')"
                ),
                name=repr(self.template_name),
            )
        language = self.language.strip().lower()
        if not _LANGUAGE.match(language):
            raise CommandError(
                QT_TRANSLATE_NOOP(
                    "CommandError", "not a language code: {language} (like de or en)"
                ),
                language=repr(self.language),
            )
        refuse_line_breaks(QT_TRANSLATE_NOOP("CommandError", "a template subject"), self.subject)
        if not self.body_html.strip():
            raise CommandError(QT_TRANSLATE_NOOP("CommandError", "a template needs a text"))
        used = placeholders_in(self.subject, self.body_html)
        unknown = [p for p in used if p not in KNOWN_PLACEHOLDERS]
        if unknown:
            raise CommandError(
                QT_TRANSLATE_NOOP(
                    "CommandError", "unknown placeholder(s): {unknown} (known: {known})"
                ),
                unknown=", ".join("{{" + p + "}}" for p in unknown),
                known=", ".join(sorted(KNOWN_PLACEHOLDERS)),
            )
        if self.kind is TemplateKind.ACK and "ticket.number" not in used and not self.subject:
            raise CommandError(
                QT_TRANSLATE_NOOP(
                    "CommandError", "an acknowledgement needs a subject or {placeholder}"
                ),
                placeholder="{{ticket.number}}",
            )
        if self.mailbox_id is not None and ctx.session.get(Mailbox, self.mailbox_id) is None:
            raise CommandError(
                QT_TRANSLATE_NOOP("CommandError", "mailbox {mailbox} does not exist"),
                mailbox=self.mailbox_id,
            )
        row = ctx.session.scalar(
            select(Template).where(
                Template.name == self.template_name,
                Template.language == language,
                Template.mailbox_id.is_(None)
                if self.mailbox_id is None
                else Template.mailbox_id == self.mailbox_id,
            )
        )
        if row is None:
            row = Template(id=self.template_id, name=self.template_name, language=language)
            row.mailbox_id = self.mailbox_id
            ctx.session.add(row)
        row.kind, row.subject, row.body_html = self.kind, self.subject, self.body_html
        row.placeholders, row.updated_at, row.hlc = used, ctx.now, ctx.hlc
        ctx.session.flush()
        return row.id


@command("remove_template")
@dataclass(frozen=True, kw_only=True)
class RemoveTemplate(Command):
    template_name: str
    language: str | None = None  # None: every language

    def apply(self, ctx: Context) -> int:
        query = delete(Template).where(Template.name == self.template_name)
        if self.language is not None:
            query = query.where(Template.language == self.language.strip().lower())
        gone = int(getattr(ctx.session.execute(query), "rowcount", 0) or 0)
        if not gone:
            which = f" ({self.language})" if self.language else ""
            raise CommandError(
                QT_TRANSLATE_NOOP("CommandError", "no template {name}{which}"),
                name=repr(self.template_name),
                which=which,
            )
        return gone


# --- notifications ----------------------------------------------------------------------

# @login, not inside a mail address (anna@example.de) and not an e-mail itself.
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._-]*)")


def mentioned_logins(text: str) -> set[str]:
    return {m.group(1).rstrip(".-_").lower() for m in MENTION.finditer(text)}


def record_notifications(session: Session, hlc: str, msg: Message, actor: str) -> int:
    """Notify agents mentioned in a note and the ticket's watchers (never the author).

    Idempotent per (agent, message): the engine's rescan and a replay add nothing twice.
    """
    wanted: dict[uuid.UUID, NotificationReason] = {}
    watchers = session.scalars(select(Watcher.agent_id).where(Watcher.ticket_id == msg.ticket_id))
    for agent_id in watchers:
        wanted[agent_id] = NotificationReason.WATCHING
    if msg.kind is MessageKind.NOTE:
        logins = mentioned_logins(msg.body_text)
        if logins:
            agents = session.scalars(
                select(Agent.id).where(func.lower(Agent.login).in_(logins), Agent.active)
            )
            for agent_id in agents:
                wanted[agent_id] = NotificationReason.MENTION
    wanted.pop(msg.author_agent_id, None)  # type: ignore[arg-type]
    if not wanted:
        return 0
    have = set(
        session.scalars(select(Notification.agent_id).where(Notification.message_uuid == msg.id))
    )
    excerpt = " ".join(msg.body_text.split())[:300]
    added = 0
    for agent_id, reason in wanted.items():
        if agent_id in have:
            continue
        try:
            with session.begin_nested():  # another engine may have just added it
                session.add(
                    Notification(
                        agent_id=agent_id,
                        ticket_id=msg.ticket_id,
                        message_uuid=msg.id,
                        reason=reason,
                        actor=actor,
                        excerpt=excerpt,
                        created_at=msg.created_at,
                        hlc=hlc,
                    )
                )
            added += 1
        except IntegrityError:
            continue
    return added


def unread_notifications(
    session: Session, agent_id: uuid.UUID, limit: int = 100
) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification)
            .where(Notification.agent_id == agent_id, Notification.read_at.is_(None))
            .order_by(Notification.created_at.desc())
            .limit(limit)
        )
    )


@command("mark_notifications_read")
@dataclass(frozen=True, kw_only=True)
class MarkNotificationsRead(Command):
    agent_id: uuid.UUID
    notification_ids: tuple[uuid.UUID, ...] = ()  # empty: all of the agent's

    def apply(self, ctx: Context) -> int:
        query = select(Notification).where(
            Notification.agent_id == self.agent_id, Notification.read_at.is_(None)
        )
        if self.notification_ids:
            query = query.where(Notification.id.in_(self.notification_ids))
        rows = list(ctx.session.scalars(query))
        for row in rows:
            row.read_at, row.hlc = ctx.now, ctx.hlc
        return len(rows)
