"""SLA in the window, on real widgets: the ticket's remaining time, the "Due soon" and
"Breached" views, and an absence saved in the dialog handing a ticket over."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desk_gui.models import Agent, Group, Membership
from desk_gui.models.alert import AlertKind
from desk_gui.models.commands import Actor, CreateTicket, execute
from desk_gui.models.history import HistoryEntry as History
from desk_gui.models.sla import SlaTarget
from desk_gui.models.store import Store
from desk_gui.models.ticket import Priority, Ticket
from desk_gui.sync.facade import Desk
from desk_gui.sync.runner import SyncService
from desk_gui.sync.sla import admin
from desk_gui.sync.sla.engine import SlaEngine
from desk_gui.sync.sla.policy import Level
from desk_gui.ui import engine_runner, labels
from desk_gui.ui.absence_dialog import AbsenceDialog, AbsenceSaved
from desk_gui.ui.engine_runner import EngineRunner
from desk_gui.ui.i18n import Translations
from desk_gui.ui.main_window import AGENT_SETTING, MainWindow
from desk_gui.ui.sla_alerts import alert_text, unread_alerts
from desk_gui.ui.ticket_list_model import Column

from .conftest import wait_loaded

HOUR = 3600


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class SlaDesk:
    t0: datetime  # "now" of the test: when the fresh tickets came in
    anna: uuid.UUID  # lead of Support
    ben: uuid.UUID
    cara: uuid.UUID
    fresh: uuid.UUID  # urgent, Ben's, first response due in an hour: due soon
    old: uuid.UUID  # came in three hours ago, first response 1 h: breached
    none_due: uuid.UUID  # low priority, outside the policy: in neither view
    group: uuid.UUID
    clock: Clock  # what commands take as their time


def _create(
    store: Store, subject: str, prio: Priority, group: uuid.UUID, agent: uuid.UUID
) -> uuid.UUID:
    tid = uuid.uuid4()
    cmd = CreateTicket(
        ticket_id=tid,
        subject=subject,
        body="Hilfe",
        from_addr="kunde@example.com",
        group_id=group,
        assignee_id=agent,
        priority=prio,
    )
    execute(store, cmd, Actor("mail"))
    return tid


@pytest.fixture
def sla_desk(sqlite_store: Store, monkeypatch: pytest.MonkeyPatch) -> SlaDesk:
    store = sqlite_store
    t0 = datetime.now(UTC).replace(microsecond=0)
    hlc = store.clock.now
    with store.write() as s:
        cal = admin.create_calendar(s, hlc, "Immer", "Europe/Berlin", ["mon-sun 00:00-24:00"])
        anna = Agent(login="anna", name="Anna Schmidt")
        ben = Agent(login="ben", name="Ben Weber")
        cara = Agent(login="cara", name="Cara Jung")
        s.add_all([anna, ben, cara])
        s.flush()
        support = Group(name="Support", lead_agent_id=anna.id)
        s.add(support)
        s.flush()
        s.add_all(Membership(agent_id=a.id, group_id=support.id) for a in (anna, ben, cara))
        targets = {SlaTarget.FIRST_RESPONSE: HOUR, SlaTarget.RESOLUTION: 8 * HOUR}
        match = {"priority": ["urgent", "high", "normal"]}
        breach = Level(percent=100, notify=("assignee",))
        admin.create_policy(s, hlc, "Standard", cal, targets, match, [breach])
        ids = anna.id, ben.id, cara.id, support.id
    anna_id, ben_id, cara_id, group = ids
    clock = Clock(t0 - timedelta(hours=3))
    monkeypatch.setattr("desk_gui.models.commands.utcnow", clock)
    old = _create(store, "Alte Anfrage", Priority.NORMAL, group, cara_id)
    clock.now = t0
    fresh = _create(store, "Drucker defekt", Priority.URGENT, group, ben_id)
    none_due = _create(store, "Irgendwann", Priority.LOW, group, ben_id)
    SlaEngine(store).run_once(now=t0)
    return SlaDesk(t0, anna_id, ben_id, cara_id, fresh, old, none_due, group, clock)


@pytest.fixture
def window(
    sla_desk: SlaDesk, desk: Desk, settings: QSettings, make_window: Callable[..., MainWindow]
) -> MainWindow:
    settings.setValue(AGENT_SETTING, str(sla_desk.anna))
    return make_window(desk)


def test_ticket_view_shows_remaining_business_time_coloured_by_level(
    qtbot: QtBot, sla_desk: SlaDesk, window: MainWindow
) -> None:
    panel = window.ticket.sla
    panel._now = lambda: sla_desk.t0 + timedelta(minutes=15)
    window.ticket.show_ticket(sla_desk.fresh)
    qtbot.waitUntil(lambda: SlaTarget.FIRST_RESPONSE in panel.labels, timeout=5000)
    first = panel.labels[SlaTarget.FIRST_RESPONSE]
    assert first.text() == "First response: 45 min left"
    assert first.property("level") == "ok"
    assert panel.labels[SlaTarget.RESOLUTION].text() == "Resolution: 7 h 45 min left"
    assert panel.isVisibleTo(window)

    window.ticket.show_ticket(sla_desk.old)
    qtbot.waitUntil(
        lambda: panel.state is not None and panel.state.ticket_id == sla_desk.old, timeout=5000
    )
    first = panel.labels[SlaTarget.FIRST_RESPONSE]
    assert first.text() == "First response: overdue by 2 h 15 min"
    assert first.property("level") == "breached"

    window.ticket.show_ticket(sla_desk.none_due)  # no policy matches a low ticket
    qtbot.waitUntil(
        lambda: panel.state is not None and panel.state.ticket_id == sla_desk.none_due,
        timeout=5000,
    )
    assert panel.labels == {} and not panel.isVisibleTo(window)


def _listed(qtbot: QtBot, window: MainWindow, key: str) -> list[uuid.UUID]:
    assert window.navigation.select(key)
    qtbot.waitUntil(lambda: window.view is not None and window.view.key == key, timeout=5000)
    wait_loaded(qtbot, window)
    rows = [window.model.ticket_at(i) for i in range(window.model.rowCount())]
    return [r.id for r in rows if r is not None]


def _due_cell(window: MainWindow) -> tuple[str, str]:
    index = window.model.index(0, Column.DUE)
    color = window.model.data(index, Qt.ItemDataRole.ForegroundRole)
    return window.model.data(index), color.name()


def test_due_soon_and_breached_views_list_the_right_tickets(
    qtbot: QtBot, sla_desk: SlaDesk, window: MainWindow
) -> None:
    titles = {window.navigation.title(v) for v in window.navigation.views()}
    assert {"Due soon", "Breached"} <= titles
    assert _listed(qtbot, window, "due_soon") == [sla_desk.fresh]
    assert _due_cell(window) == (labels.format_when(sla_desk.t0 + timedelta(hours=1)), "#ef6c00")
    assert _listed(qtbot, window, "breached") == [sla_desk.old]
    assert _due_cell(window) == (labels.format_when(sla_desk.t0 - timedelta(hours=2)), "#c62828")
    shown = _listed(qtbot, window, "all")  # every view has the "SLA due" column
    low = window.model.index(shown.index(sla_desk.none_due), Column.DUE)
    assert window.model.data(low) == ""
    qtbot.waitUntil(lambda: window.navigation.count_text("breached") == "1", timeout=5000)
    assert window.navigation.count_text("due_soon") == "1"


def test_absence_dialog_hands_the_urgent_ticket_to_a_colleague(
    qtbot: QtBot,
    sla_desk: SlaDesk,
    window: MainWindow,
    sqlite_store: Store,
    translations: Translations,
) -> None:
    window.edit_absence()
    qtbot.waitUntil(
        lambda: isinstance(getattr(window, "absence", None), AbsenceDialog), timeout=5000
    )
    dialog: AbsenceDialog = window.absence
    assert dialog.agent.isEnabled()  # Anna leads Support: she may pick anyone
    dialog.agent.setCurrentIndex(dialog.agent.findData(str(sla_desk.ben)))
    dialog.note.setText("Urlaub")
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    result: AbsenceSaved = saved.args[0]
    assert [h.ticket_id for h in result.handed_over] == [sla_desk.fresh]  # not the low one

    with sqlite_store.read() as s:
        fresh = s.get(Ticket, sla_desk.fresh)
        low = s.get(Ticket, sla_desk.none_due)
        assert fresh is not None and low is not None
        assert fresh.assignee_id in (sla_desk.anna, sla_desk.cara)
        assert low.assignee_id == sla_desk.ben
        new_name = s.get(Agent, fresh.assignee_id).name  # type: ignore[union-attr]
        fields = s.scalars(select(History.field).where(History.ticket_id == fresh.id)).all()
        assert "assignee_id" in fields or "assignee" in fields

    window.ticket.show_ticket(sla_desk.fresh)
    qtbot.waitUntil(
        lambda: window.ticket.page is not None and window.ticket.page.id == sla_desk.fresh,
        timeout=5000,
    )
    entries = [
        [item.text(c) for c in range(5)]
        for item in (
            window.ticket.history.topLevelItem(i)
            for i in range(window.ticket.history.topLevelItemCount())
        )
        if item is not None
    ]
    handed = [e for e in entries if e[1] == "hand-over: Ben Weber absent"]
    assert handed and handed[0][3] == "Ben Weber" and handed[0][4] == new_name

    # The colleague's alert reads in the colleague's language.
    with sqlite_store.read() as s:
        taker = s.get(Ticket, sla_desk.fresh).assignee_id  # type: ignore[union-attr]
        [item] = [a for a in unread_alerts(s, taker) if a.kind is AlertKind.HAND_OVER]
    assert alert_text(item).endswith(": handed over to you, Ben Weber is absent")
    translations.apply("de")
    assert alert_text(item).endswith(": an Sie übergeben, Ben Weber ist abwesend")
    translations.apply("en")


def test_a_breach_the_engine_fires_reaches_the_agent_on_the_desktop(
    qtbot: QtBot, sla_desk: SlaDesk, window: MainWindow, sqlite_store: Store
) -> None:
    alerts = window.sla_alerts
    qtbot.waitUntil(lambda: alerts.news.started, timeout=5000)  # first read: no pop-ups
    assert alerts.items == []  # the breach of Cara's ticket is not Anna's business
    sla_desk.clock.now = sla_desk.t0 - timedelta(hours=2)
    late = _create(sqlite_store, "Server langsam", Priority.HIGH, sla_desk.group, sla_desk.anna)
    SlaEngine(sqlite_store).run_once(now=sla_desk.t0)
    with sqlite_store.read() as s:
        number = s.get(Ticket, late).number  # type: ignore[union-attr]

    with qtbot.waitSignal(window.bell.announced, timeout=5000) as shown:
        alerts.refresh()
    assert shown.args == [
        f"SLA breached: #{number} Server langsam",
        "First response: level 100% (Standard)",
    ]
    assert [a.ticket_id for a in alerts.items] == [late]
    with qtbot.assertNotEmitted(window.bell.announced, wait=300):
        alerts.refresh()  # announced once only


def test_due_times_follow_an_sla_pass_without_resetting_the_list(
    qtbot: QtBot, sla_desk: SlaDesk, window: MainWindow, sqlite_store: Store
) -> None:
    """A ticket listed before the engine gave it clocks gets its due time when the pass
    reports, and the agent's selection stays where it was."""
    with qtbot.waitSignal(window.engine.stopped, timeout=10_000):
        window.engine.stop()  # its own passes would race the one this test reports
    new = _create(sqlite_store, "Neu gekommen", Priority.URGENT, sla_desk.group, sla_desk.ben)
    shown = _listed(qtbot, window, "all")
    row = shown.index(new)
    cell = window.model.index(row, Column.DUE)
    assert window.model.data(cell) == ""
    window.list.selectRow(row)
    resets: list[bool] = []
    window.model.modelReset.connect(lambda: resets.append(True))

    report = SlaEngine(sqlite_store).run_once(now=sla_desk.t0)
    assert report.recomputed >= 1
    window.engine.passed.emit("sla", report)
    due = labels.format_when(sla_desk.t0 + timedelta(hours=1))
    qtbot.waitUntil(lambda: window.model.data(cell) == due, timeout=5000)
    assert resets == []
    assert [i.row() for i in window.list.selectionModel().selectedRows()] == [row]


