"""Settings → templates, signature and layouts, driven like an admin."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desk_gui.models import Agent, Group, Template
from desk_gui.sync.facade import Desk
from desk_gui.ui.main_window import MainWindow
from desk_gui.ui.settings_templates import TemplateSettings
from desk_gui.ui.tasks import Tasks

from .reply_fixtures import ReplySetup, fixture_reply_setup, fixture_sink  # noqa: F401


@pytest.fixture
def dialog(qtbot: QtBot, desk: Desk, reply_setup: ReplySetup) -> Iterator[TemplateSettings]:
    tasks = Tasks()
    failures: list[str] = []
    tasks.failed.connect(failures.append)
    widget = TemplateSettings(desk, tasks)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.show()
    yield widget
    qtbot.waitUntil(lambda: tasks.running == 0, timeout=5000)
    assert failures == []


def test_templates_are_listed_added_refused_and_removed(
    qtbot: QtBot, desk: Desk, dialog: TemplateSettings
) -> None:
    names = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert names == ["gruss (de)", "gruss (en)", "lizenz (de)"]
    assert dialog.name.text() == "gruss" and "vielen Dank" in dialog.body.toPlainText()

    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.name, "abschluss")
    dialog.language.setCurrentText("en")
    qtbot.keyClicks(dialog.body, "Kind regards, ")
    dialog.placeholders.setCurrentIndex(dialog.placeholders.findText("{{agent.name}}"))
    dialog.placeholders.activated.emit(dialog.placeholders.currentIndex())
    with qtbot.waitSignals([dialog.saved, dialog.loaded], timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with desk.store.read() as s:
        saved = s.scalar(select(Template).where(Template.name == "abschluss"))
        assert saved is not None and saved.language == "en"
        assert saved.placeholders == ["agent.name"]
        assert "Kind regards, {{agent.name}}" in saved.body_html
    assert dialog.list.currentItem().text() == "abschluss (en)"

    # An unknown placeholder is refused with the command's reason.
    qtbot.keyClicks(dialog.body, " {{kunde.name}}")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "unknown placeholder" in dialog.message.text(), timeout=5000)

    with qtbot.waitSignals([dialog.saved, dialog.loaded], timeout=5000):
        qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    with desk.store.read() as s:
        assert s.scalar(select(Template).where(Template.name == "abschluss")) is None


def test_signature_and_department_layout_are_saved(
    qtbot: QtBot, desk: Desk, reply_setup: ReplySetup, dialog: TemplateSettings
) -> None:
    assert "Viele Grüße" in dialog.signature.toPlainText()
    dialog.signature.clear()
    qtbot.keyClicks(dialog.signature, "Beste Gruesse, {{agent.name}}")
    with qtbot.waitSignals([dialog.saved, dialog.loaded], timeout=5000):
        qtbot.mouseClick(dialog.save_signature_button, Qt.MouseButton.LeftButton)

    group = dialog.group.findData(str(reply_setup.group_id))
    dialog.group.setCurrentIndex(group)
    dialog.group.activated.emit(group)
    assert "{{content}}" in dialog.layout_html.toPlainText()
    layout = "<html><body><h1>ACME</h1>{{content}}</body></html>"
    dialog.layout_html.setPlainText(layout)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.mouseClick(dialog.save_layout_button, Qt.MouseButton.LeftButton)
    with desk.store.read() as s:
        agent = s.get(Agent, reply_setup.agent.agent_id)
        found = s.get(Group, reply_setup.group_id)
        assert agent is not None and found is not None
        assert "Beste Gruesse, {{agent.name}}" in (agent.signature_html or "")
        assert found.layout_html == layout


def test_the_file_menu_opens_the_template_settings(
    qtbot: QtBot, desk: Desk, reply_setup: ReplySetup, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(desk)
    window.action_table["templates"].trigger()
    found = window.findChild(TemplateSettings)
    assert found is not None and found.isVisible()
    qtbot.waitUntil(lambda: found.list.count() == 3, timeout=5000)
    found.close()
