"""A realistic mixed inbox, generated: what a support address receives in a normal week.

Plain mails in several charsets, Outlook-style HTML, mails with a 20 KB attachment,
replies as Outlook, Apple Mail, Thunderbird and Gmail write them (threading by
In-Reply-To, some with References only), forwards (message/rfc822 and inline), bounces,
auto-replies, spam, and copies of the hand-written corpus in tests/sync/mime/corpus.

Every mail carries what the engine must make of it (`expect`): "new" opens a ticket,
"reply" joins the thread of an earlier mail of the same inbox, "spam" is filed apart.
The same seed always gives the same bytes.

    uv run python -m tests.sync.mail_in.corpus_gen 20   # prints a summary of 20 mails
"""

from __future__ import annotations

import base64
import quopri
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from pathlib import Path

CORPUS = Path(__file__).parents[1] / "mime" / "corpus"

KINDS = {  # kind -> weight (per 100 mails)
    "plain": 26,
    "html": 18,
    "attachment": 12,
    "reply_outlook": 8,
    "reply_apple": 6,
    "reply_thunderbird": 5,
    "reply_gmail": 8,
    "forward_rfc822": 3,
    "forward_inline": 3,
    "bounce": 3,
    "auto_reply": 4,
    "spam": 2,
    "corpus": 2,
}
REPLY_KINDS = frozenset(k for k in KINDS if k.startswith("reply_"))

_FIRST = ["Hans", "Erika", "Jörg", "Ayşe", "Łukasz", "Chloé", "Amit", "Petra", "Sören", "Mia"]
_LAST = ["Müller", "Weiß", "Schmidt", "Novak", "Öztürk", "Nowak", "Sharma", "Groß", "Lang"]
_DOMAINS = ["kunde.de", "example.org", "weiss-it.de", "gmail.com", "firma.at", "büro.example"]
_TOPICS = [
    "Drucker im 2. OG druckt nicht",
    "Passwort zurücksetzen",
    "Rechnung 2024-0815 fehlt",
    "VPN bricht stündlich ab",
    "Lieferung unvollständig",
    "Zugang für neue Kollegin",
    "Outlook startet nicht",
    "Invoice question",
    "Server room too warm",
    "Störung Telefonanlage",
    "Bestellung 4711 storniert?",
    "Termin für Wartung",
]
_WORDS = [
    *("der", "die", "das", "Drucker", "Rechnung", "Lieferung", "Übergabe", "Störung"),
    *("Passwort", "bitte", "dringend", "Grüße", "Server", "Zugang", "Konto", "Bestellung"),
    *("Termin", "Rückruf", "invoice", "printer", "broken", "thanks", "meeting", "update"),
    *("seit", "heute", "morgen", "leider", "wieder", "nicht", "möglich", "können", "prüfen"),
]
_EPOCH = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Mail:
    index: int
    kind: str
    raw: bytes
    message_id: str
    expect: str  # "new" | "reply" | "spam"
    parent: int | None = None  # the mail a reply answers


@dataclass
class _Thread:
    """What a reply needs to know about the mail it answers."""

    index: int
    message_id: str
    references: list[str]
    subject: str
    sender: tuple[str, str]  # name, address


def _crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def _qp(text: str, charset: str) -> str:
    return quopri.encodestring(text.encode(charset, "replace")).decode("ascii")


