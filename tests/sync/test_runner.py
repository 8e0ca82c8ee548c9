"""SyncService against a real Dovecot: workers on their threads, failures kept apart,
reload, an early stop in the middle of an import, periodic passes."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from desk_gui.models import InboundMail, SlaTicketState, Ticket
from desk_gui.models.base import utcnow
from desk_gui.models.demo import populate
from desk_gui.models.lease import Lease
from desk_gui.models.mailbox import MailboxState, Security
from desk_gui.models.reason import Reason
from desk_gui.models.store import Store
from desk_gui.sync.mail_in import admin, worker
from desk_gui.sync.mail_in.ingest import Outcome
from desk_gui.sync.mail_in.worker import Progress
from desk_gui.sync.mail_out import DrainReport
from desk_gui.sync.runner import Callbacks, PeriodicPass, SyncService, tickets_touched
from desk_gui.sync.sla.assignment import Assignment
from desk_gui.sync.sla.engine import SlaReport

from .mail_in import conftest as mail_in
from .mail_in.conftest import ImapAccount, MemorySecrets, add_mailbox
from .mail_in.test_ingest_dovecot import mail

# The Dovecot fixtures of tests/sync/mail_in, made visible here (pytest looks them up
# as attributes of the test module).
dovecot = mail_in.dovecot
imap_account = mail_in.imap_account
secrets = mail_in.secrets

WAIT_S = 30.0


class Recorder:
    """Collects what the service reports (from its threads) and waits for conditions."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.fetched: list[tuple[str, list[Outcome]]] = []
        self.failed: list[tuple[str, Reason]] = []
        self.recovered: list[str] = []
        self.passed: list[tuple[str, object]] = []
        self.progress: list[Progress] = []
        self.on_progress: Callable[[Progress], None] | None = None

    def _add(self, bucket: list[Any], item: Any) -> None:
        with self.cond:
            bucket.append(item)
            self.cond.notify_all()

    def callbacks(self) -> Callbacks:
        def progress(p: Progress) -> None:
            self._add(self.progress, p)
            if self.on_progress is not None:
                self.on_progress(p)

        return Callbacks(
            progress=progress,
            fetched=lambda name, outcomes: self._add(self.fetched, (name, outcomes)),
            failed=lambda name, message: self._add(self.failed, (name, message)),
            recovered=lambda name: self._add(self.recovered, name),
            passed=lambda name, report: self._add(self.passed, (name, report)),
        )

    def wait(self, condition: Callable[[], bool], timeout: float = WAIT_S) -> None:
        with self.cond:
            assert self.cond.wait_for(condition, timeout), "timed out"

    def ingested(self, name: str) -> int:
        return sum(len([o for o in outs if o.state]) for n, outs in self.fetched if n == name)


def count(store: Store, what: Any) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(what)) or 0


def clocked(store: Store) -> int:
    """Tickets with at least one SLA clock stored."""
    with store.read() as s:
        states = s.scalars(select(SlaTicketState))
        return sum(1 for state in states if state.clocks())


def mails(n: int, tag: str = "") -> list[bytes]:
    return [mail(f"Anfrage {tag}{i}", f"Text {i}")[0] for i in range(n)]


