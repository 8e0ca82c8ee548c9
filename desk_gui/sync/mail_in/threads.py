"""Which ticket a mail belongs to, and why.

Order (DESIGN.md "Mail"): the Message-IDs it answers (In-Reply-To, then References,
newest first) against every Message-ID we received or sent; then a ticket token such as
`[#10234]` in the subject behind any reply prefix; otherwise a new ticket.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models.message import Message
from desk_gui.models.ticket import Ticket

# Our own Message-IDs carry the ticket number, so a reply threads even when the
# customer's client dropped References and our copy of the original is gone.
OWN_ID = re.compile(r"^<?desk\.(\d+)\.[0-9a-f-]+@", re.IGNORECASE)
TOKEN = re.compile(r"\[#\s*(\d{1,12})\]")


@dataclass(frozen=True)
class Match:
    ticket_id: uuid.UUID | None
    reason: str


def _normalize(msgid: str) -> str:
    msgid = msgid.strip()
    return msgid if msgid.startswith("<") else f"<{msgid}>"


def by_headers(
    session: Session, in_reply_to: str | None, references: Sequence[str]
) -> Match | None:
    wanted: list[tuple[str, str]] = []
    if in_reply_to:
        wanted.append((_normalize(in_reply_to), "In-Reply-To"))
    wanted += [(_normalize(r), "References") for r in reversed(references)]
    if not wanted:
        return None
    ids = [w[0] for w in wanted]
    rows = session.execute(
        select(Message.message_id_header, Message.ticket_id).where(
            Message.message_id_header.in_(ids)
        )
    )
    found = {msgid: ticket for msgid, ticket in rows}
    for msgid, header in wanted:
        if msgid in found and found[msgid] is not None:
            return Match(found[msgid], f"{header} {msgid}")
    for msgid, header in wanted:
        own = OWN_ID.match(msgid)
        if own and (ticket := _by_number(session, int(own.group(1)))) is not None:
            return Match(ticket, f"{header} {msgid} (our Message-ID)")
    return None


def _by_number(session: Session, number: int) -> uuid.UUID | None:
    return session.scalar(select(Ticket.id).where(Ticket.number == number))


def by_subject(session: Session, subject: str | None) -> Match | None:
    for token in TOKEN.finditer(subject or ""):
        ticket = _by_number(session, int(token.group(1)))
        if ticket is not None:
            return Match(ticket, f"subject token [#{token.group(1)}]")
    return None


def match(
    session: Session, in_reply_to: str | None, references: Sequence[str], subject: str | None
) -> Match:
    return (
        by_headers(session, in_reply_to, references)
        or by_subject(session, subject)
        or Match(None, "new ticket")
    )


def own_message_id(ticket_number: int | None, domain: str) -> str:
    """A Message-ID for a mail we send, embedding the ticket so replies find it."""
    return f"<desk.{ticket_number or 0}.{uuid.uuid4()}@{domain}>"
