"""Settings → Mailboxes driven like an admin, against a real Dovecot and an in-memory keyring."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desk_gui.models.base import utcnow
from desk_gui.models.mailbox import MailboxState, Security
from desk_gui.sync.facade import Desk
from desk_gui.sync.mail_in import admin
from desk_gui.sync.secrets import SERVICE, KeyringSecrets
from desk_gui.ui.i18n import Translations
from desk_gui.ui.mailbox_settings import MailboxForm, MailboxSettingsDialog

from ..sync.mail_in import conftest as mail_in
from ..sync.mail_in.conftest import ImapAccount
from ..sync.mail_in.test_ingest_dovecot import mail
from .seed import Seeded

# The Dovecot fixtures of tests/sync/mail_in, made visible here (pytest looks them up
# as attributes of the test module).
dovecot = mail_in.dovecot
imap_account = mail_in.imap_account

WAIT_MS = 20_000  # a refused login takes Dovecot's failure delay (2 s)


class MemoryKeyring(KeyringBackend):
    """A keyring in a dict: tests never prompt and never touch the user's keyring."""

    priority = -1  # never chosen by keyring on its own

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.values.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """A system without a secure keyring, like a bare Linux server."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def open_dialog(qtbot: QtBot, desk: Desk, secrets: KeyringSecrets) -> MailboxSettingsDialog:
    dialog = MailboxSettingsDialog(desk, secrets)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.show()
    return dialog


def fill(form: MailboxForm, account: ImapAccount, name: str, password: str, **extra: Any) -> None:
    values = {
        "name": name,
        "host": "127.0.0.1",
        "port": account.server.port,
        "user": account.user,
        "password": password,
        "folder": "INBOX",
        **extra,
    }
    for field in ("name", "host", "user", "password", "folder"):
        if not getattr(form, field).isReadOnly():
            getattr(form, field).setText(str(values[field]))
    form.port.setValue(int(values["port"]))
    form.security.setCurrentIndex(form.security.findData(Security.NONE))
    if "group" in values:
        form.group.setCurrentIndex(form.group.findText(str(values["group"])))


def save(qtbot: QtBot, dialog: MailboxSettingsDialog, form: MailboxForm) -> tuple[str, bool]:
    """Click Save; the dialog saves, then tests the connection at once."""
    with qtbot.waitSignal(dialog.tested, timeout=WAIT_MS) as tested:
        form.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    name, ok = tested.args
    return name, ok


def add_through_form(
    qtbot: QtBot, dialog: MailboxSettingsDialog, account: ImapAccount, name: str, password: str
) -> tuple[str, bool]:
    dialog.add_button.click()
    form = dialog.form
    assert form is not None and form.isVisible()
    fill(form, account, name, password, group="2nd-Level")
    return save(qtbot, dialog, form)


def row(dialog: MailboxSettingsDialog, name: str) -> list[str]:
    assert dialog.select(name)
    item = dialog.list.currentItem()
    assert item is not None
    return [item.text(c) for c in range(dialog.list.columnCount())]


def test_add_then_test_connection_against_dovecot_shows_capabilities_and_count(
    qtbot: QtBot,
    desk: Desk,
    seeded: Seeded,
    imap_account: ImapAccount,
    memory_keyring: MemoryKeyring,
) -> None:
    imap_account.append(*[mail(f"Frage {i}", "Text")[0] for i in range(3)])
    dialog = open_dialog(qtbot, desk, KeyringSecrets())
    assert not dialog.keyring_banner.isVisible()
    assert dialog.list.topLevelItemCount() == 0 and not dialog.test_button.isEnabled()

    with qtbot.waitSignal(dialog.changed) as changed:
        assert add_through_form(qtbot, dialog, imap_account, "support", "secret") == (
            "support",
            True,
        )
    assert changed.args == [["support"]]
    text = dialog.result_text()
    assert f"connected to 127.0.0.1:{imap_account.server.port}" in text
    assert "Folder INBOX: 3 messages." in text
    assert "IDLE" in text and "CONDSTORE" in text
    assert memory_keyring.values == {(SERVICE, "mailbox:support:imap"): "secret"}
    assert row(dialog, "support")[:5] == [
        "support",
        f"127.0.0.1:{imap_account.server.port}, unencrypted",
        "2nd-Level",
        "Keyring",
        "0",
    ]

    # "Test connection" on the selected mailbox, again: the same answer.
    with qtbot.waitSignal(dialog.tested, timeout=WAIT_MS) as tested:
        dialog.test_button.click()
    assert tested.args == ["support", True]


def test_a_wrong_password_shows_the_error_and_a_new_one_fixes_it(
    qtbot: QtBot,
    desk: Desk,
    seeded: Seeded,
    imap_account: ImapAccount,
    memory_keyring: MemoryKeyring,
    translations: Translations,
) -> None:
    dialog = open_dialog(qtbot, desk, KeyringSecrets())
    assert add_through_form(qtbot, dialog, imap_account, "sales", "wrong") == ("sales", False)
    text = dialog.result_text()
    assert "connection failed" in text
    assert f"authentication failed for {imap_account.user}" in text

    # The engine's last error shows in full under the list when the mailbox is chosen.
    with dialog.desk.store.write() as session:
        state = MailboxState(mailbox_id=admin.get_mailbox(dialog.desk.store, "sales").id)
        state.last_error, state.last_error_at = "LoginError: b'[AUTHENTICATIONFAILED] no'", utcnow()
        session.add(state)
    with qtbot.waitSignal(dialog.loaded):
        dialog.reload()
    dialog.list.clearSelection()
    dialog.list.setCurrentItem(None)  # type: ignore[arg-type]
    dialog.select("sales")
    assert "“sales”: not fetching since" in dialog.result_text()
    assert "[AUTHENTICATIONFAILED] no" in dialog.result_text()
    translations.apply("de")  # the same error in the reader's language
    dialog.list.clearSelection()
    dialog.list.setCurrentItem(None)  # type: ignore[arg-type]
    dialog.select("sales")
    assert f"Anmeldung von {imap_account.user} bei 127.0.0.1:" in dialog.result_text()
    assert "fehlgeschlagen (Server: [AUTHENTICATIONFAILED] no)" in dialog.result_text()
    translations.apply("en")

    dialog.edit_button.click()
    form = dialog.form
    assert form is not None and form.editing and form.name.isReadOnly()
    assert form.host.text() == "127.0.0.1" and form.user.text() == imap_account.user
    assert form.group.currentText() == "2nd-Level"
    form.password.setText("secret")
    assert save(qtbot, dialog, form) == ("sales", True)
    assert memory_keyring.values[(SERVICE, "mailbox:sales:imap")] == "secret"


def test_the_form_refuses_what_admin_refuses_and_stays_open(
    qtbot: QtBot,
    desk: Desk,
    seeded: Seeded,
    imap_account: ImapAccount,
    memory_keyring: MemoryKeyring,
    translations: Translations,
) -> None:
    dialog = open_dialog(qtbot, desk, KeyringSecrets())
    add_through_form(qtbot, dialog, imap_account, "support", "secret")
    dialog.add_button.click()
    form = dialog.form
    assert form is not None
    fill(form, imap_account, "Support", "secret")  # the same name in another case
    form.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: form.error.isVisible(), timeout=5000)
    assert "exists already" in form.error.text()
    assert form.isVisible() and form.buttons.isEnabled()
    form.name.setText("other")
    form.host.clear()
    form.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: "needs a name, an IMAP host" in form.error.text(), timeout=5000)
    translations.apply("de")  # refusals come in the reader's language
    form.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: "braucht einen Namen, einen IMAP-Server" in form.error.text())
    translations.apply("en")
    form.reject()
    assert [i.name for i in admin.list_mailboxes(desk.store, KeyringSecrets())] == ["support"]


def test_without_a_secure_keyring_the_password_is_kept_for_this_session_only(
    qtbot: QtBot, desk: Desk, seeded: Seeded, imap_account: ImapAccount, no_keyring: None
) -> None:
    secrets = KeyringSecrets()
    dialog = open_dialog(qtbot, desk, secrets)
    assert dialog.keyring_banner.isVisible()
    assert "session only" in dialog.keyring_banner.text()
    dialog.add_button.click()
    assert dialog.form is not None
    assert "session only" in dialog.form.keyring_note.text()
    dialog.form.reject()

    # Saved without a keyring: this session (the engine shares `secrets`) can log in.
    assert add_through_form(qtbot, dialog, imap_account, "support", "secret") == (
        "support",
        True,
    )
    assert row(dialog, "support")[3] == "This session only"
    assert KeyringSecrets().get("mailbox:support:imap") is None  # nothing outlives us


def test_remove_asks_first_and_then_the_mailbox_is_gone(
    qtbot: QtBot,
    desk: Desk,
    seeded: Seeded,
    imap_account: ImapAccount,
    memory_keyring: MemoryKeyring,
) -> None:
    dialog = open_dialog(qtbot, desk, KeyringSecrets())
    add_through_form(qtbot, dialog, imap_account, "support", "secret")
    dialog.remove_button.click()
    assert dialog.confirm_bar.isVisible() and "support" in dialog.confirm_text.text()
    dialog.confirm_no.click()
    assert not dialog.confirm_bar.isVisible()
    assert dialog.list.topLevelItemCount() == 1

    dialog.remove_button.click()
    with qtbot.waitSignal(dialog.removed, timeout=5000):
        dialog.confirm_yes.click()
    assert dialog.list.topLevelItemCount() == 0
    assert memory_keyring.values == {}
