"""`mailbox add/set/list/test --processed-folder` against a real Dovecot, in-process."""

from __future__ import annotations

import pytest

from ..sync.mail_in import conftest as mail_in
from .conftest import Run
from .test_mail_cli import add_box, mail, memory_keyring

# Fixtures of other modules (pytest finds fixtures among a module's attributes).
dovecot = mail_in.dovecot
imap_account = mail_in.imap_account
__all__ = ["memory_keyring"]  # autouse: the tests never touch a real keyring


def _inbox_and(account: mail_in.ImapAccount, folder: str) -> tuple[int, int | None]:
    with account.client() as c:
        c.select_folder("INBOX", readonly=True)
        inbox = len(c.search())
        if not c.folder_exists(folder):
            return inbox, None
        c.select_folder(folder, readonly=True)
        return inbox, len(c.search())


def test_add_list_test_and_sync_with_a_processed_folder(
    run: Run, url: str, imap_account: mail_in.ImapAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    added = add_box(run, url, imap_account, monkeypatch, "--processed-folder", "Erledigt")
    assert added.code == 0, added.err
    assert "ingested mail is moved to Erledigt" in added.out
    [box] = run(url, "mailbox", "list", "--json").json()
    assert box["processed_folder"] == "Erledigt"
    listed = run(url, "mailbox", "list")
    header, row = listed.out.splitlines()
    assert header.split()[3:5] == ["FOLDER", "PROCESSED"] and row.split()[4:6] == [
        "INBOX",
        "Erledigt",
    ]

    tested = run(url, "mailbox", "test", "support")
    assert tested.code == 0, tested.err
    assert "  processed folder Erledigt: did not exist, created; moved with MOVE" in tested.out
    assert _inbox_and(imap_account, "Erledigt") == (0, 0)
    again = run(url, "mailbox", "test", "support", "--json").json()
    assert again["processed"] == {
        "folder": "Erledigt",
        "existed": True,
        "created": False,
        "error": None,
        "method": "MOVE",
        "ok": True,
    }

    imap_account.append(mail("Drucker defekt", "Seit heute.")[0], mail("VPN", "Geht nicht.")[0])
    synced = run(url, "sync", "--once")
    assert synced.code == 0, synced.err
    assert _inbox_and(imap_account, "Erledigt") == (0, 2)
    [box] = run(url, "mailbox", "list", "--json").json()
    assert box["ingested"] == 2 and box["last_error"] is None


def test_set_and_clear_the_processed_folder(
    run: Run, url: str, imap_account: mail_in.ImapAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert add_box(run, url, imap_account, monkeypatch).code == 0
    [box] = run(url, "mailbox", "list", "--json").json()
    assert box["processed_folder"] is None
    plain = run(url, "mailbox", "test", "support", "--json")
    assert plain.code == 0 and plain.json()["processed"] is None
    assert "processed folder" not in run(url, "mailbox", "test", "support").out

    done = run(url, "mailbox", "set", "support", "--processed-folder", "Archiv/Desk")
    assert done.code == 0, done.err
    assert done.out.splitlines() == ["mailbox 'support': ingested mail is moved to Archiv/Desk"]
    [box] = run(url, "mailbox", "list", "--json").json()
    assert box["processed_folder"] == "Archiv/Desk"

    refused = run(url, "mailbox", "set", "support", "--processed-folder", "inbox")
    assert refused.code == 1 and "Traceback" not in refused.err
    assert "must differ from the fetched folder 'INBOX'" in refused.err

    cleared = run(url, "mailbox", "set", "support", "--processed-folder", "")
    assert cleared.code == 0, cleared.err
    assert "ingested mail is kept where it is" in cleared.out
    [box] = run(url, "mailbox", "list", "--json").json()
    assert box["processed_folder"] is None
