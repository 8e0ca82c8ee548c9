"""The ticket subcommands on SQLite and PostgreSQL: create, set, show, list, note, call."""

from __future__ import annotations

import io
import uuid

import pytest
from sqlalchemy import func, select

from desk_gui.models import HistoryEntry, OutboxCommand, Status, Ticket
from desk_gui.models.store import Store

from .conftest import Run, create


def test_create_set_show_on_each_backend(run: Run, url: str) -> None:
    number = create(run, url, "--priority", "high")
    assert number >= 10001

    changed = run(
        url, "ticket", "set", f"#{number}", "--priority", "urgent",
        "--tag", "+drucker", "--tag", "vip", "--status", "waiting",
    )  # fmt: skip
    assert changed.code == 0, changed.err
    assert f"#{number} priority: high -> urgent" in changed.out
    assert f"#{number} status: new -> waiting_customer" in changed.out

    assert run(url, "ticket", "set", str(number), "--tag", "-vip").code == 0
    assert run(url, "ticket", "note", str(number), "--body", "Toner bestellt").code == 0

    shown = run(url, "ticket", "show", str(number), "--json").json()
    assert shown["number"] == number and shown["label"] == f"#{number}"
    assert uuid.UUID(shown["id"])
    assert shown["status"] == "waiting_customer" and shown["priority"] == "urgent"
    assert shown["tags"] == ["drucker"]
    assert shown["contact"] == {"name": "Max Muster", "address": "max@example.de"}
    assert [m["kind"] for m in shown["messages"]] == ["inbound_mail", "note"]
    assert shown["messages"][0]["from"] == "max@example.de"
    assert shown["messages"][1]["text"] == "Toner bestellt"
    fields = [(h["field"], h["old"], h["new"]) for h in shown["history"]]
    assert ("priority", "high", "urgent") in fields
    assert ("tag", None, "vip") in fields and ("tag", "vip", None) in fields
    assert all(h["actor"].startswith("cli:") for h in shown["history"])
    assert shown["created_at"].endswith("+00:00")

    text = run(url, "ticket", "show", str(number))
    assert text.code == 0
    assert f"#{number}  Drucker defekt" in text.out
    assert "Toner bestellt" in text.out and "waiting_customer" in text.out


def test_show_by_uuid_and_human_list(run: Run, db: str) -> None:
    first = create(run, db, subject="Passwort vergessen")
    create(run, db, subject="Rechnung doppelt")
    tid = run(db, "ticket", "show", str(first), "--json").json()["id"]
    assert run(db, "ticket", "show", tid, "--json").json()["number"] == first

    listed = run(db, "ticket", "list")
    assert listed.code == 0
    lines = listed.out.splitlines()
    assert lines[0].split()[:3] == ["TICKET", "STATUS", "PRIO"]
    # Newest change first, and a footer with the total.
    assert "Rechnung doppelt" in lines[1] and "Passwort vergessen" in lines[2]
    assert lines[-1] == "2 of 2 tickets"


def test_list_filters(run: Run, db: str, staff: Store) -> None:
    a = create(run, db, subject="Passwort vergessen")
    b = create(run, db, "--group", "billing", subject="Rechnung doppelt")
    c = create(run, db, subject="Lizenzdatei erneuern")
    assert run(db, "ticket", "set", str(b), "--assignee", "anna", "--tag", "refund").code == 0
    assert run(db, "ticket", "set", str(c), "--priority", "low", "--status", "resolved").code == 0

    def numbers(*args: str) -> list[int]:
        result = run(db, "ticket", "list", "--json", *args)
        assert result.code == 0, result.err
        return [r["number"] for r in result.json()]

    assert numbers() == [c, b, a]
    assert numbers("--status", "new") == [a]
    assert sorted(numbers("--status", "open", "--status", "resolved")) == sorted([b, c])
    assert sorted(numbers("--status", "new,open")) == sorted([a, b])
    assert numbers("--assignee", "anna") == [b]
    assert numbers("--assignee", "none") == [c, a]
    assert numbers("--group", "billing") == [b]
    assert numbers("--tag", "refund") == [b]
    assert numbers("--priority", "low") == [c]
    assert numbers("--query", "lizenzdatei") == [c]
    assert numbers("--query", "Toner") == [c, b, a]  # the body of every first message
    assert numbers("--limit", "2") == [c, b]
    assert run(db, "ticket", "list", "--status", "rejected").out.strip() == "no tickets"

    row = run(db, "ticket", "list", "--json", "--tag", "refund").json()[0]
    assert set(row) == {
        "id", "number", "label", "status", "priority", "subject",
        "assignee", "group", "sender", "updated_at", "follow_up_at",
    }  # fmt: skip
    assert row["assignee"] == "Anna Schmidt" and row["group"] == "Billing"
    assert row["status"] == "open"  # assigning a new ticket opens it


