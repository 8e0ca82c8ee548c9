"""Quoted history in replies, split off so the thread view can collapse it.

Both splitters return (new_part, quoted_part); quoted_part is "" when nothing was found
or when splitting would hide what the sender wrote (bottom-posted or interleaved replies,
forwards, a reply that is nothing but the quote).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .loops import is_forward_subject
from .model import Address
from .sanitize import html_to_text, renormalize_html

__all__ = ["find_forwarded_sender", "split_quoted_html", "split_quoted_text"]

# Attribution lines ("On ... wrote:"), possibly wrapped over two or three lines.
_ATTRIBUTION = re.compile(
    r"^\s*(?:"
    r"On\b.{0,300}\bwrote\s*:"
    r"|Am\b.{0,300}\bschrieb\b.{0,200}:"
    r"|.{1,200}\s(?:schrieb|wrote)(?:\s+am\b.{0,100})?\s*:"
    r"|Le\b.{0,300}\ba\s+[ée]crit\s*:"
    r"|El\b.{0,300}\bescribi[óo]\s*:"
    r"|Op\b.{0,300}\bschreef\b.{0,200}:"
    r"|Il\b.{0,300}\bha\s+scritto\s*:"
    r"|Zitat\s+von\b.{0,300}:"
    r"|Quoting\b.{0,300}:"
    r")\s*$",
    re.I,
)
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(?:Original(?:\s|-)?Message|Urspr[üu]ngliche\s+Nachricht|Originalnachricht"
    r"|Message\s+d'origine|Mensaje\s+original|Messaggio\s+originale|Oorspronkelijk\s+bericht"
    r"|Original\s+meddelelse|Opprinnelig\s+melding|Originalmeddelande|Alkuper[äa]inen\s+viesti"
    r"|Mensagem\s+original)\s*-{2,}\s*$",
    re.I,
)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_FROM_WORDS = r"(?:From|Von|De|Van|Da|Fr[åa]n|Fra|Od|L[äa]hett[äa]j[äa])"
_HDR_FROM = re.compile(r"^\s*\*?" + _FROM_WORDS + r"\s*:\*?\s*(\S.*)$", re.I)
_HDR_OTHER = re.compile(
    r"^\s*\*?(?:Sent|Gesendet|Date|Datum|Envoy[ée]|Enviado|Verzonden|Inviato|Skickat|Sendt"
    r"|Data|To|An|[ÀA]|Para|Aan|Till|Til|Do|Subject|Betreff|Objet|Asunto|Onderwerp|Oggetto"
    r"|[ÄA]mne|Emne|Temat|Cc|Kopie)\s*:",
    re.I,
)
_FORWARD_MARKER = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded\s+message|Weitergeleitete\s+Nachricht|Message\s+transf[ée]r[ée]"
    r"|Mensaje\s+reenviado|Doorgestuurd\s+bericht|Messaggio\s+inoltrato|Mensagem\s+encaminhada"
    r"|Videresendt\s+melding|Vidarebefordrat\s+meddelande)\s*-{2,}"
    r"|Begin\s+forwarded\s+message\s*:|Anfang\s+der\s+weitergeleiteten\s+Nachricht\s*:"
    r"|D[ée]but\s+du\s+message\s+r[ée]exp[ée]di[ée]\s*:)\s*$",
    re.I,
)


def _quoted(line: str) -> bool:
    return line.startswith((">", " >"))


def _header_block(lines: list[str], i: int) -> bool:
    """An Outlook-style "From: / Sent: / To: / Subject:" block starting at line i."""
    if not _HDR_FROM.match(lines[i]):
        return False
    return sum(1 for line in lines[i + 1 : i + 7] if _HDR_OTHER.match(line)) >= 2


def _attribution(lines: list[str], i: int) -> int:
    """Number of lines an attribution starting at line i spans (0 if none)."""
    line = lines[i]
    if len(line) > 400:
        return 0
    joined = line
    for span in (1, 2, 3):
        if _ATTRIBUTION.match(joined):
            return span
        if i + span >= len(lines) or not lines[i + span].strip() or _quoted(lines[i + span]):
            return 0
        joined = joined.rstrip() + " " + lines[i + span].strip()
    return 0


def _forward_near(lines: list[str], i: int) -> bool:
    return any(_FORWARD_MARKER.match(line) for line in lines[max(0, i - 3) : i + 1])


def split_quoted_text(text: str, subject: str = "") -> tuple[str, str]:
    """Split a plain-text reply into (what the sender wrote, quoted history).

    With a forward subject (FW, WG, Fwd...) nothing is split: there the "history" is
    the mail being forwarded.
    """
    if not text or is_forward_subject(subject):
        return text, ""
    lines = text.split("\n")
    seen_quote = False
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if _quoted(line):
            seen_quote = True
            continue
        strong = (
            bool(_SEPARATOR.match(line))
            or _header_block(lines, i)
            or (
                bool(_UNDERSCORES.match(line))
                and any(_header_block(lines, j) for j in range(i + 1, min(i + 3, len(lines))))
            )
        )
        if strong:
            if _forward_near(lines, i):
                return text, ""
            return _cut(lines, i, text)
        span = _attribution(lines, i)
        if not span:
            continue
        if seen_quote:  # interleaved reply: nothing safe to hide
            return text, ""
        rest = [ln for ln in lines[i + span :] if ln.strip()]
        first_quote = next((k for k, ln in enumerate(rest) if _quoted(ln)), None)
        if first_quote is not None and any(not _quoted(ln) for ln in rest[first_quote:]):
            return text, ""  # answer below or between the quotes
        return _cut(lines, i, text)
    return _trailing_quote(lines, text)


def _cut(lines: list[str], i: int, text: str) -> tuple[str, str]:
    new = "\n".join(lines[:i]).rstrip()
    if not new.strip():
        return text, ""
    return new, "\n".join(lines[i:]).strip("\n")


def _trailing_quote(lines: list[str], text: str) -> tuple[str, str]:
    last = len(lines) - 1
    while last >= 0 and not lines[last].strip():
        last -= 1
    if last < 0 or not _quoted(lines[last]):
        return text, ""
    start = last
    while start > 0 and (_quoted(lines[start - 1]) or not lines[start - 1].strip()):
        start -= 1
    while not lines[start].strip():
        start += 1
    before = start - 1
    while before >= 0 and not lines[before].strip():
        before -= 1
    if before >= 0 and lines[before].rstrip().endswith(":") and len(lines[before]) < 250:
        start = before
    return _cut(lines, start, text)


# ---------------------------------------------------------------------------- HTML

_GMAIL = re.compile(r'<div\b[^<>]*\bclass="[^"]*\bgmail_quote(?:_container)?\b')
_YAHOO = re.compile(r'<div\b[^<>]*\bclass="[^"]*\byahoo_quoted\b')
_MOZ = re.compile(r'<div\b[^<>]*\bclass="[^"]*\bmoz-cite-prefix\b')
_CITE = re.compile(r'<blockquote\b[^<>]*\btype="cite"')
_OUTLOOK_ID = re.compile(r'<div\b[^<>]*\bid="(?:divRplyFwdMsg|appendonsend)"')
_OUTLOOK_BORDER = re.compile(
    r'<div\b[^<>]*\bstyle="[^"]*border-top:\s*solid\s+#(?:E1E1E1|B5C4DF)', re.I
)
_HTML_FROM = re.compile(r"<b>\s*(?:<span\b[^<>]*>\s*)?" + _FROM_WORDS + r"\s*:", re.I)
_HTML_SENT = re.compile(
    r"<b>\s*(?:<span\b[^<>]*>\s*)?(?:Sent|Gesendet|Date|Datum|Envoy[ée]|Enviado|Verzonden)\s*:",
    re.I,
)
_HTML_SEPARATOR = re.compile(
    r"-{2,}\s*(?:Original(?:\s|-)?Message|Urspr[üu]ngliche\s+Nachricht|Originalnachricht"
    r"|Message\s+d'origine|Mensaje\s+original|Messaggio\s+originale|Oorspronkelijk\s+bericht)"
    r"\s*-{2,}",
    re.I,
)
_HTML_FORWARD = re.compile(
    r"Forwarded\s+message|Weitergeleitete\s+Nachricht|Begin\s+forwarded\s+message"
    r"|Anfang\s+der\s+weitergeleiteten\s+Nachricht|Message\s+transf[ée]r[ée]",
    re.I,
)
_LINE_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|tr|table|li|h\d)>|<(?:p|div|hr)\b[^<>]*>")
_HR_BEFORE = re.compile(r"<hr\b[^<>]*>\s*$")


class _OutsideQuotes(HTMLParser):
    """Visible text outside blockquotes, after the first blockquote has opened."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.started = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "blockquote":
            self.depth += 1
            self.started = True
        elif tag == "img" and self.started and not self.depth:
            self.text.append("[img]")

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote":
            self.depth = max(0, self.depth - 1)

    def handle_data(self, data: str) -> None:
        if self.started and not self.depth:
            self.text.append(data)


