"""`desk-gui init` (schema, progress line) and starting the desktop app."""

from __future__ import annotations

import io
import sys
import types
from pathlib import Path

import pytest

from desk_gui.cli.setup import Progress

from .conftest import Run


def test_init_is_repeatable_and_reports(run: Run, sqlite_url: str) -> None:
    first = run(sqlite_url, "init")
    assert first.code == 0 and first.out.strip() == f"store ready: {sqlite_url}"
    again = run(sqlite_url, "init", "--json")
    assert again.code == 0 and again.json() == {"store": sqlite_url, "migrated": True}


def test_progress_line_is_throttled_and_shows_rate() -> None:
    out = io.StringIO()
    now = [100.0]
    progress = Progress(out, clock=lambda: now[0])
    for done, at in [(10, 101.0), (20, 101.05), (30, 102.0), (40, 102.01), (40, 1100.0)]:
        now[0] = at
        progress(done, 40)
    progress.finish()
    # 20 came 50 ms after 10: skipped; the last one always shows; a shorter line is
    # padded so no digit of the longer one before it stays on screen.
    assert out.getvalue().split("\r") == [
        "",
        "10/40 tickets (25%)  10/s ",
        "30/40 tickets (75%)  15/s ",
        "40/40 tickets (100%)  20/s ",
        "40/40 tickets (100%)  0/s  \n",
    ]


def test_progress_finish_without_output_prints_nothing() -> None:
    out = io.StringIO()
    Progress(out).finish()
    assert out.getvalue() == ""


# --- the desktop app ---------------------------------------------------------------------


def _stand_in_app(monkeypatch: pytest.MonkeyPatch, calls: list[tuple[str, bool]]) -> None:
    # The real run() starts a Qt event loop that only a person can end; this stand-in
    # records the arguments the CLI hands over instead.
    module = types.ModuleType("desk_gui.ui.app")

    def run(store_url: str, demo: bool) -> int:
        calls.append((store_url, demo))
        return 3

    module.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "desk_gui.ui.app", module)


def test_no_subcommand_starts_the_app(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, bool]] = []
    _stand_in_app(monkeypatch, calls)
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    assert run(url).code == 3  # the app's exit code is ours
    assert run(url, "--demo").code == 3
    monkeypatch.setenv("DESK_DB", "postgresql://desk@db.example/desk")
    assert run(None).code == 3
    monkeypatch.delenv("DESK_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert run(None, "--demo").code == 3
    assert calls == [
        (url, False),
        (url, True),
        ("postgresql+psycopg://desk@db.example/desk", False),
        (f"sqlite:///{tmp_path / 'desk' / 'desk.sqlite3'}", True),
    ]


def test_app_that_cannot_load_is_one_error_line(
    run: Run, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "desk_gui.ui.app", None)  # as if Qt could not load
    result = run(sqlite_url)
    assert result.code == 1
    assert result.err.startswith("desk-gui: error: the desktop app cannot start:")
    assert len(result.err.strip().splitlines()) == 1


def test_bad_url_is_refused_before_the_app_starts(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, bool]] = []
    _stand_in_app(monkeypatch, calls)
    result = run("mysql://x/y")
    assert result.code == 1 and "unsupported database URL" in result.err
    assert calls == []
