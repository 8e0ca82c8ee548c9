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
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desk_gui.models.mailbox import Mailbox, Security
from desk_gui.models.outbound import MailboxOutbound, OutboundMail, OutboundState
from desk_gui.models.store import Store

from ..leases import db_now
from ..secrets import Secrets, mailbox_account
from . import sent_folder
from .compose import ComposeError, compose, outgoing_for, to_bytes

log = logging.getLogger(__name__)

CLAIM_TTL = timedelta(minutes=5)
BATCH = 50
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


class SmtpConfigError(Exception):
    """The mailbox cannot send as configured (no host, no password)."""


class TemporaryFailure(Exception):
    """Try again later (4xx, the server unreachable, the connection lost)."""


class PermanentFailure(Exception):
    """The server refused the mail for good (5xx)."""


def connect_smtp(mailbox: Mailbox, secrets: Secrets, timeout: float = 30.0) -> smtplib.SMTP:
    if not mailbox.smtp_host:
        raise SmtpConfigError(f"mailbox {mailbox.name!r} has no SMTP host")
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
                raise SmtpConfigError(f"no SMTP password stored for mailbox {mailbox.name!r}")
            smtp.login(mailbox.smtp_user, password)
    except BaseException:
        with contextlib.suppress(Exception):
            smtp.close()
        raise
    return smtp


# --- claiming ----------------------------------------------------------------------------


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
            reason="interrupted while sending: checking the Sent folder before sending again",
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
    down: str | None = None  # the server could not be reached in this drain: why
    folders: sent_folder.SentFolder | None = None


class Sender:
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
                with self.store.write() as session:
                    ids = claim(session, self.holder, batch, self.claim_ttl)
                if not ids:
                    break
                for row_id in ids:
                    self._one(row_id, report)
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

    def _one(self, row_id: uuid.UUID, report: DrainReport) -> None:
        try:
            with self.store.read() as session:
                row = session.get(OutboundMail, row_id)
                if row is None or row.claimed_by != self.holder:
                    return  # taken over by another sender after our lease ran out
                box = self._box(session, row.mailbox_id)
                if row.interrupted and self._already_sent(box, row, report):
                    return
                outgoing = outgoing_for(session, row, box.mailbox)
                raw = to_bytes(compose(outgoing))
            refused = self._send(box, outgoing.from_addr, outgoing.recipients, raw)
        except TemporaryFailure as exc:
            self._finish(row_id, report, retry=str(exc))
            return
        except (PermanentFailure, ComposeError) as exc:
            self._finish(row_id, report, failed=str(exc))
            return
        except SmtpConfigError as exc:
            self._finish(row_id, report, retry=str(exc))
            return
        note = None
        if refused:
            note = "some recipients refused: " + "; ".join(
                f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in refused.items()
            )
        if box.settings.append_sent:
            try:
                self._folders(box).append(raw)
            except Exception as exc:  # the mail went out: a missing copy is only noted
                note = f"{note + '; ' if note else ''}no copy in Sent: {exc}"
        self._finish(row_id, report, sent=True, note=note)

    def _already_sent(self, box: _Box, row: OutboundMail, report: DrainReport) -> bool:
        """Whether an interrupted send is in the Sent folder (then it is marked sent)."""
        if not box.mailbox.imap_host:
            self._finish(
                row.id,
                report,
                failed="interrupted while sending and the mailbox has no IMAP Sent folder to "
                "check: it may have been sent; look, then retry or cancel",
            )
            return True
        try:
            found = self._folders(box).contains(row.message_id_header)
        except Exception as exc:
            self._finish(row.id, report, retry=f"cannot check the Sent folder: {exc}")
            return True
        if found:
            self._finish(row.id, report, sent=True, note="found in the Sent folder", found=True)
            return True
        return False

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
            except smtplib.SMTPAuthenticationError as exc:
                box.down = f"SMTP login refused: {exc.smtp_code} {_text(exc.smtp_error)}"
                raise TemporaryFailure(box.down) from None
            except smtplib.SMTPResponseException as exc:
                box.down = f"SMTP server refused: {exc.smtp_code} {_text(exc.smtp_error)}"
                raise TemporaryFailure(box.down) from None
            except (OSError, smtplib.SMTPException) as exc:
                where = f"{box.mailbox.smtp_host}:{box.mailbox.smtp_port or ''}".rstrip(":")
                box.down = f"cannot reach the SMTP server {where}: {exc}"
                raise TemporaryFailure(box.down) from None
        return box.smtp

    def _send(
        self, box: _Box, sender: str, recipients: list[str], raw: bytes
    ) -> dict[str, tuple[int, bytes]]:
        smtp = self._connection(box)
        try:
            return smtp.sendmail(sender, recipients, raw)
        except smtplib.SMTPRecipientsRefused as exc:
            _reset(smtp)
            codes = {code for code, _ in exc.recipients.values()}
            why = "; ".join(f"{a}: {c} {_text(m)}" for a, (c, m) in exc.recipients.items())
            if any(400 <= c < 500 for c in codes):
                raise TemporaryFailure(f"recipients deferred: {why}") from None
            raise PermanentFailure(f"recipients refused: {why}") from None
        except smtplib.SMTPResponseException as exc:  # sender refused, data refused...
            _reset(smtp)
            why = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            if 400 <= exc.smtp_code < 500:
                raise TemporaryFailure(f"server said: {why}") from None
            raise PermanentFailure(f"server refused: {why}") from None
        except (OSError, smtplib.SMTPException) as exc:  # connection lost mid-way
            box.smtp = None
            with contextlib.suppress(Exception):
                smtp.close()
            raise TemporaryFailure(f"connection lost while sending: {exc}") from None

    def _finish(
        self,
        row_id: uuid.UUID,
        report: DrainReport,
        *,
        sent: bool = False,
        retry: str | None = None,
        failed: str | None = None,
        note: str | None = None,
        found: bool = False,
    ) -> None:
        with self.store.write() as session:
            row = session.get(OutboundMail, row_id, populate_existing=True)
            if row is None or row.claimed_by != self.holder:
                return
            now = db_now(session)
            row.claimed_by, row.claim_expires_at = None, None
            if sent:
                row.state, row.sent_at, row.reason = OutboundState.SENT, now, note
                row.interrupted = False
                if found:
                    report.found_in_sent += 1
                else:
                    report.sent += 1
            elif retry is not None and row.attempts < MAX_ATTEMPTS:
                row.state, row.reason = OutboundState.QUEUED, retry
                row.next_attempt_at = now + backoff(row.attempts)
                report.retrying += 1
            else:
                row.state = OutboundState.FAILED
                row.reason = failed or f"gave up after {row.attempts} attempts: {retry}"
                report.failed += 1
            # Our other claimed rows are still being worked on: keep their lease fresh.
            session.execute(
                update(OutboundMail)
                .where(
                    OutboundMail.claimed_by == self.holder,
                    OutboundMail.state == OutboundState.SENDING,
                )
                .values(claim_expires_at=now + self.claim_ttl)
                .execution_options(synchronize_session=False)
            )


def _reset(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(Exception):
        smtp.rset()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield


def due_count(store: Store, now: datetime | None = None) -> int:
    with store.read() as session:
        moment = now or db_now(session)
        return len(
            session.scalars(
                select(OutboundMail.id).where(
                    OutboundMail.state == OutboundState.QUEUED,
                    OutboundMail.next_attempt_at <= moment,
                )
            ).all()
        )
