"""Settings for what replies look like: text modules, the agent's signature and each
department's HTML layout (corporate design).

Templates are saved with the SaveTemplate / RemoveTemplate commands (the same rules as
`desk-gui template add`: known placeholders only, one variant per language). The
signature and the layouts are single columns of an agent and a group; they are written
on the facade's writer thread with a fresh clock value, like any replicated row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from desk_gui.models.commands import CommandError
from desk_gui.models.i18n import QT_TRANSLATE_NOOP
from desk_gui.models.party import Agent, Group
from desk_gui.models.reply_commands import RemoveTemplate, SaveTemplate
from desk_gui.models.store import Store
from desk_gui.models.template import KNOWN_PLACEHOLDERS, Template, TemplateKind
from desk_gui.sync.facade import Desk
from desk_gui.sync.mime import sanitize_html

from . import labels
from .rich_text import RichTextEdit, document_html
from .tasks import Tasks

LANGUAGES = ("de", "en")
DATA = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class TemplateRow:
    id: uuid.UUID
    name: str
    language: str
    kind: TemplateKind
    subject: str | None
    body_html: str


@dataclass(frozen=True)
class LookSettings:
    templates: tuple[TemplateRow, ...]
    signature_html: str
    layouts: tuple[tuple[uuid.UUID, str, str], ...]  # group id, name, layout


def look_settings(session: Session, agent_id: uuid.UUID | None) -> LookSettings:
    rows = session.scalars(
        select(Template)
        .where(Template.mailbox_id.is_(None))
        .order_by(Template.name, Template.language)
    )
    agent = session.get(Agent, agent_id) if agent_id else None
    groups = session.scalars(select(Group).order_by(Group.name))
    return LookSettings(
        tuple(TemplateRow(t.id, t.name, t.language, t.kind, t.subject, t.body_html) for t in rows),
        (agent.signature_html or "") if agent else "",
        tuple((g.id, g.name, g.layout_html or "") for g in groups),
    )


def save_signature(store: Store, agent_id: uuid.UUID, html: str) -> None:
    with store.write() as s:
        agent = s.get(Agent, agent_id)
        if agent is None:
            raise CommandError(QT_TRANSLATE_NOOP("CommandError", "that agent no longer exists"))
        agent.signature_html = html or None
        agent.hlc = store.clock.now()


def save_layout(store: Store, group_id: uuid.UUID, html: str) -> None:
    with store.write() as s:
        group = s.get(Group, group_id)
        if group is None:
            raise CommandError(QT_TRANSLATE_NOOP("CommandError", "that group no longer exists"))
        group.layout_html = html or None
        group.hlc = store.clock.now()


def editor_html(edit: RichTextEdit) -> str:
    """The WYSIWYG text as clean HTML; an empty editor gives an empty string."""
    if edit.document().isEmpty():
        return ""
    return sanitize_html(document_html(edit), allow_remote_images=True)


class TemplateSettings(QDialog):
    """A dialog with three pages: templates, my signature, department layouts."""

    saved = Signal(str)  # what was saved ("template", "signature", "layout")
    loaded = Signal()

    def __init__(self, desk: Desk, tasks: Tasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templateSettings")
        self._desk = desk
        self._tasks = tasks
        self.settings: LookSettings | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self._templates_page(), "")
        self.tabs.addTab(self._signature_page(), "")
        self.tabs.addTab(self._layout_page(), "")
        self.message = QLabel()
        self.message.setObjectName("settingsMessage")
        self.message.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.setMinimumSize(820, 560)
        self.retranslate()
        self.reload()

    # --- pages ----------------------------------------------------------------------------

    def _templates_page(self) -> QWidget:
        self.list = QListWidget()
        self.list.setObjectName("templateList")
        self.list.currentItemChanged.connect(self._template_chosen)
        self.name = QLineEdit()
        self.name.setObjectName("templateName")
        self.language = QComboBox()
        self.language.setObjectName("templateLanguage")
        self.language.setEditable(True)
        self.language.addItems(LANGUAGES)
        self.kind = QComboBox()
        self.kind.setObjectName("templateKind")
        self.kind.addItem("", TemplateKind.TEXT.value)
        self.kind.addItem("", TemplateKind.ACK.value)
        self.subject = QLineEdit()
        self.subject.setObjectName("templateSubject")
        self.body = RichTextEdit()
        self.body.setObjectName("templateBody")
        self.placeholders = QComboBox()
        self.placeholders.setObjectName("placeholderCombo")
        self.placeholders.addItem("")
        for name in sorted(KNOWN_PLACEHOLDERS):
            self.placeholders.addItem("{{" + name + "}}")
        self.placeholders.activated.connect(self._insert_placeholder)
        self.new_button = QPushButton()
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveTemplate")
        self.remove_button = QPushButton()
        self.remove_button.setObjectName("removeTemplate")
        self.new_button.clicked.connect(self.new_template)
        self.save_button.clicked.connect(self.save_template)
        self.remove_button.clicked.connect(self.remove_template)
        self.form = QFormLayout()
        self.name_label, self.language_label = QLabel(), QLabel()
        self.kind_label, self.subject_label = QLabel(), QLabel()
        self.form.addRow(self.name_label, self.name)
        self.form.addRow(self.language_label, self.language)
        self.form.addRow(self.kind_label, self.kind)
        self.form.addRow(self.subject_label, self.subject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.placeholders)
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.save_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(self.form)
        right_layout.addWidget(self.body, 1)
        right_layout.addLayout(buttons)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([220, 560])
        return split

    def _signature_page(self) -> QWidget:
        page = QWidget()
        self.signature_hint = QLabel()
        self.signature_hint.setWordWrap(True)
        self.signature = RichTextEdit()
        self.signature.setObjectName("signatureEdit")
        self.save_signature_button = QPushButton()
        self.save_signature_button.setObjectName("saveSignature")
        self.save_signature_button.clicked.connect(self.save_signature)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_signature_button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.signature_hint)
        layout.addWidget(self.signature, 1)
        layout.addLayout(row)
        return page

    def _layout_page(self) -> QWidget:
        page = QWidget()
        self.group = QComboBox()
        self.group.setObjectName("layoutGroup")
        self.group.activated.connect(self._group_chosen)
        self.layout_hint = QLabel()
        self.layout_hint.setWordWrap(True)
        self.layout_html = QPlainTextEdit()
        self.layout_html.setObjectName("layoutEdit")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)
        self.layout_html.setFont(mono)
        self.save_layout_button = QPushButton()
        self.save_layout_button.setObjectName("saveLayout")
        self.save_layout_button.clicked.connect(self.save_layout)
        self.group_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.group_label)
        top.addWidget(self.group, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_layout_button)
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.layout_hint)
        layout.addWidget(self.layout_html, 1)
        layout.addLayout(row)
        return page

    # --- loading --------------------------------------------------------------------------

    def reload(self) -> None:
        self._tasks.spawn(self._load())

    async def _load(self) -> None:
        settings = await self._desk.read(look_settings, self._desk.actor.agent_id)
        if not shiboken6.isValid(self.list):
            return  # the dialog was closed while the settings were read
        chosen = self._current_key()
        self.settings = settings
        self.list.clear()
        for t in settings.templates:
            item = QListWidgetItem(f"{t.name} ({t.language})")
            item.setData(DATA, t)
            self.list.addItem(item)
            if chosen == (t.name, t.language):
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.signature.setHtml(settings.signature_html)
        self.signature.setEnabled(self._desk.actor.agent_id is not None)
        group = self.group.currentData()
        self.group.clear()
        for gid, name, _layout in settings.layouts:
            self.group.addItem(name, str(gid))  # strings: findData compares by value
        index = self.group.findData(group)
        self.group.setCurrentIndex(max(0, index))
        self._group_chosen(self.group.currentIndex())
        self.loaded.emit()

    def _current_key(self) -> tuple[str, str] | None:
        item = self.list.currentItem()
        row = item.data(DATA) if item else None
        return (row.name, row.language) if isinstance(row, TemplateRow) else None

    def _template_chosen(self, item: QListWidgetItem | None, _old: object = None) -> None:
        row = item.data(DATA) if item else None
        if not isinstance(row, TemplateRow):
            return
        self.name.setText(row.name)
        self.language.setCurrentText(row.language)
        self.kind.setCurrentIndex(max(0, self.kind.findData(row.kind.value)))
        self.subject.setText(row.subject or "")
        self.body.setHtml(row.body_html)

    def _group_chosen(self, index: int) -> None:
        if self.settings is None or index < 0:
            self.layout_html.clear()
            return
        gid = self.group.itemData(index)
        layout = next((h for g, _n, h in self.settings.layouts if str(g) == gid), "")
        self.layout_html.setPlainText(layout)

    def _insert_placeholder(self, index: int) -> None:
        if index > 0:
            self.body.insertPlainText(self.placeholders.itemText(index))
            self.body.setFocus()
        self.placeholders.setCurrentIndex(0)

    # --- saving ---------------------------------------------------------------------------

    def new_template(self) -> None:
        self.list.setCurrentRow(-1)
        self.name.clear()
        self.subject.clear()
        self.body.clear()
        self.kind.setCurrentIndex(0)
        self.name.setFocus()

    def save_template(self) -> None:
        cmd = SaveTemplate(
            template_name=self.name.text().strip(),
            language=self.language.currentText().strip(),
            body_html=editor_html(self.body),
            subject=self.subject.text().strip() or None,
            kind=TemplateKind(self.kind.currentData()),
        )
        self._tasks.spawn(self._run(cmd, "template"))

    def remove_template(self) -> None:
        key = self._current_key()
        if key is not None:
            cmd = RemoveTemplate(template_name=key[0], language=key[1])
            self._tasks.spawn(self._run(cmd, "template"))

    async def _run(self, cmd: SaveTemplate | RemoveTemplate, what: str) -> None:
        try:
            await self._desk.run(cmd)
        except CommandError as error:
            reason = labels.refusal(error)
            self._after(
                lambda: self.show_message(self.tr("Not saved: {reason}").format(reason=reason))
            )
            return
        self._after(lambda: self._done(what))

    def _after(self, step: Callable[[], None]) -> None:
        # A background write may finish after the dialog was closed and deleted.
        if shiboken6.isValid(self.message):
            step()

    def save_signature(self) -> None:
        agent = self._desk.actor.agent_id
        if agent is not None:
            self._tasks.spawn(self._write(save_signature, agent, editor_html(self.signature)))

    def save_layout(self) -> None:
        gid = self.group.currentData()
        if gid:
            text = self.layout_html.toPlainText().strip()
            self._tasks.spawn(self._write(save_layout, uuid.UUID(gid), text, what="layout"))

    async def _write(
        self, fn: object, target: uuid.UUID, html: str, what: str = "signature"
    ) -> None:
        assert callable(fn)
        try:
            await self._desk.write(fn, target, html)
        except CommandError as error:
            reason = labels.refusal(error)
            self._after(
                lambda: self.show_message(self.tr("Not saved: {reason}").format(reason=reason))
            )
            return
        self._after(lambda: self._done(what))

    def _done(self, what: str) -> None:
        self.show_message(self.tr("Saved."))
        self.saved.emit(what)
        self.reload()

    def show_message(self, text: str) -> None:
        self.message.setText(text)

    # --- language -------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Templates, signature and layouts"))
        self.tabs.setTabText(0, self.tr("Templates"))
        self.tabs.setTabText(1, self.tr("My signature"))
        self.tabs.setTabText(2, self.tr("Department layouts"))
        self.name_label.setText(self.tr("Name:"))
        self.language_label.setText(self.tr("Language:"))
        self.kind_label.setText(self.tr("Kind:"))
        self.subject_label.setText(self.tr("Subject:"))
        self.kind.setItemText(0, self.tr("Text module (:: in the editor)"))
        self.kind.setItemText(1, self.tr("Automatic acknowledgement"))
        self.placeholders.setItemText(0, self.tr("Insert placeholder…"))
        self.new_button.setText(self.tr("New"))
        self.save_button.setText(self.tr("Save template"))
        self.remove_button.setText(self.tr("Delete"))
        self.signature_hint.setText(
            self.tr(
                "Added below every reply you send. Placeholders such as {{agent.name}} "
                "are filled in."
            )
        )
        self.save_signature_button.setText(self.tr("Save signature"))
        self.group_label.setText(self.tr("Department:"))
        self.layout_hint.setText(
            self.tr(
                "The HTML document around every mail of this department; {{content}} "
                "marks where the reply goes (else it goes before </body>)."
            )
        )
        self.save_layout_button.setText(self.tr("Save layout"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
