"""Mail in, end to end against a real Dovecot on loopback (issue 3 "Numbers").

    uv run python tests/bench/bench_mail_in.py [--mails 10000] [--processes 2]
        [--db sqlite|postgresql] [--only ingest,idle,memory] [--profile FILE]

- ingest: a mixed mailbox (tests/sync/mail_in/corpus_gen.py: plain, HTML, 20 KB
  attachments, client replies, forwards, bounces, auto-replies, spam) imported by
  MailEngine.run_once into a fresh store: messages/s until every mail is a ticket or in
  its thread, parsed and searchable; and its ratio to a raw imapclient FETCH of the same
  mailbox in the same run (the baseline). The result is checked: no mail lost or doubled.
  With --profile FILE the mailbox's worker runs on the main thread under cProfile (about
  twice as slow) and its statistics go to FILE (`python -m pstats FILE`).
- idle: the engine idles (run_forever); 50 mails APPENDed one by one: APPEND -> ticket
  latency, p50/p95/max.
- memory: a mail with a 50 MB attachment ingested by a fresh process: peak RSS growth,
  for the streaming path and, for comparison, with the mail taken whole into memory.

Figures only: nothing here asserts on time. The machine is shared; run it when idle.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from desk_gui.models import Message  # noqa: E402
from desk_gui.models.queries import search  # noqa: E402
from desk_gui.models.store import Store  # noqa: E402
from desk_gui.sync.mail_in.engine import MailEngine  # noqa: E402
from tests.servers import Dovecot, cpu_seconds, start_dovecot, start_postgres  # noqa: E402
from tests.sync.mail_in.conftest import ImapAccount, MemorySecrets, add_mailbox  # noqa: E402
from tests.sync.mail_in.corpus_gen import Mail, big_attachment_mail, generate  # noqa: E402
from tests.sync.mail_in.engine_proc import check_exactly_once  # noqa: E402


def account(server: Dovecot) -> ImapAccount:
    return ImapAccount(server, f"bench-{uuid.uuid4().hex[:8]}@example.test", server.password)


class Databases:
    def __init__(self, kind: str, tmp: Path) -> None:
        self.kind, self.tmp = kind, tmp
        self.cluster = start_postgres() if kind == "postgresql" else None
        if isinstance(self.cluster, str):
            sys.exit(self.cluster)

    def fresh(self) -> Store:
        if self.cluster is None:
            url = f"sqlite:///{self.tmp / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        else:
            assert not isinstance(self.cluster, str)
            url = self.cluster.create_database(f"b_{uuid.uuid4().hex[:8]}")
        store = Store(url)
        store.migrate()
        return store

    def server_cpu(self) -> float:
        """The PostgreSQL cluster's CPU seconds so far; 0 for SQLite."""
        if self.cluster is None or isinstance(self.cluster, str):
            return 0.0
        return self.cluster.cpu_seconds()

    def close(self) -> None:
        if self.cluster is not None and not isinstance(self.cluster, str):
            self.cluster.stop()


# ---------------------------------------------------------------------------- ingest


def raw_fetch(acc: ImapAccount, batch: int = 500) -> float:
    """The baseline: imapclient FETCH of every mail's bytes, batches of 500 (msg/s)."""
    with acc.client() as c:
        c.select_folder("INBOX", readonly=True)
        uids = c.search()
        start = time.perf_counter()
        got = 0
        for i in range(0, len(uids), batch):
            got += len(c.fetch(uids[i : i + batch], ["BODY.PEEK[]"]))
        elapsed = time.perf_counter() - start
    assert got == len(uids)
    return got / elapsed