def _b64(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii")


class _Gen:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.threads: list[_Thread] = []  # recent ticket-worthy mails, for replies

    # ---------------------------------------------------------------- small parts

    def person(self) -> tuple[str, str]:
        first, last = self.rng.choice(_FIRST), self.rng.choice(_LAST)
        local = f"{first}.{last}".lower()
        local = local.translate(str.maketrans({"ü": "ue", "ö": "oe", "ä": "ae", "ß": "ss"}))
        local = local.encode("ascii", "ignore").decode() or "kunde"
        domain = self.rng.choice(_DOMAINS).replace("büro", "buero")
        return f"{first} {last}", f"{local}{self.rng.randrange(100)}@{domain}"

    def words(self, lines: int) -> str:
        return "\n".join(
            " ".join(self.rng.choice(_WORDS) for _ in range(self.rng.randint(6, 14)))
            for _ in range(lines)
        )

    def msgid(self, index: int, domain: str) -> str:
        return f"<{self.seed}.{index}.{self.rng.getrandbits(48):012x}@{domain}>"

    def date(self, index: int) -> str:
        return format_datetime(_EPOCH + timedelta(seconds=37 * index))

    def head(self, index: int, name: str, addr: str, subject: str, msgid: str) -> str:
        encoded = "=?utf-8?Q?" + _qp(name, "utf-8").replace(" ", "_").replace("?", "=3F")
        return (
            f"Received: from mx{index % 7}.relay.example by mx.desk.example with ESMTPS;"
            f" {self.date(index)}\n"
            f"From: {encoded}?= <{addr}>\n"
            "To: Desk Support <support@desk.example>\n"
            f"Subject: =?utf-8?B?{base64.b64encode(subject.encode()).decode()}?=\n"
            f"Date: {self.date(index)}\n"
            f"Message-ID: {msgid}\n"
            "MIME-Version: 1.0\n"
        )

    # ---------------------------------------------------------------- new mails

    def plain(self, i: int, msgid: str, name: str, addr: str, subject: str) -> str:
        charset = self.rng.choice(["utf-8", "iso-8859-1", "windows-1252"])
        body = f"Guten Tag,\n\n{self.words(self.rng.randint(4, 30))}\n\nViele Grüße\n{name}\n"
        return (
            self.head(i, name, addr, subject, msgid)
            + f"Content-Type: text/plain; charset={charset}\n"
            "Content-Transfer-Encoding: quoted-printable\n\n" + _qp(body, charset)
        )

    def html_alternative(self, text: str, boundary: str) -> str:
        paras = "".join(f'<p class="MsoNormal">{line}</p>\n' for line in text.split("\n"))
        html = (
            '<html><head><style>p.MsoNormal{margin:0cm;font-family:"Calibri"}</style></head>'
            f'<body lang="DE"><div class="WordSection1">{paras}</div>'
            '<img src="https://track.example/pixel.gif" width="1" height="1"></body></html>'
        )
        return (
            f'Content-Type: multipart/alternative; boundary="{boundary}"\n\n'
            f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n"
            f"Content-Transfer-Encoding: quoted-printable\n\n{_qp(text, 'utf-8')}\n"
            f"--{boundary}\nContent-Type: text/html; charset=utf-8\n"
            f"Content-Transfer-Encoding: quoted-printable\n\n{_qp(html, 'utf-8')}\n"
            f"--{boundary}--\n"
        )

    def html(self, i: int, msgid: str, name: str, addr: str, subject: str) -> str:
        words = self.words(self.rng.randint(5, 25))
        text = f"Hallo Support,\n{words}\nMit freundlichen Grüßen\n{name}"
        return self.head(i, name, addr, subject, msgid) + self.html_alternative(text, f"alt{i}")

    def attachment(self, i: int, msgid: str, name: str, addr: str, subject: str) -> str:
        data = self.rng.randbytes(20 * 1024)
        fname = self.rng.choice(["Rechnung_März.pdf", "scan 0001.pdf", "Screenshot.png"])
        ctype = "image/png" if fname.endswith(".png") else "application/pdf"
        return (
            self.head(i, name, addr, subject, msgid)
            + f'Content-Type: multipart/mixed; boundary="mix{i}"\n\n'
            f"--mix{i}\n"
            + self.html_alternative(f"Anbei die Datei.\n{self.words(3)}\n{name}", f"alt{i}")
            + f"\n--mix{i}\nContent-Type: {ctype}; name*=utf-8''{_pct(fname)}\n"
            f"Content-Disposition: attachment; filename*=utf-8''{_pct(fname)}\n"
            f"Content-Transfer-Encoding: base64\n\n{_b64(data)}--mix{i}--\n"
        )

    def forward_rfc822(self, i: int, msgid: str, name: str, addr: str, subject: str) -> str:
        orig_name, orig_addr = self.person()
        inner = self.plain(i, self.msgid(i, "orig.example"), orig_name, orig_addr, subject)
        return (
            self.head(i, name, addr, f"Fwd: {subject}", msgid)
            + f'Content-Type: multipart/mixed; boundary="fwd{i}"\n\n'
            f"--fwd{i}\nContent-Type: text/plain; charset=utf-8\n\nSiehe unten, bitte übernehmen.\n"
            f"--fwd{i}\nContent-Type: message/rfc822\nContent-Disposition: attachment\n\n"
            f"{inner}\n--fwd{i}--\n"
        )

    def forward_inline(self, i: int, msgid: str, name: str, addr: str, subject: str) -> str:
        orig_name, orig_addr = self.person()
        body = (
            f"zur Info\n\n{name}\n\n"
            f"Von: {orig_name} <{orig_addr}>\nGesendet: Montag, 2. November 2026 09:12\n"
            f"An: {name} <{addr}>\nBetreff: {subject}\n\n{self.words(8)}\n"
        )
        return (
            self.head(i, name, addr, f"WG: {subject}", msgid)
            + "Content-Type: text/plain; charset=windows-1252\n"
            "Content-Transfer-Encoding: quoted-printable\n\n" + _qp(body, "windows-1252")
        )

    def bounce(self, i: int, msgid: str, _name: str, _addr: str, subject: str) -> str:
        lost = self.msgid(i, "desk-outgoing.example")  # one of our mails, not in this inbox
        return (
            "Return-Path: <>\n"
            f"Date: {self.date(i)}\n"
            "From: MAILER-DAEMON@mx.desk.example (Mail Delivery System)\n"
            "Subject: Undelivered Mail Returned to Sender\n"
            "To: support@desk.example\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
            "Content-Type: multipart/report; report-type=delivery-status;\n"
            f'\tboundary="dsn{i}"\nMessage-Id: {msgid}\n\n'
            f"--dsn{i}\nContent-Type: text/plain; charset=us-ascii\n\n"
            "I'm sorry to have to inform you that your message could not\nbe delivered.\n"
            f"--dsn{i}\nContent-Type: message/delivery-status\n\n"
            "Reporting-MTA: dns; mx.desk.example\n\n"
            "Final-Recipient: rfc822; nobody@gone.example\nAction: failed\nStatus: 5.1.1\n"
            f"\n--dsn{i}\nContent-Type: text/rfc822-headers\n\n"
            f"From: Desk Support <support@desk.example>\nTo: nobody@gone.example\n"
            f"Subject: {subject}\nMessage-ID: {lost}\n"
            f"\n--dsn{i}--\n"
        )

    def auto_reply(self, i: int, msgid: str, name: str, addr: str, subject: str) -> str:
        ours = self.msgid(i, "desk-outgoing.example")
        return (
            self.head(i, name, addr, f"Automatische Antwort: {subject}", msgid)
            + f"In-Reply-To: {ours}\nAuto-Submitted: auto-replied\n"
            "X-Auto-Response-Suppress: All\n"
            "Content-Type: text/plain; charset=iso-8859-1\n"
            "Content-Transfer-Encoding: quoted-printable\n\n"
            + _qp(f"Ich bin bis 25.11. nicht im Büro.\n{name}\n", "iso-8859-1")
        )

    def spam(self, i: int, msgid: str, _name: str, _addr: str, _subject: str) -> str:
        return (
            self.head(i, "Gewinnspiel", "win@lotto.example", "Sie haben gewonnen!!!", msgid)
            + "X-Spam-Flag: YES\nX-Spam-Score: 14.2\n"
            "Content-Type: text/html; charset=utf-8\n\n"
            '<html><body><a href="https://lotto.example/x">Jetzt abholen</a></body></html>\n'
        )

    # ---------------------------------------------------------------- replies

    def reply(self, i: int, kind: str, msgid: str, parent: _Thread) -> str:
        name, addr = parent.sender
        refs = [*parent.references, parent.message_id][-8:]
        quoted = "\n".join("> " + line for line in self.words(4).split("\n"))
        text = f"{self.words(self.rng.randint(2, 8))}\n\n{name}"
        prefix = {"reply_outlook": "AW: ", "reply_gmail": "Re: "}.get(kind, "Re: ")
        head = self.head(i, name, addr, prefix + parent.subject, msgid)
        # Some clients drop In-Reply-To and keep References only.
        irt = "" if self.rng.random() < 0.2 else f"In-Reply-To: {parent.message_id}\n"
        head += irt + "References: " + "\n ".join(refs) + "\n"
        if kind == "reply_outlook":
            head += "Thread-Index: AQHabcdefghijklmnopqrstuvwxyz==\nX-MS-Has-Attach:\n"
            body = (
                f"{text}\n\nVon: Desk Support <support@desk.example>\n"
                f"Gesendet: Montag, 2. November 2026 09:12\nAn: {name} <{addr}>\n"
                f"Betreff: {parent.subject}\n\n{self.words(4)}\n"
            )
            return head + self.html_alternative(body, f"_000_{i}_")
        if kind == "reply_apple":
            head += "X-Mailer: Apple Mail (2.3774.400.31)\n"
            body = f"{text}\n\n> Am 02.11.2026 um 10:15 schrieb Desk Support:\n>\n{quoted}\n"
            return head + self.html_alternative(body, f"Apple-Mail=_{i}")
        if kind == "reply_thunderbird":
            body = f"On 02.11.26 09:00, Desk Support wrote:\n{quoted}\n\n{text} \nthanks\n"
            return (
                head + "User-Agent: Mozilla Thunderbird\n"
                "Content-Type: text/plain; charset=UTF-8; format=flowed\n"
                f"Content-Transfer-Encoding: 8bit\n\n{body}"
            )
        body = f"{text}\n\nOn Mon, Nov 2, 2026 at 10:15 AM Desk Support wrote:\n\n{quoted}\n"
        return head + self.html_alternative(body, f"0000000000{i:08x}")

    # ---------------------------------------------------------------- the corpus

    def corpus_copy(self, i: int, msgid: str) -> tuple[bytes, str]:
        name, raw, expect = self.rng.choice(_corpus())
        return _neutralize(raw, msgid, f"{name} copy {i}"), expect

    # ---------------------------------------------------------------- one mail

    def mail(self, i: int) -> Mail:
        kind = self.rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
        if kind in REPLY_KINDS and not self.threads:
            kind = "plain"
        name, addr = self.person()
        msgid = self.msgid(i, addr.rsplit("@", 1)[1])
        if kind == "corpus":
            raw, expect = self.corpus_copy(i, msgid)
            return Mail(i, kind, raw, msgid, expect)
        if kind in REPLY_KINDS:
            parent = self.rng.choice(self.threads[-300:])
            raw = _crlf(self.reply(i, kind, msgid, parent))
            refs = [*parent.references, parent.message_id]
            self.threads.append(_Thread(i, msgid, refs, parent.subject, parent.sender))
            return Mail(i, kind, raw, msgid, "reply", parent.index)
        subject = f"{self.rng.choice(_TOPICS)} ({self.rng.randrange(10_000)})"
        raw = _crlf(getattr(self, kind)(i, msgid, name, addr, subject))
        if kind == "spam":
            return Mail(i, kind, raw, msgid, "spam")
        if kind in ("plain", "html", "attachment"):
            self.threads.append(_Thread(i, msgid, [], subject, (name, addr)))
        return Mail(i, kind, raw, msgid, "new")


def _pct(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


_OWN_ID = re.compile(rb"desk\.(\d+)\.")
_TOKEN = re.compile(rb"\[#\s*(\d+)\]")
_MSGID_LINE = re.compile(rb"^Message-I[dD]:[^\r\n]*(\r?\n[ \t][^\r\n]*)*", re.M)
_THREAD_LINE = re.compile(rb"^(In-Reply-To|References):[^\r\n]*(\r?\n[ \t][^\r\n]*)*\r?\n", re.M)
_SUBJECT_LINE = re.compile(rb"^Subject:([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)", re.M)


def _plain_subject(match: re.Match[bytes]) -> bytes:
    """Subject tokens hide in encoded words too: decode, neutralize, re-encode."""
    from email.header import Header

    from desk_gui.sync.mime.headers import decode_header_value

    text = decode_header_value(match.group(1).decode("ascii", "surrogateescape"))
    text = re.sub(r"\[#\s*(\d+)\]", r"[Nr. \1]", text)
    return b"Subject: " + Header(text, "utf-8").encode().encode("ascii")


def _neutralize(raw: bytes, msgid: str, tag: str) -> bytes:
    """A corpus mail that opens a new ticket in any inbox: unique bytes and Message-ID,
    no threading headers, no ticket tokens, no Message-IDs of ours."""
    head, sep, body = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
    head = _SUBJECT_LINE.sub(_plain_subject, _THREAD_LINE.sub(b"", head), count=1)
    head, found = _MSGID_LINE.subn(b"Message-ID: " + msgid.encode(), head, count=1)
    if not found and sep:
        head += b"\nMessage-ID: " + msgid.encode()
    raw = b"X-Desk-Corpus: " + tag.encode() + b"\n" + head + sep + body
    return _TOKEN.sub(rb"[Nr. \1]", _OWN_ID.sub(rb"was.\1.", raw))


@cache
def _corpus() -> tuple[tuple[str, bytes, str], ...]:
    """The hand-written corpus with what each copy must become (checked by parsing)."""
    from desk_gui.sync.mime import ParsedMessage, try_parse

    out = []
    for path in sorted(CORPUS.glob("*.eml")):
        raw = path.read_bytes()
        parsed = try_parse(_neutralize(raw, "<probe@corpus.example>", "probe"))
        expect = "new"
        if isinstance(parsed, ParsedMessage):
            if parsed.spam_flag or (parsed.spam_score or 0) >= 5:
                expect = "spam"
            assert not parsed.in_reply_to and not parsed.references, path.name
            assert "[#" not in parsed.subject, path.name
        out.append((path.name, raw, expect))
    return tuple(out)


def generate(count: int, seed: int = 1) -> list[Mail]:
    gen = _Gen(seed)
    return [gen.mail(i) for i in range(count)]


def iter_big_attachment(size: int, seed: int = 7) -> Iterator[bytes]:
    """A mail with one attachment of `size` bytes, base64-encoded, produced in pieces."""
    rng = random.Random(seed)
    yield _crlf(
        "From: Scanner <scanner@kunde.de>\nTo: support@desk.example\n"
        "Subject: Großer Scan\nDate: Mon, 2 Nov 2026 10:00:00 +0100\n"
        f"Message-ID: <big-{seed}-{size}@kunde.de>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="big"\n\n'
        "--big\nContent-Type: text/plain; charset=utf-8\n\nDer Scan im Anhang.\n"
        '--big\nContent-Type: application/pdf; name="scan.pdf"\n'
        'Content-Disposition: attachment; filename="scan.pdf"\n'
        "Content-Transfer-Encoding: base64\n\n"
    )
    step = 57 * 18_000  # whole base64 lines
    for start in range(0, size, step):
        chunk = rng.randbytes(min(step, size - start))
        yield base64.encodebytes(chunk).replace(b"\n", b"\r\n")
    yield b"--big--\r\n"


def big_attachment_mail(size: int, seed: int = 7) -> bytes:
    return b"".join(iter_big_attachment(size, seed))


@dataclass(frozen=True)
class Expected:
    mails: int
    tickets: int  # mails that open a ticket
    messages: int  # mails that become a message (everything but spam)
    spam: int


def expected(mails: list[Mail]) -> Expected:
    by = Counter(m.expect for m in mails)
    return Expected(len(mails), by["new"], by["new"] + by["reply"], by["spam"])


if __name__ == "__main__":
    sample = generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
    sizes = [len(m.raw) for m in sample]
    print(Counter(m.kind for m in sample).most_common())
    print(expected(sample), f"avg {sum(sizes) / len(sizes) / 1024:.1f} KB")
