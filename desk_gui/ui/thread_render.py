"""A ticket's thread as HTML for a QTextBrowser: each kind of entry looks different.

Inbound mail, outbound mail, internal notes (yellow, like a sticky note), phone calls,
web forms and system events each get their own colour stripe, background, symbol and
label, so an agent never mistakes a note for something the customer saw. Plain text is
escaped here; HTML bodies were sanitized when the mail came in.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QLocale

from desk_gui.models import CallOutcome, MessageKind
from desk_gui.models.views import ThreadItem, TicketPage

from . import labels


@dataclass(frozen=True)
class KindStyle:
    accent: str  # the stripe on the left
    background: str
    symbol: str
    ink: str  # the label's colour: the accent, darkened where it is too light to read


STYLES = {
    MessageKind.INBOUND_MAIL: KindStyle("#1565c0", "#f4f8fd", "✉", "#1565c0"),
    MessageKind.OUTBOUND_MAIL: KindStyle("#2e7d32", "#f2f9f2", "➦", "#2e7d32"),
    MessageKind.NOTE: KindStyle("#e0a800", "#fff6cc", "✎", "#8a6100"),
    MessageKind.CALL: KindStyle("#6a1b9a", "#f6effa", "☎", "#6a1b9a"),
    MessageKind.WEB_FORM: KindStyle("#00838f", "#eef8f9", "◈", "#00838f"),
    MessageKind.SYSTEM: KindStyle("#9e9e9e", "#f5f5f5", "⚙", "#616161"),
}


def render_thread(page: TicketPage) -> str:
    if not page.thread:
        empty = html.escape(QCoreApplication.translate("ThreadRender", "No messages yet."))
        return f"<p style='color:#757575'>{empty}</p>"
    return "".join(render_item(item) for item in page.thread)


def render_item(item: ThreadItem) -> str:
    style = STYLES[item.kind]
    kind = html.escape(labels.label(labels.KIND, item.kind))
    if item.kind is MessageKind.CALL and item.call_outcome is not None:
        outcome = labels.label(labels.CALL_OUTCOME, item.call_outcome)
        kind += " · " + html.escape(outcome)
    who = html.escape(_author(item))
    when = html.escape(labels.format_when(item.created_at))
    lines = [
        f"<span style='color:{style.ink}; font-weight:bold'>{style.symbol}&nbsp;{kind}</span>"
        f"&nbsp;&nbsp;<b>{who}</b>&nbsp;&nbsp;<span style='color:#757575'>{when}</span>"
    ]
    addresses = _addresses(item)
    if addresses:
        lines.append(f"<span style='color:#616161'>{addresses}</span>")
    if item.subject and item.kind in (MessageKind.INBOUND_MAIL, MessageKind.OUTBOUND_MAIL):
        label = html.escape(QCoreApplication.translate("ThreadRender", "Subject:"))
        lines.append(f"<span style='color:#616161'>{label} {html.escape(item.subject)}</span>")
    header = "<br/>".join(lines)
    body = _body(item)
    if item.kind is MessageKind.SYSTEM:
        body = f"<i style='color:#616161'>{body}</i>"
    attachments = _attachments(item)
    return (
        "<table width='100%' cellspacing='0' cellpadding='0' style='margin-bottom:10px'>"
        f"<tr><td width='5' bgcolor='{style.accent}'></td>"
        f"<td bgcolor='{style.background}' style='padding:8px 12px 8px 12px'>"
        f"<p style='margin:0'>{header}</p>"
        f"<div style='margin-top:6px'>{body}</div>{attachments}"
        "</td></tr></table>"
    )


def _author(item: ThreadItem) -> str:
    if item.author:
        return item.author
    if item.from_addr:
        return item.from_addr
    return (
        QCoreApplication.translate("ThreadRender", "System")
        if item.kind is MessageKind.SYSTEM
        else "—"
    )


def _addresses(item: ThreadItem) -> str:
    parts = []
    if item.to_addrs:
        parts.append(
            html.escape(
                QCoreApplication.translate("ThreadRender", "To: {addresses}").format(
                    addresses=", ".join(item.to_addrs)
                )
            )
        )
    if item.cc_addrs:
        parts.append(
            html.escape(
                QCoreApplication.translate("ThreadRender", "Cc: {addresses}").format(
                    addresses=", ".join(item.cc_addrs)
                )
            )
        )
    if item.author and item.from_addr and item.kind is not MessageKind.INBOUND_MAIL:
        parts.insert(
            0,
            html.escape(
                QCoreApplication.translate("ThreadRender", "From: {address}").format(
                    address=item.from_addr
                )
            ),
        )
    return " · ".join(parts)


def _body(item: ThreadItem) -> str:
    if item.body_html:
        return item.body_html  # sanitized on the way in (nh3); never remote content
    text = item.body_text.strip()
    if not text:
        if item.kind is MessageKind.CALL and item.call_outcome is CallOutcome.NOT_REACHED:
            return html.escape(QCoreApplication.translate("ThreadRender", "Nobody answered."))
        return ""
    return f"<div style='white-space:pre-wrap'>{html.escape(text)}</div>"


def _attachments(item: ThreadItem) -> str:
    if not item.attachments:
        return ""
    locale = QLocale()
    names = ", ".join(
        f"{html.escape(a.filename)} ({html.escape(locale.formattedDataSize(a.size))})"
        for a in item.attachments
    )
    label = html.escape(QCoreApplication.translate("ThreadRender", "Attachments:"))
    return f"<p style='margin-top:6px; color:#616161'>{label} {names}</p>"
