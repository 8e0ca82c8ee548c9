"""The catalogs read without Qt: what the engine writes to an agent comes from the same
desk_<lang>.ts the window's .qm is compiled from (tests/ui compares the two)."""

from __future__ import annotations

import re
from pathlib import Path

from desk_gui.models.i18n import known_language, read_catalog, translate, translations_dir

TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>NotifyMail</name>
    <message>
        <location filename="../../desk_gui/sync/mail_out/notify_mail.py" line="+40"/>
        <source>{actor} wrote in {ticket}</source>
        <translation>{actor} hat in {ticket} geschrieben</translation>
    </message>
    <message>
        <source>Not yet</source>
        <translation type="unfinished">Noch nicht</translation>
    </message>
    <message>
        <source>Gone</source>
        <translation type="vanished">Weg</translation>
    </message>
    <message numerus="yes">
        <source>%n mail(s)</source>
        <translation>
            <numerusform>%n E-Mail</numerusform>
            <numerusform>%n E-Mails</numerusform>
        </translation>
    </message>
    <message>
        <source>Open</source>
        <comment>a ticket's status</comment>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Empty</source>
        <translation></translation>
    </message>
</context>
<context>
    <name>Other</name>
    <message>
        <source>{actor} wrote in {ticket}</source>
        <translation>{actor} schrieb in {ticket}</translation>
    </message>
</context>
</TS>
"""


def test_reads_finished_singular_entries_per_context(tmp_path: Path) -> None:
    ts = tmp_path / "desk_de.ts"
    ts.write_text(TS, encoding="utf-8")
    assert read_catalog(ts) == {
        ("NotifyMail", "{actor} wrote in {ticket}"): "{actor} hat in {ticket} geschrieben",
        ("Other", "{actor} wrote in {ticket}"): "{actor} schrieb in {ticket}",
    }


def test_the_shipped_catalog_translates_and_english_is_the_source() -> None:
    source = "{actor} mentioned you in {ticket}"
    assert translate("de", "NotificationBell", source) == "{actor} hat Sie in {ticket} erwähnt"
    assert translate("en", "NotificationBell", source) == source
    assert translate("de", "NoSuchContext", source) == source
    assert translate("de", "NotificationBell", "not a text of Desk") == "not a text of Desk"
    assert translate("fr", "NotificationBell", source) == source  # no catalog: English


def test_translations_keep_the_fields_of_their_source() -> None:
    """A German text missing or renaming a {field} would break filling it in."""
    fields = re.compile(r"\{(\w*)\}")
    catalog = read_catalog(translations_dir() / "desk_de.ts")
    assert len(catalog) > 100
    wrong = {
        (context, source): text
        for (context, source), text in catalog.items()
        if sorted(fields.findall(source)) != sorted(fields.findall(text))
    }
    assert wrong == {}


def test_known_language() -> None:
    assert known_language(" DE ") == "de"
    assert known_language("en") == "en"
    assert known_language("fr") is None
    assert known_language("") is None
