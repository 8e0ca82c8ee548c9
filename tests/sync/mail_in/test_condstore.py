"""CONDSTORE against a real Dovecot: a pass that finds the folder's mod-sequence where the
last complete pass left it does not search; anything that arrived or changed since makes
it search (RFC 7162: every new or changed mail gets a higher mod-sequence)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from desk_gui.models import InboundMail
from desk_gui.models.mailbox import Mailbox, MailboxState, Security
from desk_gui.models.store import Store
from desk_gui.sync.mail_in import admin
from desk_gui.sync.mail_in.imap import connect
from desk_gui.sync.mail_in.worker import MailboxWorker, unchanged

from .conftest import ImapAccount, MemorySecrets, add_mailbox
from .corpus_gen import generate


class Counting:
    """The worker's real IMAPClient, counting its SEARCH commands (observation only)."""

    def __init__(self, client: Any) -> None:
        self.client, self.searches = client, 0

    def search(self, *args: Any, **kwargs: Any) -> Any:
        self.searches += 1
        return self.client.search(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def _state(store: Store, mailbox_id: uuid.UUID) -> MailboxState:
    with store.read() as s:
        state = s.get(MailboxState, mailbox_id)
        assert state is not None
        s.expunge(state)
        return state


def _ledger(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(InboundMail)) or 0


def test_passes_search_only_when_the_folder_changed(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    mails = generate(6, seed=3)
    imap_account.append(*[m.raw for m in mails[:3]])
    mailbox_id = add_mailbox(store, imap_account, secrets)
    worker = MailboxWorker(store, mailbox_id, secrets, holder="test")
    with store.read() as s:
        mailbox = s.get(Mailbox, mailbox_id)
        assert mailbox is not None
        s.expunge(mailbox)
    client = Counting(connect(mailbox, secrets))
    try:
        assert len(worker.fetch_new(client)) == 3  # type: ignore[arg-type]
        first = _state(store, mailbox_id).highest_modseq
        assert first is not None and first > 0
        searched = client.searches
        assert searched > 0

        # Nothing new: the SELECT's mod-sequence says so, no SEARCH.
        assert worker.fetch_new(client) == []  # type: ignore[arg-type]
        assert client.searches == searched
        assert _state(store, mailbox_id).last_success_at is not None

        # New mail raises the mod-sequence: searched and ingested once.
        imap_account.append(*[m.raw for m in mails[3:]])
        assert len(worker.fetch_new(client)) == 3  # type: ignore[arg-type]
        assert client.searches > searched
        searched = client.searches
        second = _state(store, mailbox_id).highest_modseq
        assert second is not None and second > first

        # A flag set by someone reading the mailbox: searched, nothing new, nothing twice.
        with imap_account.client() as other:
            other.select_folder("INBOX")
            other.add_flags(other.search(), [b"\\Seen"])
        assert worker.fetch_new(client) == []  # type: ignore[arg-type]
        assert client.searches > searched
        searched = client.searches
        assert worker.fetch_new(client) == []  # type: ignore[arg-type]
        assert client.searches == searched
        assert _ledger(store) == 6
    finally:
        client.logout()


def test_without_mod_sequences_every_pass_searches() -> None:
    state = MailboxState(mailbox_id=uuid.uuid4(), uidvalidity=7, last_uid=3, highest_modseq=9)
    assert unchanged(state, 7, 9)
    assert not unchanged(state, 7, None)  # no CONDSTORE, or NOMODSEQ
    assert not unchanged(state, 8, 9)  # renumbered: the cursor starts over
    assert not unchanged(state, 7, 10)
    assert not unchanged(None, 7, 9)
    fresh = MailboxState(mailbox_id=uuid.uuid4(), last_uid=0)
    assert not unchanged(fresh, 7, 9)


def test_new_settings_forget_the_mod_sequence(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    """Another host or folder numbers its changes differently: the next pass searches."""
    imap_account.append(*[m.raw for m in generate(2, seed=4)])
    mailbox_id = add_mailbox(store, imap_account, secrets)
    MailboxWorker(store, mailbox_id, secrets, holder="test").run_once()
    assert _state(store, mailbox_id).highest_modseq is not None
    with store.read() as s:
        mailbox = s.get(Mailbox, mailbox_id)
        assert mailbox is not None
        name, port = mailbox.name, mailbox.imap_port
    admin.update_mailbox(
        store,
        admin.MailboxSettings(
            name=name,
            imap_host="127.0.0.1",
            user=imap_account.user,
            imap_port=port,
            security=Security.NONE,
        ),
    )
    assert _state(store, mailbox_id).highest_modseq is None