def _answer_below_quote(fragment: str) -> bool:
    parser = _OutsideQuotes()
    parser.feed(fragment)
    parser.close()
    return bool("".join(parser.text).strip())


def _line_start(html: str, pos: int) -> int:
    start = 0
    for m in _LINE_BREAK.finditer(html, 0, pos):
        start = m.start() if m.group(0).startswith(("<p", "<div", "<hr")) else m.end()
    return start


def _has_content(fragment: str) -> bool:
    return "<img" in fragment or bool(html_to_text(fragment).strip())


def split_quoted_html(sanitized_html: str, subject: str = "") -> tuple[str, str]:
    """Split sanitized reply HTML (from `sanitize_html`) into (new, quoted history).

    Recognizes Gmail's gmail_quote, Thunderbird's moz-cite-prefix, Apple's
    blockquote type="cite", Outlook's divRplyFwdMsg / border-top header block /
    "-----Original Message-----", Yahoo's yahoo_quoted. Both halves are re-balanced.
    Forwards (by subject or marker) are not split.
    """
    html = sanitized_html
    if not html or is_forward_subject(subject):
        return html, ""
    candidates: list[tuple[int, bool]] = []  # (position, needs the bottom-post check)
    for pattern in (_GMAIL, _YAHOO):
        m = pattern.search(html)
        if m:
            candidates.append((m.start(), False))
    for pattern in (_MOZ, _CITE):
        m = pattern.search(html)
        if m:
            candidates.append((m.start(), True))
    m = _OUTLOOK_ID.search(html)
    if m:
        hr = _HR_BEFORE.search(html, max(0, m.start() - 300), m.start())
        candidates.append((hr.start() if hr else m.start(), False))
    m = _OUTLOOK_BORDER.search(html)
    if m and _HTML_FROM.search(html, m.end(), m.end() + 1000):
        candidates.append((m.start(), False))
    m = _HTML_SEPARATOR.search(html)
    if m:
        candidates.append((_line_start(html, m.start()), False))
    for m in _HTML_FROM.finditer(html):
        if _HTML_SENT.search(html, m.end(), m.end() + 1500):
            candidates.append((_line_start(html, m.start()), False))
            break
    if not candidates:
        return html, ""
    pos, weak = min(candidates)
    quoted = html[pos:]
    if _HTML_FORWARD.search(html_to_text(quoted[:3000])[:400]):
        return html, ""  # a forward: the quoted part is the point of the mail
    if weak and _answer_below_quote(quoted):
        return html, ""
    new = html[:pos]
    if not _has_content(new):
        return html, ""
    return renormalize_html(new), renormalize_html(quoted)


