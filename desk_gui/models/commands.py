"""Named commands: the only way the UI, the CLI and the engine change data.

Each command is a frozen dataclass. `execute` runs it in one write transaction that
applies the change, appends its history and queues it in the local outbox (with an HLC
timestamp), so the store never holds a change that replication does not know about.
The same `apply` later replays the command against the shared database.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import types
import typing
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from . import bulk
from .base import utcnow
from .history import HistoryEntry
from .i18n import QT_TRANSLATE_NOOP
from .message import CallOutcome, Message, MessageKind
from .meta import Counter, next_value, reserve
from .outbox import OutboxCommand
from .party import Agent, Contact, ContactAddress, Group, Membership, Organization
from .store import Store
from .ticket import (
    FINAL_STATUSES,
    TRANSITIONS,
    Channel,
    Outcome,
    Priority,
    Status,
    Tag,
    Ticket,
    TicketTag,
    TicketType,
    Watcher,
    ticket_label,
)

TICKET_NUMBER_START = 10001
_ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")


class Phrase(str):
    """A field of a refusal that is itself English text the UI translates."""

    __slots__ = ()


class CommandError(Exception):
    """A command refused by a business rule; the message is shown to the user.

    `text` is an English template with {named} fields, marked with QT_TRANSLATE_NOOP
    ("CommandError", ...) where it is raised: str(error) is it filled in (logs, CLI);
    the desktop shows it translated (desk_gui.ui.labels.refusal).
    """

    def __init__(self, text: str, **fields: object) -> None:
        self.text, self.fields = text, fields
        super().__init__(text.format(**fields) if fields else text)


@dataclass(frozen=True)
class Actor:
    """Who runs a command: an agent, or a named system part ("mail", "cli", "sla")."""

    name: str
    agent_id: uuid.UUID | None = None


SYSTEM = Actor("system")


@dataclass
class Context:
    """What a command sees while it runs inside its transaction."""

    session: Session
    actor: Actor
    hlc: str
    now: datetime
    command: str

    def ticket(self, ticket_id: uuid.UUID) -> Ticket:
        memo = _memo(self.session)
        held = memo.tickets.get(ticket_id) if memo is not None else None
        if held is not None:
            # A ticket the batch made is held as plain values until a command changes it.
            if held.live is None:
                held.live = Ticket(**held.values)
            live: Ticket = held.live
            return live
        ticket = self.session.get(Ticket, ticket_id)
        if ticket is None:
            raise CommandError(
                QT_TRANSLATE_NOOP("CommandError", "ticket {ticket} does not exist"),
                ticket=ticket_id,
            )
        return ticket

    def record(self, ticket: Ticket, field_name: str, old: object, new: object) -> None:
        self.record_for(ticket.id, field_name, old, new)

    def record_for(self, ticket_id: uuid.UUID, field_name: str, old: object, new: object) -> None:
        row = {
            "ticket_id": ticket_id,
            "agent_id": self.actor.agent_id,
            "actor": self.actor.name,
            "at": self.now,
            "command": self.command,
            "field": field_name,
            "old": _text(old),
            "new": _text(new),
            "hlc": self.hlc,
        }
        if (memo := _memo(self.session)) is not None:
            memo.history.append(row)
        else:
            self.session.add(HistoryEntry(**row))

    def change(self, ticket: Ticket, field_name: str, new: object) -> bool:
        """Set one ticket field, with history; False when it already had that value."""
        old = getattr(ticket, field_name)
        if old == new:
            return False
        setattr(ticket, field_name, new)
        self.record(ticket, field_name, old, new)
        self.touch(ticket)
        return True

    def touch(self, ticket: Ticket) -> None:
        ticket.updated_at = self.now
        ticket.hlc = self.hlc


BATCH_KEY = "desk.batch"


@dataclass
class BatchMemo:
    """What a bulk loader (the mail engine) lets its commands remember for one transaction.

    Set in `session.info[BATCH_KEY]` for the transaction only: the ids the loader minted
    itself (a fresh uuid4 cannot exist yet, so no replay check round trip), contacts and
    tags by name (rows this transaction read or made), and counter numbers reserved for
    the batch with one UPDATE each; `release` gives back what the batch did not use while
    the transaction still holds the counter row, so numbers stay gapless.

    New rows are held back too (`hold`): the commands build the same values as outside
    a batch, but tickets, messages, attachments, contacts and their addresses and ticket
    tags stay plain values (`_add_new`: an ORM object costs more to build than its row
    costs to write); instead of a unit-of-work flush per mail `finish` writes them
    table by table, set-wise. A held ticket becomes an ORM object only when a later
    command of the batch changes it (`Context.ticket`). Nothing in a batch may read
    them back through SQL: the lookups a command needs (its ticket, the batch's tags,
    threading by Message-ID and number) go through this memo.
    """

    fresh: set[uuid.UUID] = field(default_factory=set)
    contacts: dict[str, ContactRef] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)
    organizations: dict[str, Organization | None] = field(default_factory=dict)  # by domain
    absent: set[str] = field(default_factory=set)  # addresses known to have no contact yet
    counters: dict[str, list[int]] = field(default_factory=dict)  # name -> [next, last]
    # History and outbox rows, nothing reads them back mid-batch: one multi-row insert each
    # at the end (`finish`), in the order the commands ran.
    history: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    held: list[object] = field(default_factory=list)  # new rows, in creation order
    tickets: dict[uuid.UUID, bulk.NewRow] = field(default_factory=dict)  # held tickets by id
    ticket_tags: set[tuple[uuid.UUID, uuid.UUID]] = field(default_factory=set)  # held

    def hold(self, row: object) -> None:
        self.held.append(row)
        if isinstance(row, bulk.NewRow):
            if row.cls is Ticket:
                self.tickets[row.values["id"]] = row
            elif row.cls is TicketTag:
                self.ticket_tags.add((row.values["ticket_id"], row.values["tag_id"]))

    def reserve(self, session: Session, name: str, count: int, start: int = 1) -> None:
        first = reserve(session, name, count, start)
        self.counters[name] = [first, first + count - 1]

    def prefetch_contacts(self, session: Session, addresses: Iterable[str]) -> None:
        """The contacts of a batch's senders with one query; the rest are known absent."""
        wanted = set()
        for address in addresses:
            try:
                wanted.add(normalize_address(address))
            except CommandError:
                continue
        if not wanted:
            return
        found = session.execute(
            select(ContactAddress.address, Contact)
            .join(Contact, ContactAddress.contact_id == Contact.id)
            .where(ContactAddress.address.in_(wanted))
            .options(selectinload(Contact.addresses))  # primary_address without a query each
        )
        for address, contact in found:
            self.contacts[address] = ContactRef.of(contact)
        self.absent |= wanted - self.contacts.keys()
        # The organizations new contacts join by their mail domain, also with one query.
        domains = {a.rsplit("@", 1)[1] for a in self.absent} - self.organizations.keys()
        if domains:
            self.organizations.update(dict.fromkeys(domains))
            orgs = session.scalars(select(Organization).where(Organization.domain.in_(domains)))
            for org in orgs:
                if self.organizations.get(org.domain or "") is None:
                    self.organizations[org.domain or ""] = org

    def finish(self, session: Session) -> None:
        """Write what the batch held back; call once, still inside its transaction."""
        session.flush()  # changed rows that were already stored (tickets a mail threads to)
        bulk.insert_objects(session, self.held)  # before the history rows that name them
        self.held, self.tickets, self.ticket_tags = [], {}, set()
        # Tables, not entities: the ORM's bulk insert would leave out None values and split
        # the rows into one executemany per run of equal keys.
        bulk.insert_rows(session, bulk.table_of(HistoryEntry), self.history)
        bulk.insert_rows(session, bulk.table_of(OutboxCommand), self.outbox)
        self.history, self.outbox = [], []
        self.release(session)

    def release(self, session: Session) -> None:
        for name, (nxt, last) in self.counters.items():
            if unused := last - nxt + 1:
                session.execute(
                    update(Counter).where(Counter.name == name).values(value=Counter.value - unused)
                )
        self.counters.clear()


