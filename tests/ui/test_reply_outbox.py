"""Send-time collisions, failed mail with Retry and Edit, and the attachment limit."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from desk_gui.models import OutboundMail, OutboundState
from desk_gui.models.store import Store
from desk_gui.sync.facade import Desk
from desk_gui.sync.mail_out import drain_outbox
from desk_gui.ui.collision_dialog import CollisionDialog
from desk_gui.ui.drafts import FILES_KEPT_S, DraftStore, StoredDraft
from desk_gui.ui.i18n import Translations
from desk_gui.ui.outbox_panel import outbox_rows, state_text
from desk_gui.ui.ticket_view import TicketView

from ..sync.mail_in.conftest import MemorySecrets
from .reply_fixtures import (  # noqa: F401 (fixtures by name)
    ReplySetup,
    Sink,
    customer_writes,
    fixture_drafts,
    fixture_make_view,
    fixture_reply_setup,
    fixture_sink,
    mail_ticket,
    open_ticket,
)

MakeView = Callable[[], TicketView]
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "This plugin does not support grabbing"
)


def outbox(store: Store, ticket_id: uuid.UUID) -> list[OutboundMail]:
    with store.read() as s:
        return list(
            s.scalars(
                select(OutboundMail)
                .where(OutboundMail.ticket_id == ticket_id)
                .order_by(OutboundMail.created_at)
            )
        )


@pytest.mark.parametrize("choice", ["send_anyway", "edit", "discard"])
def test_a_customer_message_after_opening_holds_the_send(
    qtbot: QtBot,
    desk: Desk,
    reply_setup: ReplySetup,
    make_view: MakeView,
    drafts: DraftStore,
    choice: str,
) -> None:
    tid = mail_ticket(desk.store)
    view = make_view()
    editor = open_ticket(qtbot, view, tid)
    editor.text.setFocus()
    qtbot.keyClicks(editor.text, "Wir tauschen den Toner.")
    # Meanwhile the customer writes again (through the store, as the mail engine would).
    customer_writes(desk.store, tid, "Nachtrag: jetzt blinkt auch die rote Lampe.")

    with qtbot.waitSignal(editor.held, timeout=10000) as held:
        qtbot.mouseClick(editor.send_button, Qt.MouseButton.LeftButton)
    dialog = held.args[0]
    assert isinstance(dialog, CollisionDialog) and dialog.isVisible()
    assert "jetzt blinkt auch die rote Lampe" in dialog.messages.toPlainText()
    assert outbox(desk.store, tid) == []  # nothing queued while held

    if choice == "send_anyway":
        with qtbot.waitSignal(editor.queued, timeout=10000):
            qtbot.mouseClick(dialog.send_anyway, Qt.MouseButton.LeftButton)
        [row] = outbox(desk.store, tid)
        assert row.state is OutboundState.QUEUED
    elif choice == "edit":
        qtbot.mouseClick(dialog.edit, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible())
        assert editor.text.toPlainText() == "Wir tauschen den Toner."
        assert outbox(desk.store, tid) == []
        # Having seen the new message, the next send goes through without a hold.
        qtbot.keyClicks(editor.text, " Die Lampe ist normal.")
        qtbot.waitUntil(editor.send_button.isEnabled)  # the held send has wound up
        with qtbot.waitSignal(editor.queued, timeout=10000):
            qtbot.mouseClick(editor.send_button, Qt.MouseButton.LeftButton)
        assert len(outbox(desk.store, tid)) == 1
    else:
        with qtbot.waitSignal(editor.discarded, timeout=5000):
            qtbot.mouseClick(dialog.discard, Qt.MouseButton.LeftButton)
        assert editor.text.document().isEmpty() and outbox(desk.store, tid) == []
        agent = reply_setup.agent.agent_id
        qtbot.waitUntil(lambda: not drafts.path(agent, tid).exists(), timeout=5000)


def test_a_rejected_mail_shows_failed_with_retry_and_edit(
    qtbot: QtBot,
    desk: Desk,
    translations: Translations,
    reply_setup: ReplySetup,
    sink: Sink,
    make_view: MakeView,
    tmp_path: Path,
) -> None:
    tid = mail_ticket(desk.store)
    view = make_view()
    editor = open_ticket(qtbot, view, tid)
    editor.text.setFocus()
    qtbot.keyClicks(editor.text, "Ihre Lizenz ist im Anhang.")
    licence = tmp_path / "lizenz.txt"
    licence.write_text("KEY-1234")
    editor.attach([licence])
    with qtbot.waitSignal(editor.queued, timeout=10000) as sent:
        qtbot.mouseClick(editor.send_button, Qt.MouseButton.LeftButton)
    first = sent.args[0].outbound_id

    sink.handler.data_reply = "554 5.7.1 Relay access denied"
    report = drain_outbox(desk.store, MemorySecrets(), acknowledge=False, timeout=5)
    assert report.failed == 1
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.outbox.check_now()
    bar = view.outbox.bars[first]
    assert view.outbox.isVisible() and bar.retry.isVisible() and bar.edit.isVisible()
    assert "554 5.7.1 Relay access denied" in bar.text.text()
    assert "Not sent: server refused: 554 5.7.1 Relay" in view.conversation.toPlainText()
    # The stored reason is shown in the reader's language, the server's words as they came.
    translations.apply("de")
    with desk.store.read() as s:
        [failed] = outbox_rows(s, tid)
    german = "Nicht gesendet: Server hat abgelehnt: 554 5.7.1 Relay access denied"
    assert state_text(failed) == german
    translations.apply("en")

    # Retry puts the very same mail back in the queue; this time the sink takes it.
    with qtbot.waitSignal(view.outbox.retried, timeout=5000):
        qtbot.mouseClick(bar.retry, Qt.MouseButton.LeftButton)
    [row] = outbox(desk.store, tid)
    assert row.id == first and row.state is OutboundState.QUEUED and row.reason is None
    qtbot.waitUntil(lambda: not view.outbox.bars, timeout=5000)

    # A second failure; Edit brings the mail back and sending replaces the failed one.
    drain_outbox(desk.store, MemorySecrets(), acknowledge=False, timeout=5)
    assert outbox(desk.store, tid)[0].state is OutboundState.FAILED
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.outbox.check_now()
    qtbot.mouseClick(view.outbox.bars[first].edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.replaces == first, timeout=5000)
    assert editor.text.toPlainText() == "Ihre Lizenz ist im Anhang."
    assert [f.path.name for f in editor.attachments.files] == ["lizenz.txt"]
    unpacked = editor.saver.store.files_dir(first)
    assert editor.attachments.files[0].path.parent == unpacked
    assert editor.to.addresses() == ("max.muster@kunde.example",)
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor.text, " Neu versandt.")
    sink.handler.data_reply = None
    with qtbot.waitSignal(editor.queued, timeout=10000) as resent:
        qtbot.mouseClick(editor.send_button, Qt.MouseButton.LeftButton)
    states = {r.id: r.state for r in outbox(desk.store, tid)}
    assert states == {
        first: OutboundState.CANCELLED,
        resent.args[0].outbound_id: OutboundState.QUEUED,
    }
    qtbot.waitUntil(lambda: not unpacked.exists(), timeout=5000)  # the queued mail has a copy
    assert drain_outbox(desk.store, MemorySecrets(), acknowledge=False, timeout=5).sent == 1
    [got] = sink.received
    assert b"Neu versandt." in got.content and b"KEY-1234" not in got.content  # base64
    assert b"lizenz.txt" in got.content


def test_attachments_over_the_mailbox_limit_are_refused(
    qtbot: QtBot, desk: Desk, reply_setup: ReplySetup, make_view: MakeView, tmp_path: Path
) -> None:
    with desk.store.write() as s:
        from desk_gui.models.mailbox import Mailbox

        s.execute(
            update(Mailbox)
            .where(Mailbox.id == reply_setup.mailbox_id)
            .values(max_attachment_bytes=3000)
        )
    tid = mail_ticket(desk.store)
    editor = open_ticket(qtbot, make_view(), tid)
    small, big = tmp_path / "klein.txt", tmp_path / "gross.bin"
    small.write_bytes(b"a" * 2000)
    big.write_bytes(b"b" * 1500)
    editor.attach([small, big])
    assert [f.path for f in editor.attachments.files] == [small]
    assert editor.message.isVisible()
    assert "gross.bin" in editor.message.text() and "too large" in editor.message.text()
    assert editor.attachments.summary() == "1 attachment(s), 1.95 KiB (at most 2.93 KiB)"


def test_unpacked_files_no_draft_refers_to_are_swept(tmp_path: Path) -> None:
    """Left by a crash between sending an edited mail and removing its files."""
    store = DraftStore(tmp_path / "drafts")
    store.io.shutdown(wait=True)  # its own sweep at start-up is done: this test sweeps
    kept_id, gone_id, young_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    store.save(None, StoredDraft(ticket_id=str(uuid.uuid4()), replaces=str(kept_id)))
    for outbound in (kept_id, gone_id, young_id):
        store.files_dir(outbound).mkdir(parents=True)
        (store.files_dir(outbound) / "a.pdf").write_bytes(b"%PDF")
    old = time.time() - 2 * FILES_KEPT_S
    for outbound in (kept_id, gone_id):
        os.utime(store.files_dir(outbound), (old, old))
    assert store.sweep_files() == 1
    assert store.files_dir(kept_id).exists() and store.files_dir(young_id).exists()
    assert not store.files_dir(gone_id).exists()
