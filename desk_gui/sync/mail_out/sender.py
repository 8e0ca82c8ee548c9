"""The SMTP sender: claim queued mail, send it over one connection per mailbox, record.

Claiming: `FOR UPDATE SKIP LOCKED` on PostgreSQL (several engines drain side by side),
the write lock (BEGIN IMMEDIATE) on SQLite; either way a claimed row carries a lease
(`claimed_by`, `claim_expires_at` by the database clock). A row still "sending" after
its lease expired belonged to a sender that died mid-send: before it is sent again its
Message-ID is looked up in the mailbox's Sent folder over IMAP.

Outcomes: 2xx sent; 4xx and connection trouble back to the queue with backoff and the
reason; 5xx failed with the reason (visible in the ticket, `outbox retry` sends again).
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import ssl
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk_gui.models.blob import Blob, BlobChunk
from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.mailbox import Mailbox, Security
from desk_gui.models.message import Message
from desk_gui.models.outbound import MailboxOutbound, OutboundMail, OutboundState
from desk_gui.models.reason import Reason, ReasonedError, joined, reason, stored
from desk_gui.models.store import Store

from ..leases import db_now
from ..secrets import Secrets, mailbox_account
from . import sent_folder
from .compose import ComposeError, raw_for

log = logging.getLogger(__name__)

CLAIM_TTL = timedelta(minutes=5)
BATCH = 100
SMALL_RAW = 64 * 1024  # raw mails up to this size are read with their batch
MAX_ATTEMPTS = 12  # about a day of temporary failures with the backoff below
DEFAULT_PORTS = {Security.SSL: 465, Security.STARTTLS: 587, Security.NONE: 25}


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes, at most 2 hours between attempts."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 7200))


@dataclass
class DrainReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    found_in_sent: int = 0  # interrupted sends that had gone out: not sent again
    acks_queued: int = 0
    notifications: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.found_in_sent


class SmtpConfigError(ReasonedError):
    """The mailbox cannot send as configured (no host, no password)."""


class TemporaryFailure(ReasonedError):
    """Try again later (4xx, the server unreachable, the connection lost)."""

    def __init__(self, why: Reason, maybe_sent: bool = False) -> None:
        super().__init__(why)
        # The connection broke mid-transaction: the server may have taken the mail.
        self.maybe_sent = maybe_sent


class PermanentFailure(ReasonedError):
    """The server refused the mail for good (5xx)."""


def connect_smtp(mailbox: Mailbox, secrets: Secrets, timeout: float = 30.0) -> smtplib.SMTP:
    if not mailbox.smtp_host:
        raise SmtpConfigError(
            reason(
                QT_TRANSLATE_NOOP("Reason", "mailbox {name} has no SMTP host"), name=mailbox.name
            )
        )
    security = mailbox.smtp_security
    port = mailbox.smtp_port or DEFAULT_PORTS[security]
    context = ssl.create_default_context()
    local = socket.getfqdn()
    smtp: smtplib.SMTP
    if security is Security.SSL:
        smtp = smtplib.SMTP_SSL(
            mailbox.smtp_host, port, local_hostname=local, timeout=timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(mailbox.smtp_host, port, local_hostname=local, timeout=timeout)
    try:
        smtp.ehlo()
        if security is Security.STARTTLS:
            smtp.starttls(context=context)
            smtp.ehlo()
        if mailbox.smtp_user:
            password = secrets.get(mailbox_account(mailbox.name, "smtp"))
            if password is None:
                raise SmtpConfigError(
                    reason(
                        QT_TRANSLATE_NOOP("Reason", "no SMTP password stored for mailbox {name}"),
                        name=mailbox.name,
                    )
                )
            smtp.login(mailbox.smtp_user, password)
    except BaseException:
        with contextlib.suppress(Exception):
            smtp.close()
        raise
    return smtp


# --- claiming ----------------------------------------------------------------------------


_INTERRUPTED = reason(
    QT_TRANSLATE_NOOP(
        "Reason", "interrupted while sending: checking the Sent folder before sending again"
    )
)


def claim(
    session: Session, holder: str, limit: int = BATCH, ttl: timedelta = CLAIM_TTL
) -> list[uuid.UUID]:
    """Take up to `limit` due rows for this sender; rows of dead senders come back first."""
    now = db_now(session)
    # A sender died mid-send: its row is due again, but must be looked up in Sent first.
    session.execute(
        update(OutboundMail)
        .where(
            OutboundMail.state == OutboundState.SENDING,
            OutboundMail.claim_expires_at < now,
        )
        .values(
            state=OutboundState.QUEUED,
            interrupted=True,
            claimed_by=None,
            next_attempt_at=now,
            reason=stored(_INTERRUPTED),
        )
        .execution_options(synchronize_session=False)
    )
    query = (
        select(OutboundMail.id)
        .where(OutboundMail.state == OutboundState.QUEUED, OutboundMail.next_attempt_at <= now)
        .order_by(OutboundMail.next_attempt_at, OutboundMail.created_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(OutboundMail)
            .where(OutboundMail.id.in_(ids))
            .values(
                state=OutboundState.SENDING,
                claimed_by=holder,
                claim_expires_at=now + ttl,
                attempts=OutboundMail.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
    return ids


# --- one drain ---------------------------------------------------------------------------


@dataclass
class _Box:
    """A mailbox's settings and its connections for the length of one drain."""

    mailbox: Mailbox
    settings: MailboxOutbound
    smtp: smtplib.SMTP | None = None
    down: Reason | None = None  # the server could not be reached in this drain: why
    folders: sent_folder.SentFolder | None = None


