"""The marker for translatable text outside Qt code.

`QT_TRANSLATE_NOOP(context, text)` returns `text` unchanged; pyside6-lupdate finds the
calls by this name and puts the text into the catalogs (resources/translations), and
the window translates it where it is shown. Plain Python: models and sync use it too.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    return text
