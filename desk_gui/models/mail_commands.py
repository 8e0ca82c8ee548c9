"""The command that turns one fetched, parsed mail into a ticket or a thread entry.

The mail engine stores the raw bytes and attachments as blobs, works out the thread,
and then runs this command in the same transaction as the exactly-once ledger row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from .commands import (
    AddTag,
    Command,
    CommandError,
    Context,
    CreateTicket,
    _add_new,
    _is_fresh,
    command,
    contact_for,
    new_message,
    reopen_on_customer_message,
)
from .message import Attachment, Message, MessageKind, attachment_values
from .party import Agent
from .ticket import Channel, Priority


@command("receive_mail")
@dataclass(frozen=True, kw_only=True)
class ReceiveMail(Command):
    ticket_id: uuid.UUID | None  # None: open a new ticket
    subject: str
    from_addr: str | None
    from_name: str | None = None
    to_addrs: tuple[str, ...] = ()
    cc_addrs: tuple[str, ...] = ()
    body_text: str = ""
    body_html: str | None = None
    message_id_header: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    raw_sha256: str | None = None
    parse_error: str | None = None
    match_reason: str = "new ticket"
    group_id: uuid.UUID | None = None
    priority: Priority | None = None
    tags: tuple[str, ...] = ()
    # Each: {"blob": sha, "filename", "content_type", "size", "content_id", "inline"}
    attachments: tuple[dict[str, Any], ...] = ()
    new_ticket_id: uuid.UUID = field(default_factory=uuid.uuid4)
    message_uuid: uuid.UUID = field(default_factory=uuid.uuid4)

    def apply(self, ctx: Context) -> tuple[uuid.UUID, uuid.UUID]:
        fresh = _is_fresh(ctx.session, self.message_uuid)  # minted by the engine just now
        if not fresh and (existing := ctx.session.get(Message, self.message_uuid)) is not None:
            return existing.ticket_id, existing.id
        sender = _valid_or_none(self.from_addr)
        message = {
            "subject": self.subject,
            "from_addr": sender or self.from_addr,
            "to_addrs": list(self.to_addrs),
            "cc_addrs": list(self.cc_addrs),
            "body_text": self.body_text,
            "body_html": self.body_html,
            "message_id_header": self.message_id_header,
            "in_reply_to": self.in_reply_to,
            "references": list(self.references),
            "raw_sha256": self.raw_sha256,
            "parse_error": self.parse_error,
            "match_reason": self.match_reason,
        }
        if self.ticket_id is None:
            ticket_id, message_id = CreateTicket(
                subject=self.subject.strip() or "(no subject)",
                body=self.body_text,
                body_html=self.body_html,
                from_addr=sender,
                from_name=self.from_name,
                channel=Channel.MAIL,
                priority=self.priority or Priority.NORMAL,
                group_id=self.group_id,
                message_id_header=self.message_id_header,
                ticket_id=self.new_ticket_id,
                message_uuid=self.message_uuid,
            ).create(ctx, message)
            assert message_id is not None  # a replayed ticket has its message: returned above
        else:
            ticket = ctx.ticket(self.ticket_id)
            ticket_id = ticket.id
            if sender:
                contact_for(ctx, sender, self.from_name)  # known: found; unknown: made
            message_id = new_message(
                ctx, ticket_id, MessageKind.INBOUND_MAIL, id=self.message_uuid, **message
            )
            reopen_on_customer_message(ctx, ticket)
            ctx.touch(ticket)
        for a in self.attachments:
            _add_new(ctx.session, Attachment, attachment_values(message_id, a, ctx.hlc))
        for tag in self.tags:
            AddTag(ticket_id=ticket_id, tag=tag).apply(ctx)
        return ticket_id, message_id


def _valid_or_none(address: str | None) -> str | None:
    from .commands import normalize_address

    if not address:
        return None
    try:
        return normalize_address(address)
    except CommandError:
        return None  # a broken From: still gets its mail stored, just without a contact


def agent_by_address(ctx_session: Any, address: str) -> Agent | None:
    found: Agent | None = ctx_session.scalar(select(Agent).where(Agent.email == address))
    return found