@dataclass
class _Claimed:
    id: uuid.UUID
    mailbox_id: uuid.UUID
    message_id: str
    interrupted: bool
    recipients: list[str]
    raw_sha256: str | None
    raw: bytes | None = None  # loaded with the batch when small


@dataclass(frozen=True)
class _Outcome:
    id: uuid.UUID
    sent: bool = False
    retry: Reason | None = None
    failed: Reason | None = None
    note: Reason | None = None
    found: bool = False
    maybe_sent: bool = False  # look in Sent before the next attempt


class Sender:
    """Drains the outbox: batches of claimed rows, one SMTP connection per mailbox.

    Outcomes are committed once per batch: a crash before that leaves the batch in
    "sending" with an expiring lease, and the next drain looks each one up in Sent.
    """

    def __init__(
        self,
        store: Store,
        secrets: Secrets,
        holder: str,
        claim_ttl: timedelta = CLAIM_TTL,
        timeout: float = 30.0,
    ) -> None:
        self.store = store
        self.secrets = secrets
        self.holder = holder
        self.claim_ttl = claim_ttl
        self.timeout = timeout
        self.boxes: dict[uuid.UUID, _Box] = {}

    def drain(self, report: DrainReport, limit: int | None = None) -> DrainReport:
        try:
            while limit is None or report.handled < limit:
                batch = BATCH if limit is None else min(BATCH, limit - report.handled)
                claimed = self._claim(batch)
                if not claimed:
                    break
                renew_at = time.monotonic() + self.claim_ttl.total_seconds() / 3
                outcomes: list[_Outcome] = []
                for i, row in enumerate(claimed):
                    if time.monotonic() > renew_at:  # a slow server: keep the rest ours
                        self._renew([r.id for r in claimed[i:]])
                        renew_at = time.monotonic() + self.claim_ttl.total_seconds() / 3
                    outcomes.append(self._one(row))
                self._record(outcomes, report)
        finally:
            self.close()
        return report

    def close(self) -> None:
        for box in self.boxes.values():
            if box.smtp is not None:
                with contextlib.suppress(Exception):
                    box.smtp.quit()
                box.smtp = None
            if box.folders is not None:
                box.folders.close()
                box.folders = None
        self.boxes.clear()

    def _claim(self, batch: int) -> list[_Claimed]:
        """Claim a batch and read what sending it needs in one read transaction."""
        with self.store.write() as session:
            ids = claim(session, self.holder, batch, self.claim_ttl)
        if not ids:
            return []
        with self.store.read() as session:
            rows = session.execute(
                select(
                    OutboundMail.id,
                    OutboundMail.mailbox_id,
                    OutboundMail.message_id_header,
                    OutboundMail.interrupted,
                    OutboundMail.bcc_addrs,
                    Message.to_addrs,
                    Message.cc_addrs,
                    Message.raw_sha256,
                )
                .join(Message, Message.id == OutboundMail.message_uuid)
                .where(OutboundMail.id.in_(ids))
            )
            found = {
                r.id: _Claimed(
                    r.id,
                    r.mailbox_id,
                    r.message_id_header,
                    bool(r.interrupted),
                    list(dict.fromkeys([*r.to_addrs, *r.cc_addrs, *r.bcc_addrs])),
                    r.raw_sha256,
                )
                for r in rows
            }
            _load_small_raws(session, list(found.values()))
            for mailbox_id in {c.mailbox_id for c in found.values()}:
                self._box(session, mailbox_id)
        return [found[i] for i in ids if i in found]

    def _renew(self, ids: list[uuid.UUID]) -> None:
        with self.store.write() as session:
            session.execute(
                update(OutboundMail)
                .where(
                    OutboundMail.id.in_(ids),
                    OutboundMail.claimed_by == self.holder,
                    OutboundMail.state == OutboundState.SENDING,
                )
                .values(claim_expires_at=db_now(session) + self.claim_ttl)
                .execution_options(synchronize_session=False)
            )

    def _box(self, session: Session, mailbox_id: uuid.UUID) -> _Box:
        box = self.boxes.get(mailbox_id)
        if box is None:
            mailbox = session.get(Mailbox, mailbox_id)
            assert mailbox is not None  # a foreign key
            settings = session.get(MailboxOutbound, mailbox_id) or MailboxOutbound(
                mailbox_id=mailbox_id, append_sent=False, sent_folder=None, ack_per_hour=3
            )
            box = self.boxes[mailbox_id] = _Box(mailbox, settings)
        return box

    def _one(self, claimed: _Claimed) -> _Outcome:
        box = self.boxes[claimed.mailbox_id]
        if claimed.interrupted:
            checked = self._check_sent(box, claimed)
            if checked is not None:
                return checked
        try:
            if not box.mailbox.from_addr:
                raise SmtpConfigError(
                    reason(
                        QT_TRANSLATE_NOOP("Reason", "mailbox {name} has no sender address"),
                        name=box.mailbox.name,
                    )
                )
            raw = claimed.raw if claimed.raw is not None else self._raw(claimed, box)
            refused = self._send(box, box.mailbox.from_addr, claimed.recipients, raw)
        except TemporaryFailure as exc:
            return _Outcome(claimed.id, retry=exc.reason, maybe_sent=exc.maybe_sent)
        except SmtpConfigError as exc:
            return _Outcome(claimed.id, retry=exc.reason)
        except (PermanentFailure, ComposeError) as exc:
            return _Outcome(claimed.id, failed=exc.reason)
        note = None
        if refused:
            who = "; ".join(
                f"{addr}: {code} {_text(msg_)}" for addr, (code, msg_) in refused.items()
            )
            note = reason(QT_TRANSLATE_NOOP("Reason", "some recipients refused: {who}"), who=who)
        if box.settings.append_sent:
            try:
                self._folders(box).append(raw)
            except Exception as exc:  # the mail went out: a missing copy is only noted
                missing = reason(
                    QT_TRANSLATE_NOOP("Reason", "no copy in Sent: {error}"), error=str(exc)
                )
                note = joined(note, missing)
        return _Outcome(claimed.id, sent=True, note=note)

    def _raw(self, claimed: _Claimed, box: _Box) -> bytes:
        with self.store.read() as session:
            row = session.get(OutboundMail, claimed.id)
            if row is None:
                raise PermanentFailure(
                    reason(QT_TRANSLATE_NOOP("Reason", "the outgoing mail was removed"))
                )
            return raw_for(session, row, box.mailbox)

    def _check_sent(self, box: _Box, claimed: _Claimed) -> _Outcome | None:
        """An interrupted send: found in Sent (done), not found (None: send), unknown."""
        if not box.mailbox.imap_host:
            return _Outcome(
                claimed.id,
                failed=reason(
                    QT_TRANSLATE_NOOP(
                        "Reason",
                        "interrupted while sending and the mailbox has no IMAP Sent folder "
                        "to check: it may have been sent; look, then retry or cancel",
                    )
                ),
            )
        try:
            found = self._folders(box).contains(claimed.message_id)
        except Exception as exc:
            if box.folders is not None:
                box.folders.close()
                box.folders = None
            return _Outcome(
                claimed.id,
                retry=reason(
                    QT_TRANSLATE_NOOP("Reason", "cannot check the Sent folder: {error}"),
                    error=str(exc),
                ),
            )
        if found:
            there = reason(QT_TRANSLATE_NOOP("Reason", "found in the Sent folder"))
            return _Outcome(claimed.id, sent=True, note=there, found=True)
        return None

    def _folders(self, box: _Box) -> sent_folder.SentFolder:
        if box.folders is None:
            box.folders = sent_folder.SentFolder(box.mailbox, self.secrets, box.settings)
        return box.folders

    def _connection(self, box: _Box) -> smtplib.SMTP:
        if box.down is not None:
            raise TemporaryFailure(box.down)
        if box.smtp is None:
            try:
                box.smtp = connect_smtp(box.mailbox, self.secrets, self.timeout)
            except smtplib.SMTPResponseException as exc:  # login refused is one of them
                said = (
                    QT_TRANSLATE_NOOP("Reason", "SMTP login refused: {answer}")
                    if isinstance(exc, smtplib.SMTPAuthenticationError)
                    else QT_TRANSLATE_NOOP("Reason", "SMTP server refused: {answer}")
                )
                box.down = reason(said, answer=f"{exc.smtp_code} {_text(exc.smtp_error)}")
                raise TemporaryFailure(box.down) from None
            except (OSError, smtplib.SMTPException) as exc:
                where = f"{box.mailbox.smtp_host}:{box.mailbox.smtp_port or ''}".rstrip(":")
                box.down = reason(
                    QT_TRANSLATE_NOOP("Reason", "cannot reach the SMTP server {where}: {error}"),
                    where=where,
                    error=str(exc),
                )
                raise TemporaryFailure(box.down) from None
        return box.smtp

    def _send(
        self, box: _Box, sender: str, recipients: list[str], raw: bytes
    ) -> dict[str, tuple[int, bytes]]:
        smtp = self._connection(box)
        phase = ["envelope"]
        try:
            return _transaction(smtp, sender, recipients, raw, phase)
        except smtplib.SMTPRecipientsRefused as exc:
            _reset(smtp)
            codes = {code for code, _ in exc.recipients.values()}
            why = "; ".join(f"{a}: {c} {_text(m)}" for a, (c, m) in exc.recipients.items())
            if any(400 <= c < 500 for c in codes):
                raise TemporaryFailure(
                    reason(QT_TRANSLATE_NOOP("Reason", "recipients deferred: {who}"), who=why)
                ) from None
            raise PermanentFailure(
                reason(QT_TRANSLATE_NOOP("Reason", "recipients refused: {who}"), who=why)
            ) from None
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused...
            _reset(smtp)
            why = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            if 400 <= exc.smtp_code < 500:
                raise TemporaryFailure(
                    reason(QT_TRANSLATE_NOOP("Reason", "server said: {answer}"), answer=why)
                ) from None
            raise PermanentFailure(
                reason(QT_TRANSLATE_NOOP("Reason", "server refused: {answer}"), answer=why)
            ) from None
        except (OSError, smtplib.SMTPException) as exc:  # the connection broke
            box.smtp = None
            with contextlib.suppress(Exception):
                smtp.close()
            # Lost while the message itself was on its way: the server may have it.
            maybe_sent = phase[0] == "data"
            lost = reason(
                QT_TRANSLATE_NOOP("Reason", "connection lost while sending: {error}"),
                error=str(exc),
            )
            raise TemporaryFailure(lost, maybe_sent) from None

    def _record(self, outcomes: list[_Outcome], report: DrainReport) -> None:
        if not outcomes:
            return
        with self.store.write() as session:
            now = db_now(session)
            rows = {
                r.id: r
                for r in session.scalars(
                    select(OutboundMail)
                    .where(OutboundMail.id.in_([o.id for o in outcomes]))
                    .execution_options(populate_existing=True)
                )
            }
            for outcome in outcomes:
                row = rows.get(outcome.id)
                if row is None or row.claimed_by != self.holder:
                    continue  # our lease ran out and another sender took it over
                _apply(row, outcome, now, report)


