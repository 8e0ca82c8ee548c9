"""Which ticket a mail belongs to, and why.

Order (DESIGN.md "Mail"): the Message-IDs it answers (In-Reply-To, then References,
newest first) against every Message-ID we received or sent; then a ticket token such as
`[#10234]` in the subject behind any reply prefix; otherwise a new ticket.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

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


# SQLite allows 32766 bound parameters per statement (999 before 3.32): stay far below.
CHUNK = 500


def _normalize(msgid: str) -> str:
    msgid = msgid.strip()
    return msgid if msgid.startswith("<") else f"<{msgid}>"


@dataclass
class Known:
    """What threading looks up, read for a whole batch of mails with one query each.

    The Message-IDs the batch's mails answer and the ticket numbers they name, with the
    ticket each belongs to (None: none); the tickets themselves are loaded too, so
    running the mails' commands finds them without a query each. `learn` adds what the
    batch itself creates: a later mail of the batch threads onto an earlier one.
    """

    msgids: dict[str, uuid.UUID | None] = field(default_factory=dict)
    numbers: dict[int, uuid.UUID | None] = field(default_factory=dict)
    tickets: list[Ticket] = field(default_factory=list)  # strong refs: the identity map is weak

    @classmethod
    def load(cls, session: Session, msgids: Iterable[str], subjects: Iterable[str | None]) -> Known:
        known = cls()
        wanted = {_normalize(m) for m in msgids if m}
        known._msgids(session, wanted)
        numbers = {int(own.group(1)) for m in wanted if (own := OWN_ID.match(m))}
        numbers |= {int(t.group(1)) for s in subjects for t in TOKEN.finditer(s or "")}
        known._numbers(session, numbers)
        ids = {t for t in (*known.msgids.values(), *known.numbers.values()) if t is not None}
        for chunk in _chunks(sorted(ids)):
            known.tickets += session.scalars(select(Ticket).where(Ticket.id.in_(chunk)))
        return known

    def _msgids(self, session: Session, wanted: Iterable[str]) -> None:
        missing = [m for m in wanted if m not in self.msgids]
        self.msgids.update(dict.fromkeys(missing))
        for chunk in _chunks(missing):
            rows = session.execute(
                select(Message.message_id_header, Message.ticket_id).where(
                    Message.message_id_header.in_(chunk)
                )
            )
            self.msgids.update({msgid: ticket for msgid, ticket in rows if msgid is not None})

    def _numbers(self, session: Session, wanted: Iterable[int]) -> None:
        # Only numbers a 64-bit column can hold: anything longer is no ticket of ours.
        missing = [n for n in wanted if n not in self.numbers and n < 1 << 63]
        self.numbers.update(dict.fromkeys(missing))
        for chunk in _chunks(missing):
            rows = session.execute(select(Ticket.number, Ticket.id).where(Ticket.number.in_(chunk)))
            self.numbers.update({number: ticket for number, ticket in rows if number is not None})

    def learn(self, msgid: str | None, ticket_id: uuid.UUID, number: int | None) -> None:
        """A message the batch stored: later mails of the batch find it."""
        if msgid is not None:
            self.msgids[msgid] = ticket_id
        if number is not None:
            self.numbers[number] = ticket_id


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    return (items[i : i + CHUNK] for i in range(0, len(items), CHUNK))


def by_headers(
    session: Session,
    in_reply_to: str | None,
    references: Sequence[str],
    known: Known | None = None,
) -> Match | None:
    wanted: list[tuple[str, str]] = []
    if in_reply_to:
        wanted.append((_normalize(in_reply_to), "In-Reply-To"))
    wanted += [(_normalize(r), "References") for r in reversed(references)]
    if not wanted:
        return None
    found = _tickets_by_msgid(session, [w[0] for w in wanted], known)
    for msgid, header in wanted:
        if (ticket := found.get(msgid)) is not None:
            return Match(ticket, f"{header} {msgid}")
    for msgid, header in wanted:
        own = OWN_ID.match(msgid)
        if own and (ticket := _by_number(session, int(own.group(1)), known)) is not None:
            return Match(ticket, f"{header} {msgid} (our Message-ID)")
    return None


def _tickets_by_msgid(
    session: Session, ids: list[str], known: Known | None
) -> dict[str, uuid.UUID | None]:
    if known is None:
        known = Known()
    known._msgids(session, ids)  # only those the batch's load did not read already
    return {m: known.msgids[m] for m in ids}


def _by_number(session: Session, number: int, known: Known | None = None) -> uuid.UUID | None:
    if known is None:
        known = Known()
    known._numbers(session, [number])  # only if the batch's load did not read it already
    return known.numbers.get(number)


def by_subject(session: Session, subject: str | None, known: Known | None = None) -> Match | None:
    for token in TOKEN.finditer(subject or ""):
        ticket = _by_number(session, int(token.group(1)), known)
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
