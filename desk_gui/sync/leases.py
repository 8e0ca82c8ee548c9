"""Taking, renewing and releasing leases (see models/lease.py and DESIGN.md "Leases")."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from desk_gui.models.base import utcnow
from desk_gui.models.lease import Lease

MAILBOX_TTL = timedelta(seconds=60)


_NOW = "desk_db_now"  # session.info: (transaction, its now())


def db_now(session: Session) -> datetime:
    """The database's clock: the one clock every engine and desktop agrees on."""
    if session.get_bind().dialect.name == "postgresql":
        # now() is the transaction's start: asked once per transaction, not once per
        # lease taken or checked in it (a desktop's heartbeat asked six times).
        transaction = session.get_transaction()
        known = session.info.get(_NOW)
        if known is not None and transaction is not None and known[0] is transaction:
            return known[1]  # type: ignore[no-any-return]
        value = session.scalar(select(func.now()))
        assert isinstance(value, datetime)
        session.info[_NOW] = (session.get_transaction(), value)  # begun by the query
        return value
    # The embedded store has one machine, whose clock is the database's clock.
    return utcnow()


def acquire(session: Session, resource: str, kind: str, holder: str, ttl: timedelta) -> int | None:
    """Take or renew a lease; its epoch when we hold it now, None when someone else does."""
    now = db_now(session)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(Lease).values(
        resource=resource, kind=kind, holder=holder, epoch=1, expires_at=now + ttl
    )
    upsert = stmt.on_conflict_do_update(
        index_elements=[Lease.resource],
        set_={
            "holder": stmt.excluded.holder,
            "kind": stmt.excluded.kind,
            "expires_at": stmt.excluded.expires_at,
            # A new holder bumps the epoch so the old holder's late work is refused.
            "epoch": case(
                (Lease.holder == stmt.excluded.holder, Lease.epoch), else_=Lease.epoch + 1
            ),
        },
        where=or_(Lease.expires_at < now, Lease.holder == holder),
    ).returning(Lease.epoch)
    epoch = session.scalar(upsert)
    return int(epoch) if epoch is not None else None


def holds(session: Session, resource: str, holder: str, epoch: int) -> bool:
    """Whether a lease is still ours with this epoch and unexpired, by the database clock."""
    lease = session.get(Lease, resource, populate_existing=True)
    return (
        lease is not None
        and lease.holder == holder
        and lease.epoch == epoch
        and lease.expires_at > db_now(session)
    )


def release(session: Session, resource: str, holder: str) -> None:
    session.execute(delete(Lease).where(Lease.resource == resource, Lease.holder == holder))
