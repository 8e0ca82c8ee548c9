"""Quoted history in plain-text and HTML replies."""

from __future__ import annotations

import pytest

from desk_gui.sync.mime import (
    Address,
    find_forwarded_sender,
    sanitize_html,
    split_quoted_html,
    split_quoted_text,
)

NEW = "Danke, erledigt.\n\nGruß\nEva"


@pytest.mark.parametrize(
    "history",
    [
        "> Hallo Eva,\n> ist es erledigt?",
        "On Tue, Mar 5, 2024 at 9:00 AM Support <s@desk.example> wrote:\n> Done?",
        "On Tue, Mar 5, 2024 at 9:00 AM Support <\ns@desk.example> wrote:\n\n> Done?",
        "Am 05.03.2024 um 09:00 schrieb Support <s@desk.example>:\n\n> Erledigt?",
        "Am Di., 5. März 2024 um 09:00 Uhr schrieb Support <s@desk.example>:\n> Erledigt?",
        "Support <s@desk.example> schrieb am 05.03.2024 09:00:\n> Erledigt?",
        "Le mar. 5 mars 2024 à 09:00, Support <s@desk.example> a écrit :\n> Fini ?",
        "-----Original Message-----\nFrom: Support\nSent: Tuesday\nTo: Eva\nSubject: x\n\nDone?",
        "-----Ursprüngliche Nachricht-----\nVon: Support\nGesendet: Dienstag\nAn: Eva\n\nOk?",
        "Von: Support <s@desk.example>\nGesendet: Dienstag, 5. März 2024 09:00\nAn: Eva\n"
        "Betreff: AW: Test\n\nErledigt?",
        "________________________________\nFrom: Support <s@desk.example>\nSent: Tuesday\n"
        "To: Eva\nSubject: Test\n\nDone?",
        "*From:* Support <s@desk.example>\n*Sent:* Tuesday\n*To:* Eva\n\nDone?",
    ],
)
def test_text_history_is_split(history: str) -> None:
    new, quoted = split_quoted_text(f"{NEW}\n\n{history}\n")
    assert new == NEW
    assert quoted == history.strip("\n")


@pytest.mark.parametrize(
    "text",
    [
        "> Frage 1?\nAntwort 1\n\n> Frage 2?\nAntwort 2",  # interleaved
        "Am 05.03.2024 schrieb Support:\n> Frage?\n\nAntwort unten.",  # bottom-posted
        "> nur ein Zitat\n> ohne eigenen Text",  # nothing new: show everything
        "Ganz normaler Text ohne Zitat.\nZweite Zeile:",
        "Er schrieb mir gestern:\nEin Satz ohne Zitat darunter, der weitergeht.\n> x\nmehr",
    ],
)
def test_text_without_a_safe_split(text: str) -> None:
    assert split_quoted_text(text) == (text, "")


def test_forward_subject_is_never_split() -> None:
    text = f"{NEW}\n\n-----Original Message-----\nFrom: Kunde\nSent: x\nTo: y\n\nBitte!"
    assert split_quoted_text(text, "WG: Anfrage")[1] == ""
    assert split_quoted_text(text, "AW: Anfrage")[1].startswith("-----Original")


def _html_split(html: str, subject: str = "") -> tuple[str, str]:
    return split_quoted_html(sanitize_html(html), subject)


def test_html_gmail() -> None:
    new, quoted = _html_split(
        '<div dir="ltr">Neu</div><br><div class="gmail_quote"><div class="gmail_attr">'
        'Am Mo. schrieb X:</div><blockquote class="gmail_quote">Alt</blockquote></div>'
    )
    assert new == '<div dir="ltr">Neu</div><br>'
    assert quoted.startswith('<div class="gmail_quote">') and "Alt" in quoted


def test_html_apple_and_thunderbird_top_posted() -> None:
    new, quoted = _html_split(
        'Neu<div><br><blockquote type="cite">Alt<img src="https://t.example/'
        'p.png"></blockquote></div>'
    )
    assert "Neu" in new and "Alt" not in new and "Alt" in quoted
    assert '<img data-remote-src="https://t.example/p.png">' in quoted  # still blocked
    new, quoted = _html_split(
        '<p>Neu</p><div class="moz-cite-prefix">On x wrote:</div>'
        '<blockquote type="cite"><p>Alt</p></blockquote>'
    )
    assert new == "<p>Neu</p>"
    assert quoted.startswith('<div class="moz-cite-prefix">')


