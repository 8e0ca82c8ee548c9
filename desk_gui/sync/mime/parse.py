"""Inbound mail → ParsedMessage, with Python's `email` package on its fast path.

The MIME structure comes from `email`'s parser with `policy.compat32` (several times
faster than `policy.default`); everything compat32 leaves raw is decoded explicitly:
RFC 2047 words and 8-bit bytes in headers (headers.py), RFC 2231 parameters, transfer
encodings (`get_payload(decode=True)`), and charsets with fallbacks (charsets.py).

`parse_message` raises `MailParseError` only for input that is not mail at all;
`try_parse` never raises and is what the ingest workers call (it is picklable and
module-level, for process pools).
"""

from __future__ import annotations

import binascii
import mimetypes
import re
from email.feedparser import BytesFeedParser
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from pathlib import Path

from . import boundaries
from .charsets import decode_bytes
from .headers import (
    decode_header_value,
    decode_words,
    fix_8bit,
    parse_addresses,
    parse_date,
    parse_msgid,
    parse_msgids,
    unfold,
)
from .loops import LOOP_HEADERS, classify_headers
from .model import Address, ParsedAttachment, ParsedMessage, ParseFailure
from .quotes import find_forwarded_sender
from .sanitize import cid_references, html_to_text, sanitize_html
from .spool import MARKER, SpooledPart, split

__all__ = ["MailParseError", "parse_message", "try_parse", "try_parse_file"]

MAX_PARTS = 2000  # MIME parts per message (a zip-bomb-shaped multipart stops here)
MAX_NESTING = 40  # multipart nesting
MAX_EMBEDDED = 5  # message/rfc822 inside message/rfc822 ...

boundaries.install()
_PARSER = BytesParser(policy=compat32)
_CHUNK = 1 << 16
_MAIL_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "subject",
        "date",
        "message-id",
        "received",
        "return-path",
        "content-type",
        "mime-version",
        "delivered-to",
        "sender",
        "reply-to",
        "in-reply-to",
        "references",
        "x-mailer",
        "user-agent",
        "bcc",
    }
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_SPAM_STATUS_SCORE = re.compile(r"\b(?:score|hits)\s*=\s*([-+]?\d+(?:\.\d+)?)", re.I)
_RSPAMD_SCORE = re.compile(r"\[\s*([-+]?\d+(?:\.\d+)?)\s*/")


class MailParseError(ValueError):
    """The input is not a mail message."""


# ---------------------------------------------------------------------------- entry points


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse one RFC 5322 message. Lenient: problems become `warnings`.

    Raises MailParseError for input that is not mail (no header fields at all).
    """
    return _parse_message(raw, None)


def _parse_message(raw: bytes, spooled: _Spooled | None) -> ParsedMessage:
    if not raw or not raw.strip():
        raise MailParseError("empty message")
    msg = _parse_bytes(raw)
    if not any(name.lower() in _MAIL_HEADERS for name in msg):
        raise MailParseError("no mail header fields: not a mail message")
    return _build(msg, 0) if spooled is None else _build(msg, 0, spooled=spooled)


def _parse_bytes(raw: bytes) -> Message:
    """compat32 parse, fed in chunks: never holds a decoded copy of the whole message
    (peak memory ~3x the message instead of ~8x with `BytesParser.parsebytes`)."""
    if len(raw) <= _CHUNK:
        return _PARSER.parsebytes(raw)
    feeder = BytesFeedParser(policy=compat32)
    view = memoryview(raw)
    for start in range(0, len(raw), _CHUNK):
        feeder.feed(bytes(view[start : start + _CHUNK]))
    return feeder.close()


def try_parse(raw: bytes) -> ParsedMessage | ParseFailure:
    """`parse_message` that never raises: failures carry a best-effort subject/sender."""
    try:
        return parse_message(raw)
    except Exception as exc:  # any failure means: store raw, flag, move on
        reason = str(exc) if isinstance(exc, MailParseError) else f"{type(exc).__name__}: {exc}"
        subject, sender = _salvage(raw)
        return ParseFailure(reason[:500], subject, sender)


def try_parse_file(path: Path, spool_dir: Path) -> ParsedMessage | ParseFailure:
    """`try_parse` for a (big) mail in a file: attachments over spool.SPOOL_BYTES are
    decoded into files in spool_dir, which must outlive the result; memory stays at about
    a megabyte plus the mail's text parts, whatever the attachments weigh."""
    try:
        with path.open("rb") as stream:
            skeleton, spooled = split(stream, spool_dir)
        return _parse_message(skeleton, spooled)
    except Exception as exc:  # as try_parse: store raw, flag, move on
        reason = str(exc) if isinstance(exc, MailParseError) else f"{type(exc).__name__}: {exc}"
        with path.open("rb") as stream:
            subject, sender = _salvage(stream.read(65536))
        return ParseFailure(reason[:500], subject, sender)