# ---------------------------------------------------------------------------- forwards

_ANGLE_ADDR = re.compile(r"<\s*(?:mailto:)?([^<>\s@]+@[^<>\s]+?)\s*>|\[mailto:([^\]\s]+)\]")
_BARE_ADDR = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


def _address_in(value: str) -> Address | None:
    value = value[:500].strip().strip("*").strip()
    m = _ANGLE_ADDR.search(value)
    if m:
        addr = m.group(1) or m.group(2)
        name = value[: m.start()].strip().strip("\"'*").strip()
        return Address(name, addr.strip().lower())
    m = _BARE_ADDR.search(value)
    if m:
        name = (value[: m.start()] + value[m.end() :]).strip().strip("\"'()*").strip()
        return Address(name, m.group(0).lower())
    return None


def find_forwarded_sender(text: str, subject: str = "") -> Address | None:
    """The original sender of an inline forward in a text body, or None.

    Explicit forward markers ("---------- Forwarded message ---------", "Begin forwarded
    message:", "-------- Weitergeleitete Nachricht --------") always count; Outlook's
    separator and "From:/Von:" header blocks only when the subject's outermost prefix
    is a forward (FW, WG, TR, ...) — in a reply they introduce the quoted history.
    """
    if not text:
        return None
    forward_subject = is_forward_subject(subject)
    lines = [ln.lstrip("> ") for ln in text.split("\n", 400)[:400]]
    for i, line in enumerate(lines):
        if not line:
            continue
        explicit = bool(_FORWARD_MARKER.match(line))
        if not explicit and not (
            forward_subject
            and (_SEPARATOR.match(line) or _UNDERSCORES.match(line) or _header_block(lines, i))
        ):
            continue
        for candidate in lines[i : i + 8]:
            m = _HDR_FROM.match(candidate)
            if m:
                found = _address_in(m.group(1))
                if found:
                    return found
        if not explicit:
            return None
    return None
