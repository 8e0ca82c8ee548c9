"""One worker per mailbox: fetch new mail in UID order and ingest it exactly once.

A worker owns its IMAPClient (blocking, not thread-safe) and runs on its own thread;
it holds the mailbox lease while it fetches, so a second engine on the same database
waits instead of fetching the same mails.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from imapclient import IMAPClient

from desk_gui.models.base import utcnow
from desk_gui.models.mailbox import Mailbox, MailboxState
from desk_gui.models.store import Store

from .. import leases
from ..mime import try_parse
from ..secrets import Secrets
from .imap import connect
from .ingest import Fetched, Outcome, advance_cursor, ingest

log = logging.getLogger(__name__)

BATCH = 200
IDLE_RENEW_S = 300  # RFC 2177: re-issue IDLE well before servers drop it (29 min)
LEASE_HEARTBEAT_S = 20


@dataclass
class Progress:
    mailbox: str
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0


ProgressCallback = Callable[[Progress], None]


class LeaseLost(Exception):
    """Another engine holds this mailbox; stop fetching it."""


def _batches(uids: Sequence[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(uids), size):
        yield list(uids[start : start + size])


class MailboxWorker:
    def __init__(
        self,
        store: Store,
        mailbox_id: uuid.UUID,
        secrets: Secrets,
        holder: str,
        parser: Executor | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.store = store
        self.mailbox_id = mailbox_id
        self.secrets = secrets
        self.holder = holder
        self.parser = parser
        self.on_progress = on_progress
        self.resource = f"mailbox:{mailbox_id}"

    def _mailbox(self) -> tuple[Mailbox, MailboxState | None]:
        with self.store.read() as session:
            mailbox = session.get(Mailbox, self.mailbox_id)
            if mailbox is None:
                raise LookupError(f"mailbox {self.mailbox_id} was removed")
            return mailbox, session.get(MailboxState, self.mailbox_id)

    def _take_lease(self) -> int:
        with self.store.write() as session:
            epoch = leases.acquire(
                session, self.resource, "mailbox", self.holder, leases.MAILBOX_TTL
            )
        if epoch is None:
            raise LeaseLost(f"mailbox {self.mailbox_id} is fetched by another engine")
        return epoch

    def release(self) -> None:
        with self.store.write() as session:
            leases.release(session, self.resource, self.holder)

    def fetch_new(self, client: IMAPClient) -> list[Outcome]:
        """One pass: everything above the cursor, committed mail by mail."""
        mailbox, state = self._mailbox()
        info = client.select_folder(mailbox.folder, readonly=True)
        uidvalidity = int(info[b"UIDVALIDITY"])
        last = state.last_uid if state and state.uidvalidity == uidvalidity else 0
        # "last+1:*" always matches the newest mail even when it is not newer: filter.
        uids = sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)
        progress = Progress(mailbox.name, total=len(uids))
        outcomes: list[Outcome] = []
        for batch in _batches(uids, BATCH):
            self._take_lease()  # renews; raises when another engine took over
            fetched = [
                Fetched(uid, data[b"BODY[]"])
                for uid, data in sorted(client.fetch(batch, ["BODY.PEEK[]"]).items())
                if b"BODY[]" in data
            ]
            outcomes += self._ingest_batch(mailbox, uidvalidity, fetched)
            progress.done += len(fetched)
            if self.on_progress:
                self.on_progress(progress)
        self._record_success()
        return outcomes

    def _parse_all(self, fetched: list[Fetched]) -> list[Any]:
        raws = [f.raw for f in fetched]
        if self.parser is None:
            return [try_parse(r) for r in raws]
        return list(self.parser.map(try_parse, raws, chunksize=16))

    def _ingest_batch(
        self, mailbox: Mailbox, uidvalidity: int, fetched: list[Fetched]
    ) -> list[Outcome]:
        outcomes = []
        for item, parsed in zip(fetched, self._parse_all(fetched), strict=True):
            with self.store.write() as session:
                outcome = ingest(
                    session, self.store.clock.now(), mailbox, uidvalidity, item, parsed
                )
                advance_cursor(session, mailbox.id, uidvalidity, item.uid)
            outcomes.append(outcome)
        return outcomes

    def _record_success(self) -> None:
        with self.store.write() as session:
            state = session.get(MailboxState, self.mailbox_id)
            if state is not None:
                state.last_success_at = utcnow()
                state.last_error = None

    def record_error(self, error: BaseException) -> None:
        with self.store.write() as session:
            state = session.get(MailboxState, self.mailbox_id)
            if state is None:
                state = MailboxState(mailbox_id=self.mailbox_id, last_uid=0, ingested=0)
                session.add(state)
            state.last_error = f"{type(error).__name__}: {error}"
            state.last_error_at = utcnow()

    def run_once(self) -> list[Outcome]:
        mailbox, _ = self._mailbox()
        self._take_lease()
        client = connect(mailbox, self.secrets)
        try:
            return self.fetch_new(client)
        finally:
            client.logout()

    def run_forever(self, stop: threading.Event, poll_s: float = 60.0) -> None:
        """Fetch, then wait for new mail with IDLE (or polling), reconnecting with backoff."""
        backoff = 1.0
        while not stop.is_set():
            client: IMAPClient | None = None
            try:
                mailbox, _ = self._mailbox()
                self._take_lease()
                client = connect(mailbox, self.secrets)
                backoff = 1.0
                while not stop.is_set():
                    self.fetch_new(client)
                    self._wait_for_mail(client, stop, poll_s)
            except LeaseLost:
                stop.wait(leases.MAILBOX_TTL.total_seconds() / 2)
            except (TimeoutError, OSError, IMAPClient.Error, IMAPClient.AbortError) as exc:
                log.warning("mailbox %s: %s; retrying in %.0f s", self.mailbox_id, exc, backoff)
                self.record_error(exc)
                stop.wait(backoff)
                backoff = min(backoff * 2, 300.0)
            finally:
                if client is not None:
                    with contextlib.suppress(Exception):  # the connection may be dead already
                        client.logout()

    def _wait_for_mail(self, client: IMAPClient, stop: threading.Event, poll_s: float) -> None:
        if not client.has_capability("IDLE"):
            stop.wait(poll_s)
            return
        client.idle()
        try:
            deadline = time.monotonic() + IDLE_RENEW_S
            renewed = time.monotonic()
            # Short checks so a stop request and lease renewal are noticed within a second.
            while not stop.is_set() and time.monotonic() < deadline:
                if client.idle_check(timeout=1):
                    return
                if time.monotonic() - renewed >= LEASE_HEARTBEAT_S:
                    self._take_lease()
                    renewed = time.monotonic()
        finally:
            client.idle_done()
