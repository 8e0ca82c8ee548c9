"""Every command on both backends: its change, its history, exactly one outbox row; a
refused command leaves nothing behind (its transaction rolls back)."""

from __future__ import annotations

import dataclasses
import typing
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desk_gui.models import (
    TRANSITIONS,
    Agent,
    Base,
    CallOutcome,
    Contact,
    Group,
    HistoryEntry,
    Membership,
    Message,
    MessageKind,
    Organization,
    OutboxCommand,
    Outcome,
    Priority,
    Status,
    Tag,
    Ticket,
    Watcher,
)
from desk_gui.models.commands import (
    REGISTRY,
    Actor,
    AddMessage,
    AddNote,
    AddTag,
    AddWatcher,
    Assign,
    CloseTicket,
    Command,
    CommandError,
    CreateTicket,
    LogCall,
    RemoveTag,
    RemoveWatcher,
    SetFollowUp,
    SetGroup,
    SetPriority,
    SetStatus,
    execute,
    from_payload,
    to_payload,
)
from desk_gui.models.store import Store

# --- helpers -----------------------------------------------------------------------------


def tomorrow() -> datetime:
    return datetime.now(UTC) + timedelta(days=1)


def snapshot(store: Store) -> dict[str, Any]:
    """Row counts of every table plus every ticket's full row: what a refusal must keep."""
    with store.read() as s:
        counts = {
            t.name: s.scalar(select(func.count()).select_from(t))
            for t in Base.metadata.sorted_tables
        }
        tickets = {
            t.id: {c.key: getattr(t, c.key) for c in Ticket.__table__.columns}
            for t in s.scalars(select(Ticket))
        }
    return {"counts": counts, "tickets": tickets}


History = set[tuple[str, str, str | None, str | None]]


def history_since(store: Store, ticket_id: uuid.UUID, seen: set[uuid.UUID]) -> History:
    """(command, field, old, new) of the history rows not in `seen`.

    A set: the rows of one command share their time and HLC, so they have no order.
    """
    with store.read() as s:
        rows = s.scalars(select(HistoryEntry).where(HistoryEntry.ticket_id == ticket_id))
        return {(h.command, h.field, h.old, h.new) for h in rows if h.id not in seen}


def history_ids(store: Store, ticket_id: uuid.UUID) -> set[uuid.UUID]:
    with store.read() as s:
        return set(s.scalars(select(HistoryEntry.id).where(HistoryEntry.ticket_id == ticket_id)))


def outbox(store: Store) -> list[OutboxCommand]:
    with store.read() as s:
        return list(s.scalars(select(OutboxCommand).order_by(OutboxCommand.seq)))


def run(store: Store, cmd: Command, actor: Actor | None = None) -> tuple[Any, History]:
    """Execute a command that must succeed; returns its result and the history it wrote.

    Checks the outbox: exactly one new row, carrying this command, that decodes back to it.
    """
    before = outbox(store)
    tid: uuid.UUID = cmd.ticket_id  # type: ignore[attr-defined]  (every command has one)
    seen = history_ids(store, tid)
    result = execute(store, cmd, actor) if actor else execute(store, cmd)
    after = outbox(store)
    assert len(after) == len(before) + 1, "exactly one outbox row per command"
    row = after[-1]
    assert row.name == cmd.name
    assert from_payload(row.name, row.payload) == cmd
    assert row.hlc and row.actor == (actor.name if actor else "system")
    return result, history_since(store, tid, seen)


def refused(store: Store, cmd: Command, match: str) -> None:
    """The command raises CommandError and the store is exactly as before."""
    before = snapshot(store)
    with pytest.raises(CommandError, match=match):
        execute(store, cmd)
    assert snapshot(store) == before


def ticket(store: Store, tid: uuid.UUID) -> Ticket:
    with store.read() as s:
        t = s.get(Ticket, tid)
        assert t is not None
        return t


@dataclass
class World:
    """Agents and groups made directly: they have no commands yet (admin data)."""

    anna: uuid.UUID
    ben: uuid.UUID
    retired: uuid.UUID
    first_level: uuid.UUID
    billing: uuid.UUID
    org: uuid.UUID


