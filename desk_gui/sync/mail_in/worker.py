"""One worker per mailbox: fetch new mail in UID order and ingest it exactly once.

A worker owns its IMAPClient (blocking, not thread-safe) and runs on its own thread;
it holds the mailbox lease while it fetches, so a second engine on the same database
waits instead of fetching the same mails.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from imapclient import IMAPClient
from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from desk_gui.models.base import utcnow
from desk_gui.models.inbound import InboundMail
from desk_gui.models.mailbox import Mailbox, MailboxState
from desk_gui.models.store import Store

from .. import leases
from ..mime import ParseFailure, try_parse
from ..mime.parse import try_parse_file
from ..secrets import Secrets
from . import processed
from .imap import connect
from .ingest import ALREADY, Fetched, KeptRaw, Outcome, advance_cursor, ingest_batch

log = logging.getLogger(__name__)

# Mails per transaction: each batch has a fixed cost (its lookups, counters, commit), so
# bigger is cheaper per mail (bench_mail_in: engine CPU -10% from 200 to 500); the bytes
# cap keeps a batch of large mails from holding hundreds of MB at once.
BATCH = 500
BATCH_BYTES = 32 << 20
BIG_MAIL = 8 << 20  # bytes: fetched in pieces into a file instead of into memory
FETCH_PIECE = 4 << 20
IDLE_RENEW_S = 300  # RFC 2177: re-issue IDLE well before servers drop it (29 min)
# Mails per parser task. Each task costs the engine process a fixed hand-off (the pool's
# result thread wakes and takes the GIL from the writer): 16 a task (32 tasks a batch)
# cost it ~0.3 s CPU more per 10,000 mails than 64 (8 tasks a batch, still a few per
# process so that uneven mails even out).
PARSE_CHUNK = 64


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


def _sizes(client: IMAPClient, uids: list[int]) -> dict[int, int]:
    """Upper bounds of the mails' sizes: a full batch of mails no larger than
    BATCH_BYTES / BATCH fits the cap, so only the larger ones (few: one SEARCH finds
    them) need their RFC822.SIZE. A size FETCH of every mail cost the engine a
    thirtieth of its CPU."""
    share = BATCH_BYTES // BATCH
    if share and uids:
        # A range keeps the command short; only our UIDs count in the answer.
        found = client.search(["UID", f"{uids[0]}:{uids[-1]}", "LARGER", str(share)])
        larger = sorted(set(uids).intersection(found))
    else:
        larger = uids
    sizes = dict.fromkeys(uids, share)
    fetched = client.fetch(larger, ["RFC822.SIZE"]) if larger else {}
    for uid in larger:
        size = fetched.get(uid, {}).get(b"RFC822.SIZE")
        sizes[uid] = size if isinstance(size, int) else 0  # expunged meanwhile
    return sizes


def _split_big(client: IMAPClient, uids: list[int]) -> Iterator[tuple[list[int], int | None]]:
    """(small UIDs of at most BATCH_BYTES, then one big UID or None), in UID order: the
    cursor must never pass a mail that is not committed yet."""
    sizes = _sizes(client, uids)
    small: list[int] = []
    held = 0
    for uid in uids:
        size = sizes[uid]
        if size > BIG_MAIL:
            yield small, uid
            small, held = [], 0
            continue
        if small and held + size > BATCH_BYTES:
            yield small, None
            small, held = [], 0
        small.append(uid)
        held += size
    if small:
        yield small, None


def fetch_to_file(client: IMAPClient, uid: int, path: Path) -> bool:
    """Stream one mail into a file with partial FETCHes; False when it is gone."""
    offset = 0
    with path.open("wb") as out:
        while True:
            key = f"BODY[]<{offset}>".encode()
            data = client.fetch([uid], [f"BODY.PEEK[]<{offset}.{FETCH_PIECE}>"]).get(uid, {})
            piece = data.get(key)
            if piece is None:
                return offset > 0
            out.write(piece)
            offset += len(piece)
            if len(piece) < FETCH_PIECE:
                return True


class _Parsing:
    """A fetched batch and its parser results (still being computed in the pool)."""

    def __init__(self, fetched: list[Fetched], results: Iterable[Any]) -> None:
        self.fetched = fetched
        self.results = results

    def items(self) -> list[tuple[Fetched, Any]]:
        try:
            results = list(self.results)
        except BrokenExecutor:  # a parser process died (killed, out of memory): go on here
            log.warning("a parser process died; parsing %d mails in the engine", len(self.fetched))
            results = [try_parse(f.raw) for f in self.fetched]
        return list(zip(self.fetched, results, strict=True))


def _modseq(select_info: dict[bytes, Any]) -> int | None:
    """HIGHESTMODSEQ from a SELECT's response; None without CONDSTORE (or NOMODSEQ)."""
    value = select_info.get(b"HIGHESTMODSEQ")
    return int(value) if value is not None else None