def test_html_bottom_posted_or_interleaved_is_not_split() -> None:
    html = sanitize_html(
        '<div class="moz-cite-prefix">Am x schrieb Y:</div>'
        '<blockquote type="cite">Frage?</blockquote><p>Antwort.</p>'
    )
    assert split_quoted_html(html) == (html, "")
    html = sanitize_html(
        '<p>Hallo</p><blockquote type="cite">F1</blockquote><p>A1</p>'
        '<blockquote type="cite">F2</blockquote><p>A2</p>'
    )
    assert split_quoted_html(html) == (html, "")


def test_html_outlook_variants() -> None:
    desktop = (
        '<div class="WordSection1"><p>Neu</p><div style="border:none;border-top:solid '
        '#E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p><b>From:</b> X<br><b>Sent:</b> '
        "Monday</p></div><p>Alt</p></div>"
    )
    new, quoted = _html_split(desktop)
    assert "Neu" in new and "Alt" not in new and "From:" not in new
    assert quoted.startswith('<div style="border:none') and "Alt" in quoted
    web = (
        '<div>Neu</div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg">'
        "<b>From:</b> X<br><b>Sent:</b> y</div><div>Alt</div>"
    )
    new, quoted = _html_split(web)
    assert new == "<div>Neu</div>" and quoted.startswith("<hr")
    separator = "<p>Neu<br>-----Ursprüngliche Nachricht-----<br>Von: X<br>Alt</p>"
    new, quoted = _html_split(separator)
    assert new == "<p>Neu<br></p>"
    assert quoted.startswith("-----Ursprüngliche Nachricht-----") and "Von: X<br>Alt" in quoted


def test_html_forward_is_not_split() -> None:
    html = (
        '<div>FYI</div><div class="gmail_quote"><div class="gmail_attr">---------- '
        "Forwarded message ---------<br>From: Kunde</div>Inhalt</div>"
    )
    assert _html_split(html)[1] == ""
    reply = '<div>Neu</div><div id="divRplyFwdMsg"><b>From:</b> X<br><b>Sent:</b> y</div>'
    assert _html_split(reply, "FW: Bestellung")[1] == ""
    assert _html_split(reply, "RE: Bestellung")[1] != ""


def test_html_quote_only_is_not_split() -> None:
    html = sanitize_html('<blockquote type="cite">Alt</blockquote>')
    assert split_quoted_html(html) == (html, "")


@pytest.mark.parametrize(
    ("text", "subject", "expected"),
    [
        (
            "FYI\n\n---------- Forwarded message ---------\nFrom: Erika M <Erika@M.de>\nDate: x\n",
            "Fwd: x",
            Address("Erika M", "erika@m.de"),
        ),
        (
            "-------- Weitergeleitete Nachricht --------\nBetreff: x\nDatum: y\n"
            'Von: "Meier, Jo" <jo@meier.de>\n',
            "",
            Address("Meier, Jo", "jo@meier.de"),
        ),
        (
            "Begin forwarded message:\n\n> From: Kim <kim@example.com>\n> Subject: x\n",
            "",
            Address("Kim", "kim@example.com"),
        ),
        (
            "-----Original Message-----\nFrom: Lee, Ann [mailto:ann.lee@corp.example] \n"
            "Sent: Monday\n",
            "FW: Order",
            Address("Lee, Ann", "ann.lee@corp.example"),
        ),
        (
            "Von: info@shop.example\nGesendet: Montag\nAn: Anna\nBetreff: x\n",
            "WG: x",
            Address("", "info@shop.example"),
        ),
        # A reply's quoted header block is not a forward.
        (
            "-----Original Message-----\nFrom: Lee <ann@corp.example>\nSent: Monday\n",
            "RE: Order",
            None,
        ),
        ("Von: Kunde GmbH\nGesendet: Montag\nAn: Anna\n", "WG: x", None),  # no address
        ("Just text", "Fwd: x", None),
    ],
)
def test_inline_forward_sender(text: str, subject: str, expected: Address | None) -> None:
    assert find_forwarded_sender(text, subject) == expected
