"""Templates in the reply editor: a picker button and `::name` completion.

The list of names is read once per editor and refreshed when the picker opens; the
chosen template is rendered on a reader thread for this ticket (contact, agent,
mailbox, group) in the contact's language, falling back to English, then German
(`find_template`), and inserted where the agent is writing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QRect, QStringListModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QMenu, QToolButton, QWidget
from sqlalchemy.orm import Session

from desk_gui.models.commands import CommandError
from desk_gui.models.party import Agent
from desk_gui.models.reply_commands import sending_mailbox
from desk_gui.models.template import TemplateKind
from desk_gui.models.ticket import Ticket
from desk_gui.sync.mail_out import templates

from .rich_text import RichTextEdit


@dataclass(frozen=True)
class TemplateName:
    name: str
    languages: tuple[str, ...]
    subject: str | None


@dataclass(frozen=True)
class RenderedTemplate:
    name: str
    language: str
    subject: str | None
    body_html: str


def template_names(session: Session) -> list[TemplateName]:
    """Text modules by name, with the languages each exists in (runs on a reader)."""
    by_name: dict[str, TemplateName] = {}
    for t in templates.list_templates(session):
        known = by_name.get(t.name)
        languages = (*known.languages, t.language) if known else (t.language,)
        by_name[t.name] = TemplateName(t.name, languages, known.subject if known else t.subject)
    return list(by_name.values())


def render_for_ticket(
    session: Session, name: str, ticket_id: uuid.UUID, agent_id: uuid.UUID | None
) -> RenderedTemplate | None:
    """The template's variant for the ticket's contact, placeholders filled in."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return None
    language = ticket.contact.language if ticket.contact else "de"
    try:
        mailbox = sending_mailbox(session, ticket)
    except CommandError:
        mailbox = None  # no sending mailbox yet: {{mailbox.name}} stays empty
    found = templates.find_template(
        session,
        name,
        language,
        mailbox.id if mailbox else None,
        kind=TemplateKind.TEXT,
    )
    if found is None:
        return None
    agent = session.get(Agent, agent_id) if agent_id else None
    values = templates.values_for(session, ticket, agent, mailbox, found.language)
    rendered = templates.render_template(found, values)
    return RenderedTemplate(found.name, found.language, rendered.subject, rendered.body_html)


class TemplateButton(QToolButton):
    """A button with a menu of the templates; choosing one emits its name."""

    chosen = Signal(str)
    opening = Signal()  # the menu is about to show: a chance to refresh the names

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("templateButton")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.menu_ = QMenu(self)
        self.menu_.setObjectName("templateMenu")
        self.menu_.aboutToShow.connect(self.opening.emit)
        self.setMenu(self.menu_)
        self.names: list[TemplateName] = []
        self.set_names([])
        self.retranslate()

    def set_names(self, names: list[TemplateName]) -> None:
        self.names = names
        self.menu_.clear()
        if not names:
            empty = self.menu_.addAction(
                QCoreApplication.translate(
                    "TemplatePicker", "No templates yet (File → Templates and signature…)"
                )
            )
            empty.setEnabled(False)
            return
        for t in names:
            text = f"{t.name}  ({', '.join(t.languages)})"
            action = QAction(text, self.menu_)
            action.setData(t.name)
            if t.subject:
                action.setToolTip(t.subject)
            action.triggered.connect(lambda _=False, n=t.name: self.chosen.emit(n))
            self.menu_.addAction(action)

    def retranslate(self) -> None:
        self.setText(QCoreApplication.translate("TemplatePicker", "Templates"))
        self.setToolTip(
            QCoreApplication.translate(
                "TemplatePicker", "Insert a template (or type :: and its name)"
            )
        )
        self.set_names(self.names)


class TemplateCompleter(QCompleter):
    """The popup for `::name` in the text: names starting with what was typed."""

    picked = Signal(str)

    def __init__(self, edit: RichTextEdit) -> None:
        super().__init__(edit)
        self._model = QStringListModel(self)
        self.setModel(self._model)
        self.setWidget(edit)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        popup = self.popup()
        assert popup is not None
        self.list: QAbstractItemView = popup
        popup.setObjectName("templatePopup")
        self.activated.connect(self._activated)
        edit.completer = self
        edit.templateQuery.connect(self.query)
        edit.templateQueryEnded.connect(popup.hide)
        self._edit = edit

    def set_names(self, names: list[TemplateName]) -> None:
        self._model.setStringList([t.name for t in names])

    def query(self, prefix: str, rect: QRect) -> None:
        if not self._model.stringList():
            return
        self.setCompletionPrefix(prefix)
        if self.completionCount() == 0:
            self.list.hide()
            return
        self.list.setCurrentIndex(self.completionModel().index(0, 0))
        rect.setWidth(self.list.sizeHintForColumn(0) + 24)
        self.complete(rect)

    def _activated(self, text: str) -> None:
        self.list.hide()
        self.picked.emit(text)