def _overdue_for_anna(sla_desk: SlaDesk, store: Store, n: int) -> list[uuid.UUID]:
    """`n` of Anna's tickets, two hours old with a one-hour first response: all breached
    once an engine comes back (as after a night with no engine running)."""
    sla_desk.clock.now = sla_desk.t0 - timedelta(hours=2)
    made = [
        _create(store, f"Rückstau {i}", Priority.HIGH, sla_desk.group, sla_desk.anna)
        for i in range(n)
    ]
    sla_desk.clock.now = sla_desk.t0
    return made


def test_a_storm_of_fired_levels_is_announced_once_as_a_summary(
    qtbot: QtBot, sla_desk: SlaDesk, window: MainWindow, sqlite_store: Store
) -> None:
    alerts = window.sla_alerts
    qtbot.waitUntil(lambda: alerts.news.started, timeout=5000)  # first read: no pop-ups
    _stop_engine(qtbot, window)
    made = _overdue_for_anna(sla_desk, sqlite_store, 6)
    report = SlaEngine(sqlite_store).run_once(now=sla_desk.t0)
    assert {f.ticket_id for f in report.fired} >= set(made)
    shown: list[tuple[str, str]] = []
    window.bell.announced.connect(lambda title, text: shown.append((title, text)))

    alerts.refresh()
    qtbot.waitUntil(lambda: len(alerts.items) == 6, timeout=5000)
    newest = alerts.items[0]
    assert shown == [("Unread alerts: 6", f"The newest: SLA breached: {newest.ticket}")]
    with qtbot.assertNotEmitted(window.bell.announced, wait=300):
        alerts.refresh()  # announced once only


