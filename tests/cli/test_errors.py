"""Bad input: one line on stderr, exit 1 (2 for usage), no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from desk_gui.models import HistoryEntry, OutboxCommand, Tag, Ticket
from desk_gui.models.store import Store

from .conftest import Result, Run, create


def one_error(result: Result, code: int = 1) -> str:
    assert result.code == code, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("desk-gui"), result.err
    assert "Traceback" not in result.err
    return lines[0]


def counts(url: str) -> tuple[int, int, int]:
    """Tickets, history rows and outbox rows: a refused invocation changes none of them."""
    store = Store(url)
    try:
        with store.read() as s:
            return (
                s.scalar(select(func.count(Ticket.id))) or 0,
                s.scalar(select(func.count(HistoryEntry.id))) or 0,
                s.scalar(select(func.count(OutboxCommand.seq))) or 0,
            )
    finally:
        store.dispose()


def test_refused_second_change_leaves_the_first_unapplied(run: Run, url: str) -> None:
    n = create(run, url)
    assert run(url, "ticket", "set", str(n), "--close", "fulfilled").code == 0
    before = counts(url)

    # Priority and tag are fine; a closed ticket cannot become resolved: none applies.
    err = one_error(
        run(url, "ticket", "set", str(n), "--priority", "urgent", "--tag", "+vip",
            "--status", "resolved")
    )  # fmt: skip
    assert "status closed cannot become resolved" in err
    assert counts(url) == before
    shown = run(url, "ticket", "show", str(n), "--json").json()
    assert shown["priority"] == "normal" and shown["tags"] == [] and shown["status"] == "closed"
    store = Store(url)
    try:
        with store.read() as s:  # the tag the first change made is gone with it
            assert s.scalar(select(func.count(Tag.id))) == 0
    finally:
        store.dispose()


def test_unknown_agent_after_valid_changes_rolls_back(run: Run, db: str) -> None:
    n = create(run, db)
    before = counts(db)
    err = one_error(run(db, "ticket", "set", str(n), "--priority", "high", "--assignee", "zoe"))
    assert "no agent with login 'zoe'" in err
    assert counts(db) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ticket", "show", "99999"], "no ticket '99999'"),
        (["ticket", "show", "not-a-ticket"], "no ticket 'not-a-ticket'"),
        (["ticket", "set", "99999", "--priority", "high"], "no ticket '99999'"),
        (["ticket", "note", "#99999", "--body", "x"], "no ticket '#99999'"),
        (["ticket", "set", "N", "--status", "bogus"], "unknown status 'bogus' (choose from: new"),
        (["ticket", "set", "N", "--status", "re"], "unknown status 're'"),  # ambiguous prefix
        (["ticket", "set", "N", "--priority", "asap"], "unknown priority 'asap'"),
        (["ticket", "list", "--status", "new,nope"], "unknown status 'nope'"),
        (["ticket", "list", "--assignee", "nobody"], "no agent with login 'nobody'"),
        (["ticket", "list", "--group", "Sales"], "no group 'Sales' (groups: none yet)"),
        (["ticket", "set", "N", "--status", "new"], "a ticket in status open cannot become new"),
        (["ticket", "set", "N", "--status", "rejected"], "rejecting a ticket needs a reason"),
        (["ticket", "set", "N", "--follow-up", "someday"], "not a date: 'someday'"),
        (["ticket", "set", "N", "--follow-up", "2001-01-01"], "must lie in the future"),
        (["ticket", "set", "N", "--tag", "+a,b"], "not a valid tag"),
        (["ticket", "note", "N", "--body", "  "], "a note needs a text"),
        (["ticket", "create", "--subject", "x", "--from", "max@@", "--body", "b"],
         "not a valid e-mail address: 'max@@'"),
        (["ticket", "create", "--subject", "x", "--from", "Max <max>", "--body", "b"],
         "not a valid e-mail address: 'max'"),
        (["ticket", "create", "--subject", "x", "--from", " ", "--body", "b"], "--from needs"),
        (["ticket", "create", "--subject", "  ", "--from", "a@b.de", "--body", "b"],
         "a ticket needs a subject"),
        (["ticket", "create", "--subject", "x", "--from", "a@b.de", "--body", "b",
          "--channel", "fax"], "unknown channel 'fax'"),
        (["ticket", "create", "--subject", "x", "--from", "a@b.de", "--body", "b",
          "--group", "Nowhere"], "no group 'Nowhere'"),
    ],
)  # fmt: skip
def test_bad_input(run: Run, db: str, args: list[str], message: str) -> None:
    n = create(run, db)
    assert run(db, "ticket", "set", str(n), "--status", "open").code == 0
    before = counts(db)
    err = one_error(run(db, *[str(n) if a == "N" else a for a in args]))
    assert message in err
    assert counts(db) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ticket", "set", "1"], "nothing to change"),
        (["ticket", "set", "1", "--priority", "high", "--reason", "x"], "--reason goes with"),
        (["init", "--tickets", "5"], "--tickets goes with --demo"),
        (["--demo", "ticket", "list"], "--demo starts the app"),
    ],
)
def test_options_that_do_not_go_together(run: Run, db: str, args: list[str], message: str) -> None:
    before = counts(db)
    assert message in one_error(run(db, *args), code=2)
    assert counts(db) == before


@pytest.mark.parametrize(
    "args",
    [
        ["ticket", "frobnicate"],
        ["ticket", "set", "1", "--status", "open", "--close", "fulfilled"],
        ["ticket", "call", "1", "--body", "x"],  # --reached or --not-reached is required
        ["ticket", "list", "--limit", "0"],
        ["init", "--demo", "--tickets", "many"],
        ["ticket", "create", "--subject", "x"],
    ],
)
def test_usage_errors_exit_2(run: Run, db: str, args: list[str]) -> None:
    result = run(db, *args)
    assert result.code == 2
    assert "Traceback" not in result.err and "error:" in result.err


def test_ticket_without_subcommand(run: Run, db: str) -> None:
    result = run(db, "ticket")
    assert result.code == 2 and "needs a subcommand" in result.err


def test_uninitialized_store_is_refused_and_not_created(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"
    err = one_error(run(f"sqlite:///{path}", "ticket", "list"))
    assert f"no store at {path}: run 'desk-gui init' first" in err
    assert not path.exists()


def test_store_without_schema_is_refused(run: Run, pg_url: str) -> None:
    err = one_error(run(pg_url, "ticket", "create", "--subject", "x", "--from", "a@b.de",
                        "--body", "y"))  # fmt: skip
    assert "no schema yet: run 'desk-gui init' first" in err


@pytest.mark.parametrize(
    ("db_url", "message"),
    [
        ("postgresql+psycopg://desk:secret@127.0.0.1:1/desk", "Connection refused"),
        ("postgresql://desk@127.0.0.1:1/desk", "port 1 failed"),  # means psycopg 3
        ("mysql://x@localhost/desk", "unsupported database URL 'mysql://x@localhost/desk'"),
        ("not a url", "not a database URL: 'not a url'"),
        ("postgresql+asyncpg://x@localhost/desk", "unsupported database URL"),
    ],
)
def test_bad_or_unreachable_database(run: Run, db_url: str, message: str) -> None:
    for args in (["ticket", "list"], ["init"]):
        err = one_error(run(db_url, *args))
        assert message in err
        assert "secret" not in err  # passwords never reach the terminal


def test_init_into_missing_directory(run: Run, tmp_path: Path) -> None:
    err = one_error(run(f"sqlite:///{tmp_path}/no/such/dir/desk.sqlite3", "init"))
    assert "does not exist" in err
    assert not (tmp_path / "no").exists()


def test_default_store_in_user_data_dir(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    expected = tmp_path / "desk" / "desk.sqlite3"
    assert f"no store at {expected}" in one_error(run(None, "ticket", "list"))
    assert run(None, "init").code == 0 and expected.exists()
    assert run(None, "ticket", "list").out.strip() == "no tickets"


def test_desk_db_from_environment(
    run: Run, db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESK_DB", db)
    n = create(run, None)
    assert run(db, "ticket", "show", str(n)).code == 0
    # --db wins over the environment, also when given after the subcommand.
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert "no store at" in one_error(run(None, "ticket", "list", "--db", other))
