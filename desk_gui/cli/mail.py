"""`desk-gui mailbox add/list/test/remove` and `desk-gui sync [--once]`.

Passwords never go into the database or a file: `mailbox add` puts them into the OS
keyring. Where there is none (a headless server), it refuses unless `--env-secret` says
that the service will get the password from DESK_SECRET_MAILBOX_<NAME>_IMAP instead.
"""

from __future__ import annotations

import argparse
import functools
import ipaddress
import logging
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from desk_gui.models.mailbox import Security
from desk_gui.models.store import Store
from desk_gui.sync.mail_in import admin
from desk_gui.sync.mail_in.engine import MailEngine
from desk_gui.sync.mail_in.imap import DEFAULT_PORTS
from desk_gui.sync.mail_in.worker import Progress
from desk_gui.sync.mail_out.drain import drain_outbox
from desk_gui.sync.secrets import KeyringSecrets, env_name, mailbox_account
from desk_gui.sync.sla.engine import SlaEngine

from .common import CliError, UsageError, open_store
from .output import print_json, print_table, when
from .tickets_read import positive_int

Handler = Callable[[argparse.Namespace], int]


def admin_errors(handler: Handler) -> Handler:
    """An AdminError is a refusal with a readable message: one line, exit 1."""

    @functools.wraps(handler)
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except admin.AdminError as e:
            raise CliError(str(e)) from None

    return wrapped


# --- mailbox add ---------------------------------------------------------------------------

ADD_EPILOG = """\
The password is read from the first line of standard input (never from the command line,
where other users could see it) and kept in the OS keyring, never in the database.

No secure keyring (a server without a desktop session): the command refuses rather than
store the password in plaintext. For a headless 'desk-gui sync' service, pass --env-secret
instead of --password-stdin and put the password into the service's environment as
DESK_SECRET_MAILBOX_<NAME>_IMAP (for mailbox 'support': DESK_SECRET_MAILBOX_SUPPORT_IMAP),
e.g. with systemd's LoadCredential/EnvironmentFile readable by the service only.

A name that was removed with 'mailbox remove --force' is re-attached with its ledger, so
mail ingested before is not fetched twice."""


def add_add_args(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = ADD_EPILOG
    p.add_argument("name", metavar="NAME", help="a short name, e.g. support")
    p.add_argument("--imap-host", required=True, metavar="H")
    p.add_argument(
        "--imap-port",
        type=positive_int,
        metavar="P",
        help="default 993 for ssl, 143 for starttls and none",
    )
    p.add_argument(
        "--security",
        choices=[s.value for s in Security],
        default="ssl",
        help="ssl (default), starttls, or none (loopback or test servers only)",
    )
    p.add_argument("--user", required=True, metavar="U", help="IMAP login")
    secret = p.add_mutually_exclusive_group(required=True)
    secret.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input into the keyring",
    )
    secret.add_argument(
        "--env-secret",
        action="store_true",
        help="headless service: the password comes from "
        "DESK_SECRET_MAILBOX_<NAME>_IMAP at run time (see below)",
    )
    p.add_argument("--folder", default="INBOX", metavar="F", help="folder to fetch (INBOX)")
    p.add_argument("--group", metavar="G", help="group new tickets from this mailbox go to")
    p.add_argument(
        "--processed-folder",
        metavar="F",
        help="move mail to this folder once it is ingested (created when missing); "
        "default: it stays in --folder",
    )


