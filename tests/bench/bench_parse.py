"""Parse throughput: desk_gui.sync.mime.parse_message vs the stdlib baseline, same run.

    uv run python tests/bench/bench_parse.py [--count 3000] [--rounds 3]

The set mixes plain mails, multipart/alternative HTML mails and mails with a 20 KB
attachment, in equal parts. Figures only: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import email
import os
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from desk_gui.sync.mime import parse_message

_WORDS = [
    "Drucker",
    "Rechnung",
    "Lieferung",
    "Übergabe",
    "Störung",
    "Passwort",
    "zurücksetzen",
    "bitte",
    "dringend",
    "Grüße",
    "Server",
    "Zugang",
    "Konto",
    "Bestellung",
    "Termin",
    "Rückruf",
    "invoice",
    "printer",
    "broken",
    "thanks",
    "meeting",
    "update",
]


def _text(rng: random.Random, n: int) -> str:
    return "\n".join(" ".join(rng.choice(_WORDS) for _ in range(12)) for _ in range(n))


def generate(count: int, seed: int = 1) -> list[bytes]:
    rng = random.Random(seed)
    out: list[bytes] = []
    for i in range(count):
        msg = EmailMessage()
        msg["From"] = f"Kunde Nr. {i} Müller <kunde{i}@example.com>"
        msg["To"] = "support@desk.example"
        msg["Subject"] = f"AW: Störung Drucker [#{10000 + i}]"
        msg["Date"] = format_datetime(datetime(2026, 11, 1, 10, 0, tzinfo=UTC))
        msg["Message-ID"] = make_msgid(domain="example.com")
        msg["References"] = " ".join(make_msgid(domain="desk.example") for _ in range(3))
        body = _text(rng, 15) + "\n\nMit freundlichen Grüßen\nKunde"
        kind = i % 3
        msg.set_content(body)
        if kind == 1:
            html = "".join(f"<p>{line}</p>" for line in body.split("\n"))
            msg.add_alternative(
                f"<html><body>{html}<img src='https://t.example/p.gif'></body></html>",
                subtype="html",
            )
        elif kind == 2:
            msg.add_attachment(
                rng.randbytes(20 * 1024),
                maintype="application",
                subtype="pdf",
                filename="Rechnung März.pdf",
            )
        out.append(msg.as_bytes())
    return out


def baseline(raw: bytes) -> str:
    msg = email.message_from_bytes(raw, policy=policy.default)
    body = msg.get_body()
    return body.get_content() if body is not None else ""


def compat32_subject(raw: bytes) -> str:
    return str(email.message_from_bytes(raw, policy=policy.compat32)["Subject"])


def measure(fn: Callable[[bytes], object], raws: list[bytes], rounds: int) -> float:
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for raw in raws:
            fn(raw)
        rates.append(len(raws) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    raws = generate(args.count)
    size = sum(map(len, raws)) / len(raws) / 1024
    print(
        f"{len(raws)} messages, mean {size:.1f} KB, 1/3 plain, 1/3 HTML, 1/3 20 KB "
        f"attachment; median of {args.rounds} rounds, one core (pid {os.getpid()})"
    )
    ours = measure(parse_message, raws, args.rounds)
    base = measure(baseline, raws, args.rounds)
    bare = measure(compat32_subject, raws, args.rounds)
    print(f"  parse_message (compat32 + explicit decoding, sanitize): {ours:8.0f} msg/s")
    print(f"  baseline policy.default + get_body().get_content():     {base:8.0f} msg/s")
    print(f"  reference: compat32 parse + Subject only:               {bare:8.0f} msg/s")
    print(f"  ratio parse_message / baseline: {ours / base:.2f}x")
    for label, kind in (("plain", 0), ("html", 1), ("attachment", 2)):
        subset = raws[kind::3]
        o = measure(parse_message, subset, args.rounds)
        b = measure(baseline, subset, args.rounds)
        print(f"  {label:>10}: parse_message {o:6.0f} msg/s, baseline {b:6.0f} msg/s")
    big = EmailMessage()
    big["From"], big["To"], big["Subject"] = "a@example.com", "b@example.com", "scan"
    big.set_content("see scan")
    big.add_attachment(
        random.Random(2).randbytes(5 * 1024 * 1024),
        maintype="application",
        subtype="pdf",
        filename="scan.pdf",
    )
    raw = big.as_bytes()
    start = time.perf_counter()
    parse_message(raw)
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    parse_message(raw)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"  5 MB attachment ({len(raw) / 2**20:.1f} MB raw): {elapsed * 1000:.0f} ms, "
        f"peak Python allocations {peak / 2**20:.0f} MB"
    )


if __name__ == "__main__":
    main()
