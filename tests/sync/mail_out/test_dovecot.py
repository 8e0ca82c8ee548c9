"""Against the real Dovecot: replies thread back, and interrupted sends are looked up in
the Sent folder instead of going out twice."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select

from desk_gui.models import Mailbox, Message, OutboundMail, OutboundState, Ticket
from desk_gui.models.commands import CreateTicket, execute
from desk_gui.models.mailbox import Security
from desk_gui.models.outbound import MailboxOutbound
from desk_gui.models.reason import Reason
from desk_gui.models.store import Store
from desk_gui.sync.mail_in.engine import MailEngine
from desk_gui.sync.mail_out import Queued, ReplyDraft, drain_outbox, queue_reply
from desk_gui.sync.mail_out.compose import compose, outgoing_for, to_bytes
from desk_gui.sync.mail_out.sender import claim
from desk_gui.sync.mime import parse_message

from ..mail_in.conftest import ImapAccount, MemorySecrets, add_mailbox
from .conftest import Sink


def setup_mailbox(store: Store, account: ImapAccount, secrets: MemorySecrets, sink: Sink) -> None:
    mailbox_id = add_mailbox(store, account, secrets)
    with store.write() as s:
        box = s.get(Mailbox, mailbox_id)
        assert box is not None
        box.smtp_host, box.smtp_port, box.smtp_security = "127.0.0.1", sink.port, Security.NONE
        box.from_addr = account.user


def customer_mail(subject: str, body: str, **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Erika Muster <erika@kunde.example>"
    msg["To"] = "support@example.test"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="kunde.example")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


def test_customer_reply_threads_back_into_the_ticket(
    sqlite_store: Store, imap_account: ImapAccount, secrets: MemorySecrets, sink: Sink
) -> None:
    store = sqlite_store
    setup_mailbox(store, imap_account, secrets, sink)
    engine = MailEngine(store, secrets)
    imap_account.append(customer_mail("VPN geht nicht", "Seit dem Update keine Verbindung."))
    [report] = engine.run_once()
    assert report.ok, report.error
    with store.read() as s:
        [ticket] = s.scalars(select(Ticket)).all()

    queued = queue_reply(store, ReplyDraft(ticket.id, "<p>Bitte neu starten.</p>"))
    assert isinstance(queued, Queued)
    assert drain_outbox(store, secrets, acknowledge=False).sent == 1
    ours = parse_message(sink.received[0].content)
    assert ours.subject == f"Re: VPN geht nicht [#{ticket.number}]"

    # The customer answers our mail (their client keeps the thread headers) ...
    answer = customer_mail(
        f"AW: {ours.subject}",
        "Hat geholfen, danke!",
        In_Reply_To=ours.message_id or "",
        References=" ".join((*ours.references, ours.message_id or "")),
    )
    # ... and once more from a client that dropped headers and the token, quoting our
    # Message-ID only in References (our id embeds the ticket number).
    bare = customer_mail("Noch etwas", "Und der Drucker?", References=ours.message_id or "")
    imap_account.append(answer, bare)
    [report] = engine.run_once()
    assert report.ok, report.error
    with store.read() as s:
        assert s.scalar(select(Ticket.id).where(Ticket.id != ticket.id)) is None
        reasons = s.scalars(
            select(Message.match_reason)
            .where(Message.ticket_id == ticket.id, Message.kind == "inbound_mail")
            .order_by(Message.seq)
        ).all()
    assert reasons[1] == f"In-Reply-To {ours.message_id}"
    assert reasons[2] == f"References {ours.message_id}"


def _ticket_with_reply(store: Store) -> Queued:
    tid = execute(
        store,
        CreateTicket(
            subject="Rechnung falsch", body="Betrag stimmt nicht", from_addr="k@kunde.example"
        ),
    )
    queued = queue_reply(store, ReplyDraft(tid, "<p>Wir korrigieren das.</p>"))
    assert isinstance(queued, Queued)
    return queued


def _die_mid_send(store: Store, queued: Queued) -> bytes:
    """A sender claims the row and dies (its lease has run out); returns its mail."""
    with store.write() as s:
        assert claim(s, "dead-sender", ttl=timedelta(seconds=-1)) == [queued.outbound_id]
    with store.read() as s:
        row = s.get(OutboundMail, queued.outbound_id)
        assert row is not None
        box = s.get(Mailbox, row.mailbox_id)
        assert box is not None
        return to_bytes(compose(outgoing_for(s, row, box)))


def test_interrupted_send_found_in_sent_is_not_sent_again(
    sqlite_store: Store, imap_account: ImapAccount, secrets: MemorySecrets, sink: Sink
) -> None:
    setup_mailbox(sqlite_store, imap_account, secrets, sink)
    queued = _ticket_with_reply(sqlite_store)
    raw = _die_mid_send(sqlite_store, queued)
    imap_account.append(raw, folder="Sent")  # it had gone out and was filed in Sent

    report = drain_outbox(sqlite_store, secrets, acknowledge=False)
    assert report.found_in_sent == 1 and report.sent == 0
    assert sink.received == []
    with sqlite_store.read() as s:
        row = s.get(OutboundMail, queued.outbound_id)
        assert row is not None and row.state is OutboundState.SENT
        assert row.reason is not None and not row.interrupted
        assert str(Reason.decode(row.reason)) == "found in the Sent folder"


def test_interrupted_send_missing_from_sent_goes_out_once(
    sqlite_store: Store, imap_account: ImapAccount, secrets: MemorySecrets, sink: Sink
) -> None:
    setup_mailbox(sqlite_store, imap_account, secrets, sink)
    with sqlite_store.write() as s:
        [box] = s.scalars(select(Mailbox)).all()
        s.add(MailboxOutbound(mailbox_id=box.id, append_sent=True))
    queued = _ticket_with_reply(sqlite_store)
    _die_mid_send(sqlite_store, queued)

    assert drain_outbox(sqlite_store, secrets, acknowledge=False).sent == 1
    assert drain_outbox(sqlite_store, secrets, acknowledge=False).handled == 0
    assert len(sink.received) == 1
    # append_sent: the copy is in Sent now.
    with imap_account.client() as c:
        c.select_folder("Sent", readonly=True)
        assert c.search(["HEADER", "Message-ID", queued.message_id])


SENDER = """
import sys
from datetime import timedelta
from desk_gui.models.store import Store
from desk_gui.sync.secrets import KeyringSecrets
from desk_gui.sync.mail_out import drain_outbox
drain_outbox(Store(sys.argv[1]), KeyringSecrets(), acknowledge=False,
             claim_ttl=timedelta(seconds=2), holder="doomed")
