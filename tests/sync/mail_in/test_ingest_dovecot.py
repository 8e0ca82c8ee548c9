"""Mail in against a real Dovecot: tickets, threads, spam, broken mail, exactly once."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import func, select

from desk_gui.models import InboundMail, InboundState, Message, Ticket
from desk_gui.models.mailbox import MailboxState
from desk_gui.models.store import Store
from desk_gui.sync.mail_in.engine import MailEngine

from .conftest import ImapAccount, MemorySecrets, add_mailbox


def mail(
    subject: str, body: str, sender: str = "Erika Muster <erika@kunde.example>", **headers: str
) -> tuple[bytes, str]:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@example.test"
    msg["Subject"] = subject
    msgid = make_msgid(domain="kunde.example")
    msg["Message-ID"] = msgid
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes(), msgid


def tickets(store: Store) -> list[Ticket]:
    with store.read() as s:
        return list(s.scalars(select(Ticket).order_by(Ticket.number)))


def test_new_mail_reply_and_token_thread(
    sqlite_store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    add_mailbox(sqlite_store, imap_account, secrets)
    first, first_id = mail("Drucker im 2. OG druckt nicht", "Seit heute früh kein Ausdruck.")
    imap_account.append(first)
    engine = MailEngine(sqlite_store, secrets)
    [report] = engine.run_once()
    assert report.ok and len(report.outcomes) == 1
    [ticket] = tickets(sqlite_store)
    assert ticket.subject == "Drucker im 2. OG druckt nicht"

    reply, _ = mail("AW: Drucker im 2. OG druckt nicht", "Noch eine Info", In_Reply_To=first_id)
    token, _ = mail(f"WG: Re: neue Frage [#{ticket.number}]", "References fehlen hier")
    imap_account.append(reply, token)
    [report] = engine.run_once()
    assert report.ok, report.error
    assert [o.state for o in report.outcomes] == [InboundState.TICKETED] * 2
    assert len(tickets(sqlite_store)) == 1
    with sqlite_store.read() as s:
        reasons = s.scalars(
            select(Message.match_reason).where(Message.ticket_id == ticket.id).order_by(Message.seq)
        ).all()
    assert reasons[1].startswith("In-Reply-To")
    assert reasons[2].startswith("subject token")


def test_spam_broken_and_rerun_is_exactly_once(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    mailbox_id = add_mailbox(store, imap_account, secrets)
    ok, _ = mail("Passwort zurücksetzen", "Bitte Passwort zurücksetzen")
    spam, _ = mail("You won", "Click here", X_Spam_Flag="YES")
    garbage = b"\x00\xff\xfe not a mail at all \r\n\r\n\x81\x82"
    imap_account.append(ok, spam, garbage)
    engine = MailEngine(store, secrets)
    [report] = engine.run_once()
    assert report.ok, report.error
    states = sorted(o.state.value for o in report.outcomes if o.state)
    assert states == ["parse_error", "spam", "ticketed"]
    assert len(tickets(store)) == 2  # the spam is filed apart; the broken mail is kept

    # A second engine run (as after a crash) ingests nothing twice.
    with store.write() as s:
        s.get(MailboxState, mailbox_id).last_uid = 0  # type: ignore[union-attr]
    [again] = MailEngine(store, secrets).run_once()
    assert again.ok and all(o.state is None for o in again.outcomes)
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(InboundMail)) == 3
        assert s.scalar(select(func.count()).select_from(Ticket)) == 2
        flagged = s.scalar(select(Message).where(Message.parse_error.is_not(None)))
        assert flagged is not None and flagged.raw_sha256 is not None
