"""Mail that must never trigger automatic mail, and ticket tokens in subjects."""

from __future__ import annotations

import email.utils
import re
from collections.abc import Mapping
from email.message import Message
from typing import TYPE_CHECKING

from .model import LoopKind

if TYPE_CHECKING:
    from .model import ParsedMessage

__all__ = [
    "LOOP_HEADERS",
    "LoopKind",
    "classify_headers",
    "classify_loop",
    "is_forward_subject",
    "strip_reply_prefixes",
    "subject_ticket_token",
]

# Header names (lower case) classify_headers looks at.
LOOP_HEADERS = (
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-autoresponder",
    "precedence",
    "x-precedence",
    "return-path",
    "from",
    "sender",
    "content-type",
    "x-failed-recipients",
    "list-id",
    "list-unsubscribe",
    "list-post",
    "mailing-list",
    "subject",
)

_BOUNCE_LOCALPARTS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"})
_REPORT = re.compile(r"^\s*multipart/report\b.*?report-type\s*=\s*\"?([\w-]+)", re.I | re.S)
# Subjects of vacation notices from servers that set none of the headers.
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:auto(?:matic)?\s*(?:reply|response)|automatische\s+antwort|abwesenheitsnotiz"
    r"|out\s+of\s+(?:the\s+)?office|r[ée]ponse\s+automatique|respuesta\s+autom[áa]tica"
    r"|risposta\s+automatica|automatisch\s+antwoord|autosvar|automaattinen\s+vastaus)\b",
    re.I,
)


_ANGLE = re.compile(r"<([^<>]*)>")


def _localpart(value: str) -> str:
    m = _ANGLE.search(value)
    if m:
        addr = m.group(1)
    elif " " in value.strip() or "(" in value:
        addr = email.utils.parseaddr(value)[1] or value
    else:
        addr = value
    return addr.strip().split("@", 1)[0].strip().strip('"').lower()


def classify_headers(headers: Mapping[str, str]) -> LoopKind | None:
    """Classify by header values (keys lower-case; first occurrence of each header).

    Precedence: bounce (strong signals), auto-reply, bounce by null Return-Path, list, bulk.
    """

    def get(name: str) -> str:
        return (headers.get(name) or "").strip()

    report = _REPORT.match(get("content-type"))
    report_type = report.group(1).lower() if report else ""
    if report_type == "delivery-status" or get("x-failed-recipients"):
        return LoopKind.BOUNCE
    sender = get("from")
    if sender and _localpart(sender) in _BOUNCE_LOCALPARTS:
        return LoopKind.BOUNCE

    auto = get("auto-submitted").lower()
    if auto and auto.split(";", 1)[0].strip() != "no":
        return LoopKind.AUTO_REPLY
    if get("x-autoreply") or get("x-autorespond") or get("x-autoresponder"):
        return LoopKind.AUTO_REPLY
    precedence = (get("precedence") or get("x-precedence")).lower()
    if precedence in ("auto_reply", "auto-reply", "autoreply"):
        return LoopKind.AUTO_REPLY
    if report_type == "disposition-notification":  # read receipt
        return LoopKind.AUTO_REPLY

    return_path = get("return-path")
    if return_path and return_path.replace(" ", "") in ("<>", "<<>>"):
        return LoopKind.BOUNCE

    if get("list-id") or get("list-unsubscribe") or get("list-post") or get("mailing-list"):
        return LoopKind.LIST
    if precedence == "list":
        return LoopKind.LIST
    if precedence in ("bulk", "junk"):
        return LoopKind.BULK
    if _AUTO_SUBJECT.match(get("subject")):
        return LoopKind.AUTO_REPLY
    return None


def classify_loop(msg: ParsedMessage | Message | Mapping[str, str]) -> LoopKind | None:
    """Auto-reply, bounce, list or bulk mail — or None for mail from a person.

    Accepts a ParsedMessage (already classified), an `email.message.Message` of any
    policy, or a mapping of lower-case header names to values.
    """
    if isinstance(msg, Message):
        headers: dict[str, str] = {}
        for name, value in msg.items():
            key = name.lower()
            if key in LOOP_HEADERS and key not in headers:
                headers[key] = str(value)
        return classify_headers(headers)
    if isinstance(msg, Mapping):
        return classify_headers({k.lower(): v for k, v in msg.items()})
    return msg.loop


# ---------------------------------------------------------------------------- subjects

_PREFIX_WORDS = (
    "re",
    "aw",
    "wg",
    "sv",
    "vs",
    "tr",
    "fwd",
    "fw",
    "antw",
    "antwort",
    "rif",
    "r",
    "res",
    "enc",
    "odp",
    "pd",
    "fs",
    "vb",
    "ynt",
    "ilt",
    "atb",
    "vl",
    "doorst",
    "wtr",
    "rv",
    "reply",
    "forward",
    "trans",
    "πρθ",
    "απ",
    "σχετ",
    "回复",
    "回覆",
    "转发",
    "轉寄",
    "答复",
    "ilet",
)
_FORWARD_WORDS = frozenset(
    {
        "wg",
        "fwd",
        "fw",
        "tr",
        "vs",
        "doorst",
        "wtr",
        "rv",
        "enc",
        "pd",
        "vl",
        "fs",
        "trans",
        "forward",
        "ilt",
        "ilet",
        "转发",
        "轉寄",
        "πρθ",
    }
)
_PREFIX = re.compile(
    r"^\s*(?:\[[^\]\[#]{0,40}\]\s*)?"  # a list tag like [support] in front of the prefix
    r"(" + "|".join(sorted({re.escape(w) for w in _PREFIX_WORDS}, key=len, reverse=True)) + r")"
    r"\s*(?:\^\d+|\[\d+\]|\(\d+\))?\s*[:：]\s*",
    re.I,
)
_TOKEN = re.compile(r"\[\s*#\s*(\d{1,15})\s*\]")


def strip_reply_prefixes(subject: str) -> str:
    """'AW: WG: Re[2]: Fwd: Hello' → 'Hello' (any case, repeated, with list tags)."""
    previous = None
    while previous != subject:
        previous = subject
        subject = _PREFIX.sub("", subject, count=1)
    return subject.strip()


def is_forward_subject(subject: str) -> bool:
    """Whether the outermost prefix marks a forward (Fwd, WG, TR, VS...)."""
    match = _PREFIX.match(subject)
    return bool(match and match.group(1).lower() in _FORWARD_WORDS)


def subject_ticket_token(subject: str | None) -> int | None:
    """The ticket number of the first `[#10234]` anywhere in the subject."""
    if not subject or "#" not in subject:
        return None
    match = _TOKEN.search(subject)
    return int(match.group(1)) if match else None
