"""The mail engine in a child process (killable like a real `desk-gui sync --once`), and
the exactly-once checks the crash, UIDVALIDITY and lease tests share.

    python -m tests.sync.mail_in.engine_proc URL HOLDER [--ttl S] [--forever S] [--pool N]

`--forever S` runs `MailEngine.run_forever` (IDLE) for at most S seconds, or until
SIGTERM, instead of one pass. The IMAP
password comes from DESK_SECRET_MAILBOX_SUPPORT_IMAP, as for a headless service. Every
FETCH and every commit is printed as one JSON line {"ev": "fetch" | "commit", "holder",
"t": time.time(), "uids"} (for a commit: the UIDs it ingested for the first time).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desk_gui.models import InboundMail, InboundState, Message, Ticket
from desk_gui.models.mailbox import MailboxState
from desk_gui.models.outbox import OutboxCommand
from desk_gui.models.store import Store
from desk_gui.sync.secrets import env_name, mailbox_account

from .corpus_gen import Mail, expected

ROOT = Path(__file__).parents[3]


def engine_env(password: str) -> dict[str, str]:
    env = dict(os.environ)
    env[env_name(mailbox_account("support", "imap"))] = password
    env["PYTHONPATH"] = str(ROOT)
    return env


def start_engine(
    url: str,
    holder: str,
    password: str,
    *,
    ttl: float = 60.0,
    forever: float | None = None,
    pool: int = 1,
) -> subprocess.Popen[str]:
    """The engine in its own process group, so a kill takes its parser processes too."""
    cmd = [sys.executable, "-m", "tests.sync.mail_in.engine_proc", url, holder]
    cmd += ["--ttl", str(ttl), "--pool", str(pool)]
    if forever is not None:
        cmd += ["--forever", str(forever)]
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=engine_env(password),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def kill(proc: subprocess.Popen[str]) -> None:
    """SIGKILL, as the OOM killer or a power cut would: no cleanup code runs."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def events(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


class Events:
    """The events of a running engine, read as they come."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.items: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                with self.lock:
                    self.items.append(json.loads(line))

    def of(self, ev: str) -> list[dict[str, Any]]:
        with self.lock:
            return [e for e in self.items if e["ev"] == ev]

    def committed(self) -> set[int]:
        return {uid for e in self.of("commit") for uid in e["uids"]}

    def stop(self, timeout: float = 30) -> str:
        """SIGTERM (a clean stop); the engine's stderr."""
        self.proc.terminate()
        self.proc.wait(timeout)
        self.thread.join(timeout)
        assert self.proc.stderr is not None
        return self.proc.stderr.read()


def wait_until(check: Any, timeout: float, what: str) -> None:
    """Poll `check()` until it is true; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


# ---------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Counts:
    ledger: int
    tickets: int
    messages: int
    spam: int
    outbox: int
    cursor: int
    ingested: int


def counts(store: Store) -> Counts:
    with store.read() as s:

        def n(model: Any, *where: Any) -> int:
            return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)

        state = s.scalar(select(MailboxState))
        return Counts(
            ledger=n(InboundMail),
            tickets=n(Ticket),
            messages=n(Message),
            spam=n(InboundMail, InboundMail.state == InboundState.SPAM),
            outbox=n(OutboxCommand),
            cursor=state.last_uid if state else 0,
            ingested=state.ingested if state else 0,
        )


def check_consistent(store: Store) -> None:
    """What any committed state must satisfy, even right after a SIGKILL: the cursor is
    exactly the committed prefix of UIDs, and nothing is in the ledger twice."""
    with store.read() as s:
        state = s.scalar(select(MailboxState))
        uids = [u for (u,) in s.execute(select(InboundMail.uid).order_by(InboundMail.uid))]
    cursor = state.last_uid if state else 0
    assert len(uids) == len(set(uids)), "a UID is in the ledger twice"
    assert uids == list(range(1, cursor + 1)), "the cursor and the ledger disagree"
    assert (state.ingested if state else 0) == len(uids)


def check_exactly_once(store: Store, mails: Sequence[Mail], uids: Sequence[int]) -> None:
    """Every mail on the server ingested once: none lost, none doubled, replies threaded."""
    want = expected(list(mails))
    with store.read() as s:
        ledger = s.execute(
            select(InboundMail.uid, InboundMail.raw_sha256, InboundMail.message_uuid)
        ).all()
        dup_msgs = s.execute(
            select(Message.raw_sha256)
            .where(Message.raw_sha256.is_not(None))
            .group_by(Message.raw_sha256)
            .having(func.count() > 1)
        ).all()
        ticket_of = dict(s.execute(select(Message.message_id_header, Message.ticket_id)).all())
    by_uid = Counter(uid for uid, _, _ in ledger)
    assert sorted(by_uid) == sorted(uids), "lost: UIDs on the server missing from the ledger"
    assert max(by_uid.values()) == 1, "doubled: a UID ingested twice"
    assert dup_msgs == [], f"doubled: {len(dup_msgs)} raw mails stored as two messages"
    got = counts(store)
    assert (got.ledger, got.tickets, got.messages, got.spam) == (
        want.mails,
        want.tickets,
        want.messages,
        want.spam,
    )
    assert got.outbox == got.messages  # one ReceiveMail command per message, replicated
    assert got.ingested == want.mails
    # A reply is in its parent's ticket: threading survived every restart.
    for mail in mails:
        if mail.expect == "reply":
            assert mail.parent is not None
            parent = mails[mail.parent].message_id
            assert ticket_of[mail.message_id] == ticket_of[parent], mail.kind


# ---------------------------------------------------------------------------- the child


def _main(argv: list[str]) -> int:
    from desk_gui.sync.mail_in import worker
    from desk_gui.sync.mail_in.engine import MailEngine
    from desk_gui.sync.secrets import KeyringSecrets

    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("holder")
    ap.add_argument("--ttl", type=float, default=60.0)
    ap.add_argument("--forever", type=float)
    ap.add_argument("--pool", type=int, default=1)
    args = ap.parse_args(argv)

    commit = worker.MailboxWorker._write
    fetch = worker.MailboxWorker._fetch

    def log(ev: str, holder: str, uids: list[int]) -> None:
        line = {"ev": ev, "holder": holder, "t": time.time(), "uids": uids}
        print(json.dumps(line), flush=True)

    def logged_fetch(self: worker.MailboxWorker, client: Any, uids: list[int]) -> Any:
        log("fetch", self.holder, uids)
        return fetch(self, client, uids)

    def logged_commit(self: worker.MailboxWorker, *a: Any) -> Any:
        outcomes = commit(self, *a)
        log("commit", self.holder, [o.uid for o in outcomes if o.reason != "already ingested"])
        return outcomes

    # Observation only: the child logs when it fetched and what it committed.
    worker.MailboxWorker._fetch = logged_fetch  # type: ignore[method-assign]
    worker.MailboxWorker._write = logged_commit  # type: ignore[method-assign]

    store = Store(args.url)
    engine = MailEngine(
        store,
        KeyringSecrets(),
        holder=args.holder,
        parse_processes=args.pool,
        lease_ttl=timedelta(seconds=args.ttl),
    )
    try:
        if args.forever is not None:
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            timer = threading.Timer(args.forever, stop.set)
            timer.start()
            engine.run_forever(stop)
            timer.cancel()
            return 0
        reports = engine.run_once()
        for r in reports:
            if not r.ok:
                print(f"mailbox {r.mailbox}: {r.error}", file=sys.stderr)
        return 0 if reports and all(r.ok for r in reports) else 1
    finally:
        engine.close()


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