def test_a_storm_summary_is_worded_in_german(
    qtbot: QtBot,
    sla_desk: SlaDesk,
    window: MainWindow,
    sqlite_store: Store,
    translations: Translations,
) -> None:
    alerts = window.sla_alerts
    qtbot.waitUntil(lambda: alerts.news.started, timeout=5000)
    _stop_engine(qtbot, window)
    translations.apply("de")
    _overdue_for_anna(sla_desk, sqlite_store, 4)
    SlaEngine(sqlite_store).run_once(now=sla_desk.t0)
    with qtbot.waitSignal(window.bell.announced, timeout=5000) as shown:
        alerts.refresh()
    title, text = shown.args
    assert title == "Ungelesene Hinweise: 4"
    assert text.startswith("Der neueste: SLA verletzt: #")


def test_a_pass_touching_many_tickets_makes_the_views_re_read_instead_of_each_row(
    qtbot: QtBot,
    sla_desk: SlaDesk,
    window: MainWindow,
    sqlite_store: Store,
    desk: Desk,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _stop_engine(qtbot, window)
    # A runner of its own, never started: the pass reports come from the test.
    runner = EngineRunner(desk, window.secrets, window, SyncService(sqlite_store, window.secrets))
    monkeypatch.setattr(engine_runner, "ANNOUNCE_MAX", 3)
    _overdue_for_anna(sla_desk, sqlite_store, 5)
    report = SlaEngine(sqlite_store).run_once(now=sla_desk.t0)
    assert len({f.ticket_id for f in report.fired}) == 5
    heard: list[uuid.UUID] = []
    unsubscribe = desk.subscribe(lambda change: heard.append(change.ticket_id))

    with qtbot.waitSignal(runner.ticketsArrived, timeout=5000):
        runner.passed.emit("sla", report)
    assert heard == []  # no row read and announced one by one

    few = dataclasses.replace(report, fired=report.fired[:2])
    runner.passed.emit("sla", few)
    qtbot.waitUntil(lambda: len(heard) == 2, timeout=5000)
    assert set(heard) == {f.ticket_id for f in report.fired[:2]}
    unsubscribe()


def _stop_engine(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.engine.stopped, timeout=10_000):
        window.engine.stop()  # its own passes would race the ones the test runs
