"""SMTP outbox throughput: 1,000 queued replies drained to a local SMTP sink, against raw
smtplib sending the same messages over one connection, in the same run.

    uv run python tests/bench/bench_smtp.py [--count 1000] [--rounds 3] [--db URL]

The sink is aiosmtpd in a separate process (it discards and counts), so sink and
sender do not share one interpreter. Desk's figure covers everything a real drain does:
claim a batch (a write transaction), read the mails composed when they were queued,
send them over one connection per mailbox, commit their states (a write transaction per
batch). Composing (templates, sanitizing, MIME) happens in queue_reply and is measured
there. The baseline only loops smtplib.sendmail over the same bytes. Figures only:
nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from desk_gui.models import Mailbox, OutboundMail, OutboundState
from desk_gui.models.commands import SYSTEM, CreateTicket, run_in
from desk_gui.models.mailbox import Security
from desk_gui.models.store import Store
from desk_gui.sync.mail_out import ReplyDraft, drain_outbox, queue_reply
from desk_gui.sync.mail_out.compose import compose, outgoing_for, to_bytes

SINK = """
import signal, sys, threading
from aiosmtpd.controller import Controller
class Count:
    n = 0
    async def handle_DATA(self, server, session, envelope):
        Count.n += 1
        return "250 OK"
c = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *a: done.set())
done.wait()
c.stop()
print(Count.n, flush=True)
"""

BODY = (
    "<p>Hallo {{contact.first_name}},</p><p>vielen Dank für Ihre Nachricht. Wir haben den "
    "Toner für den Drucker im 2. OG bestellt; er kommt <b>morgen</b>.</p>"
    "<ul><li>Bestellnummer 4711</li><li>Lieferung bis 12 Uhr</li></ul>"
)


class MemorySecrets:
    secure = True

    def get(self, account: str) -> str | None:
        return None

    def set(self, account: str, secret: str) -> None:
        pass

    def delete(self, account: str) -> None:
        pass


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_sink(port: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def stop_sink(proc: subprocess.Popen[str]) -> int:
    proc.terminate()
    out, _ = proc.communicate(timeout=30)
    return int(out.strip().splitlines()[-1])


def setup(url: str, port: int, count: int) -> tuple[Store, float]:
    store = Store(url)
    store.migrate()
    clock = store.clock
    with store.write() as s:
        s.add(Mailbox(name="support", smtp_host="127.0.0.1", smtp_port=port,
                      smtp_security=Security.NONE, from_addr="support@desk.example"))  # fmt: skip
        ids = [
            run_in(
                s,
                clock.now(),
                CreateTicket(subject=f"Drucker {i} druckt nicht", body="Hilfe",
                             from_addr=f"kunde{i}@example.de", from_name=f"Max Muster{i}"),
                SYSTEM,
            )
            for i in range(count)
        ]  # fmt: skip
    start = time.perf_counter()
    for tid in ids:
        queue_reply(store, ReplyDraft(tid, BODY))
    return store, count / (time.perf_counter() - start)


def composed(store: Store) -> list[tuple[str, list[str], bytes]]:
    out = []
    with store.read() as s:
        box = s.scalar(select(Mailbox))
        assert box is not None
        for row in s.scalars(select(OutboundMail).order_by(OutboundMail.created_at)):
            o = outgoing_for(s, row, box)
            out.append((o.from_addr, o.recipients, to_bytes(compose(o))))
    return out


def raw_send(port: int, mails: list[tuple[str, list[str], bytes]]) -> float:
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, rcpts, raw in mails:
            smtp.sendmail(sender, rcpts, raw)
    return len(mails) / (time.perf_counter() - start)


def desk_send(store: Store, count: int) -> float:
    with store.write() as s:  # every round sends the same queued mails again
        for row in s.scalars(select(OutboundMail)):
            row.state, row.attempts, row.sent_at = OutboundState.QUEUED, 0, None
    start = time.perf_counter()
    report = drain_outbox(store, MemorySecrets(), acknowledge=False, notify=False)
    elapsed = time.perf_counter() - start
    assert report.sent == count, report
    return count / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--db", help="a database URL (default: a fresh SQLite file)")
    args = ap.parse_args()
    port = free_port()
    sink = start_sink(port)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        try:
            store, queue_rate = setup(url, port, args.count)
            mails = composed(store)
            size = statistics.mean(len(m[2]) for m in mails)
            raw_rates, desk_rates = [], []
            for _ in range(args.rounds):
                raw_rates.append(raw_send(port, mails))
                desk_rates.append(desk_send(store, args.count))
        finally:
            delivered = stop_sink(sink)
    raw, desk = statistics.median(raw_rates), statistics.median(desk_rates)
    expected = 2 * args.rounds * args.count
    print(f"{args.count} replies of ~{size / 1024:.1f} KB, {args.rounds} rounds, "
          f"{store.dialect}; sink delivered {delivered}/{expected}")  # fmt: skip
    print(f"queue_reply (render, compose, commit):   {queue_rate:8.0f} replies/s")
    print(f"raw smtplib, one connection:             {raw:8.0f} msg/s  "
          f"(rounds: {', '.join(f'{r:.0f}' for r in raw_rates)})")  # fmt: skip
    print(f"desk drain_outbox (claim, send, record): {desk:8.0f} msg/s  "
          f"(rounds: {', '.join(f'{r:.0f}' for r in desk_rates)})")  # fmt: skip
    print(f"ratio desk / raw: {desk / raw:.2f}x (target >= 0.5x)")


if __name__ == "__main__":
    main()
