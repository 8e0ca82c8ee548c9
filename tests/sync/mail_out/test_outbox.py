"""Replies through the outbox to a real SMTP sink: what arrives, and every failure mode."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from desk_gui.models import Message, OutboundMail, OutboundState, Status, Ticket
from desk_gui.models.base import utcnow
from desk_gui.models.blob import read_bytes
from desk_gui.models.commands import CommandError, execute
from desk_gui.models.reason import loaded
from desk_gui.models.reply_commands import HeaderInjection, RetrySend, outbound_for_ticket
from desk_gui.models.store import Store
from desk_gui.sync.mail_out import Held, OutgoingFile, Queued, ReplyDraft, drain_outbox, queue_reply
from desk_gui.sync.mail_out.sender import backoff
from desk_gui.sync.mime import html_to_text, parse_message, sanitize_html

from .conftest import Desk, MemorySecrets, Sink, start_sink


def row(store: Store, outbound_id: uuid.UUID) -> OutboundMail:
    with store.read() as s:
        found = s.get(OutboundMail, outbound_id)
        assert found is not None
        return found


def reply(
    desk: Desk, body: str = "<p>Hallo {{contact.first_name}},</p><p>erledigt.</p>", **kw: object
) -> Queued:
    result = queue_reply(desk.store, ReplyDraft(desk.ticket(), body, **kw), desk.anna)  # type: ignore[arg-type]
    assert isinstance(result, Queued)
    return result


def drain(desk: Desk, secrets: MemorySecrets) -> object:
    return drain_outbox(desk.store, secrets, acknowledge=False, timeout=5)


def test_reply_arrives_and_parses_back(
    desk: Desk, sink: Sink, secrets: MemorySecrets, tmp_path: object
) -> None:
    from pathlib import Path

    pdf = Path(str(tmp_path)) / "Angebot März.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 5000)  # 1.2 MB: several blob chunks
    logo = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300
    tid = desk.ticket(subject="AW: Größe der Drucker – Frage")
    draft = ReplyDraft(
        tid,
        "<p>Hallo {{contact.first_name}},</p><p>Ihr Ticket <b>{{ticket.number}}</b>.</p>"
        '<img src="cid:logo@desk"><table><tr><td>a</td><td>b</td></tr></table>',
        cc=("chef@kunde.example",),
        bcc=("archiv@desk.example",),
        attachments=(
            OutgoingFile(path=pdf),
            OutgoingFile(data=logo, filename="logo.png", content_id="logo@desk"),
        ),
        status=Status.WAITING_CUSTOMER,
    )
    queued = queue_reply(desk.store, draft, desk.anna)
    assert isinstance(queued, Queued)
    report = drain_outbox(desk.store, secrets, acknowledge=False)
    assert report.sent == 1 and not report.errors

    [got] = sink.received
    assert sorted(got.rcpt_tos) == [
        "archiv@desk.example",
        "chef@kunde.example",
        "max@kunde.example",
    ]
    assert got.mail_from == "support@desk.example"
    parsed = parse_message(got.content)
    with desk.store.read() as s:
        ticket = s.get(Ticket, tid)
        msg = s.get(Message, queued.message_uuid)
        out = s.get(OutboundMail, queued.outbound_id)
        first = s.scalar(select(Message).where(Message.ticket_id == tid).order_by(Message.seq))
        assert ticket and msg and out and first
        assert ticket.status is Status.WAITING_CUSTOMER and ticket.first_response_at is not None
        assert out.state is OutboundState.SENT and out.attempts == 1
        number = ticket.number
        mail_html, first_id = out.mail_html, first.message_id_header
    assert parsed.subject == f"Re: Größe der Drucker – Frage [#{number}]"
    assert parsed.message_id == queued.message_id and f"desk.{number}." in queued.message_id
    assert parsed.in_reply_to == first_id and parsed.references == (first_id,)
    assert parsed.from_name == "Anna Schmidt" and parsed.from_addr == "support@desk.example"
    assert [a.addr for a in parsed.to] == ["max@kunde.example"]
    assert [a.addr for a in parsed.cc] == ["chef@kunde.example"]
    assert b"archiv@desk.example" not in got.content  # Bcc only in the envelope
    # The text is made from the HTML sent; the HTML is the layout around reply + signature.
    assert parsed.body_text.strip() == html_to_text(mail_html).strip()
    assert parsed.body_html_sanitized == sanitize_html(mail_html)
    assert "Hallo Max," in parsed.body_text and f"Ihr Ticket {number}." in parsed.body_text
    assert "Viele Grüße\nAnna Schmidt" in parsed.body_text
    assert "Support · Musterstadt GmbH" in parsed.body_text
    files = {a.filename: a for a in parsed.attachments}
    assert files["Angebot März.pdf"].read_bytes() == pdf.read_bytes()
    assert files["logo.png"].read_bytes() == logo and files["logo.png"].inline
    assert files["logo.png"].content_id == "logo@desk"
    assert msg.body_text.startswith("Hallo Max,") and "{{" not in mail_html
    # Composed once when queued: what went out is byte for byte the stored raw mail.
    with desk.store.read() as s:
        assert msg.raw_sha256 is not None
        assert read_bytes(s, msg.raw_sha256) == got.content
        assert outbound_for_ticket(s, tid)[msg.id].state is OutboundState.SENT


def test_smtp_down_stays_queued_then_goes(store: Store, secrets: MemorySecrets) -> None:
    from ...servers import free_port
    from .conftest import make_desk

    port = free_port()  # nothing listens here yet
    desk = make_desk(store, port)
    queued = reply(desk)
    report = drain(desk, secrets)
    assert report.retrying == 1 and report.sent == 0
    out = row(store, queued.outbound_id)
    assert out.state is OutboundState.QUEUED and out.attempts == 1
    assert "cannot reach the SMTP server" in str(loaded(out.reason))
    assert out.next_attempt_at > out.created_at

    sink = start_sink(port)
    try:
        assert drain(desk, secrets).sent == 0  # backoff: not due yet
        _due_now(store, queued.outbound_id)
        assert drain(desk, secrets).sent == 1
        assert len(sink.received) == 1
    finally:
        sink.stop()
    out = row(store, queued.outbound_id)
    assert out.state is OutboundState.SENT and out.attempts == 2 and out.reason is None


def _due_now(store: Store, outbound_id: uuid.UUID) -> None:
    """Let the backoff pass (the test does not wait minutes)."""
    with store.write() as s:
        s.execute(
            update(OutboundMail)
            .where(OutboundMail.id == outbound_id)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )


def test_4xx_retries_with_backoff(desk: Desk, sink: Sink, secrets: MemorySecrets) -> None:
    sink.handler.data_reply = "451 4.3.0 Mailbox busy, try later"
    queued = reply(desk)
    assert drain(desk, secrets).retrying == 1
    first = row(desk.store, queued.outbound_id)
    assert first.state is OutboundState.QUEUED and "451" in str(loaded(first.reason))
    wait = first.next_attempt_at - first.created_at
    assert timedelta(seconds=50) < wait <= backoff(1) + timedelta(seconds=5)

    _due_now(desk.store, queued.outbound_id)
    assert drain(desk, secrets).retrying == 1
    second = row(desk.store, queued.outbound_id)
    assert second.attempts == 2
    assert second.next_attempt_at - first.next_attempt_at > timedelta(seconds=60)  # grows

    sink.handler.data_reply = None
    _due_now(desk.store, queued.outbound_id)
    assert drain(desk, secrets).sent == 1 and len(sink.received) == 1


def test_5xx_fails_visibly_and_retry_sends(desk: Desk, sink: Sink, secrets: MemorySecrets) -> None:
    sink.handler.rcpt_replies["max@kunde.example"] = "550 5.1.1 No such user"
    queued = reply(desk)
    assert drain(desk, secrets).failed == 1
    out = row(desk.store, queued.outbound_id)
    assert out.state is OutboundState.FAILED
    assert "550" in str(loaded(out.reason)) and "No such user" in str(loaded(out.reason))
    assert drain(desk, secrets).handled == 0  # failed stays failed

    del sink.handler.rcpt_replies["max@kunde.example"]
    execute(desk.store, RetrySend(outbound_id=queued.outbound_id), desk.anna)
    assert drain(desk, secrets).sent == 1
    assert row(desk.store, queued.outbound_id).state is OutboundState.SENT
    with pytest.raises(CommandError, match="sent"):
        execute(desk.store, RetrySend(outbound_id=queued.outbound_id))


def test_one_connection_for_many(desk: Desk, sink: Sink, secrets: MemorySecrets) -> None:
    sessions: list[object] = []
    original = sink.handler.handle_DATA

    async def counting(server: object, session: object, envelope: object) -> str:
        sessions.append(session)
        return await original(server, session, envelope)

    sink.handler.handle_DATA = counting  # type: ignore[method-assign]
    for _ in range(7):
        reply(desk)
    assert drain(desk, secrets).sent == 7
    assert len({id(s) for s in sessions}) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "Hallo\r\nBcc: opfer@example.org"),
        ("subject", "Hallo\nX-Evil: 1"),
        ("to", ("max@kunde.example\r\nBcc: opfer@example.org",)),
        ("cc", ("x@kunde.example\nBcc: y@example.org",)),
    ],
)
def test_header_injection_refused(
    desk: Desk, sink: Sink, secrets: MemorySecrets, field: str, value: object
) -> None:
    tid = desk.ticket()
    draft = ReplyDraft(tid, "<p>Hallo</p>", **{field: value})  # type: ignore[arg-type]
    with pytest.raises(HeaderInjection, match="line breaks are not allowed"):
        queue_reply(desk.store, draft, desk.anna)
    with desk.store.read() as s:
        assert s.scalar(select(OutboundMail.id)) is None  # nothing stored
    assert drain(desk, secrets).handled == 0 and not sink.received


def test_header_injection_in_from_name_refused(desk: Desk, secrets: MemorySecrets) -> None:
    from desk_gui.models import Agent

    with desk.store.write() as s:
        agent = s.get(Agent, desk.anna.agent_id)
        assert agent is not None
        agent.name = "Anna\r\nBcc: opfer@example.org"
    with pytest.raises(HeaderInjection, match="sender's name"):
        queue_reply(desk.store, ReplyDraft(desk.ticket(), "<p>Hallo</p>"), desk.anna)


def test_collision_holds_the_send(desk: Desk, sink: Sink, secrets: MemorySecrets) -> None:
    from desk_gui.models.commands import AddMessage
    from desk_gui.models.message import MessageKind

    tid = desk.ticket()
    with desk.store.read() as s:
        seen = s.scalar(select(Message.id).where(Message.ticket_id == tid))
    # The customer writes again while Anna is typing.
    execute(
        desk.store,
        AddMessage(
            ticket_id=tid,
            kind=MessageKind.INBOUND_MAIL,
            body_text="Hat sich erledigt, danke!",
            from_addr="max@kunde.example",
        ),
    )
    draft = ReplyDraft(tid, "<p>Wir kümmern uns.</p>", seen_message_uuid=seen)
    held = queue_reply(desk.store, draft, desk.anna)
    assert isinstance(held, Held)
    [new] = held.new
    assert new.excerpt == "Hat sich erledigt, danke!" and new.author == "max@kunde.example"
    with desk.store.read() as s:
        assert s.scalar(select(OutboundMail.id)) is None
    # Anna saw it and sends anyway.
    again = queue_reply(
        desk.store, ReplyDraft(tid, "<p>Gut, wir schließen.</p>", seen_message_uuid=seen,
                               send_anyway=True), desk.anna
    )  # fmt: skip
    assert isinstance(again, Queued)
    # Her own reply does not hold her next one.
    third = queue_reply(
        desk.store, ReplyDraft(tid, "<p>Nachtrag</p>", seen_message_uuid=new.message_uuid),
        desk.anna,
    )  # fmt: skip
    assert isinstance(third, Queued)


def test_two_senders_never_send_one_mail_twice(
    desk: Desk, sink: Sink, secrets: MemorySecrets
) -> None:
    """Claims (SKIP LOCKED on PostgreSQL, the write lock on SQLite) split the work."""
    import threading

    queued = [reply(desk).outbound_id for _ in range(40)]
    reports = []

    def run(holder: str) -> None:
        reports.append(
            drain_outbox(desk.store, secrets, holder=holder, acknowledge=False, notify=False)
        )

    threads = [threading.Thread(target=run, args=(f"engine-{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sum(r.sent for r in reports) == 40
    ids = [parse_message(r.content).message_id for r in sink.received]
    assert len(ids) == 40 and len(set(ids)) == 40
    with desk.store.read() as s:
        states = {s.get(OutboundMail, i).state for i in queued}  # type: ignore[union-attr]
    assert states == {OutboundState.SENT}


def test_connection_lost_in_data_is_never_resent_blindly(
    desk: Desk, sink: Sink, secrets: MemorySecrets
) -> None:
    original = sink.handler.handle_DATA

    async def take_and_hang_up(server: Any, session: Any, envelope: Any) -> str:
        await original(server, session, envelope)  # the server has the mail ...
        server.transport.close()  # ... but the "250" never reaches the sender
        return "250 OK"

    sink.handler.handle_DATA = take_and_hang_up  # type: ignore[method-assign]
    queued = reply(desk)
    assert drain(desk, secrets).retrying == 1
    out = row(desk.store, queued.outbound_id)
    assert out.state is OutboundState.QUEUED and out.interrupted
    assert "connection lost while sending" in str(loaded(out.reason))

    sink.handler.handle_DATA = original  # type: ignore[method-assign]
    _due_now(desk.store, queued.outbound_id)
    # No IMAP to look in Sent: the agent decides, nothing goes out twice by itself.
    assert drain(desk, secrets).failed == 1
    out = row(desk.store, queued.outbound_id)
    assert out.state is OutboundState.FAILED and "may have been sent" in str(loaded(out.reason))
    assert len(sink.received) == 1


def test_connection_lost_before_data_is_simply_retried(
    desk: Desk, sink: Sink, secrets: MemorySecrets
) -> None:
    async def hang_up(server: Any, session: Any, envelope: Any, address: str, opts: Any) -> str:
        server.transport.close()
        return "250 OK"

    sink.handler.handle_RCPT = hang_up  # type: ignore[method-assign]
    queued = reply(desk)
    assert drain(desk, secrets).retrying == 1
    assert not row(desk.store, queued.outbound_id).interrupted
    del sink.handler.handle_RCPT
    _due_now(desk.store, queued.outbound_id)
    assert drain(desk, secrets).sent == 1 and len(sink.received) == 1


def test_edit_a_failed_reply(desk: Desk, sink: Sink, secrets: MemorySecrets) -> None:
    import dataclasses

    from desk_gui.sync.mail_out.replies import edit_draft

    sink.handler.data_reply = "554 5.7.1 Message rejected as spam"
    queued = reply(desk, "<p>Hallo {{contact.first_name}}, hier der Link.</p>",
                   attachments=(OutgoingFile(data=b"abc", filename="a.txt"),))  # fmt: skip
    assert drain(desk, secrets).failed == 1
    draft = edit_draft(desk.store, queued.outbound_id)
    assert draft.body_html == "<p>Hallo {{contact.first_name}}, hier der Link.</p>"
    assert draft.replaces == queued.outbound_id and draft.to == ("max@kunde.example",)
    assert [f.filename for f in draft.attachments] == ["a.txt"]

    sink.handler.data_reply = None
    edited = dataclasses.replace(draft, body_html="<p>Hallo {{contact.first_name}}.</p>")
    again = queue_reply(desk.store, edited, desk.anna)
    assert isinstance(again, Queued)
    assert row(desk.store, queued.outbound_id).state is OutboundState.CANCELLED
    assert drain(desk, secrets).sent == 1
    [got] = sink.received
    parsed = parse_message(got.content)
    assert parsed.body_text.startswith("Hallo Max.")
    assert parsed.subject.count("[#") == 1
    assert [a.filename for a in parsed.attachments] == ["a.txt"]
