"""`desk-gui mailbox / sync / rule / spam / org` against a real Dovecot, in-process.

Passwords go to an in-memory keyring backend: the tests never prompt and never touch a
real keyring. One test swaps in keyring's fail backend, as on a headless server.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from sqlalchemy import func, select

from desk_gui.models import Group, Mailbox, Ticket
from desk_gui.models.store import Store
from desk_gui.sync.mail_in import worker

from ..servers import free_port
from ..sync.mail_in import conftest as mail_in
from ..sync.mail_in.conftest import ImapAccount
from .conftest import Result, Run

# The mail tests' Dovecot fixtures (pytest finds fixtures among a module's attributes).
dovecot = mail_in.dovecot
imap_account = mail_in.imap_account

ACCOUNT = ("desk", "mailbox:support:imap")


class MemoryKeyring(KeyringBackend):
    """A keyring backend holding passwords in a dict."""

    priority = 1  # type: ignore[assignment]

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


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    for name in list(os.environ):
        if name.startswith("DESK_SECRET_"):
            monkeypatch.delenv(name)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def mail(subject: str, body: str, sender: str = "Erika Muster <erika@kunde.example>",
         **headers: str) -> tuple[bytes, str]:  # fmt: skip
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@example.test"
    msg["Subject"] = subject
    msgid = make_msgid(domain="kunde.example")
    msg["Message-ID"] = msgid
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes(), msgid


def add_box(
    run: Run,
    url: str,
    account: ImapAccount,
    monkeypatch: pytest.MonkeyPatch,
    *extra: str,
    name: str = "support",
    password: str | None = None,
) -> Result:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{password or account.password}\n"))
    return run(
        url, "mailbox", "add", name, "--imap-host", "127.0.0.1",
        "--imap-port", str(account.server.port), "--security", "none",
        "--user", account.user, "--password-stdin", *extra,
    )  # fmt: skip


def other_account(account: ImapAccount) -> ImapAccount:
    return ImapAccount(account.server, f"sales-{uuid.uuid4().hex[:8]}@example.test",
                       account.password)  # fmt: skip


def add_groups(url: str, *names: str) -> None:
    store = Store(url)
    with store.write() as s:
        s.add_all([Group(name=n) for n in names])
    store.dispose()


def one_error_line(result: Result, text: str) -> None:
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and text in lines[0], result.err


def count_tickets(url: str) -> int:
    store = Store(url)
    with store.read() as s:
        n = s.scalar(select(func.count()).select_from(Ticket)) or 0
    store.dispose()
    return n


# --- mailbox add, test, sync, list (SQLite and PostgreSQL) ------------------------------------


def test_add_test_sync_list(
    url: str,
    run: Run,
    imap_account: ImapAccount,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_groups(url, "Support")
    added = add_box(run, url, imap_account, monkeypatch, "--group", "support")
    assert added.code == 0, added.err
    assert "mailbox 'support' added" in added.out
    assert memory_keyring.values[ACCOUNT] == imap_account.password
    store = Store(url)
    with store.read() as s:
        box = s.scalar(select(Mailbox))
        assert box is not None and imap_account.password not in repr(vars(box))
    store.dispose()
    assert add_box(run, url, imap_account, monkeypatch).code == 1  # the name is taken

    first, first_id = mail("Drucker im 2. OG druckt nicht", "Seit heute früh kein Ausdruck.")
    reply, _ = mail("AW: Drucker im 2. OG druckt nicht", "Noch eine Info", In_Reply_To=first_id)
    imap_account.append(first, reply)
    tested = run(url, "mailbox", "test", "support")
    assert tested.code == 0, tested.err
    assert "capabilities: IDLE yes, CONDSTORE yes, UIDPLUS yes" in tested.out
    assert "folder INBOX: 2 message(s), UIDVALIDITY" in tested.out

    synced = run(url, "sync", "--once")
    assert synced.code == 0, synced.err
    assert synced.out.splitlines() == [
        "support: 2 new mail(s): 1 new ticket(s), 1 threaded, 0 spam, 0 parse error(s), 0 loop(s)",
        "sla: 1 clock(s) recomputed, 0 escalation(s), 0 reminder(s), 0 assigned",
        "outbox: 0 sent, 0 to retry, 0 failed, 0 acknowledgement(s) queued",
    ]
    [ticket] = run(url, "ticket", "list", "--json").json()
    assert ticket["subject"] == "Drucker im 2. OG druckt nicht" and ticket["group"] == "Support"

    [box_json] = run(url, "mailbox", "list", "--json").json()
    assert box_json["ingested"] == 2 and box_json["spam"] == 0
    assert box_json["last_success_at"] and box_json["last_error"] is None
    assert (box_json["folder"], box_json["group"], box_json["password"]) == (
        "INBOX", "Support", "keyring",
    )  # fmt: skip
    table = run(url, "mailbox", "list").out
    assert "support" in table and "keyring" in table and "never" not in table

    again = run(url, "sync", "--once", "--json")
    assert again.code == 0 and again.json()["mailboxes"][0]["ingested"] == 0
    assert count_tickets(url) == 1


def test_broken_mailbox_does_not_stop_the_other(
    db: str, run: Run, imap_account: ImapAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    sales = other_account(imap_account)
    assert add_box(run, db, imap_account, monkeypatch, name="good").code == 0
    assert add_box(run, db, sales, monkeypatch, name="broken", password="wrong").code == 0
    imap_account.append(mail("Zugang gesperrt", "Bitte entsperren")[0])
    sales.append(mail("Angebot", "Bitte ein Angebot")[0])

    one_error_line(run(db, "mailbox", "test", "broken"), "authentication failed for sales-")
    synced = run(db, "sync", "--once", "--parse-processes", "0")  # no estimate: no 2nd login
    one_error_line(synced, "mailbox 'broken': authentication failed")
    assert "[AUTHENTICATIONFAILED]" in synced.err
    assert synced.out.startswith("good: 1 new mail(s): 1 new ticket(s)")
    boxes = {b["name"]: b for b in run(db, "mailbox", "list", "--json").json()}
    assert "AUTHENTICATIONFAILED" in boxes["broken"]["last_error"]
    assert boxes["good"]["last_error"] is None and boxes["good"]["ingested"] == 1

    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{sales.password}\n"))
    assert run(db, "mailbox", "password", "broken", "--password-stdin").code == 0
    fixed = run(db, "sync", "--once")
    assert fixed.code == 0, fixed.err
    assert "broken: 1 new mail(s): 1 new ticket(s)" in fixed.out
    assert count_tickets(db) == 2


def test_mailbox_test_says_what_is_wrong(
    db: str, run: Run, imap_account: ImapAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert add_box(run, db, imap_account, monkeypatch, "--folder", "Archiv/2019").code == 0
    one_error_line(run(db, "mailbox", "test", "support"), "folder 'Archiv/2019' not found")
    monkeypatch.setattr(sys, "stdin", io.StringIO("secret\n"))
    closed = free_port()
    added = run(db, "mailbox", "add", "closed", "--imap-host", "127.0.0.1", "--imap-port",
                str(closed), "--security", "none", "--user", "u", "--password-stdin")  # fmt: skip
    assert added.code == 0
    one_error_line(
        run(db, "mailbox", "test", "closed"), f"connection refused by 127.0.0.1:{closed}"
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO("secret\n"))
    assert run(db, "mailbox", "add", "tls", "--imap-host", "127.0.0.1", "--imap-port",
               str(imap_account.server.port), "--security", "ssl", "--user", "u",
               "--password-stdin").code == 0  # fmt: skip
    one_error_line(run(db, "mailbox", "test", "tls"), "TLS error with 127.0.0.1:")
    one_error_line(run(db, "mailbox", "test", "nope"), "no mailbox 'nope'")
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    empty = run(db, "mailbox", "add", "x", "--imap-host", "h", "--user", "u", "--password-stdin")
    assert empty.code == 2 and "no password" in empty.err


# --- intake rules, spam, organizations ------------------------------------------------------


def test_rule_routes_keyword_mail(
    db: str, run: Run, imap_account: ImapAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_groups(db, "Billing")
    assert add_box(run, db, imap_account, monkeypatch).code == 0
    added = run(db, "rule", "add", "invoices", "--keyword", "Rechnung", "--group", "billing",
                "--priority", "high", "--tag", "rechnung", "--tag", "Finance")  # fmt: skip
    assert added.code == 0 and "position 1" in added.out, added.err
    first = run(db, "rule", "add", "vip", "--sender", "@vip.example", "--tag", "vip",
                "--position", "1")  # fmt: skip
    assert first.code == 0, first.err
    rules = run(db, "rule", "list", "--json").json()
    assert [(r["position"], r["name"]) for r in rules] == [(1, "vip"), (2, "invoices")]
    assert rules[1]["actions"] == {"group": "Billing", "priority": "high",
                                   "tags": ["finance", "rechnung"]}  # fmt: skip
    one_error_line(run(db, "rule", "add", "x", "--group", "Billing"), "needs a condition")
    one_error_line(run(db, "rule", "add", "y", "--keyword", "a", "--group", "Nope"), "no group")
    one_error_line(run(db, "rule", "add", "vip", "--keyword", "a", "--tag", "a"), "exists")

    imap_account.append(
        mail("Rechnung 4711 ist falsch", "Bitte korrigieren")[0],
        mail("Passwort vergessen", "Bitte zurücksetzen")[0],
    )
    assert run(db, "sync", "--once").code == 0
    tickets = {t["subject"]: t for t in run(db, "ticket", "list", "--json").json()}
    routed = run(db, "ticket", "show", str(tickets["Rechnung 4711 ist falsch"]["number"]),
                 "--json").json()  # fmt: skip
    assert (routed["group"], routed["priority"]) == ("Billing", "high")
    assert sorted(routed["tags"]) == ["finance", "rechnung"]
    assert tickets["Passwort vergessen"]["group"] is None

    assert run(db, "rule", "remove", "vip").code == 0
    assert [(r["position"], r["name"]) for r in run(db, "rule", "list", "--json").json()] == [
        (1, "invoices")
    ]
    one_error_line(run(db, "rule", "remove", "vip"), "no rule 'vip'")


def test_spam_block_file_and_recover(
    db: str, run: Run, imap_account: ImapAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert add_box(run, db, imap_account, monkeypatch).code == 0
    assert run(db, "spam", "block", "@Werbung.example").code == 0
    assert run(db, "spam", "block", "max@spam.example").code == 0
    one_error_line(run(db, "spam", "block", "werbung.example"), "not an address or @domain")
    assert run(db, "spam", "list", "--json").json() == [
        {"entry": "max@spam.example", "kind": "sender"},
        {"entry": "werbung.example", "kind": "domain"},
    ]
    imap_account.append(mail("Tolles Angebot", "Jetzt kaufen", sender="a@werbung.example")[0])
    synced = run(db, "sync", "--once")
    assert "0 new ticket(s), 0 threaded, 1 spam" in synced.out, synced.err
    assert count_tickets(db) == 0
    [filed] = run(db, "spam", "list", "--filed", "--json").json()
    assert filed["subject"] == "Tolles Angebot" and filed["sender"] == "a@werbung.example"
    assert filed["reason"] == "sender blocked (werbung.example)"

    recovered = run(db, "spam", "recover", f"support:{filed['uid']}", "--as", "anna")
    one_error_line(recovered, "no agent with login 'anna'")
    recovered = run(db, "spam", "recover", str(filed["uid"]))
    assert recovered.code == 0, recovered.err
    assert "new ticket from the mail filed as spam" in recovered.out
    assert "werbung.example is still blocked (desk-gui spam unblock @werbung.example)" in (
        recovered.out
    )
    [ticket] = run(db, "ticket", "list", "--json").json()
    assert ticket["subject"] == "Tolles Angebot"
    one_error_line(run(db, "spam", "recover", filed["id"]), "not filed as spam (ticketed)")
    assert run(db, "spam", "list", "--filed", "--json").json() == []

    assert run(db, "spam", "unblock", "@werbung.example").code == 0
    one_error_line(run(db, "spam", "unblock", "@werbung.example"), "not on the block list")
    assert [e["entry"] for e in run(db, "spam", "list", "--json").json()] == ["max@spam.example"]


def test_organization_by_mail_domain(
    db: str, run: Run, imap_account: ImapAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    added = run(db, "org", "add", "Kunde GmbH", "--domain", "@Kunde.example", "--contract", "gold")
    assert added.code == 0, added.err
    one_error_line(run(db, "org", "add", "Other", "--domain", "kunde.example"), "belongs to")
    one_error_line(run(db, "org", "add", "X", "--contract", "diamond"), "unknown contract")
    one_error_line(run(db, "org", "add", "Y", "--domain", "no domain"), "not a mail domain")
    assert add_box(run, db, imap_account, monkeypatch).code == 0
    imap_account.append(mail("Lieferung fehlt", "Wo bleibt sie?")[0])
    assert run(db, "sync", "--once").code == 0
    [ticket] = run(db, "ticket", "list", "--json").json()
    assert run(db, "ticket", "show", str(ticket["number"]), "--json").json()["organization"] == (
        "Kunde GmbH"
    )
    assert run(db, "org", "list", "--json").json() == [
        {"name": "Kunde GmbH", "domain": "kunde.example", "contract": "gold", "contacts": 1}
    ]


# --- remove, keyring, progress, the service ----------------------------------------------


def test_remove_keeps_the_ledger(
    db: str,
    run: Run,
    imap_account: ImapAccount,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert add_box(run, db, imap_account, monkeypatch).code == 0
    assert run(db, "mailbox", "remove", "support").out.strip() == "mailbox 'support' removed"
    assert ACCOUNT not in memory_keyring.values
    assert run(db, "mailbox", "list", "--all", "--json").json() == []

    assert add_box(run, db, imap_account, monkeypatch).code == 0
    imap_account.append(mail("Monitor flackert", "Seit gestern")[0])
    assert run(db, "sync", "--once").code == 0
    one_error_line(run(db, "mailbox", "remove", "support"), "--force detaches it")
    assert ACCOUNT in memory_keyring.values
    detached = run(db, "mailbox", "remove", "support", "--force")
    assert "detached; its 1 ingested mail(s)" in detached.out, detached.err
    assert ACCOUNT not in memory_keyring.values
    assert run(db, "mailbox", "list", "--json").json() == []
    assert [b["removed"] for b in run(db, "mailbox", "list", "--all", "--json").json()] == [True]
    # Nothing to fetch, but the SLA timers and the outbox still run.
    idle = run(db, "sync", "--once")
    assert idle.code == 0 and "no mailboxes to fetch" in idle.err and "outbox: 0 sent" in idle.out

    again = add_box(run, db, imap_account, monkeypatch)
    assert "re-attached: its 1 ingested mail(s) will not be fetched again" in again.out
    synced = run(db, "sync", "--once", "--json")
    assert synced.json()["mailboxes"][0]["ingested"] == 0 and count_tickets(db) == 1


def test_no_keyring_refuses_then_environment_opt_in(
    db: str, run: Run, imap_account: ImapAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(fail.Keyring())
    refused = add_box(run, db, imap_account, monkeypatch)
    one_error_line(refused, "no secure keyring is available")
    for text in ("never stores passwords in plaintext", "--env-secret",
                 "DESK_SECRET_MAILBOX_SUPPORT_IMAP"):  # fmt: skip
        assert text in refused.err
    assert run(db, "mailbox", "list", "--json").json() == []  # nothing half-stored

    opted = run(db, "mailbox", "add", "support", "--imap-host", "127.0.0.1", "--imap-port",
                str(imap_account.server.port), "--security", "none", "--user",
                imap_account.user, "--env-secret")  # fmt: skip
    assert opted.code == 0, opted.err
    assert "DESK_SECRET_MAILBOX_SUPPORT_IMAP" in opted.err and "NOT set" in opted.err
    assert run(db, "mailbox", "list", "--json").json()[0]["password"] == "missing"
    one_error_line(run(db, "sync", "--once"), "set DESK_SECRET_MAILBOX_SUPPORT_IMAP")

    monkeypatch.setenv("DESK_SECRET_MAILBOX_SUPPORT_IMAP", imap_account.password)
    assert run(db, "mailbox", "list", "--json").json()[0]["password"] == "environment"
    imap_account.append(mail("Kein Netz", "Im Büro 3")[0])
    synced = run(db, "sync", "--once")
    assert synced.code == 0 and "1 new ticket(s)" in synced.out, synced.err


def test_big_first_import_shows_progress(
    db: str, run: Run, imap_account: ImapAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert add_box(run, db, imap_account, monkeypatch).code == 0
    monkeypatch.setattr(worker, "BATCH", 200)  # progress after 200, then at 250
    imap_account.append(*(mail(f"Anfrage {i}", f"Text {i}")[0] for i in range(250)))
    bad = run(db, "sync", "--once", "--parse-processes", "many")
    assert bad.code == 2 and "'auto' or a number" in bad.err
    synced = run(db, "sync", "--once", "--parse-processes", "2")  # the parser pool's path
    assert synced.code == 0, synced.err
    assert "support: 250 new mail(s): 250 new ticket(s)" in synced.out
    lines = synced.err.strip().splitlines()
    assert lines[-1].startswith("support: 250/250 mails (100%) ") and lines[-1].endswith("/s")
    assert any(line.startswith("support: 200/250 mails (80%) ") for line in lines)


def test_sync_service_runs_until_sigterm(
    db: str, run: Run, imap_account: ImapAccount, monkeypatch: pytest.MonkeyPatch
) -> None:
    opted = run(db, "mailbox", "add", "support", "--imap-host", "127.0.0.1", "--imap-port",
                str(imap_account.server.port), "--security", "none", "--user",
                imap_account.user, "--env-secret")  # fmt: skip
    assert opted.code == 0, opted.err
    env = {k: v for k, v in os.environ.items() if k not in ("DESK_DB", "DESK_DEBUG")}
    env["DESK_SECRET_MAILBOX_SUPPORT_IMAP"] = imap_account.password
    service = subprocess.Popen(
        [sys.executable, "-m", "desk_gui", "--db", db, "sync"], env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        imap_account.append(mail("Beamer defekt", "Raum 4")[0])
        deadline = time.monotonic() + 30
        while count_tickets(db) == 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert count_tickets(db) == 1, service.stderr and service.stderr.read()
        service.send_signal(signal.SIGTERM)
        _, err = service.communicate(timeout=30)
    finally:
        if service.poll() is None:
            service.kill()
    assert service.returncode == 0, err
    assert "Traceback" not in err
    assert "fetching support" in err and err.strip().endswith("stopped")
