"""Translatable text outside Qt code: the marker, and the catalogs read without Qt.

`QT_TRANSLATE_NOOP(context, text)` returns `text` unchanged; pyside6-lupdate finds the
calls by this name and puts the text into the catalogs (resources/translations), and
the window translates it where it is shown. Plain Python: models and sync use it too.

Text the engine writes for a person (a notification mail to an agent) cannot wait for
the window: `translate` looks it up in the same catalog, desk_<lang>.ts, the Qt Linguist
source the .qm files are compiled from. So every German text has one home, extracted
and checked with the rest (resources/translations/update.sh, tests/ui), and the engine
needs neither Qt nor a copy.
"""

from __future__ import annotations

import functools
import logging
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

log = logging.getLogger(__name__)

# The languages Desk has catalogs for: the window's, and what agents may choose for the
# mails Desk writes them. English is the source language of every text.
LANGUAGES = ("de", "en")
# Entries Qt leaves out of the compiled catalog: the window shows their source text.
_NOT_IN_QM = ("unfinished", "vanished", "obsolete")


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    return text


def known_language(value: str) -> str | None:
    """One of LANGUAGES as a user typed it ("DE", " en "), or None."""
    code = value.strip().lower()
    return code if code in LANGUAGES else None


def resources_dir() -> Path:
    """The style sheet, icons and catalogs; the window loads them from here too
    (desk_gui.ui.i18n). Inside the package in an installed wheel (pyproject's
    force-include); else next to the package: in the source tree (uv installs it
    editable) and in the bundle (packaging/pysidedeploy.spec copies it there)."""
    package = Path(__file__).resolve().parents[1]
    inside = package / "resources"
    return inside if inside.is_dir() else package.parent / "resources"


def translations_dir() -> Path:
    return resources_dir() / "translations"


def translate(language: str, context: str, text: str) -> str:
    """`text` of `context` in `language`, as QCoreApplication.translate gives it with
    that language's catalog installed: the source text when the catalog has no finished
    translation (and always for English, the source language)."""
    if language == "en":
        return text
    return _shipped(language).get((context, text), text)


@functools.cache
def _shipped(language: str) -> Mapping[tuple[str, str], str]:
    """Read once per process: the catalog only changes with a new version of Desk."""
    path = translations_dir() / f"desk_{language}.ts"
    try:
        return read_catalog(path)
    except (OSError, ET.ParseError) as error:
        log.warning("no catalog for %r, texts stay English: %s", language, error)
        return {}


def read_catalog(path: Path) -> dict[tuple[str, str], str]:
    """(context, source) -> translation of a Qt Linguist .ts file, for what lrelease
    would compile: finished, singular entries. Plural (numerus) entries and those with a
    disambiguation comment need Qt's lookup rules and are left out."""
    found: dict[tuple[str, str], str] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if (
                translation is None
                or translation.get("type") in _NOT_IN_QM
                or not translation.text
                or message.get("numerus") == "yes"
                or message.find("comment") is not None
            ):
                continue
            found[(name, message.findtext("source") or "")] = translation.text
    return found
