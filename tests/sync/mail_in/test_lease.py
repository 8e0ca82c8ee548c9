"""Two engines, one PostgreSQL database, one mailbox: only the lease holder fetches, every
mail is ingested exactly once, and when the holder dies the other takes over after the
lease's time to live.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from desk_gui.models import InboundMail
from desk_gui.models.lease import Lease
from desk_gui.models.store import Store
from desk_gui.sync.mail_in.engine import MailEngine
from desk_gui.sync.mail_in.worker import LeaseLost

from .conftest import ImapAccount, MemorySecrets, add_mailbox
from .corpus_gen import Mail, generate
from .engine_proc import (
    Events,
    check_consistent,
    check_exactly_once,
    kill,
    start_engine,
    wait_until,
)

TTL = 5.0  # seconds: longer than one batch takes on a busy CI machine, short for a test

pytestmark = pytest.mark.postgres


def _lease(store: Store) -> Lease | None:
    with store.read() as s:
        return s.scalar(select(Lease))


def _server_uids(account: ImapAccount) -> list[int]:
    with account.client() as c:
        c.select_folder("INBOX", readonly=True)
        return list(c.search())


def test_two_engines_one_fetches_the_other_takes_over_after_the_ttl(
    pg_url: str, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    mails: list[Mail] = generate(400, seed=31)
    imap_account.append(*[m.raw for m in mails[:200]])
    store = Store(pg_url)
    store.migrate()
    add_mailbox(store, imap_account, secrets)

    engines = {
        name: Events(start_engine(pg_url, name, imap_account.password, ttl=TTL, forever=120))
        for name in ("engine-a", "engine-b")
    }
    try:
        # Both run; mail keeps arriving while one of them idles.
        wait_until(lambda: _committed(engines) >= 200, 90, "the first 200 mails")
        holders_seen = set()
        for burst in range(3):
            imap_account.append(*[m.raw for m in mails[200 + 50 * burst : 250 + 50 * burst]])
            deadline = time.monotonic() + 30
            while _committed(engines) < 250 + 50 * burst:
                lease = _lease(store)
                holders_seen.add(lease.holder if lease else None)
                assert time.monotonic() < deadline, "a burst was not ingested within 30 s"
                time.sleep(0.05)
        fetchers = {name for name, ev in engines.items() if ev.of("fetch")}
        assert len(fetchers) == 1, f"both engines fetched: {fetchers}"
        [holder] = fetchers
        [other] = set(engines) - fetchers
        assert holders_seen == {holder}
        assert not engines[other].of("commit")

        # The holder dies without a word; its lease runs out; the other one takes over.
        kill(engines[holder].proc)
        killed = time.time()
        lease = _lease(store)
        assert lease is not None and lease.holder == holder
        expires = lease.expires_at.timestamp()
        check_consistent(store)
        imap_account.append(*[m.raw for m in mails[350:]])
        wait_until(lambda: _committed(engines) >= 400, TTL * 3 + 30, "the takeover")

        first_fetch = min(e["t"] for e in engines[other].of("fetch"))
        assert first_fetch >= expires, "fetched while the dead holder's lease was valid"
        assert first_fetch <= expires + TTL / 2 + 10, "took over far later than the TTL"
        assert max(e["t"] for e in engines[holder].items) < killed
        assert engines[other].committed() == set(range(351, 401))
        lease = _lease(store)
        assert lease is not None and lease.holder == other and lease.epoch == 2
    finally:
        for ev in engines.values():
            if ev.proc.poll() is None:
                assert "Traceback" not in ev.stop()
    check_exactly_once(store, mails, _server_uids(imap_account))
    store.dispose()


def _committed(engines: dict[str, Events]) -> int:
    return sum(len(ev.committed()) for ev in engines.values())


def test_a_holder_that_lost_its_lease_commits_nothing(
    pg_url: str, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    """The fence: a holder that stalled past its TTL (a long GC pause, a suspended
    laptop) and lost the lease must not write the batch it fetched before the stall."""
    mails = generate(30, seed=32)
    imap_account.append(*[m.raw for m in mails])
    store = Store(pg_url)
    store.migrate()
    mailbox_id = add_mailbox(store, imap_account, secrets)
    ttl = timedelta(seconds=1)
    a = MailEngine(store, secrets, holder="stalled", lease_ttl=ttl).worker(mailbox_id)
    b = MailEngine(store, secrets, holder="healthy", lease_ttl=ttl).worker(mailbox_id)

    a._take_lease()
    with pytest.raises(LeaseLost):
        b._take_lease()  # a holds it
    mailbox, _ = a.load_mailbox()
    with imap_account.client() as client:
        info = client.select_folder("INBOX", readonly=True)
        fetched = a._fetch(client, client.search())
        parsed = a._parse(fetched).items()
        time.sleep(ttl.total_seconds() + 0.2)  # a stalls; its lease runs out
        b._take_lease()
        with pytest.raises(LeaseLost):
            a._commit(mailbox, int(info[b"UIDVALIDITY"]), parsed)
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(InboundMail)) == 0

    b.run_once()
    check_exactly_once(store, mails, _server_uids(imap_account))
    store.dispose()