def _memo(session: Session) -> BatchMemo | None:
    memo: BatchMemo | None = session.info.get(BATCH_KEY)
    return memo


def _next_value(session: Session, name: str, start: int = 1) -> int:
    memo = _memo(session)
    if memo is not None and (span := memo.counters.get(name)) and span[0] <= span[1]:
        span[0] += 1
        return span[0] - 1
    return next_value(session, name, start)


def _is_fresh(session: Session, id_: uuid.UUID) -> bool:
    memo = _memo(session)
    return memo is not None and id_ in memo.fresh


M = TypeVar("M")


def _add_new(session: Session, cls: type[M], values: dict[str, Any]) -> M | None:
    """A new row from the keyword arguments of its ORM object: the object, added to the
    session; or, in a batch, just the values, held for its set-wise insert (None)."""
    memo = _memo(session)
    if memo is None:
        obj = cls(**values)
        session.add(obj)
        return obj
    memo.hold(bulk.NewRow(cls, values))
    return None


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True, kw_only=True)
class Command:
    name: ClassVar[str]

    def apply(self, ctx: Context) -> Any:
        raise NotImplementedError


REGISTRY: dict[str, type[Command]] = {}
C = TypeVar("C", bound=type[Command])


def command(name: str) -> Callable[[C], C]:
    def register(cls: C) -> C:
        cls.name = name
        REGISTRY[name] = cls
        return cls

    return register


