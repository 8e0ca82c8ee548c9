"""SIGKILL the engine at random points of a big first import, restart it until it is done:
not one mail lost, not one doubled, every reply in its parent's ticket.

2,000 mails by default (CI); DESK_CRASH_MAILS=10000 for the full-size run of issue 3.
The engine runs as `desk-gui sync --once` would, in a child process, with a parser
process; each kill takes the whole process group, mid-FETCH, mid-parse or mid-commit.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import time
from pathlib import Path

import pytest

from desk_gui.models.store import Store

from .conftest import ImapAccount, MemorySecrets, add_mailbox
from .corpus_gen import generate
from .engine_proc import check_consistent, check_exactly_once, counts, kill, start_engine

MAILS = int(os.environ.get("DESK_CRASH_MAILS", "2000"))
KILLS = 4
SEED = 20261122
HOLDER = "crash-test-engine"  # the same service restarted: it may take its lease back


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


def test_sigkill_during_import_loses_and_doubles_nothing(
    store_url: str, imap_account: ImapAccount, secrets: MemorySecrets
) -> None:
    mails = generate(MAILS, seed=SEED)
    imap_account.append(*[m.raw for m in mails])  # MULTIAPPEND, 100 per command
    with imap_account.client() as c:
        c.select_folder("INBOX", readonly=True)
        uids = c.search()
    assert len(uids) == MAILS
    store = Store(store_url)
    store.migrate()
    add_mailbox(store, imap_account, secrets)

    rng = random.Random(SEED)
    # The first kill strikes during start-up or the first FETCH; the others once a random
    # share of the mailbox is in, plus a random delay: mid-FETCH, mid-parse, mid-commit.
    marks = [0, *sorted(rng.sample(range(MAILS // 20, MAILS * 9 // 10), KILLS - 1))]
    killed_at: list[int] = []  # mails committed when each kill struck
    for _attempt in range(KILLS + 3):
        proc = start_engine(store_url, HOLDER, imap_account.password)
        if len(killed_at) < KILLS and _run_until(
            proc, marks[len(killed_at)] - counts(store).ledger
        ):
            # Within a batch's time (500 mails at ~1,000 msg/s): long enough to
            # strike mid-FETCH, mid-parse or mid-commit, short enough not to miss the end.
            time.sleep(rng.uniform(0.0, 0.25) if killed_at else rng.uniform(0.3, 2.0))
            kill(proc)
            proc.communicate()
            killed_at.append(counts(store).ledger)
            check_consistent(store)
            continue
        _out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
        if counts(store).ledger == MAILS:
            break
    else:
        pytest.fail(f"the import did not finish after {KILLS + 3} runs")

    assert len(killed_at) >= 3, f"too few kills struck mid-import: {killed_at}"
    assert 0 < killed_at[-1] < MAILS and killed_at == sorted(killed_at)
    check_consistent(store)
    check_exactly_once(store, mails, uids)

    # One more pass finds nothing new and changes nothing.
    before = counts(store)
    proc = start_engine(store_url, HOLDER, imap_account.password)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-2000:]
    assert counts(store) == before
    store.dispose()
    print(f"{MAILS} mails: killed with {killed_at} committed, then completed")


def _run_until(proc: subprocess.Popen[str], mails: int) -> bool:
    """Let the engine commit at least `mails` more; False when it finished first."""
    assert proc.stdout is not None
    done = 0
    while done < mails:
        line = proc.stdout.readline()
        if not line:
            return False
        if line.startswith("{"):
            event = json.loads(line)
            done += len(event["uids"]) if event["ev"] == "commit" else 0
    return proc.poll() is None