print("finished")
"""


def test_sender_killed_after_data_accepted_sends_no_duplicate(
    sqlite_store: Store, imap_account: ImapAccount, secrets: MemorySecrets, sink: Sink
) -> None:
    """A real sender process is killed while the server has accepted the mail but not
    yet answered (a server that files a copy in Sent, as Gmail and Exchange do)."""
    setup_mailbox(sqlite_store, imap_account, secrets, sink)
    queued = _ticket_with_reply(sqlite_store)
    arrived = threading.Event()
    release = threading.Event()
    original = sink.handler.handle_DATA

    async def file_and_hang(server: object, session: object, envelope: object) -> str:
        reply = await original(server, session, envelope)
        imap_account.append(sink.received[-1].content, folder="Sent")
        arrived.set()
        while not release.is_set():  # the "250" is never seen by the killed sender
            await asyncio.sleep(0.05)
        return reply

    sink.handler.handle_DATA = file_and_hang  # type: ignore[method-assign]
    proc = subprocess.Popen(
        [sys.executable, "-c", SENDER, sqlite_store.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    try:
        assert arrived.wait(60), proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        release.set()
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    with sqlite_store.read() as s:
        row = s.get(OutboundMail, queued.outbound_id)
        assert row is not None and row.state is OutboundState.SENDING
        assert row.claimed_by == "doomed"
    time.sleep(2.2)  # the dead sender's lease runs out

    sink.handler.handle_DATA = original  # type: ignore[method-assign]
    report = drain_outbox(sqlite_store, secrets, acknowledge=False)
    assert report.found_in_sent == 1 and report.sent == 0
    assert len(sink.received) == 1
    with sqlite_store.read() as s:
        assert s.get(OutboundMail, queued.outbound_id).state is OutboundState.SENT  # type: ignore[union-attr]
    assert uuid.UUID(str(queued.outbound_id))
