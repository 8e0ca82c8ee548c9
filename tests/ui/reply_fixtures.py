"""Data for the reply editor's tests, benchmark and screenshot: a sending mailbox, an
agent with a signature, a department layout and German/English templates.

Mailboxes, agents' signatures and layouts have no commands (admin work), so they are
rows; templates go through SaveTemplate like the settings page does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desk_gui.models import Agent, Group, Ticket
from desk_gui.models.commands import Actor, AddMessage, CreateTicket, execute
from desk_gui.models.mailbox import Mailbox, Security
from desk_gui.models.message import MessageKind
from desk_gui.models.party import Contact
from desk_gui.models.reply_commands import SaveTemplate
from desk_gui.models.store import Store
from desk_gui.sync.facade import Desk
from desk_gui.ui.drafts import DraftStore
from desk_gui.ui.reply_editor import ReplyEditor
from desk_gui.ui.tasks import Tasks
from desk_gui.ui.ticket_view import TicketView

from ..sync.mail_out.conftest import Sink, start_sink
from .seed import seed

LAYOUT = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'></head>"
    '<body><div class="frame">{{content}}</div>'
    "<p>{{group.name}} · Musterstadt GmbH</p></body></html>"
)
TEMPLATES = (
    ("gruss", "de", "<p>Hallo {{contact.first_name}},</p><p>vielen Dank für Ihre Nachricht.</p>"),
    ("gruss", "en", "<p>Hello {{contact.first_name}},</p><p>thank you for your message.</p>"),
    ("lizenz", "de", "<p>Ihre Lizenz für Ticket {{ticket.number}} ist unterwegs.</p>"),
)


@dataclass
class ReplySetup:
    store: Store
    mailbox_id: uuid.UUID
    agent: Actor
    group_id: uuid.UUID


def add_mailbox(
    store: Store, port: int, max_attachment_bytes: int = 20 * 1024 * 1024
) -> ReplySetup:
    """A mailbox sending through 127.0.0.1:port for every group; templates; signature."""
    with store.write() as s:
        agent = s.scalar(select(Agent).order_by(Agent.name).limit(1))
        group = s.scalar(select(Group).order_by(Group.name).limit(1))
        assert agent is not None and group is not None
        agent.signature_html = "<p>Viele Grüße<br>{{agent.name}}</p>"
        group.layout_html = LAYOUT
        box = Mailbox(
            name="support",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security=Security.NONE,
            from_addr="support@desk.example",
            max_attachment_bytes=max_attachment_bytes,
        )
        s.add(box)
        s.flush()
        setup = ReplySetup(store, box.id, Actor(agent.name, agent.id), group.id)
    for name, language, body in TEMPLATES:
        execute(store, SaveTemplate(template_name=name, language=language, body_html=body))
    return setup


def mail_ticket(
    store: Store,
    subject: str = "Drucker druckt nicht",
    body: str = "Seit heute zeigt der Drucker Fehler 50.2.",
    sender: str = "max.muster@kunde.example",
    name: str = "Max Muster",
    language: str | None = None,
    html: str | None = None,
) -> uuid.UUID:
    tid: uuid.UUID = execute(
        store,
        CreateTicket(
            subject=subject,
            body=body,
            body_html=html,
            from_addr=sender,
            from_name=name,
            message_id_header=f"<{uuid.uuid4()}@kunde.example>",
        ),
        Actor("mail"),
    )
    if language is not None:
        with store.write() as s:
            ticket = s.get(Ticket, tid)
            assert ticket is not None and ticket.contact_id is not None
            contact = s.get(Contact, ticket.contact_id)
            assert contact is not None
            contact.language = language
    return tid


def customer_writes(store: Store, ticket_id: uuid.UUID, text: str) -> uuid.UUID:
    msg: uuid.UUID = execute(
        store,
        AddMessage(
            ticket_id=ticket_id,
            kind=MessageKind.INBOUND_MAIL,
            body_text=text,
            from_addr="max.muster@kunde.example",
            message_id_header=f"<{uuid.uuid4()}@kunde.example>",
        ),
        Actor("mail"),
    )
    return msg


# --- pytest fixtures (import them into a test module to use them) -------------------------


@pytest.fixture(name="sink")
def fixture_sink() -> Iterator[Sink]:
    s = start_sink()
    yield s
    s.stop()


@pytest.fixture(name="reply_setup")
def fixture_reply_setup(sqlite_store: Store, sink: Sink, desk: Desk) -> ReplySetup:
    seed(sqlite_store, tickets=4, threads=False)
    setup = add_mailbox(sqlite_store, sink.port)
    desk.actor = setup.agent
    return setup


@pytest.fixture(name="drafts")
def fixture_drafts(tmp_path: Path) -> DraftStore:
    return DraftStore(tmp_path / "drafts")


@pytest.fixture(name="make_view")
def fixture_make_view(
    qtbot: QtBot, desk: Desk, drafts: DraftStore
) -> Iterator[Callable[[], TicketView]]:
    """Ticket views with the reply editor, shown; background failures fail the test."""
    made: list[TicketView] = []
    failures: list[str] = []

    def make() -> TicketView:
        tasks = Tasks()
        tasks.failed.connect(failures.append)
        view = TicketView(desk, tasks, drafts=drafts)
        view.tasks_ = tasks  # type: ignore[attr-defined]
        qtbot.addWidget(view)
        view.setMinimumSize(1000, 760)  # no size-hint warnings on the offscreen platform
        view.resize(1000, 760)
        view.show()
        made.append(view)
        return view

    yield make
    for view in made:
        view.shutdown()
        tasks = view.tasks_  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda t=tasks: t.running == 0, timeout=5000)
    assert failures == []


def open_ticket(qtbot: QtBot, view: TicketView, ticket_id: uuid.UUID) -> ReplyEditor:
    with qtbot.waitSignals([view.loaded, view.editor.contextLoaded], timeout=5000):
        view.show_ticket(ticket_id)
    # Shortcuts (Ctrl+B...) go to the active window's focus widget, as on a desktop.
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow, timeout=3000)
    return view.editor
