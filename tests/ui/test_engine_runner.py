"""The sync engine inside the window, against a real Dovecot: new mail becomes a ticket in
the list, a first import shows its progress, a failing mailbox shows in the status bar
while the others go on, and closing the window stops every worker."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desk_gui.models.lease import Lease
from desk_gui.models.mailbox import Security
from desk_gui.sync.facade import Desk
from desk_gui.sync.mail_in import admin, worker
from desk_gui.sync.mail_in.worker import Progress
from desk_gui.sync.secrets import KeyringSecrets
from desk_gui.sync.sla.assignment import Assignment
from desk_gui.sync.sla.engine import SlaReport
from desk_gui.ui.i18n import Translations
from desk_gui.ui.main_window import MainWindow

from ..sync.mail_in import conftest as mail_in
from ..sync.mail_in.conftest import ImapAccount
from ..sync.mail_in.test_ingest_dovecot import mail
from . import test_mailbox_settings
from .conftest import wait_loaded
from .seed import Seeded

# Fixtures from elsewhere, made visible here (pytest looks them up as module attributes).
dovecot = mail_in.dovecot
imap_account = mail_in.imap_account
memory_keyring = test_mailbox_settings.memory_keyring

MakeWindow = Callable[..., MainWindow]
WAIT_MS = 30_000


def add_box(desk: Desk, account: ImapAccount, name: str, password: str | None = None) -> None:
    settings = admin.MailboxSettings(
        name, "127.0.0.1", account.user, account.server.port, Security.NONE
    )
    admin.add_mailbox(desk.store, KeyringSecrets(), settings, password or account.password)


def open_all(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        window.navigation.select("all")
    wait_loaded(qtbot, window)


def close(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.engine.stopped, timeout=WAIT_MS):
        window.close()


def subjects(window: MainWindow) -> list[str]:
    rows = (window.model.ticket_at(r) for r in range(window.model.rowCount()))
    return [t.subject for t in rows if t is not None]


def test_appended_mail_becomes_a_ticket_in_the_list_while_the_window_is_open(
    qtbot: QtBot,
    desk: Desk,
    seeded: Seeded,
    imap_account: ImapAccount,
    memory_keyring: object,
    make_window: MakeWindow,
) -> None:
    add_box(desk, imap_account, "support")
    waiting = "Drucker im Keller druckt Streifen"
    imap_account.append(mail(waiting, "Seit Montag.")[0])  # there before the app starts
    window = make_window(desk)
    qtbot.waitUntil(lambda: window.engine.service.mailboxes == ["support"], timeout=WAIT_MS)
    workers = [t for t in window.engine.service.threads() if t.name == "mailbox-support"]
    assert workers and threading.main_thread() not in workers
    open_all(qtbot, window)
    qtbot.waitUntil(lambda: waiting in subjects(window), timeout=WAIT_MS)  # the first pass
    qtbot.waitUntil(lambda: window.model.count == 41, timeout=WAIT_MS)

    # Now the worker idles: a new mail reaches the list through IDLE.
    subject = "Beamer im Raum 4 zeigt kein Bild"
    with qtbot.waitSignal(window.engine.ticketsArrived, timeout=WAIT_MS):
        imap_account.append(mail(subject, "Seit dem Update bleibt die Leinwand schwarz.")[0])
    qtbot.waitUntil(lambda: window.model.count == 42, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: subject in subjects(window), timeout=WAIT_MS)
    assert window.model.ticket_at(0) is not None
    assert window.model.ticket_at(0).subject == subject  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: window.navigation.count_text("all") == "42", timeout=WAIT_MS)
    close(qtbot, window)


def test_a_first_import_shows_progress_up_to_the_total_then_hides_it(
    qtbot: QtBot,
    desk: Desk,
    seeded: Seeded,
    imap_account: ImapAccount,
    memory_keyring: object,
    make_window: MakeWindow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker, "BATCH", 200)  # progress after 200, then at 300
    imap_account.append(*[mail(f"Altlast {i}", "aus dem alten System")[0] for i in range(300)])
    add_box(desk, imap_account, "support")
    window = make_window(desk)
    seen: list[Progress] = []
    window.engine.progressed.connect(seen.append)
    status = window.sync_progress

    qtbot.waitUntil(
        lambda: status.bar.maximum() == 300 and status.bar.value() == 300, timeout=60_000
    )
    assert status.importing and status.bar.isVisible()
    assert status.label.text() == "Importing mail: 300 of 300"
    assert "support:" in status.bar.toolTip() and "mails per second" in status.bar.toolTip()
    # Queued to this thread: the list's own copy may come an event later than the bar's.
    qtbot.waitUntil(lambda: [p.done for p in seen] == [200, 300], timeout=5000)
    assert {p.total for p in seen} == {300}
    qtbot.waitUntil(lambda: not status.importing, timeout=WAIT_MS)  # hidden when idle
    open_all(qtbot, window)
    qtbot.waitUntil(lambda: window.model.count == 340, timeout=WAIT_MS)
    close(qtbot, window)


def test_a_failing_mailbox_shows_in_the_status_bar_and_the_others_go_on(
    qtbot: QtBot,
    desk: Desk,
    seeded: Seeded,
    dovecot: object,
    imap_account: ImapAccount,
    memory_keyring: object,
    make_window: MakeWindow,
    translations: Translations,
) -> None:
    add_box(desk, imap_account, "support")
    billing = ImapAccount(imap_account.server, "billing@example.test", "secret")
    add_box(desk, billing, "billing", password="wrong")
    imap_account.append(mail("Rechnung fehlt", "Bitte senden")[0])
    window = make_window(desk)
    status = window.sync_progress
    qtbot.waitUntil(lambda: "billing" in status.failures(), timeout=WAIT_MS)
    assert status.failures()["billing"].startswith("authentication failed for billing@")
    assert status.problems.isVisible() and status.problems.text() == "billing: failing"
    assert "Click to open the mailbox settings." in status.problems.toolTip()
    translations.apply("de")  # the same failure in the reader's language
    assert status.failures()["billing"].startswith("Anmeldung von billing@example.test bei")
    qtbot.waitUntil(lambda: "Anmeldung von billing@" in status.problems.toolTip(), timeout=5000)
    translations.apply("en")
    open_all(qtbot, window)
    qtbot.waitUntil(lambda: "Rechnung fehlt" in subjects(window), timeout=WAIT_MS)
    assert "support" not in status.failures()

    # The warning opens the settings, where the same error is listed.
    status.problems.click()
    dialog = window.mailboxes
    qtbot.waitUntil(lambda: dialog.list.topLevelItemCount() == 2, timeout=5000)
    dialog.select("billing")
    item = dialog.list.currentItem()
    assert item is not None and "authentication failed" in item.text(6)
    dialog.close()
    close(qtbot, window)


def test_closing_the_window_stops_every_worker_and_gives_the_leases_back(
    qtbot: QtBot,
    desk: Desk,
    seeded: Seeded,
    imap_account: ImapAccount,
    memory_keyring: object,
    make_window: MakeWindow,
) -> None:
    add_box(desk, imap_account, "support")
    window = make_window(desk)
    service = window.engine.service
    qtbot.waitUntil(lambda: service.mailboxes == ["support"], timeout=WAIT_MS)
    threads = service.threads()
    assert {t.name for t in threads} == {"mailbox-support", "sync-periodic"}
    close(qtbot, window)
    assert [t for t in threads if t.is_alive()] == []
    with desk.store.read() as s:
        assert s.scalars(select(Lease).where(Lease.holder == service.engine.holder)).all() == []


def test_a_mailbox_added_in_the_settings_starts_fetching_at_once(
    qtbot: QtBot,
    desk: Desk,
    seeded: Seeded,
    imap_account: ImapAccount,
    memory_keyring: object,
    make_window: MakeWindow,
) -> None:
    imap_account.append(mail("Zugang gesperrt", "Bitte entsperren")[0])
    window = make_window(desk)
    qtbot.waitUntil(lambda: window.engine.running == 0, timeout=WAIT_MS)  # no mailbox yet
    # ...but the periodic passes (SLA, outbox) run already.
    assert [t.name for t in window.engine.service.threads()] == ["sync-periodic"]
    open_all(qtbot, window)

    window.action_table["mailboxes"].trigger()
    dialog = window.mailboxes
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=5000)
    with qtbot.waitSignal(window.engine.started, timeout=WAIT_MS) as started:
        assert test_mailbox_settings.add_through_form(
            qtbot, dialog, imap_account, "support", "secret"
        ) == ("support", True)
    assert started.args == [1]
    qtbot.waitUntil(lambda: "Zugang gesperrt" in subjects(window), timeout=WAIT_MS)
    dialog.close()
    close(qtbot, window)


def test_reports_queued_after_the_desk_closed_are_dropped(
    qtbot: QtBot, desk: Desk, seeded: Seeded, make_window: MakeWindow
) -> None:
    """An SLA pass that ends while the app closes reports after its desk was closed:
    nothing is announced on it (it failed with 'the desk is closed')."""
    window = make_window(desk)
    runner = window.engine
    close(qtbot, window)
    desk.close()
    touched = SlaReport(now=datetime.now(UTC))
    touched.assigned.append(Assignment(ticket_id=seeded.tickets[0], agent_id=seeded.agents[0]))
    before = set(runner._tasks)
    runner.passed.emit("sla", touched)
    runner._fetched.emit("support", [])
    assert runner._tasks == before
