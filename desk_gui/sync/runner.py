"""The sync engine as a long-running service: mail workers, periodic passes, callbacks.

No Qt: the app wraps it (desk_gui/ui/engine_runner.py) and a headless host can run it
as is. Each mailbox gets a thread of its own running `MailboxWorker.run_forever` (its
own IMAPClient, IDLE or polling, reconnect with backoff); one more thread runs the
periodic passes (outbox drain, SLA) every `period_s` and whenever `wake()` is called.

Everything is reported through `Callbacks`, called on the service's threads; a host
hands them over to its own loop (Qt queued signals, `loop.call_soon_threadsafe`). A
failing callback is logged and ignored: a listener can never stop a worker.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from desk_gui.models.mailbox import Mailbox
from desk_gui.models.reason import Reason
from desk_gui.models.store import Store

from .mail_in.admin import explain
from .mail_in.engine import MailboxReport, MailEngine
from .mail_in.ingest import Outcome
from .mail_in.worker import MailboxWorker, Progress
from .mail_out import drain_outbox
from .secrets import Secrets
from .sla.engine import SlaEngine

log = logging.getLogger(__name__)

PERIOD_S = 30.0  # outbox and SLA passes; wake() runs them at once
POLL_S = 60.0  # mailboxes whose server has no IDLE
MAX_BACKOFF_S = 300.0


def _nothing(*_args: Any) -> None:
    return None


@dataclass
class Callbacks:
    """Where the service reports. Names are a mailbox's name or a periodic pass's."""

    progress: Callable[[Progress], None] = _nothing  # a copy, after each committed batch
    fetched: Callable[[str, list[Outcome]], None] = _nothing  # a mailbox pass is done
    failed: Callable[[str, Reason], None] = _nothing  # one line a person can act on
    recovered: Callable[[str], None] = _nothing  # worked again after a failure
    passed: Callable[[str, object], None] = _nothing  # a periodic pass and its report


@dataclass(frozen=True)
class PeriodicPass:
    name: str
    run: Callable[[], object]
    close: Callable[[], None] | None = None  # when the service has stopped


class Stopping(BaseException):
    """Raised between two batches when the service stops, to leave a long import early.

    A BaseException, like asyncio's CancelledError: the worker's "retry on any error"
    must not catch it (nor record it as the mailbox's last error).
    """


@dataclass(frozen=True)
class MailboxConfig:
    id: uuid.UUID
    name: str
    connection: tuple[object, ...]  # what the worker's connection depends on


def configured_mailboxes(store: Store) -> dict[uuid.UUID, MailboxConfig]:
    """Mailboxes to fetch (removed ones have no IMAP host), keyed by id."""
    with store.read() as session:
        boxes = session.scalars(select(Mailbox).where(Mailbox.imap_host.is_not(None)))
        return {
            m.id: MailboxConfig(
                m.id,
                m.name,
                (m.imap_host, m.imap_port, m.imap_security, m.imap_user, m.folder),
            )
            for m in boxes
        }


def _call(callback: Callable[..., None], *args: Any) -> None:
    try:
        callback(*args)
    except Exception:
        log.exception("sync callback %s failed", getattr(callback, "__name__", callback))


class _Worker(MailboxWorker):
    """A MailboxWorker that tells its mailbox thread about passes and failures."""

    def __init__(self, owner: _MailboxThread, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.owner = owner

    def fetch_new(self, client: Any) -> list[Outcome]:
        outcomes = super().fetch_new(client)
        self.owner.succeeded(outcomes)
        return outcomes

    def record_error(self, error: BaseException) -> None:
        try:
            super().record_error(error)
        except Exception:  # the database itself may be what failed; still tell the host
            log.exception("mailbox %s: cannot record the error", self.owner.config.name)
        self.owner.failed(error)


class _MailboxThread:
    """One mailbox's worker on its own thread, restarted after unexpected failures."""

    def __init__(self, service: SyncService, config: MailboxConfig) -> None:
        self.service = service
        self.config = config
        self.stop = threading.Event()
        self.backoff = 1.0
        self.worker = _Worker(
            self,
            store=service.store,
            mailbox_id=config.id,
            secrets=service.secrets,
            holder=service.engine.holder,
            on_progress=self._progress,
        )
        self.thread = threading.Thread(target=self._run, name=f"mailbox-{config.name}", daemon=True)

    def _progress(self, progress: Progress) -> None:
        # Called between two committed batches: the right moment to leave a long import.
        if self.stop.is_set():
            raise Stopping(self.config.name)
        _call(self.service.callbacks.progress, dataclasses.replace(progress))

    def succeeded(self, outcomes: list[Outcome]) -> None:
        self.backoff = 1.0
        self.service._succeeded(self.config.name)
        _call(self.service.callbacks.fetched, self.config.name, outcomes)

    def failed(self, error: BaseException) -> None:
        self.service._failed(self.config.name)
        try:
            message = explain(self.worker.load_mailbox()[0], error)
        except Exception:  # removed meanwhile, or the database is gone
            message = Reason(f"{type(error).__name__}: {error}")
        _call(self.service.callbacks.failed, self.config.name, message)

    def _run(self) -> None:
        try:
            while not self.stop.is_set():
                try:
                    self.worker.run_forever(self.stop, self.service.poll_s)
                except Stopping:
                    return
                except LookupError:  # the mailbox was removed: nothing left to fetch
                    return
                except Exception as exc:
                    # run_forever retries network trouble itself; this is the rest (no
                    # password stored, the database locked...): report and retry later.
                    log.warning("mailbox %s: %s", self.config.name, exc)
                    self.worker.record_error(exc)
                    self.stop.wait(self.backoff)
                    self.backoff = min(self.backoff * 2, MAX_BACKOFF_S)
        finally:
            # Another engine (e.g. `desk-gui sync`) may take over at once, not in 60 s.
            with contextlib.suppress(Exception):
                self.worker.release()

    @property
    def alive(self) -> bool:
        return self.thread.is_alive()


def default_passes(store: Store, secrets: Secrets, holder: str) -> list[PeriodicPass]:
    """SLA first (escalations, reminders, auto-assignment, trigger rules may queue mail),
    then the outbox drain (acknowledgements, notifications, queued replies)."""
    sla = SlaEngine(store, holder=f"sla:{holder}")
    return [
        PeriodicPass("sla", sla.run_once, sla.close),
        PeriodicPass("outbox", lambda: drain_outbox(store, secrets, holder=holder)),
    ]


def tickets_touched(report: object) -> set[uuid.UUID]:
    """Tickets a pass's report names (an SLA pass assigns, resumes, escalates...)."""
    if not dataclasses.is_dataclass(report) or isinstance(report, type):
        return set()
    found: set[uuid.UUID] = set()
    for f in dataclasses.fields(report):
        value = getattr(report, f.name)
        if isinstance(value, list):
            found.update(
                t for t in (getattr(item, "ticket_id", None) for item in value) if t is not None
            )
    return found


@dataclass
class _Periodic:
    passes: Sequence[PeriodicPass]
    thread: threading.Thread | None = None


class SyncService:
    """Owns a MailEngine, one thread per mailbox and the periodic passes."""

    def __init__(
        self,
        store: Store,
        secrets: Secrets,
        callbacks: Callbacks | None = None,
        *,
        holder: str | None = None,
        passes: Sequence[PeriodicPass] | None = None,
        period_s: float = PERIOD_S,
        poll_s: float = POLL_S,
    ) -> None:
        self.store = store
        self.secrets = secrets
        self.callbacks = callbacks or Callbacks()
        self.engine = MailEngine(store, secrets, holder)
        self.period_s = period_s
        self.poll_s = poll_s
        self._periodic = _Periodic(
            default_passes(store, secrets, self.engine.holder) if passes is None else passes
        )
        self._threads: dict[uuid.UUID, _MailboxThread] = {}
        self._stopping: list[_MailboxThread] = []
        # Reported failures, by mailbox or pass name: kept across a worker's restart, so
        # the first good pass after it says "recovered".
        self._failing: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()

    # --- lifetime -------------------------------------------------------------------------

    def reload(self, restart: Iterable[str] = ()) -> int:
        """Match the running workers to the stored mailboxes; returns how many run.

        New mailboxes start, removed ones stop, changed ones (host, user, folder...) and
        those named in `restart` (a new password) start over. Reads the database: call
        it off a GUI thread. The periodic passes start with the first call, mailbox or
        not.
        """
        wanted = configured_mailboxes(self.store)
        again = {name.lower() for name in restart}
        with self._lock:
            if self._stop.is_set():
                return 0
            for mailbox_id, running in list(self._threads.items()):
                config = wanted.get(mailbox_id)
                if config is None or config != running.config or config.name.lower() in again:
                    running.stop.set()
                    self._stopping.append(self._threads.pop(mailbox_id))
            for mailbox_id, config in wanted.items():
                if mailbox_id not in self._threads:
                    started = self._threads[mailbox_id] = _MailboxThread(self, config)
                    started.thread.start()
            # The periodic passes run without any mailbox too: SLA clocks and escalations
            # concern every ticket, and the outbox holds more than mail (replication).
            if self._periodic.passes and self._periodic.thread is None:
                self._periodic.thread = threading.Thread(
                    target=self._run_periodic, name="sync-periodic", daemon=True
                )
                self._periodic.thread.start()
            return len(self._threads)

    def start(self) -> int:
        return self.reload()

    def wake(self) -> None:
        """Run the periodic passes now (a reply was queued), not at the next period."""
        self._wake.set()

    def request_stop(self) -> None:
        """Ask every thread to stop; returns at once (see `join`)."""
        with self._lock:
            self._stop.set()
            for running in self._threads.values():
                running.stop.set()
            self._wake.set()

    def join(self, timeout: float = 5.0) -> list[str]:
        """Wait for the threads to end; the names of those still running at the deadline."""
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = [t.thread for t in [*self._threads.values(), *self._stopping]]
            if self._periodic.thread is not None:
                threads.append(self._periodic.thread)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        left = [t.name for t in threads if t.is_alive()]
        if not left:
            self.engine.close()
            for p in self._periodic.passes:
                if p.close is not None:
                    p.close()
        return left

    def stop(self, timeout: float = 5.0) -> list[str]:
        self.request_stop()
        return self.join(timeout)

    @property
    def mailboxes(self) -> list[str]:
        """Names of the mailboxes whose worker thread runs."""
        with self._lock:
            return sorted(t.config.name for t in self._threads.values() if t.alive)

    def threads(self) -> list[threading.Thread]:
        """Every thread the service started that is still alive (tests check shutdown)."""
        with self._lock:
            threads = [t.thread for t in [*self._threads.values(), *self._stopping]]
            if self._periodic.thread is not None:
                threads.append(self._periodic.thread)
        return [t for t in threads if t.is_alive()]

    # --- one pass, for a headless `--once` ------------------------------------------------

    def run_once(self) -> tuple[list[MailboxReport], dict[str, object]]:
        """Every mailbox once (in parallel), then every periodic pass once."""
        reports = self.engine.run_once()
        results = {p.name: self._run_pass(p) for p in self._periodic.passes}
        return reports, results

    def _failed(self, name: str) -> None:
        with self._lock:
            self._failing.add(name)

    def _succeeded(self, name: str) -> None:
        with self._lock:
            was_failing = name in self._failing
            self._failing.discard(name)
        if was_failing:
            _call(self.callbacks.recovered, name)

    # --- periodic passes -------------------------------------------------------------------

    def _run_periodic(self) -> None:
        while not self._stop.is_set():
            for periodic in self._periodic.passes:
                if self._stop.is_set():
                    return
                self._run_pass(periodic)
            self._wake.wait(self.period_s)
            self._wake.clear()

    def _run_pass(self, periodic: PeriodicPass) -> object:
        try:
            report = periodic.run()
        except Exception as exc:
            log.warning("%s pass failed: %s", periodic.name, exc)
            self._failed(periodic.name)
            _call(self.callbacks.failed, periodic.name, Reason(f"{type(exc).__name__}: {exc}"))
            return None
        self._succeeded(periodic.name)
        _call(self.callbacks.passed, periodic.name, report)
        return report
