"""Set-wise inserts (`bulk.insert_rows`, `insert_objects`) store what SQLAlchemy's own
insert stores: UUIDs, UTC datetimes, enums, JSON (None included), booleans, defaults for
columns a row leaves out; and every row of a batch bigger than one statement."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text

from desk_gui.models import Message, Ticket, bulk
from desk_gui.models.blob import put_bytes, put_many, read_bytes
from desk_gui.models.message import Attachment, MessageKind
from desk_gui.models.outbox import OutboxCommand
from desk_gui.models.store import Store
from desk_gui.models.ticket import Priority, Status

T0 = datetime(2026, 11, 23, 1, 2, 3, 456789, tzinfo=UTC)


def ticket_rows(first: int, count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": uuid.uuid4(),
            "number": first + i,
            "subject": f"Drucker {i}",
            "status": Status.OPEN if i % 2 else Status.NEW,
            "priority": Priority.HIGH,
            "created_at": T0 + timedelta(seconds=i),
            "updated_at": T0.astimezone(datetime.now().astimezone().tzinfo),  # not UTC
            "hlc": f"h{i}",
        }
        for i in range(count)
    ]


def message_rows(tickets: list[dict[str, Any]], first_seq: int) -> list[dict[str, Any]]:
    return [
        {
            "id": uuid.uuid4(),
            "seq": first_seq + i,
            "ticket_id": t["id"],
            "kind": MessageKind.INBOUND_MAIL,
            "subject": t["subject"],
            "body_text": f"Text {i} druckerpatrone{first_seq + i}",
            "to_addrs": ["support@desk.example"],
            "references": [],
            "created_at": T0,
            "hlc": "h",
        }
        for i, t in enumerate(tickets)
    ]


def stored(store: Store, numbers: range) -> list[tuple[Any, ...]]:
    with store.read() as s:
        tickets = s.scalars(
            select(Ticket).where(Ticket.number.in_(numbers)).order_by(Ticket.number)
        )
        return [
            (
                t.number,
                t.subject,
                t.status,
                t.priority,
                t.created_at,
                t.updated_at,
                t.row_version,
                t.type,
                t.close_reason,
                [(m.kind, m.to_addrs, m.cc_addrs, m.references, m.created_at) for m in
                 s.scalars(select(Message).where(Message.ticket_id == t.id))],
            )
            for t in tickets
        ]  # fmt: skip


def test_rows_read_back_as_sqlalchemy_stores_them(store: Store) -> None:
    ours, theirs = ticket_rows(1, 5), ticket_rows(101, 5)
    for t in theirs:
        t["number"] -= 100
    with store.write() as s:
        bulk.insert_rows(s, bulk.table_of(Ticket), ours)
        bulk.insert_rows(s, bulk.table_of(Message), message_rows(ours, 1))
    with store.write() as s:  # after the first: the tickets' numbers are unique
        for t in theirs:
            t["number"] += 100
        s.execute(insert(Ticket), theirs)
        s.execute(insert(Message), message_rows(theirs, 101))
    got = stored(store, range(1, 6))
    assert [(n + 100, *rest) for n, *rest in got] == stored(store, range(101, 106))
    assert got[0][4] == T0 and got[0][6] == 0  # the row_version default filled in
    assert got[0][9] == [(MessageKind.INBOUND_MAIL, ["support@desk.example"], [], [], T0)]


def test_more_rows_than_one_statement_takes(store: Store, monkeypatch: Any) -> None:
    monkeypatch.setattr(bulk, "ROWS_PER_STATEMENT", 7)
    bulk._Plan._known.clear()  # plans made before remember the old size
    try:
        tickets = ticket_rows(1, 30)
        with store.write() as s:
            bulk.insert_rows(s, bulk.table_of(Ticket), tickets)
            bulk.insert_rows(s, bulk.table_of(Message), message_rows(tickets, 1))
    finally:
        bulk._Plan._known.clear()
    assert [row[0] for row in stored(store, range(1, 31))] == list(range(1, 31))
    if store.dialect == "sqlite":  # every message is in the full-text index
        with store.read() as s:
            hits = s.execute(
                text("SELECT count(*) FROM message_fts WHERE message_fts MATCH 'druckerpatrone*'")
            )
            assert hits.scalar() == 30


def test_objects_with_json_none_and_defaults(store: Store) -> None:
    [ticket] = ticket_rows(1, 1)
    message_id = uuid.uuid4()
    msg = Message(id=message_id, seq=1, ticket_id=ticket["id"], kind=MessageKind.NOTE, hlc="h")
    outbox = {"name": "x", "payload": {"a": None, "b": [1]}, "hlc": "h", "actor": "mail"}
    with store.write() as s:
        sha = put_bytes(s, b"abc")
        attachment = Attachment(message_id=message_id, blob_sha256=sha, filename="a", size=3)
        bulk.insert_rows(s, bulk.table_of(Ticket), [ticket])
        bulk.insert_objects(s, [attachment, msg])  # parents first, whatever the order given
        bulk.insert_rows(s, bulk.table_of(OutboxCommand), [outbox, dict(outbox, name="y")])
    with store.read() as s:
        m = s.get(Message, message_id)
        assert m is not None and m.to_addrs == [] and m.body_text == "" and m.created_at
        [a] = m.attachments
        assert a.inline is False and a.content_type == "application/octet-stream" and a.id
        rows = s.scalars(select(OutboxCommand).order_by(OutboxCommand.seq)).all()
        assert [r.name for r in rows] == ["x", "y"]
        assert rows[0].payload == {"a": None, "b": [1]} and rows[0].command_id
        assert rows[0].command_id != rows[1].command_id


def test_values_that_need_escaping_and_binary_data_arrive_intact(store: Store) -> None:
    """PostgreSQL takes these rows as COPY text: tabs, newlines, backslashes and a
    literal \\N (COPY's NULL marker) must be escaped, bytea must survive every byte."""
    tricky = "Zeile 1\tSpalte\nZeile 2\r\n\\N \\ \\\\x00 „Grüße“ 🙂"
    [ticket] = ticket_rows(1, 1)
    ticket["subject"] = tricky
    [message] = message_rows([ticket], 1)
    message["body_text"] = tricky
    message["references"] = ["<a\tb@x>", "\\N"]
    every_byte = bytes(range(256)) * 3
    blobs = {
        hashlib.sha256(every_byte).hexdigest(): every_byte,
        hashlib.sha256(b"").hexdigest(): b"",
    }
    with store.write() as s:
        bulk.insert_rows(s, bulk.table_of(Ticket), [ticket])
        bulk.insert_rows(s, bulk.table_of(Message), [message])
        put_many(s, blobs)
    with store.read() as s:
        m = s.get(Message, message["id"])
        assert m is not None
        assert (m.subject, m.body_text, m.references) == (tricky, tricky, ["<a\tb@x>", "\\N"])
        assert m.cc_addrs == []  # left out: its default, not NULL
        for sha, data in blobs.items():
            assert read_bytes(s, sha) == data
