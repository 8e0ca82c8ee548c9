"""Demo data comes with a past no engine saw: `SlaEngine.catch_up` records the levels
that fell due in it as fired when they fell due, so the app's first pass announces none
of them late, while the clocks (due soon, breached) and later levels stay as they were."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from desk_gui.models import EscalationEvent, SlaTicketState
from desk_gui.models import sla_queries as views
from desk_gui.models.alert import Alert
from desk_gui.models.demo import populate
from desk_gui.models.store import Store
from desk_gui.sync.sla.calendar import from_epoch
from desk_gui.sync.sla.engine import SlaEngine

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday, 10:30 in the demo's office
TICKETS = 150
SOON = timedelta(days=7)  # the demo's resolution targets run for days


def demo(store: Store) -> None:
    populate(store, TICKETS, now=NOW)


def shown(store: Store, now: datetime) -> tuple[list[str], list[str], int, int]:
    """What the "Due soon" and "Breached" views show, by ticket label."""
    with store.read() as s:
        return (
            [r.label for r in views.due_soon(s, now, SOON, limit=1000)],
            [r.label for r in views.breached(s, now, limit=1000)],
            views.count_due_soon(s, now, SOON),
            views.count_breached(s, now),
        )


def count(store: Store, entity: type) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(entity)) or 0


def test_the_demos_past_levels_are_recorded_and_the_first_pass_fires_none_late(
    store: Store, tmp_path: Path
) -> None:
    demo(store)
    with SlaEngine(store, processes=0) as engine:
        caught = engine.catch_up(NOW)
    assert len(caught.fired) > 10 and caught.recomputed >= TICKETS // 10
    assert not any(f.late or f.notified or f.actions for f in caught.fired)
    with store.read() as s:
        events = s.scalars(select(EscalationEvent)).all()
    assert len(events) == len(caught.fired)
    # As an engine running at the time would have left them: fired when due, on time.
    assert all(e.fired_at == e.due_at <= NOW and not e.late for e in events)
    assert count(store, Alert) == 0

    # The same demo as it was before: the app's first pass fired the past, late.
    before = Store(f"sqlite:///{tmp_path / 'before.sqlite3'}")
    before.migrate()
    try:
        demo(before)
        with SlaEngine(before, processes=0) as engine:
            storm = engine.run_once(NOW)
        assert len(storm.fired) == len(caught.fired) and all(f.late for f in storm.fired)
        assert shown(store, NOW) == shown(before, NOW)
    finally:
        before.dispose()
    soon, breached, n_soon, n_breached = shown(store, NOW)
    assert n_breached == len(breached) > 0 and n_soon == len(soon) > 0

    # The app starts a minute later: its first pass has nothing of the past to fire.
    start = NOW + timedelta(minutes=1)
    with SlaEngine(store, processes=0) as engine:
        first = engine.run_once(start)
        assert not any(f.late for f in first.fired)
        assert shown(store, start)[1] == breached  # breached tickets stay breached

        # The next level to fall due after the demo was made fires as it always did.
        with store.read() as s:
            next_s = s.scalar(select(func.min(SlaTicketState.next_level_s)))
        assert next_s is not None and next_s > int(start.timestamp())
        later = engine.run_once(from_epoch(next_s + 30))
    assert later.fired and not any(f.late for f in later.fired)
    assert all(f.due_at <= from_epoch(next_s + 30) for f in later.fired)
    assert count(store, Alert) == sum(len(f.notified) for f in first.fired + later.fired)
    assert count(store, EscalationEvent) == len(events) + len(first.fired) + len(later.fired)


def test_a_second_catch_up_records_nothing_twice(sqlite_store: Store) -> None:
    demo(sqlite_store)
    with SlaEngine(sqlite_store, processes=0) as engine:
        first = engine.catch_up(NOW)
    with SlaEngine(sqlite_store, processes=0) as engine:
        again = engine.catch_up(NOW)
    assert first.fired and again.fired == []
    assert count(sqlite_store, EscalationEvent) == len(first.fired)
