"""The demo's text modules, the agents' signatures and a department layout.

A support team opening the demo finds the reply editor's template picker, File →
Templates and every agent's signature filled, in German and English, with the
placeholders of `template.KNOWN_PLACEHOLDERS` (rendered by the reply editor like any
agent's own templates). Templates run through SaveTemplate's checks (name, language,
known placeholders) without being queued for replication: like the demo's parties
they are seed data, not commands someone made on this node. Signatures and layouts have
no command (the settings dialog writes the two columns), so they are set as columns.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import demo_texts as tx
from .commands import SYSTEM, Context
from .party import Agent, Group
from .reply_commands import SaveTemplate

DESK_NAME = "Service Desk Musterstadt"
DESK_STREET = "Rathausplatz 1 · 12345 Musterstadt"
DESK_PHONE = "0800 123 45 67"  # the number the demo's agents sign their mails with
LAYOUT_GROUP = "1st-Level-Support"  # the department writing to citizens most


@dataclass(frozen=True)
class DemoTemplate:
    name: str  # `::name` in the editor; one name, a variant per language
    language: str
    body_html: str
    subject: str | None = None


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


TEMPLATES: tuple[DemoTemplate, ...] = (
    DemoTemplate(
        "anrede",
        "de",
        _p(
            "Guten Tag {{contact.name}},",
            "vielen Dank für Ihre Nachricht zu „{{ticket.subject}}“. Mein Name ist "
            "{{agent.name}}, ich kümmere mich um Ihr Anliegen (Vorgangsnummer "
            "{{ticket.number}}).",
        ),
    ),
    DemoTemplate(
        "anrede",
        "en",
        _p(
            "Hello {{contact.first_name}},",
            "thank you for your message about “{{ticket.subject}}”. My name is "
            "{{agent.name}} and I will take care of your request (case number "
            "{{ticket.number}}).",
        ),
    ),
    DemoTemplate(
        "gruss",
        "de",
        _p(
            "Bei Rückfragen antworten Sie einfach auf diese E-Mail – so landet Ihre Nachricht "
            "direkt bei Vorgang {{ticket.number}}.",
            "Mit freundlichen Grüßen",
        ),
    ),
    DemoTemplate(
        "gruss",
        "en",
        _p(
            "If you have any questions, simply reply to this e-mail: your message goes straight "
            "to case {{ticket.number}}.",
            "Kind regards",
        ),
    ),
    DemoTemplate(
        "rueckfrage",
        "de",
        _p(
            "Guten Tag {{contact.name}},",
            "damit wir Ihr Anliegen abschließend bearbeiten können, benötigen wir noch einige "
            "Angaben von Ihnen:",
        )
        + "<ul><li>Ihre Kunden- oder Aktenzeichen aus früheren Schreiben</li>"
        "<li>eine Telefonnummer, unter der wir Sie tagsüber erreichen</li>"
        "<li>falls vorhanden: Fotos, Screenshots oder die genaue Fehlermeldung</li></ul>"
        + _p(
            "Antworten Sie dazu bitte einfach auf diese E-Mail. Bis Ihre Antwort da ist, "
            "ruht der Vorgang {{ticket.number}}.",
            "Mit freundlichen Grüßen",
        ),
    ),
    DemoTemplate(
        "rueckfrage",
        "en",
        _p(
            "Hello {{contact.first_name}},",
            "to complete your request we still need some information from you:",
        )
        + "<ul><li>your customer or reference number from earlier letters</li>"
        "<li>a phone number where we can reach you during the day</li>"
        "<li>if you have them: photos, screenshots or the exact error message</li></ul>"
        + _p(
            "Simply reply to this e-mail. Case {{ticket.number}} is on hold until we hear "
            "from you.",
            "Kind regards",
        ),
    ),
    DemoTemplate(
        "passwort-zurueckgesetzt",
        "de",
        _p(
            "Guten Tag {{contact.name}},",
            "wir haben Ihr Passwort wie gewünscht zurückgesetzt. Das vorläufige Passwort "
            "erhalten Sie aus Sicherheitsgründen getrennt per SMS – niemals per E-Mail.",
            "Bitte melden Sie sich innerhalb von 24 Stunden an und vergeben Sie ein neues "
            "Passwort mit mindestens 12 Zeichen. Ihr Konto ist wieder entsperrt.",
            "Mit freundlichen Grüßen",
        ),
    ),
    DemoTemplate(
        "passwort-zurueckgesetzt",
        "en",
        _p(
            "Hello {{contact.first_name}},",
            "we have reset your password as requested. For your security the temporary "
            "password reaches you separately by text message – never by e-mail.",
            "Please sign in within 24 hours and choose a new password of at least 12 "
            "characters. Your account is unlocked again.",
            "Kind regards",
        ),
    ),
    DemoTemplate(
        "sperrmuell-termin",
        "de",
        _p(
            "Guten Tag {{contact.name}},",
            "Ihr Termin zur Sperrmüllabholung ist bestätigt: <b>[Datum eintragen]</b>. Bitte "
            "stellen Sie die angemeldeten Gegenstände am Abholtag bis 6 Uhr gut sichtbar an "
            "die Straße, ohne Gehweg oder Einfahrten zu versperren.",
            "Elektrogroßgeräte holen wir am selben Tag separat ab. Bauschutt, Farben und "
            "Autoreifen gehören nicht zum Sperrmüll; sie nimmt der Wertstoffhof an.",
            "Müssen Sie den Termin verschieben, antworten Sie bitte spätestens zwei Werktage "
            "vorher auf diese E-Mail.",
            "Mit freundlichen Grüßen",
        ),
        subject="Ihr Sperrmülltermin ist bestätigt (Vorgang {{ticket.number}})",
    ),
    DemoTemplate(
        "sperrmuell-termin",
        "en",
        _p(
            "Hello {{contact.first_name}},",
            "your bulky waste collection is confirmed: <b>[enter date]</b>. Please put the "
            "items you registered out on the street by 6 a.m. on the day, where they can be "
            "seen and without blocking the pavement or driveways.",
            "Large electrical appliances are collected separately on the same day. Rubble, "
            "paint and tyres are not bulky waste; the recycling centre takes them.",
            "If you need to move the date, please reply to this e-mail at least two working "
            "days before.",
            "Kind regards",
        ),
        subject="Your bulky waste collection is confirmed (case {{ticket.number}})",
    ),
    DemoTemplate(
        "rechnung-korrigiert",
        "de",
        _p(
            "Guten Tag {{contact.name}},",
            "Sie haben recht: Die Rechnung war fehlerhaft. Wir haben sie storniert und Ihnen "
            "eine korrigierte Rechnung erstellt, die Sie im Anhang finden. Die ursprüngliche "
            "Rechnung ist damit gegenstandslos.",
            "Haben Sie den ursprünglichen Betrag bereits überwiesen, erstatten wir Ihnen die "
            "Differenz innerhalb von zehn Werktagen auf das Konto, von dem die Zahlung kam.",
            "Bitte entschuldigen Sie das Versehen.",
            "Mit freundlichen Grüßen",
        ),
        subject="Korrigierte Rechnung zu Vorgang {{ticket.number}}",
    ),
    DemoTemplate(
        "rechnung-korrigiert",
        "en",
        _p(
            "Hello {{contact.first_name}},",
            "you are right: the invoice was wrong. We have cancelled it and issued a corrected "
            "invoice, which you find attached. The original invoice no longer applies.",
            "If you already paid the original amount, we refund the difference within ten "
            "working days to the account the payment came from.",
            "We apologise for the mistake.",
            "Kind regards",
        ),
        subject="Corrected invoice for case {{ticket.number}}",
    ),
    DemoTemplate(
        "fernwartung",
        "de",
        _p(
            "Guten Tag {{contact.name}},",
            "um den Fehler genauer zu untersuchen, möchten wir uns per Fernwartung auf das "
            "betroffene Gerät schalten. Das dauert etwa 30 Minuten; Sie sehen jederzeit, was "
            "wir tun, und können die Sitzung beenden.",
            "Bitte nennen Sie uns zwei Zeitfenster, die Ihnen passen, und die Telefonnummer "
            "für die Sitzungsnummer. Ihr Ansprechpartner im Team {{group.name}} ist "
            "{{agent.name}}.",
            "Mit freundlichen Grüßen",
        ),
    ),
    DemoTemplate(
        "fernwartung",
        "en",
        _p(
            "Hello {{contact.first_name}},",
            "to look into the fault more closely we would like to connect to the device by "
            "remote support. It takes about 30 minutes; you see everything we do and can end "
            "the session at any time.",
            "Please suggest two time slots that suit you and a phone number for the session "
            "code. Your contact in the {{group.name}} team is {{agent.name}}.",
            "Kind regards",
        ),
    ),
)


def signature_html(name: str, groups: tuple[str, ...], lead: bool) -> str:
    """Name, team and the desk's contact lines (the closing words are the template's:
    one signature serves every language)."""
    team = f"Teamleitung {groups[0]}" if lead else " · ".join(groups)
    return (
        f"<p><b>{name}</b><br>{team}</p>"
        f"<p>{DESK_NAME}<br>{DESK_STREET}<br>"
        f"Tel. {DESK_PHONE} · {tx.DESK_ADDRESS}</p>"
    )


# The department's corporate design around every reply (`{{content}}`): tables and
# inline styles, as mail clients ignore style sheets.
LAYOUT_HTML = (
    '<!DOCTYPE html>\n<html>\n<head><meta charset="utf-8"></head>\n'
    '<body style="margin:0;background:#eef2f5;font-family:Arial,Helvetica,sans-serif;'
    'color:#1d2b36">\n'
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0">\n'
    '<tr><td align="center" style="padding:24px 12px">\n'
    '  <table role="presentation" width="640" cellpadding="0" cellspacing="0"\n'
    '         style="max-width:640px;background:#ffffff">\n'
    "    <!-- header: the desk's name, the department and the case -->\n"
    '    <tr><td style="background:#00507d;color:#ffffff;padding:18px 28px;'
    'font-size:20px;font-weight:bold">\n'
    f"      {DESK_NAME}<br>\n"
    '      <span style="font-size:13px;font-weight:normal;color:#cfe3f0">'
    "{{group.name}} · Vorgang {{ticket.number}}</span>\n"
    "    </td></tr>\n"
    "    <!-- the reply and the agent's signature -->\n"
    '    <tr><td style="padding:24px 28px;font-size:15px;line-height:1.5">\n'
    "      {{content}}\n"
    "    </td></tr>\n"
    "    <!-- footer -->\n"
    '    <tr><td style="padding:16px 28px;border-top:1px solid #dde4ea;font-size:12px;'
    'color:#5f6b7a">\n'
    "      Bitte antworten Sie direkt auf diese E-Mail, damit Ihre Nachricht bei Vorgang\n"
    "      {{ticket.number}} bleibt. / Please reply to this e-mail to keep your message\n"
    "      with case {{ticket.number}}.<br><br>\n"
    f"      {DESK_NAME} · {DESK_STREET}<br>\n"
    f"      Tel. {DESK_PHONE} · {tx.DESK_ADDRESS}<br>\n"
    "      Servicezeiten / Office hours: Mo–Fr 8–12 und 13–17 Uhr\n"
    "    </td></tr>\n"
    "  </table>\n"
    "</td></tr>\n"
    "</table>\n"
    "</body>\n</html>\n"
)


def write_replies(
    session: Session, hlc: str, now: datetime, new_id: Callable[[], uuid.UUID]
) -> None:
    """Templates, a signature for every demo agent, the layout of LAYOUT_GROUP."""
    for t in TEMPLATES:
        cmd = SaveTemplate(
            template_name=t.name,
            language=t.language,
            subject=t.subject,
            body_html=t.body_html,
            template_id=new_id(),
        )
        # The command's checks and row, not its outbox entry (see the module's doc).
        cmd.apply(Context(session, SYSTEM, hlc, now, cmd.name))
    agents = {a.login: a for a in session.scalars(select(Agent))}
    for login, name, _role, groups, lead in tx.AGENTS:
        agent = agents[login]
        agent.signature_html, agent.hlc = signature_html(name, groups, lead), hlc
    group = session.scalars(select(Group).where(Group.name == LAYOUT_GROUP)).one()
    group.layout_html, group.hlc = LAYOUT_HTML, hlc
    session.flush()
