"""Colleagues' ticket changes heard as they commit (sync/live.py, migration 0140): on a
real PostgreSQL database, written through a second store as another desktop would."""

from __future__ import annotations

import queue
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text, update

from desk_gui.models import Status, Ticket
from desk_gui.models.commands import SYSTEM, CreateTicket, SetStatus, execute, run_in
from desk_gui.models.store import Store
from desk_gui.sync import live
from desk_gui.sync.live import Changes, TicketFeed, parse

WAIT_S = 10.0


class Heard:
    """What a feed reported, waited for one by one."""

    def __init__(self) -> None:
        self.queue: queue.Queue[Changes] = queue.Queue()

    def next(self) -> Changes:
        return self.queue.get(timeout=WAIT_S)

    def none_within(self, seconds: float) -> bool:
        try:
            self.queue.get(timeout=seconds)
        except queue.Empty:
            return True
        return False


@pytest.fixture
def feed(pg_store: Store) -> Iterator[tuple[TicketFeed, Heard]]:
    heard = Heard()
    f = TicketFeed(pg_store, heard.queue.put)
    f.start()
    assert f.connected.wait(WAIT_S)
    yield f, heard
    f.stop()


def test_a_new_ticket_and_a_status_change_are_heard_with_their_ids(
    feed: tuple[TicketFeed, Heard], colleague: Store
) -> None:
    _, heard = feed
    ticket_id = execute(colleague, CreateTicket(subject="Drucker", from_addr="a@example.de"))
    assert heard.next() == Changes(created=frozenset({ticket_id}))
    execute(colleague, SetStatus(ticket_id=ticket_id, status=Status.OPEN))
    assert heard.next() == Changes(updated=frozenset({ticket_id}))


def test_many_tickets_in_one_statement_are_everything(
    feed: tuple[TicketFeed, Heard], colleague: Store
) -> None:
    _, heard = feed
    ids = [execute(colleague, CreateTicket(subject=f"T{i}")) for i in range(201)]
    assert all(heard.next().created for _ in ids)
    with colleague.write() as s:
        s.execute(update(Ticket).values(subject=Ticket.subject + " (alt)"))
    assert heard.next() == Changes(everything=True)
    with colleague.write() as s:  # 200 still named
        s.execute(update(Ticket).where(Ticket.id.in_(ids[:200])).values(category="x"))
    assert heard.next().updated == frozenset(ids[:200])


def test_nothing_is_heard_of_a_rolled_back_change_or_an_update_of_no_row(
    feed: tuple[TicketFeed, Heard], colleague: Store
) -> None:
    _, heard = feed
    with colleague.write() as s:
        s.execute(update(Ticket).values(category="x"))  # no tickets yet: no row
    with pytest.raises(RuntimeError), colleague.write() as s:
        run_in(s, colleague.clock.now(), CreateTicket(subject="nie gespeichert"), SYSTEM)
        raise RuntimeError("rolled back")
    assert heard.none_within(1.5)


def test_a_lost_connection_reports_everything_after_it_is_back(
    feed: tuple[TicketFeed, Heard], colleague: Store
) -> None:
    _, heard = feed
    with colleague.engine.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN desk_tickets%' AND pid <> pg_backend_pid()"
            )
        )
        conn.commit()
    assert heard.next() == Changes(everything=True)  # what was sent meanwhile is lost
    ticket_id = execute(colleague, CreateTicket(subject="danach"))
    assert heard.next() == Changes(created=frozenset({ticket_id}))


def test_no_thread_on_sqlite(sqlite_store: Store) -> None:
    f = TicketFeed(sqlite_store, lambda _c: None)
    f.start()
    assert f._thread is None and not f.connected.is_set()


def test_payloads() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    assert parse(f"created:{a},{b}") == Changes(created=frozenset({a, b}))
    assert parse(f"updated:{a}") == Changes(updated=frozenset({a}))
    assert parse("*") == Changes(everything=True)
    assert parse("updated:kaputt") == Changes(everything=True)
    assert parse("") == Changes(everything=True)
    assert (Changes(created=frozenset({a})) | Changes(updated=frozenset({b}))) == Changes(
        frozenset({a}), frozenset({b})
    )
    assert not Changes() and Changes(everything=True)


def test_the_liveness_ping_loses_no_notification(
    pg_store: Store, colleague: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A round trip after every wait (instead of every 30 s): what commits meanwhile is
    still heard, once."""
    monkeypatch.setattr(live, "PING_S", 0.0)
    monkeypatch.setattr(live, "WAKE_S", 0.05)
    heard = Heard()
    f = TicketFeed(pg_store, heard.queue.put)
    f.start()
    try:
        assert f.connected.wait(WAIT_S)
        made = [execute(colleague, CreateTicket(subject=f"P{i}")) for i in range(20)]
        got = [heard.next() for _ in made]
        assert [c.created for c in got] == [frozenset({t}) for t in made]
        assert heard.none_within(0.5)
    finally:
        f.stop()
