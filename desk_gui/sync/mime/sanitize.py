"""HTML for display: sanitized with nh3, remote images blocked until the agent allows them.

`sanitize_html` output is well-formed (html5ever serializes it): attribute values are
always double-quoted with `"`, `<` and `>` escaped, so the post-processing below can
work on it with regular expressions. Never feed them unsanitized HTML.
"""

from __future__ import annotations

import html as htmllib
import re
import urllib.parse
from collections.abc import Callable
from html.parser import HTMLParser

import nh3

__all__ = [
    "blocked_image_count",
    "cid_references",
    "html_to_text",
    "plain_to_html",
    "renormalize_html",
    "rewrite_cid_urls",
    "sanitize_html",
    "unblock_remote_images",
]

_TAGS = (set(nh3.ALLOWED_TAGS) | {"font", "tfoot"}) - {"map", "area"}
_CLEAN_CONTENT = {
    "script",
    "style",
    "title",
    "xml",
    "template",
    "noscript",
    "object",
    "embed",
    "iframe",
    "frameset",
    "svg",
    "math",
    "select",
    "textarea",
}
_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"title", "dir", "lang", "align", "valign", "style", "width", "height", "bgcolor"},
    "a": {"href", "name"},
    "img": {"src", "alt", "border", "hspace", "vspace"},
    "table": {"border", "cellpadding", "cellspacing", "summary"},
    "td": {"colspan", "rowspan", "nowrap"},
    "th": {"colspan", "rowspan", "nowrap", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "font": {"color", "face", "size"},
    "ol": {"start", "type"},
    "ul": {"type"},
    "li": {"value"},
    "hr": {"size", "noshade"},
    "bdo": {"dir"},
    "time": {"datetime"},
}
# Markers quotes.py needs to find quoted history in sanitized HTML.
_TAG_ATTRIBUTE_VALUES = {
    "blockquote": {"type": {"cite"}},
    "div": {"id": {"divRplyFwdMsg", "appendonsend"}},
}
_CLASSES = {
    "div": {
        "gmail_quote",
        "gmail_quote_container",
        "gmail_attr",
        "moz-cite-prefix",
        "yahoo_quoted",
        "moz-signature",
        "gmail_signature",
    },
    "blockquote": {"gmail_quote"},
    "pre": {"moz-signature"},
}
_STYLE_PROPERTIES = {
    "color",
    "background-color",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "font-variant",
    "text-align",
    "text-decoration",
    "text-indent",
    "text-transform",
    "letter-spacing",
    "word-spacing",
    "line-height",
    "vertical-align",
    "white-space",
    "direction",
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-color",
    "border-style",
    "border-width",
    "border-collapse",
    "border-spacing",
    "border-radius",
    "width",
    "height",
    "max-width",
    "min-width",
    "max-height",
    "min-height",
    "list-style-type",
    "table-layout",
}
_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid", "data"}
_DATA_IMAGE = re.compile(r"^data:image/(?:png|gif|jpe?g|webp|bmp);base64,", re.I)
# Only our attribute filter can produce this src (nh3 drops unknown schemes before it).
_BLOCKED = "x-desk-blocked:"
_BLOCKED_SRC = f' src="{_BLOCKED}'
_IMG_TAG = re.compile(r"<img\b[^<>]*>")
_EMPTY_CLASS = re.compile(r'(<[a-z][a-z0-9]*\b[^<>]*?) class=""')


def _filter(allow_remote: bool) -> Callable[[str, str, str], str | None]:
    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if attr == "style":
            low = value.lower()
            if "url(" in low or "expression" in low or "\\" in value or "@import" in low:
                return None
            return value
        if attr == "src":
            if tag != "img":
                return None
            src = value.strip()
            low = src.lower().replace("\\", "/")
            if low.startswith("cid:"):
                return src
            if low.startswith("data:"):
                return src if _DATA_IMAGE.match(low) else None
            if low.startswith("//"):
                src, low = "https:" + src, "https:" + low
            if low.startswith(("http://", "https://")):
                return src if allow_remote else _BLOCKED + src
            return None  # relative, or any other scheme: nothing to load
        if attr == "href":
            low = value.strip().lower()
            if low.startswith("data:"):
                return None
        return value

    return attribute_filter