@pytest.fixture
def world(store: Store) -> World:
    store.clock.now()  # its node id is stored on first use: not part of any command
    with store.write() as s:
        anna = Agent(login="anna", name="Anna Schmidt")
        ben = Agent(login="ben", name="Ben Meyer")
        retired = Agent(login="old", name="Old Timer", active=False)
        first = Group(name="1st-Level-Support")
        billing = Group(name="Billing")
        org = Organization(name="Stadt Musterhausen", domain="musterhausen.de")
        s.add_all([anna, ben, retired, first, billing, org])
        s.flush()
        s.add_all(
            [
                Membership(agent_id=anna.id, group_id=first.id),
                Membership(agent_id=ben.id, group_id=first.id),
                Membership(agent_id=ben.id, group_id=billing.id),
            ]
        )
        return World(anna.id, ben.id, retired.id, first.id, billing.id, org.id)


def new_ticket(store: Store, **values: Any) -> uuid.UUID:
    values.setdefault("subject", "Drucker im 2. OG druckt nicht")
    values.setdefault("body", "Der Toner ist leer.")
    tid = execute(store, CreateTicket(**values))
    assert isinstance(tid, uuid.UUID)
    return tid


# --- payloads ------------------------------------------------------------------------------

_ZONES = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))])
_JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.text()
_SPECIAL: dict[Any, st.SearchStrategy[Any]] = {
    datetime: st.datetimes(timezones=_ZONES),
    # Attachment references and the like: JSON objects with scalar values.
    tuple[dict[str, Any], ...]: st.lists(st.dictionaries(st.text(), _JSON_SCALARS)).map(tuple),
}


def _strategy(hint: Any) -> st.SearchStrategy[Any]:
    if hint in _SPECIAL:
        return _SPECIAL[hint]
    if typing.get_origin(hint) is not None and type(None) in typing.get_args(hint):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return st.none() | _strategy(inner[0])
    return st.from_type(hint)


def command_strategy(cls: type[Command]) -> st.SearchStrategy[Command]:
    hints = typing.get_type_hints(cls)
    fields = {f.name: _strategy(hints[f.name]) for f in dataclasses.fields(cls)}
    return st.builds(cls, **fields)


@pytest.mark.parametrize("name", sorted(REGISTRY))
@settings(deadline=None)  # the first example pays for building the strategy
@given(data=st.data())
def test_payload_round_trip(name: str, data: st.DataObject) -> None:
    cmd = data.draw(command_strategy(REGISTRY[name]))
    assert from_payload(name, to_payload(cmd)) == cmd


def test_every_command_named_in_the_brief_is_registered() -> None:
    assert set(REGISTRY) >= {
        "create_ticket",
        "add_message",
        "add_note",
        "log_call",
        "set_status",
        "close_ticket",
        "assign",
        "set_group",
        "set_priority",
        "set_follow_up",
        "tag",
        "untag",
        "add_watcher",
        "remove_watcher",
    }


# --- create ---------------------------------------------------------------------------------


def test_create_ticket_writes_ticket_message_contact_history(store: Store, world: World) -> None:
    tid, history = run(
        store,
        CreateTicket(
            subject="  Passwort zurücksetzen ",
            body="Ich komme nicht mehr ins Portal.",
            from_addr="Erika.Muster@Musterhausen.de",
            from_name="Erika Muster",
            priority=Priority.HIGH,
        ),
    )
    t = ticket(store, tid)
    assert t.number == 10001 and t.subject == "Passwort zurücksetzen"
    assert t.status is Status.NEW and t.priority is Priority.HIGH
    assert history == {("create_ticket", "created", None, "#10001")}
    with store.read() as s:
        contact = s.get(Contact, t.contact_id)
        assert contact is not None and contact.name == "Erika Muster"
        assert contact.organization_id == world.org == t.organization_id
        assert [a.address for a in contact.addresses] == ["erika.muster@musterhausen.de"]
        (msg,) = s.scalars(select(Message).where(Message.ticket_id == tid))
        assert msg.kind is MessageKind.INBOUND_MAIL
        assert msg.from_addr == "erika.muster@musterhausen.de"
        assert msg.body_text == "Ich komme nicht mehr ins Portal."
    second = new_ticket(store, from_addr="erika.muster@musterhausen.de")
    assert ticket(store, second).number == 10002
    assert ticket(store, second).contact_id == t.contact_id, "known sender: same contact"


