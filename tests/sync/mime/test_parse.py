"""parse_message / try_parse beyond the corpus: charsets, headers, robustness."""

from __future__ import annotations

import base64
import pickle
import random
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk_gui.sync.mime import (
    Address,
    MailParseError,
    ParsedMessage,
    ParseFailure,
    decode_bytes,
    parse_message,
    try_parse,
)
from desk_gui.sync.mime import parse as parse_module

from .conftest import CORPUS

SAMPLES = {
    "latin": "Grüße, Ærøskøbing, ça va? naïve façade",
    "central": "Příliš žluťoučký kůň úpěl ďábelské ódy",
    "cyrillic": "Съешь же ещё этих мягких французских булок",
    "greek": "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία",
    "turkish": "Pijamalı hasta yağız şoföre çabucak güvendi",
    "hebrew": "דג סקרן שט בים מאוכזב",
    "arabic": "نص حكيم له سر قاطع وذو شأن عظيم",
    "thai": "เป็นมนุษย์สุดประเสริฐเลิศคุณค่า",
    "chinese_s": "我能吞下玻璃而不伤身体",
    "chinese_t": "我能吞下玻璃而不傷身體",
    "japanese": "いろはにほへと ちりぬるを 日本語",
    "korean": "다람쥐 헌 쳇바퀴에 타고파",
    "emoji": "Ticket 🎫 gelöst ✅",
}
CHARSETS = [
    ("utf-8", "latin"),
    ("utf-8", "emoji"),
    ("iso-8859-1", "latin"),
    ("iso-8859-15", "latin"),
    ("windows-1252", "latin"),
    ("ISO-8859-2", "central"),
    ("windows-1250", "central"),
    ("koi8-r", "cyrillic"),
    ("windows-1251", "cyrillic"),
    ("iso-8859-5", "cyrillic"),
    ("iso-8859-7", "greek"),
    ("windows-1253", "greek"),
    ("iso-8859-9", "turkish"),
    ("windows-1254", "turkish"),
    ("iso-8859-8-i", "hebrew"),
    ("windows-1255", "hebrew"),
    ("windows-1256", "arabic"),
    ("iso-8859-6", "arabic"),
    ("tis-620", "thai"),
    ("windows-874", "thai"),
    ("gb2312", "chinese_s"),
    ("gbk", "chinese_s"),
    ("gb18030", "chinese_s"),
    ("big5", "chinese_t"),
    ("shift_jis", "japanese"),
    ("euc-jp", "japanese"),
    ("iso-2022-jp", "japanese"),
    ("euc-kr", "korean"),
    ("ks_c_5601-1987", "korean"),
    ("utf-16", "emoji"),
    ("utf-7", "latin"),
    ("macintosh", "latin"),
]
_PY_CODEC = {
    "iso-8859-8-i": "iso-8859-8",
    "ks_c_5601-1987": "cp949",
    "macintosh": "mac_roman",
    "tis-620": "cp874",
    "windows-874": "cp874",
}


def _mail(
    headers: str, body: bytes, ctype: str = "text/plain; charset=utf-8", cte: str = "8bit"
) -> bytes:
    return (
        f"From: a@example.com\nTo: b@example.com\nMessage-ID: <t@example.com>\n{headers}"
        f"MIME-Version: 1.0\nContent-Type: {ctype}\nContent-Transfer-Encoding: {cte}\n\n"
    ).encode() + body


@pytest.mark.parametrize(("charset", "sample"), CHARSETS)
def test_every_charset_in_body_and_subject(charset: str, sample: str) -> None:
    text = SAMPLES[sample]
    codec = _PY_CODEC.get(charset, charset)
    body = base64.encodebytes(text.encode(codec))
    subject = (
        Header(text, charset="utf-8").encode()
        if charset in ("utf-16", "utf-7")
        else ("=?" + charset + "?B?" + base64.b64encode(text.encode(codec)).decode() + "?=")
    )
    raw = _mail(f"Subject: {subject}\n", body, f'text/plain; charset="{charset}"', "base64")
    msg = parse_message(raw)
    assert msg.body_text == text
    assert msg.subject == text
    assert msg.warnings == ()


