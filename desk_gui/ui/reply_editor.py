"""The reply editor under a ticket's thread: a public reply or an internal note.

A public reply and a note look nothing alike: a note has a yellow page, an "Internal
note" label and no recipients or attachments; a reply shows To / Cc / Bcc and a
"the customer sees this" line. Sending never talks SMTP: a reply becomes an outbox row
through `queue_reply` on the facade's writer thread (the engine sends it), a note an
AddNote. When the ticket got new messages after the draft was opened the send is held
and the agent decides in the collision dialog.
"""

from __future__ import annotations

import asyncio
import base64
import html as htmllib
import re
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QLocale, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QKeySequence,
    QTextBlockFormat,
    QTextCharFormat,
    QTextListFormat,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from desk_gui.models import queries
from desk_gui.models.commands import CommandError
from desk_gui.models.message import MessageKind
from desk_gui.models.reply_commands import last_customer_message, sending_mailbox
from desk_gui.models.ticket import Ticket
from desk_gui.models.views import ThreadItem, TicketPage
from desk_gui.sync.facade import Desk, TicketChange
from desk_gui.sync.mail_out import Held, OutgoingFile, Queued, ReplyDraft, post_note, queue_reply
from desk_gui.sync.presence import Beat, beat

from . import labels
from .attachments import AttachmentList
from .collision_dialog import Choice, CollisionDialog
from .drafts import DraftSaver, DraftStore, StoredDraft
from .recipients import AddressField, address_model, contact_addresses
from .rich_text import RichTextEdit, outgoing_html, quotable_html
from .tasks import Tasks
from .template_picker import (
    TemplateButton,
    TemplateCompleter,
    render_for_ticket,
    template_names,
)

REPLY, NOTE = "reply", "note"
NOTE_BACKGROUND = "#fff6cc"
_CID_SRC = re.compile(r'src="cid:([^"]+)"')


@dataclass(frozen=True)
class ReplyContext:
    """What the editor needs to know about a ticket, read on a reader thread."""

    ticket_id: uuid.UUID
    customer: str | None  # the address a reply goes to by default
    language: str
    mailbox_name: str | None
    max_attachment_bytes: int | None
    cannot_send: str | None  # why no reply can be sent (no mailbox), else None


def reply_context(session: Session, ticket_id: uuid.UUID) -> ReplyContext | None:
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return None
    last = last_customer_message(session, ticket_id)
    customer = last.from_addr if last is not None and last.from_addr else None
    if customer is None and ticket.contact is not None:
        customer = ticket.contact.primary_address
    try:
        mailbox = sending_mailbox(session, ticket)
    except CommandError as error:
        return ReplyContext(
            ticket_id, customer, ticket.contact.language if ticket.contact else "de",
            None, None, labels.refusal(error),
        )  # fmt: skip
    return ReplyContext(
        ticket_id,
        customer,
        ticket.contact.language if ticket.contact else "de",
        mailbox.name,
        mailbox.max_attachment_bytes,
        None,
    )


def _now() -> datetime:
    return datetime.now(UTC)


