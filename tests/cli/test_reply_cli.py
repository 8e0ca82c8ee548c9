"""`ticket reply`, `outbox list/retry/send`, `template add/list/remove`, `mailbox set`
against an SMTP sink on loopback."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from desk_gui.models import Mailbox, Notification
from desk_gui.models.store import Store
from desk_gui.sync.mime import parse_message

from ..sync.mail_out.conftest import Sink, start_sink
from .conftest import Run, create


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.values.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def sink() -> Iterator[Sink]:
    s = start_sink()
    yield s
    s.stop()


@pytest.fixture
def mailbox(staff: Store, sink: Sink, run: Run, db: str) -> str:
    with staff.write() as s:
        s.add(Mailbox(name="support"))  # as 'mailbox add' leaves it, without IMAP here
    result = run(
        db, "mailbox", "set", "support", "--smtp-host", "127.0.0.1", "--smtp-port",
        str(sink.port), "--smtp-security", "none", "--from", "Support@Desk.example",
    )  # fmt: skip
    assert result.code == 0, result.err
    return "support"


def test_reply_send_and_list(run: Run, db: str, mailbox: str, sink: Sink, tmp_path: Path) -> None:
    number = create(run, db, subject="Drucker defekt")
    body = tmp_path / "antwort.txt"
    body.write_text("Hallo Max,\n\nder Toner ist bestellt.\nGruß", encoding="utf-8")
    attachment = tmp_path / "Lieferschein.pdf"
    attachment.write_bytes(b"%PDF-1.4 " * 1000)

    queued = run(
        db, "ticket", "reply", str(number), "--body-file", str(body), "--attach",
        str(attachment), "--status", "waiting", "--as", "anna", "--json",
    )  # fmt: skip
    assert queued.code == 0, queued.err
    info = queued.json()
    assert info["ticket"] == f"#{number}" and info["message_id"].startswith(f"<desk.{number}.")
    listed = run(db, "outbox", "list", "--json").json()
    assert [(r["state"], r["to"], r["attempts"]) for r in listed] == [
        ("queued", ["max@example.de"], 0)
    ]
    assert not sink.received  # queued, not sent by 'reply'

    sent = run(db, "outbox", "send")
    assert sent.code == 0, sent.err
    assert "sent 1," in sent.out
    [mail] = sink.received
    parsed = parse_message(mail.content)
    assert parsed.subject == f"Re: Drucker defekt [#{number}]"
    assert parsed.from_name == "Anna Schmidt" and parsed.from_addr == "support@desk.example"
    assert parsed.body_text.startswith("Hallo Max,\n\nder Toner ist bestellt.\nGruß")
    assert [a.filename for a in parsed.attachments] == ["Lieferschein.pdf"]
    assert run(db, "outbox", "list", "--json").json()[0]["state"] == "sent"
    shown = run(db, "ticket", "show", str(number), "--json").json()
    assert shown["status"] == "waiting_customer"
    assert [m["kind"] for m in shown["messages"]] == ["inbound_mail", "outbound_mail"]
    human = run(db, "outbox", "list")
    assert human.code == 0 and f"#{number}" in human.out and "sent" in human.out


def test_failed_send_is_visible_and_retryable(
    run: Run, db: str, mailbox: str, sink: Sink, tmp_path: Path
) -> None:
    number = create(run, db)
    body = tmp_path / "b.txt"
    body.write_text("Bitte prüfen.", encoding="utf-8")
    sink.handler.rcpt_replies["max@example.de"] = "550 5.1.1 User unknown"
    assert run(db, "ticket", "reply", str(number), "--body-file", str(body)).code == 0
    failed = run(db, "outbox", "send")
    assert failed.code == 1 and "failed 1" in failed.out
    [row] = run(db, "outbox", "list", "--json", "--state", "failed").json()
    assert "550" in row["reason"] and "User unknown" in row["reason"]

    del sink.handler.rcpt_replies["max@example.de"]
    retried = run(db, "outbox", "retry", row["id"][:8], "--as", "anna")
    assert retried.code == 0, retried.err
    assert run(db, "outbox", "send").code == 0
    assert len(sink.received) == 1
    again = run(db, "outbox", "retry", row["id"])
    assert again.code == 1 and "that mail is sent" in again.err


def test_templates(run: Run, db: str, mailbox: str, tmp_path: Path) -> None:
    text = tmp_path / "t.html"
    text.write_text("<p>Hallo {{contact.first_name}}, Ihr Ticket {{ticket.number}}.</p>")
    assert run(db, "template", "add", "hallo", "--body-file", str(text), "--html").code == 0
    english = tmp_path / "e.txt"
    english.write_text("Hello {{contact.first_name}}")
    assert run(db, "template", "add", "hallo", "--language", "en", "--body-file",
               str(english)).code == 0  # fmt: skip
    bad = tmp_path / "bad.txt"
    bad.write_text("{{contact.password}}")
    refused = run(db, "template", "add", "x", "--body-file", str(bad))
    assert refused.code == 1 and "unknown placeholder(s): {{contact.password}}" in refused.err
    listed = run(db, "template", "list", "--json").json()
    assert [(t["name"], t["language"], t["placeholders"]) for t in listed] == [
        ("hallo", "de", ["contact.first_name", "ticket.number"]),
        ("hallo", "en", ["contact.first_name"]),
    ]
    number = create(run, db)
    used = run(db, "ticket", "reply", str(number), "--template", "hallo", "--json")
    assert used.code == 0, used.err
    shown = run(db, "ticket", "show", str(number), "--json").json()
    assert shown["messages"][-1]["text"].startswith(f"Hallo Max, Ihr Ticket {number}.")
    assert run(db, "template", "remove", "hallo", "--language", "en").code == 0
    assert len(run(db, "template", "list", "--json").json()) == 1
    gone = run(db, "template", "remove", "nix")
    assert gone.code == 1 and "no template 'nix'" in gone.err


def test_note_mentions_notify(run: Run, db: str, staff: Store, tmp_path: Path) -> None:
    number = create(run, db)
    note = tmp_path / "n.txt"
    note.write_text("@anna bitte den Toner bestellen")
    done = run(db, "ticket", "reply", str(number), "--body-file", str(note), "--note")
    assert done.code == 0, done.err
    with staff.read() as s:
        [n] = s.query(Notification).all()
        assert n.reason.value == "mention" and "Toner" in n.excerpt


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--subject", "Hallo\r\nBcc: opfer@example.org"], 1, "line breaks are not allowed"),
        (["--to", "max@example.de\nBcc: x@example.org"], 1, "line breaks are not allowed"),
        (["--to", "kein-mail"], 1, "not a valid e-mail address"),
        (["--note", "--attach", "x"], 2, "--note is internal"),
        (["--attach", "/nonexistent/file.pdf"], 1, "no such file"),
        (["--status", "bogus"], 1, "unknown status"),
    ],
)
def test_reply_errors(
    run: Run, db: str, mailbox: str, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    number = create(run, db)
    body = tmp_path / "b.txt"
    body.write_text("Text")
    result = run(db, "ticket", "reply", str(number), "--body-file", str(body), *args)
    assert result.code == code and message in result.err, result.err
    assert "Traceback" not in result.err
    assert run(db, "outbox", "list", "--json").json() == []


def test_other_errors(run: Run, db: str, mailbox: str) -> None:
    number = create(run, db)
    no_body = run(db, "ticket", "reply", str(number))
    assert no_body.code == 2 and "--body-file" in no_body.err
    assert "no mailbox 'nope'" in run(db, "mailbox", "set", "nope", "--smtp-host", "h").err
    bad_from = run(db, "mailbox", "set", "support", "--from", "a@b.de\r\nBcc: c@d.de")
    assert bad_from.code == 1 and "line breaks" in bad_from.err
    assert "not an outbox id" in run(db, "outbox", "retry", "zz").err
    assert "no outgoing mail" in run(db, "outbox", "retry", "abcdef").err


def test_no_mailbox_says_how(run: Run, db: str, tmp_path: Path) -> None:
    number = create(run, db)
    body = tmp_path / "b.txt"
    body.write_text("Text")
    result = run(db, "ticket", "reply", str(number), "--body-file", str(body))
    assert result.code == 1 and "desk-gui mailbox set" in result.err


def test_smtp_password_goes_to_the_keyring(
    run: Run, db: str, mailbox: str, memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("geheim\n"))
    done = run(db, "mailbox", "set", "support", "--smtp-user", "support",
               "--smtp-password-stdin")  # fmt: skip
    assert done.code == 0, done.err
    assert memory_keyring.values == {("desk", "mailbox:support:smtp"): "geheim"}

    keyring.set_keyring(fail.Keyring())
    monkeypatch.setattr(sys, "stdin", io.StringIO("geheim\n"))
    refused = run(db, "mailbox", "set", "support", "--smtp-password-stdin")
    assert refused.code == 1 and "DESK_SECRET_MAILBOX_SUPPORT_SMTP" in refused.err