def test_decode_bytes_fallback_chain() -> None:
    assert decode_bytes("Grüße".encode(), "us-ascii") == ("Grüße", "utf-8", False)
    assert decode_bytes("Grüße €".encode("cp1252"), "us-ascii")[:2] == ("Grüße €", "cp1252")
    assert decode_bytes(b"\x81\x8d\xfc", "utf-8") == ("\x81\x8dü", "latin-1", False)
    assert decode_bytes(b"plain", None) == ("plain", "ascii", True)
    assert decode_bytes(b"x", "base64")[1] == "ascii"  # not a text codec: refused
    assert decode_bytes("ü".encode("cp1252"), "unknown-8bit")[:2] == ("ü", "cp1252")


def test_address_headers() -> None:
    raw = _mail(
        'Subject: x\nCc: "Meier, Eva" <EVA@Example.org>, =?utf-8?q?B=C3=B6hm=2C_Karl?= '
        "<karl@example.org>,\n\tundisclosed-recipients:;\nReply-To: <Replies@Example.org>\n"
        "To: first@example.com\nTo: second@example.com\n",
        b"hi",
    )
    msg = parse_message(raw)
    assert msg.cc == (
        Address("Meier, Eva", "eva@example.org"),
        Address("Böhm, Karl", "karl@example.org"),
    )
    assert msg.cc_addrs == ["eva@example.org", "karl@example.org"]
    assert msg.reply_to == (Address("", "replies@example.org"),)
    assert msg.to_addrs == ["b@example.com", "first@example.com", "second@example.com"]


def test_missing_sender_and_ids() -> None:
    raw = b"Subject: only a subject\nContent-Type: text/plain\n\nbody\n"
    msg = parse_message(raw)
    assert msg.from_addr is None and msg.from_name == ""
    assert msg.message_id is None and msg.in_reply_to is None and msg.references == ()
    assert msg.date is None and msg.body_text == "body\n"


def test_message_ids_are_normalized() -> None:
    raw = _mail(
        "Subject: x\nIn-Reply-To: no-brackets@example.com (comment)\n"
        "References: <a@x>\n <b@x> <a@x>\n\t<c@x>\nDate: Mon, 4 Mar 2024 10:00:00 -0000\n",
        b"hi",
    )
    msg = parse_message(raw)
    assert msg.in_reply_to == "<no-brackets@example.com>"
    assert msg.references == ("<a@x>", "<b@x>", "<c@x>")
    assert msg.date == datetime(2024, 3, 4, 10, 0, tzinfo=UTC)  # -0000: aware, UTC


def test_text_generated_from_html_keeps_quotes_and_lists() -> None:
    html = (
        b"<html><head><title>T</title><style>p{}</style></head><body>"
        b"<p>Hallo&nbsp;Welt</p><ul><li>eins</li><li>zwei</li></ul>"
        b"<blockquote><p>alt</p></blockquote><pre>a\n  b</pre></body></html>"
    )
    msg = parse_message(_mail("Subject: x\n", html, "text/html; charset=utf-8"))
    assert msg.body_text == "Hallo\xa0Welt\n\n- eins\n- zwei\n\n> alt\n\na\n  b"


def test_empty_text_alternative_falls_back_to_html() -> None:
    raw = _mail(
        "Subject: x\n",
        b"--b\nContent-Type: text/plain\n\n\n--b\nContent-Type: text/html\n\n<p>real</p>\n--b--\n",
        'multipart/alternative; boundary="b"',
    )
    assert parse_message(raw).body_text == "real"


def test_format_flowed_delsp() -> None:
    raw = _mail(
        "Subject: x\n",
        b"Lorem ip \nsum dolor\n>> quo \n>> ted\n-- \nsig\n",
        "text/plain; charset=utf-8; format=flowed; delsp=yes",
    )
    assert parse_message(raw).body_text == "Lorem ipsum dolor\n>> quoted\n-- \nsig\n"


def test_broken_structures_do_not_lose_the_message() -> None:
    no_boundary = _mail("Subject: nb\n", b"just text\n", "multipart/mixed")
    msg = parse_message(no_boundary)
    assert msg.subject == "nb" and "just text" in msg.body_text
    assert "NoBoundaryInMultipartDefect" in msg.warnings
    bad_base64 = _mail("Subject: b64\n", b"SGFsbG8gV2VsdA=!!=\n", "text/plain", "base64")
    assert parse_message(bad_base64).subject == "b64"
    unknown_cte = _mail("Subject: cte\n", b"raw text\n", "text/plain", "x-weird")
    assert parse_message(unknown_cte).body_text == "raw text\n"
    deep = b"".join(
        f"--b{i}\nContent-Type: multipart/mixed; boundary=b{i + 1}\n\n".encode() for i in range(200)
    )
    nested = _mail(
        "Subject: deep\n",
        deep + b"--b200\nContent-Type: text/plain\n\nx\n",
        "multipart/mixed; boundary=b0",
    )
    result = try_parse(nested)
    assert isinstance(result, ParsedMessage | ParseFailure)
    truncated = (CORPUS / "forward_rfc822_attachment.eml").read_bytes()[:1500]
    partial = try_parse(truncated)
    assert isinstance(partial, ParsedMessage) and partial.subject.startswith("Fwd:")