def test_unknown_sender_without_known_domain_gets_a_contact_without_organization(
    store: Store, world: World
) -> None:
    tid = new_ticket(store, from_addr="someone@elsewhere.example")
    t = ticket(store, tid)
    assert t.organization_id is None
    with store.read() as s:
        contact = s.get(Contact, t.contact_id)
        assert contact is not None and contact.name == "someone"
        assert contact.organization_id is None


def test_create_with_assignee_starts_open(store: Store, world: World) -> None:
    tid = new_ticket(store, assignee_id=world.anna, group_id=world.first_level)
    t = ticket(store, tid)
    assert t.status is Status.OPEN and t.assignee_id == world.anna


def test_create_by_phone_starts_with_a_call(store: Store, world: World) -> None:
    from desk_gui.models import Channel

    tid = new_ticket(store, channel=Channel.PHONE)
    with store.read() as s:
        (msg,) = s.scalars(select(Message).where(Message.ticket_id == tid))
        assert msg.kind is MessageKind.CALL and msg.call_outcome is CallOutcome.REACHED


def test_create_refusals_leave_nothing(store: Store, world: World) -> None:
    refused(store, CreateTicket(subject="   "), "subject")
    refused(store, CreateTicket(subject="x", from_addr="not an address"), "e-mail address")
    # The contact is made before the group is checked: the rollback must drop it too.
    refused(
        store,
        CreateTicket(subject="x", from_addr="new@musterhausen.de", group_id=uuid.uuid4()),
        "group",
    )
    refused(store, CreateTicket(subject="x", assignee_id=world.retired), "inactive")


# --- messages, notes, calls -----------------------------------------------------------------


def test_outbound_mail_sets_first_response_once(store: Store, world: World) -> None:
    tid = new_ticket(store)
    _, history = run(
        store,
        AddMessage(
            ticket_id=tid,
            kind=MessageKind.OUTBOUND_MAIL,
            body_text="Wir kümmern uns darum.",
            to_addrs=("a@musterhausen.de",),
            references=("<1@x>", "<2@x>"),
        ),
        actor=Actor("Anna Schmidt", world.anna),
    )
    assert {h[:2] for h in history} == {("add_message", "first_response_at")}
    first = ticket(store, tid).first_response_at
    assert first is not None
    _, history = run(store, AddMessage(ticket_id=tid, kind=MessageKind.OUTBOUND_MAIL))
    assert history == set()
    assert ticket(store, tid).first_response_at == first
    with store.read() as s:
        msgs = s.scalars(
            select(Message).where(Message.ticket_id == tid).order_by(Message.seq)
        ).all()
        assert [m.kind for m in msgs] == [
            MessageKind.INBOUND_MAIL,
            MessageKind.OUTBOUND_MAIL,
            MessageKind.OUTBOUND_MAIL,
        ]
        assert msgs[1].references == ["<1@x>", "<2@x>"]
        assert msgs[1].author_agent_id == world.anna


@pytest.mark.parametrize("parked", [Status.WAITING_CUSTOMER, Status.RESOLVED])
def test_customer_message_reopens(store: Store, world: World, parked: Status) -> None:
    tid = new_ticket(store)
    execute(store, SetStatus(ticket_id=tid, status=parked))
    _, history = run(
        store,
        AddMessage(ticket_id=tid, kind=MessageKind.INBOUND_MAIL, body_text="Geht immer noch nicht"),
    )
    assert ("add_message", "status", parked.value, "open") in history
    t = ticket(store, tid)
    assert t.status is Status.OPEN
    assert t.last_customer_message_at is not None
    assert t.last_customer_message_at >= t.created_at


def test_customer_message_reopens_a_closed_ticket_and_drops_its_outcome(
    store: Store, world: World
) -> None:
    tid = new_ticket(store)
    execute(store, CloseTicket(ticket_id=tid, outcome=Outcome.REJECTED, reason="Kein Vertrag"))
    _, history = run(store, AddMessage(ticket_id=tid, kind=MessageKind.WEB_FORM, body_text="?"))
    assert {h[1:] for h in history if h[1] != "closed_at"} == {
        ("status", "rejected", "open"),
        ("close_outcome", "rejected", None),
        ("close_reason", "Kein Vertrag", None),
    }
    (closed,) = [h for h in history if h[1] == "closed_at"]
    assert closed[2] is not None and closed[3] is None
    t = ticket(store, tid)
    assert (t.status, t.closed_at, t.close_outcome, t.close_reason) == (
        Status.OPEN,
        None,
        None,
        None,
    )


