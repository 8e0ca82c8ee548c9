"""Demo data: realistic shape on both backends, both write paths, deterministic."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from desk_gui.models import (
    Agent,
    CallOutcome,
    Contact,
    ContractLevel,
    Group,
    HistoryEntry,
    Membership,
    Message,
    MessageKind,
    Organization,
    OutboxCommand,
    Outcome,
    Status,
    Tag,
    Ticket,
    TicketTag,
    demo,
    queries,
)
from desk_gui.models.demo import DemoError, DemoSummary, populate
from desk_gui.models.meta import get_setting
from desk_gui.models.sla import BusinessCalendar, SlaPolicy, SlaTarget
from desk_gui.models.store import Store
from desk_gui.sync.mail_out import ack
from desk_gui.sync.sla.calendar import WorkCalendar
from desk_gui.sync.sla.policy import business_day_seconds, policy_spec

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def pairs(s: Session, stmt: Any) -> dict[Any, Any]:
    return {k: v for k, v in s.execute(stmt).all()}


def number(s: Session, stmt: Any) -> int:
    return int(s.scalar(stmt) or 0)


def counts(s: Session, column: Any) -> Counter[Any]:
    return Counter(pairs(s, select(column, func.count()).group_by(column)))


def assert_realistic(store: Store, summary: DemoSummary, n: int, commands: bool) -> None:
    """What every demo store has, whichever path wrote it."""
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Ticket)) == summary.tickets == n
        assert s.scalar(select(func.count()).select_from(Message)) == summary.messages
        assert s.scalar(select(func.count()).select_from(Contact)) == summary.contacts
        assert s.scalar(select(func.count()).select_from(Organization)) == summary.organizations

        assert set(counts(s, Ticket.status)) == set(Status)
        groups = {g.name: g for g in s.scalars(select(Group))}
        assert set(groups) == {"1st-Level-Support", "2nd-Level", "Billing"}
        assert summary.groups == 3 and summary.agents == 8
        assert s.scalar(select(func.count()).select_from(Agent)) == 8
        members = {tuple(r) for r in s.execute(select(Membership.group_id, Membership.agent_id))}
        for group in groups.values():  # one lead per group, working in it
            assert (group.id, group.lead_agent_id) in members
        assert len({g.lead_agent_id for g in groups.values()}) == 3

        levels = counts(s, Organization.contract_level)
        assert set(levels) == set(ContractLevel)
        assert number(s, select(func.count()).where(Contact.organization_id.is_(None))) > 0
        assert set(counts(s, Contact.language)) == {"de", "en"}

        lengths = counts(s, Message.ticket_id).values()
        assert len(lengths) == n and min(lengths) >= 1 and max(lengths) <= 8
        kinds = counts(s, Message.kind)
        assert {
            MessageKind.INBOUND_MAIL,
            MessageKind.OUTBOUND_MAIL,
            MessageKind.NOTE,
            MessageKind.CALL,
            MessageKind.WEB_FORM,
        } <= set(kinds)
        assert set(counts(s, Message.call_outcome)) >= {
            CallOutcome.REACHED,
            CallOutcome.NOT_REACHED,
        }
        assert len(counts(s, Ticket.channel)) >= 4 and len(counts(s, Ticket.priority)) >= 3
        assert len(counts(s, Ticket.type)) == 2 and len(counts(s, Ticket.category)) >= 8
        assert number(s, select(func.count()).select_from(TicketTag)) > 0

        pending = s.scalars(select(Ticket).where(Ticket.status == Status.PENDING_REMINDER)).all()
        assert all(t.follow_up_at is not None for t in pending)
        assert (
            s.scalar(
                select(func.count()).where(
                    Ticket.follow_up_at.is_not(None), Ticket.status != Status.PENDING_REMINDER
                )
            )
            == 0
        )
        for t in s.scalars(
            select(Ticket).where(Ticket.status.in_([Status.CLOSED, Status.REJECTED]))
        ):
            want = Outcome.REJECTED if t.status is Status.REJECTED else Outcome.FULFILLED
            assert t.close_outcome is want and t.close_reason and t.closed_at is not None
        new = s.scalars(select(Ticket).where(Ticket.status == Status.NEW)).all()
        assert all(t.assignee_id is None for t in new)

        # The last ~90 days, nothing in the future; updated_at is the last activity.
        first, last = s.execute(
            select(func.min(Ticket.created_at), func.max(Ticket.updated_at))
        ).one()
        assert NOW - timedelta(days=91) <= first and last <= NOW
        last_message = pairs(
            s, select(Message.ticket_id, func.max(Message.created_at)).group_by(Message.ticket_id)
        )
        for tid, created, updated in s.execute(
            select(Ticket.id, Ticket.created_at, Ticket.updated_at)
        ):
            assert created <= last_message[tid] <= updated
        if commands:
            # Every change went through a command: it is the newest message or history entry.
            last_change = pairs(
                s,
                select(HistoryEntry.ticket_id, func.max(HistoryEntry.at)).group_by(
                    HistoryEntry.ticket_id
                ),
            )
            for tid, updated in s.execute(select(Ticket.id, Ticket.updated_at)):
                assert updated == max(last_message[tid], last_change[tid])

        # Numbers in creation order; seq (the search index's rowid) in time order.
        numbers = [n or 0 for n in s.scalars(select(Ticket.number).order_by(Ticket.created_at))]
        assert numbers == sorted(numbers) and 0 not in numbers
        times = s.scalars(select(Message.created_at).order_by(Message.seq)).all()
        assert times == sorted(times)
        assert s.scalar(select(func.count()).where(HistoryEntry.field == "created")) == n

        assert_sla_setup(s)

        newest = s.scalars(select(Message).order_by(Message.seq.desc()).limit(1)).one()
        word = max(re.findall(r"[A-Za-zÄÖÜäöüß]{6,}", newest.body_text), key=len)
        hits = queries.search(s, word)
        assert newest.id in {h.message_id for h in hits}, word


def assert_sla_setup(s: Session) -> None:
    """One calendar with NRW holidays and a policy per contract level the engine accepts."""
    calendar = s.scalars(select(BusinessCalendar)).one()
    assert calendar.name == "Bürozeiten" and calendar.timezone == "Europe/Berlin"
    days = {d.day: d for d in calendar.days}
    assert date(2026, 6, 4) in days  # Fronleichnam: a holiday in NRW, not everywhere
    assert all(d.hours == [] for d in days.values())
    policies = s.scalars(select(SlaPolicy).order_by(SlaPolicy.position)).all()
    assert [p.name for p in policies] == ["Platinum", "Gold", "Silver"]
    assert [p.match for p in policies] == [
        {"contract": ["platinum"]},
        {"contract": ["gold"]},
        {"contract": ["silver"]},
    ]
    cal = WorkCalendar.from_rows(calendar)
    assert business_day_seconds(cal) == 8 * 3600
    specs = [policy_spec(p) for p in policies]  # validates like the engine reads them
    assert [sp.targets[SlaTarget.FIRST_RESPONSE] for sp in specs] == [3600, 4 * 3600, 8 * 3600]
    assert [len(sp.levels) for sp in specs] == [2, 2, 2]


def test_small_demo_runs_the_real_commands(store: Store) -> None:
    seen: list[tuple[int, int]] = []
    summary = populate(store, 60, seed=3, now=NOW, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (60, 60)
    assert_realistic(store, summary, 60, commands=True)
    with store.read() as s:
        # Real commands leave their history and their outbox rows.
        assert number(s, select(func.count()).select_from(OutboxCommand)) > summary.messages
        fields = counts(s, HistoryEntry.field)
        assert {"created", "status", "assignee_id", "tag", "first_response_at"} <= set(fields)


def test_bulk_path_on_both_backends(store: Store) -> None:
    summary = populate(store, 400, seed=5, now=NOW, bulk=True)
    assert_realistic(store, summary, 400, commands=False)
    with store.read() as s:
        # Seed data, not user commands: nothing queued for replication.
        assert s.scalar(select(func.count()).select_from(OutboxCommand)) == 0


def test_bulk_path_at_3000_keeps_the_shape(sqlite_store: Store) -> None:
    before = _schema(sqlite_store)
    summary = populate(sqlite_store, 3_000, seed=11, now=NOW, bulk=True)
    assert_realistic(sqlite_store, summary, 3_000, commands=False)
    # The fast load dropped indexes and the FTS trigger; all are back, and so is WAL.
    assert _schema(sqlite_store) == before
    with sqlite_store.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        fts = s.execute(text("SELECT count(*) FROM message_fts")).scalar()
        assert fts == summary.messages
    # Later commands still index their messages.
    from desk_gui.models.commands import CreateTicket, execute

    tid = execute(sqlite_store, CreateTicket(subject="Quellcodeprüfung", body="Zebrafinkenfutter"))
    with sqlite_store.read() as s:
        assert [h.ticket_id for h in queries.search(s, "Zebrafinken")] == [tid]


def _schema(store: Store) -> set[tuple[str, str]]:
    with store.read() as s:
        return set(
            (r[0], r[1])
            for r in s.execute(text("SELECT name, coalesce(sql, '') FROM sqlite_master"))
        )


def _dump(store: Store) -> dict[str, list[tuple[object, ...]]]:
    with store.read() as s:
        raw = {
            "tickets": s.execute(
                select(
                    Ticket.id,
                    Ticket.number,
                    Ticket.subject,
                    Ticket.status,
                    Ticket.priority,
                    Ticket.type,
                    Ticket.category,
                    Ticket.channel,
                    Ticket.group_id,
                    Ticket.assignee_id,
                    Ticket.contact_id,
                    Ticket.organization_id,
                    Ticket.created_at,
                    Ticket.updated_at,
                    Ticket.first_response_at,
                    Ticket.resolved_at,
                    Ticket.closed_at,
                    Ticket.close_outcome,
                    Ticket.close_reason,
                    Ticket.follow_up_at,
                    Ticket.last_customer_message_at,
                ).order_by(Ticket.number)
            ).all(),
            "messages": s.execute(
                select(
                    Message.id,
                    Message.seq,
                    Message.ticket_id,
                    Message.kind,
                    Message.author_agent_id,
                    Message.from_addr,
                    Message.to_addrs,
                    Message.cc_addrs,
                    Message.subject,
                    Message.body_text,
                    Message.message_id_header,
                    Message.in_reply_to,
                    Message.references,
                    Message.call_outcome,
                    Message.created_at,
                ).order_by(Message.seq)
            ).all(),
            "tags": s.execute(
                select(Ticket.number, Tag.name)
                .join(TicketTag, TicketTag.ticket_id == Ticket.id)
                .join(Tag, Tag.id == TicketTag.tag_id)
                .order_by(Ticket.number, Tag.name)
            ).all(),
            "created": s.execute(
                select(
                    HistoryEntry.ticket_id, HistoryEntry.at, HistoryEntry.actor, HistoryEntry.new
                )
                .where(HistoryEntry.field == "created")
                .order_by(HistoryEntry.at)
            ).all(),
        }
        return {k: [tuple(r) for r in rows] for k, rows in raw.items()}


def _fresh(tmp_path: Path, name: str) -> Store:
    store = Store(f"sqlite:///{tmp_path / name}")
    store.migrate()
    return store


def test_bulk_writes_what_the_commands_write(tmp_path: Path) -> None:
    """Same seed, same clock: the bulk rows equal the commands' rows, field by field."""
    by_commands = _fresh(tmp_path, "commands.sqlite3")
    by_bulk = _fresh(tmp_path, "bulk.sqlite3")
    populate(by_commands, 120, seed=21, now=NOW, bulk=False)
    populate(by_bulk, 120, seed=21, now=NOW, bulk=True)
    one, other = _dump(by_commands), _dump(by_bulk)
    for table in one:
        assert one[table] == other[table], table
    by_commands.dispose()
    by_bulk.dispose()


