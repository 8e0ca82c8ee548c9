"""The real `desk-gui` script and `python -m desk_gui`: exit codes, stderr, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "desk-gui"  # what `uv run desk-gui` executes


def desk(*args: str, module: bool = False, stdin: str = "") -> subprocess.CompletedProcess[str]:
    head = [sys.executable, "-m", "desk_gui"] if module else [str(SCRIPT)]
    env = {k: v for k, v in os.environ.items() if k not in ("DESK_DB", "DESK_DEBUG")}
    return subprocess.run(
        [*head, *args], input=stdin, capture_output=True, text=True, timeout=120, env=env
    )


def assert_clean_failure(p: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert p.returncode == code, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr
    assert text in p.stderr.strip().splitlines()[-1]


@pytest.mark.skipif(not SCRIPT.exists(), reason="the console script is not installed")
def test_script_round_trip_and_failures(sqlite_url: str) -> None:
    db = ["--db", sqlite_url]
    assert_clean_failure(desk(*db, "ticket", "show", "1"), 1, "run 'desk-gui init' first")
    assert desk(*db, "init").returncode == 0
    created = desk(*db, "ticket", "create", "--subject", "Drucker", "--from", "a@b.de",
                   "--body", "-", stdin="Toner leer\n")  # fmt: skip
    assert created.returncode == 0, created.stderr
    number = created.stdout.strip()
    assert_clean_failure(
        desk(*db, "ticket", "set", number, "--priority", "high", "--status", "bogus"),
        1,
        "unknown status 'bogus'",
    )
    listed = json.loads(desk(*db, "ticket", "list", "--json").stdout)
    assert [(t["number"], t["priority"]) for t in listed] == [(int(number), "normal")]
    assert_clean_failure(desk(*db, "ticket", "sett"), 2, "invalid choice: 'sett'")


def test_python_m_desk_gui(sqlite_url: str) -> None:
    assert_clean_failure(
        desk("--db", "postgresql+psycopg://x@127.0.0.1:1/x", "init", module=True),
        1,
        "Connection refused",
    )
    assert_clean_failure(
        desk("--db", sqlite_url, "ticket", "list", "--limit", "x", module=True), 2, "--limit"
    )


def test_cli_never_loads_qt(sqlite_url: str) -> None:
    code = (
        "import sys; from desk_gui.cli import main; "
        f"assert main(['--db', {sqlite_url!r}, 'init']) == 0; "
        f"assert main(['--db', {sqlite_url!r}, 'ticket', 'list']) == 0; "
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'desk_gui.ui'))))"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().splitlines()[-1] == "[]"