def test_inline_flag_means_shown_in_the_body() -> None:
    raw = _mail(
        "Subject: x\n",
        b"--b\nContent-Type: text/plain\n\nhi\n"
        b"--b\nContent-Type: application/pdf\nContent-Disposition: inline; filename=a.pdf\n\n%PDF\n"
        b"--b\nContent-Type: image/jpeg\nContent-Disposition: inline; filename=b.jpg\n\nJFIF\n"
        b"--b\nContent-Type: image/gif\nContent-ID: <unused@x>\n\nGIF\n--b--\n",
        'multipart/mixed; boundary="b"',
    )
    msg = parse_message(raw)
    assert [(a.filename, a.inline) for a in msg.attachments] == [
        ("a.pdf", False),
        ("b.jpg", True),
        (msg.attachments[2].filename, False),
    ]
    assert msg.attachments[2].filename.endswith(".gif")
    assert msg.content_ids == {"unused@x": msg.attachments[2]}


def test_not_a_mail() -> None:
    for raw in (
        b"",
        b"   \r\n",
        b"\x00\x01\x02binary",
        b"hello world\nno headers here\n",
        b"X-Only: custom\n\nbody",
    ):
        with pytest.raises(MailParseError):
            parse_message(raw)
        failure = try_parse(raw)
        assert isinstance(failure, ParseFailure) and failure.reason


def test_failure_salvages_subject_and_sender(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object) -> ParsedMessage:
        raise RuntimeError("boom")

    monkeypatch.setattr(parse_module, "_build", explode)
    raw = (CORPUS / "outlook_reply_de.eml").read_bytes()
    failure = try_parse(raw)
    assert failure == ParseFailure(
        "RuntimeError: boom", "AW: [#10234] Drucker 2. OG", "hans.mueller@kunde.de"
    )


def test_result_is_picklable_for_process_pools() -> None:
    msg = parse_message((CORPUS / "inline_cid_image.eml").read_bytes())
    clone = pickle.loads(pickle.dumps(msg))
    assert clone == msg
    assert clone.attachments[0].read_bytes() == msg.attachments[0].read_bytes()


def test_generated_by_the_stdlib_roundtrips() -> None:
    em = EmailMessage()
    em["From"] = "Zoë Ångström <zoe@example.se>"
    em["To"] = "support@desk.example"
    em["Subject"] = "Ärger mit dem Drucker – " + "sehr lang " * 12
    em.set_content("Hallo\n")
    em.add_attachment(
        b"\x00" * 100,
        maintype="application",
        subtype="octet-stream",
        filename="Prüfung – Ergebnis (final) ÄÖÜ.bin",
    )
    msg = parse_message(em.as_bytes())
    assert msg.from_name == "Zoë Ångström"
    assert msg.subject == "Ärger mit dem Drucker – " + ("sehr lang " * 12).strip()
    assert msg.attachments[0].filename == "Prüfung – Ergebnis (final) ÄÖÜ.bin"
    assert msg.attachments[0].size == 100


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    assert isinstance(try_parse(raw), ParsedMessage | ParseFailure)


_SEEDS = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(_SEEDS) - 1), st.randoms(use_true_random=False))
def test_mutated_corpus_never_raises(index: int, rng: random.Random) -> None:
    raw = bytearray(_SEEDS[index])
    for _ in range(rng.randint(1, 40)):
        if not raw:
            break
        op = rng.random()
        pos = rng.randrange(len(raw))
        if op < 0.5:
            raw[pos] = rng.randrange(256)
        elif op < 0.75:
            del raw[pos : pos + rng.randint(1, 50)]
        else:
            raw[pos:pos] = rng.choice([b"\n", b"=?", b"?=", b"--", b":", b";", b"*0*=", b"\r"])
    assert isinstance(try_parse(bytes(raw)), ParsedMessage | ParseFailure)
