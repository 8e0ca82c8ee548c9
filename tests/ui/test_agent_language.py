"""A language picked in the window's Language menu is the signed-in agent's language for
the mails Desk writes them; following the system changes nothing stored."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desk_gui.models import Agent
from desk_gui.sync.facade import Desk
from desk_gui.ui.i18n import Translations
from desk_gui.ui.main_window import MainWindow

from .seed import Seeded


def languages(desk: Desk) -> dict[uuid.UUID, str]:
    with desk.store.read() as s:
        return {a.id: a.language for a in s.scalars(select(Agent))}


def test_the_language_menu_sets_the_agents_mail_language(
    qtbot: QtBot,
    desk: Desk,
    seeded: Seeded,
    translations: Translations,
    make_window: Callable[..., MainWindow],
) -> None:
    window = make_window(desk, translations)
    me = desk.actor.agent_id
    assert me is not None
    before = languages(desk)
    assert set(before.values()) == {"de"} and len(before) > 1

    window.action_table["lang_en"].trigger()
    qtbot.waitUntil(lambda: languages(desk)[me] == "en", timeout=5000)
    assert languages(desk) == {**before, me: "en"}  # only the signed-in agent's

    window.action_table["lang_system"].trigger()
    qtbot.waitUntil(lambda: window.tasks.running == 0, timeout=5000)
    assert languages(desk)[me] == "en"

    window.action_table["lang_de"].trigger()
    qtbot.waitUntil(lambda: languages(desk)[me] == "de", timeout=5000)
