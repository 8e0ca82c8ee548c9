"""Placeholders, templates, signatures and layouts: rendering without running any code.

A placeholder is a dotted name in double braces (`{{contact.first_name}}`) replaced by
a value from a fixed table; nothing in a template is ever evaluated, and values are
HTML-escaped before they land in HTML. `{{content}}` in a department's layout marks
where the reply goes.
"""

from __future__ import annotations

import html as htmllib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desk_gui.models.mailbox import Mailbox
from desk_gui.models.party import Agent, Group
from desk_gui.models.template import PLACEHOLDER, Template, TemplateKind
from desk_gui.models.ticket import Ticket

CONTENT = "{{content}}"
DEFAULT_TZ = "Europe/Berlin"
FALLBACK_LANGUAGES = ("en", "de")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DOCUMENT = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n<body>\n{content}\n</body></html>'
)


def render(text: str, values: Mapping[str, str], *, html: bool) -> str:
    """Fill in the placeholders; unknown ones stay visible so the writer notices."""

    def value(m: object) -> str:
        assert hasattr(m, "group")
        name = m.group(1)
        if name not in values:
            return str(m.group(0))
        return htmllib.escape(values[name], quote=True) if html else values[name]

    return PLACEHOLDER.sub(value, text)


def first_name(name: str | None) -> str:
    parts = (name or "").split()
    return parts[0] if parts else ""


def last_name(name: str | None) -> str:
    parts = (name or "").split()
    return parts[-1] if len(parts) > 1 else ""


def format_time(at: datetime | None, language: str, tz: str = DEFAULT_TZ) -> str:
    if at is None:
        return ""
    local = at.astimezone(ZoneInfo(tz))
    if language.startswith("de"):
        return local.strftime("%d.%m.%Y, %H:%M Uhr")
    # Not %b: inside the app Qt sets the C library's locale to the system's, and an
    # English mail would get "Dez" on a German desktop.
    month = _MONTHS[local.month - 1]
    return f"{local.day:02d} {month} {local.year}, {local:%H:%M} ({local.tzname()})"


def values_for(
    session: Session,
    ticket: Ticket,
    agent: Agent | None = None,
    mailbox: Mailbox | None = None,
    language: str = "de",
    sla_due: datetime | None = None,
    tz: str = DEFAULT_TZ,
) -> dict[str, str]:
    """Every placeholder's value for one ticket, agent and language.

    `sla_due` comes from the caller (the SLA engine owns due times).
    """
    contact = ticket.contact
    group = session.get(Group, ticket.group_id) if ticket.group_id else None
    return {
        "contact.name": contact.name if contact else "",
        "contact.first_name": first_name(contact.name if contact else None),
        "contact.last_name": last_name(contact.name if contact else None),
        "contact.email": (contact.primary_address or "") if contact else "",
        "ticket.number": str(ticket.number) if ticket.number is not None else ticket.label,
        "ticket.subject": ticket.subject,
        "ticket.sla_due": format_time(sla_due, language, tz),
        "agent.name": agent.name if agent else "",
        "agent.first_name": first_name(agent.name if agent else None),
        "agent.email": (agent.email or "") if agent else "",
        "group.name": group.name if group else "",
        "mailbox.name": mailbox.name if mailbox else "",
    }


def find_template(
    session: Session,
    name: str,
    language: str,
    mailbox_id: uuid.UUID | None = None,
    kind: TemplateKind | None = None,
) -> Template | None:
    """The best variant: this mailbox's, then the global one; this language, then the
    fallbacks (English, German), then any."""
    query = select(Template).where(func.lower(Template.name) == name.lower())
    if kind is not None:
        query = query.where(Template.kind == kind)
    variants = list(session.scalars(query))
    order = [language.lower(), *FALLBACK_LANGUAGES]

    def rank(t: Template) -> tuple[int, int, str]:
        box = 0 if mailbox_id is not None and t.mailbox_id == mailbox_id else 1
        if t.mailbox_id is not None and t.mailbox_id != mailbox_id:
            box = 2  # another mailbox's variant: only if nothing else exists
        lang = order.index(t.language) if t.language in order else len(order)
        return box, lang, t.language

    variants = [v for v in variants if rank(v)[0] < 2]
    return min(variants, key=rank) if variants else None


def list_templates(
    session: Session, prefix: str = "", kind: TemplateKind | None = TemplateKind.TEXT
) -> list[Template]:
    """For the picker and `::name` completion: names starting with the prefix."""
    query = select(Template).order_by(Template.name, Template.language)
    if prefix:
        query = query.where(func.lower(Template.name).startswith(prefix.lower()))
    if kind is not None:
        query = query.where(Template.kind == kind)
    return list(session.scalars(query))


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    body_html: str


def render_template(template: Template, values: Mapping[str, str]) -> Rendered:
    subject = render(template.subject, values, html=False) if template.subject else None
    return Rendered(subject, render(template.body_html, values, html=True))


def with_signature(content_html: str, signature_html: str | None, values: Mapping[str, str]) -> str:
    if not signature_html or not signature_html.strip():
        return content_html
    signature = render(signature_html, values, html=True)
    return f'{content_html}\n<div class="signature">{signature}</div>'


def in_layout(layout_html: str | None, content_html: str, values: Mapping[str, str]) -> str:
    """The whole HTML document: the department's layout around the content."""
    if not layout_html or not layout_html.strip():
        return _DOCUMENT.format(content=content_html)
    layout = render(layout_html, values, html=True)
    if CONTENT in layout:
        return layout.replace(CONTENT, content_html, 1)
    end = layout.lower().rfind("</body>")
    if end >= 0:
        return layout[:end] + content_html + layout[end:]
    return layout + content_html
