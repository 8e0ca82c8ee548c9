"""Translatable text outside Qt code: the marker, and the catalogs read without Qt.

`QT_TRANSLATE_NOOP(context, text)` returns `text` unchanged; pyside6-lupdate finds the
calls by this name and puts the text into the catalogs (resources/translations), and
the window translates it where it is shown. Plain Python: models and sync use it too.
"""

from __future__ import annotations

# The languages Desk has catalogs for: the window's, and what agents may choose for the
# mails Desk writes them. English is the source language of every text.
LANGUAGES = ("de", "en")


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    return text


def known_language(value: str) -> str | None:
    """One of LANGUAGES as a user typed it ("DE", " en "), or None."""
    code = value.strip().lower()
    return code if code in LANGUAGES else None
