"""The window driven like a user: views, search, a status change, a refused command."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from desk_gui.models import Status, queries, sla_list
from desk_gui.models.queries import TicketFilter
from desk_gui.sync.facade import Desk
from desk_gui.ui.main_window import MainWindow
from desk_gui.ui.navigation import KEY_ROLE
from desk_gui.ui.ticket_list_model import STATUS_ROLE, Column

from .conftest import wait_loaded
from .seed import Seeded

MakeWindow = Callable[..., MainWindow]


def nav_item(window: MainWindow, key: str) -> QTreeWidgetItem:
    nav = window.navigation
    items = [nav.topLevelItem(i) for i in range(nav.topLevelItemCount())]
    items += [it.child(j) for it in items for j in range(it.childCount())]
    return next(it for it in items if it.data(0, KEY_ROLE) == key)


def click_view(qtbot: QtBot, window: MainWindow, key: str) -> None:
    nav = window.navigation
    rect = nav.visualItemRect(nav_item(window, key))
    with qtbot.waitSignal(window.model.modelReset, timeout=5000):
        qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    wait_loaded(qtbot, window)


def store_count(desk: Desk, flt: TicketFilter) -> int:
    with desk.store.read() as s:
        return sla_list.count(s, flt)  # the SLA views count from their own table


def test_window_opens_on_my_tickets_with_counts_for_every_view(
    qtbot: QtBot, desk: Desk, seeded: Seeded, make_window: MakeWindow
) -> None:
    window = make_window(desk)
    assert window.width() == 1280 and window.height() == 800
    assert window.view is not None and window.view.key == "mine"
    wait_loaded(qtbot, window)
    me = seeded.agents[0]  # "Anna Blume" sorts first
    assert window.desk.actor.agent_id == me
    mine = window.navigation.view("mine")
    assert mine is not None and mine.filter.assignee_id == me
    assert window.model.rowCount() == store_count(desk, mine.filter) > 0
    qtbot.waitUntil(lambda: window.navigation.count_text("all") == "40", timeout=5000)
    for view in window.navigation.views():
        expected = str(store_count(desk, view.filter))
        qtbot.waitUntil(lambda v=view, e=expected: window.navigation.count_text(v.key) == e)
    assert {v.name for v in window.navigation.views() if v.name} == {
        "1st-Level-Support",
        "2nd-Level",
        "Billing",
    }
    assert "SQLite" in window.status.store.text()
    assert window.status.agent.currentText() == "Anna Blume"


def test_switching_views_shows_the_views_tickets(
    qtbot: QtBot, desk: Desk, seeded: Seeded, make_window: MakeWindow
) -> None:
    window = make_window(desk)
    wait_loaded(qtbot, window)
    click_view(qtbot, window, "unassigned")
    assert window.view is not None and window.view.key == "unassigned"
    n = window.model.rowCount()
    assert n == store_count(desk, window.view.filter) > 0
    assert all(window.model.ticket_at(r).assignee is None for r in range(n))  # type: ignore[union-attr]
    assert window.status.count.text() == f"{n} tickets"
    billing = f"group:{seeded.groups[2]}"
    click_view(qtbot, window, billing)
    assert all(window.model.ticket_at(r).group == "Billing" for r in range(window.model.rowCount()))  # type: ignore[union-attr]
    click_view(qtbot, window, "all")
    assert window.model.rowCount() == 40
    assert window.settings.value("ui/view") == "all"


def test_search_narrows_the_current_view(
    qtbot: QtBot, desk: Desk, seeded: Seeded, make_window: MakeWindow
) -> None:
    window = make_window(desk)
    click_view(qtbot, window, "all")
    with qtbot.waitSignal(window.model.countChanged, timeout=5000):
        qtbot.keyClicks(window.search, "Lizenzdatei")
    wait_loaded(qtbot, window)
    expected = store_count(desk, TicketFilter(text="Lizenzdatei"))
    assert 0 < window.model.rowCount() == expected < 40
    subjects = [window.model.ticket_at(r).subject for r in range(expected)]  # type: ignore[union-attr]
    assert all("Lizenzdatei" in s for s in subjects)
    # Clearing the box brings the whole view back.
    with qtbot.waitSignal(window.model.countChanged, timeout=5000):
        window.search.clear()
    assert window.model.rowCount() == 40


def select_row(qtbot: QtBot, window: MainWindow, row: int) -> None:
    table = window.list
    rect = table.visualRect(window.model.index(row, Column.SUBJECT))
    with qtbot.waitSignal(window.ticket.loaded, timeout=5000):
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_status_change_through_the_panel_shows_in_list_and_history(
    qtbot: QtBot, desk: Desk, seeded: Seeded, make_window: MakeWindow
) -> None:
    window = make_window(desk)
    click_view(qtbot, window, "all")
    model = window.model
    row = next(r for r in range(40) if model.ticket_at(r).status is Status.OPEN)  # type: ignore[union-attr]
    ticket_id = model.ticket_at(row).id  # type: ignore[union-attr]
    select_row(qtbot, window, row)
    page = window.ticket.page
    assert page is not None and page.id == ticket_id and page.status is Status.OPEN
    panel = window.ticket.properties
    assert panel.status.currentText() == "Open"

    # Type-ahead on the closed combo, like an agent: a user choice, so `activated`.
    with qtbot.waitSignal(window.ticket.loaded, timeout=5000):
        qtbot.keyClicks(panel.status, "W")
    assert panel.status.currentText() == "Waiting for customer"
    assert model.data(model.index(row, Column.STATUS), STATUS_ROLE) == "waiting_customer"
    assert model.data(model.index(row, Column.STATUS)) == "Waiting for customer"
    assert model.row_of(ticket_id) == row
    newest = window.ticket.history.topLevelItem(0)
    assert newest is not None
    assert [newest.text(i) for i in (1, 2, 3, 4)] == [
        "Anna Blume",
        "Status",
        "Open",
        "Waiting for customer",
    ]
    assert window.ticket.tabs.tabText(1) == f"History ({len(window.ticket.page.history)})"  # type: ignore[union-attr]
    with desk.store.read() as s:
        stored = queries.row(s, ticket_id)
    assert stored is not None and stored.status is Status.WAITING_CUSTOMER


def test_a_refused_command_shows_a_banner_and_keeps_the_old_value(
    qtbot: QtBot, desk: Desk, seeded: Seeded, make_window: MakeWindow
) -> None:
    window = make_window(desk)
    click_view(qtbot, window, "all")
    model = window.model
    row = next(r for r in range(40) if model.ticket_at(r).status is Status.OPEN)  # type: ignore[union-attr]
    select_row(qtbot, window, row)
    panel = window.ticket.properties
    # "Follow-up" (park) without a follow-up date: the command refuses.
    with qtbot.waitSignal(panel.refused, timeout=5000) as refused:
        qtbot.keyClicks(panel.status, "F")
    assert "follow-up" in refused.args[0]
    assert window.ticket.banner.isVisible()
    assert "Not saved" in window.ticket.banner.text.text()
    assert "Not saved" in window.status.currentMessage()
    assert panel.status.currentText() == "Open"
    assert model.data(model.index(row, Column.STATUS), STATUS_ROLE) == "open"


def test_tags_and_assignee_through_the_panel(
    qtbot: QtBot, desk: Desk, seeded: Seeded, make_window: MakeWindow
) -> None:
    window = make_window(desk)
    click_view(qtbot, window, "unassigned")
    select_row(qtbot, window, 0)
    panel = window.ticket.properties
    with qtbot.waitSignal(window.ticket.loaded, timeout=5000):
        qtbot.keyClicks(panel.tag_edit, "Dringend")
        qtbot.keyClick(panel.tag_edit, Qt.Key.Key_Return)
    assert "dringend" in window.ticket.page.tags  # type: ignore[union-attr]
    assert [panel.tags.item(i).text() for i in range(panel.tags.count())].count("dringend") == 1
    with qtbot.waitSignal(window.ticket.loaded, timeout=5000):
        qtbot.keyClicks(panel.assignee, "Ben")
    assert window.ticket.page.assignee_id == seeded.agents[1]  # type: ignore[union-attr]
    assert window.model.ticket_at(0).assignee == "Ben Krüger"  # type: ignore[union-attr]
    fields = [window.ticket.history.topLevelItem(i).text(2) for i in range(2)]
    assert "Assignee" in fields


def test_thread_shows_notes_calls_and_mail_distinctly(
    qtbot: QtBot, desk: Desk, seeded: Seeded, make_window: MakeWindow
) -> None:
    window = make_window(desk)
    click_view(qtbot, window, "all")
    model = window.model
    first = seeded.tickets[0]  # inbound mail, note, outbound mail and a call
    row = model.row_of(first)
    assert row is not None
    select_row(qtbot, window, row)
    html = window.ticket.conversation.toHtml()
    for label in ("Inbound mail", "Internal note", "Outbound mail", "Phone call · reached"):
        assert label in html
    assert "#fff6cc" in html  # the note's yellow
    assert window.ticket.tabs.tabText(0) == "Conversation (4)"
    text = window.ticket.conversation.toPlainText()
    assert "Rückruf vereinbart" in text and "Kunde hat Gold-Vertrag" in text


def test_choosing_another_agent_changes_my_tickets(
    qtbot: QtBot, desk: Desk, seeded: Seeded, make_window: MakeWindow
) -> None:
    window = make_window(desk)
    wait_loaded(qtbot, window)
    combo = window.status.agent
    with qtbot.waitSignal(window.model.countChanged, timeout=5000):
        qtbot.keyClicks(combo, "C")  # Clara Weiß
    assert window.desk.actor.agent_id == seeded.agents[2]
    assert window.settings.value("ui/agent") == str(seeded.agents[2])
    wait_loaded(qtbot, window)
    n = window.model.rowCount()
    assert n > 0 and all(window.model.ticket_at(r).assignee == "Clara Weiß" for r in range(n))  # type: ignore[union-attr]


def test_parking_with_a_follow_up_date_and_removing_a_tag(
    qtbot: QtBot, desk: Desk, seeded: Seeded, make_window: MakeWindow
) -> None:
    window = make_window(desk)
    click_view(qtbot, window, "all")
    model = window.model
    row = next(
        r
        for r in range(40)
        if model.ticket_at(r).status is Status.OPEN  # type: ignore[union-attr]
        and model.ticket_at(r).id in seeded.tickets[1::3]  # type: ignore[union-attr]
    )
    select_row(qtbot, window, row)
    panel = window.ticket.properties
    tags = list(window.ticket.page.tags)  # type: ignore[union-attr]
    assert tags and panel.follow_up_clear.isEnabled() is False
    # The date edit offers tomorrow 09:00; "Park until then" sets it and parks the ticket.
    with qtbot.waitSignal(window.ticket.loaded, timeout=5000):
        qtbot.mouseClick(panel.follow_up_set, Qt.MouseButton.LeftButton)
    page = window.ticket.page
    assert page is not None and page.status is Status.PENDING_REMINDER
    assert page.follow_up_at is not None and panel.follow_up_clear.isEnabled()
    assert model.ticket_at(row).follow_up_at == page.follow_up_at  # type: ignore[union-attr]
    assert panel.status.currentText() == "Follow-up"
    panel.tags.setCurrentRow(0)
    with qtbot.waitSignal(window.ticket.loaded, timeout=5000):
        qtbot.mouseClick(panel.tag_remove, Qt.MouseButton.LeftButton)
    assert tags[0] not in window.ticket.page.tags  # type: ignore[union-attr]
    with qtbot.waitSignal(window.ticket.loaded, timeout=5000):
        qtbot.mouseClick(panel.follow_up_clear, Qt.MouseButton.LeftButton)
    assert window.ticket.page.status is Status.OPEN  # type: ignore[union-attr]
