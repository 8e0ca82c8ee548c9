"""The mail engine: one worker thread per mailbox, isolated from each other's failures."""

from __future__ import annotations

import logging
import multiprocessing
import os
import socket
import threading
import uuid
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from desk_gui.models.mailbox import Mailbox
from desk_gui.models.store import Store

from .. import leases
from ..secrets import Secrets
from .ingest import Outcome
from .worker import MailboxWorker, ProgressCallback

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailboxReport:
    mailbox: str
    outcomes: tuple[Outcome, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class MailEngine:
    def __init__(
        self,
        store: Store,
        secrets: Secrets,
        holder: str | None = None,
        on_progress: ProgressCallback | None = None,
        parse_processes: int = 0,
        lease_ttl: timedelta = leases.MAILBOX_TTL,
    ) -> None:
        self.store = store
        self.secrets = secrets
        self.holder = holder or default_holder()
        self.on_progress = on_progress
        self.lease_ttl = lease_ttl
        # Parsing is the CPU-heavy part of ingest: a process pool uses every core.
        # "spawn": forking a process whose other threads hold locks (SQLite, logging,
        # Qt) can leave the child deadlocked.
        self._parser: Executor | None = (
            ProcessPoolExecutor(parse_processes, mp_context=multiprocessing.get_context("spawn"))
            if parse_processes > 0
            else None
        )
        # Start the processes now, not on the first mail: each imports its __main__ module
        # and the parser first (about a second of CPU), which would otherwise hold back
        # the first batch of a pass.
        self._started: list[Future[int]] = (
            [self._parser.submit(os.getpid) for _ in range(parse_processes)]
            if self._parser is not None
            else []
        )

    def wait_for_parsers(self, timeout: float | None = None) -> None:
        """Block until the parser processes are up (benchmarks time the passes alone)."""
        for started in self._started:
            started.result(timeout)

    def mailboxes(self) -> list[tuple[uuid.UUID, str]]:
        with self.store.read() as session:
            rows = session.execute(
                select(Mailbox.id, Mailbox.name)
                .where(Mailbox.imap_host.is_not(None))
                .order_by(Mailbox.name)
            )
            return [(r[0], r[1]) for r in rows]

    def worker(self, mailbox_id: uuid.UUID) -> MailboxWorker:
        return MailboxWorker(
            self.store,
            mailbox_id,
            self.secrets,
            self.holder,
            self._parser,
            self.on_progress,
            self.lease_ttl,
        )

    def run_once(self) -> list[MailboxReport]:
        """One full pass over every mailbox, in parallel; one failing never stalls another."""
        boxes = self.mailboxes()
        if not boxes:
            return []
        with ThreadPoolExecutor(len(boxes), thread_name_prefix="mailbox") as pool:
            futures = [(name, pool.submit(self._one, mid)) for mid, name in boxes]
            return [f.result() for _, f in futures]

    def _one(self, mailbox_id: uuid.UUID) -> MailboxReport:
        worker = self.worker(mailbox_id)
        name = str(mailbox_id)
        try:
            name = worker.load_mailbox()[0].name
            outcomes = worker.run_once()
            return MailboxReport(name, tuple(outcomes))
        except Exception as exc:  # reported per mailbox; the others go on
            log.warning("mailbox %s failed: %s", name, exc)
            worker.record_error(exc)
            return MailboxReport(name, error=f"{type(exc).__name__}: {exc}")
        finally:
            # Failed passes too: a lease left behind would block the next pass (another
            # holder, e.g. the next `desk-gui sync --once`) until it expires.
            worker.release()

    def run_forever(self, stop: threading.Event) -> None:
        threads = [
            threading.Thread(
                target=self.worker(mid).run_forever,
                args=(stop,),
                name=f"mailbox-{name}",
                daemon=True,
            )
            for mid, name in self.mailboxes()
        ]
        for t in threads:
            t.start()
        stop.wait()
        for t in threads:
            t.join(timeout=5)

    def close(self) -> None:
        if self._parser is not None:
            self._parser.shutdown()