def _salvage(raw: bytes) -> tuple[str | None, str | None]:
    try:
        head = raw[:65536].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        text = head.decode("ascii", "surrogateescape")
        subject = sender = None
        m = re.search(r"^Subject:[ \t]*(.*(?:\r?\n[ \t].*)*)", text, re.M | re.I)
        if m:
            subject = decode_header_value(m.group(1)) or None
        m = re.search(r"^From:[ \t]*(.*(?:\r?\n[ \t].*)*)", text, re.M | re.I)
        if m:
            found = parse_addresses([m.group(1)])
            sender = found[0].addr if found else None
        return subject, sender
    except Exception:
        return None, None


# ---------------------------------------------------------------------------- headers


class _Headers:
    """Raw compat32 header values by lower-case name (all occurrences, in order)."""

    __slots__ = ("values",)

    def __init__(self, msg: Message) -> None:
        values: dict[str, list[str]] = {}
        for name, value in msg.raw_items():
            values.setdefault(name.lower(), []).append(
                value if isinstance(value, str) else str(value)
            )
        self.values = values

    def get(self, name: str) -> str | None:
        found = self.values.get(name)
        return found[0] if found else None

    def all(self, name: str) -> list[str]:
        return self.values.get(name, [])

    def plain(self, name: str) -> str | None:
        """Unfolded, 8-bit fixed, not RFC 2047 decoded."""
        value = self.get(name)
        return None if value is None else unfold(fix_8bit(value)).strip()


def _fix_content_headers(part: Message) -> None:
    """Replace 8-bit bytes in Content-* headers by text, so compat32's parameter
    parsing (filenames, charset) sees str instead of `Header` objects."""
    for name, value in part.raw_items():
        if not value.isascii() and name.lower().startswith("content-"):
            part.replace_header(name, fix_8bit(value))


def _spam(h: _Headers) -> tuple[bool, float | None]:
    flag = (h.plain("x-spam-flag") or "").lower().startswith("y")
    flag = flag or (h.plain("x-spam") or "").lower().startswith("y")
    status = h.plain("x-spam-status") or ""
    if status.lower().startswith("yes"):
        flag = True
    score: float | None = None
    raw_score = h.plain("x-spam-score")
    m = _NUMBER.search(raw_score) if raw_score else None
    if m is None and status:
        m = _SPAM_STATUS_SCORE.search(status)
        m = m and _NUMBER.search(m.group(1))
    if m is None:
        rspamd = h.plain("x-spamd-result")
        m = _RSPAMD_SCORE.search(rspamd) if rspamd else None
        m = m and _NUMBER.search(m.group(1))
    if m:
        try:
            score = float(m.group(0).replace(",", "."))
        except ValueError:
            score = None
    return flag, score


# ---------------------------------------------------------------------------- bodies


def _unflow(text: str, delsp: bool) -> str:
    """RFC 3676 format=flowed → logical lines."""
    out: list[str] = []
    current: str | None = None
    current_depth = 0

    def render(depth: int, body: str) -> str:
        return (">" * depth + " " + body) if depth else body

    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        body = line[depth:]
        if body.startswith(" "):
            body = body[1:]
        flowed = body.endswith(" ") and body != "-- "
        if flowed and delsp:
            body = body[:-1]
        if current is not None and depth == current_depth:
            current += body
        else:
            if current is not None:
                out.append(render(current_depth, current))
            current, current_depth = body, depth
        if not flowed:
            out.append(render(current_depth, current))
            current = None
    if current is not None:
        out.append(render(current_depth, current))
    return "\n".join(out)


_Params = dict[str, "str | tuple[str, str, str]"]


