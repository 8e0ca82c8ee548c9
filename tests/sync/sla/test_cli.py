"""The SLA subcommands of `desk-gui`, run in-process: calendars, policies, the due-time
calculator (the German example), explain, absences, routing, triggers, and errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from desk_gui.cli import main
from desk_gui.models import AbsencePeriod, Agent, Group, Membership, Organization, Ticket
from desk_gui.models.party import ContractLevel
from desk_gui.models.store import Store
from desk_gui.sync.sla import public_holidays


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Cli = Callable[..., Result]
LUNCH = "mon-fri 08:00-12:00,13:00-17:00"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.delenv("DESK_DB", raising=False)
    monkeypatch.delenv("DESK_DEBUG", raising=False)

    def invoke(url: str, *args: str) -> Result:
        capsys.readouterr()
        code = main(["--db", url, *args])
        out = capsys.readouterr()
        return Result(code, out.out, out.err)

    return invoke


@pytest.fixture
def db(sqlite_url: str, cli: Cli) -> str:
    assert cli(sqlite_url, "init").code == 0
    store = Store(sqlite_url)
    with store.write() as s:  # no command creates agents or groups yet
        anna, ben = Agent(login="anna", name="Anna"), Agent(login="ben", name="Ben")
        support = Group(name="Support")
        gold = Organization(
            name="Gold AG", domain="gold.example", contract_level=ContractLevel.GOLD
        )
        s.add_all([anna, ben, support, gold])
        s.flush()
        support.lead_agent_id = anna.id
        s.add_all([Membership(agent_id=a.id, group_id=support.id) for a in (anna, ben)])
    store.dispose()
    added = cli(sqlite_url, "calendar", "add", "Bayern", "--tz", "Europe/Berlin",
                "--hours", LUNCH, "--holidays", "DE-BY", "--years", "2026-2027",
                "--closed", "2026-12-24")  # fmt: skip
    assert added.code == 0, added.err
    return sqlite_url


def create(cli: Cli, db: str, subject: str, *extra: str) -> str:
    made = cli(db, "ticket", "create", "--subject", subject, "--body", "Text", *extra)
    assert made.code == 0, made.err
    return made.out.strip()


def test_german_example_friday_afternoon_plus_four_hours(cli: Cli, db: str) -> None:
    due = cli(db, "sla", "due", "--calendar", "Bayern", "--start", "2026-05-22T16:00",
              "--add", "4h")  # fmt: skip
    assert due.code == 0, due.err
    assert due.out.strip() == "Tue 2026-05-26 11:00 CEST"  # Monday 25 May: Pfingstmontag
    data = cli(db, "sla", "due", "--calendar", "bayern", "--start", "2026-05-22T16:00",
               "--add", "4h", "--json").json()  # fmt: skip
    assert data["due"] == "2026-05-26T11:00:00+02:00"
    assert data["due_utc"] == "2026-05-26T09:00:00+00:00" and data["add_seconds"] == 4 * 3600
    explained = cli(db, "sla", "due", "--calendar", "Bayern", "--start", "2026-05-22T16:00",
                    "--add", "4h", "--explain").out  # fmt: skip
    assert "closed  2026-05-25 Pfingstmontag" in explained
    # Without the lunch break the answer is the same: 16-17 Friday, 08-11 Tuesday.
    assert cli(db, "calendar", "add", "Lang", "--hours", "mon-fri 08:00-17:00",
               "--holidays", "DE-BY").code == 0  # fmt: skip
    long = cli(db, "sla", "due", "--calendar", "Lang", "--start", "2026-05-22T16:00", "--add", "4h")
    assert long.out.strip() == "Tue 2026-05-26 11:00 CEST"


def test_days_are_business_days(cli: Cli, db: str) -> None:
    three = cli(db, "sla", "due", "--calendar", "Bayern", "--start", "2026-06-08T08:00",
                "--add", "3d", "--json").json()  # fmt: skip
    assert three["add_seconds"] == 3 * 8 * 3600
    assert three["due"] == "2026-06-10T17:00:00+02:00"
    assert cli(db, "calendar", "add", "Kurz", "--hours", "mon-thu 08:00-17:00",
               "--hours", "fri 08:00-12:00").code == 0  # fmt: skip
    refused = cli(db, "sla", "due", "--calendar", "Kurz", "--start", "2026-06-08T08:00",
                  "--add", "1d")  # fmt: skip
    assert refused.code == 1 and "give hours instead" in refused.err
    assert "Traceback" not in refused.err


def test_policies_add_and_list(cli: Cli, db: str) -> None:
    added = cli(db, "sla", "add", "Gold", "--calendar", "Bayern", "--first-response", "4h",
                "--next-response", "8h", "--resolution", "3d", "--match", "priority=high",
                "--match", "contract=gold", "--escalate", "80%:notify=assignee",
                "--escalate", "100%:notify=group-lead",
                "--escalate", "resolution@+2h:notify=ben:priority=raise:group=Support")  # fmt: skip
    assert added.code == 0, added.err
    assert cli(db, "sla", "add", "Standard", "--calendar", "Bayern", "--first-response",
               "1d").code == 0  # fmt: skip
    assert cli(db, "sla", "add", "Urgent", "--calendar", "Bayern", "--first-response", "30m",
               "--match", "priority=urgent", "--position", "1").code == 0  # fmt: skip
    listed = cli(db, "sla", "list", "--json").json()
    assert [p["name"] for p in listed] == ["Urgent", "Gold", "Standard"]
    gold = listed[1]
    assert (gold["first_response"], gold["next_response"], gold["resolution"]) == (
        "4h",
        "8h",
        "24h",
    )
    assert gold["match"] == {"priority": ["high"], "contract": ["gold"]}
    assert gold["escalations"] == [
        "80%:notify=assignee",
        "100%:notify=group-lead",
        "resolution@+2h:notify=ben:priority=raise:group=Support",
    ]
    table = cli(db, "sla", "list").out
    gold_line = next(line for line in table.splitlines() if "Gold" in line)
    # 3d stored as 24 business hours: the table says both; 30m is no whole day.
    assert "24h (3d)" in gold_line and "8h (1d)" in gold_line and "4h " in gold_line
    assert "30m " in next(line for line in table.splitlines() if "Urgent" in line)
    assert cli(db, "sla", "remove", "Urgent").code == 0
    assert [p["name"] for p in cli(db, "sla", "list", "--json").json()] == ["Gold", "Standard"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--calendar", "Nirgends", "--first-response", "4h"], "no calendar 'Nirgends'"),
        (["--calendar", "Bayern", "--first-response", "4 Stunden"], "not a duration"),
        (["--calendar", "Bayern"], "at least one of"),
        (["--calendar", "Bayern", "--first-response", "4h", "--match", "colour=red"], "colour"),
        (["--calendar", "Bayern", "--first-response", "4h", "--escalate", "soon"], "not a level"),
        (["--calendar", "Bayern", "--first-response", "4h", "--escalate", "80%:notify=zoe"],
         "no agent with login 'zoe'"),
    ],
)  # fmt: skip
def test_bad_policies_are_refused(cli: Cli, db: str, args: list[str], message: str) -> None:
    result = cli(db, "sla", "add", "X", *args)
    assert result.code == 1 and message in result.err, result.err
    assert "Traceback" not in result.err
    assert cli(db, "sla", "list", "--json").json() == []


def test_explain_and_run(cli: Cli, db: str) -> None:
    assert cli(db, "sla", "add", "Standard", "--calendar", "Bayern", "--first-response", "4h",
               "--resolution", "2d", "--escalate", "100%:notify=group-lead").code == 0  # fmt: skip
    number = create(cli, db, "Drucker", "--from", "max@gold.example", "--group", "Support")
    ran = cli(db, "sla", "run")
    assert ran.code == 0 and ran.out.startswith("recomputed 1 tickets"), ran.out
    assert cli(db, "sla", "run", "--json").json()["recomputed"] == 0
    text = cli(db, "sla", "explain", number)
    assert text.code == 0, text.err
    assert "policy Standard, calendar Bayern (Europe/Berlin)" in text.out
    assert "first response:" in text.out and "resolution:" in text.out and "Due" in text.out
    data = cli(db, "sla", "explain", number, "--json").json()
    first = data["targets"][0]
    assert first["target"] == "first_response" and first["target_seconds"] == 4 * 3600
    assert first["explanation"][0].startswith("Start")
    assert cli(db, "sla", "explain", "99999").code == 1


def test_calendars_list_and_use(cli: Cli, db: str) -> None:
    assert cli(db, "calendar", "use", "Bayern", "--group", "Support").code == 0
    [cal] = cli(db, "calendar", "list", "--json").json()
    assert cal["hours"] == "mon-fri 08:00-12:00, 13:00-17:00" and cal["day"] == "8h"
    assert cal["holidays"] == "DE-BY" and cal["groups"] == ["Support"]
    # The snapshot of DE-BY for 2026 and 2027, plus Christmas Eve.
    assert cal["closed_days"] == len(public_holidays("DE-BY", 2026, 2027)) + 1
    bad = cli(db, "calendar", "add", "X", "--hours", "mon-fri 17:00-08:00")
    assert bad.code == 1 and "end after it starts" in bad.err
    assert cli(db, "calendar", "add", "X", "--tz", "Mars/Olympus", "--hours", LUNCH).code == 1
    assert cli(db, "calendar", "add", "Bayern", "--hours", LUNCH).code == 1  # exists


def test_absence_routing_and_assign(cli: Cli, db: str) -> None:
    added = cli(db, "absence", "add", "ben", "--from", "2026-07-01", "--to", "2026-07-14",
                "--note", "Urlaub")  # fmt: skip
    assert added.code == 0, added.err
    store = Store(db)
    with store.read() as s:
        absence = s.scalars(select(AbsencePeriod)).one()
        assert (absence.ends_at - absence.starts_at).days == 14  # both days included
    store.dispose()
    listed = cli(db, "absence", "list", "--all", "--json").json()
    assert [(a["agent"], a["note"]) for a in listed] == [("ben", "Urlaub")]
    assert cli(db, "absence", "add", "ben", "--from", "2026-07-14", "--to", "2026-07-01").code == 1
    assert cli(db, "routing", "set", "Support", "round-robin").code == 0
    assert cli(db, "routing", "list", "--json").json() == [
        {"group": "Support", "mode": "round-robin", "last": None}
    ]
    number = create(cli, db, "a", "--from", "k@x.example", "--group", "Support")
    assigned = cli(db, "routing", "assign", number)
    assert assigned.code == 0 and assigned.out.strip().endswith("assigned to anna")
    assert cli(db, "absence", "remove", str(absence.id)[:8]).code == 0
    assert cli(db, "absence", "list", "--all", "--json").json() == []


def test_triggers(cli: Cli, db: str) -> None:
    added = cli(db, "trigger", "add", "Rechnung", "--on", "created", "--if", "keyword=rechnung",
                "--if", "sender=@gold.example", "--then", "group=Support",
                "--then", "priority=high", "--then", "tag=billing",
                "--then", "notify=group-lead")  # fmt: skip
    assert added.code == 0, added.err
    [rule] = cli(db, "trigger", "list", "--json").json()
    assert rule["event"] == "created"
    assert rule["conditions"] == {"keywords": ["rechnung"], "sender": ["@gold.example"]}
    assert rule["actions"]["group"] == "Support" and rule["actions"]["tags"] == ["billing"]
    number = create(cli, db, "Rechnung falsch", "--from", "m@gold.example")
    assert cli(db, "sla", "run").code == 0
    store = Store(db)
    with store.read() as s:
        ticket = s.scalar(select(Ticket).where(Ticket.number == int(number)))
        assert ticket is not None and ticket.priority.value == "high"
    store.dispose()
    assert cli(db, "trigger", "add", "X", "--on", "created", "--then", "colour=red").code == 1
    assert cli(db, "trigger", "add", "Y", "--on", "created").code == 1
    assert cli(db, "trigger", "remove", "Rechnung").code == 0
    assert cli(db, "trigger", "list", "--json").json() == []


def test_on_postgresql(cli: Cli, pg_url: str) -> None:
    assert cli(pg_url, "init").code == 0
    assert cli(pg_url, "calendar", "add", "Bayern", "--hours", LUNCH, "--holidays", "DE-BY",
               "--years", "2026-2026").code == 0  # fmt: skip
    due = cli(pg_url, "sla", "due", "--calendar", "Bayern", "--start", "2026-05-22T16:00",
              "--add", "4h")  # fmt: skip
    assert due.out.strip() == "Tue 2026-05-26 11:00 CEST"
    assert (
        cli(pg_url, "sla", "add", "S", "--calendar", "Bayern", "--first-response", "4h").code == 0
    )
    number = create(cli, pg_url, "a", "--from", "k@x.example")
    assert cli(pg_url, "sla", "run").code == 0
    assert "policy S" in cli(pg_url, "sla", "explain", number).out