class ReplyEditor(QFrame):
    queued = Signal(object)  # Queued: the reply is in the outbox
    noteAdded = Signal(object)  # the note's message id
    held = Signal(object)  # the collision dialog is open (CollisionDialog)
    refused = Signal(str)
    discarded = Signal()
    restored = Signal(object)  # a saved draft was put back (StoredDraft)
    contextLoaded = Signal()
    templateInserted = Signal(str)
    replyStarted = Signal()  # the first edit of a public reply: take the reply lease now

    def __init__(
        self,
        desk: Desk,
        tasks: Tasks,
        drafts: DraftStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("replyEditor")
        self._desk = desk
        self._tasks = tasks
        self.ticket_id: uuid.UUID | None = None
        self.page: TicketPage | None = None
        self.context: ReplyContext | None = None
        self.mode = REPLY
        # The collision check: the newest message shown when the draft was opened.
        self.seen_message_uuid: uuid.UUID | None = None
        self.opened_at: datetime | None = None
        self.replaces: uuid.UUID | None = None
        self._loading = False  # filling the widgets from a draft: not an edit
        self._sending = False
        # The reply lease (sync/presence.py): its epoch travels with the send; while
        # another agent holds it, `blocked_by` names them and the send waits.
        self.lease_epoch: int | None = None
        self.blocked_by: str | None = None
        self.saver = DraftSaver(drafts or DraftStore(), self._snapshot, self)
        self._build()
        self._connect()
        self.retranslate()
        self._apply_mode()
        self._tasks.spawn(self._load_addresses())

    # --- building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.reply_button = _mode_button("replyMode")
        self.note_button = _mode_button("noteMode")
        self.reply_button.setChecked(True)
        self.modes = QButtonGroup(self)
        self.modes.setExclusive(True)
        self.modes.addButton(self.reply_button)
        self.modes.addButton(self.note_button)
        self.note_label = QLabel()
        self.note_label.setObjectName("noteLabel")
        self.public_label = QLabel()
        self.public_label.setObjectName("publicLabel")
        self.templates = TemplateButton()
        header = QHBoxLayout()
        header.setSpacing(0)
        header.addWidget(self.reply_button)
        header.addWidget(self.note_button)
        header.addSpacing(10)
        header.addWidget(self.note_label)
        header.addWidget(self.public_label)
        header.addStretch(1)
        header.addWidget(self.templates)

        self.to = AddressField("toField")
        self.cc = AddressField("ccField")
        self.bcc = AddressField("bccField")
        self.cc_toggle = QToolButton()
        self.cc_toggle.setObjectName("ccToggle")
        self.cc_toggle.setCheckable(True)
        self.cc_toggle.setAutoRaise(True)
        to_row = QHBoxLayout()
        to_row.setContentsMargins(0, 0, 0, 0)
        to_row.addWidget(self.to, 1)
        to_row.addWidget(self.cc_toggle)
        self.recipients = QWidget()
        self.recipients.setObjectName("recipients")
        form = QFormLayout(self.recipients)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(3)
        self.to_label, self.cc_label, self.bcc_label = QLabel(), QLabel(), QLabel()
        form.addRow(self.to_label, to_row)
        form.addRow(self.cc_label, self.cc)
        form.addRow(self.bcc_label, self.bcc)
        self._form = form
        self._show_cc(False)

        self.text = RichTextEdit()
        self.text.setObjectName("replyText")
        self.text.setMinimumHeight(110)
        self.completer = TemplateCompleter(self.text)
        self.toolbar = self._format_bar()
        self.attachments = AttachmentList()
        self.message = QLabel()
        self.message.setObjectName("editorMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.draft_state = QLabel()
        self.draft_state.setObjectName("draftState")
        self.discard_button = QPushButton()
        self.discard_button.setObjectName("discardButton")
        self.send_button = QPushButton()
        self.send_button.setObjectName("sendButton")
        self.send_button.setDefault(False)
        footer = QHBoxLayout()
        footer.addWidget(self.draft_state, 1)
        footer.addWidget(self.discard_button)
        footer.addWidget(self.send_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.recipients)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.attachments)
        layout.addWidget(self.message)
        layout.addLayout(footer)
        self.setAcceptDrops(True)

    def _format_bar(self) -> QToolBar:
        bar = QToolBar()
        bar.setObjectName("formatBar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.actions_: dict[str, QAction] = {}

        def add(key: str, text: str, shortcut: str | None, slot: object, check: bool) -> QAction:
            action = QAction(text, self)
            action.setObjectName(f"format_{key}")
            action.setCheckable(check)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)  # shortcuts work while the editor has focus
            bar.addAction(action)
            self.actions_[key] = action
            return action

        bold = add("bold", "B", "Ctrl+B", lambda on: self.text.set_bold(on), True)
        italic = add("italic", "I", "Ctrl+I", lambda on: self.text.set_italic(on), True)
        underline = add("underline", "U", "Ctrl+U", lambda on: self.text.set_underline(on), True)
        for action, style in ((bold, "bold"), (italic, "italic"), (underline, "underline")):
            font = QFont()
            font.setBold(style == "bold")
            font.setItalic(style == "italic")
            font.setUnderline(style == "underline")
            action.setFont(font)
        self.heading = QComboBox()
        self.heading.setObjectName("headingCombo")
        for _ in range(4):
            self.heading.addItem("")
        self.heading.activated.connect(self._heading_chosen)
        bar.addSeparator()
        bar.addWidget(self.heading)
        bar.addSeparator()
        add(
            "bullets",
            "•",
            "Ctrl+Shift+8",
            lambda: self.text.toggle_list(QTextListFormat.Style.ListDisc),
            False,
        )
        add(
            "numbers",
            "1.",
            "Ctrl+Shift+7",
            lambda: self.text.toggle_list(QTextListFormat.Style.ListDecimal),
            False,
        )
        add("quote", "❝", "Ctrl+Shift+9", lambda: self.text.toggle_quote(), False)
        add("link", "", "Ctrl+K", self.ask_link, False)
        add("image", "", None, self.choose_image, False)
        bar.addSeparator()
        add("quote_last", "", "Ctrl+Shift+Q", self.quote_last_message, False)
        add("attach", "", "Ctrl+Shift+A", self.choose_files, False)
        add("send", "", None, self.send, False)
        bar.removeAction(self.actions_["send"])  # Ctrl+Enter, in the text; the button
        self.actions_["send"].setShortcuts(
            [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")]
        )
        return bar

    def _connect(self) -> None:
        self.reply_button.clicked.connect(lambda: self.set_mode(REPLY))
        self.note_button.clicked.connect(lambda: self.set_mode(NOTE))
        self.cc_toggle.toggled.connect(self._show_cc)
        self.text.textChanged.connect(self._edited)
        self.text.currentCharFormatChanged.connect(self._format_changed)
        self.text.cursorPositionChanged.connect(self._block_changed)
        self.text.filesDropped.connect(self.attach)
        self.text.sendRequested.connect(self.send)
        for field in (self.to, self.cc, self.bcc):
            field.textEdited.connect(lambda _t: self._edited())
        self.attachments.changed.connect(self._attachments_changed)
        self.attachments.refused.connect(self.show_message)
        self.templates.chosen.connect(self.insert_template)
        self.templates.opening.connect(lambda: self._tasks.spawn(self._load_templates()))
        self.completer.picked.connect(self.insert_template)
        self.send_button.clicked.connect(self.send)
        self.discard_button.clicked.connect(self.discard)
        self.saver.saved.connect(self._draft_saved)
        self.saver.failed.connect(
            lambda e: self.show_message(self.tr("The draft could not be saved: {error}").format(
                error=e
            ))
        )  # fmt: skip

    # --- which ticket ---------------------------------------------------------------------

    def show_page(self, page: TicketPage | None) -> None:
        """The ticket view shows a (re-read) page; a new ticket swaps drafts."""
        new_ticket = page is None or page.id != self.ticket_id
        if new_ticket:
            self.saver.flush()  # the previous ticket's draft, as it is now
            self._reset()
        self.page = page
        self.ticket_id = page.id if page is not None else None
        self.setEnabled(page is not None)
        if page is None:
            return
        if self.opened_at is None:
            # Nothing written yet: the agent has seen what the thread shows now.
            self.seen_message_uuid = page.thread[-1].id if page.thread else None
        if new_ticket:
            self._tasks.spawn(self._open(page.id))

    async def _open(self, ticket_id: uuid.UUID) -> None:
        agent = self._desk.actor.agent_id
        store = self.saver.store
        context = await self._desk.read(reply_context, ticket_id)
        loop = asyncio.get_running_loop()
        draft = await loop.run_in_executor(store.io, store.load, agent, ticket_id)
        if ticket_id != self.ticket_id:
            return  # the agent moved on meanwhile
        self.context = context
        self.attachments.limit = context.max_attachment_bytes if context else None
        if draft is not None:
            self._restore(draft)
        else:
            self._default_recipients()
        self._update_state()
        await self._load_templates()
        if ticket_id == self.ticket_id:
            self.contextLoaded.emit()

    def _default_recipients(self) -> None:
        if self.context is not None and self.context.customer and not self.to.text():
            self._loading = True
            self.to.set_list([self.context.customer])
            self._loading = False

    def _reset(self) -> None:
        """Another ticket: nothing of the previous one stays."""
        self._clear_content()
        self.context = None
        self._loading = True
        self.reply_button.setChecked(True)
        self.set_mode(REPLY)
        self._loading = False

    def _clear_content(self) -> None:
        """An empty draft for the same ticket (after sending or discarding)."""
        self._loading = True
        self.saver.cancel()
        self.text.clear()
        self.text.setCurrentCharFormat(QTextCharFormat())
        for field in (self.to, self.cc, self.bcc):
            field.clear()
        self.attachments.clear_files()
        self.cc_toggle.setChecked(False)
        self.seen_message_uuid = None
        if self.page is not None and self.page.thread:
            self.seen_message_uuid = self.page.thread[-1].id
        self.opened_at = None
        self.replaces = None
        # Nothing written: no lease to hold (the next heartbeat frees it), nothing held.
        self.lease_epoch = None
        self.blocked_by = None
        self.message.hide()
        self.draft_state.clear()
        self._loading = False

    def _restore(self, draft: StoredDraft) -> None:
        self._loading = True
        self.note_button.setChecked(draft.mode == NOTE)
        self.reply_button.setChecked(draft.mode != NOTE)
        self.set_mode(draft.mode)
        self.text.setHtml(draft.html)
        self.to.set_list(draft.to)
        self.cc.set_list(draft.cc)
        self.bcc.set_list(draft.bcc)
        self.cc_toggle.setChecked(bool(draft.cc or draft.bcc))
        missing = [p for p in draft.attachments if not Path(p).is_file()]
        self.attachments.add_paths([Path(p) for p in draft.attachments if Path(p).is_file()])
        self.opened_at = datetime.fromisoformat(draft.opened_at) if draft.opened_at else None
        self.seen_message_uuid = (
            uuid.UUID(draft.seen_message_uuid) if draft.seen_message_uuid else None
        )
        self.replaces = uuid.UUID(draft.replaces) if draft.replaces else None
        self._loading = False
        self.text.moveCursor(self.text.textCursor().MoveOperation.End)
        self.draft_state.setText(self.tr("Draft restored"))
        if missing:
            self.show_message(
                self.tr("Attachments no longer there: {names}").format(
                    names=", ".join(Path(p).name for p in missing)
                )
            )
        self.restored.emit(draft)

    # --- mode -------------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        changed = mode != self.mode
        self.mode = mode
        self.reply_button.setChecked(mode == REPLY)  # re-enters with the same mode
        self.note_button.setChecked(mode == NOTE)
        if changed:
            self._apply_mode()
            self._edited()

    def _apply_mode(self) -> None:
        note = self.mode == NOTE
        self.setProperty("mode", self.mode)
        self.recipients.setVisible(not note)
        self.note_label.setVisible(note)
        self.public_label.setVisible(not note)
        self.attachments.setVisible(not note and bool(self.attachments.files))
        self.actions_["attach"].setEnabled(not note)
        self.actions_["attach"].setVisible(not note)
        background = NOTE_BACKGROUND if note else "#ffffff"
        self.text.setStyleSheet(
            f"QTextEdit#replyText {{ background: {background}; "
            f"border: 1px solid {'#e0a800' if note else '#c5cad1'}; }}"
        )
        accent = "#e0a800" if note else "#2e7d32"
        self.setStyleSheet(
            f"QFrame#replyEditor {{ background: {'#fffbe6' if note else '#f7f8fa'}; "
            f"border-top: 3px solid {accent}; }}"
            "QToolButton#replyMode, QToolButton#noteMode { padding: 3px 10px; "
            "border: 1px solid #c5cad1; background: #ffffff; }"
            "QToolButton#replyMode:checked { background: #2e7d32; color: white; "
            "border-color: #2e7d32; }"
            "QToolButton#noteMode:checked { background: #e0a800; color: #3e2c00; "
            "border-color: #e0a800; }"
            "QLabel#noteLabel { background: #fff0b3; color: #8a6100; font-weight: bold; "
            "border: 1px solid #e0a800; border-radius: 3px; padding: 1px 8px; }"
            "QLabel#publicLabel { color: #2e7d32; }"
        )
        self._retranslate_mode()

    def _show_cc(self, on: bool) -> None:
        for widget in (self.cc_label, self.cc, self.bcc_label, self.bcc):
            widget.setVisible(on)

    # --- editing ------------------------------------------------------------------------

    def _edited(self) -> None:
        if self._loading or self.ticket_id is None:
            return
        if self.opened_at is None and not self.is_empty():
            self.opened_at = _now()  # the draft opens with its first edit
            if self.mode == REPLY:
                self.replyStarted.emit()
        self.saver.touch()
        self._update_state()

    def is_empty(self) -> bool:
        return self.text.document().isEmpty() and not self.attachments.files

    def _update_state(self) -> None:
        can = (
            not self._sending
            and not self.is_empty()
            and self.ticket_id is not None
            and self.blocked_by is None
        )
        self.send_button.setEnabled(can)
        self.discard_button.setEnabled(not self.is_empty() or self.replaces is not None)

    def _format_changed(self, fmt: QTextCharFormat) -> None:
        self.actions_["bold"].setChecked(fmt.fontWeight() >= QFont.Weight.Bold)
        self.actions_["italic"].setChecked(fmt.fontItalic())
        self.actions_["underline"].setChecked(fmt.fontUnderline())

    def _heading_chosen(self, level: int) -> None:
        self.text.set_heading(level)
        self.text.setFocus()

    def _block_changed(self) -> None:
        level = self.text.heading_level()
        if self.heading.currentIndex() != level:
            self.heading.setCurrentIndex(min(level, 3))

    def _attachments_changed(self) -> None:
        self.attachments.setVisible(self.mode == REPLY and bool(self.attachments.files))
        self._edited()

    def attach(self, paths: list[Path]) -> None:
        if self.mode == NOTE:
            self.show_message(self.tr("Notes have no attachments: switch to a public reply."))
            return
        self.attachments.add_paths(paths)

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach files"))
        if names:
            self.attach([Path(n) for n in names])

    def choose_image(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Insert image"), "", self.tr("Images (*.png *.jpg *.jpeg *.gif *.bmp)")
        )
        if name and not self.text.insert_image_file(Path(name)):
            self.show_message(self.tr("Not an image: {name}").format(name=Path(name).name))

    def ask_link(self) -> None:
        url, ok = QInputDialog.getText(self, self.tr("Insert link"), self.tr("Address (URL):"))
        url = url.strip()
        if ok and url:
            if "://" not in url and not url.startswith("mailto:"):
                url = ("mailto:" if "@" in url and "/" not in url else "https://") + url
            self.text.insert_link(QUrl(url).toString())

    def quote_last_message(self) -> None:
        """Quote the customer's newest message (tables and formatting kept)."""
        item = _last_customer_item(self.page)
        if item is None:
            self.show_message(self.tr("There is no customer message to quote."))
            return
        body = (
            quotable_html(item.body_html)
            if item.body_html
            else "<p>" + htmllib.escape(item.body_text).replace("\n", "<br>") + "</p>"
        )
        who = item.author or item.from_addr or ""
        if (
            self.page is not None
            and self.page.contact
            and item.from_addr == (self.page.contact_address)
        ):
            who = self.page.contact  # the customer's name, as in the header
        when = QLocale().toString(
            labels.to_qdatetime(item.created_at), QLocale.FormatType.ShortFormat
        )
        intro = self.tr("On {when}, {who} wrote:").format(when=when, who=who)
        self.quote_html(f"<p>{htmllib.escape(intro)}</p><blockquote>{body}</blockquote><p></p>")

    def quote_html(self, html: str) -> None:
        cursor = self.text.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        if not self.text.document().isEmpty():
            # A fresh block format: the quote never continues a list or heading above it.
            cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())
        start = cursor.position()
        cursor.beginEditBlock()
        cursor.insertHtml(html)
        cursor.endEditBlock()
        self.text.style_quotes(start, cursor.position())
        # Writing goes above the quote, like in every mail client.
        cursor.setPosition(0 if start == 0 else start)
        self.text.setTextCursor(cursor)

    # --- templates ------------------------------------------------------------------------

    async def _load_templates(self) -> None:
        names = await self._desk.read(template_names)
        self.templates.set_names(names)
        self.completer.set_names(names)

    def insert_template(self, name: str) -> None:
        if self.ticket_id is not None:
            self._tasks.spawn(self._insert_template(name, self.ticket_id))

    async def _insert_template(self, name: str, ticket_id: uuid.UUID) -> None:
        rendered = await self._desk.read(
            render_for_ticket, name, ticket_id, self._desk.actor.agent_id
        )
        if ticket_id != self.ticket_id:
            return
        if rendered is None:
            self.show_message(self.tr("No template named {name}.").format(name=name))
            return
        self.text.replace_template_query(rendered.body_html)
        self.text.setFocus()
        self.templateInserted.emit(rendered.language)

    # --- recipients ---------------------------------------------------------------------

    async def _load_addresses(self) -> None:
        entries = await self._desk.read(contact_addresses)
        model = address_model(entries)
        model.setParent(self)
        for field in (self.to, self.cc, self.bcc):
            field.set_addresses(model)

    # --- drafts -------------------------------------------------------------------------

    def _snapshot(self) -> tuple[uuid.UUID | None, uuid.UUID, StoredDraft | None] | None:
        if self.ticket_id is None:
            return None
        agent = self._desk.actor.agent_id
        if self.is_empty() and self.replaces is None:
            return agent, self.ticket_id, None
        draft = StoredDraft(
            ticket_id=str(self.ticket_id),
            mode=self.mode,
            html=self.text.toHtml(),
            to=self.to.addresses(),
            cc=self.cc.addresses(),
            bcc=self.bcc.addresses(),
            attachments=tuple(str(f.path) for f in self.attachments.files),
            opened_at=self.opened_at.isoformat() if self.opened_at else None,
            seen_message_uuid=str(self.seen_message_uuid) if self.seen_message_uuid else None,
            replaces=str(self.replaces) if self.replaces else None,
        )
        return agent, self.ticket_id, draft

    def _draft_saved(self, draft: StoredDraft | None) -> None:
        if draft is not None:
            when = labels.format_when(datetime.fromisoformat(draft.saved_at))
            self.draft_state.setText(self.tr("Draft saved {when}").format(when=when))

    def discard(self) -> None:
        if self.ticket_id is None:
            return
        if self.replaces is not None:  # the failed mail stays in the outbox, retryable
            self.saver.store.remove_files(self.replaces)
        self._clear_content()
        self._default_recipients()
        self.saver.flush()  # empty now: deletes the file
        self._update_state()
        self.discarded.emit()

    # --- editing a failed mail ------------------------------------------------------------

    def edit_failed(self, draft: ReplyDraft) -> None:
        """A failed mail back in the editor; sending the edited one cancels it.

        Its files are written next to the drafts, so the draft (which keeps paths)
        survives a restart; inline images go back into the text as data: URLs.
        """
        assert draft.replaces is not None
        folder = self.saver.store.files_dir(draft.replaces)
        folder.mkdir(parents=True, exist_ok=True)
        inline: dict[str, OutgoingFile] = {}
        paths = []
        for f in draft.attachments:
            if f.content_id:
                inline[f.content_id] = f
            elif f.data is not None:
                path = folder / Path(f.filename or "attachment").name
                path.write_bytes(f.data)
                paths.append(path)
            elif f.path is not None:
                paths.append(f.path)

        def data_url(m: re.Match[str]) -> str:
            found = inline.get(m.group(1))
            if found is None or found.data is None:
                return m.group(0)
            kind = found.content_type or "image/png"
            return f'src="data:{kind};base64,{base64.b64encode(found.data).decode()}"'

        self._loading = True
        self.set_mode(REPLY)
        self.text.setHtml(_CID_SRC.sub(data_url, draft.body_html))
        self.to.set_list(draft.to)
        self.cc.set_list(draft.cc)
        self.bcc.set_list(draft.bcc)
        self.cc_toggle.setChecked(bool(draft.cc or draft.bcc))
        self.attachments.clear_files()
        self.attachments.add_paths(paths)
        self.replaces = draft.replaces
        self._loading = False
        self._edited()
        self.text.setFocus()

    # --- sending --------------------------------------------------------------------------

    def send(self) -> None:
        if self._sending or self.ticket_id is None or self.is_empty():
            return
        self._sending = True
        self._update_state()
        self._tasks.spawn(self._send(self.ticket_id))

    async def _send(self, ticket_id: uuid.UUID) -> None:
        try:
            if self.mode == NOTE:
                await self._send_note(ticket_id)
            else:
                await self._send_reply(ticket_id, send_anyway=False)
        except (CommandError, LookupError, OSError) as error:
            reason = labels.refusal(error)
            self.show_message(self.tr("Not sent: {reason}").format(reason=reason))
            self.refused.emit(reason)
        finally:
            self._sending = False
            self._update_state()

    async def _send_note(self, ticket_id: uuid.UUID) -> None:
        html, _images = outgoing_html(self.text)
        note = await self._desk.write(post_note, ticket_id, html, self._desk.actor)
        self._after_send(ticket_id)
        await self._announce(ticket_id, "add_note")
        self.noteAdded.emit(note)

    def reply_draft(self, send_anyway: bool = False) -> ReplyDraft:
        assert self.ticket_id is not None
        html, images = outgoing_html(self.text)
        files = [OutgoingFile(path=f.path) for f in self.attachments.files]
        files += [
            OutgoingFile(
                data=i.data,
                filename=f"image-{n + 1}.{i.content_type.split('/')[-1]}",
                content_type=i.content_type,
                content_id=i.content_id,
            )
            for n, i in enumerate(images)
        ]
        return ReplyDraft(
            ticket_id=self.ticket_id,
            body_html=html,
            to=self.to.addresses(),
            cc=self.cc.addresses(),
            bcc=self.bcc.addresses(),
            attachments=tuple(files),
            seen_message_uuid=self.seen_message_uuid,
            draft_opened_at=self.opened_at,
            send_anyway=send_anyway,
            replaces=self.replaces,
        )

    @property
    def wants_lease(self) -> bool:
        """A public reply is being written here: hold the ticket's reply lease."""
        return self.mode == REPLY and self.ticket_id is not None and not self.is_empty()

    def set_presence(self, beat: Beat) -> None:
        """A heartbeat's answer: our reply lease, or who holds it instead."""
        self.lease_epoch = beat.reply_epoch if self.wants_lease else None
        other = beat.presence.replying
        blocked = other if self.wants_lease and beat.reply_epoch is None else None
        if blocked != self.blocked_by:
            self.blocked_by = blocked
            if blocked is not None:
                self.show_message(self._blocked_text(blocked))
            else:
                self.message.hide()
        self._update_state()

    def _blocked_text(self, agent: str) -> str:
        return self.tr(
            "{agent} is replying to this ticket. Your text is kept as a draft; "
            "you can send it once they are done."
        ).format(agent=agent)

    async def _send_reply(self, ticket_id: uuid.UUID, send_anyway: bool) -> None:
        if self.lease_epoch is None:  # no heartbeat since the first edit: claim it now
            self.set_presence(
                await self._desk.write(beat, ticket_id, self._desk.holder, True, None)
            )
            if self.lease_epoch is None or ticket_id != self.ticket_id:
                return
        draft = replace(
            self.reply_draft(send_anyway),
            lease_holder=self._desk.holder,
            lease_epoch=self.lease_epoch,
        )
        try:
            result = await self._desk.write(queue_reply, draft, self._desk.actor)
        except CommandError:
            self.lease_epoch = None  # refused under a stale lease: the next send claims anew
            raise
        if isinstance(result, Held):
            await self._held(ticket_id, result)
            return
        assert isinstance(result, Queued)
        if draft.replaces is not None:
            self.saver.store.remove_files(draft.replaces)
        self._after_send(ticket_id)
        await self._announce(ticket_id, "queue_reply")
        self.queued.emit(result)

    async def _held(self, ticket_id: uuid.UUID, held: Held) -> None:
        dialog = CollisionDialog(held.new, self)
        self.held.emit(dialog)
        choice = await dialog.choice()
        dialog.deleteLater()
        if ticket_id != self.ticket_id:
            return
        if choice is Choice.SEND_ANYWAY:
            await self._send_reply(ticket_id, send_anyway=True)
        elif choice is Choice.DISCARD:
            self.discard()
        else:
            # The agent has seen the new messages now: the next send checks from here.
            self.seen_message_uuid = held.new[-1].message_uuid
            self.opened_at = _now()
            self.saver.touch()
            self.text.setFocus()

    def _after_send(self, ticket_id: uuid.UUID) -> None:
        if ticket_id != self.ticket_id:
            return
        self.lease_epoch = None  # queue_reply released it
        self._clear_content()
        self._default_recipients()
        self.saver.flush()  # empty: the draft file goes
        self.draft_state.setText(
            self.tr("Queued: the reply goes out with the next send")
            if self.mode == REPLY
            else self.tr("Note added")
        )

    async def _announce(self, ticket_id: uuid.UUID, command: str) -> None:
        """Tell every view (thread, list, counts) that the ticket changed."""
        row = await self._desk.read(queries.row, ticket_id)
        self._desk.notify(TicketChange(ticket_id, row, command))

    # --- messages -------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    # --- drops on the whole editor ------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and self.mode == REPLY:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.attach(paths)
            event.acceptProposedAction()

    # --- language -------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.reply_button.setText(self.tr("Public reply"))
        self.reply_button.setToolTip(self.tr("A mail to the customer"))
        self.note_button.setText(self.tr("Internal note"))
        self.note_button.setToolTip(self.tr("Only agents see notes; @name notifies a colleague"))
        self.note_label.setText(self.tr("Internal note: only agents see it"))
        self.public_label.setText(self.tr("The customer receives this reply"))
        self.to_label.setText(self.tr("To:"))
        self.cc_label.setText(self.tr("Cc:"))
        self.bcc_label.setText(self.tr("Bcc:"))
        self.cc_toggle.setText(self.tr("Cc/Bcc"))
        self.to.setPlaceholderText(self.tr("The customer"))
        headings = (self.tr("Paragraph"), self.tr("Heading 1"), self.tr("Heading 2"))
        for i, text in enumerate((*headings, self.tr("Heading 3"))):
            self.heading.setItemText(i, text)
        tips = {
            "bold": self.tr("Bold (Ctrl+B)"),
            "italic": self.tr("Italic (Ctrl+I)"),
            "underline": self.tr("Underline (Ctrl+U)"),
            "bullets": self.tr("Bulleted list"),
            "numbers": self.tr("Numbered list"),
            "quote": self.tr("Quote block"),
            "link": self.tr("Link (Ctrl+K)"),
            "image": self.tr("Insert image"),
            "quote_last": self.tr("Quote the customer's last message (Ctrl+Shift+Q)"),
            "attach": self.tr("Attach files (or drop them here)"),
            "send": self.tr("Send (Ctrl+Enter)"),
        }
        for key, tip in tips.items():
            self.actions_[key].setToolTip(tip)
        self.actions_["link"].setText(self.tr("Link"))
        self.actions_["image"].setText(self.tr("Image"))
        self.actions_["quote_last"].setText(self.tr("Quote message"))
        self.actions_["attach"].setText(self.tr("Attach…"))
        self.discard_button.setText(self.tr("Discard"))
        self.templates.retranslate()
        self._retranslate_mode()

    def _retranslate_mode(self) -> None:
        note = self.mode == NOTE
        self.send_button.setText(self.tr("Add note") if note else self.tr("Send reply"))
        self.send_button.setToolTip(self.tr("Ctrl+Enter"))
        self.text.setPlaceholderText(
            self.tr("A note for your colleagues; the customer never sees it. @name notifies.")
            if note
            else self.tr("Write your reply… (type :: and a name for a template)")
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def shutdown(self) -> None:
        if self.saver.pending:
            self.saver.flush()


def _mode_button(name: str) -> QToolButton:
    button = QToolButton()
    button.setObjectName(name)
    button.setCheckable(True)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


def _last_customer_item(page: TicketPage | None) -> ThreadItem | None:
    if page is None:
        return None
    for item in reversed(page.thread):
        if item.kind in (MessageKind.INBOUND_MAIL, MessageKind.WEB_FORM):
            return item
    return None
