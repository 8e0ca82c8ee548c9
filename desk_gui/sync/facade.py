"""The one door the UI (or a headless host) uses to reach the store: no Qt in here.

Anki's shape: every write is a command run on ONE writer thread, so commands are
serialized and never race each other for SQLite's write lock; reads run on a small pool
of their own, each with a fresh read session, so a long count never delays a command.
Results come back as awaitables on whatever asyncio loop the caller runs (the qasync
loop in the app, `asyncio.run` in tests and the headless service), and listeners are
called on that loop's thread, never on a worker thread: a Qt listener may touch widgets.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import socket
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from desk_gui.models import queries
from desk_gui.models.commands import SYSTEM, Actor, Command, execute
from desk_gui.models.queries import TicketRow
from desk_gui.models.store import Store

from . import presence

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class TicketChange:
    """A ticket changed; `row` is its list row re-read after the change (None: gone)."""

    ticket_id: uuid.UUID
    row: TicketRow | None
    command: str
    # time.perf_counter() when the command had committed: the start of "how long until
    # the change shows" (benchmarks measure against it).
    committed_at: float = 0.0


ChangeListener = Callable[[TicketChange], None]
ActivityListener = Callable[[int], None]


class Desk:
    """Owns a store, its writer thread and reader pool, and the change listeners."""

    def __init__(self, store: Store, actor: Actor = SYSTEM, readers: int = 2) -> None:
        self.store = store
        self.actor = actor
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="desk-writer")
        self._readers = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="desk-reader")
        self._listeners: dict[int, ChangeListener] = {}
        self._activity: dict[int, ActivityListener] = {}
        self._ids = itertools.count()
        self._busy = 0
        self._closed = False
        # This desktop among others on a shared database (the same agent may sit at two).
        # The machine's name, not a number per start: an app restarted after a crash
        # must find its own reply lease, not wait 90 s for "itself" to finish.
        # (Cut to fit the lease's holder column beside the agent's id.)
        self.client = socket.gethostname()[:80] or "desktop"

    @property
    def holder(self) -> str:
        """Who holds this desktop's leases: the signed-in agent on this client."""
        return presence.holder_of(self.actor.agent_id, self.client)

    # --- commands and reads ---------------------------------------------------------------

    async def run(self, cmd: Command, actor: Actor | None = None) -> Any:
        """Run a command on the writer thread; listeners hear about the changed ticket.

        The ticket's list row is re-read in the same job, so a listener can patch its
        view without another round trip. CommandError propagates to the caller.
        """
        who = actor or self.actor
        result, change = await self._submit(self._writer, self._run_job, cmd, who)
        if change is not None:
            self.notify(change)
        return result

    async def read(
        self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run `fn(session, *args)` with a read session on a reader thread."""
        return await self._submit(self._readers, self._read_job(fn, *args, **kwargs))

    async def glance(
        self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`read` for bookkeeping the agent did not ask for (who else is on which ticket,
        every 20 s): like `housekeeping`, the busy indicator does not blink with it."""
        return await self._run_on(self._readers, self._read_job(fn, *args, **kwargs))

    def _read_job(
        self, fn: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> Callable[[], T]:
        def job() -> T:
            with self.store.read() as session:
                return fn(session, *args, **kwargs)

        return job

    async def write(
        self, fn: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run maintenance work on the store (migrate, bulk load) on the writer thread."""
        return await self._submit(self._writer, fn, self.store, *args, **kwargs)

    async def housekeeping(
        self, fn: Callable[Concatenate[Store, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """`write` for bookkeeping the agent did not ask for (the presence heartbeat):
        not counted as a background job, so the busy indicator does not blink with it."""
        return await self._run_on(self._writer, fn, self.store, *args, **kwargs)

    def _run_job(self, cmd: Command, actor: Actor) -> tuple[Any, TicketChange | None]:
        result = execute(self.store, cmd, actor)
        committed_at = time.perf_counter()
        ticket_id = getattr(cmd, "ticket_id", None)
        if not isinstance(ticket_id, uuid.UUID):
            return result, None
        with self.store.read() as session:
            row = queries.row(session, ticket_id)
        return result, TicketChange(ticket_id, row, cmd.name, committed_at)

    async def _submit(
        self, pool: ThreadPoolExecutor, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        self._set_busy(+1)
        try:
            return await self._run_on(pool, fn, *args, **kwargs)
        finally:
            self._set_busy(-1)

    @property
    def closed(self) -> bool:
        """After close(): nothing runs on this desk any more."""
        return self._closed

    async def _run_on(
        self, pool: ThreadPoolExecutor, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        if self._closed:
            raise RuntimeError("the desk is closed")
        loop = asyncio.get_running_loop()
        return await asyncio.wrap_future(pool.submit(fn, *args, **kwargs), loop=loop)

    # --- listeners ------------------------------------------------------------------------

    def subscribe(self, listener: ChangeListener) -> Callable[[], None]:
        """Hear every ticket change; returns the function that unsubscribes."""
        key = next(self._ids)
        self._listeners[key] = listener

        def unsubscribe() -> None:
            self._listeners.pop(key, None)

        return unsubscribe

    def subscribe_activity(self, listener: ActivityListener) -> Callable[[], None]:
        """Hear the number of jobs in flight whenever it changes (a busy indicator)."""
        key = next(self._ids)
        self._activity[key] = listener

        def unsubscribe() -> None:
            self._activity.pop(key, None)

        return unsubscribe

    def notify(self, change: TicketChange) -> None:
        """Tell listeners about a change (commands do it; the sync engine will too)."""
        for listener in list(self._listeners.values()):
            try:
                listener(change)
            except Exception:
                # One broken view must not stop the others from hearing the change.
                log.exception("change listener failed for %s", change.ticket_id)

    @property
    def busy(self) -> int:
        return self._busy

    def _set_busy(self, delta: int) -> None:
        self._busy += delta
        for listener in list(self._activity.values()):
            listener(self._busy)

    # --- lifetime -------------------------------------------------------------------------

    def close(self) -> None:
        """Finish the running jobs, drop queued ones, release the store."""
        if self._closed:
            return
        self._closed = True
        self._writer.shutdown(wait=True, cancel_futures=True)
        self._readers.shutdown(wait=True, cancel_futures=True)
        self.store.dispose()
