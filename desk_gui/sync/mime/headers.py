"""Header decoding for messages parsed with `policy.compat32`.

compat32 leaves header values as the raw text (8-bit bytes smuggled in as surrogate
escapes, RFC 2047 encoded words undecoded). These helpers do the decoding explicitly,
which is several times faster than `policy.default`'s header registry and lets every
step fall back instead of failing.
"""

from __future__ import annotations

import email.header
import email.utils
import re
from datetime import UTC, datetime

from .charsets import decode_bytes
from .model import Address

__all__ = [
    "decode_header_value",
    "fix_8bit",
    "parse_addresses",
    "parse_date",
    "parse_msgid",
    "parse_msgids",
    "unfold",
]

_FOLD = re.compile(r"\r?\n(?=[ \t])|\r?\n$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_WS = re.compile(r"[ \t\r\n]+")
_MSGID = re.compile(r"<([^<>\s]+)>")
# Token-anchored so a long token without "@" is scanned once, not once per position.
_BARE_MSGID = re.compile(r'(?<![^\s<>,;"])[^\s<>,;"@]+@[^\s<>,;"]+')
# One plain address, the overwhelmingly common case: skips getaddresses' tokenizer.
_ADDR_CHARS = r"[^<>\s,;:()\"\\\[\]]+@[^<>\s,;:()\"\\\[\]@]+"
_SIMPLE_ADDRESS = re.compile(
    r'^\s*(?:([^"<>,;:()\\@\[\]]*?)|"([^"\\]*)")\s*<\s*(' + _ADDR_CHARS + r")\s*>\s*$"
    r"|^\s*<?(" + _ADDR_CHARS + r")>?\s*$"
)


def fix_8bit(value: str) -> str:
    """Turn surrogate-escaped raw bytes in a compat32 header value into text."""
    if value.isascii():
        return value
    try:
        raw = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value  # already real text
    return decode_bytes(raw, None)[0]


def unfold(value: str) -> str:
    """RFC 5322 unfolding plus removal of control characters."""
    if "\n" in value or "\r" in value:
        value = _FOLD.sub("", value).replace("\r", "").replace("\n", " ")
    if "\t" in value:
        value = value.replace("\t", " ")
    if not value.isprintable():
        value = _CONTROL.sub("", value)
    return value


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words in an already unfolded, 8-bit-fixed string."""
    if "=?" not in value:
        return value
    try:
        parts = email.header.decode_header(value)
    except Exception:  # HeaderParseError, binascii errors: keep the raw text
        return value
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:
            out.append(chunk.decode("raw-unicode-escape", "replace"))
        else:
            out.append(decode_bytes(chunk, charset)[0])
    return "".join(out)


def decode_header_value(value: str | None) -> str:
    """A header's display text: 8-bit fixed, unfolded, RFC 2047 decoded, stripped."""
    if not value:
        return ""
    text = decode_words(unfold(fix_8bit(value)))
    if not text.isprintable():
        text = _CONTROL.sub("", text.replace("\t", " ").replace("\r", "").replace("\n", " "))
    return text.strip()


def parse_addresses(values: list[str]) -> tuple[Address, ...]:
    """Addresses from one or more raw address headers; names decoded, addresses lowered.

    Splitting happens before RFC 2047 decoding so an encoded comma in a display name
    ("Müller, Hans") does not split one address into two.
    """
    if not values:
        return ()
    fixed = [unfold(fix_8bit(v)) for v in values]
    simple = _SIMPLE_ADDRESS.match(fixed[0]) if len(fixed) == 1 else None
    if simple:
        name = simple.group(1) or simple.group(2) or ""
        addr = simple.group(3) or simple.group(4)
        return (Address(decode_header_value(" ".join(name.split())), addr.lower()),)
    try:
        pairs = email.utils.getaddresses(fixed)
    except Exception:
        return ()
    result: list[Address] = []
    seen: set[str] = set()
    for name, addr in pairs:
        addr = addr.strip().strip("<>").strip().lower()
        if not addr or addr in seen:
            continue
        seen.add(addr)
        result.append(Address(decode_header_value(name).strip("\"' "), addr))
    return tuple(result)


def parse_msgids(value: str | None) -> tuple[str, ...]:
    """All Message-IDs in a header, as "<id>", in order, without duplicates."""
    if not value:
        return ()
    value = unfold(fix_8bit(value))
    ids = _MSGID.findall(value)
    if not ids:  # some broken MUAs drop the angle brackets
        ids = _BARE_MSGID.findall(value)
    return tuple(dict.fromkeys(f"<{i}>" for i in ids))


def parse_msgid(value: str | None) -> str | None:
    ids = parse_msgids(value)
    return ids[0] if ids else None


def parse_date(value: str | None) -> datetime | None:
    """An aware datetime (UTC when the zone is unknown or -0000), or None if unparseable."""
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(_WS.sub(" ", unfold(fix_8bit(value))).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