def _params(part: Message, header: str = "content-type") -> _Params:
    """A header's parameters by lower-case name (RFC 2231 values as 3-tuples)."""
    if header not in part:
        return {}
    found = part.get_params(None, header)
    if not found:
        return {}
    params: _Params = {}
    for key, value in found[1:]:
        params.setdefault(key.lower(), value)
    return params


def _param(part: Message, name: str, header: str = "content-type") -> str | None:
    return _decode_param(_params(part, header).get(name))


def _decode_param(value: str | tuple[str, str, str] | None) -> str | None:
    """A parameter value, RFC 2231 and RFC 2047 decoded (declared charset with fallbacks)."""
    if value is None:
        return None
    if isinstance(value, tuple):
        charset, _lang, text = value
        raw = text.encode("raw-unicode-escape") if isinstance(text, str) else bytes(text)
        decoded = decode_bytes(raw, charset or None)[0]
    else:
        decoded = str(value)
    decoded = unfold(decoded)
    if "=?" in decoded:
        decoded = decode_words(decoded)
    return decoded.strip()


def _safe_filename(name: str | None) -> str | None:
    if not name:
        return None
    name = _CONTROL.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if name in ("", ".", ".."):
        return None
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + "." + ext) if dot and len(ext) < 16 else name[:200]
    return name


_DEFAULT_NAMES = {
    "application/ms-tnef": "winmail.dat",
    "message/delivery-status": "delivery-status.txt",
    "message/global-delivery-status": "delivery-status.txt",
    "message/disposition-notification": "disposition-notification.txt",
    "text/rfc822-headers": "original-headers.txt",
    "text/calendar": "invite.ics",
}


def _default_filename(ctype: str, index: int, subject: str = "") -> str:
    if ctype in _DEFAULT_NAMES:
        return _DEFAULT_NAMES[ctype]
    if ctype in ("message/rfc822", "message/global"):
        stem = _safe_filename(subject.replace("/", "_").replace("\\", "_")[:120])
        return f"{stem or 'message'}.eml"
    ext = mimetypes.guess_extension(ctype, strict=False) or ".bin"
    stem = "image" if ctype.startswith("image/") else "attachment"
    return f"{stem}-{index}{ext}"


_Spooled = dict[str, SpooledPart]


class _Att:
    __slots__ = ("content_id", "ctype", "data", "disposition", "filename", "spooled")

    def __init__(
        self,
        filename: str,
        ctype: str,
        disposition: str | None,
        content_id: str | None,
        data: bytes,
        spooled: SpooledPart | None = None,
    ) -> None:
        self.filename = filename
        self.ctype = ctype
        self.disposition = disposition
        self.content_id = content_id
        self.data = data
        self.spooled = spooled  # a big part decoded into a file; `data` is then empty


def _content_id(part: Message) -> str | None:
    value = part.get("content-id")
    if value is None:
        return None
    cid = unfold(fix_8bit(str(value))).strip().strip("<>").strip()
    return cid or None


def _payload_bytes(part: Message) -> bytes:
    """The decoded body of a leaf part.

    Base64 (most attachments) is decoded straight from the parsed text: `get_payload(
    decode=True)` first splits it into lines and joins them, which costs two extra copies
    of a large attachment. Anything unusual goes through `get_payload(decode=True)`.
    """
    payload = part.get_payload()
    if isinstance(payload, str) and payload.isascii():
        cte = str(part.get("content-transfer-encoding", "")).strip().lower()
        if cte == "base64":
            try:
                return binascii.a2b_base64(payload)
            except (binascii.Error, ValueError):
                pass
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _subparts(part: Message) -> list[Message]:
    payload = part.get_payload()
    if not isinstance(payload, list):
        return []
    return [sub for sub in payload if isinstance(sub, Message)]


def _as_bytes(msg: Message) -> bytes:
    try:
        return msg.as_bytes()
    except Exception:
        return msg.as_string().encode("utf-8", "surrogateescape")


