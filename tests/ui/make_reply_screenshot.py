"""Take docs/screenshot-reply.png: a ticket with the reply editor open, offscreen.

    QT_QPA_PLATFORM=offscreen uv run python -m tests.ui.make_reply_screenshot [--lang de]

A customer mail with a table, a reply being written (formatting, a quote, an
attachment), and a failed earlier reply with its Retry and Edit buttons.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from qasync import QEventLoop
from sqlalchemy import update

from desk_gui.models import OutboundMail, OutboundState
from desk_gui.models.store import Store
from desk_gui.sync.facade import Desk
from desk_gui.sync.mail_out import Queued, ReplyDraft, queue_reply
from desk_gui.ui import app as desk_app
from desk_gui.ui.drafts import DraftStore
from desk_gui.ui.i18n import Translations
from desk_gui.ui.main_window import MainWindow
from tests.ui.make_screenshot import until
from tests.ui.reply_fixtures import add_mailbox, mail_ticket
from tests.ui.seed import seed

CUSTOMER_HTML = (
    "<p>Guten Tag,</p><p>seit dem Update druckt der Drucker im 2. OG nicht mehr:</p>"
    "<table border='1' cellpadding='4' style='border-collapse:collapse'>"
    "<tr><th>Gerät</th><th>Fehler</th></tr><tr><td>HP M507</td><td>50.2</td></tr>"
    "<tr><td>HP M402</td><td>49.4C02</td></tr></table><p>Viele Grüße<br>Max Muster</p>"
)


def prepare(store: Store) -> tuple[object, object]:
    store.migrate()
    seed(store, tickets=12)
    setup = add_mailbox(store, port=1)
    tid = mail_ticket(
        store,
        subject="Drucker im 2. OG druckt nicht",
        body="Guten Tag, seit dem Update druckt der Drucker nicht mehr.",
        html=CUSTOMER_HTML,
    )
    failed = queue_reply(
        store,
        ReplyDraft(tid, "<p>Wir schauen uns das an.</p>"),
        setup.agent,
    )
    assert isinstance(failed, Queued)
    with store.write() as s:
        s.execute(
            update(OutboundMail)
            .where(OutboundMail.id == failed.outbound_id)
            .values(
                state=OutboundState.FAILED,
                attempts=1,
                reason="554 5.7.1 Relay access denied",
            )
        )
    return tid, setup


async def shoot(
    window: MainWindow, tid: object, out: Path, attachment: Path, note_out: Path | None
) -> None:
    await until(window.ready)
    loaded = until(window.ticket.loaded)
    window.ticket.show_ticket(tid)  # type: ignore[arg-type]
    await loaded
    editor = window.ticket.editor
    await until(editor.contextLoaded)
    editor.text.setFocus()
    editor.text.insertHtml(
        "<p>Hallo Herr Muster,</p><p>danke für die Fehlercodes. Bitte probieren Sie "
        "<b>zuerst</b> Folgendes:</p><ul><li>Drucker aus- und einschalten</li>"
        "<li>Papierfach prüfen</li></ul>"
    )
    editor.quote_last_message()
    editor.attach([attachment])
    window.work.setSizes([150, 750])  # room for the ticket: the list shows a few rows
    window.ticket.reply_split.setSizes([260, 420])
    await asyncio.sleep(0.3)  # let layouts and repaints settle before the grab
    bar = window.ticket.conversation.verticalScrollBar()
    bar.setValue(bar.maximum())
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    if note_out is not None:
        editor.set_mode("note")
        editor.text.clear()
        editor.text.insertPlainText("@ben bitte prüfen, ob der Toner noch reicht.")
        await asyncio.sleep(0.2)
        window.grab().save(str(note_out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="de", choices=["de", "en"])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshot-reply.png"))
    parser.add_argument("--note-out", type=Path, help="also shoot the editor in note mode")
    args = parser.parse_args()
    qapp = desk_app.application()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/desk.sqlite3")
        tid, _setup = prepare(store)
        attachment = Path(tmp) / "Anleitung Drucker.pdf"
        attachment.write_bytes(b"%PDF-1.4\n" + b"x" * 180_000)
        settings = QSettings(f"{tmp}/desk.ini", QSettings.Format.IniFormat)
        settings.setValue("ui/view", "all")
        translations = Translations(qapp)
        translations.apply(args.lang)
        desk = Desk(store)
        loop = QEventLoop(qapp)
        asyncio.set_event_loop(loop)
        window = MainWindow(desk, settings, translations, drafts=DraftStore(Path(tmp) / "d"))
        window.resize(1400, 900)
        window.show()
        with loop:
            loop.run_until_complete(shoot(window, tid, args.out, attachment, args.note_out))
            window.close()
        desk.close()
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
