"""Two agents on one ticket, each at a desktop of their own on the same store: each sees
the other, and only one of them can send a reply at a time (DESIGN.md "Leases")."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desk_gui.models import Agent
from desk_gui.models.commands import Actor
from desk_gui.sync import presence
from desk_gui.sync.facade import Desk
from desk_gui.ui.drafts import DraftStore
from desk_gui.ui.i18n import Translations
from desk_gui.ui.tasks import Tasks
from desk_gui.ui.ticket_view import TicketView

from .reply_fixtures import (  # noqa: F401  (fixtures)
    ReplySetup,
    fixture_reply_setup,
    fixture_sink,
    mail_ticket,
    open_ticket,
)


@pytest.fixture
def desktops(
    qtbot: QtBot, desk: Desk, reply_setup: ReplySetup, tmp_path: Path
) -> Iterator[tuple[TicketView, TicketView]]:
    """Anna's and Ben's desktops: a Desk each (client id, writer thread) on one store.
    Shut down before they are closed, here, not by qtbot: Ben's draft is saved on a
    worker at shutdown, and the views must outlive that write."""
    with reply_setup.store.read() as s:
        ben = s.scalar(
            select(Agent).where(Agent.id != reply_setup.agent.agent_id).order_by(Agent.name)
        )
        assert ben is not None
        ben_desk = Desk(reply_setup.store, Actor(ben.name, ben.id))
    failures: list[str] = []
    views = []
    for who, on in (("anna", desk), ("ben", ben_desk)):
        tasks = Tasks()
        tasks.failed.connect(failures.append)
        view = TicketView(on, tasks, drafts=DraftStore(tmp_path / f"{who}-drafts"))
        view.setMinimumSize(1000, 760)  # no size-hint warnings on the offscreen platform
        view.resize(1000, 760)
        view.show()
        view.tasks_ = tasks  # type: ignore[attr-defined]
        views.append((view, tasks))
    yield views[0][0], views[1][0]
    for view, tasks in views:
        view.shutdown()
        qtbot.waitUntil(
            lambda v=view, t=tasks: t.running == 0 and not v.editor.saver._writing, timeout=5000
        )
        view.close()
        view.deleteLater()
    assert failures == []
    ben_desk._writer.shutdown(wait=True)  # the store is the fixture's: only the threads
    ben_desk._readers.shutdown(wait=True)


def test_the_second_agent_sees_who_replies_and_waits_until_it_is_sent(
    qtbot: QtBot,
    reply_setup: ReplySetup,
    desktops: tuple[TicketView, TicketView],
    translations: Translations,
) -> None:
    tid = mail_ticket(reply_setup.store)
    anna, ben = desktops
    anna_name = reply_setup.agent.name
    ben_name = ben._desk.actor.name
    open_ticket(qtbot, anna, tid)
    open_ticket(qtbot, ben, tid)

    anna.beat()  # (every 20 s on its own; both desktops have beaten once on opening)
    qtbot.waitUntil(lambda: anna.presence.text() == f"Also open at: {ben_name}", timeout=5000)
    assert anna.presence.isVisible()

    qtbot.keyClicks(anna.editor.text, "Guten Tag Herr Muster")  # her first edit claims
    qtbot.waitUntil(lambda: anna.editor.lease_epoch is not None, timeout=5000)

    ben.beat()
    qtbot.waitUntil(
        lambda: ben.presence.text() == f"{anna_name} is replying to this ticket", timeout=5000
    )
    qtbot.keyClicks(ben.editor.text, "Hallo")
    qtbot.waitUntil(lambda: ben.editor.blocked_by == anna_name, timeout=5000)
    assert not ben.editor.send_button.isEnabled()
    assert ben.heartbeat.interval() == 5000  # waiting: he hears sooner when it is free
    assert ben.editor.message.text().startswith(f"{anna_name} is replying to this ticket.")
    assert ben.editor.text.toPlainText() == "Hallo"  # kept: his draft is not lost

    translations.apply("de")
    qtbot.waitUntil(
        lambda: ben.presence.text() == f"{anna_name} antwortet gerade auf dieses Ticket",
        timeout=3000,
    )
    translations.apply("en")

    with qtbot.waitSignal(anna.editor.queued, timeout=10000):
        qtbot.mouseClick(anna.editor.send_button, Qt.MouseButton.LeftButton)
    # The ticket is free again: within Ben's next (5-s) heartbeat his lease and his
    # send button are back, with no click of his.
    qtbot.waitUntil(lambda: ben.editor.blocked_by is None, timeout=8000)
    assert ben.heartbeat.interval() == 20000
    assert ben.editor.lease_epoch is not None
    assert ben.editor.send_button.isEnabled()
    assert not ben.editor.message.isVisible()


def test_leaving_a_ticket_removes_the_desktop_from_its_presence(
    qtbot: QtBot,
    reply_setup: ReplySetup,
    desktops: tuple[TicketView, TicketView],
) -> None:
    tid, other = mail_ticket(reply_setup.store), mail_ticket(reply_setup.store, "Zweites")
    anna, ben = desktops
    open_ticket(qtbot, ben, tid)
    open_ticket(qtbot, anna, tid)
    qtbot.waitUntil(lambda: anna.presence.isVisible(), timeout=5000)
    open_ticket(qtbot, ben, other)  # his next beat leaves the first ticket
    qtbot.waitUntil(lambda: ben.presence.text() == "", timeout=5000)
    anna.beat()
    qtbot.waitUntil(lambda: not anna.presence.isVisible(), timeout=5000)
    assert anna.presence.text() == ""
    assert isinstance(anna.ticket_id, uuid.UUID)


def test_switching_tickets_mid_reply_takes_no_lease_on_the_next_ticket(
    qtbot: QtBot,
    reply_setup: ReplySetup,
    desktops: tuple[TicketView, TicketView],
) -> None:
    """The first beat after a switch comes before the editor has the new ticket: it
    must not claim the new ticket's reply with the old ticket's draft."""
    tid, other = mail_ticket(reply_setup.store), mail_ticket(reply_setup.store, "Zweites")
    anna, ben = desktops
    open_ticket(qtbot, anna, tid)
    qtbot.keyClicks(anna.editor.text, "Guten Tag")
    qtbot.waitUntil(lambda: anna.editor.lease_epoch is not None, timeout=5000)
    open_ticket(qtbot, anna, other)
    qtbot.waitUntil(lambda: anna.tasks_.running == 0, timeout=5000)  # type: ignore[attr-defined]
    with reply_setup.store.read() as s:
        for ticket in (tid, other):  # the first freed by leaving it, the second never taken
            assert presence.presence(s, ticket, ben._desk.holder).replying is None
