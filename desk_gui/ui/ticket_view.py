"""One ticket on one page: header, thread, history, properties.

The page is read in one background job (views.ticket_page) and re-read whenever the
facade reports a change to this ticket, whoever made it; so a command from the
properties panel shows up in the thread and history by the same path as a change
from elsewhere.
"""

from __future__ import annotations

import html
import logging
import uuid
from datetime import timedelta

import shiboken6
from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import InterfaceError, OperationalError

from desk_gui.models import views
from desk_gui.models.views import Directory, TicketPage
from desk_gui.sync.facade import Desk, TicketChange
from desk_gui.sync.presence import HEARTBEAT, Presence, beat, leave_store

from . import labels
from .drafts import DraftStore
from .outbox_panel import OutboxPanel, OutboxRow, outbox_rows, render_thread_with_states
from .properties_panel import PropertiesPanel
from .reply_editor import ReplyEditor
from .sla_panel import SlaPanel
from .tasks import Tasks

log = logging.getLogger(__name__)

WAITING_BEAT = timedelta(seconds=5)  # the heartbeat while another agent holds the reply


class ThreadBrowser(QTextBrowser):
    """Shows mail without ever fetching anything: no remote images, no local files."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thread")
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._open_link)

    def loadResource(self, _type: int, _name: QUrl | str) -> object:
        return None  # tracking pixels and file:// paths stay unloaded

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)


class Banner(QFrame):
    """An inline, dismissable message above the ticket (a refused command, say)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("×")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.text, 1)
        layout.addWidget(close)
        self.hide()

    def show_message(self, message: str) -> None:
        self.text.setText(message)
        self.show()


