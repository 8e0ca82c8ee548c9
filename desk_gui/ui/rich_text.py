"""The text area of the reply editor: rich text in, clean HTML out.

Paste from Word or a browser goes through the same sanitizer as incoming mail
(`sanitize_html`: no scripts, styles, Office namespaces or remote images), then only
formatting a reader sees is kept (bold, colours, lists, tables, links), not the
source's fonts, sizes and margins. Pasted or inserted images live in the document as
`data:` URLs (so a draft file holds them too) and become inline `cid:` parts on send.

`::name` before the cursor asks for a template (`templateQuery`); the completer in
template_picker.py shows the popup and gets Enter/Tab/Escape while it is open.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QRect, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
    QTextListFormat,
)
from PySide6.QtWidgets import QCompleter, QTextEdit, QWidget

from desk_gui.sync.mime import sanitize_html

QUOTE_BACKGROUND = "#eef1f5"
QUOTE_MARGIN = 14
MAX_IMAGE_WIDTH = 640  # inserted images wider than this are shown (and sent) scaled
TEMPLATE_TRIGGER = re.compile(r"(?:^|\s)::([\w.-]{0,120})$")
# Style properties a pasted fragment keeps: what formats text, not the source's layout.
PASTE_STYLES = frozenset(
    {
        "color",
        "background-color",
        "font-weight",
        "font-style",
        "text-decoration",
        "text-align",
        "vertical-align",
        "border",
        "border-top",
        "border-right",
        "border-bottom",
        "border-left",
        "border-collapse",
        "border-color",
        "border-style",
        "border-width",
        "padding",
        "width",
        "list-style-type",
    }
)
POPUP_KEYS = (
    Qt.Key.Key_Enter,
    Qt.Key.Key_Return,
    Qt.Key.Key_Escape,
    Qt.Key.Key_Tab,
    Qt.Key.Key_Backtab,
)
_STYLE_ATTR = re.compile(r' style="([^"]*)"')
_IMG = re.compile(r"<img\b[^<>]*>", re.I)
_SRC = re.compile(r'\ssrc="([^"]*)"', re.I)
_DATA_URL = re.compile(r"^data:(image/[a-z0-9.+-]+);base64,(.*)$", re.I | re.S)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
# Word's list paragraphs: the bullet or number is text inside a downlevel conditional.
_WORD_LIST_P = re.compile(
    r"<p\b[^>]*mso-list:[^>]*>(.*?)</p>",
    re.S | re.I,
)
_WORD_LIST_MARK = re.compile(r"<!\[if !supportLists\]>(.*?)<!\[endif\]>", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")


# --- HTML in --------------------------------------------------------------------------


def _word_lists(html: str) -> str:
    """Word writes lists as paragraphs with a typed bullet; make them real lists."""
    if "mso-list" not in html:
        return html
    out: list[str] = []
    pos = 0
    current: str | None = None  # "ul" or "ol" while inside a list
    for m in _WORD_LIST_P.finditer(html):
        between = html[pos : m.start()]
        if current and between.strip():
            out.append(f"</{current}>")
            current = None
        out.append(between)
        inner = m.group(1)
        mark = _WORD_LIST_MARK.search(inner)
        marker = _TAGS.sub("", mark.group(1)).replace("&nbsp;", " ").strip() if mark else ""
        kind = "ol" if re.match(r"^\(?[0-9a-zA-Z]{1,3}[.)]", marker) else "ul"
        if current != kind:
            if current:
                out.append(f"</{current}>")
            out.append(f"<{kind}>")
            current = kind
        out.append(f"<li>{_WORD_LIST_MARK.sub('', inner)}</li>")
        pos = m.end()
    if current:
        out.append(f"</{current}>")
    out.append(html[pos:])
    return "".join(out)


def _keep_styles(match: re.Match[str]) -> str:
    kept = []
    for decl in match.group(1).split(";"):
        name, sep, value = decl.partition(":")
        if sep and name.strip().lower() in PASTE_STYLES:
            kept.append(f"{name.strip().lower()}:{value.strip()}")
    return f' style="{"; ".join(kept)}"' if kept else ""


def _drop_unloadable_images(html: str) -> str:
    """Blocked remote images and foreign cid: parts would only show as broken boxes."""

    def fix(m: re.Match[str]) -> str:
        src = _SRC.search(m.group(0))
        if src is not None and src.group(1).lower().startswith("data:image/"):
            return m.group(0)
        alt = re.search(r'\salt="([^"]*)"', m.group(0))
        return alt.group(1) if alt else ""

    return _IMG.sub(fix, html)


def clean_pasted_html(html: str) -> str:
    """A pasted fragment, safe and in the reply's own look (see the module doc)."""
    body = _BODY.search(html)
    fragment = _word_lists(body.group(1) if body else html)
    cleaned = sanitize_html(fragment)
    cleaned = _STYLE_ATTR.sub(_keep_styles, cleaned)
    return _drop_unloadable_images(cleaned)


def quotable_html(html: str) -> str:
    """A message's (sanitized) HTML to quote: tables and formatting stay, images that
    cannot be shown go (remote ones are blocked, cid: parts belong to the old mail)."""
    return _drop_unloadable_images(html)


