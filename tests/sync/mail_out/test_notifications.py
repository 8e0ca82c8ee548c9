"""Notifications: @mentions in notes and watchers, never the author, never twice."""

from __future__ import annotations

from sqlalchemy import select

from desk_gui.models import Agent, Notification, NotificationReason
from desk_gui.models.commands import Actor, AddMessage, AddWatcher, execute
from desk_gui.models.message import MessageKind
from desk_gui.models.reply_commands import (
    MarkNotificationsRead,
    mentioned_logins,
    unread_notifications,
)
from desk_gui.sync.mail_out import post_note
from desk_gui.sync.mail_out.notify import scan_notifications

from .conftest import Desk


def test_mentions_and_watchers(desk: Desk) -> None:
    with desk.store.write() as s:
        ben = Agent(login="ben.weber", name="Ben Weber")
        cem = Agent(login="cem", name="Cem Yilmaz")
        s.add_all([ben, cem])
        s.flush()
        ben_id, cem_id = ben.id, cem.id
    tid = desk.ticket()
    assert scan_notifications(desk.store) == 0  # the engine's pass: nobody watches yet
    execute(desk.store, AddWatcher(ticket_id=tid, agent_id=cem_id))
    execute(desk.store, AddWatcher(ticket_id=tid, agent_id=desk.anna.agent_id))  # type: ignore[arg-type]

    note = post_note(
        desk.store, tid, "<p>@ben.weber bitte übernehmen, Kopie an anna@desk.example.</p>",
        desk.anna,
    )  # fmt: skip
    with desk.store.read() as s:
        rows = {n.agent_id: n for n in s.scalars(select(Notification))}
    assert set(rows) == {ben_id, cem_id}  # Anna wrote it: no notification for her
    assert rows[ben_id].reason is NotificationReason.MENTION
    assert rows[cem_id].reason is NotificationReason.WATCHING
    assert rows[ben_id].message_uuid == note and "bitte übernehmen" in rows[ben_id].excerpt

    # A customer mail notifies the watchers, through the engine's pass; the pass adds
    # nothing twice for the note.
    mail = AddMessage(
        ticket_id=tid, kind=MessageKind.INBOUND_MAIL, body_text="Noch da?", from_addr="max@k.de"
    )
    execute(desk.store, mail)
    assert scan_notifications(desk.store) == 2  # Cem and Anna
    assert scan_notifications(desk.store) == 0
    with desk.store.read() as s:
        cem_unread = unread_notifications(s, cem_id)
        assert [n.excerpt for n in cem_unread] == ["Noch da?", rows[cem_id].excerpt]
    assert execute(desk.store, MarkNotificationsRead(agent_id=cem_id), Actor("Cem", cem_id)) == 2
    with desk.store.read() as s:
        assert unread_notifications(s, cem_id) == []


def test_mention_syntax() -> None:
    assert mentioned_logins("@anna und @Ben.Weber. mail@host.de @@x (@cem)") == {
        "anna",
        "ben.weber",
        "cem",
    }
