"""The ticket list shows who else is replying to or viewing a ticket (SPEC F4.1): Anna's
list, Ben's ticket page, each on a desktop of their own on one store (SQLite and
PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot
from qasync import QEventLoop
from sqlalchemy import select, update

from desk_gui.models import Agent, sla_list
from desk_gui.models.commands import Actor
from desk_gui.models.lease import Lease
from desk_gui.models.queries import TicketFilter
from desk_gui.models.store import Store
from desk_gui.sync import leases, presence
from desk_gui.sync.facade import Desk
from desk_gui.ui import list_presence
from desk_gui.ui.drafts import DraftStore
from desk_gui.ui.i18n import Translations
from desk_gui.ui.tasks import Tasks
from desk_gui.ui.ticket_list import TicketListView
from desk_gui.ui.ticket_list_model import Column, TicketListModel
from desk_gui.ui.ticket_view import TicketView

from ..sync.mail_out.conftest import Sink
from .reply_fixtures import add_mailbox, fixture_sink, mail_ticket, open_ticket  # noqa: F401
from .seed import seed

TOOLTIP = Qt.ItemDataRole.ToolTipRole
ICON = Qt.ItemDataRole.DecorationRole


@dataclass
class Office:
    """Anna's desktop with the ticket list (and her own ticket page); Ben's ticket page."""

    store: Store
    model: TicketListModel
    list: TicketListView
    anna: TicketView
    ben: TicketView
    ben_name: str
    first: uuid.UUID
    second: uuid.UUID
    tasks: list[Tasks]

    def marker(self, ticket_id: uuid.UUID, role: int = TOOLTIP) -> Any:
        row = self.model.row_of(ticket_id)
        assert row is not None
        return self.model.data(self.model.index(row, Column.PRESENCE), role)


@pytest.fixture
def office(
    qtbot: QtBot, qloop: QEventLoop, store: Store, sink: Sink, tmp_path: Path
) -> Iterator[Office]:
    seed(store, tickets=4, threads=False)
    setup = add_mailbox(store, sink.port)
    with store.read() as s:
        ben = s.scalar(select(Agent).where(Agent.id != setup.agent.agent_id).order_by(Agent.name))
        assert ben is not None
        ben_actor = Actor(ben.name, ben.id)
    first, second = mail_ticket(store), mail_ticket(store, "Zweites")
    desks = [Desk(store, setup.agent), Desk(store, ben_actor)]
    failures: list[str] = []
    tasks = [Tasks(), Tasks()]
    for t in tasks:
        t.failed.connect(failures.append)
    model = TicketListModel(desks[0], tasks[0])
    view = TicketListView(model)
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    model.set_filter(TicketFilter())
    qtbot.waitUntil(lambda: model.row_of(first) is not None, timeout=5000)
    pages = []
    for who, desk, t in (("anna", desks[0], tasks[0]), ("ben", desks[1], tasks[1])):
        page = TicketView(desk, t, drafts=DraftStore(tmp_path / f"{who}-drafts"))
        page.setMinimumSize(1000, 760)  # no size-hint warnings on the offscreen platform
        page.resize(1000, 760)
        page.show()
        page.tasks_ = t  # type: ignore[attr-defined]
        pages.append(page)
    yield Office(store, model, view, pages[0], pages[1], ben_actor.name, first, second, tasks)
    # As tests/ui/test_presence.py: the pages shut down first, their drafts saved.
    model.shutdown()
    for page, t in zip(pages, tasks, strict=True):
        page.shutdown()
        qtbot.waitUntil(
            lambda p=page, t=t: t.running == 0 and not p.editor.saver._writing, timeout=5000
        )
        page.close()
        page.deleteLater()
    assert failures == []
    for desk in desks:  # the store is the fixture's: only the threads
        desk._writer.shutdown(wait=True)
        desk._readers.shutdown(wait=True)


def until_marker(qtbot: QtBot, office: Office, ticket_id: uuid.UUID, text: str | None) -> None:
    """Read again (the 20-s timer's job) until the ticket's tooltip says `text`."""

    def shown() -> bool:
        office.model.presence.refresh()
        return bool(office.marker(ticket_id) == text)

    qtbot.waitUntil(shown, timeout=5000)


def same_icon(found: Any, replying: bool) -> bool:
    kind = presence.Presence(replying="x") if replying else presence.Presence(viewing=("x",))
    return isinstance(found, QIcon) and found.cacheKey() == list_presence.icon(kind).cacheKey()


def test_a_colleague_replying_then_viewing_then_gone(
    qtbot: QtBot, office: Office, translations: Translations
) -> None:
    ben = office.ben_name
    open_ticket(qtbot, office.ben, office.first)
    qtbot.keyClicks(office.ben.editor.text, "Hallo")  # his first edit claims the reply
    qtbot.waitUntil(lambda: office.ben.editor.lease_epoch is not None, timeout=5000)
    changed: list[tuple[int, int, int, int]] = []

    def record(top: QModelIndex, bottom: QModelIndex, _roles: Any = None) -> None:
        changed.append((top.row(), top.column(), bottom.row(), bottom.column()))

    office.model.dataChanged.connect(record)
    until_marker(qtbot, office, office.first, f"{ben} is replying to this ticket")
    assert same_icon(office.marker(office.first, ICON), replying=True)
    assert office.marker(office.second) is None and office.marker(office.second, ICON) is None
    row = office.model.row_of(office.first)
    assert set(changed) == {(row, Column.PRESENCE, row, Column.PRESENCE)}  # no page re-read

    translations.apply("de")
    assert office.marker(office.first) == f"{ben} antwortet gerade auf dieses Ticket"
    translations.apply("en")

    office.ben.editor.discard()  # he only has it open now
    until_marker(qtbot, office, office.first, f"Open at: {ben}")
    assert same_icon(office.marker(office.first, ICON), replying=False)
    translations.apply("de")
    assert office.marker(office.first) == f"Geöffnet bei: {ben}"
    translations.apply("en")

    office.ben.show_ticket(None)  # he closes it: his rows go at once
    until_marker(qtbot, office, office.first, None)
    assert office.marker(office.first, ICON) is None


def test_her_own_reply_shows_no_marker_in_her_list(qtbot: QtBot, office: Office) -> None:
    open_ticket(qtbot, office.anna, office.first)
    qtbot.keyClicks(office.anna.editor.text, "Guten Tag")
    qtbot.waitUntil(lambda: office.anna.editor.lease_epoch is not None, timeout=5000)
    open_ticket(qtbot, office.ben, office.second)
    # Once Ben's viewing shows, the same read had Anna's own reply: not shown.
    until_marker(qtbot, office, office.second, f"Open at: {office.ben_name}")
    assert office.marker(office.first) is None
    assert office.marker(office.first, ICON) is None


def test_the_list_reads_on_show_every_20_s_and_after_a_reread_and_drops_expired_ones(
    qtbot: QtBot, office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    timer = office.model.presence.timer
    assert timer.isActive() and timer.interval() == 20_000
    reads: list[str] = []
    for module, name in ((sla_list, "rows_at"), (list_presence, "on_tickets")):
        monkeypatch.setattr(module, name, _recording(getattr(module, name), name, reads))
    qtbot.waitUntil(lambda: office.tasks[0].running == 0, timeout=5000)
    with office.store.write() as s:  # Ben on his laptop, which has no list here
        with_ben = presence.holder_of(office.ben._desk.actor.agent_id, "laptop-ben")
        presence.see(s, office.first, with_ben)

    office.model.refresh()  # as after new mail: the list re-read, the markers with it
    qtbot.waitUntil(lambda: office.marker(office.first) == f"Open at: {office.ben_name}")
    assert reads[:2] == ["rows_at", "on_tickets"]  # the first page comes first

    office.list.hide()  # a minimised window reads nothing
    assert not timer.isActive()
    reads.clear()
    office.model.presence.refresh()
    with office.store.write() as s:  # the laptop slept: its row expired on the db clock
        past = leases.db_now(s) - timedelta(seconds=1)
        s.execute(update(Lease).where(Lease.holder == with_ben).values(expires_at=past))
    qtbot.wait(50)
    assert reads == [] and office.marker(office.first) == f"Open at: {office.ben_name}"
    office.list.show()
    assert timer.isActive()
    qtbot.waitUntil(lambda: office.marker(office.first) is None, timeout=5000)
    assert reads == ["on_tickets"]


def _recording(real: Callable[..., Any], name: str, reads: list[str]) -> Callable[..., Any]:
    def recording(*args: Any, **kwargs: Any) -> Any:
        reads.append(name)
        return real(*args, **kwargs)

    return recording
