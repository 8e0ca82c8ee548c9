"""Setting up mail intake without Qt: mailboxes, intake rules, spam block list, organizations.

The CLI and the settings dialog share these functions. Each refusal is an `AdminError`
whose message is one line a person can act on.

Removing a mailbox that mail was ingested from only *detaches* it (no IMAP host, no
password, the row and its exactly-once ledger kept): adding the same name again
re-attaches that row, so nothing already ingested is fetched or ticketed twice.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any

from imapclient import IMAPClient
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desk_gui.models import blob
from desk_gui.models.commands import Actor, run_in
from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.inbound import InboundMail, InboundState, IntakeRule, SpamList
from desk_gui.models.lease import Lease
from desk_gui.models.mailbox import Mailbox, MailboxState, Security
from desk_gui.models.outbound import MailboxOutbound
from desk_gui.models.party import Contact, ContractLevel, Group, Organization
from desk_gui.models.reason import Reason, ReasonedError, reason
from desk_gui.models.store import Store
from desk_gui.models.ticket import Priority, Ticket

from ..mime import try_parse
from ..secrets import SecretError, Secrets, env_name, mailbox_account
from . import processed, receive
from .engine import MailboxReport
from .imap import DEFAULT_PORTS, connect
from .ingest import Outcome

CAPABILITIES_OF_INTEREST = ("IDLE", "CONDSTORE", "UIDPLUS")
# Measured (2 shared cores, SQLite, mixed mails, ~100-160 mails/s end to end; writing, not
# parsing, is the limit): a 2-process parser pool (fork) gained nothing up to 400 mails and
# ~15 % at 2,000. Started with "spawn" it costs seconds to start. Big imports only.
BIG_IMPORT = 2000


class AdminError(ReasonedError):
    """A setting was refused or a mailbox cannot be reached; the message says why."""


class NoSecureKeyring(AdminError):
    """No secure keyring to keep the password in, and no opt-in to the environment."""


# --- mailboxes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MailboxSettings:
    name: str
    imap_host: str
    user: str
    imap_port: int | None = None
    security: Security = Security.SSL
    folder: str = "INBOX"
    group: str | None = None
    processed_folder: str | None = None  # None or "": ingested mail stays in `folder`


@dataclass(frozen=True)
class Added:
    mailbox_id: uuid.UUID
    reattached: bool  # a removed mailbox of that name came back, with its ledger
    ingested: int  # mails its ledger already holds (never fetched again)
    env_var: str | None  # the variable to set when the password comes from the environment


@dataclass(frozen=True)
class MailboxInfo:
    name: str
    imap_host: str | None
    imap_port: int | None
    security: Security
    user: str | None
    folder: str
    group: str | None
    password: str  # "keyring", "environment" or "missing"
    ingested: int
    spam: int
    last_success_at: datetime | None
    last_error: Reason | None
    last_error_at: datetime | None
    processed_folder: str | None = None

    @property
    def removed(self) -> bool:
        return self.imap_host is None


@dataclass(frozen=True)
class ConnectionCheck:
    host: str
    port: int
    security: Security
    user: str
    folder: str
    capabilities: dict[str, bool]
    messages: int
    uidvalidity: int
    uidnext: int | None
    processed: ProcessedCheck | None = None  # only for a mailbox that moves its mail


@dataclass(frozen=True)
class ProcessedCheck:
    """Can ingested mail be moved to the processed folder?"""

    folder: str
    existed: bool
    created: bool  # it did not exist and was created now (the worker would do it anyway)
    error: str | None  # the server's answer when it could not be created
    method: str | None  # "MOVE", "UIDPLUS" (COPY + UID EXPUNGE) or None: it cannot move

    @property
    def ok(self) -> bool:
        return (self.existed or self.created) and self.method is not None


@dataclass(frozen=True)
class Removed:
    detached: bool  # True: ledger kept (see the module docstring); False: row deleted
    ingested: int


def no_keyring_message(name: str) -> str:
    var = env_name(mailbox_account(name, "imap"))
    return (
        "no secure keyring is available on this system (no Secret Service, Keychain or "
        "Credential Locker), and Desk never stores passwords in plaintext. Run this where a "
        "keyring is unlocked (or set PYTHON_KEYRING_BACKEND to one you trust), or, for a "
        f"headless service, use --env-secret and give the service the password in {var}"
    )


def password_source(secrets: Secrets, name: str) -> str:
    account = mailbox_account(name, "imap")
    if os.environ.get(env_name(account)) is not None:
        return "environment"
    return "keyring" if secrets.get(account) is not None else "missing"


def _validated(settings: MailboxSettings) -> MailboxSettings:
    if not settings.name.strip() or not settings.imap_host.strip() or not settings.user.strip():
        raise AdminError(
            reason(QT_TRANSLATE_NOOP("Reason", "a mailbox needs a name, an IMAP host and a user"))
        )
    if settings.imap_port is not None and not 0 < settings.imap_port < 65536:
        raise AdminError(
            reason(QT_TRANSLATE_NOOP("Reason", "not a port: {port}"), port=settings.imap_port)
        )
    if not settings.folder.strip():
        raise AdminError(reason(QT_TRANSLATE_NOOP("Reason", "the folder must not be empty")))
    processed_folder = check_processed_folder(settings.folder, settings.processed_folder)
    return replace(settings, processed_folder=processed_folder)


def check_processed_folder(folder: str, processed: str | None) -> str | None:
    """The processed folder to store: None for none (empty), refused when it is the
    fetched folder itself (a move there would change nothing, forever) or too long."""
    name = (processed or "").strip()
    if not name:
        return None
    if name == folder.strip() or (name.upper() == "INBOX" == folder.strip().upper()):
        raise AdminError(
            reason(
                QT_TRANSLATE_NOOP(
                    "Reason", "the processed folder must differ from the fetched folder {folder}"
                ),
                folder=repr(folder.strip()),
            )
        )
    if len(name) > 255:
        raise AdminError(
            reason(QT_TRANSLATE_NOOP("Reason", "the processed folder name is too long"))
        )
    return name


def find_group(session: Session, name: str) -> Group:
    group = session.scalar(select(Group).where(func.lower(Group.name) == name.strip().lower()))
    if group is None:
        names = ", ".join(session.scalars(select(Group.name).order_by(Group.name)))
        raise AdminError(
            reason(
                QT_TRANSLATE_NOOP("Reason", "no group {name} (groups: {names})"),
                name=repr(name),
                names=names or reason(QT_TRANSLATE_NOOP("Reason", "none yet")),
            )
        )
    return group


def _ledger_count(session: Session, mailbox_id: uuid.UUID) -> int:
    count = select(func.count()).select_from(InboundMail)
    return session.scalar(count.where(InboundMail.mailbox_id == mailbox_id)) or 0


def add_mailbox(
    store: Store,
    secrets: Secrets,
    settings: MailboxSettings,
    password: str | None,
    *,
    env_secret: bool = False,
) -> Added:
    """Store a mailbox; its password goes to the keyring (or, opted in, the environment).

    Refused before anything is written when there is no secure keyring and no opt-in.
    """
    s = _validated(settings)
    account = mailbox_account(s.name, "imap")
    if env_secret and password is not None:
        raise AdminError("with the environment opt-in the password comes from the environment")
    if not env_secret and password is None:
        raise AdminError(reason(QT_TRANSLATE_NOOP("Reason", "a password is needed")))
    if not env_secret and not secrets.secure:
        raise NoSecureKeyring(no_keyring_message(s.name))
    hlc = store.clock.now()
    with store.write() as session:
        mailbox = session.scalar(select(Mailbox).where(_named(s.name)))
        if mailbox is not None and mailbox.imap_host is not None:
            raise AdminError(
                reason(
                    QT_TRANSLATE_NOOP("Reason", "a mailbox {name} exists already"),
                    name=repr(s.name),
                )
            )
        reattached = mailbox is not None
        if mailbox is None:
            mailbox = Mailbox()
            session.add(mailbox)
        mailbox.name = s.name.strip()  # a re-attached one takes the spelling used now
        mailbox.imap_host, mailbox.imap_port = s.imap_host.strip(), s.imap_port
        mailbox.imap_security, mailbox.imap_user = s.security, s.user.strip()
        mailbox.folder = s.folder.strip()
        mailbox.processed_folder = s.processed_folder
        mailbox.group_id = find_group(session, s.group).id if s.group else None
        mailbox.hlc = hlc
        session.flush()
        ingested = _ledger_count(session, mailbox.id) if reattached else 0
        if reattached:
            _forget_modseq(session, mailbox.id)
        if password is not None:
            # Inside the transaction: a keyring that refuses leaves no mailbox behind.
            try:
                secrets.set(account, password)
            except SecretError as exc:
                secrets.delete(account)  # not even the session-only copy
                raise NoSecureKeyring(no_keyring_message(s.name)) from exc
        mailbox_id = mailbox.id
    return Added(mailbox_id, reattached, ingested, env_name(account) if env_secret else None)


def update_mailbox(store: Store, settings: MailboxSettings) -> None:
    """New IMAP settings for an existing mailbox, found by name (which stays: the keyring
    entry and the intake rules refer to it). The cursor stays too: the same folder on a
    new host is recognised by its UIDVALIDITY, a different one is fetched from the start."""
    s = _validated(settings)
    mailbox_id = get_mailbox(store, s.name).id
    hlc = store.clock.now()
    with store.write() as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        mailbox.imap_host, mailbox.imap_port = s.imap_host.strip(), s.imap_port
        mailbox.imap_security, mailbox.imap_user = s.security, s.user.strip()
        mailbox.folder = s.folder.strip()
        mailbox.processed_folder = s.processed_folder
        mailbox.group_id = find_group(session, s.group).id if s.group else None
        mailbox.hlc = hlc
        _forget_modseq(session, mailbox_id)


def set_processed_folder(store: Store, name: str, folder: str | None) -> str | None:
    """Move ingested mail of a mailbox to `folder` from now on (None or "": keep it in
    the fetched folder); returns what is stored. A running worker picks it up with its
    next pass; mail ingested before is moved by the sweep of its next connection."""
    mailbox_id = get_mailbox(store, name).id
    hlc = store.clock.now()
    with store.write() as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        mailbox.processed_folder = check_processed_folder(mailbox.folder, folder)
        mailbox.hlc = hlc
        return mailbox.processed_folder


def _forget_modseq(session: Session, mailbox_id: uuid.UUID) -> None:
    """Another server or folder may number its changes differently: the next pass
    searches instead of trusting a mod-sequence that looks unchanged."""
    state = session.get(MailboxState, mailbox_id)
    if state is not None:
        state.highest_modseq = None


def set_password(store: Store, secrets: Secrets, name: str, password: str) -> None:
    """A new password for an existing mailbox (changed on the server, keyring reset)."""
    name = get_mailbox(store, name).name
    if not password:
        raise AdminError(reason(QT_TRANSLATE_NOOP("Reason", "the password must not be empty")))
    if not secrets.secure:
        raise NoSecureKeyring(no_keyring_message(name))
    try:
        secrets.set(mailbox_account(name, "imap"), password)
    except SecretError as exc:
        secrets.delete(mailbox_account(name, "imap"))
        raise NoSecureKeyring(no_keyring_message(name)) from exc


def list_mailboxes(
    store: Store, secrets: Secrets, *, include_removed: bool = False
) -> list[MailboxInfo]:
    with store.read() as session:
        query = select(Mailbox).order_by(Mailbox.name)
        if not include_removed:
            query = query.where(Mailbox.imap_host.is_not(None))
        boxes = list(session.scalars(query))
        counts = _state_counts(session)
        states = {st.mailbox_id: st for st in session.scalars(select(MailboxState))}
        groups = {gid: gname for gid, gname in session.execute(select(Group.id, Group.name))}
    out = []
    for box in boxes:
        st = states.get(box.id)
        per_state = counts.get(box.id, {})
        out.append(
            MailboxInfo(
                name=box.name,
                imap_host=box.imap_host,
                imap_port=box.imap_port or DEFAULT_PORTS[box.imap_security],
                security=box.imap_security,
                user=box.imap_user,
                folder=box.folder,
                group=groups.get(box.group_id) if box.group_id else None,
                password=password_source(secrets, box.name),
                ingested=sum(per_state.values()),
                spam=per_state.get(InboundState.SPAM, 0),
                last_success_at=st.last_success_at if st else None,
                last_error=explain(box, st.last_error) if st and st.last_error else None,
                last_error_at=st.last_error_at if st else None,
                processed_folder=box.processed_folder,
            )
        )
    return out


def _state_counts(session: Session) -> dict[uuid.UUID, dict[InboundState, int]]:
    rows = session.execute(
        select(InboundMail.mailbox_id, InboundMail.state, func.count()).group_by(
            InboundMail.mailbox_id, InboundMail.state
        )
    )
    counts: dict[uuid.UUID, dict[InboundState, int]] = {}
    for mailbox_id, state, n in rows:
        counts.setdefault(mailbox_id, {})[state] = n
    return counts


def _named(name: str) -> Any:
    return func.lower(Mailbox.name) == name.strip().lower()


def get_mailbox(store: Store, name: str) -> Mailbox:
    """A mailbox that is not removed, by name in any case."""
    with store.read() as session:
        mailbox = session.scalar(
            select(Mailbox).where(_named(name), Mailbox.imap_host.is_not(None))
        )
        if mailbox is None:
            names = session.scalars(
                select(Mailbox.name).where(Mailbox.imap_host.is_not(None)).order_by(Mailbox.name)
            )
            raise AdminError(
                reason(
                    QT_TRANSLATE_NOOP("Reason", "no mailbox {name} (mailboxes: {names})"),
                    name=repr(name),
                    names=", ".join(names) or reason(QT_TRANSLATE_NOOP("Reason", "none yet")),
                )
            )
        return mailbox


def check_connection(
    store: Store, secrets: Secrets, name: str, timeout: float = 15.0
) -> ConnectionCheck:
    """Log in, select the folder read-only, and say what the server offers."""
    mailbox = get_mailbox(store, name)
    port = mailbox.imap_port or DEFAULT_PORTS[mailbox.imap_security]
    try:
        client = connect(mailbox, secrets, timeout=timeout)
    except Exception as exc:
        raise AdminError(explain(mailbox, exc)) from exc
    try:
        capabilities = {c: client.has_capability(c) for c in CAPABILITIES_OF_INTEREST}
        try:
            info = client.select_folder(mailbox.folder, readonly=True)
        except IMAPClient.Error as exc:
            raise AdminError(_folder_missing(mailbox, str(exc))) from exc
        uidnext = info.get(b"UIDNEXT")
        moving = _check_processed(client, mailbox.processed_folder)
        return ConnectionCheck(
            host=str(mailbox.imap_host),
            port=port,
            security=mailbox.imap_security,
            user=str(mailbox.imap_user),
            folder=mailbox.folder,
            capabilities=capabilities,
            messages=int(info.get(b"EXISTS", 0)),
            uidvalidity=int(info[b"UIDVALIDITY"]),
            uidnext=int(uidnext) if uidnext is not None else None,
            processed=moving,
        )
    except (OSError, IMAPClient.Error, IMAPClient.AbortError) as exc:
        raise AdminError(explain(mailbox, exc)) from exc
    finally:
        with contextlib.suppress(Exception):  # the connection may be gone already
            client.logout()


def _check_processed(client: IMAPClient, folder: str | None) -> ProcessedCheck | None:
    """Does the processed folder exist (else: can it be created: it is, now), and can the
    server move (MOVE, or UIDPLUS for COPY + UID EXPUNGE)?"""
    if not folder:
        return None
    try:
        created, error = processed.ensure_folder(client, folder), None
    except IMAPClient.Error as exc:
        created, error = False, _unbytes(str(exc))
    existed = not created and error is None
    return ProcessedCheck(folder, existed, created, error, processed.method(client))


def explain(mailbox: Mailbox, error: BaseException | str) -> Reason:
    """One line a person can act on, for an IMAP failure (an exception or a report's text)."""
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    kind, _, detail = text.partition(": ")
    detail = _unbytes(detail or kind)
    where = f"{mailbox.imap_host}:{mailbox.imap_port or DEFAULT_PORTS[mailbox.imap_security]}"
    low = text.lower()
    if kind == "LoginError" or "authenticationfailed" in low or "authentication failed" in low:
        return reason(
            QT_TRANSLATE_NOOP(
                "Reason", "authentication failed for {user} at {where} (server: {answer})"
            ),
            user=mailbox.imap_user or "",
            where=where,
            answer=detail,
        )
    if kind == "ConnectionRefusedError":
        return reason(
            QT_TRANSLATE_NOOP(
                "Reason",
                "connection refused by {where} (is the host and port right, is it running?)",
            ),
            where=where,
        )
    if kind == "gaierror":
        return reason(
            QT_TRANSLATE_NOOP("Reason", "host {host} not found ({error})"),
            host=repr(mailbox.imap_host),
            error=detail,
        )
    if "SSL" in kind or "Certificate" in kind or "STARTTLS" in text:
        return reason(
            QT_TRANSLATE_NOOP(
                "Reason",
                "TLS error with {where} ({error}); check --security "
                "(ssl on port 993, starttls on 143) and the server's certificate",
            ),
            where=where,
            error=detail,
        )
    if kind in ("TimeoutError", "timeout") or "timed out" in low:
        return reason(
            QT_TRANSLATE_NOOP("Reason", "no answer from {where} (timed out)"), where=where
        )
    if "select failed" in low:
        return _folder_missing(mailbox, detail)
    if "no IMAP password" in detail:
        return reason(
            QT_TRANSLATE_NOOP(
                "Reason", "{error}: give it with 'desk-gui mailbox password {name}' or set {var}"
            ),
            error=detail,
            name=mailbox.name,
            var=env_name(mailbox_account(mailbox.name, "imap")),
        )
    if kind == "MoveError":
        return reason(
            QT_TRANSLATE_NOOP(
                "Reason", "mail is fetched but not moved to {folder}; retried later ({error})"
            ),
            folder=repr(mailbox.processed_folder or ""),
            error=detail,
        )
    if kind in ("MailboxConfigError", "LeaseLost", "LookupError"):
        return Reason(detail)
    return reason(QT_TRANSLATE_NOOP("Reason", "{where}: {error}"), where=where, error=text)


def _folder_missing(mailbox: Mailbox, detail: str) -> Reason:
    return reason(
        QT_TRANSLATE_NOOP("Reason", "folder {folder} not found on the server ({answer})"),
        folder=repr(mailbox.folder),
        answer=detail.strip(),
    )


def _unbytes(text: str) -> str:
    # imapclient reports server answers as bytes reprs: b'[AUTHENTICATIONFAILED] ...'
    match = re.fullmatch(r"b(['\"])(.*)\1", text.strip())
    return match.group(2) if match else text


def remove_mailbox(store: Store, secrets: Secrets, name: str, *, force: bool = False) -> Removed:
    """Delete a mailbox nothing refers to; detach (with force) one that has a ledger."""
    mailbox_id = get_mailbox(store, name).id
    with store.write() as session:
        mailbox = session.get(Mailbox, mailbox_id)
        assert mailbox is not None
        name = mailbox.name
        ingested = _ledger_count(session, mailbox_id)
        if ingested and not force:
            raise AdminError(
                f"{ingested:,} mail(s) were ingested from mailbox {name!r}; their tickets stay "
                "either way. --force detaches it: no more fetching or sending, its passwords "
                f"deleted, its ledger kept so that adding {name!r} again never fetches a mail twice"
            )
        detached = bool(ingested) or not _deleted(session, mailbox)
        if detached and not force:
            raise AdminError(
                f"mailbox {name!r} is still used by outgoing mail or templates; --force "
                "detaches it: no more fetching or sending, its passwords deleted"
            )
        if detached:
            mailbox.imap_host = mailbox.smtp_host = None
    for protocol in ("imap", "smtp"):
        secrets.delete(mailbox_account(name, protocol))
    return Removed(detached=detached, ingested=ingested)


def _deleted(session: Session, mailbox: Mailbox) -> bool:
    """Delete a mailbox with its state and settings; False when other rows point at it."""
    try:
        with session.begin_nested():
            for table, key in (
                (MailboxState, MailboxState.mailbox_id),
                (MailboxOutbound, MailboxOutbound.mailbox_id),
            ):
                session.execute(delete(table).where(key == mailbox.id))
            session.execute(delete(Lease).where(Lease.resource == f"mailbox:{mailbox.id}"))
            session.delete(mailbox)
            session.flush()
    except IntegrityError:  # outgoing mail or templates (they stay; so does the mailbox)
        return False
    return True


# --- a sync pass: how big, and what it did ---------------------------------------------------


def pending(store: Store, secrets: Secrets, timeout: float = 10.0) -> dict[str, int | None]:
    """An upper bound of the mails each mailbox has not fetched yet (None: unknown).

    From IMAP STATUS (UIDNEXT, UIDVALIDITY) against the stored cursor, in parallel;
    mailboxes whose last login failed are not asked again.
    """
    with store.read() as session:
        rows = session.execute(
            select(Mailbox, MailboxState)
            .outerjoin(MailboxState, MailboxState.mailbox_id == Mailbox.id)
            .where(Mailbox.imap_host.is_not(None))
        ).all()
    if not rows:
        return {}

    def one(mailbox: Mailbox, state: MailboxState | None) -> int | None:
        if _login_failed(state) or secrets.get(mailbox_account(mailbox.name, "imap")) is None:
            return None  # the pass will fail; a second failed login only risks a lockout
        try:
            client = connect(mailbox, secrets, timeout=timeout)
        except Exception:  # the real pass reports it; this is only an estimate
            return None
        try:
            status = client.folder_status(mailbox.folder, [b"MESSAGES", b"UIDNEXT", b"UIDVALIDITY"])
        except Exception:
            return None
        finally:
            with contextlib.suppress(Exception):  # only an estimate
                client.logout()
        if state is None or state.uidvalidity != int(status[b"UIDVALIDITY"]):
            return int(status[b"MESSAGES"])
        return max(0, int(status[b"UIDNEXT"]) - 1 - state.last_uid)

    with ThreadPoolExecutor(len(rows)) as pool:
        futures = {m.name: pool.submit(one, m, st) for m, st in rows}
        return {name: f.result() for name, f in futures.items()}


def _login_failed(state: MailboxState | None) -> bool:
    error = (state.last_error or "") if state else ""
    return error.startswith("LoginError") or "AUTHENTICATIONFAILED" in error


def parse_processes_for(backlog: Mapping[str, int | None]) -> int:
    cores = os.cpu_count() or 1
    total = sum(n or 0 for n in backlog.values())
    return 2 if total > BIG_IMPORT and cores >= 2 else 0


@dataclass(frozen=True)
class PassSummary:
    mailbox: str
    ingested: int = 0
    created: int = 0
    threaded: int = 0
    spam: int = 0
    parse_errors: int = 0
    loops: int = 0
    skipped: int = 0  # fetched again but already in the ledger (an interrupted pass)
    error: str | None = None
    busy: bool = False  # another engine on this database holds the mailbox's lease


def summarize(store: Store, report: MailboxReport) -> PassSummary:
    if report.error is not None:
        if report.error.startswith("LeaseLost"):
            return PassSummary(report.mailbox, busy=True, error=report.error.partition(": ")[2])
        with store.read() as session:
            mailbox = session.scalar(select(Mailbox).where(Mailbox.name == report.mailbox))
        error = str(explain(mailbox, report.error)) if mailbox is not None else report.error
        return PassSummary(report.mailbox, error=error)
    counts = Counter(_kind(o) for o in report.outcomes)
    states = Counter(o.state for o in report.outcomes)
    return PassSummary(
        report.mailbox,
        ingested=len(report.outcomes) - counts["skipped"],
        created=counts["created"],
        threaded=counts["threaded"],
        spam=counts["spam"],
        parse_errors=states[InboundState.PARSE_ERROR],
        loops=states[InboundState.LOOP],
        skipped=counts["skipped"],
    )


def _kind(o: Outcome) -> str:
    if o.state is None:
        return "skipped"
    if o.state is InboundState.SPAM:
        return "spam"
    # receive.command_for gives a mail that matched no thread the reason "new ticket".
    return "created" if o.reason.startswith("new ticket") else "threaded"


# --- intake rules --------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSpec:
    name: str
    keyword: str | None = None
    sender: str | None = None
    mailbox: str | None = None
    group: str | None = None
    priority: Priority | None = None
    tags: tuple[str, ...] = ()
    position: int | None = None  # 1-based; None: last


@dataclass(frozen=True)
class RuleInfo:
    name: str
    position: int
    conditions: dict[str, Any]
    actions: dict[str, Any]
    active: bool


def _tag(text: str) -> str:
    tag = text.strip().lower()
    if not tag or len(tag) > 80 or "," in tag:
        raise AdminError(f"not a valid tag: {text!r}")
    return tag


def _rule_parts(session: Session, spec: RuleSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    conditions: dict[str, Any] = {}
    if spec.keyword and spec.keyword.strip():
        conditions["keyword"] = spec.keyword.strip()
    if spec.sender and spec.sender.strip():
        conditions["sender"] = spec.sender.strip().lower()
    if spec.mailbox:
        box = session.scalar(select(Mailbox.name).where(_named(spec.mailbox)))
        if box is None:
            raise AdminError(f"no mailbox {spec.mailbox!r}")
        conditions["mailbox"] = box
    if not conditions:
        raise AdminError(
            "a rule needs a condition (keyword, sender or mailbox); a mailbox's own group "
            "already routes everything else"
        )
    actions: dict[str, Any] = {}
    if spec.group:
        actions["group"] = find_group(session, spec.group).name
    if spec.priority is not None:
        actions["priority"] = spec.priority.value
    if spec.tags:
        actions["tags"] = sorted({_tag(t) for t in spec.tags})
    if not actions:
        raise AdminError("a rule needs an action: a group, a priority or a tag")
    return conditions, actions


def _ordered(session: Session) -> list[IntakeRule]:
    return list(session.scalars(select(IntakeRule).order_by(IntakeRule.position, IntakeRule.name)))


def add_rule(store: Store, spec: RuleSpec) -> int:
    """Store a rule at its position (others move down); returns that 1-based position."""
    if not spec.name.strip():
        raise AdminError("a rule needs a name")
    if spec.position is not None and spec.position < 1:
        raise AdminError("positions start at 1")
    hlc = store.clock.now()
    with store.write() as session:
        if session.scalar(select(IntakeRule.id).where(IntakeRule.name == spec.name.strip())):
            raise AdminError(f"a rule {spec.name.strip()!r} exists already")
        conditions, actions = _rule_parts(session, spec)
        rules = _ordered(session)
        index = len(rules) if spec.position is None else min(spec.position - 1, len(rules))
        rule = IntakeRule(name=spec.name.strip(), conditions=conditions, actions=actions, hlc=hlc)
        rules.insert(index, rule)
        session.add(rule)
        _renumber(rules, hlc)
    return index + 1


def _renumber(rules: Iterable[IntakeRule], hlc: str) -> None:
    for position, rule in enumerate(rules, start=1):
        if rule.position != position:
            rule.position, rule.hlc = position, hlc


def list_rules(store: Store) -> list[RuleInfo]:
    with store.read() as session:
        return [
            RuleInfo(r.name, i, dict(r.conditions), dict(r.actions), r.active)
            for i, r in enumerate(_ordered(session), start=1)
        ]


def remove_rule(store: Store, name: str) -> None:
    hlc = store.clock.now()
    with store.write() as session:
        rules = _ordered(session)
        rule = next((r for r in rules if r.name == name), None)
        if rule is None:
            names = ", ".join(r.name for r in rules)
            raise AdminError(f"no rule {name!r} (rules: {names or 'none yet'})")
        session.delete(rule)
        _renumber([r for r in rules if r is not rule], hlc)


# --- spam block list -----------------------------------------------------------------------

_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+")
_DOMAIN = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?")


def block_entry(text: str) -> tuple[str, str]:
    """('max@spam.example', 'sender') or ('spam.example', 'domain') for '@spam.example'."""
    value = text.strip().lower()
    if value.startswith("@") and _DOMAIN.fullmatch(value[1:]) and "." in value:
        return value[1:], "domain"
    if _ADDRESS.fullmatch(value):
        return value, "sender"
    raise AdminError(f"not an address or @domain: {text!r} (e.g. max@spam.example, @spam.example)")


def block(store: Store, text: str) -> tuple[str, str]:
    entry, kind = block_entry(text)
    with store.write() as session:
        if session.get(SpamList, entry) is None:
            session.add(SpamList(entry=entry, kind=kind))
    return entry, kind


def unblock(store: Store, text: str) -> None:
    entry, _ = block_entry(text)
    with store.write() as session:
        row = session.get(SpamList, entry)
        if row is None:
            raise AdminError(f"{text.strip()!r} is not on the block list")
        session.delete(row)


def blocked(store: Store) -> list[tuple[str, str]]:
    with store.read() as session:
        rows = session.execute(select(SpamList.entry, SpamList.kind).order_by(SpamList.entry))
        return [(e, k) for e, k in rows]


@dataclass(frozen=True)
class FiledSpam:
    id: uuid.UUID
    mailbox: str
    uid: int
    received_at: datetime
    reason: str | None
    sender: str = ""
    subject: str = ""


@dataclass(frozen=True)
class Recovered:
    ticket_id: uuid.UUID
    ticket_number: int
    new_ticket: bool
    still_blocked: str | None = None  # the block list entry that filed it, if any
    detail: str = field(default="")


def filed_spam(store: Store, limit: int = 100) -> list[FiledSpam]:
    """Mails filed as spam, newest first, with From and Subject read from the raw header."""
    with store.read() as session:
        rows = session.execute(
            select(InboundMail, Mailbox.name)
            .join(Mailbox, Mailbox.id == InboundMail.mailbox_id)
            .where(InboundMail.state == InboundState.SPAM)
            .order_by(InboundMail.received_at.desc())
            .limit(limit)
        ).all()
        return [
            FiledSpam(m.id, name, m.uid, m.received_at, m.detail, *_headers(session, m.raw_sha256))
            for m, name in rows
        ]


def _headers(session: Session, sha: str) -> tuple[str, str]:
    first = next(blob.iter_chunks(session, sha), b"")  # the header is in the first chunk
    try:
        msg = BytesParser(policy=default_policy).parsebytes(first, headersonly=True)
        return str(msg.get("From", "")), str(msg.get("Subject", ""))
    except Exception:  # a broken header: the list shows the mail without it
        return "", ""


def _find_spam(session: Session, ref: str) -> InboundMail:
    ref = ref.strip()
    query = select(InboundMail).join(Mailbox, Mailbox.id == InboundMail.mailbox_id)
    try:
        rows = list(session.scalars(query.where(InboundMail.id == uuid.UUID(ref))))
    except ValueError:
        box, _, uid = ref.rpartition(":")
        if not uid.isdigit():
            raise AdminError(
                f"not a spam reference: {ref!r} (give a UID, MAILBOX:UID or the id from "
                "'spam list --filed')"
            ) from None
        query = query.where(InboundMail.uid == int(uid), InboundMail.state == InboundState.SPAM)
        rows = list(session.scalars(query.where(_named(box)) if box else query))
    if not rows:
        raise AdminError(f"no mail filed as spam matches {ref!r}")
    if len(rows) > 1:
        raise AdminError(f"UID {ref} is in several mailboxes: give MAILBOX:UID")
    if rows[0].state is not InboundState.SPAM:
        raise AdminError(f"mail {ref!r} is not filed as spam ({rows[0].state.value})")
    return rows[0]


def recover_spam(store: Store, ref: str, actor: Actor) -> Recovered:
    """Turn a mail filed as spam into a ticket (or thread entry), from its stored raw bytes."""
    with store.read() as session:
        mail = _find_spam(session, ref)
        raw = blob.read_bytes(session, mail.raw_sha256)
    parsed = try_parse(raw)
    hlc = store.clock.now()
    with store.write() as session:
        mail = session.get(InboundMail, mail.id)  # type: ignore[assignment]
        if mail is None or mail.state is not InboundState.SPAM:
            raise AdminError(f"mail {ref!r} was recovered or removed meanwhile")
        mailbox = session.get(Mailbox, mail.mailbox_id)
        assert mailbox is not None
        cmd, state, detail = receive.command_for(
            session, mailbox, parsed, mail.raw_sha256, check_spam=False
        )
        assert cmd is not None  # only the spam check files a mail without a command
        ticket_id, message_uuid = run_in(session, hlc, cmd, actor)
        was = mail.detail
        mail.state, mail.ticket_id, mail.message_uuid = state, ticket_id, message_uuid
        mail.detail = f"recovered from spam ({was})" + (f"; {detail}" if detail else "")
        mail.hlc = hlc
        number = session.scalar(select(Ticket.number).where(Ticket.id == ticket_id))
        entry = _blocking_entry(session, parsed)
    return Recovered(ticket_id, int(number or 0), cmd.ticket_id is None, entry, cmd.match_reason)


def _blocking_entry(session: Session, parsed: Any) -> str | None:
    sender = getattr(parsed, "from_addr", None)
    if not sender:
        return None
    candidates = [sender, sender.rsplit("@", 1)[-1]]
    return session.scalar(select(SpamList.entry).where(SpamList.entry.in_(candidates)))


# --- organizations by mail domain ----------------------------------------------------------


@dataclass(frozen=True)
class OrganizationInfo:
    name: str
    domain: str | None
    contract: ContractLevel
    contacts: int


def add_organization(
    store: Store, name: str, domain: str | None = None, contract: ContractLevel = ContractLevel.NONE
) -> uuid.UUID:
    """An organization; new senders from `domain` become its contacts (existing ones stay)."""
    name = name.strip()
    if not name:
        raise AdminError("an organization needs a name")
    dom = domain.strip().lower().removeprefix("@") if domain else None
    if dom is not None and not (_DOMAIN.fullmatch(dom) and "." in dom):
        raise AdminError(f"not a mail domain: {domain!r} (e.g. kunde.example)")
    hlc = store.clock.now()
    with store.write() as session:
        if session.scalar(select(Organization.id).where(Organization.name == name)):
            raise AdminError(f"an organization {name!r} exists already")
        if dom and (
            other := session.scalar(select(Organization.name).where(Organization.domain == dom))
        ):
            raise AdminError(f"domain {dom} belongs to {other!r} already")
        org = Organization(name=name, domain=dom, contract_level=contract, hlc=hlc)
        session.add(org)
        session.flush()
        return org.id


def list_organizations(store: Store) -> list[OrganizationInfo]:
    with store.read() as session:
        contacts = (
            select(func.count(Contact.id))
            .where(Contact.organization_id == Organization.id)
            .scalar_subquery()
        )
        rows = session.execute(
            select(
                Organization.name, Organization.domain, Organization.contract_level, contacts
            ).order_by(Organization.name)
        )
        return [OrganizationInfo(n, d, c, k or 0) for n, d, c, k in rows]
