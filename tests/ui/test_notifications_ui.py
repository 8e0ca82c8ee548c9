"""The notification bell: a colleague's @mention shows up with a count, a desktop message
(where a tray exists) and a list entry that opens the ticket and marks it read; a burst
of them pops up once, as a summary."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desk_gui.models import Agent, queries
from desk_gui.models.commands import Actor
from desk_gui.models.outbound import NotificationReason
from desk_gui.sync.facade import Desk, TicketChange
from desk_gui.sync.mail_out import post_note
from desk_gui.ui.i18n import Translations
from desk_gui.ui.notifications import NotificationBell, NotificationItem, read_notifications
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


def _ben_at_the_desk(qtbot: QtBot, desk: Desk, bell: NotificationBell) -> Actor:
    with desk.store.read() as s:
        ben = s.scalar(select(Agent).where(Agent.login == "ben"))
        assert ben is not None
        actor = Actor(ben.name, ben.id)
    desk.actor = actor
    with qtbot.waitSignal(bell.changed, timeout=5000):
        bell.refresh()  # the first read: what waits already is listed, not announced
    return actor


def _mention(desk: Desk, reply_setup: ReplySetup, n: int) -> str:
    """`n` notes of Anna's mentioning Ben in one ticket; returns its label."""
    tid = mail_ticket(desk.store)
    for i in range(n):
        post_note(desk.store, tid, f"<p>@ben Nummer {i}</p>", reply_setup.agent)
    with desk.store.read() as s:
        row = queries.row(s, tid)
        assert row is not None
        return row.label


def _announced(qtbot: QtBot, bell: NotificationBell) -> list[tuple[str, str]]:
    """What one read of the bell pops up."""
    shown: list[tuple[str, str]] = []
    bell.announced.connect(lambda title, text: shown.append((title, text)))
    with qtbot.waitSignal(bell.changed, timeout=5000):
        bell.refresh()
    bell.announced.disconnect()
    return shown


def test_a_burst_of_notifications_pops_up_once_and_a_few_one_by_one(
    qtbot: QtBot, desk: Desk, reply_setup: ReplySetup, bell: NotificationBell
) -> None:
    ben = _ben_at_the_desk(qtbot, desk, bell)
    label = _mention(desk, reply_setup, 12)
    newest = f"Anna Blume mentioned you in {label}"
    assert _announced(qtbot, bell) == [("12 new notifications", f"The newest: {newest}")]
    # The bell's count and list keep every one of them.
    assert bell.count == 12 and bell.text() == "12" and len(bell.items) == 12
    entries = [a for a in bell.list.actions() if a.text().startswith("Anna Blume")]
    assert [e.text().split("\n")[1] for e in entries] == [
        f"@ben Nummer {i}" for i in reversed(range(12))
    ]
    assert _announced(qtbot, bell) == []  # announced once only

    _mention(desk, reply_setup, 2)
    two = _announced(qtbot, bell)
    assert [text for _, text in two] == ["@ben Nummer 0", "@ben Nummer 1"]  # oldest first
    assert bell.count == 14

    # Beyond the list's length, the count still has them all.
    assert ben.agent_id is not None
    with desk.store.read() as s:
        read = read_notifications(s, ben.agent_id, limit=5)
    assert read.unread == 14 and len(read.items) == 5


def test_the_burst_summary_is_worded_in_german(
    qtbot: QtBot,
    desk: Desk,
    reply_setup: ReplySetup,
    bell: NotificationBell,
    translations: Translations,
) -> None:
    translations.apply("de")
    _ben_at_the_desk(qtbot, desk, bell)
    label = _mention(desk, reply_setup, 4)
    assert _announced(qtbot, bell) == [
        ("4 neue Benachrichtigungen", f"Die neueste: Anna Blume hat Sie in {label} erwähnt")
    ]
    assert bell.count == 4 and bell.toolTip() == "4 ungelesene Benachrichtigung(en)"


def test_a_message_without_sender_is_someone_in_the_bell(
    bell: NotificationBell, translations: Translations
) -> None:
    item = NotificationItem(
        id=uuid.uuid4(),
        ticket_id=uuid.uuid4(),
        ticket_label="#10234",
        subject="Drucker",
        reason=NotificationReason.WATCHING,
        actor="",  # notify.py: the message names no sender
        excerpt="Noch da?",
        created_at=datetime.now(UTC),
    )
    assert bell._title(item) == "Someone wrote in #10234"
    translations.apply("de")
    assert bell._title(item) == "Jemand hat in #10234 geschrieben"
