"""Real-world-shaped messages, one assertion set each."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from desk_gui.sync.mime import (
    Address,
    LoopKind,
    ParsedMessage,
    ParseFailure,
    split_quoted_html,
    split_quoted_text,
    subject_ticket_token,
    try_parse,
)

from .conftest import CORPUS

Load = Callable[[str], ParsedMessage]
ALL = sorted(p.name for p in CORPUS.glob("*.eml"))
MAILS = [name for name in ALL if not name.startswith("garbage")]


def test_corpus_is_complete() -> None:
    assert len(ALL) >= 29


@pytest.mark.parametrize("name", ALL)
def test_every_corpus_message_parses_without_raising_and_pickles(name: str) -> None:
    result = try_parse((CORPUS / name).read_bytes())
    assert pickle.loads(pickle.dumps(result)) == result
    if name.startswith("garbage"):
        assert isinstance(result, ParseFailure)
    else:
        assert isinstance(result, ParsedMessage)


@pytest.mark.parametrize("name", MAILS)
def test_every_corpus_message_is_displayable(name: str, corpus: Load) -> None:
    msg = corpus(name)
    assert msg.message_id and msg.message_id.startswith("<")
    assert msg.from_addr and msg.from_addr == msg.from_addr.lower()
    assert "\ufffd" not in msg.subject + msg.body_text
    html = (msg.body_html_sanitized or "").lower()
    for bad in ("<script", "<style", "onload", "onclick", "javascript:", "<iframe", "<form"):
        assert bad not in html
    assert ' src="http' not in html  # remote images blocked by default


# ---------------------------------------------------------------------------- replies


def test_outlook_reply_de(corpus: Load) -> None:
    msg = corpus("outlook_reply_de.eml")
    assert msg.from_name == "Hans Müller"
    assert msg.from_addr == "hans.mueller@kunde.de"
    assert msg.to == (Address("Desk Support", "support@desk.example"),)
    assert msg.subject == "AW: [#10234] Drucker 2. OG"
    assert subject_ticket_token(msg.subject) == 10234
    assert msg.in_reply_to == "<desk.10234.1@desk.example>"
    assert msg.references == ("<desk.10234.1@desk.example>",)
    assert msg.date == datetime(2024, 3, 4, 9, 15, 1, tzinfo=UTC)
    assert "Können Sie bitte" in msg.body_text  # cp1252 QP decoded
    assert "\r" not in msg.body_text
    assert msg.loop is None and not msg.attachments and msg.forwarded_from is None
    html = msg.body_html_sanitized or ""
    assert "Können Sie bitte" in html
    assert "MsoNormal" not in html and "shapedefaults" not in html and "<o:p" not in html
    new, quoted = split_quoted_text(msg.body_text, msg.subject)
    assert new.endswith("Buchhaltung") and quoted.startswith("Von: Desk Support")
    new_html, quoted_html = split_quoted_html(html, msg.subject)
    assert "leere Seiten" in new_html and "Toner" not in new_html
    assert "Toner" in quoted_html and "<b>Von:</b>" in quoted_html


def test_outlook_plain_original_message_en(corpus: Load) -> None:
    msg = corpus("outlook_reply_en_original_message.eml")
    assert msg.from_name == "Smith, John"
    assert msg.from_addr == "john.smith@contoso.com"
    assert msg.date == datetime(2024, 3, 5, 16, 2, 11, tzinfo=timezone(timedelta(hours=-5)))
    assert subject_ticket_token(msg.subject) == 10240
    assert msg.body_html_sanitized is None
    new, quoted = split_quoted_text(msg.body_text)
    assert new == "Thanks, got it. Closing on our side.\n\nJohn"
    assert quoted.startswith("-----Original Message-----")


def test_outlook_web_html_only_generates_text(corpus: Load) -> None:
    msg = corpus("outlook_web_reply_html_only.eml")
    assert msg.references == ("<desk.10250.1@desk.example>", "<desk.10250.2@desk.example>")
    assert msg.body_text.startswith("It works now, thank you! 😀")
    assert "<" not in msg.body_text.split("\n")[0]
    new, quoted = split_quoted_html(msg.body_html_sanitized or "")
    assert "It works now" in new and "divRplyFwdMsg" not in new and "<hr" not in new
    assert "we have reset your password" in quoted
    new_text, quoted_text = split_quoted_text(msg.body_text)
    assert new_text == "It works now, thank you! 😀"
    assert quoted_text.startswith("From: Desk Support")


def test_apple_mail_reply_de(corpus: Load) -> None:
    msg = corpus("apple_mail_reply_de.eml")
    assert msg.from_name == "Jörg Weiß"
    assert msg.message_id == "<8D2E1F2A-ABCD-4EF0-9876-0123456789AB@weiss-it.de>"
    new, quoted = split_quoted_text(msg.body_text)
    assert new == "Danke, das hat funktioniert!\n\nViele Grüße\nJörg"
    assert quoted.startswith("> Am 04.03.2024 um 10:15 schrieb Desk Support")
    new_html, quoted_html = split_quoted_html(msg.body_html_sanitized or "")
    assert "Danke" in new_html and "Router" not in new_html
    assert quoted_html.startswith('<blockquote type="cite">') and "Router" in quoted_html


def test_thunderbird_flowed_reply_en(corpus: Load) -> None:
    msg = corpus("thunderbird_reply_en_flowed.eml")
    # format=flowed: the soft line break is joined.
    assert "stable for a whole day now, so you can close the ticket." in msg.body_text
    assert "whether the drops continue." in msg.body_text
    new, quoted = split_quoted_text(msg.body_text)
    assert new.endswith("Petra") and quoted.startswith("On 06.03.24 09:00, Desk Support wrote:")
    new_html, quoted_html = split_quoted_html(msg.body_html_sanitized or "")
    assert "close the ticket" in new_html and "moz-cite-prefix" not in new_html
    assert 'class="moz-cite-prefix"' in quoted_html and "version 5.2" in quoted_html


def test_thunderbird_bottom_post_is_not_collapsed(corpus: Load) -> None:
    msg = corpus("thunderbird_bottom_post_de.eml")
    assert split_quoted_text(msg.body_text) == (msg.body_text, "")


def test_gmail_reply_en_wrapped_attribution(corpus: Load) -> None:
    msg = corpus("gmail_reply_en.eml")
    assert subject_ticket_token(msg.subject) == 10290
    new, quoted = split_quoted_text(msg.body_text)
    assert new == "Sure, Thursday 10am works for me.\n\nBest,\nAmit"
    assert quoted.startswith("On Mon, Mar 4, 2024 at 10:15 AM Desk Support")
    new_html, quoted_html = split_quoted_html(msg.body_html_sanitized or "")
    assert "Thursday 10am" in new_html and "gmail_quote" not in new_html
    assert "migration call" in quoted_html


def test_gmail_reply_de(corpus: Load) -> None:
    msg = corpus("gmail_reply_de.eml")
    assert msg.subject == "AW: [#10300] Rückruf erbeten"
    new, quoted = split_quoted_text(msg.body_text)
    assert new.endswith("Gruß\nSabine")
    assert quoted.startswith("Am Mo., 4. März 2024 um 10:15 Uhr schrieb")
    new_html, quoted_html = split_quoted_html(msg.body_html_sanitized or "")
    assert "0171 1234567" in new_html and "erreichen" in quoted_html


# ---------------------------------------------------------------------------- forwards


def test_gmail_inline_forward_names_the_customer(corpus: Load) -> None:
    msg = corpus("gmail_forward_inline.eml")
    assert msg.from_addr == "tom@desk.example"
    assert msg.forwarded_from == Address("Erika Mustermann", "erika@mustermann-gmbh.de")
    # The forwarded mail is the content: never collapsed.
    assert split_quoted_text(msg.body_text, msg.subject)[1] == ""
    assert split_quoted_html(msg.body_html_sanitized or "")[1] == ""


def test_outlook_inline_forward_de_names_the_customer(corpus: Load) -> None:
    msg = corpus("outlook_forward_inline_de.eml")
    assert msg.forwarded_from == Address(
        "Einkauf | Müller & Söhne GmbH", "einkauf@mueller-soehne.de"
    )
    assert split_quoted_text(msg.body_text, msg.subject)[1] == ""


def test_forward_as_rfc822_attachment(corpus: Load) -> None:
    msg = corpus("forward_rfc822_attachment.eml")
    assert msg.forwarded_from == Address("Weber, Frank", "f.weber@weber-bau.de")
    assert msg.body_text.strip() == "Kunde meldet sich wegen Reklamation, siehe Anhang."
    (inner,) = msg.attached_messages
    assert inner.message_id == "<orig-88123@weber-bau.de>"
    assert "Türen haben Kratzer" in inner.body_text
    assert [a.filename for a in inner.attachments] == ["kratzer.png"]
    (eml,) = msg.attachments
    assert eml.content_type == "message/rfc822"
    assert eml.filename == "Reklamation Auftrag 88123.eml"
    reparsed = try_parse(eml.read_bytes())
    assert isinstance(reparsed, ParsedMessage)
    assert reparsed.message_id == "<orig-88123@weber-bau.de>"


# ---------------------------------------------------------------------------- loops


def test_postfix_bounce(corpus: Load) -> None:
    msg = corpus("bounce_dsn_postfix.eml")
    assert msg.loop is LoopKind.BOUNCE and msg.is_bounce and msg.is_auto_submitted
    assert msg.from_addr == "mailer-daemon@mx.desk.example"
    assert msg.forwarded_from is None  # the returned mail is ours, not a forward
    (returned,) = msg.attached_messages
    assert returned.message_id == "<desk.10310.3@desk.example>"  # threads the bounce
    types = [a.content_type for a in msg.attachments]
    assert types == ["message/delivery-status", "message/rfc822"]
    status = msg.attachments[0].read_bytes()
    assert b"Status: 5.1.1" in status and b"Final-Recipient: rfc822; nobody@gone.example" in status
    assert msg.attachments[0].filename == "delivery-status.txt"
    assert "User unknown" in msg.body_text


def test_exchange_bounce_with_headers_only(corpus: Load) -> None:
    msg = corpus("bounce_exchange_headers_only.eml")
    assert msg.loop is LoopKind.BOUNCE
    (returned,) = msg.attached_messages
    assert returned.message_id == "<desk.10320.5@desk.example>"
    assert returned.subject == "[#10320] Update on your order"
    assert "original-headers.txt" in [a.filename for a in msg.attachments]


def test_exchange_out_of_office(corpus: Load) -> None:
    msg = corpus("auto_reply_exchange_de.eml")
    assert msg.loop is LoopKind.AUTO_REPLY and msg.is_auto_reply
    assert msg.subject == "Automatische Antwort: [#10330] Ihre Anfrage"
    assert "nicht im Büro" in msg.body_text and "Fällen wenden" in msg.body_text


def test_vacation_x_autoreply_gb2312(corpus: Load) -> None:
    msg = corpus("auto_reply_vacation_xautoreply.eml")
    assert msg.loop is LoopKind.AUTO_REPLY
    assert msg.body_text == "我正在休假，3月25日回来。"


def test_mailing_list(corpus: Load) -> None:
    msg = corpus("mailing_list.eml")
    assert msg.loop is LoopKind.LIST and msg.is_bulk and not msg.is_auto_reply


def test_read_receipt_is_automatic(corpus: Load) -> None:
    msg = corpus("read_receipt_mdn.eml")
    assert msg.loop is LoopKind.AUTO_REPLY
    assert msg.attachments[0].content_type == "message/disposition-notification"


def test_bulk_newsletter_is_sanitized(corpus: Load) -> None:
    msg = corpus("newsletter_bulk_hostile_html.eml")
    assert msg.loop is LoopKind.BULK and msg.is_bulk
    assert msg.subject == "🎉 Spring Sale – 50 %"
    html = msg.body_html_sanitized or ""
    assert "Spring Sale" in html and "<b>50 %</b>" in html
    assert "alert" not in html and "steal" not in html and "track()" not in html
    assert "url(" not in html and "<svg" not in html and "<object" not in html
    assert "<title>" not in html and "x.css" not in html
    assert 'data-remote-src="https://track.shop.example/open.gif?u=123"' in html
    assert 'data-remote-src="https://cdn.shop.example/hero.jpg"' in html  # protocol-relative
    assert '<a href="https://shop.example/sale?utm=1&amp;x=2"' in html
    assert "Everything 50 % off." in msg.body_text


def test_spam_headers(corpus: Load) -> None:
    msg = corpus("spam_scored.eml")
    assert msg.spam_flag is True and msg.spam_score == 12.7
    clean = corpus("gmail_reply_en.eml")
    assert clean.spam_flag is False and clean.spam_score is None


# ---------------------------------------------------------------------------- charsets


def test_declared_us_ascii_but_latin1(corpus: Load) -> None:
    msg = corpus("charset_usascii_but_latin1.eml")
    assert msg.subject == "Grüße aus Köln"  # raw 8-bit header bytes
    assert msg.from_name == "Jürgen Bäcker"
    assert msg.body_text.strip() == "Schöne Grüße, die Rechnung über 100 € ist bezahlt."
    assert any("us-ascii" in w for w in msg.warnings)


def test_unknown_charset_names(corpus: Load) -> None:
    msg = corpus("charset_unknown_name.eml")
    assert msg.subject == "Straße gesperrt"
    assert msg.body_text.strip() == "Die Straße ist gesperrt – bitte Umleitung nutzen."
    assert any("x-mystery-8bit" in w for w in msg.warnings)


def test_missing_charsets(corpus: Load) -> None:
    msg = corpus("charset_missing.eml")
    assert msg.body_text == "Préférences: déjà vu"
    assert msg.body_html_sanitized == "<p>Café “quoted”</p>"  # from <meta charset>


def test_latin1_declared_but_utf8(corpus: Load) -> None:
    msg = corpus("charset_latin1_declared_utf8.eml")
    assert msg.body_text.strip() == "Größe: 42 – Übergröße"


def test_encoded_words_split_and_bad_date(corpus: Load) -> None:
    msg = corpus("encoded_words_split.eml")
    assert msg.subject == "日本語の件名 und ü"
    assert msg.from_name == "山田太郎"
    assert msg.to == (Address("山田", "a@example.jp"), Address("Doe, Jane", "jane@example.com"))
    assert msg.date is None and any("Date" in w for w in msg.warnings)
    assert msg.body_text.strip() == "こんにちは、世界"


# ---------------------------------------------------------------------------- attachments


def test_rfc2231_and_other_filename_encodings(corpus: Load) -> None:
    msg = corpus("rfc2231_filenames.eml")
    assert msg.subject == "Anhänge"
    assert [a.filename for a in msg.attachments] == [
        "Prüfbericht März.pdf",  # filename*=utf-8''...
        "Kostenübersicht Q1 2024.xlsx",  # continuations, iso-8859-1
        "Übergabeprotokoll.doc",  # RFC 2047 inside the quoted parameter (Outlook)
        "Grüße.txt",  # raw 8-bit UTF-8
        "evil.exe",  # path components stripped
    ]
    assert msg.attachments[0].read_bytes() == b"%PDF-1.4\n"
    assert msg.body_text.strip() == "Anbei die Unterlagen."


def test_winmail_dat_is_kept_as_attachment(corpus: Load) -> None:
    msg = corpus("winmail_dat.eml")
    assert [(a.filename, a.content_type) for a in msg.attachments] == [
        ("winmail.dat", "application/ms-tnef"),
        ("winmail.dat", "application/ms-tnef"),  # nameless part gets the usual name
    ]
    assert msg.attachments[0].read_bytes().startswith(bytes.fromhex("789f3e22"))
    assert msg.body_text.strip() == "Please see the attached scan."


def test_inline_cid_image(corpus: Load) -> None:
    msg = corpus("inline_cid_image.eml")
    (logo,) = msg.attachments
    assert logo.content_id == "image001.png@01DA7F00.ABCDEF10"
    assert logo.inline and logo.filename == "image001.png" and logo.size == 66
    assert logo.read_bytes().startswith(b"\x89PNG")
    assert msg.content_ids == {"image001.png@01DA7F00.ABCDEF10": logo}
    html = msg.body_html_sanitized or ""
    assert 'src="cid:image001.png@01DA7F00.ABCDEF10"' in html
    assert 'data-remote-src="https://roth-design.de/banner.png"' in html


def test_nested_multiparts(corpus: Load) -> None:
    msg = corpus("nested_multipart.eml")
    assert msg.body_text == "Plain body."
    assert msg.body_html_sanitized == '<p>HTML body <img src="cid:pic1"></p>'
    kinds = [(a.content_type, a.inline) for a in msg.attachments]
    assert kinds == [("image/png", True), ("application/pdf", False), ("message/rfc822", False)]
    assert msg.attachments[0].filename.endswith(".png")
    assert msg.attached_messages[0].body_text.strip() == "Inner body."
    assert msg.forwarded_from == Address("Inner Sender", "inner@example.org")


def test_five_megabyte_attachment(big_attachment_mail: tuple[bytes, bytes]) -> None:
    raw, payload = big_attachment_mail
    msg = try_parse(raw)
    assert isinstance(msg, ParsedMessage)
    (scan,) = msg.attachments
    assert scan.size == len(payload) == 5 * 1024 * 1024
    with scan.open() as stream:
        first = stream.read(1024 * 1024)
        rest = stream.read()
    assert first + rest == payload
    assert msg.body_text.strip() == "See scan."


def test_garbage_is_a_failure_not_an_exception() -> None:
    result = try_parse((CORPUS / "garbage_not_a_mail.eml").read_bytes())
    assert isinstance(result, ParseFailure)
    assert "not a mail" in result.reason
