"""Settings → Mailboxes: the optional folder processed mail is moved to (real Dovecot)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from desk_gui.sync.facade import Desk
from desk_gui.sync.mail_in import admin
from desk_gui.sync.secrets import KeyringSecrets
from desk_gui.ui.i18n import Translations
from desk_gui.ui.mailbox_settings import MailboxForm

from ..sync.mail_in import conftest as mail_in
from ..sync.mail_in.conftest import ImapAccount
from .seed import Seeded
from .test_mailbox_settings import MemoryKeyring, fill, memory_keyring, open_dialog, save

# Fixtures of other modules (pytest finds fixtures among a module's attributes).
dovecot = mail_in.dovecot
imap_account = mail_in.imap_account
__all__ = ["memory_keyring"]


def _processed(desk: Desk) -> list[str | None]:
    return [i.processed_folder for i in admin.list_mailboxes(desk.store, KeyringSecrets())]


def test_the_processed_folder_is_saved_tested_edited_and_cleared(
    qtbot: QtBot,
    desk: Desk,
    seeded: Seeded,
    imap_account: ImapAccount,
    memory_keyring: MemoryKeyring,
) -> None:
    dialog = open_dialog(qtbot, desk, KeyringSecrets())
    dialog.add_button.click()
    form = dialog.form
    assert form is not None
    assert form.processed.text() == "" and form.processed.placeholderText()  # optional
    fill(form, imap_account, "support", "secret")
    form.processed.setText("  Erledigt ")
    assert save(qtbot, dialog, form) == ("support", True)
    assert _processed(desk) == ["Erledigt"]
    text = dialog.result_text()
    assert "Processed mail is moved to Erledigt. The folder was created." in text
    with imap_account.client() as c:
        assert c.folder_exists("Erledigt")

    dialog.edit_button.click()
    form = dialog.form
    assert form is not None and form.editing
    assert form.processed.text() == "Erledigt"
    form.processed.setText("INBOX")  # refused: the fetched folder itself
    form.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: "must differ from the fetched folder" in form.error.text())
    assert _processed(desk) == ["Erledigt"]
    form.processed.clear()  # empty: mail stays where it is
    assert save(qtbot, dialog, form) == ("support", True)
    assert _processed(desk) == [None]
    assert "Processed mail" not in dialog.result_text()


def test_the_field_reads_in_german(
    qtbot: QtBot, desk: Desk, seeded: Seeded, translations: Translations
) -> None:
    translations.apply("de")
    try:
        form = MailboxForm([], secure=True)
        qtbot.addWidget(form)
        texts = [lbl.text() for lbl in form.findChildren(type(form.error))]
        assert "Verarbeitete Mail &verschieben nach:" in texts
        assert form.processed.placeholderText() == "leer: Mail bleibt im Ordner"
    finally:
        translations.apply("en")
