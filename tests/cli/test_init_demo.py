"""`desk-gui init --demo`: demo data into an empty store only, with progress on a TTY."""

from __future__ import annotations

import io
import sys

import pytest
from sqlalchemy import func, select

from desk_gui.models import EscalationEvent, SlaTicketState
from desk_gui.models.store import Store
from desk_gui.sync.sla.engine import SlaEngine

from .conftest import Run, create


def test_init_demo_fills_an_empty_store_once(run: Run, sqlite_url: str) -> None:
    filled = run(sqlite_url, "init", "--demo", "--tickets", "40")
    assert filled.code == 0, filled.err
    summary = filled.out.strip()
    assert summary.startswith(f"demo data in {sqlite_url}: 40 tickets, ")
    assert " agents, " in summary and " groups in " in summary
    assert run(sqlite_url, "ticket", "list", "--limit", "5").out.splitlines()[-1] == (
        "5 of 40 tickets"
    )

    refused = run(sqlite_url, "init", "--demo", "--tickets", "40")
    assert refused.code == 1
    assert "already holds 40 ticket(s)" in refused.err and "Traceback" not in refused.err
    assert run(sqlite_url, "ticket", "list", "--limit", "1").out.splitlines()[-1] == (
        "1 of 40 tickets"
    )


def test_init_demo_leaves_no_sla_level_of_its_past_to_fire_late(run: Run, sqlite_url: str) -> None:
    assert run(sqlite_url, "init", "--demo", "--tickets", "40").code == 0
    store = Store(sqlite_url)
    try:
        with store.read() as s:
            # The clocks are computed and the past's levels recorded by init, on time.
            assert (s.scalar(select(func.count()).select_from(SlaTicketState)) or 0) > 0
            assert not s.scalar(select(func.count()).where(EscalationEvent.late))
        with SlaEngine(store, processes=0) as engine:
            first = engine.run_once()  # the app's first pass
        assert not any(f.late for f in first.fired)
    finally:
        store.dispose()


def test_init_demo_refuses_a_store_with_real_tickets(run: Run, db: str) -> None:
    create(run, db)
    refused = run(db, "init", "--demo", "--tickets", "40", "--json")
    assert refused.code == 1 and "already holds 1 ticket(s)" in refused.err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_init_demo_shows_progress_on_a_terminal(
    run: Run, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    result = run(sqlite_url, "init", "--demo", "--tickets", "40", "--json")
    assert result.code == 0
    assert result.json()["demo"]["tickets"] == 40
    shown = terminal.getvalue()
    assert shown.startswith("\r") and shown.endswith("\n")
    assert "40/40 tickets (100%)" in shown and "/s" in shown
