"""Take docs/screenshot-mailboxes.png: Settings → Mailboxes against a private Dovecot.

    QT_QPA_PLATFORM=offscreen uv run python -m tests.ui.make_mailbox_screenshot [--lang en]

Two mailboxes: "support" with mail fetched and a passed connection test, "billing" with
a wrong password (its last error shows). An in-memory keyring; --no-keyring shows the
dialog as it looks on a system without one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
from keyring.backends import fail
from PySide6.QtCore import QLocale, SignalInstance
from qasync import QEventLoop

from desk_gui.models.mailbox import Security
from desk_gui.models.store import Store
from desk_gui.sync.facade import Desk
from desk_gui.sync.mail_in import admin
from desk_gui.sync.mail_in.engine import MailEngine
from desk_gui.sync.secrets import KeyringSecrets
from desk_gui.ui import app as desk_app
from desk_gui.ui.i18n import Translations
from desk_gui.ui.mailbox_settings import MailboxSettingsDialog, add_mailbox

from ..servers import start_dovecot
from ..sync.mail_in.conftest import ImapAccount
from ..sync.mail_in.test_ingest_dovecot import mail
from .seed import seed
from .test_mailbox_settings import MemoryKeyring


async def until(signal: SignalInstance) -> None:
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def done(*_args: object) -> None:
        if not future.done():
            future.set_result(None)

    signal.connect(done)
    await future


async def shoot(dialog: MailboxSettingsDialog, out: Path) -> None:
    await until(dialog.loaded)
    dialog.select("support")
    dialog.test()
    await until(dialog.tested)
    await asyncio.sleep(0.2)  # let the last repaint settle before the grab
    out.parent.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(out))


def prepare(store: Store, secrets: KeyringSecrets, dovecot_port: int, account: ImapAccount) -> None:
    seed(store, tickets=3)
    support = admin.MailboxSettings(
        "support", "127.0.0.1", account.user, dovecot_port, Security.NONE, group="2nd-Level"
    )
    billing = admin.MailboxSettings(
        "billing", "127.0.0.1", "billing@example.test", dovecot_port, Security.NONE
    )
    for settings, password in ((support, account.password), (billing, "wrong")):
        add_mailbox(store, secrets, settings, password)
    account.append(*[mail(f"Anfrage {i}", "Text")[0] for i in range(12)])
    MailEngine(store, secrets).run_once()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="de", choices=["de", "en"])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshot-mailboxes.png"))
    parser.add_argument("--no-keyring", action="store_true")
    args = parser.parse_args()
    server = start_dovecot()
    if isinstance(server, str):
        print(server, file=sys.stderr)
        return 1
    keyring.set_keyring(fail.Keyring() if args.no_keyring else MemoryKeyring())
    qapp = desk_app.application()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(f"sqlite:///{tmp}/desk.sqlite3")
            store.migrate()
            secrets = KeyringSecrets()
            account = ImapAccount(server, "support@example.test", server.password)
            prepare(store, secrets, server.port, account)
            translations = Translations(qapp)
            translations.apply(args.lang)
            QLocale.setDefault(QLocale(args.lang))
            desk = Desk(store)
            loop = QEventLoop(qapp)
            asyncio.set_event_loop(loop)
            dialog = MailboxSettingsDialog(desk, secrets)
            dialog.show()
            with loop:
                loop.run_until_complete(shoot(dialog, args.out))
                dialog.close()
            desk.close()
    finally:
        server.stop()
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
