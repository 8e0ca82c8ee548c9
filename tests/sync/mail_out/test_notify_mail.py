"""Notifications by mail: opted-in agents get one internal mail per notification, sent by
the outbox to the SMTP sink, marked Auto-Submitted; opted-out agents get none."""

from __future__ import annotations

import uuid
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from sqlalchemy import select

from desk_gui.cli.main import main
from desk_gui.models import Agent
from desk_gui.models.commands import AddMessage, AddWatcher, execute
from desk_gui.models.message import MessageKind
from desk_gui.models.outbound import Notification
from desk_gui.models.store import Store
from desk_gui.sync.mail_out import drain_outbox, post_note
from desk_gui.sync.mail_out.notify_mail import mail_opt_in, set_mail_opt_in

from ..mail_in.conftest import MemorySecrets
from .conftest import Desk, Sink


def _agent(store: Store, login: str, email_addr: str | None) -> uuid.UUID:
    with store.write() as s:
        agent = Agent(login=login, name=login.title(), email=email_addr)
        s.add(agent)
        s.flush()
        return agent.id


def _parsed(sink: Sink) -> list[EmailMessage]:
    parser = BytesParser(_class=EmailMessage, policy=policy.default)
    return [parser.parsebytes(r.content) for r in sink.received]


def _text(mail: EmailMessage) -> str:
    body = mail.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def test_opted_in_watcher_mailed_once_per_notification(desk: Desk, sink: Sink) -> None:
    ben = _agent(desk.store, "ben", "ben@desk.example")
    cem = _agent(desk.store, "cem", "cem@desk.example")
    with desk.store.write() as s:
        set_mail_opt_in(s, ben, True)
        set_mail_opt_in(s, cem, False)
    tid = desk.ticket()
    execute(desk.store, AddWatcher(ticket_id=tid, agent_id=ben))
    execute(desk.store, AddWatcher(ticket_id=tid, agent_id=cem))
    post_note(desk.store, tid, "<p>@ben bitte den Drucker prüfen</p>", desk.anna)
    execute(
        desk.store,
        AddMessage(
            ticket_id=tid, kind=MessageKind.INBOUND_MAIL, body_text="Noch da?", from_addr="max@k.de"
        ),
    )
    secrets = MemorySecrets()
    first = drain_outbox(desk.store, secrets, acknowledge=False)
    second = drain_outbox(desk.store, secrets, acknowledge=False)
    third = drain_outbox(desk.store, secrets, acknowledge=False)

    assert second.sent == 0 and third.sent == 0
    with desk.store.read() as s:
        notes = list(s.scalars(select(Notification).where(Notification.agent_id == ben)))
        cem_notes = list(s.scalars(select(Notification).where(Notification.agent_id == cem)))
    # The ticket's first message, the note and the customer's mail: one mail each.
    assert len(notes) == 3 and len(cem_notes) == 3  # the app still shows Cem's
    assert first.sent == 3
    mails = _parsed(sink)
    assert [r.rcpt_tos for r in sink.received] == [["ben@desk.example"]] * 3
    assert all("max@" not in ",".join(r.rcpt_tos) for r in sink.received)  # never a customer
    for m in mails:
        assert m["Auto-Submitted"] == "auto-generated"
        assert m["To"] == "ben@desk.example"
        assert "[#" in m["Subject"]
    mention = next(m for m in mails if "mentioned you" in m["Subject"])
    text = _text(mention)
    assert "Anna Schmidt" in text and "bitte den Drucker prüfen" in text
    assert any("Noch da?" in _text(m) for m in mails)


def test_opted_out_agent_gets_no_mail(desk: Desk, sink: Sink) -> None:
    ben = _agent(desk.store, "ben", "ben@desk.example")
    tid = desk.ticket()
    execute(desk.store, AddWatcher(ticket_id=tid, agent_id=ben))
    post_note(desk.store, tid, "<p>@ben schau mal</p>", desk.anna)
    report = drain_outbox(desk.store, MemorySecrets(), acknowledge=False)
    assert report.sent == 0
    assert sink.received == []
    with desk.store.read() as s:
        assert s.scalar(select(Notification).where(Notification.agent_id == ben)) is not None


def test_cli_switch(sqlite_store: Store) -> None:
    ben = _agent(sqlite_store, "ben", "ben@desk.example")
    _agent(sqlite_store, "nomail", None)
    url = str(sqlite_store.url)
    assert main(["agent", "notify", "BEN", "--mail", "on", "--db", url]) == 0
    with sqlite_store.read() as s:
        assert mail_opt_in(s, ben)
    assert main(["agent", "notify", "ben", "--mail", "off", "--db", url]) == 0
    with sqlite_store.read() as s:
        assert not mail_opt_in(s, ben)
    assert main(["agent", "notify", "nomail", "--mail", "on", "--db", url]) == 1
    assert main(["agent", "notify", "nobody", "--mail", "on", "--db", url]) == 1
