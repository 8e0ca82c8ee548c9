"""The engine's Qt-free catalog reader (desk_gui.models.i18n) agrees with Qt: for every
entry of desk_de.ts, the compiled desk_de.qm the window installs gives the same text, or
none where the reader falls back to the English source."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from PySide6.QtCore import QTranslator

from desk_gui.models.i18n import read_catalog, translate, translations_dir


def test_reader_and_compiled_catalog_agree() -> None:
    ts = translations_dir() / "desk_de.ts"
    qm = QTranslator()
    assert qm.load(str(translations_dir() / "desk_de.qm"))
    catalog = read_catalog(ts)
    compared = 0
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            if message.get("numerus") == "yes" or message.find("comment") is not None:
                continue  # not read by the engine (Qt's plural and disambiguation rules)
            source = message.findtext("source") or ""
            compiled = qm.translate(name, source)
            assert catalog.get((name, source), "") == compiled, (name, source)
            assert translate("de", name, source) == (compiled or source)
            compared += 1
    assert compared >= len(catalog) > 100
