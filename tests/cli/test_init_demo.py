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


def test_init_demo_brings_templates_and_rules(run: Run, sqlite_url: str) -> None:
    """What `rule list`, `trigger list` and `template list` show right after init."""
    assert run(sqlite_url, "init", "--demo", "--tickets", "20").code == 0
    rules = run(sqlite_url, "rule", "list", "--json").json()
    assert [(r["position"], r["actions"]["group"]) for r in rules] == [
        (1, "Billing"), (2, "1st-Level-Support"), (3, "2nd-Level")
    ]  # fmt: skip
    triggers = run(sqlite_url, "trigger", "list", "--json").json()
    assert [(t["event"], t["actions"]["priority"]) for t in triggers] == [
        ("customer-replied", "high"), ("sla-level", "urgent")
    ]  # fmt: skip
    listed = run(sqlite_url, "template", "list", "--json").json()
    by_name: dict[str, set[str]] = {}
    for t in listed:
        by_name.setdefault(t["name"], set()).add(t["language"])
    assert len(by_name) >= 6 and all(v == {"de", "en"} for v in by_name.values())
    shown = run(sqlite_url, "rule", "list").out
    assert "Sperrmüll an 1st-Level-Support" in shown and "keyword=Sperrmüll" in shown


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