class _Walker:
    def __init__(self, depth: int, counter: list[int], spooled: _Spooled | None = None) -> None:
        self.depth = depth  # message/rfc822 nesting
        self.counter = counter  # parts seen in the whole message, shared
        self.spooled = spooled  # parts decoded into files, by their marker (spool.py)
        self.plain: list[str] = []
        self.html: list[str] = []
        self.atts: list[_Att] = []
        self.messages: list[ParsedMessage] = []
        self.warnings: list[str] = []

    def _child(self) -> _Walker:
        return _Walker(self.depth, self.counter, self.spooled)

    def _spooled(self, part: Message) -> SpooledPart | None:
        if not self.spooled or MARKER not in part:
            return None
        return self.spooled.get(str(part.get(MARKER, "")).strip())

    def _absorb(self, other: _Walker) -> None:
        self.atts += other.atts
        self.messages += other.messages
        self.warnings += other.warnings

    def walk(self, part: Message, level: int) -> None:
        self.counter[0] += 1
        if self.counter[0] > MAX_PARTS or level > MAX_NESTING:
            if self.counter[0] == MAX_PARTS + 1 or level == MAX_NESTING + 1:
                self.warnings.append("too many or too deeply nested MIME parts; rest skipped")
            return
        ctype = "application/octet-stream"
        if part.defects:
            self.warnings += [type(d).__name__ for d in part.defects]
        try:
            _fix_content_headers(part)
            ctype = part.get_content_type()
            if ctype in ("message/rfc822", "message/global"):
                self.embedded(part, ctype)
            elif part.is_multipart():
                if ctype == "multipart/alternative":
                    self.alternative(part, level)
                elif ctype.startswith("message/"):
                    self.other_message(part, ctype)
                else:
                    for sub in _subparts(part):
                        self.walk(sub, level + 1)
            else:
                self.leaf(part, ctype)
        except Exception as exc:  # one broken part must not lose the rest
            self.warnings.append(f"{ctype} part skipped: {type(exc).__name__}: {exc}"[:300])

    def alternative(self, part: Message, level: int) -> None:
        subs: list[_Walker] = []
        for sub in _subparts(part):
            child = self._child()
            child.walk(sub, level + 1)
            subs.append(child)
            self._absorb(child)
        plain = next((w.plain for w in subs if any(t.strip() for t in w.plain)), None)
        html = next((w.html for w in reversed(subs) if w.html), None)
        if plain is None:
            plain = next((w.plain for w in subs if w.plain), [])
        self.plain += plain
        self.html += html or []

    def text(self, part: Message, ctype: str, params: _Params) -> str:
        data = _payload_bytes(part)
        charset = _decode_param(params.get("charset"))
        if charset is None and ctype == "text/html":
            m = _META_CHARSET.search(data, 0, 4096)
            if m:
                charset = m.group(1).decode("ascii", "replace")
        text, used, honoured = decode_bytes(data, charset)
        if not honoured:
            self.warnings.append(
                f"{ctype}: charset {charset!r} wrong or unknown, read as {used}"
                if charset
                else f"{ctype}: 8-bit text without charset, read as {used}"
            )
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if "\x00" in text:
            text = text.replace("\x00", "")
        flowed = (_decode_param(params.get("format")) or "").lower() == "flowed"
        if ctype == "text/plain" and flowed:
            text = _unflow(text, (_decode_param(params.get("delsp")) or "").lower() == "yes")
        return text

    def leaf(self, part: Message, ctype: str) -> None:
        disposition = part.get_content_disposition()
        params = _params(part)
        filename = _param(part, "filename", "content-disposition") if disposition else None
        filename = filename or _decode_param(params.get("name"))
        if (spooled := self._spooled(part)) is not None:
            self.add(part, ctype, disposition, _safe_filename(filename), b"", spooled=spooled)
            return
        maintype = ctype.split("/", 1)[0]
        if maintype == "multipart":  # declared multipart without a usable boundary
            self.warnings.append(f"{ctype} without parts; read as text")
            self.plain.append(self.text(part, "text/plain", params))
            return
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            body = self.text(part, ctype, params)
            (self.plain if ctype == "text/plain" else self.html).append(body)
            return
        data = _payload_bytes(part)
        if ctype == "text/rfc822-headers" and self.depth < MAX_EMBEDDED:
            headers = _PARSER.parsebytes(data.strip() + b"\n\n", headersonly=True)
            if len(headers):
                self.messages.append(_build(headers, self.depth + 1))
        self.add(part, ctype, disposition, _safe_filename(filename), data)

    def add(
        self,
        part: Message,
        ctype: str,
        disposition: str | None,
        filename: str | None,
        data: bytes,
        subject: str = "",
        spooled: SpooledPart | None = None,
    ) -> None:
        name = filename or _default_filename(ctype, self.counter[0], subject)
        self.atts.append(_Att(name, ctype, disposition, _content_id(part), data, spooled))

    def embedded(self, part: Message, ctype: str) -> None:
        payload = part.get_payload()
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            sub = payload[0]
        else:  # transfer-encoded or unparsed: parse its decoded bytes
            raw = part.get_payload(decode=True)
            sub = _parse_bytes(raw if isinstance(raw, bytes) else b"")
        spooled = self._spooled(part)  # then `sub` holds the forwarded mail's headers only
        data = b"" if spooled else _as_bytes(sub)  # before the walk normalizes headers
        subject = ""
        if self.depth < MAX_EMBEDDED:
            nested = _build(sub, self.depth + 1, self.counter, self.spooled)
            self.messages.append(nested)
            subject = nested.subject
        else:
            self.warnings.append("message/rfc822 nested too deeply; kept as attachment only")
        filename = _param(part, "filename", "content-disposition") or _param(part, "name")
        disposition = part.get_content_disposition()
        self.add(part, ctype, disposition, _safe_filename(filename), data, subject, spooled)

    def other_message(self, part: Message, ctype: str) -> None:
        """message/delivery-status and friends (compat32 parses them into blocks)."""
        data = b"".join(_as_bytes(block) for block in _subparts(part))
        self.add(part, ctype, part.get_content_disposition(), None, data)


