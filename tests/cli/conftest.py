"""Fixtures for the CLI tests: run `desk-gui` in-process, a store made by `desk-gui init`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from desk_gui.cli import main
from desk_gui.models import Agent, Group, Membership
from desk_gui.models.store import Store


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def _no_env_store(monkeypatch: pytest.MonkeyPatch) -> None:
    # A DESK_DB of the person running the tests must never be touched.
    monkeypatch.delenv("DESK_DB", raising=False)
    monkeypatch.delenv("DESK_DEBUG", raising=False)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """`run(url, "ticket", "list")`: main() with --db url, exit code and captured output."""

    def invoke(url: str | None, *args: str) -> Result:
        capsys.readouterr()
        code = main([*(["--db", url] if url else []), *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    """An empty database on each backend, migrated by `desk-gui init` itself."""
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    value: str = request.getfixturevalue(name)
    run: Run = request.getfixturevalue("run")
    assert run(value, "init").code == 0
    return value


@pytest.fixture
def db(sqlite_url: str, run: Run) -> str:
    """An initialized SQLite store (for the tests that need only one backend)."""
    assert run(sqlite_url, "init").code == 0
    return sqlite_url


@pytest.fixture
def staff(db: str) -> Iterator[Store]:
    """Agents anna and ben (ben inactive) and groups Billing (anna) and 2nd-Level.

    No command creates agents or groups yet (admin tooling comes later), so the test
    inserts them like the demo loader does.
    """
    store = Store(db)
    with store.write() as s:
        anna = Agent(login="anna", name="Anna Schmidt", email="anna@desk.example")
        ben = Agent(login="ben", name="Ben Weber", active=False)
        billing = Group(name="Billing")
        s.add_all([anna, ben, billing, Group(name="2nd-Level")])
        s.flush()
        s.add(Membership(agent_id=anna.id, group_id=billing.id))
    yield store
    store.dispose()


def create(run: Run, url: str | None, *extra: str, subject: str = "Drucker defekt") -> int:
    """Create a ticket through the CLI and return its number."""
    result = run(
        url, "ticket", "create", "--subject", subject,
        "--from", "Max Muster <max@example.de>", "--body", "Toner leer im 2. OG", *extra,
    )  # fmt: skip
    assert result.code == 0, result.err
    return int(result.out)