def image_data_url(image: QImage) -> str:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes
    return "data:image/png;base64," + base64.b64encode(bytes(data.data())).decode("ascii")


# --- HTML out -------------------------------------------------------------------------


@dataclass(frozen=True)
class InlineImage:
    content_id: str
    content_type: str
    data: bytes


def document_html(edit: QTextEdit) -> str:
    """The body of Qt's HTML (its <head> and body font are the editor's, not the mail's)."""
    full = edit.toHtml()
    body = _BODY.search(full)
    return (body.group(1) if body else full).strip()


def with_cid_images(html: str) -> tuple[str, list[InlineImage]]:
    """`data:` images become `cid:` references plus the parts to attach inline."""
    images: dict[str, InlineImage] = {}

    def fix(m: re.Match[str]) -> str:
        tag = m.group(0)
        src = _SRC.search(tag)
        data = _DATA_URL.match(src.group(1)) if src else None
        if src is None or data is None:
            return tag
        try:
            payload = base64.b64decode(data.group(2), validate=False)
        except (binascii.Error, ValueError):
            return ""
        key = data.group(2)[:64] + str(len(payload))  # the same picture twice: one part
        image = images.get(key)
        if image is None:
            cid = f"{uuid.uuid4().hex}@desk"
            image = images[key] = InlineImage(cid, data.group(1).lower(), payload)
        return tag[: src.start(1)] + "cid:" + image.content_id + tag[src.end(1) :]

    return _IMG.sub(fix, html), list(images.values())


def outgoing_html(edit: QTextEdit) -> tuple[str, list[InlineImage]]:
    """What to send: sanitized HTML (remote images the agent put in stay) and images."""
    html, images = with_cid_images(document_html(edit))
    return sanitize_html(html, allow_remote_images=True), images


# --- the widget -----------------------------------------------------------------------


