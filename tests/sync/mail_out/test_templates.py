"""Templates: placeholders filled safely, language variants, signature and layout."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from desk_gui.models import Agent, Ticket
from desk_gui.models.commands import CommandError, execute
from desk_gui.models.reply_commands import RemoveTemplate, SaveTemplate
from desk_gui.sync.mail_out import templates
from desk_gui.sync.mail_out.compose import ComposeError, Outgoing, base64_body, compose

from .conftest import Desk


def test_render_escapes_and_runs_nothing() -> None:
    values = {"contact.first_name": "<script>alert(1)</script> & Co", "ticket.number": "10001"}
    html = templates.render(
        "<p>Hallo {{ contact.first_name }}, #{{ticket.number}} {{ticket.subject}}"
        " {{__class__.__mro__}}</p>",
        values,
        html=True,
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "#10001" in html
    # Unknown placeholders stay visible; nothing is evaluated or looked up.
    assert "{{ticket.subject}}" in html and "{{__class__.__mro__}}" in html
    assert templates.render("{{contact.first_name}}", values, html=False).startswith("<script>")


def test_variants_signature_layout(desk: Desk) -> None:
    for lang, text in (("de", "Guten Tag {{contact.name}}"), ("en", "Dear {{contact.name}}")):
        execute(desk.store, SaveTemplate(template_name="gruss", language=lang, body_html=text))
    tid = desk.ticket()
    due = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
    with desk.store.read() as s:
        ticket = s.get(Ticket, tid)
        anna = s.get(Agent, desk.anna.agent_id)
        assert ticket and anna
        de = templates.find_template(s, "gruss", "de")
        fr = templates.find_template(s, "GRUSS", "fr")  # no French: English first
        assert de and fr and de.language == "de" and fr.language == "en"
        values = templates.values_for(s, ticket, anna, None, "de", sla_due=due)
        assert templates.render_template(de, values).body_html == "Guten Tag Max Muster"
        assert values["ticket.sla_due"] == "24.11.2026, 14:00 Uhr"
        assert values["contact.first_name"] == "Max" and values["agent.first_name"] == "Anna"
        assert templates.values_for(s, ticket, anna, None, "en", due)["ticket.sla_due"] == (
            "24 Nov 2026, 14:00 (CET)"
        )
        body = templates.with_signature("<p>Text</p>", anna.signature_html, values)
        assert body.endswith('<div class="signature"><p>Viele Grüße<br>Anna Schmidt</p></div>')
        doc = templates.in_layout("<html><body><h1>{{group.name}}</h1>{{content}}</body></html>",
                                  body, values)  # fmt: skip
        assert doc.startswith("<html><body><h1>Support</h1><p>Text</p>")
        assert templates.in_layout(None, "<p>x</p>", values).startswith("<!DOCTYPE html>")
        assert [t.name for t in templates.list_templates(s, "gr")] == ["gruss", "gruss"]


def test_save_template_checks_and_remove(desk: Desk) -> None:
    with pytest.raises(CommandError, match=r"unknown placeholder\(s\): \{\{ticket.secret\}\}"):
        execute(desk.store, SaveTemplate(template_name="x", language="de",
                                         body_html="{{ticket.secret}}"))  # fmt: skip
    with pytest.raises(CommandError, match="line breaks"):
        execute(desk.store, SaveTemplate(template_name="x", language="de", body_html="a",
                                         subject="a\r\nBcc: b@c.de"))  # fmt: skip
    with pytest.raises(CommandError, match="language"):
        execute(desk.store, SaveTemplate(template_name="x", language="deutsch", body_html="a"))
    execute(desk.store, SaveTemplate(template_name="x", language="de", body_html="eins"))
    execute(desk.store, SaveTemplate(template_name="x", language="de", body_html="zwei"))
    with desk.store.read() as s:
        [only] = templates.list_templates(s, "x")
        assert only.body_html == "zwei"  # replaced, not doubled
    assert execute(desk.store, RemoveTemplate(template_name="x")) == 1
    with pytest.raises(CommandError, match="no template"):
        execute(desk.store, RemoveTemplate(template_name="x"))


def test_compose_refuses_line_breaks_whatever_the_caller() -> None:
    base = dict(
        message_id="<desk.1.a@x.de>", from_addr="s@x.de", from_name="S", to=("k@y.de",),
        cc=(), bcc=(), subject="Hallo", html="<p>x</p>", date=datetime.now(UTC),
    )  # fmt: skip
    compose(Outgoing(**base))  # type: ignore[arg-type]
    for key, value in (
        ("subject", "a\r\nBcc: evil@z.de"),
        ("from_name", "S\nBcc: evil@z.de"),
        ("to", ("k@y.de\r\nBcc: evil@z.de",)),
        ("in_reply_to", "<a@b>\r\nX: y"),
    ):
        with pytest.raises(ComposeError, match="line break"):
            compose(Outgoing(**{**base, key: value}))  # type: ignore[arg-type]


def test_base64_streaming_matches_whole() -> None:
    import base64

    data = bytes(range(256)) * 41 + b"tail"
    for size in (1, 7, 57, 100, 4096, len(data)):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        assert "".join(base64_body(chunks)) == base64.encodebytes(data).decode()
