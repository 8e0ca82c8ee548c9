"""Moving ingested mail to the mailbox's processed folder, against a real Dovecot.

After each batch commits, its mails leave the fetched folder (UID MOVE, or UID COPY +
\\Deleted + UID EXPUNGE without MOVE). What a crash or a failed move leaves behind is
swept on the next connection, only under the UIDVALIDITY the cursor was taken under,
and a failed move never holds back ingest.
"""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from typing import Any

import pytest
from imapclient import IMAPClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk_gui.models import InboundMail, InboundState, Ticket
from desk_gui.models.commands import Actor, Command
from desk_gui.models.mailbox import Mailbox, MailboxState
from desk_gui.models.store import Store
from desk_gui.sync.mail_in import admin, ingest, worker
from desk_gui.sync.mail_in.engine import MailEngine
from desk_gui.sync.mail_in.imap import connect
from desk_gui.sync.mail_in.worker import MailboxWorker

from .conftest import ImapAccount, MemorySecrets, add_mailbox

DONE = "Erledigt"


def _mail(n: int, tag: str = "p") -> bytes:
    return (
        f"From: Kunde {n} <kunde{n}@kunde.de>\r\nTo: support@desk.example\r\n"
        f"Subject: Frage {tag}{n}\r\nMessage-ID: <{tag}{n}-{uuid.uuid4().hex}@kunde.de>\r\n"
        "\r\nBitte um Rückruf.\r\n"
    ).encode()


def _set_folder(store: Store, mailbox_id: uuid.UUID, folder: str | None = DONE) -> None:
    with store.write() as s:
        box = s.get(Mailbox, mailbox_id)
        assert box is not None
        box.processed_folder = folder


def _uids(account: ImapAccount, folder: str) -> list[int]:
    with account.client() as c:
        if not c.folder_exists(folder):
            return []
        c.select_folder(folder, readonly=True)
        return list(c.search())


def _counts(store: Store) -> tuple[int, int]:
    """(ledger rows, tickets)."""
    with store.read() as s:
        ledger = s.scalar(select(func.count()).select_from(InboundMail)) or 0
        tickets = s.scalar(select(func.count()).select_from(Ticket)) or 0
    return ledger, tickets


def _state(store: Store, mailbox_id: uuid.UUID) -> MailboxState:
    with store.read() as s:
        state = s.get(MailboxState, mailbox_id)
        assert state is not None
        s.expunge(state)
        return state


def _mailbox(store: Store, mailbox_id: uuid.UUID) -> Mailbox:
    with store.read() as s:
        box = s.get(Mailbox, mailbox_id)
        assert box is not None
        s.expunge(box)
        return box


class Recording:
    """The worker's real IMAPClient; records the commands that matter here, and lets a
    test hide capabilities or make one move fail (observation and injected faults only:
    every command still goes to Dovecot)."""

    def __init__(
        self,
        client: IMAPClient,
        hide: tuple[str, ...] = (),
        fail_move: BaseException | None = None,
    ) -> None:
        self.client = client
        self.hide = hide
        self.fail_move = fail_move
        self.calls: list[tuple[str, Any]] = []

    def has_capability(self, name: str) -> bool:
        return name.upper() not in self.hide and bool(self.client.has_capability(name))

    def search(self, criteria: Any = "ALL", *args: Any) -> Any:
        self.calls.append(("search", criteria))
        return self.client.search(criteria, *args)

    def _maybe_fail(self) -> None:
        if self.fail_move is not None:
            error, self.fail_move = self.fail_move, None
            raise error

    def move(self, messages: Any, folder: str) -> Any:
        self.calls.append(("move", messages))
        self._maybe_fail()
        return self.client.move(messages, folder)

    def copy(self, messages: Any, folder: str) -> Any:
        self.calls.append(("copy", messages))
        self._maybe_fail()
        return self.client.copy(messages, folder)

    def uid_expunge(self, messages: Any) -> Any:
        self.calls.append(("uid_expunge", messages))
        return self.client.uid_expunge(messages)

    def expunge(self, messages: Any = None) -> Any:
        self.calls.append(("expunge", messages))
        return self.client.expunge(messages)

    def named(self, name: str) -> list[Any]:
        return [args for call, args in self.calls if call == name]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)


