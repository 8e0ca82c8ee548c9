"""Settings → Mailboxes: the IMAP mailboxes Desk fetches, their state, "test connection".

The work is desk_gui.sync.mail_in.admin's (the CLI uses the same functions); this
module only lays it out. Nothing here waits on the network or the database on the GUI
thread: writes go to the facade's writer thread, reads and connection tests to a small
pool of the dialog's own, so a server that does not answer never freezes the window.

Passwords go to the OS keyring. Where none exists (or it refuses), the dialog says so
and keeps the password in memory for this session only (RECIPES.md): never plaintext.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QCloseEvent, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desk_gui.models import views
from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.mailbox import Security
from desk_gui.models.store import Store
from desk_gui.sync.facade import Desk
from desk_gui.sync.mail_in import admin
from desk_gui.sync.mail_in.imap import DEFAULT_PORTS
from desk_gui.sync.secrets import SecretError, Secrets, mailbox_account

from . import labels
from .engine_runner import EngineRunner
from .tasks import Tasks

T = TypeVar("T")

NAME_ROLE = Qt.ItemDataRole.UserRole + 1


SECURITY = {
    Security.SSL: QT_TRANSLATE_NOOP("MailboxForm", "SSL/TLS"),
    Security.STARTTLS: QT_TRANSLATE_NOOP("MailboxForm", "STARTTLS"),
    Security.NONE: QT_TRANSLATE_NOOP("MailboxForm", "None (unencrypted)"),
}
# In running text and the list: no parentheses inside parentheses.
SECURITY_SHORT = {
    Security.SSL: QT_TRANSLATE_NOOP("MailboxSettingsDialog", "SSL/TLS"),
    Security.STARTTLS: QT_TRANSLATE_NOOP("MailboxSettingsDialog", "STARTTLS"),
    Security.NONE: QT_TRANSLATE_NOOP("MailboxSettingsDialog", "unencrypted"),
}


# --- the work, on the writer thread ------------------------------------------------------


def _keep_for_session(secrets: Secrets, name: str, password: str) -> None:
    # KeyringSecrets keeps a password it cannot store in memory, then says so.
    with contextlib.suppress(SecretError):
        secrets.set(mailbox_account(name, "imap"), password)


def add_mailbox(
    store: Store, secrets: Secrets, settings: admin.MailboxSettings, password: str
) -> bool:
    """Store a new mailbox; True when its password is kept for this session only."""
    if secrets.secure:
        try:
            admin.add_mailbox(store, secrets, settings, password)
            return False
        except admin.NoSecureKeyring:
            pass  # the keyring refused (locked): nothing was written, go on without it
    # No password in any store: this process holds it until it ends.
    admin.add_mailbox(store, secrets, settings, None, env_secret=True)
    _keep_for_session(secrets, settings.name, password)
    return True


def update_mailbox(
    store: Store, secrets: Secrets, settings: admin.MailboxSettings, password: str | None
) -> bool:
    """New settings (and, when given, a new password); True: password for this session."""
    admin.update_mailbox(store, settings)
    if not password:
        return False
    try:
        admin.set_password(store, secrets, settings.name, password)
        return False
    except admin.NoSecureKeyring:
        _keep_for_session(secrets, settings.name, password)
        return True


# --- the form ------------------------------------------------------------------------------


class MailboxForm(QDialog):
    """Add or edit one mailbox; the owner saves it and closes the form on success."""

    submitted = Signal()

    def __init__(
        self,
        groups: list[str],
        secure: bool,
        current: admin.MailboxInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mailboxForm")
        self.editing = current is not None
        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.host = QLineEdit()
        self.host.setObjectName("host")
        self.port = QSpinBox()
        self.port.setObjectName("port")
        self.port.setRange(0, 65535)
        self.security = QComboBox()
        self.security.setObjectName("security")
        for value in Security:
            self.security.addItem(QCoreApplication.translate("MailboxForm", SECURITY[value]), value)
        self.user = QLineEdit()
        self.user.setObjectName("user")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.keyring_note = QLabel()
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.setWordWrap(True)
        self.folder = QLineEdit("INBOX")
        self.folder.setObjectName("folder")
        self.processed = QLineEdit()
        self.processed.setObjectName("processedFolder")
        self.group = QComboBox()
        self.group.setObjectName("group")
        self.group.addItem(self.tr("(none)"), None)
        for name in groups:
            self.group.addItem(name, name)
        self.error = QLabel()
        self.error.setObjectName("formError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b71c1c;")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        self.security.currentIndexChanged.connect(self._security_changed)
        self._lay_out(secure)
        if current is not None:
            self._fill(current)
        self._security_changed()
        # An explicit minimum keeps the layout from imposing its own on every change.
        self.setMinimumSize(480, 370)

    def _lay_out(self, secure: bool) -> None:
        self.setWindowTitle(self.tr("Edit mailbox") if self.editing else self.tr("Add mailbox"))
        server = QHBoxLayout()
        server.addWidget(self.host, 1)
        server.addWidget(QLabel(self.tr("Port:")))
        server.addWidget(self.port)
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name)
        # A row holding a layout gets no buddy, and without one "&" shows as is.
        server_label = QLabel(self.tr("IMAP &server:"))
        server_label.setBuddy(self.host)
        form.addRow(server_label, server)
        form.addRow(self.tr("S&ecurity:"), self.security)
        form.addRow(self.tr("&User:"), self.user)
        form.addRow(self.tr("&Password:"), self.password)
        form.addRow("", self.keyring_note)
        form.addRow(self.tr("&Folder:"), self.folder)
        form.addRow(self.tr("Mo&ve processed mail to:"), self.processed)
        self.processed.setPlaceholderText(self.tr("empty: keep mail in the folder"))
        self.processed.setToolTip(
            self.tr(
                "Once Desk has filed a mail as a ticket, it moves the mail to this folder "
                "(created if needed), so the fetched folder does not keep growing."
            )
        )
        form.addRow(self.tr("&Group:"), self.group)
        self.host.setPlaceholderText(self.tr("imap.example.com"))
        self.name.setPlaceholderText(self.tr("e.g. support"))
        if self.editing:
            self.password.setPlaceholderText(self.tr("unchanged"))
        if secure:
            self.keyring_note.setText(self.tr("Kept in the system keyring, never in a file."))
            self.keyring_note.setStyleSheet("color: #546e7a;")
        else:
            self.keyring_note.setText(
                self.tr(
                    "No secure keyring on this system: the password is kept for this "
                    "session only and asked for again after a restart."
                )
            )
            self.keyring_note.setStyleSheet("color: #8a4b00;")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

    def _fill(self, info: admin.MailboxInfo) -> None:
        self.name.setText(info.name)
        self.name.setReadOnly(True)  # the keyring entry and the rules refer to it
        self.name.setToolTip(self.tr("A mailbox keeps its name; remove and add it to rename."))
        self.host.setText(info.imap_host or "")
        self.security.setCurrentIndex(self.security.findData(info.security))
        default = DEFAULT_PORTS[info.security]
        self.port.setValue(0 if info.imap_port in (None, default) else info.imap_port or 0)
        self.user.setText(info.user or "")
        self.folder.setText(info.folder)
        self.processed.setText(info.processed_folder or "")
        index = self.group.findData(info.group)
        self.group.setCurrentIndex(max(index, 0))

    def _security_changed(self) -> None:
        security: Security = self.security.currentData()
        self.port.setSpecialValueText(
            self.tr("Default ({port})").format(port=DEFAULT_PORTS[security])
        )

    def values(self) -> tuple[admin.MailboxSettings, str]:
        security: Security = self.security.currentData()
        settings = admin.MailboxSettings(
            name=self.name.text().strip(),
            imap_host=self.host.text().strip(),
            user=self.user.text().strip(),
            imap_port=self.port.value() or None,
            security=security,
            folder=self.folder.text().strip(),
            group=self.group.currentData(),
            processed_folder=self.processed.text().strip() or None,
        )
        return settings, self.password.text()

    def _submit(self) -> None:
        if not self.editing and not self.password.text():
            self.show_error(self.tr("A password is needed."))
            return
        self.show_error("")
        self.buttons.setEnabled(False)
        self.submitted.emit()

    def show_error(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(message)
        self.error.setVisible(bool(message))


# --- the dialog ------------------------------------------------------------------------------


class MailboxSettingsDialog(QDialog):
    """The mailbox list with add, edit, remove and "test connection"."""

    loaded = Signal()  # the list shows the stored mailboxes
    saved = Signal(str)  # a mailbox was added or changed (its name)
    removed = Signal(str)
    tested = Signal(str, bool)  # mailbox, success; the result is shown
    changed = Signal(list)  # names whose workers must start over (new settings)

    COLUMNS = (
        QT_TRANSLATE_NOOP("MailboxSettingsDialog", "Mailbox"),
        QT_TRANSLATE_NOOP("MailboxSettingsDialog", "Server"),
        QT_TRANSLATE_NOOP("MailboxSettingsDialog", "Group"),
        QT_TRANSLATE_NOOP("MailboxSettingsDialog", "Password"),
        QT_TRANSLATE_NOOP("MailboxSettingsDialog", "Ingested"),
        QT_TRANSLATE_NOOP("MailboxSettingsDialog", "Last success"),
        QT_TRANSLATE_NOOP("MailboxSettingsDialog", "Last error"),
    )

    def __init__(self, desk: Desk, secrets: Secrets, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mailboxSettings")
        self.desk = desk
        self.secrets = secrets
        self.tasks = Tasks(self)
        self.tasks.failed.connect(self._task_failed)
        # Reads and connection tests: off the GUI thread, and not on the facade's
        # reader pool (a test may wait 15 s for a server that does not answer).
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="mailbox-settings")
        self.infos: dict[str, admin.MailboxInfo] = {}
        self.groups: list[str] = []
        self.form: MailboxForm | None = None
        self.session_only: set[str] = set()
        self._removing: str | None = None
        self._result_for: str | None = None  # the mailbox the panel speaks about
        self._closed = False
        self._build()
        self.setWindowTitle(self.tr("Mailboxes"))
        # An explicit minimum keeps the layout from imposing its own on every change.
        self.setMinimumSize(720, 420)
        self.resize(900, 420)
        self.reload()

    # --- layout -----------------------------------------------------------------------

    def _build(self) -> None:
        intro = QLabel(
            self.tr(
                "Desk fetches new mail from these IMAP mailboxes and files every message "
                "as a ticket or into its thread."
            )
        )
        intro.setWordWrap(True)
        self.keyring_banner = QLabel(
            self.tr(
                "<b>No secure keyring on this system.</b> Passwords you enter are kept for "
                "this session only and asked for again after a restart; Desk never writes "
                "them to a file. For a headless service, see <i>desk-gui mailbox add "
                "--env-secret</i>."
            )
        )
        self.keyring_banner.setObjectName("keyringWarning")
        self.keyring_banner.setWordWrap(True)
        self.keyring_banner.setStyleSheet(
            "QLabel#keyringWarning { background: #fff4e5; border: 1px solid #f0c36d;"
            " border-radius: 4px; padding: 6px 8px; color: #5d4037; }"
        )
        self.keyring_banner.setVisible(not self.secrets.secure)
        self.list = QTreeWidget()
        self.list.setObjectName("mailboxList")
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAlternatingRowColors(True)
        self.list.setColumnCount(len(self.COLUMNS))
        self.list.setHeaderLabels([self.tr(c) for c in self.COLUMNS])
        header = self.list.header()
        header.setStretchLastSection(True)
        for column, width in enumerate((90, 230, 100, 115, 70, 130)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.list.currentItemChanged.connect(self._selection_changed)
        self.list.itemDoubleClicked.connect(lambda *_: self.edit())
        self.add_button = QPushButton(self.tr("&Add…"))
        self.add_button.setObjectName("addMailbox")
        self.edit_button = QPushButton(self.tr("&Edit…"))
        self.edit_button.setObjectName("editMailbox")
        self.remove_button = QPushButton(self.tr("&Remove…"))
        self.remove_button.setObjectName("removeMailbox")
        self.test_button = QPushButton(self.tr("&Test connection"))
        self.test_button.setObjectName("testConnection")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.remove_button.clicked.connect(self.remove)
        self.test_button.clicked.connect(self.test)
        row = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.test_button)
        self.confirm_bar = QFrame()
        self.confirm_bar.setObjectName("confirmRemove")
        self.confirm_bar.setStyleSheet(
            "QFrame#confirmRemove { background: #fdecea; border: 1px solid #f5c2c0;"
            " border-radius: 4px; }"
        )
        self.confirm_text = QLabel()
        self.confirm_text.setWordWrap(True)
        self.confirm_yes = QPushButton(self.tr("Remove"))
        self.confirm_yes.setObjectName("confirmYes")
        self.confirm_no = QPushButton(self.tr("Keep"))
        self.confirm_no.setObjectName("confirmNo")
        self.confirm_yes.clicked.connect(self._confirmed)
        self.confirm_no.clicked.connect(self._declined)
        confirm_layout = QHBoxLayout(self.confirm_bar)
        confirm_layout.addWidget(self.confirm_text, 1)
        confirm_layout.addWidget(self.confirm_yes)
        confirm_layout.addWidget(self.confirm_no)
        self.confirm_bar.hide()
        self.result_label = QLabel()
        self.result_label.setObjectName("testResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_frame = QFrame()
        self.result_frame.setObjectName("testResultFrame")
        self.result_frame.setFrameShape(QFrame.Shape.StyledPanel)
        frame_layout = QVBoxLayout(self.result_frame)
        frame_layout.addWidget(self.result_label)
        self.result_frame.hide()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.keyring_banner)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(self.confirm_bar)
        layout.addWidget(self.result_frame)
        layout.addWidget(close)
        self._selection_changed()

    def follow(self, runner: EngineRunner) -> None:
        """Keep the state columns current while the engine works."""
        runner.failed.connect(self.reload)
        runner.recovered.connect(self.reload)
        runner.ticketsArrived.connect(self.reload)

    # --- off the GUI thread -----------------------------------------------------------

    async def _off(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.wrap_future(self._pool.submit(fn, *args))

    # --- the list ---------------------------------------------------------------------

    def reload(self, *_args: object) -> None:
        if not self._closed:
            self.tasks.spawn(self._load())

    async def _load(self) -> None:
        infos = await self._off(admin.list_mailboxes, self.desk.store, self.secrets)
        directory = await self.desk.read(views.directory)
        self.groups = [g.name for g in directory.groups]
        current = self.current_name()
        self.infos = {i.name: i for i in infos}
        self.list.clear()
        for info in infos:
            item = QTreeWidgetItem(self._columns(info))
            item.setData(0, NAME_ROLE, info.name)
            item.setToolTip(6, labels.reason(info.last_error))
            tip = self.tr("User: {user}\nFolder: {folder}").format(
                user=info.user or "—", folder=info.folder
            )
            if info.processed_folder:
                tip += "\n" + self.tr("Processed mail moved to: {folder}").format(
                    folder=info.processed_folder
                )
            item.setToolTip(1, tip)
            if info.last_error and _after(info.last_error_at, info.last_success_at):
                item.setForeground(6, Qt.GlobalColor.darkRed)
            if info.password == "missing":
                item.setForeground(3, Qt.GlobalColor.darkRed)
            self.list.addTopLevelItem(item)
            if info.name == current:
                self.list.setCurrentItem(item)
        first = self.list.topLevelItem(0)
        if self.list.currentItem() is None and first is not None:
            self.list.setCurrentItem(first)
        self._selection_changed()
        self.loaded.emit()

    def _columns(self, info: admin.MailboxInfo) -> list[str]:
        security = self.tr(SECURITY_SHORT[info.security])
        server = f"{info.imap_host}:{info.imap_port}, {security}"
        return [
            info.name,
            server,
            info.group or "—",
            self._password_text(info),
            str(info.ingested),
            labels.format_when(info.last_success_at) if info.last_success_at else "—",
            _first_line(labels.reason(info.last_error)) if info.last_error else "—",
        ]

    def _password_text(self, info: admin.MailboxInfo) -> str:
        if info.password == "environment":
            return self.tr("Environment")
        if info.password == "missing":
            return self.tr("Missing")
        if info.name in self.session_only or not self.secrets.secure:
            return self.tr("This session only")
        return self.tr("Keyring")

    def current_name(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(0, NAME_ROLE)) if item is not None else None

    def select(self, name: str) -> bool:
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item is not None and item.data(0, NAME_ROLE) == name:
                self.list.setCurrentItem(item)
                return True
        return False

    def _selection_changed(self, *_args: object) -> None:
        name = self.current_name()
        for button in (self.edit_button, self.remove_button, self.test_button):
            button.setEnabled(name is not None)
        if name != self._result_for:
            self._show_state(name)

    def _show_state(self, name: str | None) -> None:
        """Under the list: the selected mailbox's current error, in full (the column
        is too narrow for it), else nothing."""
        info = self.infos.get(name) if name is not None else None
        if info is None or not info.last_error:
            self.result_frame.hide()
            self._result_for = None
            return
        if not _after(info.last_error_at, info.last_success_at):
            self.result_frame.hide()
            self._result_for = None
            return
        when = labels.format_when(info.last_error_at) if info.last_error_at else ""
        text = self.tr("“{name}”: not fetching since {when}. {reason}").format(
            name=html.escape(info.name),
            when=when,
            reason=html.escape(labels.reason(info.last_error)),
        )
        self._show_result(False, text, info.name)

    # --- add and edit -----------------------------------------------------------------

    def add(self) -> None:
        self._open_form(None)

    def edit(self) -> None:
        name = self.current_name()
        if name is not None and name in self.infos:
            self._open_form(self.infos[name])

    def _open_form(self, current: admin.MailboxInfo | None) -> None:
        form = MailboxForm(self.groups, self.secrets.secure, current, self)
        form.submitted.connect(lambda: self.tasks.spawn(self._save(form)))
        form.finished.connect(form.deleteLater)
        self.form = form
        form.open()  # window-modal without a nested event loop (qasync)

    async def _save(self, form: MailboxForm) -> None:
        settings, password = form.values()
        try:
            if form.editing:
                session = await self.desk.write(
                    update_mailbox, self.secrets, settings, password or None
                )
            else:
                session = await self.desk.write(add_mailbox, self.secrets, settings, password)
        except admin.AdminError as error:
            form.show_error(labels.reason(error.reason))
            return
        if session:
            self.session_only.add(settings.name)
        form.accept()
        self.form = None
        await self._load()
        self.select(settings.name)
        self.saved.emit(settings.name)
        self.changed.emit([settings.name])
        await self._test(settings.name)  # at once: did the settings work?

    # --- remove -----------------------------------------------------------------------

    def remove(self) -> None:
        """Ask in place (a bar above the result, no pop-up), then remove on "Remove"."""
        name = self.current_name()
        if name is None:
            return
        info = self.infos.get(name)
        text = self.tr("Remove the mailbox “{name}”? Its tickets stay.").format(
            name=html.escape(name)
        )
        if info is not None and info.ingested:
            text += " " + self.tr(
                "%n mail(s) were fetched from it. Desk remembers them, so adding the "
                "mailbox again later never makes a ticket twice.",
                "",
                info.ingested,
            )
        self._removing = name
        self.confirm_text.setText(text)
        self.confirm_bar.show()
        self.confirm_no.setFocus()

    def _confirmed(self) -> None:
        name, self._removing = self._removing, None
        self.confirm_bar.hide()
        if name is not None:
            self.tasks.spawn(self._remove(name))

    def _declined(self) -> None:
        self._removing = None
        self.confirm_bar.hide()

    async def _remove(self, name: str) -> None:
        try:
            await self.desk.write(admin.remove_mailbox, self.secrets, name, force=True)
        except admin.AdminError as error:
            self._show_result(
                False,
                self.tr("Not removed: {reason}").format(reason=labels.reason(error.reason)),
            )
            return
        self.session_only.discard(name)
        self._result_for = None
        self.result_frame.hide()
        await self._load()
        self.removed.emit(name)
        self.changed.emit([name])

    # --- test connection --------------------------------------------------------------

    def test(self) -> None:
        name = self.current_name()
        if name is not None:
            self.tasks.spawn(self._test(name))

    async def _test(self, name: str) -> None:
        self.test_button.setEnabled(False)
        self._show_result(
            None, self.tr("Connecting to “{name}”…").format(name=html.escape(name)), name
        )
        try:
            check = await self._off(admin.check_connection, self.desk.store, self.secrets, name)
        except admin.AdminError as error:
            self._show_result(
                False,
                self.tr("“{name}”: connection failed. {reason}").format(
                    name=html.escape(name), reason=html.escape(labels.reason(error.reason))
                ),
                name,
            )
            self.tested.emit(name, False)
            return
        finally:
            self.test_button.setEnabled(self.current_name() is not None)
        # Connected, but mail that cannot be moved as set up is a problem to fix too.
        ok = check.processed is None or check.processed.ok
        self._show_result(ok, self._describe(name, check), name)
        self.tested.emit(name, ok)

    def _describe(self, name: str, check: admin.ConnectionCheck) -> str:
        security = self.tr(SECURITY_SHORT[check.security])
        offered = [c for c, yes in check.capabilities.items() if yes]
        missing = [c for c, yes in check.capabilities.items() if not yes]
        lines = [
            self.tr("“{name}”: connected to {host}:{port} ({security}) as {user}.").format(
                name=html.escape(name),
                host=html.escape(check.host),
                port=check.port,
                security=security,
                user=html.escape(check.user),
            ),
            self.tr("Folder {folder}: %n message(s).", "", check.messages).format(
                folder=html.escape(check.folder)
            ),
            self.tr("Server offers: {offered}.").format(offered=", ".join(offered) or "—"),
        ]
        if "IDLE" in missing:
            lines.append(self.tr("Without IDLE, new mail is polled every minute."))
        elif missing:
            lines.append(self.tr("Not offered: {missing}.").format(missing=", ".join(missing)))
        if check.processed is not None:
            lines.append(self._describe_processed(check.processed, check.folder))
        return "<br>".join(lines)

    def _describe_processed(self, moving: admin.ProcessedCheck, fetched: str) -> str:
        folder = html.escape(moving.folder)
        if not (moving.existed or moving.created):
            return self.tr(
                "The folder {folder} for processed mail cannot be created: {error}"
            ).format(folder=folder, error=html.escape(moving.error or ""))
        if moving.method is None:
            return self.tr(
                "The server can move no mail (neither MOVE nor UIDPLUS): processed mail "
                "stays in {folder}."
            ).format(folder=html.escape(fetched))
        text = self.tr("Processed mail is moved to {folder}.").format(folder=folder)
        if moving.created:
            text += " " + self.tr("The folder was created.")
        return text

    def _show_result(self, ok: bool | None, text: str, name: str | None = None) -> None:
        self._result_for = name
        color = {True: "#1b5e20", False: "#b71c1c", None: "#37474f"}[ok]
        mark = {True: "✔ ", False: "✖ ", None: ""}[ok]
        self.result_label.setText(f'<span style="color:{color}">{mark}{text}</span>')
        self.result_frame.show()

    def result_text(self) -> str:
        """The shown result as plain text (tests, accessibility)."""
        plain = QTextDocument()
        plain.setHtml(self.result_label.text())
        return plain.toPlainText()

    def _task_failed(self, message: str) -> None:
        self._show_result(False, html.escape(message))

    # --- closing ----------------------------------------------------------------------

    def done(self, result: int) -> None:
        self._closed = True
        self.tasks.cancel_all()
        self._pool.shutdown(wait=False, cancel_futures=True)
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.tasks.cancel_all()
        super().closeEvent(event)


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


def _after(a: datetime | None, b: datetime | None) -> bool:
    """Is `a` later than `b` (None: never)?"""
    if a is None:
        return False
    return b is None or a > b
