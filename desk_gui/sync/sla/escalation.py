"""Firing escalation levels exactly once, on whichever engine is online.

A batch claims tickets whose next level has fallen due (their state rows, FOR UPDATE
SKIP LOCKED on PostgreSQL, so two engines take different tickets), recomputes their
clocks at `now`, and for each level due by now inserts its event under the unique key
(ticket, target, cycle, level) with ON CONFLICT DO NOTHING. Only when that insert
returns a row do the alerts and actions follow, in the same transaction: a second
engine, a retry after a crash, or a restart never repeats them. A level that fell due
while no engine ran fires on the next run and is marked late.

A `quiet` batch only records the levels, as fired when they fell due: for demo data,
whose past no engine saw (`SlaEngine.catch_up`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from desk_gui.models.alert import AlertKind
from desk_gui.models.clock import EscalationEvent, SlaTicketState
from desk_gui.models.commands import Actor, CommandError, SetGroup, SetPriority, run_in
from desk_gui.models.sla import SlaTarget
from desk_gui.models.ticket import Priority, Ticket

from .bulk import Bulk
from .calendar import from_epoch
from .clocks import ClockValues, eligible
from .config import SlaConfig
from .notify import Hlc, People, alert, people, recipients, ticket_title
from .policy import Level, PolicySpec, format_duration
from .recompute import Computed, compute_all, insert_for, is_postgres, recompute

SLA_ACTOR = Actor("sla")

TARGET_NAMES = {
    SlaTarget.FIRST_RESPONSE: "first response",
    SlaTarget.NEXT_RESPONSE: "next response",
    SlaTarget.RESOLUTION: "resolution",
}


@dataclass(frozen=True)
class FiredLevel:
    ticket_id: uuid.UUID
    target: SlaTarget
    cycle: int
    level: str
    due_at: datetime
    late: bool
    notified: tuple[uuid.UUID, ...]
    actions: tuple[str, ...]


def claim_due(session: Session, now_s: int, limit: int) -> list[uuid.UUID]:
    """Tickets with a level due by now that no other engine is working on."""
    s = SlaTicketState
    stmt = select(s.ticket_id).where(s.next_level_s <= now_s).order_by(s.ticket_id).limit(limit)
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class FireContext:
    session: Session
    cfg: SlaConfig
    now_s: int
    hlc: Hlc
    holder: str
    late_after_s: int
    on_fired: Callable[[Ticket, FiredLevel], None] | None = None
    quiet: bool = False  # record each level as fired when due: no alerts, actions, rules
    known: list[People] = field(default_factory=list)  # loaded by the first level fired

    def people(self) -> People:
        if not self.known:
            self.known.append(people(self.session))
        return self.known[0]


def fire_batch(ctx: FireContext, ids: Sequence[uuid.UUID]) -> list[FiredLevel]:
    fired: list[FiredLevel] = []
    for c in compute_all(ctx.session, sorted(ids), ctx.cfg, ctx.now_s):
        fired += _fire_ticket(ctx, c)
    # Store the clocks again: fired levels move each clock on to its next level, and
    # actions (priority, group) may have changed which policy and calendar apply.
    recompute(ctx.session, ids, ctx.cfg, ctx.now_s)
    return fired


def _fire_ticket(ctx: FireContext, c: Computed) -> list[FiredLevel]:
    if c.clocks is None or c.policy is None:
        return []
    out: list[FiredLevel] = []
    ticket: Ticket | None = None
    for clock in c.clocks.clocks:
        walk = c.clocks.walk(clock)
        for ordinal, level in enumerate(c.clocks.levels[clock.target], 1):
            at = walk.instant(level.offset(clock.target_s))
            if at is None or at > ctx.now_s:
                break
            if not eligible(level, clock.target_s, clock.met_s, at):
                continue
            if not _claim_event(ctx, c, clock, level, ordinal, at):
                continue  # fired before, here or by another engine
            if ctx.quiet:
                out.append(_recorded(c, clock, level, at))
                continue
            ticket = ticket or ctx.session.get(Ticket, Bulk.to_uuid(c.facts.ticket_id))
            assert ticket is not None
            out.append(_effects(ctx, c.policy, ticket, clock, level, at))
    return out


def _claim_event(
    ctx: FireContext, c: Computed, clock: ClockValues, level: Level, ordinal: int, at: int
) -> bool:
    assert c.policy is not None
    # Quietly recorded: when an engine running at the time would have fired it.
    fired_at = at if ctx.quiet else ctx.now_s
    row = {
        "id": uuid.uuid4(),
        "row_version": 0,
        "hlc": ctx.hlc(),
        "ticket_id": Bulk.to_uuid(c.facts.ticket_id),
        "target": clock.target,
        "cycle": clock.start_s,
        "level": level.key,
        "ordinal": ordinal,
        "policy_id": c.policy.id,
        "due_at": from_epoch(at),
        "fired_at": from_epoch(fired_at),
        "late": fired_at - at > ctx.late_after_s,
        "fired_by": ctx.holder,
    }
    params = {f"e_{key}": value for key, value in row.items()}
    return ctx.session.scalar(_claim_statement(ctx.session), params) is not None


_CLAIMS: dict[str, Any] = {}


def _claim_statement(session: Session) -> Any:
    """The event's INSERT ... ON CONFLICT DO NOTHING RETURNING, built once per dialect
    with parameters: built anew with each level's values, SQLAlchemy's construction
    and cache key of the statement cost ~0.6 ms a level, twenty times the insert (a
    demo's 168,000 past levels took 111 s)."""
    dialect = session.get_bind().dialect.name
    stmt = _CLAIMS.get(dialect)
    if stmt is None:
        table = EscalationEvent.__table__
        columns = [c.key for c in table.columns]
        stmt = _CLAIMS[dialect] = (
            insert_for(session)(table)
            .values({key: bindparam(f"e_{key}") for key in columns})
            .on_conflict_do_nothing(index_elements=["ticket_id", "target", "cycle", "level"])
            .returning(table.c.id)
        )
    return stmt


def _recorded(c: Computed, clock: ClockValues, level: Level, at: int) -> FiredLevel:
    ticket_id = Bulk.to_uuid(c.facts.ticket_id)
    return FiredLevel(
        ticket_id, clock.target, clock.start_s, level.key, from_epoch(at), False, (), ()
    )


def _effects(
    ctx: FireContext,
    policy: PolicySpec,
    ticket: Ticket,
    clock: ClockValues,
    level: Level,
    at: int,
) -> FiredLevel:
    late = ctx.now_s - at > ctx.late_after_s
    due_at = from_epoch(at)
    # Recipients first: an action moving the ticket to another group must not change
    # who hears about the level that caused the move.
    agents = recipients(ctx.session, ticket, level.notify, ctx.people())
    actions = _actions(ctx, ticket, level)
    kind = (
        AlertKind.SLA_WARNING
        if level.offset(clock.target_s) < clock.target_s
        else AlertKind.SLA_BREACH
        if level.offset(clock.target_s) == clock.target_s
        else AlertKind.SLA_ESCALATION
    )
    text = (
        f"{'(late) ' if late else ''}{ticket_title(ticket)}: {TARGET_NAMES[clock.target]} "
        f"reached {level.label()} of {format_duration(clock.target_s)} ({policy.name})"
    )
    data = {
        "target": clock.target.value,
        "level": level.key,
        "policy": policy.name,
        "due_at": due_at.isoformat(),
        "late": late,
        "actions": actions,
    }
    alert(
        ctx.session,
        ctx.hlc,
        agents,
        ticket,
        kind,
        text,
        from_epoch(ctx.now_s),
        data,
        source=f"sla:{clock.target.value}:{clock.start_s}:{level.key}",
    )
    fired = FiredLevel(
        ticket.id,
        clock.target,
        clock.start_s,
        level.key,
        due_at,
        late,
        tuple(agents),
        tuple(actions),
    )
    if ctx.on_fired is not None:
        ctx.on_fired(ticket, fired)
    return fired


def raised(current: Priority) -> Priority:
    order = list(Priority)
    return order[min(order.index(current) + 1, len(order) - 1)]


def _actions(ctx: FireContext, ticket: Ticket, level: Level) -> list[str]:
    done: list[str] = []
    prio = level.actions.get("priority")
    if prio:
        new = raised(ticket.priority) if prio == "raise" else Priority(prio)
        if new.rank > ticket.priority.rank:  # escalation only ever raises
            run_in(
                ctx.session, ctx.hlc(), SetPriority(ticket_id=ticket.id, priority=new), SLA_ACTOR
            )
            done.append(f"priority={new.value}")
    group = level.actions.get("group")
    if group and uuid.UUID(group) != ticket.group_id:
        try:
            run_in(
                ctx.session,
                ctx.hlc(),
                SetGroup(ticket_id=ticket.id, group_id=uuid.UUID(group)),
                SLA_ACTOR,
            )
            done.append(f"group={group}")
        except CommandError:  # the group was deleted since the policy named it
            pass
    return done
