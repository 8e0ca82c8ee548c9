"""The batch path (rows held back, written set-wise) against the per-mail command path.

One batch holds mails that thread onto tickets made earlier in the same batch (by
In-Reply-To, by References, by a typed ticket token), a reply that reopens a closed
ticket stored before, new contacts (one of them writing twice), an intake rule, a loop
mail, spam and a repeated mail. Stored once as one batch and once mail by mail with the
plain command (no batch memo), both stores must hold the same tickets, threads, tags,
contacts and history.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text

from desk_gui.models import Message, Ticket
from desk_gui.models.blob import put_many
from desk_gui.models.commands import TICKET_NUMBER_START, CloseTicket, run_in
from desk_gui.models.history import HistoryEntry
from desk_gui.models.inbound import InboundMail, InboundState, IntakeRule
from desk_gui.models.mailbox import Mailbox
from desk_gui.models.message import Attachment
from desk_gui.models.outbox import OutboxCommand
from desk_gui.models.party import Contact, Organization
from desk_gui.models.store import Store
from desk_gui.models.ticket import Outcome, Status, Tag, TicketTag
from desk_gui.sync.mail_in import receive, worker
from desk_gui.sync.mail_in.ingest import (
    ALREADY,
    MAIL_ACTOR,
    SEEN_BEFORE,
    Fetched,
    _planned_for_their_values,
    ingest_batch,
)
from desk_gui.sync.mime import try_parse

FIRST = TICKET_NUMBER_START + 1  # the number of the batch's first new ticket
TIME = re.compile(r"\d{4}-\d\d-\d\dT[\d:.+]+")


def mail(
    n: int,
    sender: str,
    subject: str,
    *,
    reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
    attachment: bytes | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Kunde {n} <{sender}>"
    msg["To"] = "support@desk.example"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<m{n}@kunde.example>"
    if reply_to:
        msg["In-Reply-To"] = reply_to
    if references:
        msg["References"] = references
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(f"Text der Mail {n}.\n")
    if attachment is not None:
        msg.add_attachment(attachment, maintype="application", subtype="pdf", filename="a.pdf")
    return msg.as_bytes()


BEFORE = mail(0, "alt@bestand.example", "Alter Fall")
BATCH = [
    mail(1, "neu@neu.example", "Drucker defekt", attachment=b"%PDF-1 " * 300),
    mail(2, "neu@neu.example", "Re: Drucker defekt", reply_to="<m1@kunde.example>"),
    mail(3, "kollege@neu.example", f"WG: [#{FIRST}] Drucker"),
    mail(4, "alt@bestand.example", "AW: Alter Fall", reply_to="<m0@kunde.example>"),
    mail(5, "robot@irgendwo.example", "Abwesend", headers={"Auto-Submitted": "auto-replied"}),
    mail(6, "buchhaltung@firma.example", "Rechnung falsch"),
    mail(7, "spam@spam.example", "Gewinn!", headers={"X-Spam-Flag": "YES"}),
    mail(
        8,
        "robot@firma.example",
        "Automatische Antwort: Rechnung falsch",
        references="<m6@kunde.example>",
        headers={"Auto-Submitted": "auto-replied"},
    ),
    mail(9, "neu@neu.example", "Noch eine Frage", attachment=b"%PDF-1 " * 300),
    # Looks like one of our Message-IDs, with a number no ticket column can hold.
    mail(10, "neu@neu.example", "Re: alt", references="<desk.123456789012345678901.x@desk>"),
]


def setup(store: Store) -> uuid.UUID:
    """A mailbox, an organization by domain, an intake rule, and a closed ticket."""
    with store.write() as session:
        mailbox = Mailbox(name="support", imap_host="127.0.0.1")
        session.add(mailbox)
        session.add(Organization(name="Neu GmbH", domain="neu.example"))
        session.add(
            IntakeRule(
                name="rechnungen",
                conditions={"keyword": "rechnung"},
                actions={"priority": "high", "tags": ["rechnung"]},
            )
        )
        session.flush()
        mailbox_id = mailbox.id
    per_mail(store, mailbox_id, [BEFORE])
    hlc = store.clock.now()
    with store.write() as session:
        ticket_id = session.scalar(select(Ticket.id))
        assert ticket_id is not None
        run_in(
            session,
            hlc,
            CloseTicket(ticket_id=ticket_id, outcome=Outcome.FULFILLED),
            MAIL_ACTOR,
        )
    return mailbox_id


def per_mail(store: Store, mailbox_id: uuid.UUID, raws: list[bytes]) -> None:
    """Each mail in its own transaction through the plain command: no batch memo."""
    for raw in raws:
        parsed = try_parse(raw)
        sha = hashlib.sha256(raw).hexdigest()
        hlc = store.clock.now()  # the first use writes the node id: never inside a transaction
        with store.write() as session:
            mailbox = session.get(Mailbox, mailbox_id)
            assert mailbox is not None
            put_many(session, {sha: raw})
            cmd, _state, _detail = receive.command_for(session, mailbox, parsed, sha)
            if cmd is not None:
                run_in(session, hlc, cmd, MAIL_ACTOR)


def as_batch(store: Store, mailbox_id: uuid.UUID, raws: list[bytes], uid: int = 1) -> list[Any]:
    items = [(Fetched(u, raw), try_parse(raw)) for u, raw in enumerate(raws, start=uid)]
    store.clock.now()
    with store.write() as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        return ingest_batch(session, store.clock.now, mailbox, 1, items)


def _untimed(value: str | None) -> str:
    return TIME.sub("<time>", value or "")


def snapshot(store: Store) -> dict[str, Any]:
    """Everything the two paths must agree on (ids and times aside)."""
    with store.read() as s:
        number = {i: n for i, n in s.execute(select(Ticket.id, Ticket.number))}
        addresses = {c.id: c.primary_address for c in s.scalars(select(Contact))}
        orgs = {i: n for i, n in s.execute(select(Organization.id, Organization.name))}
        tags: dict[Any, list[str]] = {}
        for ticket_id, name in s.execute(
            select(TicketTag.ticket_id, Tag.name).join(Tag, Tag.id == TicketTag.tag_id)
        ):
            tags.setdefault(number[ticket_id], []).append(name)
        return {
            "tickets": [
                (
                    t.number,
                    t.subject,
                    t.status,
                    t.priority,
                    addresses.get(t.contact_id),
                    orgs.get(t.organization_id),
                    t.closed_at is None,
                )
                for t in s.scalars(select(Ticket).order_by(Ticket.number))
            ],
            "messages": [
                (
                    number[m.ticket_id],
                    m.subject,
                    m.from_addr,
                    m.match_reason,
                    m.message_id_header,
                    m.in_reply_to,
                    m.body_text,
                    len(m.attachments),
                )
                for m in s.scalars(select(Message).order_by(Message.seq))
            ],
            "tags": {k: sorted(v) for k, v in tags.items()},
            "contacts": sorted(
                (c.name, orgs.get(c.organization_id), c.primary_address)
                for c in s.scalars(select(Contact))
            ),
            "history": sorted(
                (number[h.ticket_id], h.command, h.field, _untimed(h.old), _untimed(h.new))
                for h in s.scalars(select(HistoryEntry))
            ),
            "outbox": sorted(s.scalars(select(OutboxCommand.name))),
            "attachments": sorted(s.scalars(select(Attachment.blob_sha256))),
        }


def test_batch_threads_onto_its_own_new_tickets_like_mail_by_mail(
    store: Store, tmp_path: Path
) -> None:
    mailbox_id = setup(store)
    outcomes = as_batch(store, mailbox_id, [*BATCH, BATCH[0]])  # the last: UID 11, seen before
    by_uid = {o.uid: o for o in outcomes}
    assert by_uid[11].reason == SEEN_BEFORE and by_uid[11].ticket_id == by_uid[1].ticket_id
    assert by_uid[10].reason == "new ticket" and by_uid[10].state is InboundState.TICKETED
    assert by_uid[7].state is InboundState.SPAM and by_uid[7].ticket_id is None
    assert by_uid[2].ticket_id == by_uid[3].ticket_id == by_uid[1].ticket_id
    assert by_uid[2].reason == "In-Reply-To <m1@kunde.example>"
    assert by_uid[3].reason == f"subject token [#{FIRST}]"
    assert by_uid[8].ticket_id == by_uid[6].ticket_id
    assert by_uid[8].reason == "References <m6@kunde.example>"
    got = snapshot(store)

    with store.read() as s:
        old = s.scalar(select(Ticket).where(Ticket.number == TICKET_NUMBER_START))
        assert old is not None and old.status is Status.OPEN  # the reply reopened it
        assert by_uid[4].ticket_id == old.id
        ledger = s.scalars(select(InboundMail).order_by(InboundMail.uid)).all()
        assert [r.uid for r in ledger] == list(range(1, 12))
        assert s.scalar(select(Ticket.status).where(Ticket.id == by_uid[1].ticket_id)) is Status.NEW
    assert got["tags"] == {FIRST + 1: ["auto-reply"], FIRST + 2: ["auto-reply", "rechnung"]}
    assert ("Kunde 1", "Neu GmbH", "neu@neu.example") in got["contacts"]
    assert len([c for c in got["contacts"] if c[2] == "neu@neu.example"]) == 1
    assert len(got["attachments"]) == 2  # the same bytes twice: one blob, two attachments
    assert len(set(got["attachments"])) == 1

    other = Store(f"sqlite:///{tmp_path / 'per-mail.sqlite3'}")
    other.migrate()
    try:
        per_mail(other, setup(other), BATCH)  # spam: no command, nothing stored
        assert snapshot(other) == got
    finally:
        other.dispose()


@contextmanager
def selects(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def questions_and_replies(first: int, count: int) -> list[bytes]:
    asks = [mail(first + i, f"k{first + i}@x.example", f"Frage {i}") for i in range(count)]
    replies = [
        mail(first + count + i, f"k{first + i}@x.example", f"Re: Frage {i}",
             reply_to=f"<m{first + i}@kunde.example>")
        for i in range(count)
    ]  # fmt: skip
    return asks + replies


def test_a_batch_reads_per_batch_not_per_mail(store: Store) -> None:
    """Replies to mails earlier in the same batch, from senders earlier in the batch,
    are threaded from what the batch holds: the SELECTs do not grow with the mails."""
    mailbox_id = setup(store)
    with selects(store) as small:
        few = as_batch(store, mailbox_id, questions_and_replies(100, 3))
    with selects(store) as large:
        many = as_batch(store, mailbox_id, questions_and_replies(200, 30), uid=100)
    for outcomes, n in ((few, 3), (many, 30)):
        assert [o.ticket_id for o in outcomes[n:]] == [o.ticket_id for o in outcomes[:n]]
        assert len({o.ticket_id for o in outcomes}) == n
    assert len(large) == len(small), large


def test_a_retried_batch_skips_only_its_own_stored_uids(store: Store) -> None:
    """The batch's stored UIDs are read as its UID range: UIDs in the range that are
    not in the batch (expunged, or fetched by an earlier batch) do not count."""
    mailbox_id = setup(store)
    first = as_batch(store, mailbox_id, [mail(20, "a@neu.example", "Eins")], uid=5)
    as_batch(store, mailbox_id, [mail(21, "b@neu.example", "Zwei")], uid=7)
    items = [(5, mail(20, "a@neu.example", "Eins")), (9, mail(22, "c@neu.example", "Drei"))]
    with store.write() as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        again = ingest_batch(
            session,
            store.clock.now,
            mailbox,
            1,
            [(Fetched(uid, raw), try_parse(raw)) for uid, raw in items],
        )
    assert (again[0].uid, again[0].reason) == (5, ALREADY)
    assert again[1].uid == 9 and again[1].reason != ALREADY
    assert again[1].ticket_id not in {first[0].ticket_id, None}
    with store.read() as session:
        uids = session.scalars(select(InboundMail.uid).where(InboundMail.uid >= 5))
        assert sorted(uids) == [5, 7, 9]


@pytest.mark.postgres
def test_batch_lookups_are_planned_for_their_values(pg_url: str) -> None:
    """PostgreSQL: the lookups of a batch get plans for their values (a plan made once
    for any values scanned the whole ledger per batch), its inserts keep the prepared
    plans."""
    store = Store(pg_url)
    with store.write() as session:
        with _planned_for_their_values(session):
            inside = session.scalar(text("SHOW plan_cache_mode"))
        after = session.scalar(text("SHOW plan_cache_mode"))
    store.dispose()
    assert (inside, after) == ("force_custom_plan", "auto")


class _Sizes:
    """Answers FETCH RFC822.SIZE and SEARCH UID a:b LARGER n like IMAPClient, from a
    table; remembers which UIDs it was asked the size of."""

    def __init__(self, sizes: dict[int, int]) -> None:
        self.sizes = sizes
        self.asked: list[int] = []

    def fetch(self, uids: list[int], _items: list[str]) -> dict[int, dict[bytes, int]]:
        self.asked += uids
        return {u: {b"RFC822.SIZE": self.sizes[u]} for u in uids}

    def search(self, criteria: list[str]) -> list[int]:
        assert criteria[0] == "UID" and criteria[2] == "LARGER"
        first, last = map(int, criteria[1].split(":"))
        return [u for u, n in self.sizes.items() if first <= u <= last and n > int(criteria[3])]


def test_fetch_batches_cut_by_bytes_and_around_big_mails(monkeypatch: Any) -> None:
    monkeypatch.setattr(worker, "BATCH_BYTES", 100)
    monkeypatch.setattr(worker, "BIG_MAIL", 1000)
    sizes = {1: 40, 2: 40, 3: 40, 4: 5000, 5: 100, 6: 1, 7: 120}
    parts = list(worker._split_big(_Sizes(sizes), list(sizes)))  # type: ignore[arg-type]
    # In UID order; a small batch never exceeds the cap unless one mail alone does.
    assert parts == [([1, 2], None), ([3], 4), ([5], None), ([6], None), ([7], None)]


def test_only_mails_larger_than_a_batch_share_are_asked_their_size(monkeypatch: Any) -> None:
    monkeypatch.setattr(worker, "BATCH", 4)
    monkeypatch.setattr(worker, "BATCH_BYTES", 400)  # a share of 100 bytes a mail
    monkeypatch.setattr(worker, "BIG_MAIL", 1000)
    sizes = {1: 90, 2: 100, 3: 350, 4: 20, 5: 5000, 6: 100}
    client = _Sizes(sizes)
    parts = list(worker._split_big(client, list(sizes)))  # type: ignore[arg-type]
    assert client.asked == [3, 5]
    # A small mail counts as its share (100): 4 (20 bytes) no longer fits beside 3.
    assert parts == [([1, 2], None), ([3], None), ([4], 5), ([6], None)]
