"""The reply editor driven like an agent: type, format, attach, template, send; then the
real sender delivers the outbox row to an in-process SMTP sink and the mail parses back."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QColor, QDragEnterEvent, QDropEvent, QImage, QTextListFormat
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desk_gui.models import Message, MessageKind, OutboundMail, OutboundState
from desk_gui.models.message import Attachment
from desk_gui.sync.facade import Desk
from desk_gui.sync.mail_out import Queued, drain_outbox
from desk_gui.sync.mime import parse_message
from desk_gui.ui.attachments import size_text
from desk_gui.ui.drafts import DraftStore
from desk_gui.ui.reply_editor import ReplyEditor
from desk_gui.ui.ticket_view import TicketView

from ..sync.mail_in.conftest import MemorySecrets
from .reply_fixtures import (  # noqa: F401 (fixtures by name)
    ReplySetup,
    fixture_drafts,
    fixture_make_view,
    fixture_reply_setup,
    fixture_sink,
    mail_ticket,
    open_ticket,
)
from .reply_fixtures import Sink as SinkType

MakeView = Callable[[], TicketView]
# Completion popups (`::` templates, addresses) are real popups: the offscreen platform
# says it cannot raise them or grab the keyboard for them.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "This plugin does not support grabbing"
)


def drop_files(editor: ReplyEditor, paths: list[Path]) -> None:
    """A real drop event on the text's viewport, as a file manager would send."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    viewport = editor.text.viewport()
    enter = QDragEnterEvent(
        QPoint(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPoint(20, 20).toPointF(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, drop)


def rows(desk: Desk, ticket_id: uuid.UUID) -> list[OutboundMail]:
    with desk.store.read() as s:
        return list(
            s.scalars(
                select(OutboundMail)
                .where(OutboundMail.ticket_id == ticket_id)
                .order_by(OutboundMail.created_at)
            )
        )


def test_type_format_attach_template_send_and_the_mail_arrives(
    qtbot: QtBot,
    desk: Desk,
    reply_setup: ReplySetup,
    sink: SinkType,
    make_view: MakeView,
    tmp_path: Path,
) -> None:
    tid = mail_ticket(desk.store)
    view = make_view()
    editor = open_ticket(qtbot, view, tid)
    assert editor.to.text() == "max.muster@kunde.example"  # the customer by default
    assert editor.send_button.isEnabled() is False
    text = editor.text
    text.setFocus()

    # A template by typing `::` and its name: rendered for this ticket in German.
    qtbot.keyClicks(text, "::gr")
    popup = editor.completer.list
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    with qtbot.waitSignal(editor.templateInserted, timeout=5000) as inserted:
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert inserted.args == ["de"]
    assert "::gr" not in text.toPlainText()
    assert "Hallo Max,\n" in text.toPlainText() and "vielen Dank" in text.toPlainText()

    # Formatting with the keyboard: bold on, a word, bold off; then a bulleted list.
    text.moveCursor(text.textCursor().MoveOperation.End)
    qtbot.keyClick(text, Qt.Key.Key_Return)
    qtbot.keyClicks(text, "Das ist ")
    qtbot.keyClick(text, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(text, "wichtig")
    qtbot.keyClick(text, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(text, " und so.")
    qtbot.keyClick(text, Qt.Key.Key_Return)
    editor.actions_["bullets"].trigger()
    qtbot.keyClicks(text, "Erstens")
    qtbot.keyClick(text, Qt.Key.Key_Return)
    qtbot.keyClicks(text, "Zweitens")
    assert text.list_style() == QTextListFormat.Style.ListDisc

    # An inline image pasted from the clipboard, a file dropped as an attachment.
    image = QImage(24, 12, QImage.Format.Format_RGB32)
    image.fill(QColor("#d32f2f"))
    QApplication.clipboard().setImage(image)
    qtbot.keyClick(text, Qt.Key.Key_Return)
    qtbot.keyClick(text, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    pdf = tmp_path / "Anleitung März.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 400)
    drop_files(editor, [pdf])
    assert [f.path for f in editor.attachments.files] == [pdf]
    chip_text = editor.attachments.itemWidget(editor.attachments.item(0)).findChildren(
        type(editor.note_label)
    )
    size = size_text(pdf.stat().st_size)
    assert [label.text() for label in chip_text] == ["Anleitung März.pdf", size]
    assert size == "100.01 KiB"

    assert editor.send_button.isEnabled()
    with qtbot.waitSignal(editor.queued, timeout=10000) as sent:
        qtbot.mouseClick(editor.send_button, Qt.MouseButton.LeftButton)
    queued = sent.args[0]
    assert isinstance(queued, Queued)
    assert text.document().isEmpty() and editor.attachments.files == []

    # The outbox row and the message in the thread, as queued.
    [row] = rows(desk, tid)
    assert row.id == queued.outbound_id and row.state is OutboundState.QUEUED
    with desk.store.read() as s:
        msg = s.get(Message, queued.message_uuid)
        assert msg is not None and msg.kind is MessageKind.OUTBOUND_MAIL
        files = {
            a.filename: a
            for a in s.scalars(select(Attachment).where(Attachment.message_id == msg.id))
        }
        body_html, body_text = msg.body_html or "", msg.body_text
    assert "wichtig" in body_html and "font-weight:700" in body_html
    assert "<ul" in body_html and "<li" in body_html and "cid:" in body_html
    assert "Das ist wichtig und so." in body_text and "Hallo Max," in body_text
    assert set(files) == {"Anleitung März.pdf", "image-1.png"}
    assert files["image-1.png"].inline and files["image-1.png"].content_id
    assert f"cid:{files['image-1.png'].content_id}" in body_html

    # The thread shows the mail as queued; the real sender delivers it to the sink.
    qtbot.waitUntil(lambda: "Queued" in view.conversation.toPlainText(), timeout=5000)
    report = drain_outbox(desk.store, MemorySecrets(), acknowledge=False, timeout=5)
    assert report.sent == 1 and not report.errors
    [got] = sink.received
    assert got.rcpt_tos == ["max.muster@kunde.example"]
    parsed = parse_message(got.content)
    assert parsed.subject.startswith("Re: Drucker druckt nicht [#")
    assert "Das ist wichtig und so." in parsed.body_text
    assert "Hallo Max," in parsed.body_text and "Viele Grüße\nAnna Blume" in parsed.body_text
    assert "wichtig" in parsed.body_html_sanitized and "<li" in parsed.body_html_sanitized
    arrived = {a.filename: a for a in parsed.attachments}
    assert arrived["Anleitung März.pdf"].read_bytes() == pdf.read_bytes()
    png = arrived["image-1.png"]
    assert png.inline and QImage.fromData(png.read_bytes()).size() == image.size()
    assert f"cid:{png.content_id}" in parsed.body_html_sanitized
    with qtbot.waitSignal(view.loaded, timeout=5000):
        view.outbox.check_now()  # the poll, without waiting for its timer
    assert "Sent" in view.conversation.toPlainText()


def test_english_contact_gets_the_english_template_from_the_picker(
    qtbot: QtBot, desk: Desk, reply_setup: ReplySetup, make_view: MakeView
) -> None:
    tid = mail_ticket(desk.store, sender="olivia@brightwater.example", name="Olivia Hart",
                      language="en")  # fmt: skip
    editor = open_ticket(qtbot, make_view(), tid)
    menu = editor.templates.menu_
    qtbot.waitUntil(lambda: any(a.data() == "gruss" for a in menu.actions()), timeout=5000)
    action = next(a for a in menu.actions() if a.data() == "gruss")
    assert action.text() == "gruss  (de, en)"
    with qtbot.waitSignal(editor.templateInserted, timeout=5000) as inserted:
        action.trigger()
    assert inserted.args == ["en"]
    assert editor.text.toPlainText().startswith("Hello Olivia,")


def test_note_mode_hides_recipients_and_adds_a_note(
    qtbot: QtBot, desk: Desk, reply_setup: ReplySetup, make_view: MakeView
) -> None:
    tid = mail_ticket(desk.store)
    editor = open_ticket(qtbot, make_view(), tid)
    assert editor.recipients.isVisible() and not editor.note_label.isVisible()
    qtbot.mouseClick(editor.note_button, Qt.MouseButton.LeftButton)
    assert editor.mode == "note"
    assert not editor.recipients.isVisible() and not editor.actions_["attach"].isVisible()
    assert (
        editor.note_label.isVisible()
        and editor.note_label.text() == "Internal note: only agents see it"
    )
    assert "#fff6cc" in editor.text.styleSheet()
    assert editor.send_button.text() == "Add note"
    editor.text.setFocus()
    qtbot.keyClicks(editor.text, "Intern: @ben bitte Lizenz pruefen")
    with qtbot.waitSignal(editor.noteAdded, timeout=10000) as added:
        qtbot.keyClick(editor.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert rows(desk, tid) == []  # nothing goes out
    with desk.store.read() as s:
        note = s.get(Message, added.args[0])
        assert note is not None and note.kind is MessageKind.NOTE
        assert note.body_text.strip() == "Intern: @ben bitte Lizenz pruefen"


def test_draft_is_restored_after_the_widget_is_recreated(
    qtbot: QtBot,
    desk: Desk,
    reply_setup: ReplySetup,
    make_view: MakeView,
    drafts: DraftStore,
    tmp_path: Path,
) -> None:
    tid = mail_ticket(desk.store)
    first = make_view()
    editor = open_ticket(qtbot, first, tid)
    editor.text.setFocus()
    qtbot.mouseClick(editor.cc_toggle, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.cc, "chef@kunde.example")
    notes = tmp_path / "notes.txt"
    notes.write_text("Protokoll")
    editor.attach([notes])
    with qtbot.waitSignal(editor.saver.saved, timeout=5000):
        qtbot.keyClicks(editor.text, "Halb fertige Antwort")
    saved_at = editor.opened_at
    assert drafts.path(reply_setup.agent.agent_id, tid).is_file()
    first.shutdown()  # as when the window closes
    first.close()

    second = make_view()
    with qtbot.waitSignal(second.editor.restored, timeout=5000):
        open_ticket(qtbot, second, tid)
    restored = second.editor
    assert restored.text.toPlainText() == "Halb fertige Antwort"
    assert restored.cc.text() == "chef@kunde.example" and restored.cc.isVisible()
    assert [f.path for f in restored.attachments.files] == [notes]
    assert restored.opened_at == saved_at  # the collision check still counts from then

    # Discarding removes the draft for good.
    qtbot.mouseClick(restored.discard_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not drafts.path(reply_setup.agent.agent_id, tid).exists())
    assert restored.text.document().isEmpty()


# What Word 365 puts on the clipboard for two paragraphs, a list and a table, with a
# script and a tracking pixel added.
WORD_HTML = (Path(__file__).parent / "data" / "word_paste.html").read_text(encoding="utf-8")


def test_paste_from_word_keeps_formatting_and_drops_office_junk(
    qtbot: QtBot, desk: Desk, reply_setup: ReplySetup, make_view: MakeView
) -> None:
    tid = mail_ticket(desk.store)
    editor = open_ticket(qtbot, make_view(), tid)
    mime = QMimeData()
    mime.setHtml(WORD_HTML)
    mime.setText("Wichtig: bitte heute antworten")
    QApplication.clipboard().setMimeData(mime)
    editor.text.setFocus()
    qtbot.keyClick(editor.text, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    plain = editor.text.toPlainText()
    assert "Wichtig: bitte heute antworten" in plain.replace("\n", " ")
    assert "Erster Punkt" in plain and "·" not in plain and "alert" not in plain
    assert "Zelle A" in plain
    html, images = editor.reply_draft().body_html, editor.reply_draft().attachments
    assert images == ()
    for junk in ("mso", "Mso", "o:p", "Calibri", "Symbol", "script", "tracker.example", "<img"):
        assert junk not in html, junk
    assert "font-weight:700" in html  # bold kept
    assert "color:#ff0000" in html  # the red word kept
    assert html.count("<li") == 2 and "<ul" in html  # Word's fake list became a real one
    assert "<table" in html and "Zelle B" in html
