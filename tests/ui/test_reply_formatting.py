"""Formatting in the reply editor reaches the HTML that is sent; a browser paste keeps
what a reader sees; recipients complete from the contacts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QMimeData, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desk_gui.sync.facade import Desk
from desk_gui.ui.reply_editor import ReplyEditor
from desk_gui.ui.ticket_view import TicketView

from .reply_fixtures import (  # noqa: F401 (fixtures by name)
    ReplySetup,
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


def sent_html(editor: ReplyEditor) -> str:
    return editor.reply_draft().body_html


def test_headings_italic_underline_links_and_quotes_are_sent(
    qtbot: QtBot, desk: Desk, reply_setup: ReplySetup, make_view: MakeView
) -> None:
    editor = open_ticket(qtbot, make_view(), mail_ticket(desk.store))
    text = editor.text
    text.setFocus()
    editor.heading.setCurrentIndex(2)
    editor.heading.activated.emit(2)
    qtbot.keyClicks(text, "Zusammenfassung")
    qtbot.keyClick(text, Qt.Key.Key_Return)
    editor.heading.setCurrentIndex(0)
    editor.heading.activated.emit(0)
    qtbot.keyClick(text, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(text, "schraeg")
    qtbot.keyClick(text, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(text, " und ")
    qtbot.keyClick(text, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(text, "unterstrichen")
    qtbot.keyClick(text, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(text, " siehe ")
    text.insert_link("https://desk.example/hilfe", "Hilfe")
    qtbot.keyClick(text, Qt.Key.Key_Return)
    qtbot.keyClicks(text, "Zitierter Satz")
    editor.actions_["quote"].trigger()
    assert text.is_quote()
    editor.actions_["numbers"].trigger()
    qtbot.keyClicks(text, "eins")

    html = sent_html(editor)
    assert "<h2" in html and "Zusammenfassung" in html
    assert "font-style:italic" in html and "text-decoration:underline" in html
    assert 'href="https://desk.example/hilfe"' in html and ">Hilfe<" in html
    assert "background-color:#eef1f5" in html  # the quote's panel survives sanitizing
    assert "<ol" in html and "eins" in html


def test_quoting_the_customer_keeps_tables_and_drops_foreign_images(
    qtbot: QtBot, desk: Desk, reply_setup: ReplySetup, make_view: MakeView
) -> None:
    tid = mail_ticket(
        desk.store,
        body="Tabelle",
        html=(
            "<p>Fehler:</p><table border='1'><tr><td>50.2</td><td>HP</td></tr></table>"
            "<img src='cid:logo@kunde'><img src='https://tracker.example/p.gif'>"
        ),
    )
    editor = open_ticket(qtbot, make_view(), tid)
    qtbot.mouseClick(editor.toolbar.widgetForAction(editor.actions_["quote_last"]),
                     Qt.MouseButton.LeftButton)  # fmt: skip
    plain = editor.text.toPlainText()
    assert "Max Muster wrote:" in plain and "Fehler:" in plain
    html = sent_html(editor)
    assert "<table" in html and "50.2" in html and "background-color:#eef1f5" in html
    assert "cid:logo@kunde" not in html and "tracker.example" not in html
    assert editor.reply_draft().attachments == ()


def test_a_browser_paste_keeps_colour_and_links_but_not_fonts(
    qtbot: QtBot, desk: Desk, reply_setup: ReplySetup, make_view: MakeView
) -> None:
    editor = open_ticket(qtbot, make_view(), mail_ticket(desk.store))
    mime = QMimeData()
    mime.setHtml(
        "<meta charset='utf-8'><span style=\"color: rgb(198, 40, 40); font-family: Arial; "
        'font-size: 14px; line-height: 20px;">Achtung</span> <a href="https://x.example" '
        "onclick=\"steal()\" style='font-family: Roboto'>Anleitung</a>"
        "<style>body{background:red}</style>"
    )
    QApplication.clipboard().setMimeData(mime)
    editor.text.setFocus()
    qtbot.keyClick(editor.text, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    html = sent_html(editor)
    assert "Achtung" in html and 'href="https://x.example"' in html
    assert "#c62828" in html  # the colour stays
    for junk in ("Arial", "Roboto", "14px", "line-height", "onclick", "steal", "background:red"):
        assert junk not in html, junk


def test_recipients_complete_from_the_contacts(
    qtbot: QtBot, desk: Desk, reply_setup: ReplySetup, make_view: MakeView
) -> None:
    mail_ticket(desk.store, sender="erika.mustermann@musterhausen.de", name="Erika Mustermann")
    editor = open_ticket(qtbot, make_view(), mail_ticket(desk.store))
    completer = editor.cc.address_completer
    qtbot.waitUntil(lambda: completer.model() is not None and completer.model().rowCount() >= 2)
    editor.cc.setText("chef@kunde.example, erika")
    completer.setCompletionPrefix(completer.splitPath(editor.cc.text())[0])
    assert completer.completionCount() == 1
    index = completer.completionModel().index(0, 0)
    assert index.data() == "Erika Mustermann <erika.mustermann@musterhausen.de>"
    completion = completer.pathFromIndex(index)
    assert completion == "chef@kunde.example, erika.mustermann@musterhausen.de, "
    editor.cc.setText(completion)
    assert editor.reply_draft().cc == ("chef@kunde.example", "erika.mustermann@musterhausen.de")
