"""The facade without Qt: commands on one writer thread, reads off the loop thread,
change events on the loop thread with the re-read list row."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import uuid

import pytest

from desk_gui.models import Status, queries
from desk_gui.models.commands import Actor, AddTag, CommandError, CreateTicket, SetStatus, execute
from desk_gui.models.store import Store
from desk_gui.sync import presence
from desk_gui.sync.facade import Desk, TicketChange


def test_command_notifies_listeners_on_the_loop_thread_with_the_new_row(store: Store) -> None:
    async def main() -> None:
        desk = Desk(store)
        seen: list[tuple[TicketChange, int]] = []
        desk.subscribe(lambda change: seen.append((change, threading.get_ident())))
        tid = await desk.run(CreateTicket(subject="Drucker defekt", from_addr="a@example.de"))
        await desk.run(SetStatus(ticket_id=tid, status=Status.WAITING_CUSTOMER))
        desk.close()
        assert [c.command for c, _ in seen] == ["create_ticket", "set_status"]
        last, thread = seen[-1]
        assert last.ticket_id == tid
        assert last.row is not None and last.row.status is Status.WAITING_CUSTOMER
        assert thread == threading.get_ident()

    asyncio.run(main())


def test_refused_command_raises_and_notifies_nobody(sqlite_store: Store) -> None:
    async def main() -> None:
        desk = Desk(sqlite_store)
        tid = await desk.run(CreateTicket(subject="Lizenzdatei", from_addr="b@example.de"))
        seen: list[TicketChange] = []
        desk.subscribe(seen.append)
        with pytest.raises(CommandError, match="follow-up"):
            await desk.run(SetStatus(ticket_id=tid, status=Status.PENDING_REMINDER))
        assert seen == []
        desk.close()

    asyncio.run(main())


def test_commands_share_one_writer_thread_and_reads_leave_the_loop(sqlite_store: Store) -> None:
    def thread_name(_store: Store) -> str:
        return threading.current_thread().name

    async def main() -> None:
        desk = Desk(sqlite_store)
        tid = await desk.run(CreateTicket(subject="Passwort", from_addr="c@example.de"))
        # Many tags at once: serialized on the writer, none lost to "database is locked".
        await asyncio.gather(*(desk.run(AddTag(ticket_id=tid, tag=f"t{i}")) for i in range(20)))
        names = set(await asyncio.gather(*(desk.write(thread_name) for _ in range(5))))
        assert len(names) == 1 and names.pop().startswith("desk-writer")
        reader = await desk.read(lambda _s: threading.current_thread().name)
        assert reader.startswith("desk-reader")
        row = await desk.read(queries.row, tid)
        assert row is not None and row.subject == "Passwort"
        page = await desk.read(queries.rows_at, queries.TicketFilter(tag="t7"), 0, 10)
        assert [r.id for r in page] == [tid]
        desk.close()

    asyncio.run(main())


def test_activity_counts_jobs_in_flight(sqlite_store: Store) -> None:
    async def main() -> None:
        desk = Desk(sqlite_store)
        levels: list[int] = []
        desk.subscribe_activity(levels.append)
        await asyncio.gather(
            desk.read(queries.count, queries.TicketFilter()),
            desk.read(queries.count, queries.ALL_OPEN),
        )
        assert max(levels) == 2 and levels[-1] == 0 and desk.busy == 0
        desk.close()
        with pytest.raises(RuntimeError, match="closed"):
            await desk.read(queries.row, uuid.uuid4())

    asyncio.run(main())


def test_housekeeping_runs_on_the_writer_without_counting_as_a_job(sqlite_store: Store) -> None:
    """The presence heartbeat: no blink of the busy indicator every 20 s."""

    async def main() -> None:
        desk = Desk(sqlite_store)
        levels: list[int] = []
        desk.subscribe_activity(levels.append)
        name = await desk.housekeeping(lambda _store: threading.current_thread().name)
        assert name.startswith("desk-writer") and levels == []
        await desk.write(lambda _store: None)
        assert levels == [1, 0]
        desk.close()
        with pytest.raises(RuntimeError, match="closed"):
            await desk.housekeeping(lambda _store: None)

    asyncio.run(main())


def test_a_glance_reads_on_a_reader_without_counting_as_a_job(sqlite_store: Store) -> None:
    """The ticket list's presence read every 20 s: no blink of the busy indicator."""

    async def main() -> None:
        desk = Desk(sqlite_store)
        levels: list[int] = []
        desk.subscribe_activity(levels.append)
        name, found = await desk.glance(
            lambda s, h: (threading.current_thread().name, presence.on_tickets(s, h)), "x:pc"
        )
        assert name.startswith("desk-reader") and found == {} and levels == []
        desk.close()
        with pytest.raises(RuntimeError, match="closed"):
            await desk.glance(presence.on_tickets, "x:pc")

    asyncio.run(main())


def test_a_restarted_desktop_holds_the_reply_lease_it_had(sqlite_store: Store) -> None:
    """After a crash the app's new Desk is the same lease holder (agent and machine):
    its restored draft keeps the reply instead of waiting for "itself" to expire."""
    anna = Actor("Anna", uuid.uuid4())
    tid = execute(sqlite_store, CreateTicket(subject="Drucker", from_addr="max@kunde.example"))
    before, after = Desk(sqlite_store, anna), Desk(sqlite_store, anna)
    assert before.holder == after.holder
    first = presence.beat(sqlite_store, tid, before.holder, True, None).reply_epoch
    assert first is not None
    assert presence.beat(sqlite_store, tid, after.holder, True, None).reply_epoch == first
    other = Desk(sqlite_store, Actor("Ben", uuid.uuid4()))
    assert presence.beat(sqlite_store, tid, other.holder, True, None).reply_epoch is None


def test_unsubscribe_stops_events_and_a_failing_listener_does_not_stop_others(
    sqlite_store: Store,
) -> None:
    async def main() -> None:
        desk = Desk(sqlite_store)
        heard: list[TicketChange] = []
        dropped: list[TicketChange] = []

        def broken(_change: TicketChange) -> None:
            raise ValueError("view bug")

        desk.subscribe(broken)
        desk.subscribe(heard.append)
        unsubscribe = desk.subscribe(dropped.append)
        unsubscribe()
        await desk.run(CreateTicket(subject="Rückerstattung", from_addr="d@example.de"))
        assert len(heard) == 1 and dropped == []
        desk.close()

    asyncio.run(main())


def test_the_facade_imports_no_qt() -> None:
    code = (
        "import sys, desk_gui.sync.facade;"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'qasync'))];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
