"""`desk-gui agent list` and `agent set --language`: the language agents' mails are in."""

from __future__ import annotations

from sqlalchemy import select

from desk_gui.models import Agent
from desk_gui.models.store import Store

from .conftest import Run
from .test_errors import one_error


def languages(store: Store) -> dict[str, str]:
    with store.read() as s:
        return {a.login: a.language for a in s.scalars(select(Agent))}


def test_set_language_and_list(run: Run, db: str, staff: Store) -> None:
    assert languages(staff) == {"anna": "de", "ben": "de"}
    result = run(db, "agent", "set", "ANNA", "--language", "EN")
    assert (result.code, result.out) == (0, "anna: language en\n")
    assert languages(staff) == {"anna": "en", "ben": "de"}
    assert run(db, "agent", "notify", "anna", "--mail", "on").code == 0

    listed = run(db, "agent", "list", "--json")
    assert listed.code == 0
    assert [(a["login"], a["language"], a["notify_mail"], a["active"]) for a in listed.json()] == [
        ("anna", "en", True, True),
        ("ben", "de", False, False),
    ]
    assert listed.json()[0]["email"] == "anna@desk.example"
    table = run(db, "agent", "list").out.splitlines()
    assert table[0].split() == ["LOGIN", "NAME", "EMAIL", "ROLE", "STATE", "LANGUAGE", "MAIL"]
    assert table[1].split() == ["anna", "Anna", "Schmidt", "anna@desk.example", "agent",
                                "active", "en", "on"]  # fmt: skip
    assert table[2].split() == ["ben", "Ben", "Weber", "-", "agent", "inactive", "de", "off"]

    assert run(db, "agent", "set", "anna", "--language", "de").code == 0
    assert languages(staff)["anna"] == "de"


def test_unknown_language_or_agent_is_refused(run: Run, db: str, staff: Store) -> None:
    err = one_error(run(db, "agent", "set", "anna", "--language", "fr"))
    assert "unknown language 'fr'" in err and "de or en" in err
    err = one_error(run(db, "agent", "set", "anna", "--language", "de-AT"))
    assert "unknown language 'de-AT'" in err
    err = one_error(run(db, "agent", "set", "zoe", "--language", "en"))
    assert "no agent with login 'zoe'" in err
    missing = run(db, "agent", "set", "anna")
    assert missing.code == 2 and "required: --language" in missing.err
    assert languages(staff) == {"anna": "de", "ben": "de"}


def test_set_and_list_on_both_backends(run: Run, url: str) -> None:
    assert run(url, "agent", "list", "--json").json() == []
    store = Store(url)
    try:
        with store.write() as s:
            s.add(Agent(login="cem", name="Cem Yilmaz"))
        assert run(url, "agent", "set", "cem", "--language", "en").code == 0
        assert languages(store) == {"cem": "en"}
        with store.read() as s:
            assert s.scalar(select(Agent.hlc)) != ""  # stamped: the change travels
    finally:
        store.dispose()
    assert [a["language"] for a in run(url, "agent", "list", "--json").json()] == ["en"]
