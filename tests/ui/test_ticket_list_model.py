"""The lazy list model: model invariants, paging only what is shown, in-place patches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from qasync import QEventLoop

from desk_gui.models import Status, queries
from desk_gui.models.commands import SetStatus
from desk_gui.models.queries import TicketFilter
from desk_gui.models.store import Store
from desk_gui.sync.facade import Desk
from desk_gui.ui.tasks import Tasks
from desk_gui.ui.ticket_list import TicketListView
from desk_gui.ui.ticket_list_model import PAGE_SIZE, STATUS_ROLE, Column, TicketListModel

from .seed import Seeded, seed


@pytest.fixture
def tasks(qloop: QEventLoop) -> Iterator[Tasks]:
    t = Tasks()
    failures: list[str] = []
    t.failed.connect(failures.append)
    yield t
    t.cancel_all()
    assert failures == []


def loaded(qtbot: QtBot, model: TicketListModel) -> None:
    qtbot.waitUntil(lambda: model.count is not None, timeout=5000)
    qtbot.waitUntil(lambda: model.rowCount() == 0 or model.ticket_at(0) is not None, timeout=5000)


def test_model_passes_qtmodeltester_while_and_after_loading(
    qtbot: QtBot, qtmodeltester: ModelTester, desk: Desk, seeded: Seeded, tasks: Tasks
) -> None:
    model = TicketListModel(desk, tasks, page_size=16)  # several pages for 40 tickets
    model.set_filter(TicketFilter())
    # Attached before the rows arrive: every insert and dataChanged is checked too.
    qtmodeltester.check(model, force_py=True)
    loaded(qtbot, model)
    assert model.rowCount() == 40
    for row in range(40):  # touch every page, then wait for all of them
        model.data(model.index(row, Column.SUBJECT))
    qtbot.waitUntil(lambda: model.cached_pages() == [0, 1, 2], timeout=5000)
    qtmodeltester.check(model, force_py=True)
    subjects = [model.data(model.index(r, Column.SUBJECT)) for r in range(40)]
    assert "Aktualisierung Lizenzdatei" in subjects
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.headerData(Column.SUBJECT, Qt.Orientation.Horizontal) == "Subject"


def test_uncached_rows_show_a_placeholder_and_fetch_their_page_once(
    qtbot: QtBot, desk: Desk, seeded: Seeded, tasks: Tasks, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = queries.rows_at

    def counting(session, flt, offset, limit):  # type: ignore[no-untyped-def]
        calls.append(offset)
        return real(session, flt, offset, limit)

    monkeypatch.setattr(queries, "rows_at", counting)
    model = TicketListModel(desk, tasks, page_size=10)
    model.set_filter(TicketFilter())
    loaded(qtbot, model)
    assert calls == [0]
    index = model.index(35, Column.SUBJECT)
    assert model.data(index) == "Loading…"
    assert model.data(model.index(36, Column.NUMBER)) is None
    with qtbot.waitSignal(model.pageLoaded, timeout=5000):
        for _ in range(5):  # repaints before the page arrives ask again: still one fetch
            model.data(index)
    assert calls == [0, 30]
    assert model.data(index) != "Loading…"


@pytest.fixture(scope="session")
def big_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "desk.sqlite3"
    store = Store(f"sqlite:///{path}")
    store.migrate()
    seed(store, tickets=2000, threads=False)
    store.dispose()
    return path


def test_showing_2000_tickets_fetches_only_the_visible_pages(
    qtbot: QtBot,
    qloop: QEventLoop,
    big_store_path: Path,
    tasks: Tasks,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[int] = []
    real = queries.rows_at

    def counting(session, flt, offset, limit):  # type: ignore[no-untyped-def]
        calls.append(offset)
        return real(session, flt, offset, limit)

    monkeypatch.setattr(queries, "rows_at", counting)
    desk = Desk(Store(f"sqlite:///{big_store_path}"))
    model = TicketListModel(desk, tasks)
    view = TicketListView(model)
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    model.set_filter(TicketFilter())
    loaded(qtbot, model)
    assert model.rowCount() == 2000
    qtbot.waitUntil(lambda: view.viewport().isVisible())
    qtbot.wait(50)  # let the view paint with all rows known (a wait on events, not sleep)
    assert calls == [0]

    view.scrollTo(model.index(1500, 0), view.ScrollHint.PositionAtTop)
    top = view.rowAt(0)
    bottom = view.rowAt(view.viewport().height() - 1)
    visible_pages = {top // PAGE_SIZE, bottom // PAGE_SIZE}
    qtbot.waitUntil(lambda: all(p in model.cached_pages() for p in visible_pages), timeout=5000)
    qtbot.waitUntil(lambda: model.ticket_at(bottom) is not None, timeout=5000)
    assert sorted(calls) == sorted({0} | {p * PAGE_SIZE for p in visible_pages})
    assert len(calls) == len(set(calls))  # no page fetched twice
    # And the rows are the right ones: the 1501st newest change is at row 1500.
    with desk.store.read() as s:
        expected = queries.rows_at(s, TicketFilter(), 1500, 1)[0]
    assert model.ticket_at(1500) == expected
    view.close()
    tasks.cancel_all()
    desk.close()


def test_a_status_change_patches_only_its_row(
    qtbot: QtBot, desk: Desk, seeded: Seeded, tasks: Tasks
) -> None:
    model = TicketListModel(desk, tasks)
    model.set_filter(TicketFilter())
    loaded(qtbot, model)
    row = next(
        r
        for r in range(1, 40)
        if model.ticket_at(r).status in (Status.NEW, Status.OPEN)  # type: ignore[union-attr]
    )
    ticket = model.ticket_at(row)
    assert ticket is not None
    changes: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b: changes.append((a.row(), b.row())))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    with qtbot.waitSignal(model.dataChanged, timeout=5000):
        tasks.spawn(desk.run(SetStatus(ticket_id=ticket.id, status=Status.WAITING_CUSTOMER)))
    assert changes == [(row, row)] and resets == []
    assert model.data(model.index(row, Column.STATUS), STATUS_ROLE) == "waiting_customer"
    assert model.data(model.index(row, Column.STATUS)) == "Waiting for customer"
    assert model.row_of(ticket.id) == row  # stays put: the list does not jump


def test_a_view_switch_resets_and_drops_late_pages_of_the_old_view(
    qtbot: QtBot, desk: Desk, seeded: Seeded, tasks: Tasks
) -> None:
    model = TicketListModel(desk, tasks)
    model.set_filter(TicketFilter())
    with qtbot.waitSignal(model.modelReset):
        model.set_filter(TicketFilter(unassigned=True))  # before the first view answered
    loaded(qtbot, model)
    with desk.store.read() as s:
        expected = queries.count(s, TicketFilter(unassigned=True))
    assert 0 < expected < 40
    qtbot.waitUntil(lambda: model.ticket_at(expected - 1) is not None, timeout=5000)
    assert model.rowCount() == expected
    assert all(model.ticket_at(r).assignee is None for r in range(expected))  # type: ignore[union-attr]
    assert not model.index(expected, 0).isValid()
    assert model.data(QModelIndex()) is None
