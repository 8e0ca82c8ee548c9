"""Notifications by mail: opted-in agents get one internal mail per notification, sent by
the outbox to the SMTP sink, marked Auto-Submitted; opted-out agents get none."""

from __future__ import annotations

import uuid
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from desk_gui.cli.main import main
from desk_gui.models import Agent, Group
from desk_gui.models.commands import AddMessage, AddWatcher, execute
from desk_gui.models.message import Message, MessageKind
from desk_gui.models.meta import put_setting
from desk_gui.models.outbound import Notification, NotificationReason
from desk_gui.models.sla import BusinessCalendar
from desk_gui.models.store import Store
from desk_gui.models.ticket import Ticket
from desk_gui.sync.mail_out import drain_outbox, post_note
from desk_gui.sync.mail_out.notify_mail import mail_opt_in, set_mail_opt_in

from ..mail_in.conftest import MemorySecrets
from .conftest import Desk, Sink


def _agent(
    store: Store, login: str, email_addr: str | None, language: str | None = None
) -> uuid.UUID:
    with store.write() as s:
        agent = Agent(login=login, name=login.title(), email=email_addr)
        if language is not None:  # else the default, German
            agent.language = language
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
    ben = _agent(desk.store, "ben", "ben@desk.example", "en")
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


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _html(mail: EmailMessage) -> str:
    body = mail.get_body(("html",))
    assert body is not None
    return str(body.get_content())


def _created(store: Store, agent_id: uuid.UUID, reason: NotificationReason) -> datetime:
    with store.read() as s:
        at = s.scalar(
            select(Notification.created_at).where(
                Notification.agent_id == agent_id, Notification.reason == reason
            )
        )
    assert at is not None
    return at.astimezone(ZoneInfo("Europe/Berlin"))  # no calendar: Desk's default zone


def test_each_agent_reads_the_mail_in_their_language(desk: Desk, sink: Sink) -> None:
    """Ben reads English, Cem German (the default): subject, both parts, the reason
    line and the time, for a mention and for a watched ticket's new message."""
    ben = _agent(desk.store, "ben", "ben@desk.example", "en")
    cem = _agent(desk.store, "cem", "cem@desk.example")
    tid = desk.ticket()
    for agent in (ben, cem):
        with desk.store.write() as s:
            set_mail_opt_in(s, agent, True)
        execute(desk.store, AddWatcher(ticket_id=tid, agent_id=agent))
    with desk.store.write() as s:  # no mails for the ticket's first message
        put_setting(s, "notify_cursor_seq", str(s.scalar(select(func.max(Message.seq)))))
    post_note(desk.store, tid, "<p>@ben @cem bitte den Drucker prüfen</p>", desk.anna)
    execute(
        desk.store,
        AddMessage(ticket_id=tid, kind=MessageKind.INBOUND_MAIL, body_text="Noch da?",
                   from_addr="max@kunde.example"),
    )  # fmt: skip
    assert drain_outbox(desk.store, MemorySecrets(), acknowledge=False).sent == 4
    with desk.store.read() as s:
        ticket = s.get(Ticket, tid)
        assert ticket is not None and ticket.number is not None
    n = ticket.number
    mails: dict[tuple[str, str], EmailMessage] = {}
    for m in _parsed(sink):
        kind = "mention" if "prüfen" in _text(m) else "watching"
        mails[(str(m["To"]), kind)] = m

    at = _created(desk.store, ben, NotificationReason.MENTION)
    en = mails[("ben@desk.example", "mention")]
    assert en["Subject"] == f"Anna Schmidt mentioned you: Drucker druckt nicht [#{n}]"
    assert _text(en).splitlines()[:4] == [
        f"Anna Schmidt mentioned you in #{n}: Drucker druckt nicht",
        f"Time: {at.day:02d} {MONTHS[at.month - 1]} {at.year}, {at:%H:%M} ({at.tzname()})",
        "",
        "> @ben @cem bitte den Drucker prüfen",
    ]
    assert "You receive this mail because you were mentioned in a note." in _text(en)
    assert f"<b>Anna Schmidt</b> mentioned you in #{n}: Drucker druckt nicht" in _html(en)
    assert '<div lang="en">' in _html(en)

    de = mails[("cem@desk.example", "mention")]
    assert de["Subject"] == f"Anna Schmidt hat Sie erwähnt: Drucker druckt nicht [#{n}]"
    assert _text(de).splitlines()[:2] == [
        f"Anna Schmidt hat Sie in #{n} erwähnt: Drucker druckt nicht",
        f"Zeitpunkt: {at:%d.%m.%Y, %H:%M} Uhr",
    ]
    assert "Sie erhalten diese Nachricht, weil Sie in einer internen Notiz erwähnt wurden." in (
        _text(de)
    )
    assert f"<b>Anna Schmidt</b> hat Sie in #{n} erwähnt" in _html(de)
    assert "mentioned" not in _text(de) and "Time:" not in _text(de)

    at = _created(desk.store, cem, NotificationReason.WATCHING)
    de = mails[("cem@desk.example", "watching")]
    assert de["Subject"] == f"max@kunde.example hat geschrieben: Drucker druckt nicht [#{n}]"
    assert _text(de).splitlines()[:4] == [
        f"max@kunde.example hat in #{n} geschrieben: Drucker druckt nicht",
        f"Zeitpunkt: {at:%d.%m.%Y, %H:%M} Uhr",
        "",
        "> Noch da?",
    ]
    assert "Sie erhalten diese Nachricht, weil Sie dieses Ticket beobachten." in _text(de)
    en = mails[("ben@desk.example", "watching")]
    assert en["Subject"] == f"max@kunde.example wrote: Drucker druckt nicht [#{n}]"
    assert "You receive this mail because you are watching this ticket." in _text(en)

    with desk.store.read() as s:  # the copy in the thread reads as the agent's mail did
        texts = set(s.scalars(select(Message.body_text).where(Message.kind == MessageKind.SYSTEM)))
    assert any(t.startswith(f"Anna Schmidt hat Sie in #{n} erwähnt") for t in texts if t)


