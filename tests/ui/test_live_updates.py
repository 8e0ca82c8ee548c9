"""On a shared PostgreSQL store the window shows a colleague's changes as they commit,
without F5: a changed row repaints, the open ticket reloads, a new ticket appears in the
list, and the agent's current ticket stays selected while the list is read again."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot
from qasync import QEventLoop
from sqlalchemy import text

from desk_gui.models import Priority, Status
from desk_gui.models.commands import CreateTicket, SetPriority, SetStatus, execute
from desk_gui.models.store import Store
from desk_gui.sync.facade import Desk
from desk_gui.ui.main_window import MainWindow

from .conftest import wait_loaded
from .seed import seed

WAIT_MS = 10_000


@pytest.fixture
def window(
    pg_store: Store, qloop: QEventLoop, qtbot: QtBot, make_window: Callable[[Desk], MainWindow]
) -> Iterator[MainWindow]:
    seed(pg_store, tickets=12, threads=False)
    desk = Desk(pg_store)
    w = make_window(desk)
    w.navigation.select("all")
    wait_loaded(qtbot, w)
    qtbot.waitUntil(w.live._feed.connected.is_set, timeout=WAIT_MS)
    yield w
    w.close()
    desk.close()


def status_of(window: MainWindow, ticket_id: uuid.UUID) -> Status | None:
    row = window.model.row_of(ticket_id)
    ticket = None if row is None else window.model.ticket_at(row)
    return None if ticket is None else ticket.status


def current_ticket(window: MainWindow) -> uuid.UUID | None:
    ticket = window.model.ticket_at(window.list.currentIndex().row())
    return None if ticket is None else ticket.id


def test_a_colleagues_changes_show_without_refreshing(
    window: MainWindow, colleague: Store, qtbot: QtBot
) -> None:
    first, chosen = window.model.ticket_at(0), window.model.ticket_at(2)
    assert first is not None and chosen is not None
    window.list.setCurrentIndex(window.model.index(2, 3))
    qtbot.waitUntil(lambda: window.ticket.page is not None, timeout=WAIT_MS)
    assert window.ticket.page is not None and window.ticket.page.id == chosen.id

    # A status change elsewhere: the row repaints in place.
    waiting = Status.WAITING_CUSTOMER
    new_status = waiting if first.status is not waiting else Status.OPEN
    execute(colleague, SetStatus(ticket_id=first.id, status=new_status))
    qtbot.waitUntil(lambda: status_of(window, first.id) is new_status, timeout=WAIT_MS)

    # The ticket open on this desktop changes elsewhere: its page reloads.
    execute(colleague, SetPriority(ticket_id=chosen.id, priority=Priority.URGENT))
    qtbot.waitUntil(
        lambda: window.ticket.page is not None and window.ticket.page.priority is Priority.URGENT,
        timeout=WAIT_MS,
    )

    # A new ticket elsewhere: the list reads its view again and shows it, while the
    # agent's current ticket stays current (and shown).
    made = execute(colleague, CreateTicket(subject="Neu von nebenan", from_addr="x@example.de"))
    qtbot.waitUntil(lambda: window.model.row_of(made) is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: current_ticket(window) == chosen.id, timeout=WAIT_MS)
    assert window.ticket.page is not None and window.ticket.page.id == chosen.id


def test_after_the_feed_reconnects_the_window_reads_its_views_again(
    window: MainWindow, colleague: Store, qtbot: QtBot
) -> None:
    """Notifications sent while the connection was down are lost: the list is read again
    (and the current ticket kept) once the feed is back."""
    window.list.setCurrentIndex(window.model.index(1, 3))
    chosen = current_ticket(window)
    reset = qtbot.waitSignal(window.model.modelReset, timeout=WAIT_MS)
    with reset, colleague.engine.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN desk_tickets%' AND pid <> pg_backend_pid()"
            )
        )
        conn.commit()
    qtbot.waitUntil(lambda: current_ticket(window) == chosen, timeout=WAIT_MS)
    assert window.live._feed.connected.is_set()
