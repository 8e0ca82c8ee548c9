"""German and English catalogs: complete, compiled, chosen by locale, switchable live."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from desk_gui.models.commands import QT_TRANSLATE_NOOP, CommandError
from desk_gui.models.ticket import Status
from desk_gui.sync.facade import Desk
from desk_gui.ui import i18n, labels
from desk_gui.ui.i18n import Translations
from desk_gui.ui.main_window import MainWindow
from desk_gui.ui.ticket_list_model import Column

from .conftest import wait_loaded
from .seed import Seeded

ROOT = Path(__file__).resolve().parents[2]
TS_DIR = ROOT / "resources" / "translations"


def unfinished(ts: Path) -> list[str]:
    messages = ET.parse(ts).getroot().iter("message")
    return [
        m.findtext("source") or ""
        for m in messages
        if m.find("translation") is not None
        and m.find("translation").get("type") in ("unfinished", "vanished", "obsolete")  # type: ignore[union-attr]
    ]


def test_every_string_of_the_ui_has_a_german_translation(tmp_path: Path) -> None:
    # Re-extract from today's sources into a copy: a new string without translation
    # shows up as unfinished, a translation whose string is gone as dropped.
    copy = tmp_path / "desk_de.ts"
    shutil.copy(TS_DIR / "desk_de.ts", copy)
    subprocess.run(
        [
            shutil.which("pyside6-lupdate") or "pyside6-lupdate",
            "-silent",
            "-no-obsolete",
            "-extensions",
            "py",
            str(ROOT / "desk_gui" / "ui"),
            str(ROOT / "desk_gui" / "models"),  # refusals of commands
            str(ROOT / "desk_gui" / "sync"),
            "-ts",
            str(copy),
        ],
        check=True,
    )
    assert unfinished(copy) == [], "run resources/translations/update.sh and translate"
    assert len(list(ET.parse(copy).getroot().iter("message"))) > 100


def test_the_committed_catalogs_are_compiled_from_the_sources(tmp_path: Path) -> None:
    for lang in i18n.LANGUAGES:
        out = tmp_path / f"desk_{lang}.qm"
        lrelease = shutil.which("pyside6-lrelease") or "pyside6-lrelease"
        subprocess.run(
            [lrelease, "-silent", str(TS_DIR / f"desk_{lang}.ts"), "-qm", str(out)], check=True
        )
        assert out.read_bytes() == (TS_DIR / f"desk_{lang}.qm").read_bytes(), lang


def test_a_german_system_locale_gives_a_german_ui(tmp_path: Path) -> None:
    code = (
        "from PySide6.QtCore import QCoreApplication, QSettings\n"
        "from desk_gui.ui import i18n\n"
        "app = QCoreApplication([])\n"
        "settings = QSettings(r'%s', QSettings.Format.IniFormat)\n"
        "t = i18n.Translations(app)\n"
        "assert t.apply(i18n.chosen_language(settings))\n"
        "print(t.language, QCoreApplication.translate('Navigation', 'My tickets'))\n"
    ) % (tmp_path / "empty.ini")
    env = {**os.environ, "LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8", "LANGUAGE": ""}
    german = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert german.stdout.split() == ["de", "Meine", "Tickets"]
    env = {**env, "LANG": "en_GB.UTF-8", "LC_ALL": "en_GB.UTF-8"}
    english = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert english.stdout.split() == ["en", "My", "tickets"]


def test_the_language_menu_switches_the_window_live(
    qtbot: QtBot,
    desk: Desk,
    seeded: Seeded,
    translations: Translations,
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(desk, translations)
    wait_loaded(qtbot, window)
    window.navigation.select("all")
    wait_loaded(qtbot, window)
    window.list.selectRow(0)
    qtbot.waitUntil(lambda: window.ticket.page is not None, timeout=5000)
    model = window.model
    assert model.headerData(Column.SUBJECT, Qt.Orientation.Horizontal) == "Subject"

    window.action_table["lang_de"].trigger()
    assert window.settings.value(i18n.SETTING) == "de"
    qtbot.waitUntil(lambda: window.action_table.menus["file"].title() == "&Datei")
    assert window.action_table["quit"].text() == "&Beenden"
    assert model.headerData(Column.SUBJECT, Qt.Orientation.Horizontal) == "Betreff"
    assert model.headerData(Column.ASSIGNMENT, Qt.Orientation.Horizontal) == "Zuweisung"
    statuses = {model.data(model.index(r, Column.STATUS)) for r in range(model.rowCount())}
    assert statuses & {"Neu", "Offen", "Gelöst", "Geschlossen", "Warten auf Kunde"}
    nav = window.navigation
    assert nav.topLevelItem(0).text(0) == "Meine Tickets"  # type: ignore[union-attr]
    assert window.windowTitle() == "Alle Tickets — Desk"
    assert window.status.count.text() == "40 Tickets"
    assert window.status.agent_label.text() == "Bearbeiter:"
    assert window.search.placeholderText().startswith("Betreff, Text")
    panel = window.ticket.properties
    assert panel.tag_add.text() == "Hinzufügen"
    assert window.ticket.tabs.tabText(1).startswith("Historie")
    assert "Eingehende E-Mail" in window.ticket.conversation.toHtml()

    window.action_table["lang_en"].trigger()
    qtbot.waitUntil(lambda: window.action_table.menus["file"].title() == "&File")
    assert model.headerData(Column.SUBJECT, Qt.Orientation.Horizontal) == "Subject"
    assert nav.topLevelItem(0).text(0) == "My tickets"  # type: ignore[union-attr]


def test_a_refused_command_reads_in_the_ui_language(qtbot: QtBot) -> None:
    """Commands raise English templates; the desktop fills in translated text and
    translated enum values (the CLI prints the English)."""
    app = QApplication.instance()
    assert app is not None
    error = CommandError(
        QT_TRANSLATE_NOOP("CommandError", "a ticket in status {old} cannot become {new}"),
        old=Status.CLOSED,
        new=Status.RESOLVED,
    )
    assert str(error) == "a ticket in status closed cannot become resolved"
    translations = Translations(app)
    translations.apply("de")
    try:
        assert labels.refusal(error) == (
            f"ein Ticket im Status {labels.status_label(Status.CLOSED)} kann nicht "
            f"{labels.status_label(Status.RESOLVED)} werden"
        )
        assert labels.status_label(Status.CLOSED) != "Closed"
        assert labels.refusal(CommandError("a reply needs a text")) == (
            "eine Antwort braucht einen Text"
        )
        assert labels.refusal(ValueError("plain")) == "plain"
    finally:
        translations.apply("en")
    assert labels.refusal(error) == "a ticket in status Closed cannot become Resolved"