class TicketView(QStackedWidget):
    loaded = Signal(object)  # the TicketPage just shown
    refused = Signal(str)

    def __init__(
        self,
        desk: Desk,
        tasks: Tasks,
        parent: QWidget | None = None,
        drafts: DraftStore | None = None,
    ) -> None:
        super().__init__(parent)
        self._desk = desk
        self._tasks = tasks
        self._ticket_id: uuid.UUID | None = None
        self._page: TicketPage | None = None
        self._outbox: tuple[OutboxRow, ...] = ()
        self._generation = 0

        self.empty = QLabel()
        self.empty.setObjectName("emptyTicket")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.header = QLabel()
        self.header.setObjectName("ticketHeader")
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sla = SlaPanel(desk, tasks)
        # Who else has this ticket open or is answering it (sync/presence.py).
        self.presence = QLabel()
        self.presence.setObjectName("presence")
        self.presence.setWordWrap(True)
        self.presence.hide()
        self._presence: Presence | None = None
        self.banner = Banner()
        self.conversation = ThreadBrowser()
        self.history = QTreeWidget()
        self.history.setObjectName("history")
        self.history.setRootIsDecorated(False)
        self.history.setAlternatingRowColors(True)
        self.history.setColumnCount(5)
        self.history.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.header().setStretchLastSection(True)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # The thread above, the failed-mail bars and the reply editor below it.
        self.editor = ReplyEditor(desk, tasks, drafts)
        self.outbox = OutboxPanel(desk, tasks)
        self.outbox.statesChanged.connect(self.reload)
        self.outbox.editRequested.connect(self.editor.edit_failed)
        self.outbox.refused.connect(self._refused)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.setSpacing(0)
        lower_layout.addWidget(self.outbox)
        lower_layout.addWidget(self.editor, 1)
        self.reply_split = QSplitter(Qt.Orientation.Vertical)
        self.reply_split.setObjectName("replySplitter")
        self.reply_split.setChildrenCollapsible(False)
        self.reply_split.addWidget(self.conversation)
        self.reply_split.addWidget(lower)
        self.reply_split.setStretchFactor(0, 3)
        self.reply_split.setStretchFactor(1, 2)
        self.tabs.addTab(self.reply_split, "")
        self.tabs.addTab(self.history, "")
        self.properties = PropertiesPanel(desk, tasks)
        self.properties.refused.connect(self._refused)
        self.properties.commandDone.connect(self.banner.hide)

        body = QSplitter(Qt.Orientation.Horizontal)
        body.setChildrenCollapsible(False)
        body.addWidget(self.tabs)
        body.addWidget(self.properties)
        body.setStretchFactor(0, 1)
        body.setStretchFactor(1, 0)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.header)
        layout.addWidget(self.sla)
        layout.addWidget(self.presence)
        layout.addWidget(self.banner)
        layout.addWidget(body, 1)
        self.addWidget(self.empty)
        self.addWidget(page)
        self._unsubscribe = desk.subscribe(self._on_change)
        self.heartbeat = QTimer(self)
        self.heartbeat.setInterval(int(HEARTBEAT.total_seconds() * 1000))
        self.heartbeat.timeout.connect(self.beat)
        self.editor.replyStarted.connect(self.beat)
        self.editor.restored.connect(self.beat)
        self.editor.discarded.connect(self.beat)
        self.editor.queued.connect(self.beat)
        self._left: uuid.UUID | None = None  # the ticket shown before: the beat leaves it
        self._shut = False
        self.retranslate()

    # --- which ticket -----------------------------------------------------------------

    @property
    def ticket_id(self) -> uuid.UUID | None:
        return self._ticket_id

    @property
    def page(self) -> TicketPage | None:
        return self._page

    def set_directory(self, directory: Directory) -> None:
        self.properties.set_directory(directory)

    def show_ticket(self, ticket_id: uuid.UUID | None) -> None:
        if ticket_id != self._ticket_id:
            self.banner.hide()
            self._left = self._left or self._ticket_id
            self._set_presence(None)
        self._ticket_id = ticket_id
        if ticket_id is None:
            self.clear()
            return
        self.reload()
        self.beat()
        self.heartbeat.start()

    def clear(self) -> None:
        self._generation += 1
        self.heartbeat.stop()
        left = self._left or self._ticket_id
        if left is not None:  # nobody sees this desktop on it any more
            self._tasks.spawn(self._desk.housekeeping(leave_store, left, self._desk.holder))
        self._left = None
        self._set_presence(None)
        self._ticket_id = None
        self._page = None
        self.properties.show_page(None)
        self.sla.show_ticket(None)
        self.editor.show_page(None)
        self.outbox.set_rows(None, ())
        self.setCurrentIndex(0)

    def reload(self) -> None:
        if self._ticket_id is None:
            return
        self._generation += 1
        self._tasks.spawn(self._load(self._generation, self._ticket_id))

    async def _load(self, generation: int, ticket_id: uuid.UUID) -> None:
        page = await self._desk.read(views.ticket_page, ticket_id)
        self._outbox = await self._desk.read(outbox_rows, ticket_id)
        if generation != self._generation:
            return
        if page is None:
            self.clear()
            return
        self._show(page)
        self.sla.show_ticket(page.id)

    # --- presence -----------------------------------------------------------------------

    def beat(self) -> None:
        """Tell the others this desktop has the ticket open (and is replying, if so)."""
        if self._ticket_id is not None:
            left, self._left = self._left, None
            self._tasks.spawn(self._beat(self._ticket_id, left))

    async def _beat(self, ticket_id: uuid.UUID, left: uuid.UUID | None) -> None:
        # Right after a switch the editor still holds the previous ticket's draft.
        replying = self.editor.wants_lease and self.editor.ticket_id == ticket_id
        try:
            found = await self._desk.housekeeping(
                beat, ticket_id, self._desk.holder, replying, left
            )
        except (OperationalError, InterfaceError) as error:
            # The shared database is out of reach: presence is a hint, the send checks.
            log.warning("presence heartbeat failed: %s", error)
            return
        if self._shut or ticket_id != self._ticket_id:
            return  # the agent moved on, or the window closed, meanwhile
        self._set_presence(found.presence)
        if self.editor.ticket_id == ticket_id:
            self.editor.set_presence(found)
        # An agent waiting for a colleague's reply gets the ticket back within seconds.
        every = WAITING_BEAT if self.editor.blocked_by is not None else HEARTBEAT
        self.heartbeat.setInterval(int(every.total_seconds() * 1000))

    def _set_presence(self, found: Presence | None) -> None:
        self._presence = found
        parts = []
        if found is not None and found.replying:
            parts.append(self.tr("{agent} is replying to this ticket").format(agent=found.replying))
        if found is not None and found.viewing:
            parts.append(self.tr("Also open at: {agents}").format(agents=", ".join(found.viewing)))
        self.presence.setText(" · ".join(parts))
        self.presence.setVisible(bool(parts))

    def _on_change(self, change: TicketChange) -> None:
        if change.ticket_id == self._ticket_id:
            self.reload()

    def _refused(self, message: str) -> None:
        self.banner.show_message(self.tr("Not saved: {reason}").format(reason=message))
        self.refused.emit(message)

    # --- rendering --------------------------------------------------------------------

    def _show(self, page: TicketPage) -> None:
        keep_scroll = self._page is not None and self._page.id == page.id
        scroll = self.conversation.verticalScrollBar().value()
        self._page = page
        self.header.setText(self._header_html(page))
        self.conversation.setHtml(render_thread_with_states(page, self._outbox))
        self.outbox.set_rows(page.id, self._outbox)
        self.editor.show_page(page)
        bar = self.conversation.verticalScrollBar()
        # A re-read of the same ticket keeps the reader's place; a new ticket opens at
        # its newest entry, once the document is laid out (hence the deferred call).
        # With the browser as context the call is dropped if the view is gone by then.
        QTimer.singleShot(
            0,
            self.conversation,
            lambda: bar.setValue(scroll if keep_scroll else bar.maximum()),
        )
        self._fill_history(page)
        self._title_tabs(page)
        self.properties.show_page(page)
        self.setCurrentIndex(1)
        self.loaded.emit(page)

    def _header_html(self, page: TicketPage) -> str:
        title = f"{html.escape(page.label)}&nbsp;&nbsp;{html.escape(page.subject)}"
        who = []
        if page.contact:
            contact = html.escape(page.contact)
            if page.contact_address:
                contact += f" &lt;{html.escape(page.contact_address)}&gt;"
            who.append(contact)
        if page.organization:
            who.append(html.escape(page.organization))
        if page.contract_level is not None:
            color = labels.CONTRACT_COLOR[page.contract_level]
            level = html.escape(labels.label(labels.CONTRACT, page.contract_level))
            who.append(
                f"<span style='background-color:{color}; color:white; font-weight:bold'>"
                f"&nbsp;{level}&nbsp;</span>"
            )
        status_color = labels.STATUS_COLOR[page.status]
        facts = [
            f"<span style='color:{status_color}; font-weight:bold'>"
            f"{html.escape(labels.status_label(page.status))}</span>",
            html.escape(
                self.tr("Priority: {priority}").format(
                    priority=labels.label(labels.PRIORITY, page.priority)
                )
            ),
            html.escape(labels.label(labels.TICKET_TYPE, page.type)),
            html.escape(labels.label(labels.CHANNEL, page.channel)),
            html.escape(self.tr("created {when}").format(when=labels.format_when(page.created_at))),
        ]
        if page.category:
            facts.insert(3, html.escape(page.category))
        no_contact = html.escape(self.tr("No contact"))
        return (
            f"<div style='font-size:14pt; font-weight:bold'>{title}</div>"
            f"<div>{' · '.join(who) or no_contact}</div>"
            f"<div style='color:#616161'>{' · '.join(facts)}</div>"
        )

    def _fill_history(self, page: TicketPage) -> None:
        self.history.clear()
        items = []
        for h in reversed(page.history):  # newest first
            field = labels.tr(labels.FIELD[h.field]) if h.field in labels.FIELD else h.field
            items.append(
                QTreeWidgetItem(
                    [
                        labels.format_when(h.at),
                        h.actor,
                        field,
                        labels.history_value(h.field, h.old),
                        labels.history_value(h.field, h.new),
                    ]
                )
            )
        self.history.addTopLevelItems(items)

    def _title_tabs(self, page: TicketPage | None) -> None:
        entries = len(page.thread) if page else 0
        changes = len(page.history) if page else 0
        self.tabs.setTabText(0, self.tr("Conversation ({n})").format(n=entries))
        self.tabs.setTabText(1, self.tr("History ({n})").format(n=changes))

    def retranslate(self) -> None:
        self.empty.setText(self.tr("Choose a ticket from the list."))
        self.history.setHeaderLabels(
            [self.tr("When"), self.tr("Who"), self.tr("Field"), self.tr("Old"), self.tr("New")]
        )
        self._title_tabs(self._page)
        self._set_presence(self._presence)
        if self._page is not None:
            self._show(self._page)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def shutdown(self) -> None:
        # The leases are left to expire (60-90 s): releasing them here would wait for
        # the shared database while the window closes.
        self._shut = True
        if shiboken6.isValid(self.heartbeat):  # the view may be deleted already
            self.heartbeat.stop()
        self._generation += 1
        self._unsubscribe()
        self.sla.shutdown()
        self.editor.shutdown()
        self.outbox.shutdown()
