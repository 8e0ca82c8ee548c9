"""Realistic demo data at any scale, deterministic for a seed.

One planner describes every ticket as a thread of timed events (the first message, later
mails, notes, calls, assignment, status changes, tags). Two writers turn plans into rows:

- small stores (up to BULK_THRESHOLD tickets) run every event as the real command, in
  global time order and batched transactions, so history and outbox are exactly what
  agents would have produced;
- large stores (benchmarks, up to millions of tickets) are written with executemany in
  big transactions: the same tickets and messages, the "created" and status history
  rows, tags; the outbox is skipped on purpose. Demo data is seed data, not commands a
  user made on this node: replicating a million fabricated commands to a shared
  database would be wrong, and every later real command still queues as usual.

Message `seq` follows the messages' creation time on both paths (a heap orders them), so
"newest hits first" in search means newest in time as well.
"""

from __future__ import annotations

import random
import uuid
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from operator import attrgetter
from typing import Any, Generic, TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from . import demo_texts as tx
from .commands import (
    TICKET_NUMBER_START,
    Actor,
    AddMessage,
    AddNote,
    AddTag,
    Assign,
    CloseTicket,
    Command,
    CreateTicket,
    LogCall,
    SetFollowUp,
    SetPriority,
    SetStatus,
    run_in,
)
from .demo_replies import write_replies
from .demo_rules import write_rules
from .demo_sla import write_sla
from .message import CallOutcome, Message, MessageKind
from .meta import put_setting
from .party import Agent, Contact, ContactAddress, ContractLevel, Group, Membership, Organization
from .store import Store
from .ticket import FINAL_STATUSES, Channel, Outcome, Priority, Status, TicketType

T = TypeVar("T")

BULK_THRESHOLD = 5_000
BLOCK = 5_000  # tickets planned with one seed (see Planner)
SPAN_DAYS = 90

_US = 1_000_000
_MINUTE = 60 * _US
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Progress = Callable[[int, int], None]


class DemoError(Exception):
    """Demo data cannot be added to this store (it already holds some)."""


@dataclass(frozen=True)
class DemoSummary:
    tickets: int
    messages: int
    contacts: int
    organizations: int
    agents: int
    groups: int