def _read_password() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise UsageError("--password-stdin: standard input held no password")
    return line


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@admin_errors
def add_mailbox(args: argparse.Namespace) -> int:
    password = _read_password() if args.password_stdin else None
    security = Security(args.security)
    settings = admin.MailboxSettings(
        name=args.name,
        imap_host=args.imap_host,
        user=args.user,
        imap_port=args.imap_port,
        security=security,
        folder=args.folder,
        group=args.group,
        processed_folder=args.processed_folder,
    )
    secrets = KeyringSecrets()
    with open_store(args) as store:
        added = admin.add_mailbox(store, secrets, settings, password, env_secret=args.env_secret)
    where = f"{args.imap_host}:{args.imap_port or DEFAULT_PORTS[security]}"
    print(
        f"mailbox {args.name!r} added: {args.user} at {where} ({security.value}), "
        f"folder {args.folder}"
    )
    if settings.processed_folder and settings.processed_folder.strip():
        print(f"ingested mail is moved to {settings.processed_folder.strip()}")
    if added.reattached:
        print(f"re-attached: its {added.ingested:,} ingested mail(s) will not be fetched again")
    if security is Security.NONE and not _is_loopback(args.imap_host):
        _note("--security none sends the password unencrypted over the network")
    if added.env_var is not None:
        state = "set" if admin.password_source(secrets, args.name) == "environment" else "NOT set"
        _note(
            f"the password is read from {added.env_var} in the environment of "
            f"'desk-gui sync' ({state} in this shell)"
        )
    print(f"check it with: desk-gui mailbox test {args.name}")
    return 0


def _note(text: str) -> None:
    print(f"desk-gui: note: {text}", file=sys.stderr)


def add_password_args(p: argparse.ArgumentParser) -> None:
    p.description = "Store a new password for a mailbox in the keyring, read from stdin."
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from the first line of standard input",
    )


@admin_errors
def set_password(args: argparse.Namespace) -> int:
    password = _read_password()
    with open_store(args) as store:
        admin.set_password(store, KeyringSecrets(), args.name, password)
    print(f"password of mailbox {args.name!r} stored in the keyring")
    return 0


# --- mailbox list / test / remove ----------------------------------------------------------


def add_list_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--all", action="store_true", help="also removed (detached) mailboxes")
    p.add_argument("--json", action="store_true", help="print JSON")


