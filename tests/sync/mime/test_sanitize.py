"""HTML sanitizing, remote images, cid: URLs, text ↔ HTML helpers."""

from __future__ import annotations

import pytest

from desk_gui.sync.mime import (
    blocked_image_count,
    cid_references,
    html_to_text,
    plain_to_html,
    rewrite_cid_urls,
    sanitize_html,
    unblock_remote_images,
)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="vbscript:msgbox">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<img src="data:text/html,<script>alert(1)</script>">',
        '<iframe src="https://evil.example"></iframe>',
        '<object data="evil.swf"></object><embed src="evil.swf">',
        '<form action="https://evil.example"><input name="pw"><button>go</button></form>',
        "<svg><script>alert(1)</script></svg>",
        "<math><mtext><script>alert(1)</script></mtext></math>",
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<div style="width: expression(alert(1))">x</div>',
        '<p style="color: red; background-image: url(https://t.example/x.png)">x</p>',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<base href="https://evil.example/">',
        "<style>@import url(https://evil.example/x.css);</style>",
        '<table background="https://t.example/bg.png"><tr><td>x</td></tr></table>',
        '<img srcset="https://t.example/a.png 1x">',
        '<video poster="https://t.example/p.png"></video>',
        '<!--[if gte mso 9]><img src="https://t.example/c.png"><![endif]-->',
    ],
)
def test_hostile_html_is_neutralized(hostile: str) -> None:
    out = sanitize_html(f"<p>before</p>{hostile}<p>after</p>").lower()
    assert "before" in out and "after" in out
    for bad in (
        "<script",
        "javascript",
        "vbscript",
        "onerror",
        "<iframe",
        "<object",
        "<embed",
        "<form",
        "<input",
        "<svg",
        "<math",
        "url(",
        "expression",
        "<link",
        "<meta",
        "<base",
        "@import",
        "background=",
        "srcset",
        "poster",
        "data:text",
        "t.example/bg",
        'src="http',
    ):
        assert bad not in out, (bad, out)


def test_remote_images_blocked_then_unblocked() -> None:
    html = (
        '<p>Hi</p><img src="https://cdn.example/a.png?x=1&y=2" alt="a" width="10">'
        '<img src=" //cdn.example/b.png"><img src="http://cdn.example/c.gif">'
    )
    blocked = sanitize_html(html)
    assert "src=" not in blocked.replace("data-remote-src=", "")
    assert blocked_image_count(blocked) == 3
    assert 'data-remote-src="https://cdn.example/a.png?x=1&amp;y=2"' in blocked
    assert 'data-remote-src="https://cdn.example/b.png"' in blocked
    unblocked = unblock_remote_images(blocked)
    assert unblocked == sanitize_html(html, allow_remote_images=True)
    assert blocked_image_count(unblocked) == 0
    assert '<img src="https://cdn.example/a.png?x=1&amp;y=2" alt="a" width="10">' in unblocked


def test_placeholder_attribute_cannot_be_forged() -> None:
    forged = (
        '<img data-remote-src="javascript:alert(1)">'
        '<img src="x-desk-blocked:https://evil.example/a.png">'
        '<p>src="x-desk-blocked:text"</p>'
    )
    out = sanitize_html(forged)
    assert "javascript" not in out and "evil.example" not in out
    assert blocked_image_count(out) == 0
    assert 'src="x-desk-blocked:text"' in out  # plain text stays text
    assert "javascript" not in unblock_remote_images(out)


def test_inline_images_stay() -> None:
    png = "data:image/png;base64,iVBORw0KGgo="
    out = sanitize_html(f'<img src="cid:logo@x"><img src="{png}"><img src="relative/a.png">')
    assert '<img src="cid:logo@x">' in out
    assert f'<img src="{png}">' in out
    assert "relative" not in out


def test_safe_formatting_survives() -> None:
    html = (
        '<table border="1" cellpadding="2"><tr><td colspan="2" style="color: #333; '
        'font-weight: bold; position: absolute">x</td></tr></table>'
        '<font color="red" face="Arial">f</font><a href="mailto:a@b.c">m</a>'
        '<blockquote type="cite">q</blockquote><div class="gmail_quote evil">g</div>'
    )
    out = sanitize_html(html)
    assert '<table border="1" cellpadding="2">' in out
    assert 'colspan="2"' in out and "color:#333" in out.replace(" ", "")
    assert "position" not in out
    assert '<font color="red" face="Arial">f</font>' in out
    assert '<a href="mailto:a@b.c" rel="noopener noreferrer">m</a>' in out
    assert '<blockquote type="cite">q</blockquote>' in out
    assert '<div class="gmail_quote">g</div>' in out


def test_cid_rewriting() -> None:
    html = sanitize_html(
        '<img src="cid:image001.png@01DA.1234"><img src="cid:a%40b"><img src="cid:unknown">'
    )
    assert cid_references(html) == {"image001.png@01DA.1234", "a@b", "unknown"}
    urls = {"image001.png@01DA.1234": "desk-att:1?x=1&y=2", "a@b": "desk-att:2"}
    out = rewrite_cid_urls(html, urls.get)
    assert '<img src="desk-att:1?x=1&amp;y=2">' in out
    assert '<img src="desk-att:2">' in out
    assert '<img src="cid:unknown">' in out


def test_plain_to_html() -> None:
    out = plain_to_html('a < b & "c"\nsee https://example.com/x?a=1&b=2.\n(www.example.org)')
    assert out.startswith('<div style="white-space:pre-wrap">')
    assert 'a &lt; b &amp; "c"\n' in out
    assert '<a href="https://example.com/x?a=1&amp;b=2" rel="noopener noreferrer">' in out
    assert "</a>.\n(" in out
    assert '<a href="https://www.example.org" rel="noopener noreferrer">www.example.org</a>)' in out
    assert sanitize_html(out) == out  # already safe


def test_html_to_text() -> None:
    html = (
        "<div>Line 1<br>Line 2</div><table><tr><td>a</td><td>b</td></tr></table>"
        "<p>x &amp; y</p><script>no()</script><blockquote><blockquote>deep</blockquote>"
        "</blockquote><img alt='logo' src='cid:x'>"
    )
    assert html_to_text(html) == "Line 1\nLine 2\n\na b\n\nx & y\n\n> > deep\n\n[logo]"
    assert html_to_text("") == ""
    assert html_to_text("<p>unclosed <b>bold") == "unclosed bold"
