"""List queries and full-text search on both backends."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from desk_gui.models import (
    Agent,
    Group,
    Membership,
    MessageKind,
    Outcome,
    Priority,
    Status,
    queries,
)
from desk_gui.models import Ticket as TicketEntity
from desk_gui.models.commands import (
    AddMessage,
    AddNote,
    AddTag,
    Assign,
    CloseTicket,
    Command,
    CreateTicket,
    SetFollowUp,
    SetGroup,
    SetPriority,
    SetStatus,
    execute,
)
from desk_gui.models.queries import ALL_OPEN, TicketFilter
from desk_gui.models.store import Store


@dataclass
class Desk:
    anna: uuid.UUID
    ben: uuid.UUID
    first_level: uuid.UUID
    billing: uuid.UUID
    printer: uuid.UUID
    invoice: uuid.UUID
    password: uuid.UUID
    licence: uuid.UUID
    refund: uuid.UUID


def make(store: Store, subject: str, body: str) -> uuid.UUID:
    tid = execute(store, CreateTicket(subject=subject, body=body, from_addr="kunde@example.de"))
    assert isinstance(tid, uuid.UUID)
    return tid


def run_all(store: Store, *commands: Command) -> None:
    for cmd in commands:
        execute(store, cmd)


@pytest.fixture
def desk(store: Store) -> Desk:
    """Five tickets in German and English, each in a different state."""
    with store.write() as s:
        anna = Agent(login="anna", name="Anna Schmidt")
        ben = Agent(login="ben", name="Ben Meyer")
        first = Group(name="1st-Level-Support")
        billing = Group(name="Billing")
        s.add_all([anna, ben, first, billing])
        s.flush()
        s.add_all(
            [
                Membership(agent_id=anna.id, group_id=first.id),
                Membership(agent_id=ben.id, group_id=billing.id),
            ]
        )
    printer = make(store, "Drucker defekt", "Der Drucker im 2. OG zeigt Fehler E05.")
    run_all(
        store,
        SetGroup(ticket_id=printer, group_id=first.id),
        AddTag(ticket_id=printer, tag="Hardware"),
        SetPriority(ticket_id=printer, priority=Priority.HIGH),
    )
    invoice = make(store, "Falscher Betrag", "Die Rechnungen vom März sind doppelt gebucht.")
    run_all(
        store,
        SetGroup(ticket_id=invoice, group_id=billing.id),
        Assign(ticket_id=invoice, agent_id=ben.id),
        AddTag(ticket_id=invoice, tag="billing"),
    )
    password = make(
        store, "Password reset", "I cannot log in to the portal, please reset my password."
    )
    run_all(
        store,
        Assign(ticket_id=password, agent_id=anna.id),
        SetStatus(ticket_id=password, status=Status.WAITING_CUSTOMER),
        SetPriority(ticket_id=password, priority=Priority.LOW),
    )
    licence = make(store, "Licence file update", "Our licence file for the printers expires.")
    run_all(
        store,
        Assign(ticket_id=licence, agent_id=anna.id),
        AddTag(ticket_id=licence, tag="lizenz"),
        CloseTicket(ticket_id=licence, outcome=Outcome.FULFILLED),
    )
    refund = make(store, "Refund request", "Please refund the duplicate payment.")
    run_all(
        store,
        SetPriority(ticket_id=refund, priority=Priority.URGENT),
        CloseTicket(ticket_id=refund, outcome=Outcome.REJECTED, reason="Kein Vertrag"),
    )
    return Desk(anna.id, ben.id, first.id, billing.id, printer, invoice, password, licence, refund)


def ids(store: Store, flt: TicketFilter) -> set[uuid.UUID]:
    with store.read() as s:
        rows = queries.rows_at(s, flt, 0, 1000)
        assert queries.count(s, flt) == len(rows)
        paged, _ = queries.page(s, flt, limit=1000)
        assert [r.id for r in paged] == [r.id for r in rows]
    return {r.id for r in rows}


def test_filters(store: Store, desk: Desk) -> None:
    d = desk
    everything = {d.printer, d.invoice, d.password, d.licence, d.refund}
    assert ids(store, TicketFilter()) == everything
    assert ids(store, ALL_OPEN) == {d.printer, d.invoice, d.password}
    assert ids(store, TicketFilter(statuses=frozenset({Status.NEW}))) == {d.printer}
    closed = frozenset({Status.CLOSED, Status.REJECTED})
    assert ids(store, TicketFilter(statuses=closed)) == {d.licence, d.refund}
    assert ids(store, TicketFilter(assignee_id=d.anna)) == {d.password, d.licence}
    assert ids(store, TicketFilter(unassigned=True)) == {d.printer, d.refund}
    assert ids(store, TicketFilter(group_id=d.billing)) == {d.invoice}
    assert ids(store, TicketFilter(tag=" HARDWARE ")) == {d.printer}
    assert ids(store, TicketFilter(tag="nope")) == set()
    assert ids(store, TicketFilter(priority=Priority.URGENT)) == {d.refund}
    assert ids(store, TicketFilter(priority=Priority.NORMAL)) == {d.invoice, d.licence}
    mine_open = TicketFilter(statuses=frozenset(ALL_OPEN.statuses or ()), assignee_id=d.anna)
    assert ids(store, mine_open) == {d.password}


def test_text_filter_matches_subject_body_and_number(store: Store, desk: Desk) -> None:
    d = desk
    assert ids(store, TicketFilter(text="drucker")) == {d.printer}
    assert ids(store, TicketFilter(text="efek")) == {d.printer}, "subject substring"
    assert ids(store, TicketFilter(text="printers")) == {d.licence}, "English body word"
    assert ids(store, TicketFilter(text="Rechnungen")) == {d.invoice}, "German body word"
    number = ticket_number(store, d.invoice)
    assert ids(store, TicketFilter(text=f"#{number}")) == {d.invoice}
    assert ids(store, TicketFilter(text=f" {number} ")) == {d.invoice}
    assert ids(store, TicketFilter(text="refund", statuses=frozenset(ALL_OPEN.statuses or ()))) == (
        set()
    )
    assert ids(store, TicketFilter().with_text("  ")) == ids(store, TicketFilter())


def ticket_number(store: Store, tid: uuid.UUID) -> int:
    with store.read() as s:
        t = s.get(TicketEntity, tid)
        assert t is not None and t.number is not None
        return t.number


def test_language_features_of_each_backend(store: Store, desk: Desk) -> None:
    with store.read() as s:
        if store.dialect == "postgresql":
            # Stemming: German plural and English verb forms find their stems.
            assert {h.ticket_id for h in queries.search(s, "Rechnung")} == {desk.invoice}
            assert {h.ticket_id for h in queries.search(s, "expiring")} == {desk.licence}
        else:
            # FTS5 with remove_diacritics: "Marz" finds "März"; words match as prefixes.
            assert {h.ticket_id for h in queries.search(s, "Marz")} == {desk.invoice}
            assert {h.ticket_id for h in queries.search(s, "Rechn")} == {desk.invoice}


# --- search -------------------------------------------------------------------------------


def test_search_newest_first_with_limit(store: Store, desk: Desk) -> None:
    d = desk
    notes = []
    for tid, text in [
        (d.printer, "Neuer Toner bestellt"),
        (d.invoice, "Toner wurde doppelt berechnet"),
        (d.printer, "Toner eingesetzt, Drucker läuft"),
    ]:
        note = AddNote(ticket_id=tid, body=text)
        execute(store, note)
        notes.append(note.message_uuid)
    with store.read() as s:
        hits = queries.search(s, "toner")
        assert [h.message_id for h in hits] == notes[::-1]
        assert [h.ticket_id for h in hits] == [d.printer, d.invoice, d.printer]
        assert hits[0].snippet == "Toner eingesetzt, Drucker läuft"
        assert hits[0].ticket_label == f"#{ticket_number(store, d.printer)}"
        assert [h.message_id for h in queries.search(s, "Toner", limit=2)] == notes[:0:-1]
        assert [h.ticket_id for h in queries.search(s, "portal password")] == [d.password]
        assert queries.search(s, "Passwort") == []


def test_search_finds_subjects_and_new_mail(store: Store, desk: Desk) -> None:
    execute(
        store,
        AddMessage(
            ticket_id=desk.licence,
            kind=MessageKind.INBOUND_MAIL,
            subject="AW: Lizenzdatei",
            body_text="Anbei die neue Lizenzdatei.",
        ),
    )
    with store.read() as s:
        (hit,) = queries.search(s, "Lizenzdatei")
        assert hit.ticket_id == desk.licence and hit.subject == "AW: Lizenzdatei"
        assert {h.ticket_id for h in queries.search(s, "refund")} == {desk.refund}


FTS_SYNTAX = [
    "",
    "   ",
    '"',
    '"Drucker',
    '"Drucker defekt"',
    "Druck*",
    "*",
    "Drucker AND",
    "AND OR NOT",
    "Drucker OR",
    "NEAR(Drucker Toner)",
    "NEAR(",
    "(",
    ")",
    "(Drucker",
    "Drucker)",
    "subject:Drucker",
    "body_text:",
    "^Drucker",
    "-Drucker",
    "+Drucker",
    "Drucker -",
    "a & b | !c",
    "a <-> b",
    ":*",
    "'",
    "\\",
    "%",
    "_",
    "100%_",
    "#",
    "#abc",
    "²",
    "ß",
    "😀",
    "a\x00b",
    "x" * 2000,
]


def must_not_fail(store: Store, query: str) -> None:
    flt = TicketFilter(text=query)
    with store.read() as s:
        try:
            queries.search(s, query)
            queries.count(s, flt)
            queries.page(s, flt)
            queries.rows_at(s, flt, 0, 10)
        except Exception as exc:
            pytest.fail(f"search text {query!r} failed: {exc}")


def test_search_syntax_never_errors_on_each_backend(store: Store, desk: Desk) -> None:
    for query in FTS_SYNTAX:
        must_not_fail(store, query)
    with store.read() as s:
        # The words still count once the syntax is ignored.
        assert {h.ticket_id for h in queries.search(s, '"Drucker')} == {desk.printer}
        assert {h.ticket_id for h in queries.search(s, "(Drucker)")} == {desk.printer}
        assert {h.ticket_id for h in queries.search(s, "Drucker\x00")} == {desk.printer}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=st.text(max_size=40))
def test_any_search_text_never_errors(store: Store, query: str) -> None:
    # Read-only: the examples may share one store.
    must_not_fail(store, query)


# --- pagination ------------------------------------------------------------------------------


@pytest.fixture
def crowd(store: Store) -> list[uuid.UUID]:
    """23 tickets whose updated_at repeats in runs of four, newest first as listed."""
    tids = [execute(store, CreateTicket(subject=f"Ticket {i}")) for i in range(23)]
    base = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with store.write() as s:
        for i, tid in enumerate(tids):
            s.execute(
                update(TicketEntity)
                .where(TicketEntity.id == tid)
                .values(updated_at=base + timedelta(minutes=i // 4))
            )
        stamps = {tid: base + timedelta(minutes=i // 4) for i, tid in enumerate(tids)}
    return sorted(tids, key=lambda t: (stamps[t], t), reverse=True)


def test_keyset_pages_have_no_gaps_or_duplicates(store: Store, crowd: list[uuid.UUID]) -> None:
    for limit in (1, 3, 4, 5, 23, 50):
        seen: list[uuid.UUID] = []
        cursor = None
        with store.read() as s:
            while True:
                rows, cursor = queries.page(s, TicketFilter(), after=cursor, limit=limit)
                assert len(rows) <= limit
                seen += [r.id for r in rows]
                if cursor is None:
                    break
        assert seen == crowd, f"limit {limit}"


def test_rows_at_count_and_position(store: Store, crowd: list[uuid.UUID]) -> None:
    flt = TicketFilter()
    with store.read() as s:
        assert queries.count(s, flt) == len(crowd)
        for offset in range(0, 26, 3):
            got = [r.id for r in queries.rows_at(s, flt, offset, 4)]
            assert got == crowd[offset : offset + 4], f"offset {offset}"
        for i, tid in enumerate(crowd):
            assert queries.position(s, flt, tid) == i
        assert queries.position(s, flt, uuid.uuid4()) is None
        assert queries.position(s, TicketFilter(statuses=frozenset({Status.CLOSED})), crowd[0]) is (
            None
        )
        r = queries.row(s, crowd[0])
        assert r is not None and r.id == crowd[0] and r.status is Status.NEW
        assert queries.row(s, uuid.uuid4()) is None


def test_follow_up_view_orders_by_due_date(store: Store, crowd: list[uuid.UUID]) -> None:
    # Due dates in the opposite order of the last change, so the two orders differ.
    parked = crowd[:6]
    now = datetime.now(UTC)
    for n, tid in enumerate(parked):
        execute(store, SetFollowUp(ticket_id=tid, at=now + timedelta(days=1 + n)))
    flt = TicketFilter(follow_up=True)
    with store.read() as s:
        got = [r.id for r in queries.rows_at(s, flt, 0, 100)]
        assert got == parked
        assert queries.count(s, flt) == len(parked)
        assert [r.id for r in queries.rows_at(s, flt, 2, 2)] == parked[2:4]
        for i, tid in enumerate(parked):
            assert queries.position(s, flt, tid) == i, "position agrees with rows_at"


def test_find_ticket_and_detail(store: Store, desk: Desk) -> None:
    number = ticket_number(store, desk.refund)
    with store.read() as s:
        for ref in (str(number), f"#{number}", f" {number} ", str(desk.refund)):
            found = queries.find_ticket(s, ref)
            assert found is not None and found.id == desk.refund, ref
        assert queries.find_ticket(s, "#999999") is None
        assert queries.find_ticket(s, "not-a-ticket") is None
        d = queries.detail(s, desk.invoice)
        assert d is not None
        assert [m.kind for m in d.messages] == [MessageKind.INBOUND_MAIL]
        assert [t.name for t in d.ticket.tags] == ["billing"]
        assert {h.field for h in d.history} >= {"created", "group_id", "assignee_id", "tag"}
        assert d.agents[desk.ben] == "Ben Meyer"
        assert queries.detail(s, uuid.uuid4()) is None
