"""Fetched mails into the store, a batch per transaction: exactly once, never lost.

The ledger rows keyed by (mailbox, UIDVALIDITY, UID), the raw bytes, the parsed messages
and the fetch cursor commit together: a crash before the commit re-fetches the batch,
a crash after it finds the ledger rows and skips them.
"""

from __future__ import annotations

import gc
import hashlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from desk_gui.models import blob, bulk
from desk_gui.models.base import utcnow
from desk_gui.models.commands import (
    BATCH_KEY,
    TICKET_NUMBER_START,
    Actor,
    BatchMemo,
    run_in,
)
from desk_gui.models.inbound import InboundMail, InboundState
from desk_gui.models.mailbox import Mailbox, MailboxState

from ..mime.model import ParsedMessage, ParseFailure
from . import receive

MAIL_ACTOR = Actor("mail")
SEEN_BEFORE = "same mail seen before"
ALREADY = "already ingested"


@dataclass(frozen=True)
class Fetched:
    """One fetched mail: its bytes, or for a big mail the file it was streamed to."""

    uid: int
    raw: bytes
    path: Path | None = None  # set for big mails; `raw` is then empty

    @property
    def size(self) -> int:
        return self.path.stat().st_size if self.path is not None else len(self.raw)

    def sha256(self) -> str:
        if self.path is None:
            return hashlib.sha256(self.raw).hexdigest()
        digest = hashlib.sha256()
        with self.path.open("rb") as f:
            while chunk := f.read(blob.CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def open(self) -> BinaryIO:
        import io

        return self.path.open("rb") if self.path is not None else io.BytesIO(self.raw)


@dataclass(frozen=True)
class KeptRaw:
    """In place of a parser result: a mail that could not be stored even as a flagged
    raw ticket. Its bytes and a ledger row are kept, so it is never fetched again and
    never holds back the mails after it."""

    reason: str


@dataclass(frozen=True)
class Outcome:
    uid: int
    state: InboundState | None  # None: already ingested before (a retried fetch)
    ticket_id: uuid.UUID | None
    reason: str


@dataclass
class _Seen:
    state: InboundState
    ticket_id: uuid.UUID | None
    message_uuid: uuid.UUID | None


class _Batch:
    """Lookups done once per batch instead of once per mail."""

    def __init__(
        self,
        session: Session,
        mailbox: Mailbox,
        uidvalidity: int,
        items: Sequence[Fetched],
        parsed: Sequence[Any],
    ) -> None:
        self.session = session
        self.mailbox = mailbox
        self.uidvalidity = uidvalidity
        uids = {f.uid for f in items}
        # The batch's UID range, not its list: one index range whatever the plan (see
        # `_planned_for_their_values`); UIDs above the cursor are rarely stored yet.
        stored = session.scalars(
            select(InboundMail.uid).where(
                InboundMail.mailbox_id == mailbox.id,
                InboundMail.uidvalidity == uidvalidity,
                InboundMail.uid.between(min(uids, default=0), max(uids, default=0)),
            )
        )
        self.done = {uid for uid in stored if uid in uids}
        self.shas = {f.uid: f.sha256() for f in items if f.uid not in self.done}
        # The same bytes under a new UIDVALIDITY: the server renumbered, the mail is old.
        self.seen: dict[str, _Seen] = {}
        rows = session.execute(
            select(
                InboundMail.raw_sha256,
                InboundMail.state,
                InboundMail.ticket_id,
                InboundMail.message_uuid,
            ).where(
                InboundMail.mailbox_id == mailbox.id,
                InboundMail.raw_sha256.in_(set(self.shas.values())),
            )
        )
        for sha, state, ticket_id, message_uuid in rows:
            self.seen.setdefault(sha, _Seen(state, ticket_id, message_uuid))
        mails = [p for p in parsed if isinstance(p, ParsedMessage | ParseFailure)]
        self.lookups = receive.Lookups.load(session, mails)
        self.ledger: list[dict[str, Any]] = []
        self.memo = BatchMemo()
        if self.shas:  # each new mail takes at most one ticket number and one message seq
            self.memo.reserve(session, "ticket_number", len(self.shas), TICKET_NUMBER_START)
            self.memo.reserve(session, "message_seq", len(self.shas))

    def store_raws(self, items: Sequence[Fetched]) -> None:
        """Raw mails as blobs: small ones with two multi-row inserts, big ones streamed."""
        blob.put_many(
            self.session,
            {self.shas[f.uid]: f.raw for f in items if f.uid in self.shas and not f.path},
        )
        for f in items:
            if f.path is not None and f.uid in self.shas:
                with f.open() as stream:
                    blob.put_stream(self.session, stream)

    def one(self, hlc: str, fetched: Fetched, parsed: Any) -> Outcome:
        if fetched.uid in self.done:
            return Outcome(fetched.uid, None, None, ALREADY)
        sha = self.shas[fetched.uid]
        row: dict[str, Any] = {
            "id": uuid.uuid4(),
            "mailbox_id": self.mailbox.id,
            "uidvalidity": self.uidvalidity,
            "uid": fetched.uid,
            "raw_sha256": sha,
            "size": fetched.size,
            "hlc": hlc,
            "received_at": utcnow(),
            "ticket_id": None,
            "message_uuid": None,
        }
        self.ledger.append(row)
        self.done.add(fetched.uid)
        if (earlier := self.seen.get(sha)) is not None:
            row.update(
                state=earlier.state,
                ticket_id=earlier.ticket_id,
                message_uuid=earlier.message_uuid,
                detail=SEEN_BEFORE,
            )
            return Outcome(fetched.uid, None, earlier.ticket_id, SEEN_BEFORE)
        if isinstance(parsed, KeptRaw):
            row.update(state=InboundState.PARSE_ERROR, detail=parsed.reason)
            return Outcome(fetched.uid, InboundState.PARSE_ERROR, None, parsed.reason)
        cmd, state, detail = receive.command_for(
            self.session, self.mailbox, parsed, sha, lookups=self.lookups
        )
        row.update(state=state, detail=detail)
        if cmd is None:
            self.seen[sha] = _Seen(state, None, None)
            return Outcome(fetched.uid, state, None, detail or state.value)
        # command_for leaves both ids to their uuid4 defaults: no row can have them yet.
        self.memo.fresh.update((cmd.new_ticket_id, cmd.message_uuid))
        ticket_id, message_uuid = run_in(self.session, hlc, cmd, MAIL_ACTOR)
        if self.lookups.known is not None:  # later mails of the batch thread onto this one
            held = self.memo.tickets.get(ticket_id)
            number = held.get("number") if held is not None else None
            self.lookups.known.learn(cmd.message_id_header, ticket_id, number)
        row.update(ticket_id=ticket_id, message_uuid=message_uuid)
        self.seen[sha] = _Seen(state, ticket_id, message_uuid)
        return Outcome(fetched.uid, state, ticket_id, cmd.match_reason)

    def write_blobs(self) -> None:
        """The attachments' blobs: before the attachment rows that name them."""
        if self.lookups.blobs:
            blob.put_many(self.session, self.lookups.blobs)

    def write_ledger(self) -> None:
        """After the tickets and messages: the ledger rows name them."""
        if self.ledger:
            # The table, not the entity: the ORM's bulk insert leaves out None values and
            # splits the rows into one executemany per run of equal keys (hundreds).
            bulk.insert_rows(self.session, bulk.table_of(InboundMail), self.ledger)


@contextmanager
def _planned_for_their_values(session: Session) -> Iterator[None]:
    """PostgreSQL plans the statements inside for their values, each time.

    A batch's lookups take hundreds of values (UIDs, hashes, message ids, addresses).
    psycopg prepares a statement run five times, and PostgreSQL may then plan it once
    for any values: with the statistics of a ledger that was empty when the import
    began, it looked up the mailbox's rows by mailbox alone and compared each with every
    hash (5 ms per batch became 55-150 ms at 10,000 mails, growing with the mailbox).
    Only around the lookups: the batch's inserts are prepared statements run thousands
    of times, and planning each again cost more than it saves."""
    pg = session.get_bind().dialect.name == "postgresql"
    if pg:
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    yield
    if pg:
        session.execute(text("SET LOCAL plan_cache_mode = DEFAULT"))


def ingest_batch(
    session: Session,
    hlc: Callable[[], str],
    mailbox: Mailbox,
    uidvalidity: int,
    items: Sequence[tuple[Fetched, Any]],
) -> list[Outcome]:
    """Store mails with their parser results, in the caller's transaction, in UID order.

    The caller advances the cursor in the same transaction (`advance_cursor`).
    """
    with _planned_for_their_values(session):
        batch = _Batch(session, mailbox, uidvalidity, [f for f, _ in items], [p for _, p in items])
    session.info[BATCH_KEY] = batch.memo
    # The batch's rows are tens of thousands of small objects alive until its end: the
    # cyclic collector would walk them again and again (12% of the engine's CPU at 500
    # mails a batch). Their few cycles (ORM back references) are collected afterwards.
    collecting = gc.isenabled()
    gc.disable()
    try:
        senders = (getattr(parsed, "from_addr", None) for _, parsed in items)
        batch.memo.prefetch_contacts(session, [a for a in senders if isinstance(a, str)])
        batch.store_raws([f for f, _ in items])
        outcomes = [batch.one(hlc(), fetched, parsed) for fetched, parsed in items]
        batch.write_blobs()
        batch.memo.finish(session)
        batch.write_ledger()
    finally:
        del session.info[BATCH_KEY]
        if collecting:
            gc.enable()
    return outcomes


def ingest(
    session: Session,
    hlc: str,
    mailbox: Mailbox,
    uidvalidity: int,
    fetched: Fetched,
    parsed: Any,
) -> Outcome:
    """Store one mail; `parsed` is the parser's result for fetched.raw (or a failure)."""
    [outcome] = ingest_batch(session, lambda: hlc, mailbox, uidvalidity, [(fetched, parsed)])
    return outcome


def advance_cursor(
    session: Session, mailbox_id: uuid.UUID, uidvalidity: int, uid: int, count: int = 1
) -> None:
    """Move the fetch cursor past `uid`; `count` mails were ingested up to it."""
    state = session.get(MailboxState, mailbox_id)
    if state is None:
        state = MailboxState(mailbox_id=mailbox_id, last_uid=0, ingested=0)
        session.add(state)
    if state.uidvalidity != uidvalidity:
        state.last_uid = 0
    state.uidvalidity = uidvalidity
    state.last_uid = max(state.last_uid or 0, uid)
    state.ingested = (state.ingested or 0) + count


__all__ = [
    "ALREADY",
    "SEEN_BEFORE",
    "Fetched",
    "KeptRaw",
    "Outcome",
    "advance_cursor",
    "ingest",
    "ingest_batch",
]