def test_add_message_refusals(store: Store, world: World) -> None:
    tid = new_ticket(store)
    refused(store, AddMessage(ticket_id=tid, kind=MessageKind.NOTE), "notes or calls")
    refused(store, AddMessage(ticket_id=uuid.uuid4(), kind=MessageKind.INBOUND_MAIL), "exist")


def test_note_has_no_effect_on_status_or_history(store: Store, world: World) -> None:
    tid = new_ticket(store)
    before = ticket(store, tid)
    _, history = run(store, AddNote(ticket_id=tid, body="Rückruf vereinbart"))
    assert history == set()
    after = ticket(store, tid)
    assert after.status is before.status and after.first_response_at is None
    assert after.updated_at >= before.updated_at
    refused(store, AddNote(ticket_id=tid, body=" \n "), "text")
    refused(store, AddNote(ticket_id=uuid.uuid4(), body="x"), "exist")


def test_call_reached_counts_as_first_response(store: Store, world: World) -> None:
    tid = new_ticket(store)
    _, history = run(store, LogCall(ticket_id=tid, outcome=CallOutcome.NOT_REACHED, body="AB"))
    assert history == set() and ticket(store, tid).first_response_at is None
    _, history = run(store, LogCall(ticket_id=tid, outcome=CallOutcome.REACHED, body="Termin"))
    assert {h[:2] for h in history} == {("log_call", "first_response_at")}
    with store.read() as s:
        calls = s.scalars(
            select(Message.call_outcome)
            .where(Message.ticket_id == tid, Message.kind == MessageKind.CALL)
            .order_by(Message.seq)
        ).all()
    assert calls == [CallOutcome.NOT_REACHED, CallOutcome.REACHED]


def test_replayed_message_is_not_inserted_twice(store: Store, world: World) -> None:
    tid = new_ticket(store)
    note = AddNote(ticket_id=tid, body="einmal")
    assert execute(store, note) == execute(store, note) == note.message_uuid
    with store.read() as s:
        n = s.scalar(
            select(func.count()).select_from(Message).where(Message.id == note.message_uuid)
        )
    assert n == 1


# --- status machine ---------------------------------------------------------------------------


def bring_to(store: Store, tid: uuid.UUID, status: Status) -> None:
    """Move a new ticket into `status` by the commands an agent would use."""
    if status is Status.NEW:
        return
    if status is Status.PENDING_REMINDER:
        execute(store, SetFollowUp(ticket_id=tid, at=tomorrow()))
    elif status is Status.REJECTED:
        execute(store, CloseTicket(ticket_id=tid, outcome=Outcome.REJECTED, reason="Dublette"))
    else:
        execute(store, SetStatus(ticket_id=tid, status=status))
    assert ticket(store, tid).status is status


ALLOWED = sorted((a, b) for a, targets in TRANSITIONS.items() for b in targets)
FORBIDDEN = sorted((a, b) for a in Status for b in Status if a != b and b not in TRANSITIONS[a])


def test_transition_table_is_what_the_tests_cover() -> None:
    assert len(ALLOWED) == 25 and len(FORBIDDEN) == 17
    assert all(Status.NEW not in targets for targets in TRANSITIONS.values())


def test_every_allowed_transition(store: Store, world: World) -> None:
    for source, target in ALLOWED:
        tid = new_ticket(store, subject=f"{source} -> {target}")
        bring_to(store, tid, source)
        if target is Status.PENDING_REMINDER:
            execute(store, SetFollowUp(ticket_id=tid, at=tomorrow(), park=False))
        if target is Status.REJECTED:
            # Rejecting needs a reason, which set_status cannot carry.
            refused(store, SetStatus(ticket_id=tid, status=target), "reason")
            cmd: Command = CloseTicket(ticket_id=tid, outcome=Outcome.REJECTED, reason="Spam")
        else:
            cmd = SetStatus(ticket_id=tid, status=target)
        _, history = run(store, cmd)
        where = f"{source} -> {target}"
        assert (cmd.name, "status", source.value, target.value) in history, where
        t = ticket(store, tid)
        assert t.status is target, where
        fields = {h[1] for h in history}
        if target is Status.RESOLVED:
            assert t.resolved_at is not None and "resolved_at" in fields, where
        if target in (Status.CLOSED, Status.REJECTED):
            assert t.closed_at is not None and "closed_at" in fields, where
            assert t.close_outcome is (
                Outcome.REJECTED if target is Status.REJECTED else Outcome.FULFILLED
            ), where
            assert t.follow_up_at is None, where
        if source in (Status.CLOSED, Status.REJECTED):
            assert (t.closed_at, t.close_outcome, t.close_reason) == (None, None, None), where