def bench_ingest(
    server: Dovecot, dbs: Databases, count: int, processes: int, profile: str | None = None
) -> None:
    mails = generate(count, seed=1)
    size = sum(len(m.raw) for m in mails)
    acc = account(server)
    start = time.perf_counter()
    acc.append(*[m.raw for m in mails])
    seeded = time.perf_counter() - start
    print(
        f"mailbox: {count} mails, {size / count / 1024:.1f} KB average, "
        f"seeded with MULTIAPPEND at {count / seeded:,.0f} msg/s"
    )
    baseline = raw_fetch(acc)
    print(f"raw imapclient FETCH (baseline):     {baseline:8,.0f} msg/s")

    store = dbs.fresh()
    secrets = MemorySecrets()
    add_mailbox(store, acc, secrets)
    engine = MailEngine(store, secrets, parse_processes=processes)
    start = time.perf_counter()
    engine.wait_for_parsers()  # as in a running engine: its parser processes are up
    print(f"parser processes started in {time.perf_counter() - start:.1f} s (not timed below)")
    parsers, server = parser_cpu(engine), dbs.server_cpu()
    start, cpu = time.perf_counter(), time.process_time()
    if profile is None:
        [report] = engine.run_once()
        assert report.ok, report.error
    else:  # cProfile sees only its own thread: run the one worker here
        [(mailbox_id, _)] = engine.mailboxes()
        store.clock.now()
        cProfile.runctx("engine.worker(mailbox_id).run_once()", globals(), locals(), profile)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    parsers, server = parser_cpu(engine) - parsers, dbs.server_cpu() - server
    engine.close()
    rate = count / elapsed
    on_server = f", PostgreSQL server CPU {server:.2f} s" if dbs.cluster is not None else ""
    print(
        f"end-to-end ingest ({dbs.kind}, {processes} parser processes): {rate:8,.0f} msg/s"
        f"  ratio {rate / baseline:.3f}x  ({elapsed:.1f} s, engine process CPU {cpu:.2f} s,"
        f" parser processes CPU {parsers:.2f} s{on_server})"
    )
    with acc.client() as c:
        c.select_folder("INBOX", readonly=True)
        uids = c.search()
    check_exactly_once(store, mails, uids)
    print(f"  checked: {count} in the ledger once, tickets and threads as expected")
    print(f"  searchable: {searchable(store, mails)}")
    store.dispose()


def parser_cpu(engine: MailEngine) -> float:
    """CPU seconds the engine's parser processes have used so far (Linux /proc)."""
    pool = engine._parser
    if pool is None:
        return 0.0
    return sum(cpu_seconds(pid) for pid in getattr(pool, "_processes", {}) or {})


def searchable(store: Store, mails: list[Mail]) -> str:
    """Full-text search finds sampled mails by a word only their subject has."""
    rng = random.Random(2)
    sample = rng.sample([m for m in mails if m.kind in ("plain", "html", "attachment")], 20)
    found = 0
    with store.read() as s:
        for mail in sample:
            subject = s.scalar(
                select(Message.subject).where(Message.message_id_header == mail.message_id)
            )
            assert subject is not None
            number = subject.rsplit("(", 1)[1].rstrip(")")
            hits = search(s, number, limit=200)
            found += any(h.subject == subject for h in hits)
    return f"{found}/{len(sample)} sampled mails found by search"


# ---------------------------------------------------------------------------- idle


def bench_idle(server: Dovecot, dbs: Databases, count: int = 50) -> None:
    acc = account(server)
    store = dbs.fresh()
    secrets = MemorySecrets()
    add_mailbox(store, acc, secrets)
    engine = MailEngine(store, secrets)
    stop = threading.Event()
    runner = threading.Thread(target=engine.run_forever, args=(stop,), daemon=True)
    runner.start()
    latencies = []
    try:
        with acc.client() as c:
            for n in range(count):
                msgid = f"<idle-{n}-{uuid.uuid4().hex}@kunde.de>"
                raw = (
                    f"From: Kunde <kunde{n}@kunde.de>\r\nTo: support@desk.example\r\n"
                    f"Subject: Frage {n}\r\nMessage-ID: {msgid}\r\n\r\nBitte.\r\n"
                ).encode()
                time.sleep(0.3)  # the engine is back in IDLE
                start = time.perf_counter()
                c.append("INBOX", raw)
                while not _stored(store, msgid):
                    if time.perf_counter() - start > 30:
                        raise SystemExit(f"mail {n} not ingested after 30 s")
                    time.sleep(0.005)
                latencies.append(time.perf_counter() - start)
    finally:
        stop.set()
        runner.join(10)
        engine.close()
    q = statistics.quantiles(latencies, n=20)
    print(
        f"IDLE: APPEND -> ticket over {count} mails: p50 {statistics.median(latencies):.2f} s,"
        f" p95 {q[18]:.2f} s, max {max(latencies):.2f} s"
    )
    store.dispose()


