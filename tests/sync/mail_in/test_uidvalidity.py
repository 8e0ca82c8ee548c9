"""UIDVALIDITY changes on the server: no ticket recreated, later mail still ingested.

Two real ways it happens, both done to a real Dovecot:
- the server renumbers in place (`doveadm mailbox update --uid-validity`, as after a
  restore or a migration): the same UIDs now mean "unknown" to a UID-keyed ledger;
- the folder is deleted and recreated and part of the old mail copied back (an admin
  tidying up): new UIDs from 1, fewer mails than the old cursor had seen.
"""

from __future__ import annotations

import hashlib
import subprocess
import uuid

from sqlalchemy import select

from desk_gui.models import InboundMail, Message, Ticket
from desk_gui.models.mailbox import Mailbox, MailboxState
from desk_gui.models.store import Store
from desk_gui.sync.mail_in.engine import MailEngine
from desk_gui.sync.mail_in.ingest import SEEN_BEFORE

from .conftest import ImapAccount, MemorySecrets, add_mailbox
from .corpus_gen import Mail, generate

FOLDER = "Support"


def _setup(store: Store, account: ImapAccount, secrets: MemorySecrets, mails: list[Mail]) -> None:
    with account.client() as c:
        c.create_folder(FOLDER)
    account.append(*[m.raw for m in mails], folder=FOLDER)
    mailbox_id = add_mailbox(store, account, secrets)
    with store.write() as s:
        box = s.get(Mailbox, mailbox_id)
        assert box is not None
        box.folder = FOLDER


def _run(store: Store, secrets: MemorySecrets) -> None:
    [report] = MailEngine(store, secrets).run_once()
    assert report.ok, report.error


def _uidvalidity(account: ImapAccount) -> int:
    with account.client() as c:
        return int(c.folder_status(FOLDER, ["UIDVALIDITY"])[b"UIDVALIDITY"])


def _snapshot(store: Store) -> dict[str, uuid.UUID | None]:
    """Ticket of every raw mail stored so far."""
    with store.read() as s:
        rows = s.execute(select(InboundMail.raw_sha256, InboundMail.ticket_id)).all()
    return dict(rows)


def _tickets(store: Store) -> set[uuid.UUID]:
    with store.read() as s:
        return set(s.scalars(select(Ticket.id)))


def _reply_to(mail: Mail, seed: int) -> bytes:
    return (
        f"From: Kunde <kunde{seed}@kunde.de>\r\nTo: support@desk.example\r\n"
        f"Subject: AW: nach dem Umzug\r\nMessage-ID: <after-{seed}-{uuid.uuid4().hex}@kunde.de>\r\n"
        f"In-Reply-To: {mail.message_id}\r\n\r\nNoch eine Frage nach dem Umzug.\r\n"
    ).encode()


def _ticket_of(before: dict[str, uuid.UUID | None], mail: Mail) -> uuid.UUID | None:
    return before[hashlib.sha256(mail.raw).hexdigest()]


def _check_reset(store: Store, before: dict[str, uuid.UUID | None], uidvalidity: int) -> None:
    """Every old mail seen again under the new UIDVALIDITY maps to its old ticket."""
    with store.read() as s:
        again = s.execute(
            select(InboundMail.raw_sha256, InboundMail.ticket_id, InboundMail.detail).where(
                InboundMail.uidvalidity == uidvalidity, InboundMail.raw_sha256.in_(before)
            )
        ).all()
        state = s.scalar(select(MailboxState))
    assert again, "the old mails were not looked at again"
    for sha, ticket_id, detail in again:
        assert detail == SEEN_BEFORE
        assert ticket_id == before[sha]
    assert state is not None and state.uidvalidity == uidvalidity


def test_uidvalidity_renumbered_in_place(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    mails = generate(40, seed=11)
    _setup(store, imap_account, secrets, mails)
    _run(store, secrets)
    before, tickets = _snapshot(store), _tickets(store)
    assert len(before) == 40

    old = _uidvalidity(imap_account)
    subprocess.run(
        [
            "doveadm",
            "-c",
            str(imap_account.server.root / "dovecot.conf"),
            "mailbox",
            "update",
            "-u",
            imap_account.user,
            "--uid-validity",
            str(old + 1000),
            FOLDER,
        ],
        check=True,
        capture_output=True,
    )
    assert _uidvalidity(imap_account) == old + 1000
    new_mail = generate(3, seed=12)
    answered = next(m for m in mails if m.expect == "new")
    imap_account.append(*[m.raw for m in new_mail], _reply_to(answered, 1), folder=FOLDER)
    _run(store, secrets)

    _check_reset(store, before, old + 1000)
    after = _tickets(store)
    assert tickets <= after  # no ticket recreated or lost
    assert len(after - tickets) == sum(m.expect == "new" for m in new_mail)
    with store.read() as s:
        reply = s.scalar(select(Message).where(Message.subject == "AW: nach dem Umzug"))
        assert reply is not None and reply.ticket_id == _ticket_of(before, answered)
        assert s.scalar(select(InboundMail.uid).order_by(InboundMail.uid.desc())) == 44


def test_folder_recreated_with_part_of_the_mail(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    mails = generate(60, seed=21)
    _setup(store, imap_account, secrets, mails)
    _run(store, secrets)
    before, tickets = _snapshot(store), _tickets(store)
    old = _uidvalidity(imap_account)

    # Recreated, the 20 newest copied back (UIDs 1..20, the old cursor was at 60).
    with imap_account.client() as c:
        c.delete_folder(FOLDER)
        c.create_folder(FOLDER)
    imap_account.append(*[m.raw for m in mails[40:]], folder=FOLDER)
    assert _uidvalidity(imap_account) != old
    _run(store, secrets)
    _check_reset(store, before, _uidvalidity(imap_account))
    assert _tickets(store) == tickets

    # Mail arriving after the reset gets UIDs 21.. far below the old cursor: still in.
    later = generate(5, seed=22)
    answered = next(m for m in mails[40:] if m.expect == "new")
    imap_account.append(*[m.raw for m in later], _reply_to(answered, 2), folder=FOLDER)
    _run(store, secrets)
    after = _tickets(store)
    assert tickets <= after
    assert len(after - tickets) == sum(m.expect == "new" for m in later)
    with store.read() as s:
        subjects = set(s.scalars(select(Message.subject)))
        reply = s.scalar(select(Message).where(Message.subject == "AW: nach dem Umzug"))
    assert reply is not None and reply.ticket_id == _ticket_of(before, answered)
    assert len(_snapshot(store)) == 60 + 6  # distinct raw mails: nothing stored twice
    assert "AW: nach dem Umzug" in subjects