def test_forbidden_transitions_are_refused_and_write_nothing(store: Store, world: World) -> None:
    for source, target in FORBIDDEN:
        tid = new_ticket(store, subject=f"{source} -> {target}")
        bring_to(store, tid, source)
        cmd: Command = (
            CloseTicket(ticket_id=tid, outcome=Outcome.REJECTED, reason="Spam")
            if target is Status.REJECTED
            else SetStatus(ticket_id=tid, status=target)
        )
        refused(store, cmd, "cannot become")


def test_parking_needs_a_follow_up_date(store: Store, world: World) -> None:
    tid = new_ticket(store)
    refused(store, SetStatus(ticket_id=tid, status=Status.PENDING_REMINDER), "follow-up")
    refused(store, SetStatus(ticket_id=uuid.uuid4(), status=Status.OPEN), "exist")


def test_setting_the_same_status_changes_nothing(store: Store, world: World) -> None:
    tid = new_ticket(store)
    bring_to(store, tid, Status.OPEN)
    _, history = run(store, SetStatus(ticket_id=tid, status=Status.OPEN))
    assert history == set()


# --- close -------------------------------------------------------------------------------------


def test_close_fulfilled(store: Store, world: World) -> None:
    tid = new_ticket(store)
    execute(store, SetFollowUp(ticket_id=tid, at=tomorrow(), park=False))
    _, history = run(store, CloseTicket(ticket_id=tid, outcome=Outcome.FULFILLED, reason=" ok "))
    assert {h[1] for h in history} == {
        "status",
        "closed_at",
        "follow_up_at",
        "close_outcome",
        "close_reason",
    }
    t = ticket(store, tid)
    assert t.status is Status.CLOSED and t.close_outcome is Outcome.FULFILLED
    assert t.close_reason == "ok" and t.closed_at is not None and t.follow_up_at is None


def test_close_rejected_needs_a_reason(store: Store, world: World) -> None:
    tid = new_ticket(store)
    refused(store, CloseTicket(ticket_id=tid, outcome=Outcome.REJECTED), "reason")
    refused(store, CloseTicket(ticket_id=tid, outcome=Outcome.REJECTED, reason="  "), "reason")
    _, history = run(
        store, CloseTicket(ticket_id=tid, outcome=Outcome.REJECTED, reason="Nicht zuständig")
    )
    assert ("close_ticket", "close_reason", None, "Nicht zuständig") in history
    t = ticket(store, tid)
    assert t.status is Status.REJECTED and t.close_outcome is Outcome.REJECTED
    # A rejected ticket cannot be closed as fulfilled without reopening it first.
    refused(store, CloseTicket(ticket_id=tid, outcome=Outcome.FULFILLED), "cannot become")


# --- assignment and groups ---------------------------------------------------------------------


def test_assign_opens_a_new_ticket(store: Store, world: World) -> None:
    tid = new_ticket(store)
    _, history = run(store, Assign(ticket_id=tid, agent_id=world.anna))
    assert history == {
        ("assign", "assignee_id", None, str(world.anna)),
        ("assign", "status", "new", "open"),
    }
    _, history = run(store, Assign(ticket_id=tid, agent_id=world.anna))
    assert history == set(), "same assignee again: no change"
    _, history = run(store, Assign(ticket_id=tid, agent_id=None))
    assert history == {("assign", "assignee_id", str(world.anna), None)}
    assert ticket(store, tid).status is Status.OPEN


