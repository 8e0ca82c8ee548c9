"""Trigger rules on created / updated / customer replied / SLA level events: conditions,
actions with history, firing once, and no loops through their own changes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select

from desk_gui.models import Alert, HistoryEntry, Status, Ticket, TriggerEvent, TriggerFiring
from desk_gui.models.commands import AddMessage, AddTag, CreateTicket, SetPriority
from desk_gui.models.message import MessageKind
from desk_gui.models.ticket import Channel, Priority
from desk_gui.sync.sla import admin
from desk_gui.sync.sla.calendar import to_epoch
from desk_gui.sync.sla.config import load_config
from desk_gui.sync.sla.engine import SlaReport
from desk_gui.sync.sla.policy import Level
from desk_gui.sync.sla.recompute import mark_all_stale

from .conftest import HOUR, Desk, berlin, run_engine


def rule(
    desk: Desk,
    name: str,
    event: TriggerEvent,
    conditions: dict[str, list[str]],
    actions: dict[str, Any],
    created: datetime | None = None,
) -> None:
    with desk.store.write() as s:
        admin.create_rule(s, desk.hlc, name, event, conditions, actions,
                          created_at=created or berlin(2026, 6, 1))  # fmt: skip


def ticket(desk: Desk, tid: object) -> Ticket:
    with desk.store.read() as s:
        t = s.get(Ticket, tid)
        assert t is not None
        _ = t.tags
        return t


def test_created_rule_routes_by_keyword_and_sender(desk: Desk) -> None:
    rule(desk, "Rechnungen", TriggerEvent.CREATED,
         {"keywords": ["rechnung"], "sender": ["@gold.example"]},
         {"group": str(desk.support), "priority": "high", "tags": ["billing"],
          "notify": ["group-lead"]})  # fmt: skip
    hit = desk.run(CreateTicket(subject="Frage zur Rechnung 4711", from_addr="a@gold.example",
                                body="Bitte prüfen"), berlin(2026, 6, 8, 9))  # fmt: skip
    other_sender = desk.run(CreateTicket(subject="Rechnung", from_addr="a@else.example"),
                            berlin(2026, 6, 8, 9))  # fmt: skip
    other_words = desk.run(CreateTicket(subject="Passwort", from_addr="b@gold.example"),
                           berlin(2026, 6, 8, 9))  # fmt: skip
    report = run_engine(desk, berlin(2026, 6, 8, 9, 1))
    assert [(t.rule, t.ticket_id, t.event) for t in report.triggered] == [
        ("Rechnungen", hit, TriggerEvent.CREATED)
    ]
    t = ticket(desk, hit)
    assert t.group_id == desk.support and t.priority is Priority.HIGH
    assert [tag.name for tag in t.tags] == ["billing"]
    for untouched in (other_sender, other_words):
        assert ticket(desk, untouched).group_id is None
    with desk.store.read() as s:
        actors = set(s.scalars(select(HistoryEntry.actor).where(HistoryEntry.ticket_id == hit)))
        assert "trigger: Rechnungen" in actors
        assert s.scalar(select(Alert.agent_id)) == desk.anna
    # Its own changes are no "update": nothing fires again, nothing more is recomputed.
    again = run_engine(desk, berlin(2026, 6, 8, 9, 2))
    assert again.triggered == [] and again.recomputed == 0


def test_new_rules_do_not_sweep_the_backlog(desk: Desk) -> None:
    old = desk.run(CreateTicket(subject="alt", channel=Channel.PHONE), berlin(2026, 6, 8, 9))
    run_engine(desk, berlin(2026, 6, 8, 9, 1))
    rule(desk, "Telefon", TriggerEvent.CREATED, {"channel": ["phone"]}, {"priority": "high"},
         created=berlin(2026, 6, 8, 10))  # fmt: skip
    new = desk.run(CreateTicket(subject="neu", channel=Channel.PHONE), berlin(2026, 6, 8, 11))
    report = run_engine(desk, berlin(2026, 6, 8, 11, 1))
    assert [t.ticket_id for t in report.triggered] == [new]
    assert ticket(desk, old).priority is Priority.NORMAL


def test_customer_replied_and_updated(desk: Desk) -> None:
    rule(desk, "Antwort", TriggerEvent.CUSTOMER_REPLIED, {}, {"tags": ["antwort"]})
    rule(desk, "VIP", TriggerEvent.UPDATED, {"tags": ["vip"], "priority": ["high", "urgent"]},
         {"notify": ["group-lead"], "status": "open"})  # fmt: skip
    tid = desk.run(CreateTicket(subject="a", group_id=desk.support, from_addr="k@x.example"),
                   berlin(2026, 6, 8, 9))  # fmt: skip
    assert run_engine(desk, berlin(2026, 6, 8, 9, 1)).triggered == []
    desk.run(AddMessage(ticket_id=tid, kind=MessageKind.INBOUND_MAIL, body_text="Nachtrag"),
             berlin(2026, 6, 8, 10))  # fmt: skip
    report = run_engine(desk, berlin(2026, 6, 8, 10, 1))
    assert [t.rule for t in report.triggered] == ["Antwort"]
    assert [tag.name for tag in ticket(desk, tid).tags] == ["antwort"]
    desk.run(AddTag(ticket_id=tid, tag="vip"), berlin(2026, 6, 8, 11))
    assert run_engine(desk, berlin(2026, 6, 8, 11, 1)).triggered == []  # not high yet
    desk.run(SetPriority(ticket_id=tid, priority=Priority.URGENT), berlin(2026, 6, 8, 12))
    report = run_engine(desk, berlin(2026, 6, 8, 12, 1))
    assert [t.rule for t in report.triggered] == ["VIP"]
    t = ticket(desk, tid)
    assert t.status is Status.OPEN
    with desk.store.read() as s:
        assert s.scalar(select(func.count()).select_from(TriggerFiring)) == 2


def test_sla_level_rule(desk: Desk) -> None:
    desk.policy(first=HOUR, levels=[Level(percent=50), Level(percent=100)])
    rule(desk, "Breach", TriggerEvent.SLA_LEVEL, {"level": ["100%"]},
         {"priority": "urgent", "notify": ["group"]})  # fmt: skip
    tid = desk.run(CreateTicket(subject="a", group_id=desk.support), berlin(2026, 6, 8, 9))
    report = run_engine(desk, berlin(2026, 6, 8, 9, 40))
    assert [f.level for f in report.fired] == ["50%"] and report.triggered == []
    report = run_engine(desk, berlin(2026, 6, 8, 10, 1))
    assert [(t.rule, t.key) for t in report.triggered] == [
        ("Breach", f"sla:first_response:{int(berlin(2026, 6, 8, 9).timestamp())}:100%")
    ]
    assert ticket(desk, tid).priority is Priority.URGENT
    with desk.store.read() as s:
        assert s.scalar(select(func.count()).select_from(Alert)) == 3  # the group's members


def test_a_refused_action_does_not_undo_the_others(desk: Desk) -> None:
    rule(desk, "Zu", TriggerEvent.CREATED, {},
         {"status": "pending_reminder", "priority": "low"})  # fmt: skip
    tid = desk.run(CreateTicket(subject="a"), berlin(2026, 6, 8, 9))
    report = run_engine(desk, berlin(2026, 6, 8, 9, 1))
    assert report.triggered[0].actions == ("priority=low",)  # parking needs a date
    assert ticket(desk, tid).priority is Priority.LOW


def test_rules_are_validated(desk: Desk) -> None:
    for conditions, actions, message in [
        ({"colour": ["red"]}, {"priority": "high"}, "unknown condition"),
        ({}, {"priority": "asap"}, "asap"),
        ({}, {}, "at least one action"),
        ({}, {"assignee": "anna"}, "badly formed"),
    ]:
        with pytest.raises(ValueError, match=message), desk.store.write() as s:
            admin.create_rule(s, desk.hlc, str(uuid.uuid4()), TriggerEvent.CREATED,
                              conditions, actions)  # fmt: skip


def test_a_full_recompute_loads_only_the_tickets_with_an_event(desk: Desk) -> None:
    """After a policy change every open ticket is recomputed; the rules look only at
    those with an event (loading all of them took 15 s for 100,000)."""
    rule(desk, "VIP", TriggerEvent.UPDATED, {"tags": ["vip"]}, {"notify": ["group-lead"]})
    rule(desk, "Antwort", TriggerEvent.CUSTOMER_REPLIED, {}, {"tags": ["antwort"]})
    ids = [desk.run(CreateTicket(subject=f"Anfrage {i}"), berlin(2026, 6, 8, 9)) for i in range(6)]
    run_engine(desk, berlin(2026, 6, 8, 9, 1))
    replied = ids[2]
    desk.run(AddMessage(ticket_id=replied, kind=MessageKind.INBOUND_MAIL, body_text="Nachtrag"),
             berlin(2026, 6, 8, 10))  # fmt: skip
    with desk.store.write() as s:
        mark_all_stale(s)

    loaded: list[uuid.UUID] = []

    def on_load(target: Ticket, _context: object) -> None:
        loaded.append(target.id)

    event.listen(Ticket, "load", on_load)
    try:
        engine = desk.engine()
        now = berlin(2026, 6, 8, 10, 1)
        with desk.store.read() as s:
            cfg = load_config(s, engine.calendars)
        report = SlaReport(now)
        engine.refresh(cfg, to_epoch(now), report, everything=True)
    finally:
        event.remove(Ticket, "load", on_load)
    assert report.recomputed == len(ids)
    assert [(t.rule, t.ticket_id) for t in report.triggered] == [("Antwort", replied)]
    assert set(loaded) == {replied}
