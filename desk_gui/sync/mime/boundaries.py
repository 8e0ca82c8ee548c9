"""Multipart boundaries matched without a regular expression per boundary.

Python 3.11's `email.feedparser` compiles a new regular expression for every multipart
it meets (`'(?P<sep>' + re.escape(separator) + ...`). Boundaries are unique per mail,
so `re`'s cache never hits and the pattern compiler, written in Python, runs for each
one: a fifth of the parsers' CPU on a mixed mailbox (10,000 mails: 4.36 -> 3.51 s).
CPython fixed it in 3.13 (gh-106628): a `str.startswith` on the separator and one
generic pattern for the rest of the line. `install()` does the same for older
versions by handing feedparser a `re` whose `compile` recognises that one pattern;
every other call goes to `re` itself. The matcher answers `match(line)` like the
compiled pattern would (tests/sync/mime/test_boundaries.py checks them side by side).
"""

from __future__ import annotations

import re
import sys
from email import feedparser
from types import ModuleType
from typing import Any

_PREFIX = "(?P<sep>"
_SUFFIX = r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
_REST = re.compile(r"(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)  # re.escape puts one backslash before a char


class BoundaryMatcher:
    """`match` of the pattern feedparser builds for `separator` ('--' + boundary)."""

    __slots__ = ("_length", "separator")

    def __init__(self, separator: str) -> None:
        self.separator = separator
        self._length = len(separator)

    def match(self, line: str) -> re.Match[str] | None:
        if not line.startswith(self.separator):
            return None
        return _REST.match(line, self._length)


class _FeedparserRe(ModuleType):
    """`re` for email.feedparser: the boundary pattern becomes a BoundaryMatcher."""

    def __init__(self) -> None:
        super().__init__("re")

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)

    def compile(self, pattern: Any, flags: int = 0) -> Any:
        if (
            flags == 0
            and isinstance(pattern, str)
            and pattern.startswith(_PREFIX)
            and pattern.endswith(_SUFFIX)
        ):
            return BoundaryMatcher(_ESCAPED.sub(r"\1", pattern[len(_PREFIX) : -len(_SUFFIX)]))
        return re.compile(pattern, flags)


def install() -> None:
    """Idempotent; nothing to do where feedparser no longer compiles per boundary."""
    # vars(): the module's `re` is not part of its declared (typeshed) interface.
    namespace = vars(feedparser)
    if sys.version_info < (3, 13) and not isinstance(namespace["re"], _FeedparserRe):
        namespace["re"] = _FeedparserRe()
