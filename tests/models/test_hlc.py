"""Hybrid logical clock: never runs backwards, orders after what it has seen, and its
timestamps sort as text."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desk_gui.models.hlc import HybridClock, Timestamp
from desk_gui.models.store import Store


def wall_from(values: list[int]) -> Callable[[], int]:
    """A wall clock that reads the given milliseconds in turn, then stays at the last."""
    it: Iterator[int] = iter(values)
    last = [values[0]]

    def wall() -> int:
        last[0] = next(it, last[0])
        return last[0]

    return wall


def test_monotonic_even_when_the_wall_clock_jumps_back() -> None:
    clock = HybridClock("a", wall_from([1000, 1000, 999, 500, 1001, 1001, 2000]))
    stamps = [clock.now() for _ in range(7)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 7
    decoded = [Timestamp.decode(s) for s in stamps]
    assert [(t.wall_ms, t.counter) for t in decoded] == [
        (1000, 0),
        (1000, 1),
        (1000, 2),
        (1000, 3),
        (1001, 0),
        (1001, 1),
        (2000, 0),
    ]


@given(walls=st.lists(st.integers(0, 10**12), min_size=1, max_size=50))
def test_monotonic_for_any_wall_clock(walls: list[int]) -> None:
    clock = HybridClock("n1", wall_from(walls))
    stamps = [clock.now() for _ in walls]
    decoded = [Timestamp.decode(s) for s in stamps]
    assert all(a < b for a, b in pairwise(stamps))
    assert all(a < b for a, b in pairwise(decoded))


@pytest.mark.parametrize(
    ("local_wall", "remote"),
    [
        (1000, "0000000005000-000007-b"),  # remote ahead of our wall clock
        (5000, "0000000005000-000007-b"),  # same millisecond, remote counter higher
        (9000, "0000000005000-000007-b"),  # remote behind us
        (1000, "0000000001000-000000-b"),  # identical wall time and counter 0
    ],
)
def test_observe_orders_after_the_remote(local_wall: int, remote: str) -> None:
    clock = HybridClock("a", wall_from([local_wall]))
    before = clock.now()
    clock.observe(remote)
    after = clock.now()
    assert Timestamp.decode(after) > Timestamp.decode(remote)
    assert after > remote and after > before
    assert Timestamp.decode(after).node == "a"


def test_observe_when_our_own_clock_is_ahead() -> None:
    clock = HybridClock("a", wall_from([100, 100, 100]))
    stamps = [clock.now() for _ in range(3)]  # counter 0..2 at wall 100
    clock.observe("0000000000100-000001-b")  # older than our last
    assert clock.now() > stamps[-1]


@given(
    wall=st.integers(0, 10**13 - 1),
    counter=st.integers(0, 10**6 - 1),
    node=st.text(min_size=1, max_size=12),
)
def test_encode_decode_round_trip(wall: int, counter: int, node: str) -> None:
    ts = Timestamp(wall, counter, node)
    assert Timestamp.decode(ts.encode()) == ts


@given(
    a=st.tuples(st.integers(0, 10**13 - 1), st.integers(0, 10**6 - 1)),
    b=st.tuples(st.integers(0, 10**13 - 1), st.integers(0, 10**6 - 1)),
)
def test_text_order_is_time_order(a: tuple[int, int], b: tuple[int, int]) -> None:
    ta, tb = Timestamp(*a, "node"), Timestamp(*b, "node")
    assert (ta.encode() < tb.encode()) == (ta < tb)


@pytest.mark.parametrize("node", ["", "a-b"])
def test_bad_node_ids_are_refused(node: str) -> None:
    with pytest.raises(ValueError):
        HybridClock(node)


def test_unique_across_threads() -> None:
    clock = HybridClock("t", wall_from([42]))  # a frozen wall clock: only the counter moves
    out: list[list[str]] = [[] for _ in range(4)]

    def work(i: int) -> None:
        out[i].extend(clock.now() for _ in range(500))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [s for chunk in out for s in chunk]
    assert len(set(every)) == len(every) == 2000
    assert all(chunk == sorted(chunk) for chunk in out)


def test_store_keeps_its_node_id(sqlite_url: str) -> None:
    first = Store(sqlite_url)
    first.migrate()
    node = first.clock.node
    stamp = first.clock.now()
    first.dispose()
    again = Store(sqlite_url)
    assert again.clock.node == node
    assert Timestamp.decode(stamp).node == node
    again.dispose()