def test_workers_fetch_on_their_threads_and_a_failing_mailbox_stalls_no_other(
    sqlite_store: Store, dovecot: Any, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    store = sqlite_store
    add_mailbox(store, imap_account, secrets, "support")
    wrong = ImapAccount(dovecot, f"sales-{uuid.uuid4().hex[:6]}@example.test", "wrong")
    add_mailbox(store, wrong, secrets, "sales")
    imap_account.append(*mails(2))
    rec = Recorder()
    service = SyncService(store, secrets, rec.callbacks())
    assert service.start() == 2
    try:
        rec.wait(lambda: rec.ingested("support") == 2)
        rec.wait(lambda: any(n == "sales" for n, _ in rec.failed))
        [message] = {m for n, m in rec.failed if n == "sales"}
        assert str(message).startswith("authentication failed for sales-")
        assert {t.name for t in service.threads()} >= {"mailbox-support", "mailbox-sales"}
        assert threading.current_thread().name not in {t.name for t in service.threads()}
        rec.wait(lambda: any(n == "outbox" for n, _ in rec.passed))
        assert [n for n, _ in rec.passed][:2] == ["sla", "outbox"]
        assert isinstance(dict(rec.passed)["sla"], SlaReport)
        assert isinstance(dict(rec.passed)["outbox"], DrainReport)

        # While the failing one retries, new mail in the other arrives through IDLE.
        imap_account.append(*mails(1, "neu "))
        rec.wait(lambda: rec.ingested("support") == 3)
        assert count(store, Ticket) == 3
    finally:
        left = service.stop(timeout=10)
    assert left == []
    assert service.threads() == []
    with store.read() as s:  # the leases are given back at once, not left to expire
        assert s.scalars(select(Lease).where(Lease.holder == service.engine.holder)).all() == []


def test_reload_starts_new_stops_removed_and_restarts_changed_mailboxes(
    sqlite_store: Store, dovecot: Any, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    store = sqlite_store
    rec = Recorder()
    service = SyncService(store, secrets, rec.callbacks(), passes=[])
    assert service.start() == 0 and service.threads() == []  # nothing without mailboxes
    try:
        add_mailbox(store, imap_account, secrets, "support")
        assert service.reload() == 1
        imap_account.append(*mails(1))
        rec.wait(lambda: rec.ingested("support") == 1)
        [first] = service.threads()

        # A wrong password, then the right one with a restart: it recovers.
        secrets.set("mailbox:support:imap", "wrong")
        admin.update_mailbox(
            store,
            admin.MailboxSettings(
                "support", "127.0.0.1", imap_account.user, dovecot.port, Security.NONE
            ),
        )
        assert service.reload() == 1  # unchanged settings: the same worker goes on
        assert service.threads() == [first]
        assert service.reload(restart=["Support"]) == 1
        rec.wait(lambda: any(n == "support" for n, _ in rec.failed))
        first.join(WAIT_S)
        assert not first.is_alive()
        secrets.set("mailbox:support:imap", imap_account.password)
        assert service.reload(restart=["support"]) == 1
        rec.wait(lambda: rec.recovered == ["support"] or rec.ingested("support") > 1)
        imap_account.append(*mails(1, "zwei "))
        rec.wait(lambda: rec.ingested("support") == 2)

        admin.remove_mailbox(store, secrets, "support", force=True)
        assert service.reload() == 0
        assert service.join(WAIT_S) == []
        assert service.threads() == []
    finally:
        service.stop(timeout=10)


def test_stop_leaves_a_big_import_between_batches_and_a_restart_finishes_it_exactly_once(
    sqlite_store: Store,
    imap_account: ImapAccount,
    secrets: MemorySecrets,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker, "BATCH", 200)  # three batches: the stop comes between them
    store = sqlite_store
    add_mailbox(store, imap_account, secrets, "support")
    imap_account.append(*mails(600))
    rec = Recorder()
    service = SyncService(store, secrets, rec.callbacks(), passes=[])
    rec.on_progress = lambda p: service.request_stop()  # after the first batch
    service.start()
    assert service.join(WAIT_S) == []
    stopped_at = count(store, InboundMail)
    assert 0 < stopped_at < 600
    assert rec.progress[0].total == 600 and rec.fetched == []  # the pass did not finish
    assert rec.failed == []  # stopping is no failure of the mailbox
    with store.read() as s:
        assert s.scalars(select(MailboxState.last_error)).all() == [None]

    rec2 = Recorder()
    again = SyncService(store, secrets, rec2.callbacks(), passes=[])
    again.start()
    try:
        rec2.wait(lambda: rec2.ingested("support") == 600 - stopped_at)
        assert rec2.progress[-1].done == rec2.progress[-1].total == 600 - stopped_at
    finally:
        again.stop(timeout=10)
    assert count(store, InboundMail) == count(store, Ticket) == 600


def test_periodic_passes_report_failures_recover_and_wake_at_once(
    sqlite_store: Store, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    add_mailbox(sqlite_store, imap_account, secrets, "support")
    answers: list[object] = [RuntimeError("SMTP server down"), "sent 1"]

    def flaky() -> object:
        answer = answers.pop(0) if answers else "idle"
        if isinstance(answer, Exception):
            raise answer
        return answer

    rec = Recorder()
    service = SyncService(
        sqlite_store,
        secrets,
        rec.callbacks(),
        passes=[PeriodicPass("outbox", flaky)],
        period_s=3600,  # only wake() can run it a second time within the test
    )
    service.start()
    try:
        rec.wait(lambda: rec.failed == [("outbox", Reason("RuntimeError: SMTP server down"))])
        service.wake()
        rec.wait(lambda: rec.passed == [("outbox", "sent 1")])
        assert rec.recovered == ["outbox"]
    finally:
        assert service.stop(timeout=10) == []


def test_tickets_touched_reads_the_ticket_ids_a_pass_report_names() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    report = SlaReport(utcnow(), assigned=[Assignment(a, None), Assignment(b, uuid.uuid4())])
    assert tickets_touched(report) == {a, b}
    assert tickets_touched(DrainReport(sent=3)) == set()
    assert tickets_touched("sent 1") == set()


def test_without_a_mailbox_the_periodic_passes_still_run(
    sqlite_store: Store, secrets: MemorySecrets
) -> None:
    """SLA clocks concern every ticket, not only mailed ones: no mailbox needed."""
    store = sqlite_store
    populate(store, 40, seed=4)  # a calendar and a policy per contract level, no mailbox
    assert clocked(store) == 0
    rec = Recorder()
    service = SyncService(store, secrets, rec.callbacks(), period_s=60)
    try:
        assert service.start() == 0
        rec.wait(lambda: {"sla", "outbox"} <= {name for name, _ in rec.passed})
        assert [t.name for t in service.threads()] == ["sync-periodic"]
        assert rec.failed == []
        assert clocked(store) > 0
    finally:
        assert service.stop(timeout=10) == []
    assert service.threads() == []
