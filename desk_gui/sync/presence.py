"""Who is replying to a ticket and who has it open: reply leases and viewing presence.

DESIGN.md "Leases": a `replying` lease on a ticket (90 s, renewed while the agent
writes) keeps two agents from answering the same customer at once; its epoch travels
with the send, and a send whose epoch is no longer the lease's is refused, so a laptop
waking from sleep cannot double-reply. `viewing` rows (60 s, renewed every 20 s) show
"Anna is viewing". Both live in the store's lease table; the database's clock decides
expiry. A holder is one agent on one desktop (`Desk.holder`): the same agent on two
machines is two holders.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session

from desk_gui.models.commands import CommandError
from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.lease import Lease
from desk_gui.models.party import Agent
from desk_gui.models.store import Store

from . import leases

REPLY_TTL = timedelta(seconds=90)
VIEW_TTL = timedelta(seconds=60)
# The desktop renews both every HEARTBEAT: three chances before a viewing row expires.
HEARTBEAT = timedelta(seconds=20)
REPLYING, VIEWING = "replying", "viewing"


def holder_of(agent_id: uuid.UUID | None, client: str) -> str:
    """A lease holder: the agent (or "-" for none) and the desktop client it runs on."""
    return f"{agent_id.hex if agent_id else '-'}:{client}"


def _agent_of(holder: str) -> uuid.UUID | None:
    head = holder.partition(":")[0]
    try:
        return uuid.UUID(hex=head)
    except ValueError:
        return None


def _reply_resource(ticket_id: uuid.UUID) -> str:
    return f"reply:{ticket_id.hex}"


def _view_prefix(ticket_id: uuid.UUID) -> str:
    return f"view:{ticket_id.hex}:"


def claim_reply(session: Session, ticket_id: uuid.UUID, holder: str) -> int | None:
    """Take or renew the reply lease; its epoch, or None while another holder has it."""
    return leases.acquire(session, _reply_resource(ticket_id), REPLYING, holder, REPLY_TTL)


def release_reply(session: Session, ticket_id: uuid.UUID, holder: str) -> None:
    """Free the ticket for the next reply. The row stays, expired, with its epoch: were
    it deleted, the next claim would start again at epoch 1, and a send stamped with an
    old 1 (a laptop that slept through someone else's reply) would pass. One small row
    per ticket ever replied to."""
    past = leases.db_now(session) - timedelta(seconds=1)
    session.execute(
        update(Lease)
        .where(Lease.resource == _reply_resource(ticket_id), Lease.holder == holder)
        .values(expires_at=past)
    )


def check_reply(session: Session, ticket_id: uuid.UUID, holder: str, epoch: int) -> None:
    """Before a reply is queued: refuse it unless this holder still has the lease it
    wrote under. An expired lease nobody else took is taken again; one another agent
    took meanwhile (a new epoch) refuses the send, even once theirs has ended."""
    now_epoch = claim_reply(session, ticket_id, holder)
    if now_epoch == epoch:
        return
    other = _reply_holder(session, ticket_id)
    if now_epoch is None and other is not None:
        raise CommandError(
            QT_TRANSLATE_NOOP(
                "CommandError", "{agent} is replying to this ticket; your reply is kept as a draft"
            ),
            agent=other,
        )
    raise CommandError(
        QT_TRANSLATE_NOOP(
            "CommandError",
            "another agent took over replying to this ticket while yours was paused; "
            "read the thread again before you send",
        )
    )


def check_free(session: Session, ticket_id: uuid.UUID, agent_id: uuid.UUID | None) -> None:
    """Before a reply sent without a lease (the CLI, a script): refuse it while another
    agent's desktop holds the ticket's reply lease; the same agent's own is no bar."""
    lease = _live_reply(session, ticket_id)
    if lease is None or (agent_id is not None and _agent_of(lease.holder) == agent_id):
        return
    raise CommandError(
        QT_TRANSLATE_NOOP(
            "CommandError", "{agent} is replying to this ticket; send yours once they are done"
        ),
        agent=_names(session, [lease.holder])[0],
    )


def see(session: Session, ticket_id: uuid.UUID, holder: str) -> None:
    """This holder has the ticket open (a heartbeat); expired rows of the ticket go."""
    now = leases.db_now(session)
    prefix = _view_prefix(ticket_id)
    session.execute(
        delete(Lease).where(*_prefixed(prefix), Lease.kind == VIEWING, Lease.expires_at < now)
    )
    leases.acquire(session, prefix + holder, VIEWING, holder, VIEW_TTL)


def unsee(session: Session, ticket_id: uuid.UUID, holder: str) -> None:
    leases.release(session, _view_prefix(ticket_id) + holder, holder)


def _prefixed(prefix: str) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    # A range, not LIKE: SQLite uses the primary key's index for it ("prefix;" is the
    # first string after every "prefix..." since ";" follows ":").
    return Lease.resource >= prefix, Lease.resource < prefix[:-1] + ";"


@dataclass(frozen=True)
class Presence:
    """The other agents on a ticket right now (names; this holder left out)."""

    replying: str | None = None
    viewing: tuple[str, ...] = ()


def presence(session: Session, ticket_id: uuid.UUID, holder: str) -> Presence:
    now = leases.db_now(session)
    rows = session.execute(
        select(Lease.holder).where(
            *_prefixed(_view_prefix(ticket_id)),
            Lease.kind == VIEWING,
            Lease.expires_at >= now,
            Lease.holder != holder,
        )
    ).scalars()
    names = _names(session, list(rows))
    replying = _reply_holder(session, ticket_id, exclude=holder)
    viewing = tuple(sorted({n for n in names if n != replying}))
    return Presence(replying=replying, viewing=viewing)


def on_tickets(session: Session, holder: str) -> dict[uuid.UUID, Presence]:
    """Every ticket another holder is replying to or has open right now, store-wide (the
    ticket list's markers). One query over the live leases, which are few (a reply or
    view per agent at work; the index on expires_at skips the expired reply rows that
    stay for their epochs), and one for the names."""
    rows = session.execute(
        select(Lease.resource, Lease.kind, Lease.holder).where(
            Lease.expires_at >= leases.db_now(session),
            Lease.kind.in_((REPLYING, VIEWING)),
            Lease.holder != holder,
        )
    ).all()
    holders = sorted({h for _, _, h in rows})
    name = dict(zip(holders, _names(session, holders), strict=True))
    replying: dict[uuid.UUID, str] = {}
    viewing: dict[uuid.UUID, set[str]] = {}
    for resource, kind, who in rows:
        ticket_id = _ticket_of(resource)
        if ticket_id is None:
            continue
        if kind == REPLYING:
            replying[ticket_id] = name[who]
        else:
            viewing.setdefault(ticket_id, set()).add(name[who])
    return {
        t: Presence(
            replying=replying.get(t),
            viewing=tuple(sorted(viewing.get(t, set()) - {replying.get(t, "")})),
        )
        for t in replying.keys() | viewing.keys()
    }


def _ticket_of(resource: str) -> uuid.UUID | None:
    """The ticket of a reply lease ("reply:<hex>") or a viewing row ("view:<hex>:...")."""
    kind, _, rest = resource.partition(":")
    if kind not in ("reply", "view"):
        return None
    try:
        return uuid.UUID(hex=rest.partition(":")[0])
    except ValueError:
        return None


def _reply_holder(session: Session, ticket_id: uuid.UUID, exclude: str | None = None) -> str | None:
    lease = _live_reply(session, ticket_id)
    if lease is None or lease.holder == exclude:
        return None
    return _names(session, [lease.holder])[0]


def _live_reply(session: Session, ticket_id: uuid.UUID) -> Lease | None:
    """The ticket's reply lease while it runs, by the database's clock."""
    lease = session.get(Lease, _reply_resource(ticket_id), populate_existing=True)
    return lease if lease is not None and lease.expires_at >= leases.db_now(session) else None


def _names(session: Session, holders: list[str]) -> list[str]:
    """The agents' names (their login where the name is empty); holders without an
    agent, or of an agent that is gone, are named by their desktop client id."""
    ids = {h: _agent_of(h) for h in holders}
    known = {i for i in ids.values() if i is not None}
    agents: dict[uuid.UUID | None, str] = {}
    if known:
        for agent_id, name, login in session.execute(
            select(Agent.id, Agent.name, Agent.login).where(Agent.id.in_(known))
        ):
            agents[agent_id] = name or login
    return [agents.get(ids[h]) or h.partition(":")[2] for h in holders]


@dataclass(frozen=True)
class Beat:
    """What a heartbeat found: the reply lease's epoch (None: not replying or lost)."""

    presence: Presence
    reply_epoch: int | None


def heartbeat(
    session: Session, ticket_id: uuid.UUID, holder: str, replying: bool, left: uuid.UUID | None
) -> Beat:
    """One desktop heartbeat, one transaction: left the previous ticket, sees this one,
    renews (or releases) its reply lease, and reads who else is there."""
    if left is not None and left != ticket_id:
        leave(session, left, holder)
    see(session, ticket_id, holder)
    epoch = None
    if replying:
        epoch = claim_reply(session, ticket_id, holder)
    else:
        release_reply(session, ticket_id, holder)
    return Beat(presence(session, ticket_id, holder), epoch)


def leave(session: Session, ticket_id: uuid.UUID, holder: str) -> None:
    """The desktop closed the ticket: its viewing row and reply lease go at once."""
    unsee(session, ticket_id, holder)
    release_reply(session, ticket_id, holder)


# --- for the desktop: one call, one transaction, on the desk's writer thread -----------


def beat(
    store: Store, ticket_id: uuid.UUID, holder: str, replying: bool, left: uuid.UUID | None
) -> Beat:
    with store.write() as session:
        return heartbeat(session, ticket_id, holder, replying, left)


def leave_store(store: Store, ticket_id: uuid.UUID, holder: str) -> None:
    with store.write() as session:
        leave(session, ticket_id, holder)


__all__ = [
    "HEARTBEAT",
    "REPLY_TTL",
    "VIEW_TTL",
    "Beat",
    "Presence",
    "beat",
    "check_free",
    "check_reply",
    "claim_reply",
    "heartbeat",
    "holder_of",
    "leave",
    "leave_store",
    "on_tickets",
    "presence",
    "release_reply",
    "see",
    "unsee",
]
