"""Hybrid logical clock (Kulkarni et al.): wall time that never runs backwards.

Timestamps are fixed-width strings, so they sort correctly as text in both SQLite and
PostgreSQL and can be compared without parsing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

_WIDTH_MS = 13
_WIDTH_COUNTER = 6


@dataclass(frozen=True, order=True)
class Timestamp:
    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        return f"{self.wall_ms:0{_WIDTH_MS}d}-{self.counter:0{_WIDTH_COUNTER}d}-{self.node}"

    @classmethod
    def decode(cls, text: str) -> Timestamp:
        wall, counter, node = text.split("-", 2)
        return cls(int(wall), int(counter), node)


class HybridClock:
    """Thread-safe HLC for one node (a desktop client or an engine)."""

    def __init__(self, node: str, wall: Callable[[], int] | None = None) -> None:
        if "-" in node or not node:
            raise ValueError("node id must be non-empty and contain no '-'")
        self._node = node
        self._wall = wall or (lambda: time.time_ns() // 1_000_000)
        self._last = Timestamp(0, 0, node)
        self._lock = threading.Lock()

    @property
    def node(self) -> str:
        return self._node

    def now(self) -> str:
        with self._lock:
            wall = self._wall()
            if wall > self._last.wall_ms:
                self._last = Timestamp(wall, 0, self._node)
            else:
                self._last = Timestamp(self._last.wall_ms, self._last.counter + 1, self._node)
            return self._last.encode()

    def observe(self, remote: str) -> None:
        """Merge a timestamp seen from another node so our next one sorts after it."""
        other = Timestamp.decode(remote)
        with self._lock:
            wall = self._wall()
            top = max(wall, self._last.wall_ms, other.wall_ms)
            if top == self._last.wall_ms == other.wall_ms:
                counter = max(self._last.counter, other.counter) + 1
            elif top == self._last.wall_ms:
                counter = self._last.counter + 1
            elif top == other.wall_ms:
                counter = other.counter + 1
            else:
                counter = 0
            self._last = Timestamp(top, counter, self._node)