def test_assign_compare_and_set(store: Store, world: World) -> None:
    tid = new_ticket(store)
    claim = Assign(ticket_id=tid, agent_id=world.anna, expected=None, check_expected=True)
    run(store, claim)
    # Ben claims with the stale view (unassigned) and loses: first claim wins.
    late = Assign(ticket_id=tid, agent_id=world.ben, expected=None, check_expected=True)
    refused(store, late, "claimed by someone else")
    take_over = Assign(ticket_id=tid, agent_id=world.ben, expected=world.anna, check_expected=True)
    run(store, take_over)
    assert ticket(store, tid).assignee_id == world.ben


def test_assign_refuses_unknown_or_inactive_agents(store: Store, world: World) -> None:
    tid = new_ticket(store)
    refused(store, Assign(ticket_id=tid, agent_id=world.retired), "inactive")
    refused(store, Assign(ticket_id=tid, agent_id=uuid.uuid4()), "does not exist")
    refused(store, Assign(ticket_id=uuid.uuid4(), agent_id=world.anna), "does not exist")


def test_set_group_keeps_a_member_and_drops_a_non_member(store: Store, world: World) -> None:
    tid = new_ticket(store, group_id=world.first_level, assignee_id=world.anna)
    _, history = run(store, SetGroup(ticket_id=tid, group_id=world.billing))
    assert history == {
        ("set_group", "group_id", str(world.first_level), str(world.billing)),
        ("set_group", "assignee_id", str(world.anna), None),
    }
    execute(store, Assign(ticket_id=tid, agent_id=world.ben))
    _, history = run(store, SetGroup(ticket_id=tid, group_id=world.first_level))
    assert {h[1] for h in history} == {"group_id"}, "Ben works in both groups"
    assert ticket(store, tid).assignee_id == world.ben
    _, history = run(store, SetGroup(ticket_id=tid, group_id=world.first_level))
    assert history == set()
    _, history = run(store, SetGroup(ticket_id=tid, group_id=None))
    assert {h[1] for h in history} == {"group_id"}
    assert ticket(store, tid).assignee_id == world.ben
    refused(store, SetGroup(ticket_id=tid, group_id=uuid.uuid4()), "group")


def test_set_priority(store: Store, world: World) -> None:
    tid = new_ticket(store)
    _, history = run(store, SetPriority(ticket_id=tid, priority=Priority.URGENT))
    assert history == {("set_priority", "priority", "normal", "urgent")}
    _, history = run(store, SetPriority(ticket_id=tid, priority=Priority.URGENT))
    assert history == set()
    refused(store, SetPriority(ticket_id=uuid.uuid4(), priority=Priority.LOW), "exist")


# --- follow-ups -----------------------------------------------------------------------------


def test_follow_up_parks_and_unparks(store: Store, world: World) -> None:
    tid = new_ticket(store)
    bring_to(store, tid, Status.OPEN)
    at = tomorrow()
    _, history = run(store, SetFollowUp(ticket_id=tid, at=at))
    assert history == {
        ("set_follow_up", "follow_up_at", None, at.isoformat()),
        ("set_follow_up", "status", "open", "pending_reminder"),
    }
    t = ticket(store, tid)
    assert t.status is Status.PENDING_REMINDER and t.follow_up_at == at
    _, history = run(store, SetFollowUp(ticket_id=tid, at=None))
    assert history == {
        ("set_follow_up", "follow_up_at", at.isoformat(), None),
        ("set_follow_up", "status", "pending_reminder", "open"),
    }
    assert ticket(store, tid).status is Status.OPEN


def test_follow_up_without_parking_keeps_status(store: Store, world: World) -> None:
    tid = new_ticket(store)
    bring_to(store, tid, Status.WAITING_CUSTOMER)
    _, history = run(store, SetFollowUp(ticket_id=tid, at=tomorrow(), park=False))
    assert {h[1] for h in history} == {"follow_up_at"}
    assert ticket(store, tid).status is Status.WAITING_CUSTOMER


def test_follow_up_refusals(store: Store, world: World) -> None:
    tid = new_ticket(store)
    past = datetime.now(UTC) - timedelta(minutes=1)
    refused(store, SetFollowUp(ticket_id=tid, at=past), "future")
    bring_to(store, tid, Status.CLOSED)
    refused(store, SetFollowUp(ticket_id=tid, at=tomorrow()), "reopen")
    resolved = new_ticket(store)
    bring_to(store, resolved, Status.RESOLVED)
    refused(store, SetFollowUp(ticket_id=resolved, at=tomorrow()), "cannot become")


