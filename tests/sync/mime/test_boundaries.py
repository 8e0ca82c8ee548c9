"""The boundary matcher answers like the pattern Python 3.11's feedparser compiles."""

from __future__ import annotations

import re
import sys
from email import feedparser, message_from_bytes
from email.policy import compat32

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from desk_gui.sync.mime import boundaries
from desk_gui.sync.mime.boundaries import BoundaryMatcher

# RFC 2046 bchars, plus characters special to regular expressions: the separator is
# re.escape'd into feedparser's pattern and must come back out unchanged.
BCHARS = "0123456789abcXYZ'()+_,-./:=? " + "\\[]{}*^$|#&~\t"
ENDINGS = ["\n", "\r\n", "\r", "\n\n", " \r\n"]


def feedparser_pattern(separator: str) -> re.Pattern[str]:
    """What email.feedparser (3.11) compiles for a multipart's separator."""
    return re.compile(
        "(?P<sep>" + re.escape(separator) + r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
    )


def answer(found: re.Match[str] | None) -> tuple[object, ...] | None:
    if found is None:
        return None
    # Where the match ends, not group(0): the matcher's match starts after the separator,
    # and feedparser reads only these groups of a boundary's match.
    return found.end(), found.group("end"), found.group("ws"), found.group("linesep")


boundary_text = st.text(alphabet=BCHARS, min_size=1, max_size=70)
line_tail = st.lists(
    st.sampled_from(["--", " ", "\t", "x", "-", "\n", "\r", "\r\n", "--\r\n"]), max_size=5
).map("".join)


@given(boundary_text, line_tail, st.booleans())
@example("b", "--\r\n", True)
@example("b", "-- \t\n", True)
@example("b", "\n\n", True)
@example("b.c", "", False)
@example("a\\b", "--", True)
def test_matches_like_the_compiled_pattern(boundary: str, tail: str, same: bool) -> None:
    separator = "--" + boundary
    # Half the lines start with the separator, the others with a near miss.
    head = separator if same else separator[:-1] + ("x" if separator[-1] != "x" else "y")
    line = head + tail
    expected = answer(feedparser_pattern(separator).match(line))
    assert answer(BoundaryMatcher(separator).match(line)) == expected


@given(boundary_text)
def test_feedparser_hands_the_separator_over_unescaped(boundary: str) -> None:
    boundaries.install()
    compiled = vars(feedparser)["re"].compile(feedparser_pattern("--" + boundary).pattern)
    if sys.version_info < (3, 13):
        assert isinstance(compiled, BoundaryMatcher)
        assert compiled.separator == "--" + boundary


def test_other_patterns_compile_as_usual() -> None:
    boundaries.install()
    compiled = vars(feedparser)["re"].compile(r"(\r\n|\r|\n)\Z")
    assert isinstance(compiled, re.Pattern)


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_multipart_parses_into_its_parts(ending: str) -> None:
    boundaries.install()
    raw = (
        'Content-Type: multipart/mixed; boundary="a.b(c)+d"\n\npreamble\n'
        "--a.b(c)+d\nContent-Type: text/plain\n\none\n"
        "--a.b(c)+d \nContent-Type: text/plain\n\ntwo\n"
        "--a.b(c)+dX\n"  # not a boundary: part of the second part's text
        "--a.b(c)+d--" + ending + "epilogue"
    ).encode()
    msg = message_from_bytes(raw, policy=compat32)
    parts = msg.get_payload()
    assert [p.get_payload() for p in parts] == ["one", "two\n--a.b(c)+dX"]
    assert msg.preamble == "preamble"
    assert msg.defects == []