# --- payload (de)serialization for the outbox -------------------------------------------


_FIELDS: dict[type[Command], tuple[str, ...]] = {}
_PLAIN = (str, int, float, bool, type(None))  # JSON as they are (bool and int: exact types)


def to_payload(cmd: Command) -> dict[str, Any]:
    # Field names per class once: dataclasses.fields() builds a tuple on every call, and
    # the mail engine encodes one command per mail.
    names = _FIELDS.get(type(cmd))
    if names is None:
        names = _FIELDS[type(cmd)] = tuple(f.name for f in dataclasses.fields(cmd))
    return {name: _encode(getattr(cmd, name)) for name in names}


def _encode(value: Any) -> Any:
    if type(value) in _PLAIN:
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    return value


def from_payload(name: str, payload: dict[str, Any]) -> Command:
    cls = REGISTRY[name]
    hints = typing.get_type_hints(cls)
    return cls(**{k: _decode(hints[k], v) for k, v in payload.items()})


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode(inner[0], value)
    if origin is tuple:
        return tuple(_decode(typing.get_args(hint)[0], v) for v in value)
    if hint is uuid.UUID:
        return uuid.UUID(value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    return value


# --- running -----------------------------------------------------------------------------


def execute(store: Store, cmd: Command, actor: Actor = SYSTEM) -> Any:
    """Apply a command locally and queue it for replication, in one transaction."""
    with store.write() as session:
        return run_in(session, store.clock.now(), cmd, actor)


def run_in(
    session: Session, hlc: str, cmd: Command, actor: Actor, now: datetime | None = None
) -> Any:
    """Apply a command inside an open transaction (bulk loaders batch many in one).

    `now` is the command's time; only seed data (the demo's past weeks) sets it.
    """
    ctx = Context(session, actor, hlc, now or utcnow(), cmd.name)
    result = cmd.apply(ctx)
    row = {
        "name": cmd.name, "payload": to_payload(cmd), "hlc": hlc, "actor": actor.name,
        "created_at": ctx.now,
    }  # fmt: skip
    if (memo := _memo(session)) is not None:
        memo.outbox.append(row)  # the batch's `finish` writes every row it held back
    else:
        session.add(OutboxCommand(**row))
        session.flush()
    return result


# --- parties -------------------------------------------------------------------------------


def normalize_address(address: str) -> str:
    address = address.strip().lower()
    if not _ADDRESS.match(address):
        raise CommandError(
            QT_TRANSLATE_NOOP("CommandError", "not a valid e-mail address: {address}"),
            address=repr(address),
        )
    return address


def find_contact(session: Session, address: str) -> Contact | None:
    return session.scalar(
        select(Contact).join(ContactAddress).where(ContactAddress.address == address)
    )


@dataclass(frozen=True, slots=True)
class ContactRef:
    """What a command needs of a sender's contact (a batch holds new ones as values)."""

    id: uuid.UUID
    organization_id: uuid.UUID | None
    primary_address: str | None

    @classmethod
    def of(cls, contact: Contact) -> ContactRef:
        return cls(contact.id, contact.organization_id, contact.primary_address)


def contact_for(ctx: Context, address: str, name: str | None = None) -> ContactRef:
    """The contact owning an address; an unknown sender becomes a contact in one step."""
    address = normalize_address(address)
    memo = _memo(ctx.session)
    if memo is not None and (known := memo.contacts.get(address)) is not None:
        return known
    absent = memo is not None and address in memo.absent
    contact = None if absent else find_contact(ctx.session, address)
    if contact is not None:
        found = ContactRef.of(contact)
        if memo is not None:
            memo.contacts[address] = found
        return found
    org = _organization_for(ctx.session, address.rsplit("@", 1)[1], memo)
    # Ids set here, not by the insert's defaults: a batch writes the rows without the ORM,
    # so the ticket and the address name the contact by its id column.
    made = ContactRef(uuid.uuid4(), org.id if org else None, address)
    name = name or address.split("@", 1)[0]
    values = {"id": made.id, "name": name, "organization_id": made.organization_id}
    _add_new(ctx.session, Contact, values | {"hlc": ctx.hlc})
    values = {"id": uuid.uuid4(), "contact_id": made.id, "address": address}
    _add_new(ctx.session, ContactAddress, values | {"hlc": ctx.hlc})
    if memo is None:
        ctx.session.flush()
    else:  # a batch finds it in the memo; its `finish` writes it before its ticket
        memo.contacts[address] = made
    return made


def _organization_for(session: Session, domain: str, memo: BatchMemo | None) -> Organization | None:
    if memo is not None and domain in memo.organizations:
        return memo.organizations[domain]
    org = session.scalar(select(Organization).where(Organization.domain == domain))
    if memo is not None:
        memo.organizations[domain] = org
    return org


def new_message(ctx: Context, ticket_id: uuid.UUID, kind: MessageKind, **values: Any) -> uuid.UUID:
    """A new message in a ticket's thread; returns its id."""
    row = {
        "ticket_id": ticket_id,
        "kind": kind,
        "seq": _next_value(ctx.session, "message_seq"),
        "created_at": ctx.now,
        "hlc": ctx.hlc,
        "author_agent_id": ctx.actor.agent_id,
        **values,
    }
    if row.get("id") is None:  # set here: a batch holds the values, no flush assigns it
        row["id"] = uuid.uuid4()
    _add_new(ctx.session, Message, row)
    message_id: uuid.UUID = row["id"]
    return message_id


_FIRST_KIND = {
    Channel.MAIL: MessageKind.INBOUND_MAIL,
    Channel.WEB: MessageKind.WEB_FORM,
    Channel.API: MessageKind.WEB_FORM,
    Channel.PHONE: MessageKind.CALL,
    Channel.COUNTER: MessageKind.NOTE,
}


# --- ticket commands -------------------------------------------------------------------------


@command("create_ticket")
@dataclass(frozen=True, kw_only=True)
class CreateTicket(Command):
    subject: str
    body: str = ""
    from_addr: str | None = None
    from_name: str | None = None
    channel: Channel = Channel.MAIL
    priority: Priority = Priority.NORMAL
    type: TicketType = TicketType.INCIDENT
    category: str | None = None
    group_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None
    parent_id: uuid.UUID | None = None
    body_html: str | None = None
    message_id_header: str | None = None
    ticket_id: uuid.UUID = field(default_factory=uuid.uuid4)
    message_uuid: uuid.UUID = field(default_factory=uuid.uuid4)

    def apply(self, ctx: Context) -> uuid.UUID:
        return self.create(ctx)[0]

    def create(
        self, ctx: Context, message: dict[str, Any] | None = None
    ) -> tuple[uuid.UUID, uuid.UUID | None]:
        """The ticket's id and its first message's (None when replayed: nothing new).

        `message`: values of the first message that differ from the ticket's (a mail's
        headers, its subject as written)."""
        subject = self.subject.strip()
        if not subject:
            raise CommandError(QT_TRANSLATE_NOOP("CommandError", "a ticket needs a subject"))
        fresh = _is_fresh(ctx.session, self.ticket_id)
        if not fresh and ctx.session.get(Ticket, self.ticket_id) is not None:
            return self.ticket_id, None  # replayed: creation is idempotent by client UUID
        contact = contact_for(ctx, self.from_addr, self.from_name) if self.from_addr else None
        _check_refs(ctx, self.group_id, self.assignee_id)
        number = _next_value(ctx.session, "ticket_number", TICKET_NUMBER_START)
        values = {
            "id": self.ticket_id,
            "number": number,
            "subject": subject,
            "channel": self.channel,
            "priority": self.priority,
            "type": self.type,
            "category": self.category,
            "group_id": self.group_id,
            "assignee_id": self.assignee_id,
            "parent_id": self.parent_id,
            "contact_id": contact.id if contact else None,
            "organization_id": contact.organization_id if contact else None,
            "status": Status.OPEN if self.assignee_id else Status.NEW,
            "created_at": ctx.now,
            "updated_at": ctx.now,
            "hlc": ctx.hlc,
            "last_customer_message_at": ctx.now,
        }
        if _add_new(ctx.session, Ticket, values) is not None:
            ctx.session.flush()  # messages and history name the ticket only by its id column
        kind = _FIRST_KIND[self.channel]
        first = {
            "id": self.message_uuid,
            "subject": subject,
            "body_text": self.body,
            "body_html": self.body_html,
            "message_id_header": self.message_id_header,
            "from_addr": contact.primary_address if contact else None,
            "call_outcome": CallOutcome.REACHED if kind is MessageKind.CALL else None,
        }
        message_id = new_message(ctx, self.ticket_id, kind, **(first | (message or {})))
        ctx.record_for(self.ticket_id, "created", None, ticket_label(number, self.ticket_id))
        return self.ticket_id, message_id


def _check_refs(ctx: Context, group_id: uuid.UUID | None, agent_id: uuid.UUID | None) -> None:
    if group_id is not None and ctx.session.get(Group, group_id) is None:
        raise CommandError(
            QT_TRANSLATE_NOOP("CommandError", "group {group} does not exist"), group=group_id
        )
    if agent_id is not None:
        agent = ctx.session.get(Agent, agent_id)
        if agent is None or not agent.active:
            raise CommandError(
                QT_TRANSLATE_NOOP("CommandError", "agent {agent} does not exist or is inactive"),
                agent=agent_id,
            )


def reopen_on_customer_message(ctx: Context, ticket: Ticket) -> None:
    # A customer writing again means the ball is back with us, whatever we parked it as.
    ticket.last_customer_message_at = ctx.now
    if ticket.status is not Status.NEW and ticket.status is not Status.OPEN:
        _set_status(ctx, ticket, Status.OPEN)


@command("add_message")
@dataclass(frozen=True, kw_only=True)
class AddMessage(Command):
    """An inbound or outbound mail, or a web form post, joining a ticket's thread."""

    ticket_id: uuid.UUID
    kind: MessageKind
    body_text: str = ""
    body_html: str | None = None
    subject: str | None = None
    from_addr: str | None = None
    to_addrs: tuple[str, ...] = ()
    cc_addrs: tuple[str, ...] = ()
    message_id_header: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    match_reason: str | None = None
    message_uuid: uuid.UUID = field(default_factory=uuid.uuid4)

    def apply(self, ctx: Context) -> uuid.UUID:
        if self.kind not in (
            MessageKind.INBOUND_MAIL,
            MessageKind.OUTBOUND_MAIL,
            MessageKind.WEB_FORM,
        ):
            raise CommandError(
                QT_TRANSLATE_NOOP(
                    "CommandError", "add_message takes mails and web forms; use notes or calls"
                )
            )
        if ctx.session.get(Message, self.message_uuid) is not None:
            return self.message_uuid
        ticket = ctx.ticket(self.ticket_id)
        new_message(
            ctx,
            ticket.id,
            self.kind,
            id=self.message_uuid,
            body_text=self.body_text,
            body_html=self.body_html,
            subject=self.subject,
            from_addr=self.from_addr,
            to_addrs=list(self.to_addrs),
            cc_addrs=list(self.cc_addrs),
            message_id_header=self.message_id_header,
            in_reply_to=self.in_reply_to,
            references=list(self.references),
            match_reason=self.match_reason,
        )
        if self.kind.from_customer:
            reopen_on_customer_message(ctx, ticket)
        elif ticket.first_response_at is None:
            ctx.change(ticket, "first_response_at", ctx.now)
        ctx.touch(ticket)
        return self.message_uuid


@command("add_note")
@dataclass(frozen=True, kw_only=True)
class AddNote(Command):
    ticket_id: uuid.UUID
    body: str
    body_html: str | None = None
    message_uuid: uuid.UUID = field(default_factory=uuid.uuid4)

    def apply(self, ctx: Context) -> uuid.UUID:
        if not self.body.strip():
            raise CommandError(QT_TRANSLATE_NOOP("CommandError", "a note needs a text"))
        if ctx.session.get(Message, self.message_uuid) is not None:
            return self.message_uuid
        ticket = ctx.ticket(self.ticket_id)
        new_message(
            ctx,
            ticket.id,
            MessageKind.NOTE,
            id=self.message_uuid,
            body_text=self.body,
            body_html=self.body_html,
        )
        ctx.touch(ticket)
        return self.message_uuid


@command("log_call")
@dataclass(frozen=True, kw_only=True)
class LogCall(Command):
    """A phone call: reached or not, and what was agreed."""

    ticket_id: uuid.UUID
    outcome: CallOutcome
    body: str = ""
    message_uuid: uuid.UUID = field(default_factory=uuid.uuid4)

    def apply(self, ctx: Context) -> uuid.UUID:
        if ctx.session.get(Message, self.message_uuid) is not None:
            return self.message_uuid
        ticket = ctx.ticket(self.ticket_id)
        new_message(
            ctx,
            ticket.id,
            MessageKind.CALL,
            id=self.message_uuid,
            body_text=self.body,
            call_outcome=self.outcome,
        )
        if self.outcome is CallOutcome.REACHED and ticket.first_response_at is None:
            ctx.change(ticket, "first_response_at", ctx.now)
        ctx.touch(ticket)
        return self.message_uuid


def _set_status(ctx: Context, ticket: Ticket, status: Status) -> None:
    if status == ticket.status:
        return
    if status not in TRANSITIONS[ticket.status]:
        raise CommandError(
            QT_TRANSLATE_NOOP("CommandError", "a ticket in status {old} cannot become {new}"),
            old=ticket.status,
            new=status,
        )
    if status is Status.PENDING_REMINDER and ticket.follow_up_at is None:
        raise CommandError(
            QT_TRANSLATE_NOOP("CommandError", "set a follow-up date before parking the ticket")
        )
    ctx.change(ticket, "status", status)
    if status is Status.RESOLVED:
        ctx.change(ticket, "resolved_at", ctx.now)
    if status in FINAL_STATUSES:
        ctx.change(ticket, "closed_at", ctx.now)
    if status is Status.OPEN and ticket.closed_at is not None:
        # Reopened: the old outcome no longer describes the ticket.
        ctx.change(ticket, "closed_at", None)
        ctx.change(ticket, "close_outcome", None)
        ctx.change(ticket, "close_reason", None)
    if (
        status is not Status.PENDING_REMINDER
        and ticket.follow_up_at is not None
        and (status in FINAL_STATUSES or status is Status.RESOLVED)
    ):
        ctx.change(ticket, "follow_up_at", None)


@command("set_status")
@dataclass(frozen=True, kw_only=True)
class SetStatus(Command):
    ticket_id: uuid.UUID
    status: Status

    def apply(self, ctx: Context) -> uuid.UUID:
        ticket = ctx.ticket(self.ticket_id)
        if self.status in FINAL_STATUSES:
            outcome = Outcome.REJECTED if self.status is Status.REJECTED else Outcome.FULFILLED
            return CloseTicket(ticket_id=self.ticket_id, outcome=outcome).apply(ctx)
        _set_status(ctx, ticket, self.status)
        return ticket.id


@command("close_ticket")
@dataclass(frozen=True, kw_only=True)
class CloseTicket(Command):
    """Close as fulfilled (status closed) or rejected (status rejected), with a reason."""

    ticket_id: uuid.UUID
    outcome: Outcome
    reason: str | None = None

    def apply(self, ctx: Context) -> uuid.UUID:
        ticket = ctx.ticket(self.ticket_id)
        if self.outcome is Outcome.REJECTED and not (self.reason or "").strip():
            raise CommandError(
                QT_TRANSLATE_NOOP("CommandError", "rejecting a ticket needs a reason")
            )
        target = Status.REJECTED if self.outcome is Outcome.REJECTED else Status.CLOSED
        _set_status(ctx, ticket, target)
        ctx.change(ticket, "close_outcome", self.outcome)
        ctx.change(ticket, "close_reason", (self.reason or "").strip() or None)
        return ticket.id


@command("assign")
@dataclass(frozen=True, kw_only=True)
class Assign(Command):
    """Set or clear the assignee. `expected` makes it a compare-and-set claim."""

    ticket_id: uuid.UUID
    agent_id: uuid.UUID | None
    expected: uuid.UUID | None = None
    check_expected: bool = False

    def apply(self, ctx: Context) -> uuid.UUID:
        ticket = ctx.ticket(self.ticket_id)
        if self.check_expected and ticket.assignee_id != self.expected:
            raise CommandError(
                QT_TRANSLATE_NOOP(
                    "CommandError", "the ticket was claimed by someone else meanwhile"
                )
            )
        _check_refs(ctx, None, self.agent_id)
        if ctx.change(ticket, "assignee_id", self.agent_id) and ticket.status is Status.NEW:
            _set_status(ctx, ticket, Status.OPEN)
        return ticket.id


@command("set_group")
@dataclass(frozen=True, kw_only=True)
class SetGroup(Command):
    ticket_id: uuid.UUID
    group_id: uuid.UUID | None

    def apply(self, ctx: Context) -> uuid.UUID:
        ticket = ctx.ticket(self.ticket_id)
        _check_refs(ctx, self.group_id, None)
        if not ctx.change(ticket, "group_id", self.group_id):
            return ticket.id
        if ticket.assignee_id is not None and self.group_id is not None:
            member = ctx.session.scalar(
                select(Membership.id).where(
                    Membership.group_id == self.group_id,
                    Membership.agent_id == ticket.assignee_id,
                )
            )
            if member is None:
                # The assignee does not work in the new group: the group picks anew.
                ctx.change(ticket, "assignee_id", None)
        return ticket.id


@command("set_priority")
@dataclass(frozen=True, kw_only=True)
class SetPriority(Command):
    ticket_id: uuid.UUID
    priority: Priority

    def apply(self, ctx: Context) -> uuid.UUID:
        ticket = ctx.ticket(self.ticket_id)
        ctx.change(ticket, "priority", self.priority)
        return ticket.id


@command("set_follow_up")
@dataclass(frozen=True, kw_only=True)
class SetFollowUp(Command):
    """Park a ticket until a date (Wiedervorlage), or clear the date."""

    ticket_id: uuid.UUID
    at: datetime | None
    park: bool = True

    def apply(self, ctx: Context) -> uuid.UUID:
        ticket = ctx.ticket(self.ticket_id)
        if self.at is not None and self.at <= ctx.now:
            raise CommandError(
                QT_TRANSLATE_NOOP("CommandError", "a follow-up date must lie in the future")
            )
        if ticket.status in FINAL_STATUSES and self.at is not None:
            raise CommandError(
                QT_TRANSLATE_NOOP(
                    "CommandError", "a closed ticket cannot be parked; reopen it first"
                )
            )
        ctx.change(ticket, "follow_up_at", self.at)
        if self.at is not None and self.park:
            _set_status(ctx, ticket, Status.PENDING_REMINDER)
        elif self.at is None and ticket.status is Status.PENDING_REMINDER:
            _set_status(ctx, ticket, Status.OPEN)
        return ticket.id


def _tag_named(ctx: Context, name: str, create: bool) -> Tag | None:
    name = name.strip().lower()
    if not name or len(name) > 80 or "," in name:
        raise CommandError(
            QT_TRANSLATE_NOOP("CommandError", "not a valid tag: {tag}"), tag=repr(name)
        )
    memo = _memo(ctx.session)
    if memo is not None and (known := memo.tags.get(name)) is not None:
        return known
    tag = ctx.session.scalar(select(Tag).where(Tag.name == name))
    if tag is None and create:
        tag = Tag(name=name, hlc=ctx.hlc)
        ctx.session.add(tag)
        ctx.session.flush()
    if memo is not None and tag is not None:
        memo.tags[name] = tag
    return tag


@command("tag")
@dataclass(frozen=True, kw_only=True)
class AddTag(Command):
    ticket_id: uuid.UUID
    tag: str

    def apply(self, ctx: Context) -> uuid.UUID:
        ticket = ctx.ticket(self.ticket_id)
        tag = _tag_named(ctx, self.tag, create=True)
        assert tag is not None
        if not _has_tag(ctx, ticket.id, tag.id):
            _add_new(ctx.session, TicketTag, {"ticket_id": ticket.id, "tag_id": tag.id})
            ctx.record(ticket, "tag", None, tag.name)
            ctx.touch(ticket)
        return ticket.id


def _has_tag(ctx: Context, ticket_id: uuid.UUID, tag_id: uuid.UUID) -> bool:
    memo = _memo(ctx.session)
    if memo is not None:
        if (ticket_id, tag_id) in memo.ticket_tags:
            return True
        if ticket_id in memo.tickets:  # held back: no stored row can name it yet
            return False
    return ctx.session.get(TicketTag, (ticket_id, tag_id)) is not None


@command("untag")
@dataclass(frozen=True, kw_only=True)
class RemoveTag(Command):
    ticket_id: uuid.UUID
    tag: str

    def apply(self, ctx: Context) -> uuid.UUID:
        ticket = ctx.ticket(self.ticket_id)
        tag = _tag_named(ctx, self.tag, create=False)
        if tag is not None:
            gone = ctx.session.execute(
                delete(TicketTag).where(
                    TicketTag.ticket_id == ticket.id, TicketTag.tag_id == tag.id
                )
            )
            if getattr(gone, "rowcount", 0):
                ctx.record(ticket, "tag", tag.name, None)
                ctx.touch(ticket)
        return ticket.id


@command("add_watcher")
@dataclass(frozen=True, kw_only=True)
class AddWatcher(Command):
    ticket_id: uuid.UUID
    agent_id: uuid.UUID

    def apply(self, ctx: Context) -> uuid.UUID:
        ticket = ctx.ticket(self.ticket_id)
        _check_refs(ctx, None, self.agent_id)
        exists = ctx.session.scalar(
            select(func.count())
            .select_from(Watcher)
            .where(Watcher.ticket_id == ticket.id, Watcher.agent_id == self.agent_id)
        )
        if not exists:
            ctx.session.add(Watcher(ticket_id=ticket.id, agent_id=self.agent_id, hlc=ctx.hlc))
            ctx.record(ticket, "watcher", None, _agent_name(ctx, self.agent_id))
            ctx.touch(ticket)
        return ticket.id


@command("remove_watcher")
@dataclass(frozen=True, kw_only=True)
class RemoveWatcher(Command):
    ticket_id: uuid.UUID
    agent_id: uuid.UUID

    def apply(self, ctx: Context) -> uuid.UUID:
        ticket = ctx.ticket(self.ticket_id)
        gone = ctx.session.execute(
            delete(Watcher).where(Watcher.ticket_id == ticket.id, Watcher.agent_id == self.agent_id)
        )
        if getattr(gone, "rowcount", 0):
            ctx.record(ticket, "watcher", _agent_name(ctx, self.agent_id), None)
            ctx.touch(ticket)
        return ticket.id


def _agent_name(ctx: Context, agent_id: uuid.UUID) -> str:
    agent = ctx.session.get(Agent, agent_id)
    return agent.name if agent else str(agent_id)