def _small_batches(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    monkeypatch.setattr(worker, "BATCH", size)
    monkeypatch.setattr(worker, "BATCH_BYTES", size * 100_000)  # each mail's share: 100 kB


def _worker(store: Store, mailbox_id: uuid.UUID, secrets: MemorySecrets) -> MailboxWorker:
    return MailboxWorker(store, mailbox_id, secrets, holder="test")


def _recording(store: Store, mailbox_id: uuid.UUID, secrets: MemorySecrets, **kw: Any) -> Any:
    return Recording(connect(_mailbox(store, mailbox_id), secrets), **kw)


def test_ingested_mail_leaves_the_folder_batch_by_batch(
    store: Store,
    imap_account: ImapAccount,
    secrets: MemorySecrets,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """New tickets, a copy of a mail seen before and a mail kept raw and flagged: all
    in the ledger, all moved; the folder is created on first use."""
    _small_batches(monkeypatch, 4)  # several batches, each moved after its commit
    real_run_in = ingest.run_in

    def refusing(session: Session, hlc: str, cmd: Command, actor: Actor) -> object:
        if str(getattr(cmd, "subject", "")) == "Frage p3":
            raise ValueError("refused by the store")
        return real_run_in(session, hlc, cmd, actor)

    monkeypatch.setattr(ingest, "run_in", refusing)
    raws = [_mail(n) for n in range(9)]
    imap_account.append(*raws, raws[0])  # the last: the same mail again
    mailbox_id = add_mailbox(store, imap_account, secrets)
    _set_folder(store, mailbox_id)
    client = _recording(store, mailbox_id, secrets)
    try:
        outcomes = _worker(store, mailbox_id, secrets).fetch_new(client)
    finally:
        client.logout()
    assert len(outcomes) == 10
    assert _uids(imap_account, "INBOX") == []
    assert len(_uids(imap_account, DONE)) == 10
    # 10 in the ledger; 8 tickets: the copy threads into its original's, and the refused
    # mail is kept raw without one (its flagged ticket is refused too).
    assert _counts(store) == (10, 8)
    assert len(client.named("move")) == 3  # 4 + 4 + 2: one UID MOVE per batch
    with store.read() as s:
        states = set(s.scalars(select(InboundMail.state)))
    assert InboundState.PARSE_ERROR in states
    assert _state(store, mailbox_id).last_error is None


def test_a_mailbox_without_the_setting_keeps_its_mail(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    other = ImapAccount(imap_account.server, f"sales-{uuid.uuid4().hex[:8]}@example.test",
                        imap_account.password)  # fmt: skip
    imap_account.append(*[_mail(n, "a") for n in range(3)])
    other.append(*[_mail(n, "b") for n in range(4)])
    moving = add_mailbox(store, imap_account, secrets, name="support")
    add_mailbox(store, other, secrets, name="sales")
    _set_folder(store, moving)
    reports = MailEngine(store, secrets).run_once()
    assert all(r.ok for r in reports), reports
    assert _counts(store) == (7, 7)
    assert (_uids(imap_account, "INBOX"), len(_uids(imap_account, DONE))) == ([], 3)
    assert len(_uids(other, "INBOX")) == 4
    with other.client() as c:
        assert not c.folder_exists(DONE)  # nothing created where nothing is moved
        c.select_folder("INBOX", readonly=True)
        # Untouched: not even marked seen.
        assert all(b"\\Seen" not in f[b"FLAGS"] for f in c.fetch(c.search(), ["FLAGS"]).values())


class Crash(BaseException):
    """The process dying: nothing catches it, nothing after it runs."""


def test_crash_between_commit_and_move_is_swept_on_the_next_start(
    store: Store,
    imap_account: ImapAccount,
    secrets: MemorySecrets,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A real SIGKILL would have to land between a batch's commit and its MOVE, a window
    of a few milliseconds that a test cannot hit reliably (test_crash.py kills at random
    and covers the ledger). Raising an exception nothing catches at the first MOVE leaves
    exactly the state such a kill leaves: the batch committed, its mails in the folder,
    no error recorded, the pass never finished."""
    _small_batches(monkeypatch, 3)
    raws = [_mail(n) for n in range(8)]
    imap_account.append(*raws)
    mailbox_id = add_mailbox(store, imap_account, secrets)
    _set_folder(store, mailbox_id)
    crashing = _recording(store, mailbox_id, secrets, fail_move=Crash())
    monkeypatch.setattr(worker, "connect", lambda *_a, **_k: crashing)
    with pytest.raises(Crash):
        _worker(store, mailbox_id, secrets).run_once()
    assert _counts(store) == (3, 3)
    assert _state(store, mailbox_id).last_uid == 3
    assert len(_uids(imap_account, "INBOX")) == 8  # committed, but never moved

    restarted = _recording(store, mailbox_id, secrets)
    monkeypatch.setattr(worker, "connect", lambda *_a, **_k: restarted)
    outcomes = _worker(store, mailbox_id, secrets).run_once()
    assert [o.uid for o in outcomes] == [4, 5, 6, 7, 8]  # the 3 swept, not fetched again
    assert ("search", ["UID", "1:3"]) in restarted.calls  # the sweep
    assert restarted.named("move")[0] == "1:3"
    assert _uids(imap_account, "INBOX") == []
    assert len(_uids(imap_account, DONE)) == 8
    assert _counts(store) == (8, 8)  # not one ticket twice
    with store.read() as s:
        subjects = list(s.scalars(select(Ticket.subject)))
    assert sorted(subjects) == sorted(f"Frage p{n}" for n in range(8))


def test_a_failed_move_is_shown_never_blocks_ingest_and_is_retried(
    store: Store,
    imap_account: ImapAccount,
    secrets: MemorySecrets,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The server refuses one MOVE: every mail is still ingested, the mailbox shows why
    its mail stays, and the next pass on the same connection sweeps, although the
    folder's mod-sequence did not change (the CONDSTORE shortcut would skip it)."""
    _small_batches(monkeypatch, 3)
    imap_account.append(*[_mail(n) for n in range(7)])
    mailbox_id = add_mailbox(store, imap_account, secrets)
    _set_folder(store, mailbox_id)
    client = _recording(
        store, mailbox_id, secrets, fail_move=IMAPClient.Error("MOVE failed: [SERVERBUG] test")
    )
    w = _worker(store, mailbox_id, secrets)
    try:
        assert len(w.fetch_new(client)) == 7
        assert _counts(store) == (7, 7)
        assert len(client.named("move")) == 1  # the other batches are left to the sweep
        assert len(_uids(imap_account, "INBOX")) == 7
        state = _state(store, mailbox_id)
        assert state.last_error is not None and state.last_error.startswith("MoveError")
        assert state.last_uid == 7
        [info] = admin.list_mailboxes(store, secrets)
        assert info.processed_folder == DONE
        assert info.last_success_at is not None
        assert str(info.last_error) == (
            f"mail is fetched but not moved to {DONE!r}; retried later "
            "(MOVE failed: [SERVERBUG] test)"
        )

        modseq = int(client.select_folder("INBOX")[b"HIGHESTMODSEQ"])
        assert modseq == state.highest_modseq  # unchanged: the shortcut alone would skip
        assert w.fetch_new(client) == []
        assert client.named("move")[-1] == "1:7"
        assert _uids(imap_account, "INBOX") == []
        assert len(_uids(imap_account, DONE)) == 7
        assert _state(store, mailbox_id).last_error is None

        # Our own moves changed the mod-sequence: one more SEARCH finds nothing; then
        # the shortcut holds again.
        searches = len(client.named("search"))
        assert w.fetch_new(client) == []
        assert len(client.named("search")) == searches + 1
        assert w.fetch_new(client) == []
        assert len(client.named("search")) == searches + 1
    finally:
        client.logout()
    assert _counts(store) == (7, 7)


def test_the_sweep_trusts_the_cursor_only_under_its_uidvalidity(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    """Mails left behind (a failed move), then the server renumbers the folder: the old
    cursor's UIDs now name other mails, so no sweep; the pass ingests them again under
    the new UIDVALIDITY (as mails seen before) and moves them from there."""
    imap_account.append(*[_mail(n) for n in range(5)])
    mailbox_id = add_mailbox(store, imap_account, secrets)
    _set_folder(store, mailbox_id)
    failing = _recording(store, mailbox_id, secrets, fail_move=IMAPClient.Error("refused"))
    try:
        assert len(_worker(store, mailbox_id, secrets).fetch_new(failing)) == 5
    finally:
        failing.logout()
    assert len(_uids(imap_account, "INBOX")) == 5
    old = _state(store, mailbox_id).uidvalidity
    assert old is not None
    subprocess.run(
        [
            "doveadm", "-c", str(imap_account.server.root / "dovecot.conf"),
            "mailbox", "update", "-u", imap_account.user, "--uid-validity", str(old + 1000),
            "INBOX",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip

    client = _recording(store, mailbox_id, secrets)
    try:
        assert len(_worker(store, mailbox_id, secrets).fetch_new(client)) == 5
    finally:
        client.logout()
    assert ("search", ["UID", "1:5"]) not in client.calls  # no sweep on the old cursor
    assert client.named("search")[0] == ["UID", "1:*"]  # fetched from the start instead
    assert _uids(imap_account, "INBOX") == []
    assert len(_uids(imap_account, DONE)) == 5
    assert _counts(store) == (10, 5)  # seen again under the new UIDVALIDITY, no new ticket
    state = _state(store, mailbox_id)
    assert (state.uidvalidity, state.last_error) == (old + 1000, None)


def test_without_move_copy_flag_and_uid_expunge_exactly_those_mails(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    """Dovecot always offers MOVE: hiding it from the worker's capability check is the
    test double for a server without it. A person flags another mail \\Deleted while the
    worker moves: UID EXPUNGE of our UIDs leaves it (a plain EXPUNGE would remove it)."""
    imap_account.append(*[_mail(n) for n in range(4)])
    mailbox_id = add_mailbox(store, imap_account, secrets)
    _set_folder(store, mailbox_id)
    client = _recording(store, mailbox_id, secrets, hide=("MOVE",))
    real_copy = client.client.copy

    def copy_while_a_person_deletes(messages: Any, folder: str) -> Any:
        imap_account.append(_mail(99, "human"))
        with imap_account.client() as person:
            person.select_folder("INBOX")
            person.add_flags([max(person.search())], [b"\\Deleted"])
        return real_copy(messages, folder)

    client.client.copy = copy_while_a_person_deletes
    try:
        assert len(_worker(store, mailbox_id, secrets).fetch_new(client)) == 4
    finally:
        client.logout()
    assert client.named("move") == [] and client.named("expunge") == []
    assert client.named("copy") == ["1:4"] and client.named("uid_expunge") == ["1:4"]
    assert _uids(imap_account, "INBOX") == [5]  # the person's mail, still there
    assert len(_uids(imap_account, DONE)) == 4
    with imap_account.client() as c:
        c.select_folder(DONE, readonly=True)
        flags = c.fetch(c.search(), ["FLAGS"]).values()
        assert all(b"\\Deleted" not in f[b"FLAGS"] for f in flags)  # copied before flagging


def test_without_move_and_uidplus_mail_stays_and_the_mailbox_says_why(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    """Hiding both from the capability check stands in for a server without them."""
    imap_account.append(*[_mail(n) for n in range(3)])
    mailbox_id = add_mailbox(store, imap_account, secrets)
    _set_folder(store, mailbox_id)
    client = _recording(store, mailbox_id, secrets, hide=("MOVE", "UIDPLUS"))
    w = _worker(store, mailbox_id, secrets)
    try:
        assert len(w.fetch_new(client)) == 3
        assert w.fetch_new(client) == []  # the sweep: no SEARCH it could not act on
    finally:
        client.logout()
    assert client.named("move") == client.named("copy") == client.named("expunge") == []
    assert ("search", ["UID", "1:3"]) not in client.calls
    assert _counts(store) == (3, 3)
    assert len(_uids(imap_account, "INBOX")) == 3
    error = _state(store, mailbox_id).last_error
    assert error is not None and "neither MOVE (RFC 6851) nor UIDPLUS" in error


def test_idle_woken_by_our_own_moves_finds_nothing_new(
    store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    mailbox_id = add_mailbox(store, imap_account, secrets)
    _set_folder(store, mailbox_id)
    engine = MailEngine(store, secrets)
    stop = threading.Event()
    runner = threading.Thread(target=engine.run_forever, args=(stop,), daemon=True)
    runner.start()
    try:
        _until(lambda: _has_state(store, mailbox_id), 30)  # connected, idling
        imap_account.append(_mail(1), _mail(2))
        _until(lambda: len(_uids(imap_account, DONE)) == 2, 10)
        _until(lambda: _uids(imap_account, "INBOX") == [], 10)
        time.sleep(1.5)  # any wake-up by the EXPUNGEs has run its pass by now
        settled = _state(store, mailbox_id).last_success_at
        time.sleep(2.0)
        state = _state(store, mailbox_id)
        assert state.last_success_at == settled  # idling, not passing in a loop
        assert state.last_error is None
        assert _counts(store) == (2, 2)
        imap_account.append(_mail(3))  # and still woken by new mail
        _until(lambda: len(_uids(imap_account, DONE)) == 3, 10)
    finally:
        stop.set()
        runner.join(10)
        engine.close()
    assert not runner.is_alive()
    assert _counts(store) == (3, 3)


def _has_state(store: Store, mailbox_id: uuid.UUID) -> bool:
    with store.read() as s:
        state = s.get(MailboxState, mailbox_id)
        return state is not None and state.last_success_at is not None


def _until(check: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