def _stored(store: Store, msgid: str) -> bool:
    with store.read() as s:
        found = s.scalar(select(Message.id).where(Message.message_id_header == msgid))
        return found is not None


# ---------------------------------------------------------------------------- memory


def bench_memory(server: Dovecot, dbs: Databases, size: int = 50 * 1024 * 1024) -> None:
    raw = big_attachment_mail(size)
    acc = account(server)
    acc.append(raw)
    raw_len = len(raw)
    del raw
    runs = [("streaming", ()), ("streaming", ("trace",)), ("whole", ())]
    for mode, trace in runs:
        store = dbs.fresh()
        secrets = MemorySecrets()
        add_mailbox(store, acc, secrets)
        env = dict(os.environ, DESK_SECRET_MAILBOX_SUPPORT_IMAP=acc.password)
        out = subprocess.run(
            [sys.executable, __file__, "--memory-child", store.url, mode, *trace],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise SystemExit(out.stderr[-3000:])
        print(f"50 MB attachment ({raw_len / 2**20:.0f} MB raw), {mode:9}: {out.stdout.strip()}")
        store.dispose()


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def memory_child(url: str, mode: str, trace: bool) -> None:
    from desk_gui.sync.mail_in import worker
    from desk_gui.sync.secrets import KeyringSecrets

    if mode == "whole":  # the mail as one bytes object through the in-memory parser
        worker.BIG_MAIL = 1 << 40
    store = Store(url)
    engine = MailEngine(store, KeyringSecrets())
    engine.mailboxes()
    store.clock.now()
    if trace:
        tracemalloc.start()
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to now
    before = _rss_kib("VmRSS")
    start = time.perf_counter()
    [report] = engine.run_once()
    elapsed = time.perf_counter() - start
    assert report.ok, report.error
    peak = _rss_kib("VmHWM")
    if trace:
        heap = f"Python heap peak +{tracemalloc.get_traced_memory()[1] / 2**20:.0f} MB"
        print(f"{heap} ({elapsed:.1f} s, traced)")
        return
    print(
        f"RSS {before / 1024:.0f} MB before, peak {peak / 1024:.0f} MB: "
        f"+{(peak - before) / 1024:.0f} MB ({elapsed:.1f} s)"
    )


# ---------------------------------------------------------------------------- main


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--memory-child":
        memory_child(sys.argv[2], sys.argv[3], len(sys.argv) > 4)
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mails", type=int, default=10_000)
    ap.add_argument("--processes", type=int, default=2, help="parser processes")
    ap.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    ap.add_argument("--only", default="ingest,idle,memory")
    ap.add_argument("--profile", metavar="FILE", help="ingest under cProfile, stats to FILE")
    args = ap.parse_args()
    parts = set(args.only.split(","))
    server = start_dovecot()
    if isinstance(server, str):
        sys.exit(server)
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as tmp:
        dbs = Databases(args.db, Path(tmp))
        try:
            print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
            if "ingest" in parts:
                bench_ingest(server, dbs, args.mails, args.processes, args.profile)
            if "idle" in parts:
                bench_idle(server, dbs)
            if "memory" in parts:
                bench_memory(server, dbs)
        finally:
            dbs.close()
            server.stop()


if __name__ == "__main__":
    main()