def unchanged(state: MailboxState | None, uidvalidity: int, modseq: int | None) -> bool:
    """Nothing arrived or changed in the folder since the last complete pass: the server
    reports the mod-sequence that pass began with, under the same UIDVALIDITY."""
    return (
        modseq is not None
        and state is not None
        and state.uidvalidity == uidvalidity
        and state.highest_modseq == modseq
    )


class MailboxWorker:
    def __init__(
        self,
        store: Store,
        mailbox_id: uuid.UUID,
        secrets: Secrets,
        holder: str,
        parser: Executor | None = None,
        on_progress: ProgressCallback | None = None,
        lease_ttl: timedelta = leases.MAILBOX_TTL,
    ) -> None:
        self.store = store
        self.mailbox_id = mailbox_id
        self.secrets = secrets
        self.holder = holder
        self.parser = parser
        self.on_progress = on_progress
        self.lease_ttl = lease_ttl
        self.resource = f"mailbox:{mailbox_id}"
        # Moving to the processed folder (see processed.py): a sweep of leftovers is due
        # on every new connection (a crash may have struck between commit and move) and
        # after a failed move; a failed move stops the pass's other moves and is kept
        # as the pass's error (ingest goes on regardless).
        self._sweep_due = True
        self._move_error: str | None = None
        self._folder_ready = False

    def load_mailbox(self) -> tuple[Mailbox, MailboxState | None]:
        with self.store.read() as session:
            mailbox = session.get(Mailbox, self.mailbox_id)
            if mailbox is None:
                raise LookupError(f"mailbox {self.mailbox_id} was removed")
            return mailbox, session.get(MailboxState, self.mailbox_id)

    def _renew(self, session: Session) -> int:
        epoch = leases.acquire(session, self.resource, "mailbox", self.holder, self.lease_ttl)
        if epoch is None:
            raise LeaseLost(f"mailbox {self.mailbox_id} is fetched by another engine")
        return epoch

    def _take_lease(self) -> int:
        with self.store.write() as session:
            return self._renew(session)

    def release(self) -> None:
        with self.store.write() as session:
            leases.release(session, self.resource, self.holder)

    def fetch_new(self, client: IMAPClient) -> list[Outcome]:
        """One pass: everything above the cursor, in UID order, a batch per transaction.

        While the parser pool works on one batch, this thread commits the previous one
        and fetches the next. Big mails go alone, streamed through temporary files.
        """
        mailbox, state = self.load_mailbox()
        # Moving mail out needs the folder read-write (EXAMINE refuses MOVE and STORE).
        info = client.select_folder(mailbox.folder, readonly=not mailbox.processed_folder)
        uidvalidity = int(info[b"UIDVALIDITY"])
        modseq = _modseq(info)
        self._move_error, self._folder_ready = None, False
        if mailbox.processed_folder and self._sweep_due:
            # Before the mod-sequence shortcut: a leftover from a crash changes nothing
            # the shortcut sees. Our own moves raise the folder's mod-sequence, which
            # costs the next pass one SEARCH that finds nothing; never a missed mail.
            self._sweep(client, mailbox, state, uidvalidity)
        if unchanged(state, uidvalidity, modseq):
            self._record_success(uidvalidity, modseq)
            return []
        last = state.last_uid if state and state.uidvalidity == uidvalidity else 0
        # "last+1:*" always matches the newest mail even when it is not newer: filter.
        uids = sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)
        progress = Progress(mailbox.name, total=len(uids))
        outcomes: list[Outcome] = []
        pending: _Parsing | None = None

        def commit(batch: _Parsing | None) -> None:
            if batch is None or not batch.fetched:  # nothing, or expunged meanwhile
                return
            outcomes.extend(self._commit(mailbox, uidvalidity, batch.items()))
            self._move(client, mailbox, [f.uid for f in batch.fetched])
            progress.done += len(batch.fetched)
            if self.on_progress:
                self.on_progress(progress)

        for batch in _batches(uids, BATCH):
            self._take_lease()  # renews; raises when another engine took over
            for small, big in _split_big(client, batch):
                parsing = self._parse(self._fetch(client, small)) if small else None
                commit(pending)  # the previous batch, while the pool parses this one
                pending = parsing
                if big:
                    commit(pending)
                    pending = None
                    outcomes.extend(self._big(client, mailbox, uidvalidity, big))
                    self._move(client, mailbox, [big])
                    progress.done += 1
        commit(pending)
        # The modseq from before the search: a mail that came after it has a higher one,
        # so the next pass searches again.
        self._record_success(uidvalidity, modseq)
        return outcomes

    def _move(self, client: IMAPClient, mailbox: Mailbox, uids: list[int]) -> None:
        """Move committed mails to the processed folder. A failure never undoes or holds
        back ingest: it is logged, kept as the mailbox's error, and the pass's other
        moves are left to the sweep of the next pass (no error per batch)."""
        folder = mailbox.processed_folder
        if not folder or not uids or self._move_error is not None:
            return
        try:
            processed.move(client, uids, folder, create=not self._folder_ready)
            self._folder_ready = True
        except Exception as exc:  # the server refused, or the connection broke
            self._failed(mailbox, exc)

    def _failed(self, mailbox: Mailbox, exc: Exception) -> None:
        log.warning(
            "mailbox %s: ingested mail not moved to %s: %s",
            mailbox.name,
            mailbox.processed_folder,
            exc,
        )
        self._move_error = processed.error_text(exc)
        self._sweep_due = True

    def _sweep(
        self, client: IMAPClient, mailbox: Mailbox, state: MailboxState | None, uidvalidity: int
    ) -> None:
        """Move what a crash or a failed move left behind: mails up to the cursor still in
        the folder, when they are in the ledger under the folder's current UIDVALIDITY."""
        self._sweep_due = False
        if state is None or not state.last_uid or state.uidvalidity != uidvalidity:
            return  # after a UIDVALIDITY change these UIDs name other mails: never move them
        try:
            processed.usable_method(client)  # no way to move: say why, search nothing
            known = self._leftovers(client, mailbox, state.last_uid, uidvalidity)
        except Exception as exc:  # a sweep that fails never holds back the fetch
            self._failed(mailbox, exc)
            return
        if known:
            log.info("mailbox %s: moving %d leftover mail(s)", mailbox.name, len(known))
            self._move(client, mailbox, known)

    def _leftovers(
        self, client: IMAPClient, mailbox: Mailbox, last: int, uidvalidity: int
    ) -> list[int]:
        found = [u for u in client.search(["UID", f"1:{last}"]) if u <= last]
        if not found:
            return []
        with self.store.read() as session:
            ledger = set(
                session.scalars(
                    select(InboundMail.uid).where(
                        InboundMail.mailbox_id == mailbox.id,
                        InboundMail.uidvalidity == uidvalidity,
                        InboundMail.uid <= last,
                    )
                )
            )
        known = [u for u in found if u in ledger]
        if len(known) < len(found):  # not expected: the cursor passes committed mail only
            log.warning(
                "mailbox %s: %d mail(s) below the cursor are not in the ledger; left in %s",
                mailbox.name,
                len(found) - len(known),
                mailbox.folder,
            )
        return known

    def _fetch(self, client: IMAPClient, uids: list[int]) -> list[Fetched]:
        return [
            Fetched(uid, data[b"BODY[]"])
            for uid, data in sorted(client.fetch(uids, ["BODY.PEEK[]"]).items())
            if b"BODY[]" in data
        ]

    def _parse(self, fetched: list[Fetched]) -> _Parsing:
        raws = [f.raw for f in fetched]
        if self.parser is not None:
            try:
                return _Parsing(fetched, self.parser.map(try_parse, raws, chunksize=PARSE_CHUNK))
            except BrokenExecutor:
                log.warning("mailbox %s: the parser pool is broken; parsing here", self.mailbox_id)
                self.parser = None
        return _Parsing(fetched, [try_parse(r) for r in raws])

    def _big(
        self, client: IMAPClient, mailbox: Mailbox, uidvalidity: int, uid: int
    ) -> list[Outcome]:
        """A big mail: fetched piece by piece into a file, parsed from it, big parts spooled."""
        with tempfile.TemporaryDirectory(prefix="desk-mail-") as tmp:
            path = Path(tmp) / "raw.eml"
            if not fetch_to_file(client, uid, path):
                return []  # expunged meanwhile
            fetched = Fetched(uid, b"", path)
            parsed = try_parse_file(path, Path(tmp))
            return self._commit(mailbox, uidvalidity, [(fetched, parsed)])

    def _commit(
        self, mailbox: Mailbox, uidvalidity: int, items: list[tuple[Fetched, Any]]
    ) -> list[Outcome]:
        """Commit a batch; a batch that fails goes mail by mail, so one bad mail never
        holds back the others, and a mail that cannot be stored as parsed is stored raw
        and flagged (never dropped, never retried forever)."""
        try:
            return self._write(mailbox, uidvalidity, items)
        except (LeaseLost, OperationalError, InterfaceError):  # not this mail's fault: stop
            raise
        except Exception as exc:
            if len(items) > 1:
                log.warning("mailbox %s: batch failed (%s); mail by mail", mailbox.name, exc)
                return [o for item in items for o in self._commit(mailbox, uidvalidity, [item])]
            [(fetched, parsed)] = items
            log.warning(
                "mailbox %s: UID %d not stored as parsed: %s", mailbox.name, fetched.uid, exc
            )
            reason = f"not stored as parsed: {type(exc).__name__}: {exc}"[:500]
            if isinstance(parsed, ParseFailure | KeptRaw):
                # Even the flagged raw ticket failed: keep the bytes and the ledger row.
                return self._write(mailbox, uidvalidity, [(fetched, KeptRaw(reason))])
            failure = ParseFailure(reason, parsed.subject or None, parsed.from_addr)
            return self._commit(mailbox, uidvalidity, [(fetched, failure)])

    def _write(
        self, mailbox: Mailbox, uidvalidity: int, items: list[tuple[Fetched, Any]]
    ) -> list[Outcome]:
        clock = self.store.clock  # first use writes the node id: not inside our transaction
        # The log is copied back into the store on another thread while the next batch
        # is fetched and written: at SQLite's log limit the commit would do it and wait
        # for the disk first (10,000 mails: the commits took ~1 s, now ~0.55 s).
        with self.store.write(checkpoint=False) as session:
            # The lease is renewed in the same transaction as the mails: on PostgreSQL the
            # lease row stays locked until commit, so no other engine can take it over
            # between this check and the commit, and a holder that lost it writes nothing.
            self._renew(session)
            outcomes = ingest_batch(session, clock.now, mailbox, uidvalidity, items)
            new = sum(1 for o in outcomes if o.reason != ALREADY)
            advance_cursor(session, mailbox.id, uidvalidity, items[-1][0].uid, new)
        self.store.checkpoint_soon()
        return outcomes

    def _state(self, session: Session) -> MailboxState:
        state = session.get(MailboxState, self.mailbox_id)
        if state is None:
            state = MailboxState(mailbox_id=self.mailbox_id, last_uid=0, ingested=0)
            session.add(state)
        return state

    def _record_success(self, uidvalidity: int, modseq: int | None) -> None:
        # Also for a pass that found nothing: an empty mailbox is a healthy one.
        with self.store.write() as session:
            state = self._state(session)
            state.last_success_at = utcnow()
            # A failed move is the pass's error although ingest succeeded: shown where the
            # mailbox's errors are (mailbox list, the settings dialog) until a sweep works.
            state.last_error = self._move_error
            if self._move_error is not None:
                state.last_error_at = state.last_success_at
            if state.uidvalidity in (None, uidvalidity):  # else the cursor moves first
                state.uidvalidity = uidvalidity
                state.highest_modseq = modseq

    def record_error(self, error: BaseException) -> None:
        with self.store.write() as session:
            state = self._state(session)
            state.last_error = f"{type(error).__name__}: {error}"
            state.last_error_at = utcnow()

    def run_once(self) -> list[Outcome]:
        mailbox, _ = self.load_mailbox()
        self._take_lease()
        client = connect(mailbox, self.secrets)
        self._sweep_due = True
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
                mailbox, _ = self.load_mailbox()
                self._take_lease()
                client = connect(mailbox, self.secrets)
                self._sweep_due = True
                backoff = 1.0
                while not stop.is_set():
                    # Mail arriving during a pass is announced (EXISTS) in that pass's
                    # responses, which imapclient drops, so IDLE would not report it:
                    # fetch until a pass finds nothing, then idle.
                    while self.fetch_new(client) and not stop.is_set():
                        pass
                    self._wait_for_mail(client, stop, poll_s)
            except LeaseLost:
                stop.wait(self.lease_ttl.total_seconds() / 2)
            except Exception as exc:  # network, server, database: retry, never give up
                log.warning("mailbox %s: %s; retrying in %.0f s", self.mailbox_id, exc, backoff)
                with contextlib.suppress(Exception):  # the database may be what failed
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
                if time.monotonic() - renewed >= self.lease_ttl.total_seconds() / 3:
                    self._take_lease()
                    renewed = time.monotonic()
        finally:
            client.idle_done()
