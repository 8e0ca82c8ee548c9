"""Settings → Trigger rules on real widgets: a rule added in the dialog is stored (the
admin listing sees it) and listed; removing it deletes it again."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from desk_gui.models.store import Store
from desk_gui.models.trigger import TriggerEvent
from desk_gui.sync.facade import Desk
from desk_gui.sync.sla import admin
from desk_gui.ui.i18n import Translations
from desk_gui.ui.main_window import MainWindow
from desk_gui.ui.trigger_settings import (
    ACTION_LABELS,
    CONDITION_LABELS,
    TriggerSettings,
    describe,
)

from .seed import Seeded


def _stored(store: Store) -> list[tuple[str, TriggerEvent, dict[str, object], dict[str, object]]]:
    with store.read() as s:
        return [(r.name, r.event, r.conditions, r.actions) for r in admin.list_rules(s)]


def test_add_and_remove_a_keyword_rule_through_the_dialog(
    qtbot: QtBot,
    seeded: Seeded,
    desk: Desk,
    sqlite_store: Store,
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(desk)
    window.action_table["triggers"].trigger()  # the Settings menu entry
    qtbot.waitUntil(lambda: isinstance(getattr(window, "triggers", None), TriggerSettings))
    dialog: TriggerSettings = window.triggers
    assert dialog.isVisible()
    assert dialog.table.rowCount() == 0

    billing = seeded.groups[2]  # "Billing"
    dialog.name.setText("Rechnungen")
    dialog.on_event.setCurrentIndex(dialog.on_event.findData(TriggerEvent.CREATED.value))
    dialog.texts["keywords"].setText("Rechnung")
    dialog.group.setCurrentIndex(dialog.group.findData(str(billing)))
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        dialog.add_button.click()

    assert _stored(sqlite_store) == [
        ("Rechnungen", TriggerEvent.CREATED, {"keywords": ["rechnung"]}, {"group": str(billing)})
    ]
    assert dialog.table.rowCount() == 1
    cells = [item.text() for c in range(5) if (item := dialog.table.item(0, c)) is not None]
    assert cells == [
        "Rechnungen", "Ticket created", "Keyword: rechnung", "Set group: Billing", "yes"
    ]  # fmt: skip

    # The same name again is refused with the backend's message, nothing stored twice.
    dialog.name.setText("rechnungen")
    dialog.add_button.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: dialog.add_button.isEnabled(), timeout=5000)
    assert "exists already" in dialog.error.text()
    assert len(_stored(sqlite_store)) == 1

    dialog.table.selectRow(0)
    with qtbot.waitSignal(dialog.changed, timeout=5000):
        dialog.remove_button.click()
    assert _stored(sqlite_store) == []
    assert dialog.table.rowCount() == 0

    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Close).click()
    assert not dialog.isVisible()


def test_rules_read_like_the_form_in_both_languages(qtbot: QtBot) -> None:
    """Stored keys and enum values are shown with the form's translated labels."""
    conditions = {"priority": ["urgent", "high"], "channel": ["mail"], "sender": ["@x.de"]}
    actions = {"status": "open", "notify": ["group-lead"], "tags": ["vip"]}
    assert describe(conditions, CONDITION_LABELS) == (
        "Priority: Urgent, High; Channel: E-mail; Sender: @x.de"
    )
    assert describe(actions, ACTION_LABELS) == "Set status: Open; Notify: Group lead; Add tag: vip"
    app = QApplication.instance()
    assert app is not None
    translations = Translations(app)
    translations.apply("de")
    try:
        assert describe(actions, ACTION_LABELS) == (
            "Status setzen: Offen; Benachrichtigen: Gruppenleitung; Schlagwort hinzufügen: vip"
        )
    finally:
        translations.apply("en")
