"""Loop classification and subject helpers."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from desk_gui.sync.mime import (
    LoopKind,
    classify_loop,
    is_forward_subject,
    parse_message,
    strip_reply_prefixes,
    subject_ticket_token,
)

from .conftest import CORPUS


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Auto-Submitted": "auto-replied"}, LoopKind.AUTO_REPLY),
        ({"Auto-Submitted": "auto-generated"}, LoopKind.AUTO_REPLY),
        ({"Auto-Submitted": "auto-notified; owner-email=x@y"}, LoopKind.AUTO_REPLY),
        ({"Auto-Submitted": "no"}, None),
        ({"Auto-Submitted": "No"}, None),
        ({"X-Autoreply": "yes"}, LoopKind.AUTO_REPLY),
        ({"X-Autorespond": "Vacation"}, LoopKind.AUTO_REPLY),
        ({"Precedence": "auto_reply"}, LoopKind.AUTO_REPLY),
        ({"Subject": "Out of Office: Re: [#12] x"}, LoopKind.AUTO_REPLY),
        ({"Subject": "Abwesenheitsnotiz: Ihre Anfrage"}, LoopKind.AUTO_REPLY),
        ({"Subject": "Re: out of office plans"}, None),
        ({"Return-Path": "<>"}, LoopKind.BOUNCE),
        ({"Return-Path": "< >"}, LoopKind.BOUNCE),
        ({"From": "MAILER-DAEMON@mx.example (Mail Delivery System)"}, LoopKind.BOUNCE),
        ({"From": "Mail Delivery Subsystem <mailer-daemon@googlemail.com>"}, LoopKind.BOUNCE),
        ({"From": "postmaster@example.com"}, LoopKind.BOUNCE),
        ({"From": "MAILER-DAEMON"}, LoopKind.BOUNCE),
        (
            {"Content-Type": 'multipart/report; report-type="delivery-status"; boundary=x'},
            LoopKind.BOUNCE,
        ),
        ({"X-Failed-Recipients": "a@b.c"}, LoopKind.BOUNCE),
        (
            {"Content-Type": "multipart/report; report-type=disposition-notification"},
            LoopKind.AUTO_REPLY,
        ),
        ({"Precedence": "bulk"}, LoopKind.BULK),
        ({"Precedence": "junk"}, LoopKind.BULK),
        ({"Precedence": "list"}, LoopKind.LIST),
        ({"List-Id": "<users.lists.example.org>"}, LoopKind.LIST),
        ({"List-Unsubscribe": "<mailto:leave@x>"}, LoopKind.LIST),
        ({"From": "Hans <hans@example.com>", "Precedence": "normal"}, None),
        ({"From": "postmaster-team@example.com"}, None),
        # Postfix DSNs carry Auto-Submitted too: still a bounce.
        ({"Auto-Submitted": "auto-replied", "From": "MAILER-DAEMON@x"}, LoopKind.BOUNCE),
    ],
)
def test_classify_mapping(headers: dict[str, str], expected: LoopKind | None) -> None:
    assert classify_loop(headers) is expected


def test_classify_accepts_messages_of_any_policy() -> None:
    raw = (CORPUS / "bounce_dsn_postfix.eml").read_bytes()
    assert classify_loop(message_from_bytes(raw, policy=policy.default)) is LoopKind.BOUNCE
    assert classify_loop(message_from_bytes(raw, policy=policy.compat32)) is LoopKind.BOUNCE
    assert classify_loop(parse_message(raw)) is LoopKind.BOUNCE


@pytest.mark.parametrize(
    ("subject", "token"),
    [
        ("[#10234] Drucker", 10234),
        ("AW: WG: Re: [#10234] Drucker", 10234),
        ("RE: Antw: SV: VS: TR: Fwd: FW: aw: wg: Drucker [#10234]", 10234),
        ("Drucker kaputt [# 77 ] bitte", 77),
        ("Re[2]: [#5] a [#6] b", 5),
        ("Rechnung #10234", None),
        ("[10234]", None),
        ("[#] x", None),
        ("", None),
        (None, None),
    ],
)
def test_subject_ticket_token(subject: str | None, token: int | None) -> None:
    assert subject_ticket_token(subject) == token


@pytest.mark.parametrize(
    ("subject", "stripped"),
    [
        ("Re: Hallo", "Hallo"),
        ("AW: WG: Re: Fwd: FW: Hallo", "Hallo"),
        ("re:AW:wg:  Hallo", "Hallo"),
        ("RE: RE: RE: Hallo", "Hallo"),
        ("Antw: SV: VS: TR: Hallo", "Hallo"),
        ("Re[2]: Re^3: Re(4): Hallo", "Hallo"),
        ("[support] Re: Hallo", "Hallo"),
        ("AW: [#10234] Drucker", "[#10234] Drucker"),
        ("回复: 你好", "你好"),
        ("Reply all: not a prefix", "Reply all: not a prefix"),
        ("Review: Q3", "Review: Q3"),
        ("Fw Hallo", "Fw Hallo"),
        ("Hallo", "Hallo"),
    ],
)
def test_strip_reply_prefixes(subject: str, stripped: str) -> None:
    assert strip_reply_prefixes(subject) == stripped


@pytest.mark.parametrize(
    ("subject", "forward"),
    [
        ("WG: x", True),
        ("Fwd: x", True),
        ("FW: RE: x", True),
        ("TR: x", True),
        ("VS: x", True),
        ("AW: WG: x", False),
        ("Re: Fwd: x", False),
        ("Forwarding x", False),
    ],
)
def test_is_forward_subject(subject: str, forward: bool) -> None:
    assert is_forward_subject(subject) is forward
