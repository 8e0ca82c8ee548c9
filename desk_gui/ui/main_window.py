"""The main window: lays out the panes and wires their signals, nothing more.

Navigation on the left; on the right the ticket list above the ticket view, split so
either can take more room. Actions come from actions.py; every pane loads its own
data through the facade.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QToolBar,
    QWidget,
)

from desk_gui.models import views
from desk_gui.models.commands import Actor
from desk_gui.models.views import Directory
from desk_gui.sync.facade import Desk
from desk_gui.sync.mail_out.notify_mail import follow_window_language
from desk_gui.sync.secrets import KeyringSecrets, Secrets

from . import i18n
from .absence_dialog import AbsenceDialog, leads_a_group
from .actions import Actions
from .drafts import DraftStore
from .engine_runner import EngineRunner
from .live_updates import LiveUpdates
from .mailbox_settings import MailboxSettingsDialog
from .navigation import Navigation, View
from .notifications import NotificationBell
from .search_box import SearchBox
from .settings_templates import TemplateSettings
from .sla_alerts import SlaAlerts
from .status_bar import MESSAGE_MS, StatusBar
from .sync_progress import SyncProgress
from .tasks import Tasks
from .ticket_list import TicketListView
from .ticket_list_model import Column, TicketListModel
from .ticket_view import TicketView
from .trigger_settings import TriggerSettings

AGENT_SETTING = "ui/agent"
VIEW_SETTING = "ui/view"


class MainWindow(QMainWindow):
    ready = Signal()  # the directory is loaded and a view chosen
    closed = Signal()

    def __init__(
        self,
        desk: Desk,
        settings: QSettings,
        translations: i18n.Translations | None = None,
        parent: QWidget | None = None,
        secrets: Secrets | None = None,
        drafts: DraftStore | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.settings = settings
        self.translations = translations
        self.directory = Directory((), ())
        self.view: View | None = None
        self.tasks = Tasks(self)
        self.model = TicketListModel(desk, self.tasks, self)
        self.list = TicketListView(self.model)
        self.navigation = Navigation(desk, self.tasks)
        self.ticket = TicketView(desk, self.tasks, drafts=drafts)
        self.bell = NotificationBell(desk, self.tasks)
        self.sla_alerts = SlaAlerts(desk, self.tasks, self.bell)
        self.search = SearchBox()
        self.status = StatusBar(desk.store)
        self.setStatusBar(self.status)
        # One secrets object for the engine and the settings: a password kept for this
        # session only (no secure keyring) must reach the mail workers.
        self.secrets = secrets if secrets is not None else KeyringSecrets()
        self.engine = EngineRunner(desk, self.secrets, self)
        self.live = LiveUpdates(desk, self.tasks, self)
        self.sync_progress = SyncProgress()
        self.status.insertPermanentWidget(0, self.sync_progress)
        self.action_table = Actions(self)
        self._lay_out()
        self._connect()
        icon = i18n.resources_dir() / "icons" / "desk.svg"
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
        # An explicit minimum keeps layouts from re-imposing theirs on every change
        # (which also spams "propagateSizeHints" warnings on the offscreen platform).
        self.setMinimumSize(960, 600)
        self.resize(1280, 800)
        self._restore_state()
        self._check_language()
        self.retranslate()
        self.tasks.spawn(self._load_directory())

    # --- composition ------------------------------------------------------------------

    def _lay_out(self) -> None:
        toolbar = QToolBar()
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.addAction(self.action_table["refresh"])
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.search)
        toolbar.addWidget(self.bell)
        self.addToolBar(toolbar)
        self.work = QSplitter(Qt.Orientation.Vertical)
        self.work.setObjectName("workSplitter")
        self.work.addWidget(self.list)
        self.work.addWidget(self.ticket)
        self.work.setSizes([300, 430])
        self.work.setChildrenCollapsible(False)
        self.outer = QSplitter(Qt.Orientation.Horizontal)
        self.outer.setObjectName("outerSplitter")
        self.outer.addWidget(self.navigation)
        self.outer.addWidget(self.work)
        self.outer.setStretchFactor(1, 1)
        self.outer.setSizes([220, 1060])
        self.setCentralWidget(self.outer)

    def _connect(self) -> None:
        self.navigation.viewChosen.connect(self._view_chosen)
        self.search.searchChanged.connect(self._search_changed)
        self.list.ticketChosen.connect(self.ticket.show_ticket)
        self.model.countChanged.connect(self.status.set_count)
        self.status.agentChosen.connect(self._agent_chosen)
        self.ticket.refused.connect(self._show_refusal)
        self.bell.ticketChosen.connect(self.ticket.show_ticket)
        self.ready.connect(self.bell.refresh)
        self.ready.connect(self.sla_alerts.refresh)
        self.engine.ticketsArrived.connect(self.sla_alerts.refresh)
        self.tasks.failed.connect(self._show_failure)
        self.sync_progress.follow(self.engine)
        self.sync_progress.openSettings.connect(self.open_mailboxes)
        self.engine.ticketsArrived.connect(self.list.refresh)
        # Colleagues' changes (shared PostgreSQL store): rows re-read as they commit; new
        # tickets through the same throttle as new mail.
        self.live.arrived.connect(self.engine.arrived_elsewhere)
        self.live.missed.connect(self._reread)
        self.ready.connect(self.live.start)
        self.engine.ticketsArrived.connect(self.navigation.refresh_counts)
        self.engine.clocksChanged.connect(self.model.refresh_due)
        self.engine.clocksChanged.connect(self.navigation.refresh_counts)
        self.ready.connect(self.engine.start)  # after the window shows; F5 reloads it
        self._unsubscribe_activity = self.desk.subscribe_activity(self.status.set_busy)

    # --- loading ----------------------------------------------------------------------

    async def _load_directory(self) -> None:
        directory = await self.desk.read(views.directory)
        self.directory = directory
        agent_id = self._saved_agent(directory)
        self._use_agent(agent_id)
        self.status.set_agents(directory, agent_id)
        self.ticket.set_directory(directory)
        self.navigation.set_directory(directory, agent_id)
        if self.navigation.current_view() is None:
            key = str(self.settings.value(VIEW_SETTING, "mine") or "mine")
            if not self.navigation.select(key):
                self.navigation.select("open")
        self.ready.emit()

    def _saved_agent(self, directory: Directory) -> uuid.UUID | None:
        saved = str(self.settings.value(AGENT_SETTING, "") or "")
        known = {str(a.id): a.id for a in directory.agents}
        if saved in known:
            return known[saved]
        return directory.agents[0].id if directory.agents else None

    def _use_agent(self, agent_id: uuid.UUID | None) -> None:
        agent = next((a for a in self.directory.agents if a.id == agent_id), None)
        if agent is not None:
            self.desk.actor = Actor(agent.name, agent.id)

    # --- reacting ---------------------------------------------------------------------

    def _view_chosen(self, view: View) -> None:
        self.view = view
        self.settings.setValue(VIEW_SETTING, view.key)
        order = Qt.SortOrder.AscendingOrder if view.ascending else Qt.SortOrder.DescendingOrder
        self.list.horizontalHeader().setSortIndicator(Column.CHANGED, order)
        self.ticket.clear()
        self.status.set_count(None)
        self.model.set_filter(view.filter.with_text(self.search.query))
        self._title()

    def _search_changed(self, text: str) -> None:
        if self.view is not None:
            self.status.set_count(None)
            self.model.set_filter(self.view.filter.with_text(text))

    def _agent_chosen(self, agent_id: uuid.UUID) -> None:
        self.settings.setValue(AGENT_SETTING, str(agent_id))
        self._use_agent(agent_id)
        self.navigation.set_agent(agent_id)
        self.bell.refresh()
        self.sla_alerts.refresh()

    def _show_refusal(self, message: str) -> None:
        self.status.showMessage(self.tr("Not saved: {reason}").format(reason=message), MESSAGE_MS)

    def _show_failure(self, message: str) -> None:
        self.status.showMessage(
            self.tr("Something went wrong: {error}").format(error=message), MESSAGE_MS
        )

    # --- action handlers (named in actions.py) ------------------------------------------

    def refresh(self) -> None:
        self.tasks.spawn(self._load_directory())  # its `ready` restarts the engine too
        self.list.refresh()
        self.navigation.refresh_counts()
        self.ticket.reload()

    def _reread(self) -> None:
        """Colleagues' changes may have been missed (the live feed reconnected): read
        again what the window shows, without F5's reload of directory and engine."""
        self.list.refresh()
        self.navigation.refresh_counts()
        self.ticket.reload()
        self.bell.refresh()
        self.sla_alerts.refresh()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def open_mailboxes(self) -> None:
        dialog = MailboxSettingsDialog(self.desk, self.secrets, self)
        dialog.follow(self.engine)
        dialog.changed.connect(self.engine.reload)
        dialog.finished.connect(dialog.deleteLater)
        self.mailboxes = dialog
        dialog.open()  # window-modal without a nested event loop (qasync)

    def edit_templates(self) -> None:
        dialog = TemplateSettings(self.desk, self.tasks, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def edit_absence(self) -> None:
        self.tasks.spawn(self._open_absence())

    async def _open_absence(self) -> None:
        me = self.desk.actor.agent_id
        is_lead = me is not None and await self.desk.read(leads_a_group, me)
        dialog = AbsenceDialog(self.desk, self.tasks, self.directory, is_lead, self)
        dialog.finished.connect(dialog.deleteLater)
        self.absence = dialog
        dialog.open()

    def edit_triggers(self) -> None:
        dialog = TriggerSettings(self.desk, self.tasks, self.directory, self)
        dialog.finished.connect(dialog.deleteLater)
        self.triggers = dialog
        dialog.open()

    def choose_language(self, language: str) -> None:
        """Switch live and remember it; an empty language follows the system.

        A language picked by name is the signed-in agent's choice for the mails Desk
        writes them too (notifications; `desk-gui agent set --language` does the same).
        """
        self.settings.setValue(i18n.SETTING, language)
        if self.translations is not None:
            self.translations.apply(language or i18n.system_language())
        self._check_language()
        me = self.desk.actor.agent_id
        if language and me is not None:
            self.tasks.spawn(self.desk.write(follow_window_language, me, language))

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Desk"),
            self.tr("Desk: a desktop service desk with a local-first store."),
        )

    # --- language and state ---------------------------------------------------------------

    def _check_language(self) -> None:
        chosen = str(self.settings.value(i18n.SETTING, "") or "")
        key = {"de": "lang_de", "en": "lang_en"}.get(chosen, "lang_system")
        self.action_table[key].setChecked(True)

    def retranslate(self) -> None:
        self.action_table.retranslate()
        self.model.retranslate()
        self._title()

    def _title(self) -> None:
        if self.view is None:
            self.setWindowTitle(self.tr("Desk"))
        else:
            title = self.navigation.title(self.view)
            self.setWindowTitle(self.tr("{view} — Desk").format(view=title))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _restore_state(self) -> None:
        for key, splitter in (("ui/outer", self.outer), ("ui/work", self.work)):
            state = self.settings.value(key)
            if isinstance(state, QByteArray):
                splitter.restoreState(state)
        geometry = self.settings.value("ui/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("ui/geometry", self.saveGeometry())
        self.settings.setValue("ui/outer", self.outer.saveState())
        self.settings.setValue("ui/work", self.work.saveState())
        self.shutdown()
        super().closeEvent(event)
        self.closed.emit()

    def shutdown(self) -> None:
        """Stop listening and cancel background work (the desk itself is the caller's)."""
        self._unsubscribe_activity()
        self.model.shutdown()
        self.navigation.shutdown()
        self.ticket.shutdown()
        self.engine.stop()
        self.live.shutdown()
        self.sla_alerts.shutdown()
        self.bell.shutdown()
        self.tasks.cancel_all()
