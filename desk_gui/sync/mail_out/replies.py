"""The API the reply editor and the CLI use: render, check, and queue a reply or a note.

`queue_reply` runs on the writer (the facade's `Desk.write(queue_reply, draft, actor)`):
it stores the attachments as blobs, renders placeholders, signature and the
department's layout, generates the text from the HTML and runs the QueueReply command,
all in one transaction. A reply whose ticket got new messages since the draft was
opened comes back as `Held` with what is new; nothing is stored then.
"""

from __future__ import annotations

import mimetypes
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desk_gui.models import blob
from desk_gui.models.commands import SYSTEM, Actor, AddNote, run_in
from desk_gui.models.message import Message
from desk_gui.models.outbound import OutboundMail
from desk_gui.models.party import Agent, Group
from desk_gui.models.reply_commands import (
    NewMessage,
    QueuedMail,
    QueueReply,
    ReplyHeld,
    new_messages_since,
    record_notifications,
    sending_mailbox,
)
from desk_gui.models.store import Store
from desk_gui.models.ticket import Status, Ticket

from .. import presence
from ..mime import html_to_text, sanitize_html, strip_reply_prefixes
from . import templates
from .compose import store_raw


@dataclass(frozen=True)
class OutgoingFile:
    """A file to attach: from disk (`path`) or from memory (`data`, e.g. a pasted image).

    With a `content_id` it is an inline image the HTML shows as `cid:<content_id>`.
    """

    path: Path | None = None
    data: bytes | None = None
    filename: str | None = None
    content_type: str | None = None
    content_id: str | None = None


@dataclass(frozen=True)
class ReplyDraft:
    ticket_id: uuid.UUID
    body_html: str  # what the agent wrote (placeholders are filled in when queued)
    to: tuple[str, ...] = ()  # empty: the customer
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    subject: str | None = None  # None: "Re: <ticket subject> [#N]"
    attachments: tuple[OutgoingFile, ...] = ()
    status: Status | None = None  # e.g. waiting_customer after answering
    mailbox_id: uuid.UUID | None = None
    # The collision check: the newest message the agent saw and when the draft opened.
    seen_message_uuid: uuid.UUID | None = None
    draft_opened_at: datetime | None = None
    send_anyway: bool = False  # the agent saw what is new and sends regardless
    replaces: uuid.UUID | None = None  # the failed outbox row this edited reply replaces
    sla_due: datetime | None = None  # for {{ticket.sla_due}}
    # The reply lease the agent wrote under (presence.claim_reply): a send whose epoch
    # is no longer the lease's is refused. None: no lease asked (the CLI, scripts).
    lease_holder: str | None = None
    lease_epoch: int | None = None


@dataclass(frozen=True)
class Queued:
    message_uuid: uuid.UUID
    outbound_id: uuid.UUID
    message_id: str


@dataclass(frozen=True)
class Held:
    """Not queued: these messages arrived after the draft was opened."""

    new: tuple[NewMessage, ...]


def text_to_html(text: str) -> str:
    """Plain text as HTML paragraphs, so the text made back from it keeps its lines."""
    import html as htmllib

    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "\n".join(
        "<p>" + "<br>".join(htmllib.escape(line) for line in p.strip("\n").split("\n")) + "</p>"
        for p in paragraphs
    )


def store_files(session: Session, files: tuple[OutgoingFile, ...]) -> list[dict[str, Any]]:
    """Attachments into the blob store (streamed from disk); the command's descriptors."""
    stored = []
    for f in files:
        name = f.filename or (f.path.name if f.path else "attachment")
        ctype = f.content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        if f.path is not None:
            with f.path.open("rb") as stream:
                sha, size = blob.put_stream(session, stream)
        elif f.data is not None:
            sha, size = blob.put_bytes(session, f.data), len(f.data)
        else:
            raise ValueError("an attachment needs a path or data")
        stored.append(
            {
                "blob": sha,
                "filename": name,
                "content_type": ctype,
                "size": size,
                "content_id": f.content_id,
                "inline": f.content_id is not None,
            }
        )
    return stored


@dataclass(frozen=True)
class Prepared:
    subject: str
    body_html: str  # sanitized, for the thread view
    body_text: str
    mail_html: str  # the document sent


def prepare(
    session: Session, draft: ReplyDraft, agent_id: uuid.UUID | None, language: str | None = None
) -> Prepared:
    """Placeholders, signature and layout: exactly the HTML that will be sent."""
    ticket = session.get(Ticket, draft.ticket_id)
    if ticket is None:
        raise LookupError(f"ticket {draft.ticket_id} does not exist")
    agent = session.get(Agent, agent_id) if agent_id else None
    mailbox = sending_mailbox(session, ticket, draft.mailbox_id)
    lang = language or (ticket.contact.language if ticket.contact else "de")
    values = templates.values_for(session, ticket, agent, mailbox, lang, draft.sla_due)
    # The agent's HTML: scripts and handlers go, remote images stay (it is their mail).
    content = sanitize_html(templates.render(draft.body_html, values, html=True), True)
    content = templates.with_signature(content, agent.signature_html if agent else None, values)
    group = session.get(Group, ticket.group_id) if ticket.group_id else None
    mail_html = templates.in_layout(group.layout_html if group else None, content, values)
    subject = draft.subject if draft.subject is not None else default_subject(ticket)
    return Prepared(
        subject=templates.render(subject, values, html=False),
        body_html=sanitize_html(content),
        body_text=html_to_text(content),
        mail_html=mail_html,
    )


