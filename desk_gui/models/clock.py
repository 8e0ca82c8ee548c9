"""SLA clocks, the per-ticket SLA state, and the exactly-once escalation ledger.

Clocks and ticket states are derived data: whichever engine runs against a store
computes them from replicated facts (ticket, history, messages, policies, calendars), so
they are plain rows keyed by ticket, not replicated ones. Times in them are whole UTC
epoch seconds: that is what the calendar arithmetic works in, and bulk recomputes of
100,000 tickets write integers without converting a datetime per cell.

Escalation events are facts ("level 80 % of the first response fired at ..."): their
unique key (ticket, target, cycle, level) is what makes a level fire exactly once, on
any number of engines, across restarts.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from .base import Base, Replicated, str_enum, utcnow
from .sla import SlaTarget


class ClockState(enum.StrEnum):
    RUNNING = "running"
    PAUSED = "paused"  # a pause status holds it before the target was reached
    MET = "met"  # answered / resolved in time (or held by a pause when answered)
    BREACHED = "breached"  # due passed unanswered, or answered late


def epoch_datetime(seconds: int | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


# The columns of one clock; each target's clock is stored under its prefix below.
CLOCK_FIELDS = (
    "start_s",
    "target_s",
    "due_s",
    "paused_s",
    "state",
    "met_s",
    "levels_fired",
    "next_level",
    "next_level_s",
)
CLOCK_PREFIX = {
    SlaTarget.FIRST_RESPONSE: "fr_",
    SlaTarget.NEXT_RESPONSE: "nr_",
    SlaTarget.RESOLUTION: "res_",
}


def clock_columns(target: SlaTarget) -> list[str]:
    return [CLOCK_PREFIX[target] + f for f in CLOCK_FIELDS]


class StoredClock(NamedTuple):
    """One target's clock of a ticket, as the engine last stored it."""

    target: SlaTarget
    # The start, which is also the cycle of the escalation key: a new customer message
    # starts a new next-response cycle and its levels fire again.
    start_s: int
    target_s: int
    due_s: int | None  # None while paused before due
    paused_s: int  # business seconds held back
    state: ClockState
    met_s: int | None
    levels_fired: int  # in this cycle
    next_level: str | None
    next_level_s: int | None  # when it falls due

    @property
    def due_at(self) -> datetime | None:
        return epoch_datetime(self.due_s)


def _epoch() -> Mapped[int | None]:
    return mapped_column(BigInteger)


def _seconds() -> Mapped[int | None]:
    return mapped_column(Integer)


def _state() -> Mapped[ClockState | None]:
    return mapped_column(str_enum(ClockState, 12))


def _level() -> Mapped[str | None]:
    return mapped_column(String(20))


