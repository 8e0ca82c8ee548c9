"""The demo, as a support team first sees it: File → Templates, the reply editor's
template picker and Settings → Trigger rules show the demo's own entries."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desk_gui.models import Agent, Ticket
from desk_gui.models.commands import Actor
from desk_gui.models.demo import populate
from desk_gui.models.demo_replies import LAYOUT_GROUP, TEMPLATES
from desk_gui.models.party import Contact
from desk_gui.models.store import Store
from desk_gui.sync.facade import Desk
from desk_gui.ui.main_window import MainWindow
from desk_gui.ui.settings_templates import TemplateSettings
from desk_gui.ui.ticket_view import TicketView
from desk_gui.ui.trigger_settings import TriggerSettings

from .reply_fixtures import fixture_drafts, fixture_make_view, open_ticket  # noqa: F401

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support raise", "This plugin does not support grabbing"
)


@pytest.fixture
def demo(sqlite_store: Store) -> Store:
    populate(sqlite_store, 40, seed=4, now=NOW)
    return sqlite_store


def test_the_templates_dialog_shows_the_demos_templates_signature_and_layout(
    qtbot: QtBot, demo: Store, desk: Desk, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(desk)
    agent_id = desk.actor.agent_id  # the window signs in as a demo agent
    window.action_table["templates"].trigger()
    dialog = window.findChild(TemplateSettings)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.list.count() == len(TEMPLATES), timeout=5000)
    shown = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert shown[:2] == ["anrede (de)", "anrede (en)"]
    assert {"sperrmuell-termin (de)", "rechnung-korrigiert (en)"} <= set(shown)
    assert dialog.name.text() == "anrede" and "Guten Tag" in dialog.body.toPlainText()

    with demo.read() as s:
        agent = s.get(Agent, agent_id)
        assert agent is not None
        name = agent.name
    assert name in dialog.signature.toPlainText()
    assert "service@desk.example" in dialog.signature.toPlainText()
    assert dialog.group.currentText() == LAYOUT_GROUP
    assert "{{content}}" in dialog.layout_html.toPlainText()
    dialog.close()


def test_the_trigger_dialog_lists_the_demos_rules(
    qtbot: QtBot, demo: Store, desk: Desk, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(desk)
    window.action_table["triggers"].trigger()
    qtbot.waitUntil(lambda: isinstance(getattr(window, "triggers", None), TriggerSettings))
    dialog: TriggerSettings = window.triggers
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=5000)
    rows = [
        [item.text() for c in range(5) if (item := dialog.table.item(r, c)) is not None]
        for r in range(2)
    ]
    assert rows == [
        ["Kunde schreibt „dringend“", "Customer replied", "Keyword: dringend, urgent",
         "Set priority: High; Notify: Assignee", "yes"],
        ["Platinum-Vertrag: SLA-Stufe erreicht", "SLA level reached", "Contract level: Platinum",
         "Set priority: Urgent; Add tag: sla-eskalation", "yes"],
    ]  # fmt: skip
    dialog.close()


def test_the_picker_inserts_a_demo_template_for_the_ticket(
    qtbot: QtBot, demo: Store, desk: Desk, make_view: Callable[[], TicketView]
) -> None:
    with demo.read() as s:
        ticket = s.scalars(
            select(Ticket)
            .join(Contact, Contact.id == Ticket.contact_id)
            .where(Contact.language == "en", Ticket.assignee_id.is_not(None))
            .order_by(Ticket.number)
            .limit(1)
        ).one()
        assert ticket.contact is not None and ticket.assignee_id is not None
        agent = s.get(Agent, ticket.assignee_id)
        assert agent is not None
        tid: uuid.UUID = ticket.id
        first, number, agent_name = ticket.contact.name.split()[0], ticket.number, agent.name
        desk.actor = Actor(agent.name, agent.id)
    editor = open_ticket(qtbot, make_view(), tid)
    menu = editor.templates.menu_
    qtbot.waitUntil(lambda: any(a.data() == "anrede" for a in menu.actions()), timeout=5000)
    names = {a.data(): a for a in menu.actions()}
    assert set(names) == {t.name for t in TEMPLATES}
    assert names["rechnung-korrigiert"].text() == "rechnung-korrigiert  (de, en)"
    assert names["rechnung-korrigiert"].toolTip() == (
        "Korrigierte Rechnung zu Vorgang {{ticket.number}}"
    )
    with qtbot.waitSignal(editor.templateInserted, timeout=5000) as inserted:
        names["anrede"].trigger()
    assert inserted.args == ["en"]
    text = editor.text.toPlainText()
    assert text.startswith(f"Hello {first},")
    assert f"My name is {agent_name}" in text and f"case number {number}" in text