class RichTextEdit(QTextEdit):
    filesDropped = Signal(list)  # [Path]: local files dropped or pasted -> attachments
    templateQuery = Signal(str, QRect)  # the name typed after `::` so far, where
    templateQueryEnded = Signal()
    sendRequested = Signal()  # Ctrl+Enter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(True)
        self.setTabChangesFocus(False)
        self.completer: QCompleter | None = None  # set by the template completer
        self._querying = False

    # --- paste and drop ---------------------------------------------------------------

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasUrls() or source.hasImage() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        files = _local_files(source)
        if files:
            self.filesDropped.emit(files)
            return
        if source.hasHtml():
            self.textCursor().insertHtml(clean_pasted_html(source.html()))
            self.ensureCursorVisible()
            return
        if source.hasImage():
            image = source.imageData()
            if isinstance(image, QImage) and not image.isNull():
                self.insert_image(image)
                return
        if source.hasText():
            self.textCursor().insertText(source.text())  # never Qt's rich guess
            return
        super().insertFromMimeData(source)

    def insert_image(self, image: QImage) -> None:
        if image.width() > MAX_IMAGE_WIDTH:
            image = image.scaledToWidth(MAX_IMAGE_WIDTH, Qt.TransformationMode.SmoothTransformation)
        url = image_data_url(image)
        self.textCursor().insertHtml(f'<img src="{url}" width="{image.width()}">')

    def insert_image_file(self, path: Path) -> bool:
        image = QImage(str(path))
        if image.isNull():
            return False
        self.insert_image(image)
        return True

    # --- formatting -------------------------------------------------------------------

    def merge_char(self, fmt: QTextCharFormat) -> None:
        # Without a selection only what is typed next changes (not the word around).
        cursor = self.textCursor()
        if cursor.hasSelection():
            cursor.mergeCharFormat(fmt)
        self.mergeCurrentCharFormat(fmt)

    def set_bold(self, on: bool) -> None:
        fmt = QTextCharFormat()
        fmt.setFontWeight(QFont.Weight.Bold if on else QFont.Weight.Normal)
        self.merge_char(fmt)

    def set_italic(self, on: bool) -> None:
        fmt = QTextCharFormat()
        fmt.setFontItalic(on)
        self.merge_char(fmt)

    def set_underline(self, on: bool) -> None:
        fmt = QTextCharFormat()
        fmt.setFontUnderline(on)
        self.merge_char(fmt)

    def set_heading(self, level: int) -> None:
        """0: a normal paragraph; 1-3: headings (exported as <h1>-<h3>)."""
        cursor = self.textCursor()
        cursor.beginEditBlock()
        block = QTextBlockFormat()
        block.setHeadingLevel(level)
        cursor.mergeBlockFormat(block)
        char = QTextCharFormat()
        char.setFontWeight(QFont.Weight.Bold if level else QFont.Weight.Normal)
        char.setProperty(QTextFormat.Property.FontSizeAdjustment, max(0, 4 - level) if level else 0)
        cursor.select(QTextCursor.SelectionType.BlockUnderCursor)
        cursor.mergeCharFormat(char)
        cursor.endEditBlock()
        self.mergeCurrentCharFormat(char)

    def heading_level(self) -> int:
        return self.textCursor().blockFormat().headingLevel()

    def toggle_list(self, style: QTextListFormat.Style) -> None:
        cursor = self.textCursor()
        current = cursor.currentList()
        cursor.beginEditBlock()
        if current is not None and current.format().style() == style:
            block = cursor.block()
            current.remove(block)
            block_format = cursor.blockFormat()
            block_format.setIndent(0)
            cursor.setBlockFormat(block_format)
        else:
            list_format = QTextListFormat()
            list_format.setStyle(style)
            cursor.createList(list_format)
        cursor.endEditBlock()

    def list_style(self) -> QTextListFormat.Style | None:
        current = self.textCursor().currentList()
        return current.format().style() if current is not None else None

    def is_quote(self) -> bool:
        return _is_quote(self.textCursor().blockFormat())

    def toggle_quote(self) -> None:
        cursor = self.textCursor()
        quote = not self.is_quote()
        cursor.beginEditBlock()
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        block = self.document().findBlock(start)
        while block.isValid() and block.position() <= end:
            walker = QTextCursor(block)
            walker.setBlockFormat(_quote_format(block.blockFormat(), quote))
            block = block.next()
        cursor.endEditBlock()

    def style_quotes(self, start: int, end: int) -> None:
        """Blocks Qt parsed from <blockquote> in a range get the quote look (a bar-less
        grey panel that survives sanitizing and every mail client)."""
        block = self.document().findBlock(start)
        while block.isValid() and block.position() <= end:
            fmt = block.blockFormat()
            if fmt.intProperty(QTextFormat.Property.BlockQuoteLevel) > 0:
                QTextCursor(block).setBlockFormat(_quote_format(fmt, True))
            block = block.next()

    def insert_link(self, url: str, text: str | None = None) -> None:
        cursor = self.textCursor()
        fmt = QTextCharFormat()
        fmt.setAnchor(True)
        fmt.setAnchorHref(url)
        fmt.setForeground(QColor("#1565c0"))
        fmt.setFontUnderline(True)
        if cursor.hasSelection():
            cursor.mergeCharFormat(fmt)
        else:
            cursor.insertText(text or url, fmt)
            cursor.setCharFormat(QTextCharFormat())
            self.setCurrentCharFormat(QTextCharFormat())

    # --- keys -------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        popup = self.completer.popup() if self.completer is not None else None
        if popup is not None and popup.isVisible() and key in POPUP_KEYS:
            event.ignore()  # the completer's popup takes them
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.sendRequested.emit()
            return
        super().keyPressEvent(event)
        self._check_template_trigger()

    def _check_template_trigger(self) -> None:
        cursor = self.textCursor()
        column = cursor.positionInBlock()
        # Only the text just before the cursor: cheap even in a huge quoted block.
        before = cursor.block().text()[max(0, column - 130) : column]
        if "::" not in before:
            if self._querying:
                self._querying = False
                self.templateQueryEnded.emit()
            return
        m = TEMPLATE_TRIGGER.search(before)
        if m is None:
            if self._querying:
                self._querying = False
                self.templateQueryEnded.emit()
            return
        self._querying = True
        self.templateQuery.emit(m.group(1), self.cursorRect())

    def replace_template_query(self, html: str) -> None:
        """Put a rendered template where `::name` was typed."""
        cursor = self.textCursor()
        column = cursor.positionInBlock()
        before = cursor.block().text()[max(0, column - 130) : column]
        m = TEMPLATE_TRIGGER.search(before)
        cursor.beginEditBlock()
        if m is not None:
            typed = len(m.group(1)) + 2
            cursor.movePosition(
                QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, typed
            )
            cursor.removeSelectedText()
        cursor.insertHtml(html)
        cursor.endEditBlock()
        self.setTextCursor(cursor)
        self._querying = False


def _is_quote(fmt: QTextBlockFormat) -> bool:
    return fmt.intProperty(QTextFormat.Property.BlockQuoteLevel) > 0 or (
        fmt.background().style() != Qt.BrushStyle.NoBrush
        and fmt.background().color().name() == QUOTE_BACKGROUND
    )


def _quote_format(fmt: QTextBlockFormat, quote: bool) -> QTextBlockFormat:
    fmt = QTextBlockFormat(fmt)
    if quote:
        level = max(1, fmt.intProperty(QTextFormat.Property.BlockQuoteLevel))
        fmt.setProperty(QTextFormat.Property.BlockQuoteLevel, level)
        fmt.setLeftMargin(QUOTE_MARGIN * level)
        fmt.setRightMargin(0)
        fmt.setBackground(QColor(QUOTE_BACKGROUND))
    else:
        fmt.clearProperty(QTextFormat.Property.BlockQuoteLevel)
        fmt.setLeftMargin(0)
        fmt.setRightMargin(0)
        fmt.clearBackground()
    return fmt


def _local_files(source: QMimeData) -> list[Path]:
    if not source.hasUrls():
        return []
    urls: list[QUrl] = source.urls()
    if not urls or not all(u.isLocalFile() for u in urls):
        return []
    return [Path(u.toLocalFile()) for u in urls]