def _build(
    msg: Message, depth: int, counter: list[int] | None = None, spooled: _Spooled | None = None
) -> ParsedMessage:
    h = _Headers(msg)
    walker = _Walker(depth, counter if counter is not None else [0], spooled)
    walker.walk(msg, 0)
    warnings = walker.warnings

    subject = decode_header_value(h.get("subject"))
    senders = parse_addresses(h.all("from"))
    sender = senders[0] if senders else None
    date_raw = h.get("date")
    date = parse_date(date_raw)
    if date_raw and date is None:
        warnings.append(f"unparseable Date: {unfold(fix_8bit(date_raw))[:80]!r}")

    html_raw = "".join(walker.html) if walker.html else None
    body_html = sanitize_html(html_raw) if html_raw is not None else None
    body_text = "\n".join(walker.plain)
    if html_raw is not None and not body_text.strip():
        body_text = html_to_text(body_html or "")

    referenced = cid_references(html_raw) if html_raw else set()
    attachments = tuple(
        ParsedAttachment(
            filename=a.filename,
            content_type=a.ctype,
            size=a.spooled.size if a.spooled else len(a.data),
            content_id=a.content_id,
            inline=(a.content_id is not None and a.content_id in referenced)
            or (a.disposition == "inline" and a.ctype.startswith("image/")),
            _payload=a.data,
            _path=str(a.spooled.path) if a.spooled else None,
        )
        for a in walker.atts
    )

    loop_headers = {name: value for name in LOOP_HEADERS if (value := h.plain(name)) is not None}
    if "subject" in loop_headers:
        loop_headers["subject"] = subject
    loop = classify_headers(loop_headers)
    spam_flag, spam_score = _spam(h)

    forwarded: Address | None = None
    if loop is None:
        for nested in walker.messages:
            if nested.from_addr:
                forwarded = Address(nested.from_name, nested.from_addr)
                break
        if forwarded is None and body_text:
            forwarded = find_forwarded_sender(body_text, subject)

    return ParsedMessage(
        message_id=parse_msgid(h.get("message-id")),
        in_reply_to=parse_msgid(h.get("in-reply-to")),
        references=parse_msgids(" ".join(h.all("references"))),
        subject=subject,
        from_name=sender.name if sender else "",
        from_addr=sender.addr if sender else None,
        to=parse_addresses(h.all("to")),
        cc=parse_addresses(h.all("cc")),
        reply_to=parse_addresses(h.all("reply-to")),
        date=date,
        body_text=body_text,
        body_html_sanitized=body_html,
        attachments=attachments,
        loop=loop,
        spam_flag=spam_flag,
        spam_score=spam_score,
        forwarded_from=forwarded,
        attached_messages=tuple(walker.messages),
        warnings=tuple(dict.fromkeys(warnings)),
    )