def _cleaner(allow_remote: bool) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=_TAGS,
        clean_content_tags=_CLEAN_CONTENT,
        attributes=_ATTRIBUTES,
        attribute_filter=_filter(allow_remote),
        tag_attribute_values=_TAG_ATTRIBUTE_VALUES,
        allowed_classes=_CLASSES,
        filter_style_properties=_STYLE_PROPERTIES,
        url_schemes=_URL_SCHEMES,
        strip_comments=True,
        link_rel="noopener noreferrer",
    )


_BLOCKING = _cleaner(allow_remote=False)
_ALLOWING = _cleaner(allow_remote=True)
# Re-balances fragments of already sanitized HTML (quotes.py): same rules, plus the
# placeholder attribute our own blocking produced.
_RENORMALIZER = nh3.Cleaner(
    tags=_TAGS,
    clean_content_tags=_CLEAN_CONTENT,
    attributes={**_ATTRIBUTES, "img": _ATTRIBUTES["img"] | {"data-remote-src"}},
    attribute_filter=_filter(allow_remote=True),
    tag_attribute_values=_TAG_ATTRIBUTE_VALUES,
    allowed_classes=_CLASSES,
    filter_style_properties=_STYLE_PROPERTIES,
    url_schemes=_URL_SCHEMES,
    strip_comments=True,
    link_rel="noopener noreferrer",
)


def sanitize_html(html: str, allow_remote_images: bool = False) -> str:
    """Safe HTML for display: no scripts, styles, forms, frames or event handlers; safe
    CSS properties only; images only from cid:, data:image/... or (when allowed) http(s).

    A blocked remote image keeps its URL in `data-remote-src` (no `src`); the UI can offer
    "load remote images" and call `unblock_remote_images`.
    """
    if not html:
        return ""
    cleaned = (_ALLOWING if allow_remote_images else _BLOCKING).clean(html).strip()
    if ' class=""' in cleaned:  # left behind when no class survived the allow-list
        cleaned = _EMPTY_CLASS.sub(r"\1", cleaned)
    if allow_remote_images:
        return cleaned
    if _BLOCKED in cleaned:
        cleaned = _IMG_TAG.sub(
            lambda m: m.group(0).replace(_BLOCKED_SRC, ' data-remote-src="'), cleaned
        )
    return cleaned


def blocked_image_count(sanitized_html: str) -> int:
    """How many remote images `sanitize_html` blocked (for the "load images" bar)."""
    return sum(1 for m in _IMG_TAG.finditer(sanitized_html) if " data-remote-src=" in m.group(0))


def unblock_remote_images(sanitized_html: str) -> str:
    """Restore the images `sanitize_html` blocked (after the agent asked for them)."""

    def fix(m: re.Match[str]) -> str:
        tag = m.group(0)
        if ' src="' in tag or ' data-remote-src="' not in tag:
            return tag
        return tag.replace(' data-remote-src="', ' src="', 1)

    return _IMG_TAG.sub(fix, sanitized_html)


def renormalize_html(fragment: str) -> str:
    """Re-balance a cut piece of sanitized HTML (unclosed or stray tags)."""
    return _RENORMALIZER.clean(fragment) if fragment else ""


_CID_ATTR = re.compile(r'(\s(?:src|href)=")cid:([^"]*)"', re.I)
_CID_ANY = re.compile(r"""cid:([^"'\s<>)]+)""", re.I)


def _cid_key(value: str) -> str:
    return urllib.parse.unquote(htmllib.unescape(value)).strip().strip("<>")


