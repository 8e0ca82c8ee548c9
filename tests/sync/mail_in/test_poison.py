"""Mails beyond the store's limits are stored anyway and never hold back the next ones.

PostgreSQL enforces column lengths that SQLite ignores: a 3,000-character subject, a
display name longer than a contact name may be, a Message-ID that makes the stored match
reason too long, a 330-character address. Each used to fail its whole batch, then
itself, then every later run of the mailbox.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk_gui.models import InboundMail, InboundState, Message, Ticket, blob
from desk_gui.models.commands import Actor, Command
from desk_gui.models.store import Store
from desk_gui.sync.mail_in import ingest
from desk_gui.sync.mail_in.engine import MailEngine

from .conftest import ImapAccount, MemorySecrets, add_mailbox


def _mail(subject: str, msgid: str, sender: str = "Kunde <k@kunde.de>", extra: str = "") -> bytes:
    return (
        f"From: {sender}\r\nTo: support@desk.example\r\nSubject: {subject}\r\n"
        f"Message-ID: {msgid}\r\n{extra}\r\nText.\r\n"
    ).encode()


def test_oversized_fields_neither_fail_nor_block(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    long_id = f"<{'x' * 300}@kunde.de>"
    attachment = (
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain\r\n\r\nSiehe Anhang\r\n"
        f"--b\r\nContent-Type: application/{'y' * 300}\r\nContent-ID: <{'z' * 600}>\r\n"
        "Content-Disposition: attachment\r\n\r\ndata\r\n--b--\r\n"
    )
    raws = [
        _mail("Betreff " * 400, "<a@kunde.de>"),
        _mail("Name", "<b@kunde.de>", sender=f'"{"Müller " * 80}" <m@kunde.de>'),
        _mail("Lange ID", long_id),
        _mail("AW: Lange ID", "<c@kunde.de>", extra=f"In-Reply-To: {long_id}\r\n"),
        _mail("Adresse", "<d@kunde.de>", sender=f"{'a' * 330}@kunde.de"),
        _mail("Anhang", "<e@kunde.de>").replace(
            b"\r\n\r\nText.\r\n", b"\r\n" + attachment.encode()
        ),
        _mail("Ganz normal", "<f@kunde.de>"),
    ]
    imap_account.append(*raws)
    add_mailbox(store, imap_account, secrets)
    [report] = MailEngine(store, secrets).run_once()
    assert report.ok, report.error
    assert len(report.outcomes) == len(raws)
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(InboundMail)) == len(raws)
        states = set(s.scalars(select(InboundMail.state)))
        assert states == {InboundState.TICKETED}  # parsed and stored, not just kept raw
        assert s.scalar(select(func.count()).select_from(Message)) == len(raws)
        assert s.scalar(select(func.count()).select_from(Ticket)) == len(raws) - 1
        reply = s.scalar(select(Message).where(Message.subject == "AW: Lange ID"))
        first = s.scalar(select(Message).where(Message.subject == "Lange ID"))
        assert reply is not None and first is not None and reply.ticket_id == first.ticket_id
        subject = s.scalar(select(Ticket.subject).where(Ticket.subject.like("Betreff%")))
        assert subject is not None and subject.startswith("Betreff Betreff")


def test_a_mail_the_store_refuses_is_kept_raw_and_the_rest_goes_in(
    store: Store,
    imap_account: ImapAccount,
    secrets: MemorySecrets,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever makes storing one mail fail (here: every command for it is refused), the
    mails around it are ticketed, its bytes and ledger row are kept, and it is not
    fetched again."""
    real_run_in = ingest.run_in

    def refusing(session: Session, hlc: str, cmd: Command, actor: Actor) -> object:
        if "Gift" in str(getattr(cmd, "subject", "")):
            raise ValueError("refused by the store")
        return real_run_in(session, hlc, cmd, actor)

    monkeypatch.setattr(ingest, "run_in", refusing)
    raws = [_mail(f"Mail {n}", f"<p{n}@kunde.de>") for n in range(5)]
    raws.insert(2, _mail("Gift", "<gift@kunde.de>"))
    imap_account.append(*raws)
    add_mailbox(store, imap_account, secrets)
    [report] = MailEngine(store, secrets).run_once()
    assert report.ok, report.error
    with store.read() as s:
        rows = s.execute(select(InboundMail.uid, InboundMail.state, InboundMail.detail)).all()
        kept = s.scalar(select(InboundMail).where(InboundMail.uid == 3))
        assert kept is not None and blob.read_bytes(s, kept.raw_sha256) == raws[2]
        assert s.scalar(select(func.count()).select_from(Ticket)) == 5
    states = {uid: (state, detail) for uid, state, detail in rows}
    assert len(states) == 6
    assert states[3][0] is InboundState.PARSE_ERROR
    assert states[3][1].startswith("not stored as parsed: ValueError: refused by the store")
    assert all(states[u][0] is InboundState.TICKETED for u in (1, 2, 4, 5, 6))
    [again] = MailEngine(store, secrets).run_once()
    assert again.ok and again.outcomes == ()