def default_subject(ticket: Ticket) -> str:
    return f"Re: {strip_reply_prefixes(ticket.subject)}"


def queue_reply(store: Store, draft: ReplyDraft, actor: Actor = SYSTEM) -> Queued | Held:
    """Queue a public reply (one transaction), or hold it when the ticket moved on."""
    clock = store.clock
    try:
        with store.write() as session:
            if draft.lease_holder is not None and draft.lease_epoch is not None:
                presence.check_reply(
                    session, draft.ticket_id, draft.lease_holder, draft.lease_epoch
                )
            else:
                presence.check_free(session, draft.ticket_id, actor.agent_id)
            prepared = prepare(session, draft, actor.agent_id)
            cmd = QueueReply(
                ticket_id=draft.ticket_id,
                body_html=prepared.body_html,
                body_text=prepared.body_text,
                mail_html=prepared.mail_html,
                subject=prepared.subject,
                to_addrs=draft.to,
                cc_addrs=draft.cc,
                bcc_addrs=draft.bcc,
                mailbox_id=draft.mailbox_id,
                attachments=tuple(store_files(session, draft.attachments)),
                status=draft.status,
                seen_message_uuid=None if draft.send_anyway else draft.seen_message_uuid,
                draft_opened_at=None if draft.send_anyway else draft.draft_opened_at,
                replaces=draft.replaces,
                draft_html=draft.body_html,
            )
            hlc = clock.now()
            queued: QueuedMail = run_in(session, hlc, cmd, actor)
            _precompose(session, queued.outbound_id)
            _notify(session, hlc, queued.message_uuid, actor)
            if draft.lease_holder is not None:  # answered: the next reply is anyone's
                presence.release_reply(session, draft.ticket_id, draft.lease_holder)
    except ReplyHeld as held:
        return Held(held.new)
    return Queued(queued.message_uuid, queued.outbound_id, queued.message_id_header)


def edit_draft(store: Store, outbound_id: uuid.UUID) -> ReplyDraft:
    """A failed (or waiting) mail as a draft again: "Edit" in the ticket. Sending it
    with `queue_reply` cancels the old one (`replaces`)."""
    with store.read() as session:
        row = session.get(OutboundMail, outbound_id)
        msg = session.get(Message, row.message_uuid) if row else None
        if row is None or msg is None:
            raise LookupError(f"no outgoing mail {outbound_id}")
        files = tuple(
            OutgoingFile(
                data=blob.read_bytes(session, a.blob_sha256),
                filename=a.filename,
                content_type=a.content_type,
                content_id=a.content_id,
            )
            for a in msg.attachments
        )
        return ReplyDraft(
            ticket_id=row.ticket_id,
            body_html=row.draft_html or msg.body_html or "",
            to=tuple(msg.to_addrs),
            cc=tuple(msg.cc_addrs),
            bcc=tuple(row.bcc_addrs),
            subject=msg.subject,
            attachments=files,
            mailbox_id=row.mailbox_id,
            seen_message_uuid=row.message_uuid,
            replaces=row.id,
        )


def check_collision(
    store: Store,
    ticket_id: uuid.UUID,
    seen_message_uuid: uuid.UUID | None,
    draft_opened_at: datetime | None,
    agent_id: uuid.UUID | None,
) -> tuple[NewMessage, ...]:
    """What arrived since the draft was opened (the editor may ask before sending)."""
    with store.read() as session:
        return new_messages_since(session, ticket_id, seen_message_uuid, draft_opened_at, agent_id)


def post_note(
    store: Store, ticket_id: uuid.UUID, body_html: str, actor: Actor = SYSTEM
) -> uuid.UUID:
    """An internal note (AddNote); mentioned agents and watchers are notified at once."""
    clock = store.clock
    with store.write() as session:
        body_text = html_to_text(body_html)
        hlc = clock.now()
        cmd = AddNote(ticket_id=ticket_id, body=body_text, body_html=sanitize_html(body_html))
        message_uuid: uuid.UUID = run_in(session, hlc, cmd, actor)
        _notify(session, hlc, message_uuid, actor)
    return message_uuid


def _precompose(session: Session, outbound_id: uuid.UUID) -> None:
    row = session.get(OutboundMail, outbound_id)
    assert row is not None
    store_raw(session, row)


def _notify(session: Session, hlc: str, message_uuid: uuid.UUID, actor: Actor) -> None:
    msg = session.get(Message, message_uuid)
    if msg is not None:
        record_notifications(session, hlc, msg, actor.name)