def test_set_group_assignee_follow_up_and_close(run: Run, db: str, staff: Store) -> None:
    n = create(run, db)
    out = run(db, "ticket", "set", str(n), "--group", "Billing", "--assignee", "anna", "--json")
    assert out.code == 0, out.err
    assert {c["field"] for c in out.json()["changes"]} >= {"group_id", "assignee_id", "status"}

    parked = run(db, "ticket", "set", str(n), "--follow-up", "+3d")
    assert parked.code == 0, parked.err
    assert "status: open -> pending_reminder" in parked.out

    closed = run(db, "ticket", "set", str(n), "--close", "rejected", "--reason", "Dublette")
    assert closed.code == 0, closed.err
    shown = run(db, "ticket", "show", str(n), "--json").json()
    assert shown["status"] == "rejected" and shown["close_reason"] == "Dublette"
    assert shown["close_outcome"] == "rejected" and shown["follow_up_at"] is None
    assert shown["group"] == "Billing"
    assert shown["assignee"] == {"login": "anna", "name": "Anna Schmidt"}
    names = {(h["field"], h["new"]) for h in shown["history"]}
    assert ("assignee_id", "Anna Schmidt") in names and ("group_id", "Billing") in names

    # Reopen and park for a given day in one go: the reopen runs first.
    again = run(db, "ticket", "set", str(n), "--status", "open", "--follow-up", "2999-01-04")
    assert again.code == 0, again.err
    shown = run(db, "ticket", "show", str(n), "--json").json()
    assert shown["status"] == "open" and shown["follow_up_at"].startswith("2999-01-0")

    cleared = run(db, "ticket", "set", str(n), "--assignee", "none", "--group", "none")
    assert cleared.code == 0
    shown = run(db, "ticket", "show", str(n), "--json").json()
    assert shown["assignee"] is None and shown["group"] is None


def test_actor_as_agent(run: Run, db: str, staff: Store) -> None:
    n = create(run, db, "--as", "anna")
    assert run(db, "ticket", "note", str(n), "--body", "erledigt", "--as", "ANNA").code == 0
    shown = run(db, "ticket", "show", str(n), "--json").json()
    assert {h["actor"] for h in shown["history"]} == {"Anna Schmidt"}
    assert shown["messages"][1]["author"] == "Anna Schmidt"

    inactive = run(db, "ticket", "note", str(n), "--body", "x", "--as", "ben")
    assert inactive.code == 1 and "inactive" in inactive.err


def test_note_from_stdin_and_calls(run: Run, db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    n = create(run, db)
    monkeypatch.setattr("sys.stdin", io.StringIO("Rückruf vereinbart\nfür Montag\n"))
    assert run(db, "ticket", "note", str(n), "--body", "-").code == 0
    reached = run(db, "ticket", "call", str(n), "--reached", "--body", "Kunde informiert")
    assert reached.code == 0 and reached.out.strip() == f"#{n}: call added"
    missed = run(db, "ticket", "call", str(n), "--not-reached", "--json")
    assert missed.code == 0 and missed.json()["kind"] == "call"

    shown = run(db, "ticket", "show", str(n), "--json").json()
    thread = [(m["kind"], m["call_outcome"], m["text"]) for m in shown["messages"][1:]]
    assert thread == [
        ("note", None, "Rückruf vereinbart\nfür Montag\n"),
        ("call", "reached", "Kunde informiert"),
        ("call", "not_reached", ""),
    ]
    assert shown["first_response_at"] is not None  # a reached call is a first response
    assert "call (not reached)" in run(db, "ticket", "show", str(n)).out


def test_every_change_is_queued_in_the_outbox(run: Run, db: str) -> None:
    n = create(run, db)
    assert run(db, "ticket", "set", str(n), "--priority", "high", "--tag", "x").code == 0
    store = Store(db)
    try:
        with store.read() as s:
            names = list(s.scalars(select(OutboxCommand.name).order_by(OutboxCommand.seq)))
            t = s.scalar(select(Ticket).where(Ticket.number == n))
            assert t is not None and t.status is Status.NEW
            history = s.scalar(select(func.count(HistoryEntry.id)))
    finally:
        store.dispose()
    assert names == ["create_ticket", "set_priority", "tag"]
    assert history == 3
