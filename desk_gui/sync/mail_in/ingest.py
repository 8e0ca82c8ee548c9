"""One fetched mail into the store, in one transaction: exactly once, never lost.

The ledger row keyed by (mailbox, UIDVALIDITY, UID), the raw bytes, the parsed message
and the fetch cursor commit together: a crash before the commit re-fetches the mail,
a crash after it finds the ledger row and skips.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desk_gui.models import blob
from desk_gui.models.commands import Actor, run_in
from desk_gui.models.inbound import InboundMail, InboundState
from desk_gui.models.mail_commands import ReceiveMail
from desk_gui.models.mailbox import Mailbox, MailboxState

from . import threads

MAIL_ACTOR = Actor("mail")


@dataclass(frozen=True)
class Fetched:
    uid: int
    raw: bytes


@dataclass(frozen=True)
class Outcome:
    uid: int
    state: InboundState | None  # None: already ingested before (a retried fetch)
    ticket_id: uuid.UUID | None
    reason: str


def _already(session: Session, mailbox_id: uuid.UUID, uidvalidity: int, uid: int) -> bool:
    return (
        session.scalar(
            select(InboundMail.id).where(
                InboundMail.mailbox_id == mailbox_id,
                InboundMail.uidvalidity == uidvalidity,
                InboundMail.uid == uid,
            )
        )
        is not None
    )


def _seen_raw(session: Session, mailbox_id: uuid.UUID, sha: str) -> InboundMail | None:
    # The same bytes under a new UIDVALIDITY: the server renumbered, the mail is old.
    return session.scalar(
        select(InboundMail)
        .where(InboundMail.mailbox_id == mailbox_id, InboundMail.raw_sha256 == sha)
        .limit(1)
    )


def ingest(
    session: Session,
    hlc: str,
    mailbox: Mailbox,
    uidvalidity: int,
    fetched: Fetched,
    parsed: Any,
) -> Outcome:
    """Store one mail; `parsed` is the parser's result for fetched.raw (or a failure)."""
    if _already(session, mailbox.id, uidvalidity, fetched.uid):
        return Outcome(fetched.uid, None, None, "already ingested")
    sha = hashlib.sha256(fetched.raw).hexdigest()
    ledger = InboundMail(
        mailbox_id=mailbox.id,
        uidvalidity=uidvalidity,
        uid=fetched.uid,
        raw_sha256=sha,
        size=len(fetched.raw),
        hlc=hlc,
    )
    earlier = _seen_raw(session, mailbox.id, sha)
    blob.put_stream(session, io.BytesIO(fetched.raw))
    if earlier is not None:
        ledger.state, ledger.ticket_id = earlier.state, earlier.ticket_id
        ledger.message_uuid, ledger.detail = earlier.message_uuid, "same mail seen before"
        session.add(ledger)
        return Outcome(fetched.uid, None, earlier.ticket_id, "same mail seen before")
    from . import receive

    cmd, state, detail = receive.command_for(session, mailbox, parsed, sha)
    if cmd is None:
        ledger.state, ledger.detail = state, detail
        session.add(ledger)
        return Outcome(fetched.uid, state, None, detail or state.value)
    ticket_id, message_uuid = run_in(session, hlc, cmd, MAIL_ACTOR)
    ledger.state, ledger.detail = state, detail
    ledger.ticket_id, ledger.message_uuid = ticket_id, message_uuid
    session.add(ledger)
    return Outcome(fetched.uid, state, ticket_id, cmd.match_reason)


def advance_cursor(session: Session, mailbox_id: uuid.UUID, uidvalidity: int, uid: int) -> None:
    state = session.get(MailboxState, mailbox_id)
    if state is None:
        state = MailboxState(mailbox_id=mailbox_id, last_uid=0, ingested=0)
        session.add(state)
    state.uidvalidity = uidvalidity
    state.last_uid = max(state.last_uid or 0, uid)
    state.ingested = (state.ingested or 0) + 1


__all__ = [
    "Fetched",
    "IntegrityError",
    "Outcome",
    "ReceiveMail",
    "advance_cursor",
    "ingest",
    "threads",
]