def _load_small_raws(session: Session, claimed: list[_Claimed]) -> None:
    """The raw mails of a batch in one query, when they are small (most replies are)."""
    shas = {c.raw_sha256 for c in claimed if c.raw_sha256}
    small = set(
        session.scalars(select(Blob.sha256).where(Blob.sha256.in_(shas), Blob.size <= SMALL_RAW))
    )
    if not small:
        return
    chunks = session.execute(
        select(BlobChunk.sha256, BlobChunk.data)
        .where(BlobChunk.sha256.in_(small))
        .order_by(BlobChunk.sha256, BlobChunk.idx)
    )
    raws: dict[str, bytearray] = {}
    for sha, data in chunks:
        raws.setdefault(sha, bytearray()).extend(data)
    for c in claimed:
        if c.raw_sha256 in raws:
            c.raw = bytes(raws[c.raw_sha256])


def _apply(row: OutboundMail, outcome: _Outcome, now: datetime, report: DrainReport) -> None:
    row.claimed_by, row.claim_expires_at = None, None
    if outcome.sent:
        row.state, row.sent_at, row.reason = OutboundState.SENT, now, stored(outcome.note)
        row.interrupted = False
        if outcome.found:
            report.found_in_sent += 1
        else:
            report.sent += 1
    elif outcome.retry is not None and row.attempts < MAX_ATTEMPTS:
        row.state, row.reason = OutboundState.QUEUED, stored(outcome.retry)
        row.interrupted = row.interrupted or outcome.maybe_sent
        row.next_attempt_at = now + backoff(row.attempts)
        report.retrying += 1
    else:
        row.state = OutboundState.FAILED
        row.reason = stored(outcome.failed or _gave_up(row.attempts, outcome.retry))
        report.failed += 1


def _gave_up(attempts: int, last: Reason | None) -> Reason:
    return reason(
        QT_TRANSLATE_NOOP("Reason", "gave up after {n} attempts: {last}"),
        n=attempts,
        last=last or "",
    )


def _transaction(
    smtp: smtplib.SMTP, sender: str, recipients: list[str], raw: bytes, phase: list[str]
) -> dict[str, tuple[int, bytes]]:
    """smtplib.sendmail, step by step, so a broken connection tells how far it got."""
    options = [f"size={len(raw)}"] if smtp.does_esmtp and smtp.has_extn("size") else []
    code, resp = smtp.mail(sender, options)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, resp, sender)
    refused: dict[str, tuple[int, bytes]] = {}
    for rcpt in recipients:
        code, resp = smtp.rcpt(rcpt)
        if code not in (250, 251):
            refused[rcpt] = (code, resp)
        if code == 421:
            raise smtplib.SMTPRecipientsRefused(refused)
    if len(refused) == len(recipients):
        raise smtplib.SMTPRecipientsRefused(refused)
    phase[0] = "data"
    code, resp = smtp.data(raw)
    if code != 250:
        raise smtplib.SMTPDataError(code, resp)
    return refused


def _reset(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(Exception):
        smtp.rset()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
