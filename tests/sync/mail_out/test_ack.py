"""Automatic acknowledgements: to people only, once per ticket, rate-limited, localized."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select, update

from desk_gui.models import (
    Contact,
    InboundMail,
    InboundState,
    Message,
    OutboundKind,
    OutboundMail,
    Ticket,
)
from desk_gui.models.base import utcnow
from desk_gui.models.blob import put_bytes
from desk_gui.models.commands import AddTag, CreateTicket, execute
from desk_gui.models.reply_commands import SaveTemplate
from desk_gui.models.store import Store
from desk_gui.models.template import TemplateKind
from desk_gui.models.ticket import Channel
from desk_gui.sync.mail_out import drain_outbox
from desk_gui.sync.mail_out.ack import (
    MAX_AGE,
    first_pass_start,
    is_no_reply,
    queue_acknowledgements,
)
from desk_gui.sync.mime import parse_message

from .conftest import Desk, MemorySecrets, Sink


def ack_templates(desk: Desk) -> None:
    execute(
        desk.store,
        SaveTemplate(
            template_name="eingang",
            language="de",
            kind=TemplateKind.ACK,
            mailbox_id=desk.mailbox_id,
            subject="Ihre Anfrage {{ticket.number}}: {{ticket.subject}}",
            body_html="<p>Hallo {{contact.first_name}},</p><p>wir haben Ihre Anfrage "
            "unter der Nummer {{ticket.number}} erfasst.</p>",
        ),
    )
    execute(
        desk.store,
        SaveTemplate(
            template_name="eingang",
            language="en",
            kind=TemplateKind.ACK,
            mailbox_id=desk.mailbox_id,
            subject="Your request {{ticket.number}}: {{ticket.subject}}",
            body_html="<p>Hello {{contact.first_name}},</p>"
            "<p>we logged it as {{ticket.number}}.</p>",
        ),
    )


def mail_ticket(
    desk: Desk,
    sender: str,
    state: InboundState = InboundState.TICKETED,
    subject: str = "Drucker",
    channel: Channel = Channel.MAIL,
) -> uuid.UUID:
    """A ticket as the mail intake leaves it: the message plus its ledger row."""
    mid = uuid.uuid4()
    tid: uuid.UUID = execute(
        desk.store,
        CreateTicket(
            subject=subject,
            body="Hilfe",
            from_addr=sender,
            from_name="Max Muster",
            channel=channel,
            message_uuid=mid,
        ),
    )
    if channel is Channel.MAIL:
        with desk.store.write() as s:
            sha = put_bytes(s, f"From: {sender}\r\nSubject: {subject}\r\n\r\n{mid}".encode())
            s.add(
                InboundMail(
                    mailbox_id=desk.mailbox_id,
                    uidvalidity=1,
                    uid=abs(hash(mid)) % 10**8,
                    raw_sha256=sha,
                    size=10,
                    message_uuid=mid,
                    ticket_id=tid,
                    state=state,
                )
            )
    return tid


def acked(store: Store) -> set[uuid.UUID]:
    with store.read() as s:
        return set(
            s.scalars(select(OutboundMail.ticket_id).where(OutboundMail.kind == OutboundKind.ACK))
        )


def test_ack_goes_to_people_only(desk: Desk, sink: Sink, secrets: MemorySecrets) -> None:
    ack_templates(desk)
    person = mail_ticket(desk, "max@kunde.example", subject="Drucker druckt nicht")
    loop = mail_ticket(desk, "urlaub@kunde.example", InboundState.LOOP)
    noreply = mail_ticket(desk, "no-reply@shop.example")
    daemon = mail_ticket(desk, "MAILER-DAEMON@mx.kunde.example")
    ours = mail_ticket(desk, "support@desk.example")
    web = mail_ticket(desk, "web@kunde.example", channel=Channel.WEB)
    bounce_tagged = mail_ticket(desk, "x@kunde.example", channel=Channel.WEB)
    execute(desk.store, AddTag(ticket_id=bounce_tagged, tag="bounce"))

    outcomes = {o.ticket_id: o for o in queue_acknowledgements(desk.store)}
    assert acked(desk.store) == {person, web}
    assert "loop" in outcomes[loop].reason
    assert "no-reply" in outcomes[noreply].reason and "no-reply" in outcomes[daemon].reason
    assert "one of us" in outcomes[ours].reason
    assert "bounce" in outcomes[bounce_tagged].reason
    # A second pass acknowledges nothing twice.
    assert queue_acknowledgements(desk.store) == []
    assert len(acked(desk.store)) == 2

    report = drain_outbox(desk.store, secrets)
    assert report.sent == 2
    mails = {r.rcpt_tos[0]: parse_message(r.content) for r in sink.received}
    ack = mails["max@kunde.example"]
    with desk.store.read() as s:
        ticket = s.get(Ticket, person)
        assert ticket is not None
        number = ticket.number
    assert ack.subject == f"Ihre Anfrage {number}: Drucker druckt nicht [#{number}]"
    assert f"unter der Nummer {number} erfasst" in ack.body_text
    assert ack.loop is not None  # Auto-Submitted: our own acks are loop-safe for others
    with desk.store.read() as s:
        ticket = s.get(Ticket, person)
        assert ticket is not None and ticket.first_response_at is None  # an ack is no answer


def test_ack_language_and_rate_limit(desk: Desk, sink: Sink, secrets: MemorySecrets) -> None:
    ack_templates(desk)
    first = mail_ticket(desk, "john@customer.example")
    with desk.store.write() as s:
        contact = s.scalar(select(Contact).where(Contact.name == "Max Muster"))
        assert contact is not None
        contact.language = "en"
    more = [mail_ticket(desk, "john@customer.example") for _ in range(4)]
    outcomes = {o.ticket_id: o for o in queue_acknowledgements(desk.store)}
    assert acked(desk.store) == {first, *more[:2]}  # three per sender and hour
    assert "rate limit" in outcomes[more[3]].reason
    assert drain_outbox(desk.store, secrets).sent == 3
    assert all(parse_message(r.content).subject.startswith("Your request") for r in sink.received)


def test_no_template_no_ack(desk: Desk) -> None:
    tid = mail_ticket(desk, "max@kunde.example")
    [outcome] = queue_acknowledgements(desk.store)
    assert outcome.ticket_id == tid and not outcome.queued
    assert "no acknowledgement template" in outcome.reason


def test_no_reply_addresses() -> None:
    for addr in ("noreply@x.de", "no-reply@x.de", "do_not_reply@x.de", "bounces+123@x.de"):
        assert is_no_reply(addr), addr
    for addr in ("norbert@x.de", "max@x.de", "replies@x.de"):
        assert not is_no_reply(addr), addr


def test_a_first_pass_starts_at_the_tickets_changed_within_a_day(desk: Desk) -> None:
    """A store that never ran the pass (a demo, an imported history) is not walked from
    its first message: the pass starts before the first message of a recent ticket."""
    ack_templates(desk)
    old = [mail_ticket(desk, f"alt{i}@kunde.example") for i in range(3)]
    with desk.store.write() as s:  # three days old, as an imported history would be
        s.execute(
            update(Ticket).where(Ticket.id.in_(old)).values(updated_at=utcnow() - timedelta(days=3))
        )
        s.execute(
            update(Message)
            .where(Message.ticket_id.in_(old))
            .values(created_at=utcnow() - timedelta(days=3))
        )
    new = mail_ticket(desk, "neu@kunde.example")
    with desk.store.read() as s:
        first_new = s.scalar(select(Message.seq).where(Message.ticket_id == new))
        assert first_new is not None
        assert first_pass_start(s, utcnow() - MAX_AGE) == first_new - 1
    assert [o.ticket_id for o in queue_acknowledgements(desk.store)] == [new]
    assert acked(desk.store) == {new}
    with desk.store.write() as s:  # nothing recent at all: start at the newest message
        s.execute(update(Ticket).values(updated_at=utcnow() - timedelta(days=3)))
        newest = s.scalar(select(func.max(Message.seq)))
        assert first_pass_start(s, utcnow() - MAX_AGE) == newest
