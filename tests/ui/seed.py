"""Realistic small data for UI tests and the screenshot, made through the commands.

Agents, groups and organizations have no commands yet (admin work comes later), so
they are inserted as rows; every ticket, message, note, call and status goes through
desk_gui.models.commands like the app's own changes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from desk_gui.models import (
    Agent,
    CallOutcome,
    ContractLevel,
    Group,
    Membership,
    MessageKind,
    Organization,
    Priority,
    Status,
    utcnow,
)
from desk_gui.models.commands import (
    Actor,
    AddMessage,
    AddNote,
    AddTag,
    Assign,
    Command,
    CreateTicket,
    LogCall,
    SetFollowUp,
    SetStatus,
    run_in,
)
from desk_gui.models.store import Store

AGENTS = (("anna", "Anna Blume"), ("ben", "Ben Krüger"), ("clara", "Clara Weiß"))
GROUPS = ("1st-Level-Support", "2nd-Level", "Billing")
ORGS = (
    ("Stadt Musterhausen", "musterhausen.de", ContractLevel.GOLD),
    ("Systemhaus Nord GmbH", "systemhaus-nord.de", ContractLevel.PLATINUM),
    ("Brightwater Ltd", "brightwater.co.uk", ContractLevel.SILVER),
)
SENDERS = (
    ("Erika Mustermann", "erika.mustermann@musterhausen.de"),
    ("Jonas Taucher", "j.taucher@systemhaus-nord.de"),
    ("Olivia Hart", "olivia.hart@brightwater.co.uk"),
    ("Max Schulz", "max.schulz@web.de"),
)
SUBJECTS = (
    (
        "Aktualisierung Lizenzdatei",
        "Guten Tag,\nbitte senden Sie uns die neue Lizenzdatei für 2027.\n\nDanke",
    ),
    ("Drucker im 2. OG druckt nicht", "Der Drucker zeigt Fehler 50.2 an.\nNeustart hilft nicht."),
    (
        "Refund for duplicate invoice",
        "Hello,\nwe were charged twice for invoice 4711.\nPlease refund.",
    ),
    ("Passwort zurücksetzen", "Ich habe mein Passwort vergessen und komme nicht ins Portal."),
    ("Aufnahme in den Presseverteiler", "Bitte nehmen Sie uns in den Presseverteiler auf."),
    ("Laptop display flickers", "Since the last update the display flickers every few minutes."),
)


@dataclass
class Seeded:
    agents: list[uuid.UUID] = field(default_factory=list)
    groups: list[uuid.UUID] = field(default_factory=list)
    tickets: list[uuid.UUID] = field(default_factory=list)


def seed(store: Store, tickets: int = 40, threads: bool = True) -> Seeded:
    out = Seeded()
    with store.write() as s:
        agents = [
            Agent(login=login, name=name, email=f"{login}@desk.example") for login, name in AGENTS
        ]
        groups = [Group(name=name) for name in GROUPS]
        s.add_all(agents + groups)
        s.add_all(Organization(name=n, domain=d, contract_level=c) for n, d, c in ORGS)
        s.flush()
        for i, agent in enumerate(agents):
            s.add(Membership(agent_id=agent.id, group_id=groups[i % len(groups)].id))
        out.agents = [a.id for a in agents]
        out.groups = [g.id for g in groups]
    batch: list[tuple[Command, Actor]] = []
    for i in range(tickets):
        subject, body = SUBJECTS[i % len(SUBJECTS)]
        name, addr = SENDERS[i % len(SENDERS)]
        tid = uuid.uuid4()
        out.tickets.append(tid)
        agent = out.agents[i % 3] if i % 4 else None
        system = Actor("mail")
        who = Actor(AGENTS[i % 3][1], out.agents[i % 3])
        batch.append(
            (
                CreateTicket(
                    ticket_id=tid,
                    subject=f"{subject} ({i + 1})" if i >= len(SUBJECTS) else subject,
                    body=body,
                    from_addr=addr,
                    from_name=name,
                    group_id=out.groups[i % 3],
                    assignee_id=agent,
                    priority=list(Priority)[i % 4],
                ),
                system,
            )
        )
        if threads:
            batch += _thread(tid, i, who, addr)
    with store.write() as s:
        for cmd, actor in batch:
            run_in(s, store.clock.now(), cmd, actor)
    return out


def _thread(tid: uuid.UUID, i: int, who: Actor, addr: str) -> list[tuple[Command, Actor]]:
    steps: list[tuple[Command, Actor]] = []
    if i % 2 == 0:
        steps.append((AddNote(ticket_id=tid, body="Kunde hat Gold-Vertrag, bitte bevorzugt."), who))
    if i % 3 == 0:
        steps.append(
            (
                AddMessage(
                    ticket_id=tid,
                    kind=MessageKind.OUTBOUND_MAIL,
                    body_text="Vielen Dank für Ihre Nachricht.\nWir kümmern uns darum.",
                    to_addrs=(addr,),
                    subject="Re: Ihre Anfrage",
                ),
                who,
            )
        )
    if i % 5 == 0:
        steps.append(
            (
                LogCall(
                    ticket_id=tid,
                    outcome=CallOutcome.REACHED,
                    body="Rückruf vereinbart für Freitag.",
                ),
                who,
            )
        )
    if i % 3 == 1:
        steps.append((AddTag(ticket_id=tid, tag="lizenz" if i % 2 else "hardware"), who))
    if i % 7 == 3:
        steps.append((Assign(ticket_id=tid, agent_id=who.agent_id), who))
        steps.append((SetFollowUp(ticket_id=tid, at=utcnow() + timedelta(days=2 + i % 5)), who))
    elif i % 7 == 4:
        steps.append((SetStatus(ticket_id=tid, status=Status.WAITING_CUSTOMER), who))
    elif i % 7 == 5:
        steps.append((SetStatus(ticket_id=tid, status=Status.RESOLVED), who))
    elif i % 7 == 6:
        steps.append((SetStatus(ticket_id=tid, status=Status.CLOSED), who))
    return steps
