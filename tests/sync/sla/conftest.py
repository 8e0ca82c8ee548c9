"""Fixtures for the SLA engine tests: a controllable command clock and a small desk.

Commands stamp tickets, messages and history with `desk_gui.models.commands.utcnow`;
the `at` fixture replaces that function so a test can say "this mail came on Friday at
16:00" and the engine computes from real rows written by real commands.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from desk_gui.models import Agent, Group, Membership, Organization
from desk_gui.models.commands import Actor, Command, execute
from desk_gui.models.party import ContractLevel
from desk_gui.models.sla import SlaTarget
from desk_gui.models.store import Store
from desk_gui.sync.sla import admin
from desk_gui.sync.sla.engine import SlaEngine, SlaReport
from desk_gui.sync.sla.policy import Level

BERLIN = ZoneInfo("Europe/Berlin")
HOUR = 3600
LUNCH_HOURS = ["mon-fri 08:00-12:00,13:00-17:00"]


def berlin(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BERLIN)


class CommandClock:
    """What `utcnow()` returns inside commands while a test runs."""

    def __init__(self) -> None:
        self.now = berlin(2026, 5, 22, 9)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> CommandClock:
    clock = CommandClock()
    monkeypatch.setattr("desk_gui.models.commands.utcnow", clock)
    return clock


@dataclass
class Desk:
    """A store with a Bavarian calendar, a support group and its agents."""

    store: Store
    clock: CommandClock
    anna: uuid.UUID  # group lead
    ben: uuid.UUID
    cara: uuid.UUID
    support: uuid.UUID
    gold_org: uuid.UUID

    def hlc(self) -> str:
        return self.store.clock.now()

    def run(self, cmd: Command, when: datetime | None = None, actor: Actor | None = None) -> object:
        if when is not None:
            self.clock.now = when
        return execute(self.store, cmd, actor or Actor("test"))

    def engine(self, **kw: object) -> SlaEngine:
        return SlaEngine(self.store, **kw)  # type: ignore[arg-type]

    def policy(
        self,
        name: str = "Standard",
        first: int | None = 4 * HOUR,
        nxt: int | None = None,
        resolution: int | None = None,
        match: dict[str, list[str]] | None = None,
        levels: list[Level] | None = None,
        position: int | None = None,
        calendar: str = "Bayern",
    ) -> uuid.UUID:
        targets = {
            t: s
            for t, s in (
                (SlaTarget.FIRST_RESPONSE, first),
                (SlaTarget.NEXT_RESPONSE, nxt),
                (SlaTarget.RESOLUTION, resolution),
            )
            if s
        }
        with self.store.write() as s:
            cal = admin.find_calendar(s, calendar)
            row = admin.create_policy(
                s, self.hlc, name, cal, targets, match, levels or [], position
            )
            return row.id


def make_desk(store: Store, clock: CommandClock) -> Desk:
    hlc = store.clock.now
    with store.write() as s:
        cal = admin.create_calendar(
            s, hlc, "Bayern", "Europe/Berlin", LUNCH_HOURS, holidays="DE-BY", years=(2026, 2027)
        )
        anna = Agent(login="anna", name="Anna Schmidt")
        ben = Agent(login="ben", name="Ben Weber")
        cara = Agent(login="cara", name="Cara Jung")
        s.add_all([anna, ben, cara])
        s.flush()
        support = Group(name="Support", lead_agent_id=anna.id, calendar_id=None)
        gold = Organization(
            name="Gold GmbH", domain="gold.example", contract_level=ContractLevel.GOLD
        )
        s.add_all([support, gold])
        s.flush()
        s.add_all([Membership(agent_id=a.id, group_id=support.id) for a in (anna, ben, cara)])
        assert cal.id
        return Desk(store, clock, anna.id, ben.id, cara.id, support.id, gold.id)


@pytest.fixture
def desk(store: Store, at: CommandClock) -> Desk:
    """On SQLite and on PostgreSQL."""
    return make_desk(store, at)


@pytest.fixture
def lite(sqlite_store: Store, at: CommandClock) -> Iterator[Desk]:
    """SQLite only: for logic that does not depend on the backend."""
    yield make_desk(sqlite_store, at)


def run_engine(desk: Desk, now: datetime) -> SlaReport:
    return desk.engine().run_once(now)