def cid_references(html: str) -> set[str]:
    """Content-IDs referenced by cid: URLs (raw or sanitized HTML)."""
    if "cid:" not in html.lower():
        return set()
    return {_cid_key(m) for m in _CID_ANY.findall(html)}


def rewrite_cid_urls(sanitized_html: str, url_for: Callable[[str], str | None]) -> str:
    """Point cid: URLs at the caller's scheme, e.g. `lambda cid: f"desk-att:{ids[cid]}"`.

    `url_for` gets the Content-ID without angle brackets; returning None leaves the URL.
    """

    def fix(m: re.Match[str]) -> str:
        url = url_for(_cid_key(m.group(2)))
        if url is None:
            return m.group(0)
        return f'{m.group(1)}{htmllib.escape(url, quote=True)}"'

    return _CID_ATTR.sub(fix, sanitized_html)


# ---------------------------------------------------------------------------- plain text

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.I)
_TRAILING = ".,;:!?'\")]}>"


def plain_to_html(text: str) -> str:
    """Escaped text in a pre-wrap block, with http(s) links made clickable."""
    out: list[str] = []
    pos = 0
    for m in _URL.finditer(text):
        url = m.group(0)
        while url and url[-1] in _TRAILING:
            if url[-1] == ")" and url.count("(") >= url.count(")"):
                break
            url = url[:-1]
        if not url:
            continue
        start, end = m.start(), m.start() + len(url)
        out.append(htmllib.escape(text[pos:start], quote=False))
        href = url if "://" in url else "https://" + url
        out.append(
            f'<a href="{htmllib.escape(href)}" rel="noopener noreferrer">'
            f"{htmllib.escape(url, quote=False)}</a>"
        )
        pos = end
    out.append(htmllib.escape(text[pos:], quote=False))
    return '<div style="white-space:pre-wrap">' + "".join(out) + "</div>"


# ---------------------------------------------------------------------------- HTML → text

_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "section",
        "summary",
        "tr",
        "caption",
    }
)
_PARAGRAPH = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "blockquote"}
)
_SKIP = frozenset({"script", "style", "head", "title", "xml", "template", "noscript", "svg"})
_SPACES = re.compile(r"[ \t\r\n\f\v\u200b]+")
_BLANKS = re.compile(r"\n{3,}")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.quote = 0
        self.skip = 0
        self.pre = 0

    def _flush(self, force: bool = False) -> None:
        text = "".join(self.current)
        self.current = []
        if not self.pre:
            text = _SPACES.sub(" ", text).strip()
        if text or force:
            self.lines.append(("> " * self.quote) + text if self.quote else text)

    def _paragraph(self) -> None:
        self._flush()
        if self.lines and self.lines[-1].strip("> "):
            self.lines.append("> " * self.quote if self.quote else "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skip = 0
            return
        if tag in _SKIP:
            self.skip += 1
            return
        if tag == "br":
            self._flush(force=True)
        elif tag in _PARAGRAPH:
            self._paragraph()
        elif tag in _BLOCK:
            self._flush()
        if tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "li":
            self.current.append("- ")
        elif tag in ("td", "th") and self.current:
            self.current.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.current.append(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if tag in _PARAGRAPH:
            self._paragraph()
        elif tag in _BLOCK:
            self._flush()
        if tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            if self.lines and not self.lines[-1].strip("> "):
                self.lines[-1] = "> " * self.quote  # the blank line after the quote
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            parts = data.split("\n")
            for part in parts[:-1]:
                self.current.append(part)
                self._flush(force=True)
            self.current.append(parts[-1])
        else:
            self.current.append(data)


def html_to_text(html: str) -> str:
    """Readable text for HTML-only mail (search, previews, quote detection)."""
    if not html:
        return ""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient; be safe anyway
        return _SPACES.sub(" ", htmllib.unescape(nh3.clean(html, tags=set()))).strip()
    parser._flush()
    text = "\n".join(line.rstrip() for line in parser.lines)
    return _BLANKS.sub("\n\n", text).strip()
