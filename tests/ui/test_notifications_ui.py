"""The notification bell: a colleague's @mention shows up with a count, a desktop message
(where a tray exists) and a list entry that opens the ticket and marks it read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desk_gui.models import Agent, queries
from desk_gui.models.commands import Actor
from desk_gui.sync.facade import Desk, TicketChange
from desk_gui.sync.mail_out import post_note
from desk_gui.ui.notifications import NotificationBell
from desk_gui.ui.tasks import Tasks

from .reply_fixtures import ReplySetup, fixture_reply_setup, fixture_sink, mail_ticket  # noqa: F401


@pytest.fixture
def bell(qtbot: QtBot, desk: Desk) -> Iterator[NotificationBell]:
    tasks = Tasks()
    failures: list[str] = []
    tasks.failed.connect(failures.append)
    widget = NotificationBell(desk, tasks)
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()
    qtbot.waitUntil(lambda: tasks.running == 0, timeout=5000)
    assert failures == []


def test_a_mention_rings_the_bell_and_opens_the_ticket(
    qtbot: QtBot, desk: Desk, reply_setup: ReplySetup, bell: NotificationBell
) -> None:
    with desk.store.read() as s:
        ben = s.scalar(select(Agent).where(Agent.login == "ben"))
        assert ben is not None
        ben_actor = Actor(ben.name, ben.id)
    desk.actor = ben_actor  # Ben is at this desk
    with qtbot.waitSignal(bell.changed, timeout=5000) as first:
        bell.refresh()
    assert first.args == [0] and bell.text() == ""
    assert bell.toolTip() == "No unread notifications"

    # Anna (elsewhere) mentions Ben in a note; the change event reaches this desk.
    tid = mail_ticket(desk.store)
    post_note(desk.store, tid, "<p>@ben kannst du das übernehmen?</p>", reply_setup.agent)
    with desk.store.read() as s:
        row = queries.row(s, tid)
        assert row is not None
        label = row.label
    announced: list[tuple[str, str]] = []
    bell.announced.connect(lambda title, text: announced.append((title, text)))
    with qtbot.waitSignal(bell.changed, timeout=5000) as rang:
        desk.notify(TicketChange(tid, row, "add_note"))
    assert rang.args == [1] and bell.text() == "1"
    assert bell.toolTip() == "1 unread notification(s)"
    assert announced == [(f"Anna Blume mentioned you in {label}", "@ben kannst du das übernehmen?")]
    assert bell.tray is None  # offscreen: no system tray, the message is skipped

    entry = next(a for a in bell.list.actions() if a.text().startswith("Anna Blume"))
    with (
        qtbot.waitSignal(bell.ticketChosen, timeout=5000) as chosen,
        qtbot.waitSignal(bell.changed, timeout=5000) as after,
    ):
        entry.trigger()
    assert chosen.args == [tid] and after.args == [0] and bell.text() == ""
