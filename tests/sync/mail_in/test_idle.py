"""A mail APPENDed while the engine idles is a ticket in the store within 2 s: IDLE
pushes it (the polling fallback runs every 60 s; Dovecot itself reports after ~0.5 s)."""

from __future__ import annotations

import threading
import time
import uuid

from sqlalchemy import select

from desk_gui.models import Message
from desk_gui.models.mailbox import MailboxState
from desk_gui.models.store import Store
from desk_gui.sync.mail_in.engine import MailEngine

from .conftest import ImapAccount, MemorySecrets, add_mailbox

DEADLINE_S = 2.0


def _mail(n: int, in_reply_to: str | None = None) -> tuple[bytes, str]:
    msgid = f"<idle-{n}-{uuid.uuid4().hex}@kunde.de>"
    head = f"In-Reply-To: {in_reply_to}\r\n" if in_reply_to else ""
    raw = (
        f"From: Kunde {n} <kunde{n}@kunde.de>\r\nTo: support@desk.example\r\n"
        f"Subject: Frage {n}\r\nMessage-ID: {msgid}\r\n{head}\r\nBitte um Rückruf.\r\n"
    ).encode()
    return raw, msgid


def _ticket_of(store: Store, msgid: str) -> uuid.UUID | None:
    with store.read() as s:
        return s.scalar(select(Message.ticket_id).where(Message.message_id_header == msgid))


def _poll(store: Store, msgid: str, deadline_s: float) -> tuple[uuid.UUID, float]:
    start = time.monotonic()
    while (ticket := _ticket_of(store, msgid)) is None:
        elapsed = time.monotonic() - start
        assert elapsed < deadline_s, f"not in the store after {elapsed:.1f} s"
        time.sleep(0.02)
    return ticket, time.monotonic() - start


def _idling(store: Store) -> bool:
    with store.read() as s:
        state = s.scalar(select(MailboxState))
        return state is not None and state.last_success_at is not None


def test_appended_mail_is_a_ticket_within_two_seconds(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    add_mailbox(store, imap_account, secrets)
    engine = MailEngine(store, secrets)
    stop = threading.Event()
    runner = threading.Thread(target=engine.run_forever, args=(stop,), daemon=True)
    runner.start()
    try:
        _poll_until(lambda: _idling(store), 30)  # connected, first pass done, idling
        first, first_id = _mail(1)
        imap_account.append(first)
        ticket, took = _poll(store, first_id, DEADLINE_S)
        latencies = [took]
        for n in range(2, 5):  # new mail and a reply, each while idling again
            raw, msgid = _mail(n, in_reply_to=first_id if n == 3 else None)
            imap_account.append(raw)
            got, took = _poll(store, msgid, DEADLINE_S)
            latencies.append(took)
            assert (got == ticket) == (n == 3)
        print("APPEND -> ticket:", ", ".join(f"{t:.2f} s" for t in latencies))
    finally:
        stop.set()
        runner.join(10)
        engine.close()
    assert not runner.is_alive(), "the engine did not stop"


def _poll_until(check: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline
        time.sleep(0.02)