def list_mailboxes(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        boxes = admin.list_mailboxes(store, KeyringSecrets(), include_removed=args.all)
    if args.json:
        print_json([_box_json(b) for b in boxes])
        return 0
    if not boxes:
        print("no mailboxes yet: desk-gui mailbox add NAME --imap-host H --user U ...")
        return 0
    rows = [_box_row(b) for b in boxes]
    headers = [
        "NAME",
        "SERVER",
        "USER",
        "FOLDER",
        "PROCESSED",
        "GROUP",
        "PASSWORD",
        "INGESTED",
        "LAST-SUCCESS",
        "LAST-ERROR",
    ]
    print_table(headers, rows, flex=9)
    return 0


def _box_row(b: admin.MailboxInfo) -> list[str]:
    server = f"{b.imap_host}:{b.imap_port} {b.security.value}" if not b.removed else "(removed)"
    return [
        b.name,
        server,
        b.user or "-",
        b.folder,
        b.processed_folder or "-",
        b.group or "-",
        b.password,
        f"{b.ingested:,}",
        when(b.last_success_at) or "never",
        f"{when(b.last_error_at)} {b.last_error}" if b.last_error else "",
    ]


def _box_json(b: admin.MailboxInfo) -> dict[str, Any]:
    return {
        "name": b.name,
        "imap_host": b.imap_host,
        "imap_port": b.imap_port,
        "security": b.security,
        "user": b.user,
        "folder": b.folder,
        "processed_folder": b.processed_folder,
        "group": b.group,
        "password": b.password,
        "password_env": env_name(mailbox_account(b.name, "imap")),
        "ingested": b.ingested,
        "spam": b.spam,
        "last_success_at": b.last_success_at,
        "last_error": None if b.last_error is None else str(b.last_error),
        "last_error_at": b.last_error_at,
        "removed": b.removed,
    }


def add_name_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME")
    p.add_argument("--json", action="store_true", help="print JSON")


@admin_errors
def check_mailbox(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        check = admin.check_connection(store, KeyringSecrets(), args.name)
    moving = check.processed
    if args.json:
        extra = None if moving is None else {**moving.__dict__, "ok": moving.ok}
        print_json({**check.__dict__, "processed": extra})
    else:
        print(
            f"{args.name}: logged in as {check.user} at {check.host}:{check.port} "
            f"({check.security.value})"
        )
        offered = ", ".join(f"{c} {'yes' if ok else 'no'}" for c, ok in check.capabilities.items())
        print(f"  capabilities: {offered}")
        print(
            f"  folder {check.folder}: {check.messages:,} message(s), "
            f"UIDVALIDITY {check.uidvalidity}"
        )
        if moving is not None:
            print(f"  processed folder {moving.folder}: {_processed_text(moving)}")
    if moving is not None and not moving.ok:
        print(
            f"desk-gui: error: mailbox {args.name!r}: ingested mail cannot be moved to "
            f"{moving.folder} (it stays in {check.folder})",
            file=sys.stderr,
        )
        return 1
    return 0


def _processed_text(moving: admin.ProcessedCheck) -> str:
    if moving.existed:
        state = "exists"
    elif moving.created:
        state = "did not exist, created"
    else:
        state = f"does not exist and cannot be created ({moving.error})"
    if moving.method == "MOVE":
        how = "moved with MOVE"
    elif moving.method == "UIDPLUS":
        how = "no MOVE: moved with COPY and UID EXPUNGE (UIDPLUS)"
    else:
        how = "the server offers neither MOVE nor UIDPLUS: mail cannot be moved"
    return f"{state}; {how}"


def add_remove_args(p: argparse.ArgumentParser) -> None:
    p.description = (
        "Remove a mailbox and its passwords from the keyring. A mailbox that mail was "
        "ingested from (or that outgoing mail uses) is refused unless --force, which detaches "
        "it: no more fetching or sending, passwords deleted, but its record and ledger kept "
        "(tickets stay, and adding the name again fetches nothing twice)."
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "--force", action="store_true", help="detach a mailbox that is still referred to"
    )


@admin_errors
def remove_mailbox(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        removed = admin.remove_mailbox(store, KeyringSecrets(), args.name, force=args.force)
    if removed.detached and removed.ingested:
        print(
            f"mailbox {args.name!r} detached; its {removed.ingested:,} ingested mail(s) "
            "and their tickets are kept"
        )
    elif removed.detached:
        print(f"mailbox {args.name!r} detached; the outgoing mail and templates using it stay")
    else:
        print(f"mailbox {args.name!r} removed")
    return 0


# --- sync ----------------------------------------------------------------------------------

SYNC_EPILOG = f"""\
Without --once it runs until Ctrl+C or SIGTERM, fetching new mail as it arrives (IDLE
where the server offers it), and logs to stderr.

Parsing runs in 2 processes when more than {admin.BIG_IMPORT:,} new mails wait (measured:
below that a process pool gains nothing); --parse-processes overrides that.

Passwords: from the OS keyring, or DESK_SECRET_MAILBOX_<NAME>_IMAP for a headless service."""


def add_sync_args(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = SYNC_EPILOG
    p.add_argument(
        "--once",
        action="store_true",
        help="one pass over every mailbox, then exit (non-zero when one failed)",
    )
    p.add_argument(
        "--parse-processes",
        metavar="N",
        default="auto",
        help="parser processes: auto (default) or a number; 0 parses in-thread",
    )
    p.add_argument("--json", action="store_true", help="with --once: print the summary as JSON")


def _processes(store: Store, secrets: KeyringSecrets, choice: str) -> int:
    if choice != "auto":
        if not choice.isdigit():
            raise UsageError(f"--parse-processes: 'auto' or a number, not {choice!r}")
        return int(choice)
    backlog = admin.pending(store, secrets)
    processes = admin.parse_processes_for(backlog)
    if processes:
        total = sum(n or 0 for n in backlog.values())
        _note(f"about {total:,} new mails: parsing in {processes} processes")
    return processes


@admin_errors
def sync(args: argparse.Namespace) -> int:
    if args.json and not args.once:
        raise UsageError("--json goes with --once")
    secrets = KeyringSecrets()
    with open_store(args) as store:
        has_mail = bool(admin.list_mailboxes(store, secrets))
        if not args.once:
            if not has_mail:
                raise CliError("no mailboxes to fetch: add one with 'desk-gui mailbox add'")
            return _sync_forever(store, secrets, _processes(store, secrets, args.parse_processes))
        # One pass of everything the engine does: mail in, SLA timers, mail out. Timers
        # and the outbox need no mailbox to fetch from.
        mail_code = 0
        mailboxes: list[dict[str, Any]] = []
        if has_mail:
            processes = _processes(store, secrets, args.parse_processes)
            mail_code, mailboxes = _sync_once(store, secrets, processes, args.json)
        else:
            _note("no mailboxes to fetch: add one with 'desk-gui mailbox add'")
        timers_code, rest = _timers_and_outbox(store, secrets, args.json)
        if args.json:
            print_json({"mailboxes": mailboxes, **rest})
        return max(mail_code, timers_code)


def _sync_once(
    store: Store, secrets: KeyringSecrets, processes: int, as_json: bool
) -> tuple[int, list[dict[str, Any]]]:
    progress = ProgressLine(sys.stderr)
    engine = MailEngine(store, secrets, on_progress=progress, parse_processes=processes)
    try:
        with _quiet_log():  # the summary below says what failed, once and explained
            reports = engine.run_once()
    finally:
        engine.close()
        progress.finish()
    summaries = [admin.summarize(store, r) for r in reports]
    for s in summaries:
        if s.busy:
            _note(f"mailbox {s.mailbox!r} skipped: {s.error}")
        elif s.error is not None:
            print(f"desk-gui: error: mailbox {s.mailbox!r}: {s.error}", file=sys.stderr)
        elif not as_json:
            print(_summary_line(s))
    code = 1 if any(s.error is not None and not s.busy for s in summaries) else 0
    return code, [dict(s.__dict__) for s in summaries]


def _timers_and_outbox(
    store: Store, secrets: KeyringSecrets, as_json: bool
) -> tuple[int, dict[str, Any]]:
    """The rest of one engine pass: SLA clocks, escalations, reminders; then the outbox."""
    with SlaEngine(store) as engine:
        sla = engine.run_once()
    sent = drain_outbox(store, secrets)
    rest = {
        "sla": {"recomputed": sla.recomputed, "fired": len(sla.fired),
                "reminders": len(sla.resumed), "assigned": len(sla.assigned),
                "handed_over": len(sla.handed_over), "triggered": len(sla.triggered)},
        "outbox": {"sent": sent.sent, "retrying": sent.retrying, "failed": sent.failed,
                   "found_in_sent": sent.found_in_sent, "acks_queued": sent.acks_queued,
                   "errors": list(sent.errors)},
    }  # fmt: skip
    if not as_json:
        print(
            f"sla: {sla.recomputed:,} clock(s) recomputed, {len(sla.fired):,} escalation(s), "
            f"{len(sla.resumed):,} reminder(s), {len(sla.assigned):,} assigned"
        )
        print(
            f"outbox: {sent.sent:,} sent, {sent.retrying:,} to retry, {sent.failed:,} failed, "
            f"{sent.acks_queued:,} acknowledgement(s) queued"
        )
    for error in sent.errors:
        print(f"desk-gui: error: outbox: {error}", file=sys.stderr)
    return (1 if sent.errors else 0), rest


def _summary_line(s: admin.PassSummary) -> str:
    line = (
        f"{s.mailbox}: {s.ingested:,} new mail(s): {s.created:,} new ticket(s), "
        f"{s.threaded:,} threaded, {s.spam:,} spam, {s.parse_errors:,} parse error(s), "
        f"{s.loops:,} loop(s)"
    )
    return line + (f", {s.skipped:,} already ingested" if s.skipped else "")


class ProgressLine:
    """Count and rate of a big import on stderr: one rewritten line on a terminal,
    a line every few seconds (and at the end) in a log. Called from mailbox threads."""

    MIN_TOTAL = 200  # a pass of one batch needs no progress display
    LOG_EVERY_S = 5.0

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._lock = threading.Lock()
        self._latest: dict[str, Progress] = {}
        self._shown: dict[str, float] = {}
        self._width = 0

    def __call__(self, p: Progress) -> None:
        if p.total < self.MIN_TOTAL:
            return
        with self._lock:
            self._latest[p.mailbox] = p
            if self._tty:
                self._rewrite()
                return
            now = time.monotonic()
            if p.done >= p.total or now - self._shown.get(p.mailbox, -1e9) >= self.LOG_EVERY_S:
                self._shown[p.mailbox] = now
                self._stream.write(_progress_text(p) + "\n")
                self._stream.flush()

    def _rewrite(self) -> None:
        line = "  ".join(_progress_text(p) for p in self._latest.values())
        self._stream.write("\r" + line.ljust(self._width))
        self._width = len(line)
        self._stream.flush()

    def finish(self) -> None:
        if self._tty and self._latest:
            self._stream.write("\n")
            self._stream.flush()


def _progress_text(p: Progress) -> str:
    pct = 100 * p.done // p.total if p.total else 100
    return f"{p.mailbox}: {p.done:,}/{p.total:,} mails ({pct}%) {p.rate:,.0f}/s"


def _sync_forever(store: Store, secrets: KeyringSecrets, processes: int) -> int:
    stop = threading.Event()
    log = logging.getLogger("desk_gui.sync")

    def progress(p: Progress) -> None:
        log.info("%s", _progress_text(p))

    engine = MailEngine(store, secrets, on_progress=progress, parse_processes=processes)
    names = [name for _, name in engine.mailboxes()]
    with _stderr_logging(), _stop_on_signals(stop), _log_thread_deaths(log):
        log.info("fetching %s; Ctrl+C or SIGTERM stops", ", ".join(names))
        try:
            engine.run_forever(stop)
        finally:
            engine.close()
        log.info("stopped")
    return 0


@contextmanager
def _quiet_log() -> Iterator[None]:
    handler = logging.NullHandler()
    logger = logging.getLogger("desk_gui")
    logger.addHandler(handler)  # else Python's last-resort handler prints warnings raw
    try:
        yield
    finally:
        logger.removeHandler(handler)


@contextmanager
def _stderr_logging() -> Iterator[None]:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger("desk_gui")
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT and SIGTERM set the event: the workers finish their mail and log out."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only; the caller stops us through the event
        return
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def _log_thread_deaths(log: logging.Logger) -> Iterator[None]:
    """A mailbox thread that stops on a setup error says so in one line, no traceback."""
    previous = threading.excepthook

    def hook(info: threading.ExceptHookArgs) -> None:
        name = info.thread.name if info.thread else "?"
        log.error("%s stopped: %s: %s", name, info.exc_type.__name__, info.exc_value)

    threading.excepthook = hook
    try:
        yield
    finally:
        threading.excepthook = previous


COMMANDS = (
    ("mailbox add", add_add_args, add_mailbox,
     "add an IMAP mailbox; the password goes to the OS keyring"),
    ("mailbox list", add_list_args, list_mailboxes,
     "mailboxes with last success, last error, mails ingested"),
    ("mailbox test", add_name_args, check_mailbox,
     "log in, select the folder, show capabilities and counts"),
    ("mailbox password", add_password_args, set_password,
     "store a new password for a mailbox (from stdin) in the keyring"),
    ("mailbox remove", add_remove_args, remove_mailbox,
     "remove a mailbox and its password (--force: detach, keep the ledger)"),
    ("sync", add_sync_args, sync, "fetch mail into tickets (--once: one pass, then exit)"),
)  # fmt: skip