def to_datetime(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def _pick(rng: random.Random, items: Sequence[T]) -> T:
    # random.choice costs four times as much (rejection sampling); the bias is nil here.
    return items[int(rng.random() * len(items))]


def _between(rng: random.Random, low: int, high: int) -> int:
    """An int in [low, high), like randrange but cheaper."""
    return low + int(rng.random() * (high - low))


class Weighted(Generic[T]):
    """A weighted draw with the cumulative weights computed once."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = tuple(items)
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> T:
        return self.items[
            min(bisect_right(self.cum, rng.random() * self.total), len(self.items) - 1)
        ]


def seeded_uuid7(rng: random.Random, at_us: int) -> int:
    """A UUIDv7 as an int: time-ordered like the ids a client makes, but seeded."""
    ms = max(at_us // 1000, 0) & ((1 << 48) - 1)
    return (
        (ms << 80) | (0x7 << 76) | (rng.getrandbits(12) << 64) | (0b10 << 62) | rng.getrandbits(62)
    )


# --- parties ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrgPlan:
    id: int
    name: str
    domain: str
    level: ContractLevel


@dataclass(frozen=True, slots=True)
class ContactPlan:
    id: int
    first: str
    last: str
    female: bool
    language: str
    org: int | None  # index into Parties.orgs
    addresses: tuple[tuple[int, str], ...]  # (id, address), sorted by address
    phone: str
    created_at: int
    name: str = ""
    address: str = ""  # Contact.primary_address: the first address by sort order

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", f"{self.first} {self.last}")
        object.__setattr__(self, "address", self.addresses[0][1])


@dataclass(frozen=True, slots=True)
class AgentPlan:
    id: int
    login: str
    name: str
    role: str
    groups: tuple[int, ...]
    lead_of: int | None


@dataclass(frozen=True)
class Parties:
    orgs: list[OrgPlan]
    contacts: list[ContactPlan]
    agents: list[AgentPlan]
    group_ids: list[int]
    members: list[list[int]]  # agent indexes per group
    business: list[int]  # contact indexes with an organization
    private: list[int]  # contact indexes without one


def _counts(tickets: int) -> tuple[int, int]:
    orgs = min(max(tickets // 40, 12), 1_500)
    contacts = min(max(tickets // 6, 40), 50_000)
    return orgs, contacts


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i", "é": "e"})
    out = "".join(c if c.isalnum() else "-" for c in text.lower().translate(table))
    return "-".join(p for p in out.split("-") if p and p not in ("gmbh", "ag", "kg", "eg", "ltd"))


def plan_parties(rng: random.Random, tickets: int, start: int) -> Parties:
    n_orgs, n_contacts = _counts(tickets)
    levels = (ContractLevel.NONE, ContractLevel.SILVER, ContractLevel.GOLD, ContractLevel.PLATINUM)
    orgs: list[OrgPlan] = []
    names: set[str] = set()
    while len(orgs) < n_orgs:
        pattern = tx.ORG_PATTERNS[len(orgs) % len(tx.ORG_PATTERNS)]
        name = pattern.format(
            city=_pick(rng, tx.CITIES), last=_pick(rng, tx.LAST_DE), last2=_pick(rng, tx.LAST_DE)
        )
        if name in names:
            name = f"{name} {len(orgs)}"
        names.add(name)
        # The first four show every contract level; then mostly none and silver.
        level = levels[len(orgs)] if len(orgs) < 4 else _LEVEL(rng)
        domain = f"{_slug(name)}.{_pick(rng, ('de', 'de', 'com', 'eu'))}"
        orgs.append(OrgPlan(seeded_uuid7(rng, start), name, domain, level))

    contacts: list[ContactPlan] = []
    used: set[str] = set()
    for _ in range(n_contacts):
        org = _between(rng, 0, n_orgs) if rng.random() < 0.55 else None
        english = rng.random() < 0.22
        female = rng.random() < 0.5
        if english:
            first = _pick(rng, tx.FIRST_EN_F if female else tx.FIRST_EN_M)
            last = _pick(rng, tx.LAST_EN)
        else:
            first = _pick(rng, tx.FIRST_DE_F if female else tx.FIRST_DE_M)
            last = _pick(rng, tx.LAST_DE)
        local = _slug(f"{first}.{last}").replace("-", ".")
        domains = [orgs[org].domain] if org is not None else []
        domains.append(_pick(rng, tx.PRIVATE_DOMAINS))
        n_addr = 2 if rng.random() < 0.15 else 1
        addresses = []
        for domain in domains[:n_addr] if org is not None else domains[-1:] * n_addr:
            addr = f"{local}@{domain}"
            while addr in used:
                addr = f"{local}{_between(rng, 2, 999)}@{domain}"
            used.add(addr)
            addresses.append((seeded_uuid7(rng, start), addr))
        addresses.sort(key=lambda a: a[1])
        phone = f"+49 {_between(rng, 30, 9999)} {_between(rng, 100000, 9999999)}"
        created = start - _between(rng, _DAY, 400 * _DAY)
        contacts.append(
            ContactPlan(
                seeded_uuid7(rng, created),
                first,
                last,
                female,
                "en" if english else "de",
                org,
                tuple(addresses),
                phone,
                created,
            )
        )

    group_ids = [seeded_uuid7(rng, start) for _ in tx.GROUPS]
    agents: list[AgentPlan] = []
    members: list[list[int]] = [[] for _ in tx.GROUPS]
    for i, (login, name, role, groups, lead) in enumerate(tx.AGENTS):
        gidx = tuple(tx.GROUPS.index(g) for g in groups)
        for g in gidx:
            members[g].append(i)
        agents.append(
            AgentPlan(seeded_uuid7(rng, start), login, name, role, gidx, gidx[0] if lead else None)
        )
    business = [i for i, c in enumerate(contacts) if c.org is not None]
    private = [i for i, c in enumerate(contacts) if c.org is None]
    return Parties(orgs, contacts, agents, group_ids, members, business, private)


# --- tickets as timed events -------------------------------------------------------------------


@dataclass(slots=True)
class MessagePlan:
    at: int
    id: int
    kind: MessageKind
    agent: int | None  # author agent index (None: the customer or a system part)
    subject: str | None
    body: str
    call: CallOutcome | None = None
    from_addr: str | None = None
    to_addrs: list[str] = field(default_factory=list)
    header: str | None = None
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Change:
    """A non-message event: op is assign, status, follow_up, close, tag or priority."""

    at: int
    op: str
    value: Any
    agent: int | None = None
    reason: str | None = None


Event = MessagePlan | Change


@dataclass(slots=True)
class TicketPlan:
    index: int
    id: int
    subject: str
    channel: Channel
    priority: Priority
    type: TicketType
    category: str
    group: int | None
    contact: int
    events: list[Event]  # events[0] is the first message (ticket creation)

    @property
    def created_at(self) -> int:
        return self.events[0].at


@dataclass(slots=True)
class Settled:
    """A ticket's fields after all its events, as the commands would leave them."""

    status: Status = Status.NEW
    assignee: int | None = None
    priority: Priority = Priority.NORMAL
    first_response_at: int | None = None
    resolved_at: int | None = None
    closed_at: int | None = None
    close_outcome: Outcome | None = None
    close_reason: str | None = None
    follow_up_at: int | None = None
    last_customer_at: int = 0
    updated_at: int = 0
    # (at, command, agent, old, new) of every status change, for the history.
    status_changes: list[tuple[int, str, int | None, Status, Status]] = field(default_factory=list)


def settle(plan: TicketPlan) -> Settled:
    """Mirror of the commands' rules (commands.py): the bulk writer's ticket fields."""
    first = plan.events[0]
    s = Settled(priority=plan.priority, last_customer_at=first.at, updated_at=first.at)

    def set_status(at: int, status: Status, command: str, agent: int | None) -> bool:
        if status == s.status:
            return False
        s.status_changes.append((at, command, agent, s.status, status))
        s.status = status
        if status is Status.RESOLVED:
            s.resolved_at = at
        if status in FINAL_STATUSES:
            s.closed_at = at
        if status is Status.OPEN and s.closed_at is not None:
            s.closed_at = s.close_outcome = s.close_reason = None
        if status in FINAL_STATUSES or status is Status.RESOLVED:
            s.follow_up_at = None
        return True

    for ev in plan.events[1:]:
        at = ev.at
        if isinstance(ev, MessagePlan):
            if ev.kind in _FROM_CUSTOMER:
                s.last_customer_at = at
                if s.status not in (Status.NEW, Status.OPEN):
                    set_status(at, Status.OPEN, "add_message", None)
            elif s.first_response_at is None and (
                ev.kind is MessageKind.OUTBOUND_MAIL or ev.call is CallOutcome.REACHED
            ):
                s.first_response_at = at
        elif ev.op == "assign":
            if s.assignee == ev.value:
                continue
            s.assignee = ev.value
            if s.status is Status.NEW:
                set_status(at, Status.OPEN, "assign", ev.agent)
        elif ev.op == "status":
            if not set_status(at, ev.value, "set_status", ev.agent):
                continue  # SetStatus to the same status changes nothing, not even the time
        elif ev.op == "follow_up":
            s.follow_up_at = ev.value
            set_status(at, Status.PENDING_REMINDER, "set_follow_up", ev.agent)
        elif ev.op == "close":
            target = Status.REJECTED if ev.value is Outcome.REJECTED else Status.CLOSED
            set_status(at, target, "close_ticket", ev.agent)
            s.close_outcome, s.close_reason = ev.value, ev.reason
        elif ev.op == "priority":
            if s.priority == ev.value:
                continue
            s.priority = ev.value
        s.updated_at = at
    return s


class Fill(dict[str, str]):
    """Placeholder values of one ticket, drawn on first use and then kept."""

    def __init__(self, rng: random.Random, lang: str, at: int, values: dict[str, str]) -> None:
        super().__init__(values)
        self.rng = rng
        self.lang = lang
        self.at = at

    def __missing__(self, key: str) -> str:
        value = _FILLERS[key](self)
        self[key] = value
        return value


def _date(f: Fill, offset_days: int) -> str:
    day = to_datetime(f.at + offset_days * _DAY)
    if f.lang == "de":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


_MONTHS_DE = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _code(r: random.Random, n: int) -> str:
    return "".join(_pick(r, _ALNUM) for _ in range(n))


def _amount(f: Fill) -> str:
    euros, cents = _between(f.rng, 9, 2400), _pick(f.rng, (0, 50, 90, 99, 45, 80))
    return f"{euros},{cents:02d} €" if f.lang == "de" else f"EUR {euros}.{cents:02d}"


def _month(f: Fill) -> str:
    month = (to_datetime(f.at).month + _between(f.rng, 1, 7) - 1) % 12
    return (_MONTHS_DE if f.lang == "de" else _MONTHS_EN)[month]


_FILLERS: dict[str, Callable[[Fill], str]] = {
    "date": lambda f: _date(f, _between(f.rng, 1, 30)),  # ahead: appointments, deadlines
    "since": lambda f: _date(f, -_between(f.rng, 1, 45)),  # past: "seit dem ...", "charged on"
    "date_next_year": lambda f: _date(f, 365 + _between(f.rng, 0, 60)),
    "birthdate": lambda f: (
        _date(f, -_between(f.rng, 20 * 365, 70 * 365))
        if f.rng.random() < 0.8
        else _date(f, -_between(f.rng, 200, 5 * 365))
    ),
    "time": lambda f: f"{_between(f.rng, 8, 18)}:{_pick(f.rng, ('00', '15', '30', '45'))}",
    "month": _month,
    "street": lambda f: f"{_pick(f.rng, tx.STREETS)} {_between(f.rng, 1, 120)}",
    "city": lambda f: _pick(f.rng, tx.CITIES),
    "child": lambda f: _pick(f.rng, tx.CHILDREN),
    "kita": lambda f: _pick(f.rng, tx.KITAS),
    "case": lambda f: f"AZ {_between(f.rng, 10, 99)}-{_between(f.rng, 10000, 99999)}/26",
    "room": lambda f: str(_between(f.rng, 1, 40)),
    "amount": _amount,
    "zone": lambda f: _pick(f.rng, "ABCDEFGHK") + str(_between(f.rng, 1, 9)),
    "plate": lambda f: (
        f"{_pick(f.rng, ('M', 'B', 'HH', 'K', 'F', 'S', 'N', 'WÜ', 'LA'))}-"
        f"{_code(f.rng, 2)} {_between(f.rng, 1, 9999)}"
    ),
    "n": lambda f: str(_between(f.rng, 2, 60)),
    "invoice": lambda f: f"RE-2026-{_between(f.rng, 1000, 99999):05d}",
    "credit": lambda f: f"GS-2026-{_between(f.rng, 100, 9999):04d}",
    "order": lambda f: f"A-{_between(f.rng, 100000, 999999)}",
    "iban4": lambda f: f"{_between(f.rng, 0, 9999):04d}",
    "licence": lambda f: f"{_code(f.rng, 4)}-{_code(f.rng, 4)}-{_code(f.rng, 4)}-{_code(f.rng, 4)}",
    "hwid": lambda f: f"{f.rng.getrandbits(64):016X}",
    "product": lambda f: _pick(f.rng, tx.PRODUCTS),
    "version": lambda f: (
        f"{_between(f.rng, 3, 13)}.{_between(f.rng, 0, 9)}.{_between(f.rng, 0, 20)}"
    ),
    "seats": lambda f: str(_pick(f.rng, (5, 10, 15, 25, 40, 50, 75, 120, 250))),
    "server": lambda f: _pick(f.rng, tx.SERVERS),
    "printer": lambda f: _pick(f.rng, tx.PRINTERS),
    "notebook": lambda f: _pick(f.rng, tx.NOTEBOOKS),
    "serial": lambda f: f"{_pick(f.rng, ('CND', '5CG', 'PF', 'VNB', 'JPB'))}{_code(f.rng, 7)}",
    "serial2": lambda f: f"LG-{_between(f.rng, 100, 999)}",
    "error": lambda f: _pick(f.rng, tx.ERRORS),
    "ip": lambda f: f"{_between(f.rng, 0, 10)}.{_between(f.rng, 2, 250)}",
    "ip2": lambda f: ".".join(str(_between(f.rng, 1, 255)) for _ in range(4)),
    "pages": lambda f: str(_between(f.rng, 12_000, 480_000)),
    "slot": lambda f: str(_between(f.rng, 0, 8)),
    "vpn": lambda f: _pick(f.rng, tx.VPN_CLIENTS),
    "domain2": lambda f: (
        f"{_pick(f.rng, tx.LAST_DE).lower()}-{_pick(f.rng, ('gmbh', 'ag', 'kg'))}.de".replace(
            "ü", "ue"
        )
        .replace("ö", "oe")
        .replace("ä", "ae")
    ),
    "colleague": lambda f: _pick(f.rng, tx.AGENTS)[1].split()[0],
}


def _creation_cdf(start: int, end: int) -> tuple[list[int], list[float]]:
    """Hour starts and the cumulative share of tickets: busy on weekday office hours."""
    hours, weights = [], []
    t = start - start % _HOUR + _HOUR
    while t + _HOUR <= end:  # whole hours only: no ticket is created after `end`
        moment = to_datetime(t)
        office = 7 <= moment.hour < 17  # UTC; roughly 8-18 in Germany
        weekday = moment.weekday() < 5
        hours.append(t)
        weights.append((10.0 if office else 1.2) * (1.0 if weekday else 0.25))
        t += _HOUR
    total = sum(weights)
    return hours, [w / total for w in accumulate(weights)]


class Planner:
    """Draws ticket plans in creation order, in blocks that each have their own seed.

    Seeding per block lets the bulk writer plan blocks in parallel processes while the
    commands path, planning them one after another, still gets the very same tickets.
    """

    def __init__(self, parties: Parties, tickets: int, seed: int, now: int) -> None:
        self.p = parties
        self.n = tickets
        self.seed = seed
        self.rng = random.Random(seed)
        self.now = now
        self.start = now - SPAN_DAYS * _DAY
        self.hours, self.cdf = _creation_cdf(self.start, now - 10 * _MINUTE)
        # Long threads at small scale; mostly one or two messages when benchmarking millions.
        lengths = (1, 2, 3, 4, 5, 6, 7, 8)
        if tickets <= BULK_THRESHOLD:
            self.length = Weighted(lengths, (18, 22, 20, 14, 10, 7, 5, 4))
        else:
            self.length = Weighted(lengths, (75, 18, 4, 1.5, 0.6, 0.4, 0.25, 0.25))
        self.business = [s for s in tx.SCENARIOS if s.business]
        self.private = [s for s in tx.SCENARIOS if not s.business]
        self.group_of = {s.key: tx.GROUPS.index(s.group) for s in tx.SCENARIOS}
        self.type_of = {s.key: TicketType(s.type) for s in tx.SCENARIOS}
        self.everyone = list(range(len(parties.agents)))
        self.first_names = [a.name.split()[0] for a in parties.agents]
        self._people_cache: dict[int, dict[str, str]] = {}
        # The newest tickets show every status once, so even tiny demos have them all.
        self.showcase = {tickets - 1 - k: st for k, st in enumerate(Status) if tickets >= 7}

    @property
    def blocks(self) -> int:
        return -(-self.n // BLOCK)

    def plans(self) -> Iterator[TicketPlan]:
        for b in range(self.blocks):
            yield from self.block(b)

    def block(self, b: int) -> Iterator[TicketPlan]:
        self.rng = random.Random(f"desk-demo-{self.seed}-block-{b}")
        for i in range(b * BLOCK, min(self.n, (b + 1) * BLOCK)):
            yield self.ticket(i, self.created_at(i))

    def created_at(self, index: int) -> int:
        """Stratified over the creation curve: rises with the index, busy in office hours."""
        u = (index + self.rng.random()) / self.n
        h = min(bisect_right(self.cdf, u), len(self.hours) - 1)
        below = self.cdf[h - 1] if h else 0.0
        share = (u - below) / (self.cdf[h] - below) if self.cdf[h] > below else 0.0
        return self.hours[h] + int(min(max(share, 0.0), 1.0) * (_HOUR - 1))

    # -- one ticket --

    def ticket(self, index: int, created: int) -> TicketPlan:
        r = self.rng
        business = r.random() < 0.6
        scenario = _pick(r, self.business if business else self.private)
        contact_idx = _pick(r, self.p.business if business else self.p.private)
        contact = self.p.contacts[contact_idx]
        org = self.p.orgs[contact.org] if contact.org is not None else None
        lang = contact.language
        texts = scenario.de if lang == "de" else scenario.en
        phrases = tx.PHRASES[lang]
        people = self._people_cache.get(contact_idx)
        if people is None:
            people = self._people_cache[contact_idx] = self._people(contact, org)
        fill = Fill(r, lang, created, people)
        group = self.group_of[scenario.key] if r.random() > 0.07 else None
        channel = self._channel(business)
        status = self.showcase.get(index) or self._status(created)
        length = self.length(r)
        if status is Status.NEW:
            length = min(length, 2)
        elif status is Status.WAITING_CUSTOMER:
            length = max(length, 2)
        agent = _pick(r, self.p.members[group] if group is not None else self.everyone)
        fill["agent"] = self.p.agents[agent].name
        fill["agent_first"] = self.first_names[agent]

        subject = _pick(r, texts.subjects).format_map(fill)
        first = self._first_message(created, channel, contact, agent, subject, texts, phrases, fill)
        events: list[Event] = [first]
        kinds = self._kinds(length, status, first.kind)
        t = created
        previous: MessagePlan = first
        mails = [first.header] if first.header else []
        for pos, kind in enumerate(kinds, start=1):
            t += self._gap(previous.kind, kind)
            role = self._role(kind, pos == length - 1, status, pos, kinds)
            msg = self._message(t, kind, role, contact, agent, subject, texts, phrases, fill, mails)
            events.append(msg)
            if (
                kind is MessageKind.OUTBOUND_MAIL
                and pos < length - 1
                and kinds[pos] is MessageKind.INBOUND_MAIL
                and r.random() < 0.4
            ):
                # Asked the customer and parked it; their answer reopens the ticket.
                events.append(
                    Change(
                        t + _between(r, _MINUTE, 5 * _MINUTE),
                        "status",
                        Status.WAITING_CUSTOMER,
                        agent,
                    )
                )
            previous = msg
        self._changes(events, status, agent, group, business, org, scenario, texts, phrases, fill)
        events.sort(key=_AT)
        self._fit(events, created)
        if status is Status.PENDING_REMINDER:
            change = events[-1]
            assert isinstance(change, Change) and change.op == "follow_up"
            # Parked tickets wait for a day still ahead: a date already past would make
            # the engine reopen them all the moment the demo starts.
            base = max(change.at, self.now)
            day = base - base % _DAY
            change.value = day + _between(r, 1, 15) * _DAY + _pick(r, (7, 8, 9, 12, 13)) * _HOUR
        priority = self._priority(scenario.urgency, org)
        return TicketPlan(
            index,
            seeded_uuid7(r, created),
            subject,
            channel,
            priority,
            self.type_of[scenario.key],
            scenario.category,
            group,
            contact_idx,
            events,
        )

    def _people(self, contact: ContactPlan, org: OrgPlan | None) -> dict[str, str]:
        de = contact.language == "de"
        if de:
            salutation = f"{'Frau' if contact.female else 'Herr'} {contact.last}"
        else:
            salutation = f"{'Ms' if contact.female else 'Mr'} {contact.last}"
        values = {
            "name": contact.name,
            "first": contact.first,
            "last": contact.last,
            "salutation": salutation,
            "er": "" if contact.female else "r",
            "phone": contact.phone,
            "login": contact.address.split("@")[0],
            "org": org.name if org else "",
            "level": (org.level.value if org else "none").capitalize(),
        }
        if org is not None:
            values["name"] = f"{contact.name}\n{org.name}"
        return values

    def _channel(self, business: bool) -> Channel:
        return (_BUSINESS_CHANNEL if business else _PRIVATE_CHANNEL)(self.rng)

    def _status(self, created: int) -> Status:
        age_days = (self.now - created) / _DAY
        # Recent tickets are mostly in progress; old ones mostly done.
        in_progress = 0.8 * 0.5 ** (age_days / 10) + 0.08
        r = self.rng.random()
        if r < in_progress:
            return _IN_PROGRESS(self.rng)
        return (_DONE_RECENTLY if age_days < 14 else _DONE)(self.rng)

    def _priority(self, urgency: int, org: OrgPlan | None) -> Priority:
        bump = 1 if org is not None and org.level is ContractLevel.PLATINUM else 0
        base = _BASE_PRIORITY(self.rng)
        rank = min(max(base + urgency - 1 + bump, 0), 3)
        return (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT)[rank]

    def _kinds(self, length: int, status: Status, first: MessageKind) -> list[MessageKind]:
        """Kinds of the messages after the first one."""
        r = self.rng
        inbound, outbound = MessageKind.INBOUND_MAIL, MessageKind.OUTBOUND_MAIL
        note, call = MessageKind.NOTE, MessageKind.CALL
        if status is Status.NEW:
            return [inbound] * (length - 1)
        kinds: list[MessageKind] = []
        prev = first
        for _ in range(length - 1):
            if prev in _FROM_CUSTOMER:
                nxt = _AFTER_CUSTOMER(r)
            elif prev is outbound:
                nxt = _AFTER_REPLY(r)
            else:
                nxt = _AFTER_INTERNAL(r)
            kinds.append(nxt)
            prev = nxt
        if kinds and status in (Status.WAITING_CUSTOMER, Status.RESOLVED, Status.REJECTED):
            kinds[-1] = outbound
        elif kinds and status is Status.CLOSED:
            if len(kinds) >= 2 and r.random() < 0.45:
                kinds[-2:] = [outbound, inbound]  # the solution, then the customer's thanks
            else:
                kinds[-1] = outbound
        elif kinds and status is Status.PENDING_REMINDER:
            kinds[-1] = _pick(r, (note, call))
        return kinds

    def _role(
        self, kind: MessageKind, last: bool, status: Status, pos: int, kinds: list[MessageKind]
    ) -> str:
        if kind is MessageKind.OUTBOUND_MAIL:
            # The solution is the last message, or the one before the customer's thanks.
            thanks_follow = pos == len(kinds) - 1 and kinds[-1] in _FROM_CUSTOMER
            closing = last or (status is Status.CLOSED and thanks_follow)
            if closing and status is Status.REJECTED:
                return "reject"
            if closing and status in (Status.RESOLVED, Status.CLOSED):
                return "solve"
            return "ask"
        if kind in _FROM_CUSTOMER:
            if last and status is Status.CLOSED:
                return "thanks"
            if status is Status.NEW:
                return "reminder"
            return "answer" if self.rng.random() < 0.75 else "reminder"
        if kind is MessageKind.CALL:
            return "call" if self.rng.random() < 0.7 else "not_reached"
        if last and status is Status.PENDING_REMINDER:
            return "parked"
        return "note"

    def _gap(self, before: MessageKind, kind: MessageKind) -> int:
        r = self.rng
        if kind in _FROM_CUSTOMER:
            mean = 20 * _HOUR if before is MessageKind.OUTBOUND_MAIL else 30 * _HOUR
        elif before in _FROM_CUSTOMER:
            mean = 3 * _HOUR
        else:
            mean = 2 * _HOUR
        return 2 * _MINUTE + int(r.expovariate(1 / mean))

    def _first_message(
        self,
        at: int,
        channel: Channel,
        contact: ContactPlan,
        agent: int,
        subject: str,
        texts: tx.Texts,
        phrases: tx.Phrases,
        fill: Fill,
    ) -> MessagePlan:
        r = self.rng
        opening = _pick(r, texts.opening).format_map(fill)
        kind = _FIRST_KIND[channel]
        if kind is MessageKind.CALL or kind is MessageKind.NOTE:
            lead = _TAKEN[contact.language][kind]
            body = f"{lead} {contact.name}: „{opening[0].upper()}{opening[1:]}“"
            return MessagePlan(
                at,
                seeded_uuid7(r, at),
                kind,
                agent,
                subject,
                body,
                CallOutcome.REACHED if kind is MessageKind.CALL else None,
                contact.address,
            )
        body = self._customer_mail(opening, phrases, fill)
        header = _header(r, at, contact.address) if kind is MessageKind.INBOUND_MAIL else None
        return MessagePlan(
            at, seeded_uuid7(r, at), kind, None, subject, body, None, contact.address, [], header
        )

    def _customer_mail(self, core: str, phrases: tx.Phrases, fill: Fill) -> str:
        r = self.rng
        if fill.lang == "en":
            core = core[0].upper() + core[1:]
        hello = _pick(r, phrases.hello_desk).format_map(fill)
        bye = _pick(r, phrases.bye_customer).format_map(fill)
        return f"{hello}\n\n{core}\n\n{bye}"

    def _message(
        self,
        at: int,
        kind: MessageKind,
        role: str,
        contact: ContactPlan,
        agent: int,
        subject: str,
        texts: tx.Texts,
        phrases: tx.Phrases,
        fill: Fill,
        mails: list[str],
    ) -> MessagePlan:
        r = self.rng
        mid = seeded_uuid7(r, at)
        reply_subject = phrases.reply_prefix + subject
        if kind is MessageKind.NOTE:
            pool = {"note": texts.notes + phrases.notes, "parked": phrases.parked}[role]
            return MessagePlan(at, mid, kind, agent, None, _pick(r, pool).format_map(fill))
        if kind is MessageKind.CALL:
            if role == "call":
                body = _pick(r, texts.calls).format_map(fill)
                return MessagePlan(at, mid, kind, agent, None, body, CallOutcome.REACHED)
            body = _pick(r, phrases.not_reached).format_map(fill)
            return MessagePlan(at, mid, kind, agent, None, body, CallOutcome.NOT_REACHED)
        refs = mails[-3:]
        if kind is MessageKind.OUTBOUND_MAIL:
            core = _pick(r, {"ask": texts.ask, "solve": texts.solve, "reject": texts.reject}[role])
            if fill.lang == "en":
                core = core[0].upper() + core[1:]
            hello = _pick(r, phrases.hello_customer).format_map(fill)
            bye = _pick(r, phrases.bye_agent).format_map(fill)
            body = f"{hello}\n\n{core.format_map(fill)}\n\n{bye}"
            header = _header(r, at, "desk.example")
            msg = MessagePlan(
                at,
                mid,
                kind,
                agent,
                reply_subject,
                body,
                None,
                tx.DESK_ADDRESS,
                [contact.address],
                header,
                refs[-1] if refs else None,
                refs,
            )
        else:
            pool = {
                "answer": texts.answer,
                "reminder": phrases.reminder,
                "thanks": phrases.thanks,
            }[role]
            body = self._customer_mail(_pick(r, pool).format_map(fill), phrases, fill)
            header = _header(r, at, contact.address)
            msg = MessagePlan(
                at,
                mid,
                kind,
                None,
                reply_subject,
                body,
                None,
                contact.address,
                [tx.DESK_ADDRESS],
                header,
                refs[-1] if refs else None,
                refs,
            )
        mails.append(header)
        return msg

    def _changes(
        self,
        events: list[Event],
        status: Status,
        agent: int,
        group: int | None,
        business: bool,
        org: OrgPlan | None,
        scenario: tx.Scenario,
        texts: tx.Texts,
        phrases: tx.Phrases,
        fill: Fill,
    ) -> None:
        """Assignment, tags, priority and the final status around the messages."""
        r = self.rng
        created = events[0].at
        agent_times = [
            e.at for e in events[1:] if isinstance(e, MessagePlan) and e.agent is not None
        ]
        first_touch = agent_times[0] if agent_times else created + int(r.expovariate(1 / _HOUR))
        tags = list(scenario.tags[: _pick(r, (0, 1, 1, 2))])
        if len(tags) == 1 and r.random() < 0.5:
            tags = [scenario.tags[-1]]
        if org is not None and org.level is ContractLevel.PLATINUM and r.random() < 0.5:
            tags.append("vip")
        for k, tag in enumerate(tags):
            events.append(Change(created + (k + 1) * _US, "tag", tag))
        if status is Status.NEW:
            return
        touch = max(first_touch - _between(r, _MINUTE, 20 * _MINUTE), created + 10 * _US)
        if status is Status.OPEN and r.random() < 0.15:
            events.append(Change(touch, "status", Status.OPEN, agent))  # taken by the group
        else:
            events.append(Change(touch, "assign", agent, agent))
        if r.random() < 0.08:
            up = Priority.URGENT if r.random() < 0.3 else Priority.HIGH
            events.append(Change(touch + _MINUTE, "priority", up, agent))
        end = max(e.at for e in events) + _between(r, _MINUTE, 40 * _MINUTE)
        if status is Status.WAITING_CUSTOMER:
            events.append(Change(end, "status", Status.WAITING_CUSTOMER, agent))
        elif status is Status.PENDING_REMINDER:
            events.append(Change(end, "follow_up", None, agent))  # date set after _fit
        elif status is Status.RESOLVED:
            events.append(Change(end, "status", Status.RESOLVED, agent))
        elif status is Status.CLOSED:
            if r.random() < 0.4:
                events.append(Change(end, "status", Status.RESOLVED, agent))
                end += _between(r, _HOUR, 3 * _DAY)
            events.append(Change(end, "close", Outcome.FULFILLED, agent, _pick(r, texts.done)))
        elif status is Status.REJECTED:
            events.append(Change(end, "close", Outcome.REJECTED, agent, _pick(r, texts.refused)))

    def _fit(self, events: list[Event], created: int) -> None:
        """Squeeze a thread that would reach into the future into the time left."""
        room = self.now - _MINUTE - created
        span = events[-1].at - created
        previous = created
        for ev in events[1:]:
            if span > room:
                ev.at = created + (ev.at - created) * room // span
            ev.at = max(ev.at, previous + 1)
            previous = ev.at


_AT = attrgetter("at")
_FROM_CUSTOMER = frozenset(k for k in MessageKind if k.from_customer)
_BUSINESS_CHANNEL = Weighted(
    (Channel.MAIL, Channel.WEB, Channel.PHONE, Channel.API), (60, 14, 20, 6)
)
_PRIVATE_CHANNEL = Weighted(
    (Channel.MAIL, Channel.WEB, Channel.PHONE, Channel.COUNTER), (48, 24, 16, 12)
)
_IN_PROGRESS = Weighted(
    (Status.NEW, Status.OPEN, Status.PENDING_REMINDER, Status.WAITING_CUSTOMER), (18, 45, 15, 22)
)
_DONE_RECENTLY = Weighted((Status.RESOLVED, Status.CLOSED, Status.REJECTED), (8, 85, 7))
_DONE = Weighted((Status.RESOLVED, Status.CLOSED, Status.REJECTED), (1, 85, 7))
_BASE_PRIORITY = Weighted((0, 1, 2), (20, 65, 15))
_AFTER_CUSTOMER = Weighted(
    (MessageKind.OUTBOUND_MAIL, MessageKind.NOTE, MessageKind.CALL), (60, 25, 15)
)
_AFTER_REPLY = Weighted(
    (MessageKind.INBOUND_MAIL, MessageKind.NOTE, MessageKind.CALL), (65, 15, 20)
)
_AFTER_INTERNAL = Weighted(
    (MessageKind.OUTBOUND_MAIL, MessageKind.INBOUND_MAIL, MessageKind.CALL, MessageKind.NOTE),
    (50, 25, 15, 10),
)
_LEVEL = Weighted(
    (ContractLevel.NONE, ContractLevel.SILVER, ContractLevel.GOLD, ContractLevel.PLATINUM),
    (35, 30, 22, 13),
)

_FIRST_KIND = {
    Channel.MAIL: MessageKind.INBOUND_MAIL,
    Channel.WEB: MessageKind.WEB_FORM,
    Channel.API: MessageKind.WEB_FORM,
    Channel.PHONE: MessageKind.CALL,
    Channel.COUNTER: MessageKind.NOTE,
}
_TAKEN = {
    "de": {MessageKind.CALL: "Anruf von", MessageKind.NOTE: "Vorsprache am Schalter:"},
    "en": {MessageKind.CALL: "Call from", MessageKind.NOTE: "Walk-in at the counter:"},
}


def _header(rng: random.Random, at: int, address: str) -> str:
    domain = address.rsplit("@", 1)[-1]
    return f"<{at // 1000:x}.{rng.getrandbits(48):012x}@{domain}>"


# --- entry point -----------------------------------------------------------------------------


def populate(
    store: Store,
    tickets: int = 300,
    seed: int = 7,
    progress: Progress | None = None,
    *,
    bulk: bool | None = None,
    now: datetime | None = None,
) -> DemoSummary:
    """Fill a migrated store with demo tickets; `bulk` forces a path, `now` pins the clock."""
    if tickets < 0:
        raise ValueError("tickets must not be negative")
    with store.read() as session:
        if session.scalar(select(Agent.id).where(Agent.login == tx.AGENTS[0][0])) is not None:
            raise DemoError("this store already holds demo data")
    end = now or datetime.now(UTC)
    now_us = (end - _EPOCH) // timedelta(microseconds=1)
    parties = plan_parties(random.Random(f"desk-demo-parties-{seed}"), tickets, now_us)
    planner = Planner(parties, tickets, seed, now_us)
    setup_ids = random.Random(f"desk-demo-setup-{seed}")

    def new_id() -> uuid.UUID:
        return uuid.UUID(int=seeded_uuid7(setup_ids, now_us))

    with store.write() as session:
        _write_parties(session, parties, store.clock.now())
        write_sla(session, store.clock.now(), end)
        # Templates, signatures, a layout and rules: a few rows at any ticket count.
        write_replies(session, store.clock.now(), end, new_id)
        write_rules(session, store.clock.now(), end, new_id)
    use_bulk = tickets > BULK_THRESHOLD if bulk is None else bulk
    if use_bulk:
        from .demo_bulk import write_bulk

        messages = write_bulk(store, parties, planner, progress)
    else:
        messages = _write_commands(store, parties, planner, progress)
    _outbox_caught_up(store)
    return DemoSummary(
        tickets=tickets,
        messages=messages,
        contacts=len(parties.contacts),
        organizations=len(parties.orgs),
        agents=len(parties.agents),
        groups=len(parties.group_ids),
    )


# The acknowledgement pass's cursor (desk_gui/sync/mail_out/ack.py; models cannot import
# sync: tests/models/test_demo.py keeps the name equal).
ACK_CURSOR = "ack_cursor_seq"


def _outbox_caught_up(store: Store) -> None:
    """The demo's mail counts as acknowledged, as on a desk that has been running: a
    first acknowledgement pass with its cursor at 0 walks every message in `seq` order
    (1.4M on the 1M-ticket store: ~1 s, and ~105 MB of the store's memory map resident
    in the app, which took its first start past 400 MB). The notification pass needs
    nothing: its first pass starts a day back, and the demo's last day notifies as a
    running desk's would have."""
    with store.write() as session:
        newest = session.scalar(select(func.max(Message.seq))) or 0
        put_setting(session, ACK_CURSOR, str(newest))


def _write_parties(session: Session, p: Parties, hlc: str) -> None:
    """Organizations, contacts, agents and groups: no commands exist for them yet."""
    common = {"row_version": 0, "hlc": hlc}
    session.execute(
        insert(Agent),
        [
            {
                "id": uuid.UUID(int=a.id),
                "login": a.login,
                "name": a.name,
                "role": a.role,
                "email": f"{a.login}@desk.example",
                "active": True,
                **common,
            }
            for a in p.agents
        ],
    )
    session.execute(
        insert(Group),
        [
            {"id": uuid.UUID(int=gid), "name": name, "lead_agent_id": _lead(p, g), **common}
            for g, (gid, name) in enumerate(zip(p.group_ids, tx.GROUPS, strict=True))
        ],
    )
    rng = random.Random(len(p.agents))
    session.execute(
        insert(Membership),
        [
            {
                "id": uuid.UUID(int=seeded_uuid7(rng, 0)),
                "agent_id": uuid.UUID(int=p.agents[a].id),
                "group_id": uuid.UUID(int=p.group_ids[g]),
                **common,
            }
            for g, agents in enumerate(p.members)
            for a in agents
        ],
    )
    if p.orgs:
        session.execute(
            insert(Organization),
            [
                {
                    "id": uuid.UUID(int=o.id),
                    "name": o.name,
                    "domain": o.domain,
                    "contract_level": o.level,
                    **common,
                }
                for o in p.orgs
            ],
        )
    for chunk in _chunks(p.contacts, 5_000):
        session.execute(
            insert(Contact),
            [
                {
                    "id": uuid.UUID(int=c.id),
                    "name": c.name,
                    "phone": c.phone,
                    "language": c.language,
                    "created_at": to_datetime(c.created_at),
                    "organization_id": uuid.UUID(int=p.orgs[c.org].id)
                    if c.org is not None
                    else None,
                    **common,
                }
                for c in chunk
            ],
        )
        session.execute(
            insert(ContactAddress),
            [
                {
                    "id": uuid.UUID(int=aid),
                    "contact_id": uuid.UUID(int=c.id),
                    "address": addr,
                    **common,
                }
                for c in chunk
                for aid, addr in c.addresses
            ],
        )


def _lead(p: Parties, group: int) -> uuid.UUID | None:
    for a in p.agents:
        if a.lead_of == group:
            return uuid.UUID(int=a.id)
    return None


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --- small stores: the real commands ---------------------------------------------------------


def _write_commands(
    store: Store, parties: Parties, planner: Planner, progress: Progress | None
) -> int:
    plans = list(planner.plans())
    steps = sorted(
        ((ev.at, plan.index, k), plan, ev) for plan in plans for k, ev in enumerate(plan.events)
    )
    agents = [Actor(a.name, uuid.UUID(int=a.id)) for a in parties.agents]
    created = messages = 0
    batch = 400
    for start in range(0, len(steps), batch):
        with store.write() as session:
            for (at, _, k), plan, ev in steps[start : start + batch]:
                cmd, actor = _command(plan, k, ev, parties, agents)
                run_in(session, store.clock.now(), cmd, actor, now=to_datetime(at))
                created += k == 0
                messages += isinstance(ev, MessagePlan)
        if progress is not None:
            progress(created, len(plans))
    return messages


_SYSTEM_ACTORS = {
    Channel.MAIL: Actor("mail"),
    Channel.WEB: Actor("web"),
    Channel.API: Actor("api"),
}
_RULES = Actor("rules")


def _command(
    plan: TicketPlan, k: int, ev: Event, p: Parties, agents: list[Actor]
) -> tuple[Command, Actor]:
    tid = uuid.UUID(int=plan.id)
    if isinstance(ev, MessagePlan):
        mid = uuid.UUID(int=ev.id)
        actor = agents[ev.agent] if ev.agent is not None else _SYSTEM_ACTORS[Channel.MAIL]
        if k == 0:
            contact = p.contacts[plan.contact]
            creator = _SYSTEM_ACTORS.get(plan.channel) or actor
            return CreateTicket(
                ticket_id=tid,
                message_uuid=mid,
                subject=plan.subject,
                body=ev.body,
                from_addr=contact.address,
                from_name=contact.name,
                channel=plan.channel,
                priority=plan.priority,
                type=plan.type,
                category=plan.category,
                group_id=uuid.UUID(int=p.group_ids[plan.group]) if plan.group is not None else None,
                message_id_header=ev.header,
            ), creator
        if ev.kind is MessageKind.NOTE:
            return AddNote(ticket_id=tid, body=ev.body, message_uuid=mid), actor
        if ev.kind is MessageKind.CALL:
            assert ev.call is not None
            return LogCall(ticket_id=tid, outcome=ev.call, body=ev.body, message_uuid=mid), actor
        return AddMessage(
            ticket_id=tid,
            kind=ev.kind,
            body_text=ev.body,
            subject=ev.subject,
            from_addr=ev.from_addr,
            to_addrs=tuple(ev.to_addrs),
            message_id_header=ev.header,
            in_reply_to=ev.in_reply_to,
            references=tuple(ev.references),
            message_uuid=mid,
        ), actor
    actor = agents[ev.agent] if ev.agent is not None else _RULES
    if ev.op == "assign":
        return Assign(ticket_id=tid, agent_id=uuid.UUID(int=p.agents[ev.value].id)), actor
    if ev.op == "status":
        return SetStatus(ticket_id=tid, status=ev.value), actor
    if ev.op == "follow_up":
        return SetFollowUp(ticket_id=tid, at=to_datetime(ev.value)), actor
    if ev.op == "close":
        return CloseTicket(ticket_id=tid, outcome=ev.value, reason=ev.reason), actor
    if ev.op == "priority":
        return SetPriority(ticket_id=tid, priority=ev.value), actor
    return AddTag(ticket_id=tid, tag=ev.value), actor


__all__ = [
    "BULK_THRESHOLD",
    "TICKET_NUMBER_START",
    "DemoError",
    "DemoSummary",
    "Planner",
    "populate",
    "settle",
]