class SlaTicketState(Base):
    """What the engine last saw of a ticket, and its clocks.

    `ticket_hlc` differing from the ticket's hlc (or `stale`, set when policies or
    calendars change) marks the ticket for recompute; `seen_hlc` and `seen_reply_s` tell
    the trigger rules which events happened since. `next_due_s` serves the "Due soon"
    and "Breached" views and the "due next" sort straight from an index, `next_level_s`
    the escalation engine.

    The clocks of a ticket (first response, next response, resolution) are column
    groups of this row, not rows of their own: a recompute of 100,000 tickets then
    writes 100,000 rows instead of 330,000, and one b-tree instead of two, which was
    most of its time. A target without a clock has NULL columns.
    """

    __tablename__ = "sla_tickets"
    # WITHOUT ROWID on SQLite: one b-tree keyed by ticket instead of a rowid table plus
    # a primary-key index, which halves the work of a bulk recompute's writes.
    __table_args__ = (
        Index("ix_sla_tickets_next_due", "next_due_s", "ticket_id"),
        Index("ix_sla_tickets_next_level", "next_level_s"),
        {"sqlite_with_rowid": False},
    )

    # No foreign key to tickets, and no index on `open`: each cost a tenth of a bulk
    # recompute's writes. These rows are derived, written only for ids just read from
    # tickets, and tickets are never deleted.
    ticket_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    ticket_hlc: Mapped[str] = mapped_column(String(40), default="")
    seen_hlc: Mapped[str] = mapped_column(String(40), default="")
    seen_reply_s: Mapped[int | None] = mapped_column(BigInteger)
    stale: Mapped[bool] = mapped_column(default=False)
    open: Mapped[bool] = mapped_column(default=True)
    # No foreign keys: a removed policy or calendar must not block deleting it; the next
    # recompute replaces these clocks anyway.
    policy_id: Mapped[uuid.UUID | None]
    calendar_id: Mapped[uuid.UUID | None]
    next_due_s: Mapped[int | None] = mapped_column(BigInteger)
    next_due_target: Mapped[SlaTarget | None] = mapped_column(str_enum(SlaTarget))
    next_level_s: Mapped[int | None] = mapped_column(BigInteger)  # the earliest of the clocks'
    computed_s: Mapped[int] = mapped_column(BigInteger, default=0)

    fr_start_s: Mapped[int | None] = _epoch()
    fr_target_s: Mapped[int | None] = _seconds()
    fr_due_s: Mapped[int | None] = _epoch()
    fr_paused_s: Mapped[int | None] = _seconds()
    fr_state: Mapped[ClockState | None] = _state()
    fr_met_s: Mapped[int | None] = _epoch()
    fr_levels_fired: Mapped[int | None] = _seconds()
    fr_next_level: Mapped[str | None] = _level()
    fr_next_level_s: Mapped[int | None] = _epoch()

    nr_start_s: Mapped[int | None] = _epoch()
    nr_target_s: Mapped[int | None] = _seconds()
    nr_due_s: Mapped[int | None] = _epoch()
    nr_paused_s: Mapped[int | None] = _seconds()
    nr_state: Mapped[ClockState | None] = _state()
    nr_met_s: Mapped[int | None] = _epoch()
    nr_levels_fired: Mapped[int | None] = _seconds()
    nr_next_level: Mapped[str | None] = _level()
    nr_next_level_s: Mapped[int | None] = _epoch()

    res_start_s: Mapped[int | None] = _epoch()
    res_target_s: Mapped[int | None] = _seconds()
    res_due_s: Mapped[int | None] = _epoch()
    res_paused_s: Mapped[int | None] = _seconds()
    res_state: Mapped[ClockState | None] = _state()
    res_met_s: Mapped[int | None] = _epoch()
    res_levels_fired: Mapped[int | None] = _seconds()
    res_next_level: Mapped[str | None] = _level()
    res_next_level_s: Mapped[int | None] = _epoch()

    def clocks(self) -> list[StoredClock]:
        """The stored clocks, in target order."""
        out = []
        for target in CLOCK_PREFIX:
            clock = StoredClock(target, *(getattr(self, c) for c in clock_columns(target)))
            if clock.state is not None:  # a target without a clock has NULL columns
                out.append(clock)
        return out


class EscalationEvent(Replicated, Base):
    __tablename__ = "escalation_events"
    __table_args__ = (UniqueConstraint("ticket_id", "target", "cycle", "level"),)

    ticket_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tickets.id"))
    target: Mapped[SlaTarget] = mapped_column(str_enum(SlaTarget))
    cycle: Mapped[int] = mapped_column(BigInteger)
    level: Mapped[str] = mapped_column(String(20))  # "80%", "100%", "+7200s"
    ordinal: Mapped[int] = mapped_column(Integer)  # 1 = first level of the target
    policy_id: Mapped[uuid.UUID]
    due_at: Mapped[datetime]  # when the level fell due
    fired_at: Mapped[datetime] = mapped_column(default=utcnow)
    late: Mapped[bool] = mapped_column(default=False)  # no engine ran when it fell due
    fired_by: Mapped[str] = mapped_column(String(120), default="")


# --- epoch seconds in SQL ----------------------------------------------------------------


class _EpochSeconds(FunctionElement[int]):
    """Whole UTC epoch seconds of a UTCDateTime column, computed by the database."""

    inherit_cache = True
    type = BigInteger()


@compiles(_EpochSeconds, "sqlite")
def _epoch_sqlite(element: _EpochSeconds, compiler: SQLCompiler, **kw: Any) -> str:
    # Stored as naive UTC text; strftime('%s') floors the fraction like the calendar does.
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(_EpochSeconds, "postgresql")
def _epoch_postgresql(element: _EpochSeconds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(floor(extract(epoch FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


def epoch_seconds(column: Any) -> ColumnElement[int]:
    return _EpochSeconds(column)