def test_deterministic_for_a_seed(tmp_path: Path) -> None:
    dumps = []
    for name, seed in (("a", 9), ("b", 9), ("c", 10)):
        store = _fresh(tmp_path, f"{name}.sqlite3")
        populate(store, 400, seed=seed, now=NOW, bulk=True)
        dumps.append(_dump(store))
        store.dispose()
    assert dumps[0] == dumps[1]
    assert dumps[0]["messages"] != dumps[2]["messages"]


def test_ids_are_client_made_uuids(sqlite_store: Store) -> None:
    populate(sqlite_store, 30, seed=1, now=NOW)
    with sqlite_store.read() as s:
        ids = s.scalars(select(Ticket.id)).all()
    assert all(isinstance(i, uuid.UUID) and i.version == 7 for i in ids)


def test_demo_goes_into_a_store_once(sqlite_store: Store) -> None:
    populate(sqlite_store, 10, seed=1, now=NOW)
    with pytest.raises(DemoError):
        populate(sqlite_store, 10, seed=1, now=NOW)


def test_empty_demo_has_parties_only(sqlite_store: Store) -> None:
    summary = populate(sqlite_store, 0, now=NOW)
    assert summary.tickets == summary.messages == 0
    assert summary.agents == 8 and summary.contacts > 0


