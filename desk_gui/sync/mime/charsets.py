"""Decoding bytes of unknown honesty: declared charset → UTF-8 → cp1252 → Latin-1.

Mail declares charsets wrongly all the time (8-bit Latin-1 labelled us-ascii, UTF-8
labelled ISO-8859-1, names no codec knows). `decode_bytes` never raises; it tells the
caller which codec it finally used so a wrong declaration can be reported.
"""

from __future__ import annotations

import codecs
import functools

__all__ = ["decode_bytes", "normalize_charset"]

# Names seen in mail that Python does not know, or whose de-facto meaning is a
# superset (the WHATWG encoding standard makes the same substitutions).
_ALIASES: dict[str, str] = {
    "us-ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "iso-8859-9": "cp1254",
    "latin5": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "windows-874": "cp874",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-8-e": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "iso-8859-6-e": "iso-8859-6",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ksc5601": "cp949",
    "euc-kr": "cp949",
    "x-euc-kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "chinese": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "x-mac-ce": "mac_latin2",
    "x-mac-cyrillic": "mac_cyrillic",
    "unicode-1-1-utf-7": "utf-7",
    "utf7": "utf-7",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "unicode": "utf-16",
}

# Declared placeholders that mean "unknown".
_UNKNOWN = frozenset(
    {
        "",
        "unknown",
        "unknown-8bit",
        "x-unknown",
        "x-user-defined",
        "default",
        "charset",
        "none",
        "us",
        "8bit",
        "binary",
    }
)

# Python codecs that are not text encodings, or that no mail should be allowed to pick.
_REFUSED = frozenset(
    {
        "idna",
        "punycode",
        "unicode_escape",
        "raw_unicode_escape",
        "undefined",
        "mbcs",
        "oem",
        "base64_codec",
        "hex_codec",
        "quopri_codec",
        "rot_13",
        "uu_codec",
        "zlib_codec",
        "bz2_codec",
    }
)

# Single-byte Latin charsets: if bytes declared so are valid UTF-8 with non-ASCII in
# them, they are UTF-8 (a Latin-1 text forming valid UTF-8 sequences is vanishingly rare).
_LATIN_FAMILY = frozenset({"ascii", "cp1252", "latin_1", "iso8859_15", "cp1254", "cp850"})


@functools.lru_cache(maxsize=256)
def normalize_charset(name: str | None) -> str | None:
    """The Python codec name for a declared MIME charset, or None if unusable."""
    if name is None:
        return None
    key = name.strip().strip("\"'").lower()
    key = key.split("*", 1)[0]  # RFC 2231 language suffix: utf-8*de
    if key in _UNKNOWN:
        return None
    key = _ALIASES.get(key, key)
    try:
        info = codecs.lookup(key)
    except (LookupError, ValueError):
        return None
    if info.name in _REFUSED or not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, str, bool]:
    """Decode `data`; returns (text, codec used, whether the declaration was honoured).

    Order: the declared charset (if Python knows it), UTF-8, cp1252, then Latin-1, which
    cannot fail. A Latin-family declaration is overridden by valid non-ASCII UTF-8.
    """
    codec = normalize_charset(declared)
    if codec is not None:
        if codec in _LATIN_FAMILY and not data.isascii():
            try:
                return data.decode("utf-8"), "utf-8", False
            except UnicodeDecodeError:
                pass
        try:
            return data.decode(codec), codec, True
        except (UnicodeDecodeError, LookupError):
            pass
        except Exception:  # a codec with surprising failure modes (utf-7, cjk variants)
            pass
    elif data.isascii():
        return data.decode("ascii"), "ascii", declared is None
    for fallback in ("utf-8", "cp1252"):
        try:
            return data.decode(fallback), fallback, False
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1", "replace"), "latin-1", False