def test_times_in_the_zone_of_the_groups_calendar(desk: Desk, sink: Sink) -> None:
    ben = _agent(desk.store, "ben", "ben@desk.example", "en")
    with desk.store.write() as s:
        set_mail_opt_in(s, ben, True)
        calendar = BusinessCalendar(name="NYC", timezone="America/New_York", weekly_hours={})
        s.add(calendar)
        s.flush()
        group = s.get(Group, desk.group_id)
        assert group is not None
        group.calendar_id = calendar.id
    tid = desk.ticket()
    execute(desk.store, AddWatcher(ticket_id=tid, agent_id=ben))
    post_note(desk.store, tid, "<p>@ben schau mal</p>", desk.anna)
    assert drain_outbox(desk.store, MemorySecrets(), acknowledge=False).sent >= 1
    with desk.store.read() as s:
        at = s.scalar(select(Notification.created_at).where(Notification.agent_id == ben))
    assert at is not None
    local = at.astimezone(ZoneInfo("America/New_York"))
    assert local.tzname() in ("EST", "EDT")
    mail = next(m for m in _parsed(sink) if "schau mal" in _text(m))
    assert f"{local:%H:%M} ({local.tzname()})" in _text(mail)


def test_a_message_without_sender_is_someone_in_each_language() -> None:
    """notify.py stores no actor for a message that names no sender; the mail words it
    in the agent's language (it said the English "mail" before)."""
    from desk_gui.sync.mail_out.notify_mail import Wording

    ticket = Ticket(id=uuid.uuid4(), number=10234, subject="Drucker druckt nicht")
    note = Notification(
        actor="",
        reason=NotificationReason.WATCHING,
        excerpt="Noch da?",
        created_at=datetime(2026, 11, 23, 8, 14, tzinfo=ZoneInfo("UTC")),
    )
    en, de = Wording("en", "Europe/Berlin"), Wording("de", "Europe/Berlin")
    assert en.subject(note, ticket) == "Someone wrote: Drucker druckt nicht [#10234]"
    assert de.subject(note, ticket) == "Jemand hat geschrieben: Drucker druckt nicht [#10234]"
    assert de.text(note, ticket).startswith("Jemand hat in #10234 geschrieben")
    assert "<b>Jemand</b>" in de.html(note, ticket)