def test_scrolling_anywhere_matches_keyset_pages(store: Store) -> None:
    """rows_at (offset, one index branch per status) and page() (keyset) agree."""
    populate(store, 500, seed=2, now=NOW, bulk=True)
    with store.read() as s:
        group_id = s.scalar(select(Group.id).where(Group.name == "1st-Level-Support"))
        views = [
            queries.ALL_OPEN,
            queries.TicketFilter(statuses=queries.ALL_OPEN.statuses, group_id=group_id),
            queries.TicketFilter(statuses=queries.ALL_OPEN.statuses, unassigned=True),
            queries.TicketFilter(statuses=frozenset({Status.CLOSED, Status.REJECTED}), tag="vip"),
            queries.TicketFilter(),
        ]
        for flt in views:
            keyset: list[uuid.UUID] = []
            cursor = None
            while True:
                rows, cursor = queries.page(s, flt, cursor, limit=37)
                keyset += [r.id for r in rows]
                if cursor is None:
                    break
            total = queries.count(s, flt)
            assert len(keyset) == total > 0
            by_offset = [
                r.id for offset in range(0, total, 23) for r in queries.rows_at(s, flt, offset, 23)
            ]
            assert by_offset == keyset


def test_every_template_renders() -> None:
    """No placeholder without a filler, in any scenario, language or phrase."""
    import random

    from desk_gui.models import demo_texts as tx
    from desk_gui.models.demo import Fill

    values = {k: k for k in ("name", "first", "last", "salutation", "er", "phone", "login")}
    values |= {"org": "Org", "level": "Gold", "agent": "A B", "agent_first": "A"}
    templates = [
        t for p in tx.PHRASES.values() for f in vars(p).values() if isinstance(f, tuple) for t in f
    ]
    for scenario in tx.SCENARIOS:
        for texts in (scenario.de, scenario.en):
            templates += [t for f in vars(texts).values() for t in f]
    for i, template in enumerate(templates):
        fill = Fill(random.Random(i), "de" if i % 2 else "en", 1_780_000_000_000_000, values)
        rendered = template.format_map(fill)
        assert "{" not in rendered and "}" not in rendered, template


@pytest.mark.parametrize("bulk", [False, True])
def test_demo_mail_counts_as_acknowledged_already(sqlite_store: Store, bulk: bool) -> None:
    """A desk that has been running acknowledged its mail back then: the first pass must
    not walk every message from seq 0 (1.4M on the 1M store, ~105 MB of it mapped)."""
    assert demo.ACK_CURSOR == ack.CURSOR  # models cannot import the name from sync
    populate(sqlite_store, 80, seed=2, now=NOW, bulk=bulk)
    with sqlite_store.read() as s:
        newest = s.scalar(select(func.max(Message.seq)))
        assert newest and get_setting(s, ack.CURSOR) == str(newest)