# --- tags and watchers --------------------------------------------------------------------------


def tag_names(store: Store, tid: uuid.UUID) -> list[str]:
    with store.read() as s:
        t = s.get(Ticket, tid)
        assert t is not None
        return [tag.name for tag in t.tags]


def test_tag_and_untag_are_idempotent(store: Store, world: World) -> None:
    tid = new_ticket(store)
    _, history = run(store, AddTag(ticket_id=tid, tag=" Drucker "))
    assert history == {("tag", "tag", None, "drucker")}
    _, history = run(store, AddTag(ticket_id=tid, tag="DRUCKER"))
    assert history == set()
    run(store, AddTag(ticket_id=tid, tag="hardware"))
    assert tag_names(store, tid) == ["drucker", "hardware"]
    other = new_ticket(store)
    run(store, AddTag(ticket_id=other, tag="drucker"))
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Tag)) == 2, "tags are shared"
    _, history = run(store, RemoveTag(ticket_id=tid, tag="Drucker"))
    assert history == {("untag", "tag", "drucker", None)}
    _, history = run(store, RemoveTag(ticket_id=tid, tag="drucker"))
    assert history == set()
    _, history = run(store, RemoveTag(ticket_id=tid, tag="never-used"))
    assert history == set()
    assert tag_names(store, tid) == ["hardware"]
    assert tag_names(store, other) == ["drucker"]
    refused(store, AddTag(ticket_id=tid, tag="a,b"), "not a valid tag")
    refused(store, AddTag(ticket_id=tid, tag="  "), "not a valid tag")
    refused(store, AddTag(ticket_id=tid, tag="x" * 81), "not a valid tag")
    refused(store, AddTag(ticket_id=uuid.uuid4(), tag="x"), "exist")


def test_watchers(store: Store, world: World) -> None:
    tid = new_ticket(store)
    _, history = run(store, AddWatcher(ticket_id=tid, agent_id=world.anna))
    assert history == {("add_watcher", "watcher", None, "Anna Schmidt")}
    _, history = run(store, AddWatcher(ticket_id=tid, agent_id=world.anna))
    assert history == set()
    run(store, AddWatcher(ticket_id=tid, agent_id=world.ben))
    with store.read() as s:
        watching = set(s.scalars(select(Watcher.agent_id).where(Watcher.ticket_id == tid)))
    assert watching == {world.anna, world.ben}
    _, history = run(store, RemoveWatcher(ticket_id=tid, agent_id=world.anna))
    assert history == {("remove_watcher", "watcher", "Anna Schmidt", None)}
    _, history = run(store, RemoveWatcher(ticket_id=tid, agent_id=world.anna))
    assert history == set()
    refused(store, AddWatcher(ticket_id=tid, agent_id=world.retired), "inactive")
    refused(store, AddWatcher(ticket_id=uuid.uuid4(), agent_id=world.ben), "exist")


# --- history and outbox as a whole ------------------------------------------------------------


def test_history_carries_actor_and_hlc_in_order(store: Store, world: World) -> None:
    anna = Actor("Anna Schmidt", world.anna)
    tid = execute(store, CreateTicket(subject="Lizenzdatei erneuern"), anna)
    execute(store, SetPriority(ticket_id=tid, priority=Priority.HIGH), anna)
    execute(store, AddTag(ticket_id=tid, tag="lizenz"), Actor("cli"))
    with store.read() as s:
        rows = s.scalars(
            select(HistoryEntry).where(HistoryEntry.ticket_id == tid).order_by(HistoryEntry.hlc)
        ).all()
        hlcs = [r.hlc for r in rows]
        assert [(r.actor, r.agent_id, r.command) for r in rows] == [
            ("Anna Schmidt", world.anna, "create_ticket"),
            ("Anna Schmidt", world.anna, "set_priority"),
            ("cli", None, "tag"),
        ]
        outbox_hlcs = s.scalars(select(OutboxCommand.hlc).order_by(OutboxCommand.seq)).all()
        t = s.get(Ticket, tid)
        assert t is not None and t.hlc == hlcs[-1]
    assert hlcs == sorted(set(hlcs)), "one HLC per command, increasing"
    assert outbox_hlcs == sorted(outbox_hlcs) and set(hlcs) <= set(outbox_hlcs)
