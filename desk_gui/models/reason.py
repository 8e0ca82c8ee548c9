"""Why something failed, kept so that every reader gets it in their own language.

A `Reason` is an English template with {named} fields, marked with
QT_TRANSLATE_NOOP("Reason", ...) where it is made (like CommandError's texts). str()
fills it in English (logs, CLI, JSON output); the desktop translates the template and
then fills it (desk_gui.ui.labels.reason). A field is text the program does not own (a
server's answer, an address, an exception) or another Reason.

Reasons outlive the process that made them (an outgoing mail's last failure is shown
days later, on another desktop): `encode` turns one into a small JSON object for a
text column and `decode` reads it back. A text stored before reasons had a structure
reads back as a Reason without fields, shown as it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from .i18n import QT_TRANSLATE_NOOP

Field = Union[str, int, "Reason"]
_MARK = '{"reason":'  # how an encoded reason starts; a plain text never does


@dataclass(frozen=True)
class Reason:
    text: str
    fields: Mapping[str, Field] = field(default_factory=dict)

    def __hash__(self) -> int:  # the fields are a mapping: hashed as their items
        return hash((self.text, tuple(sorted(self.fields.items()))))

    def __str__(self) -> str:
        if not self.fields:
            return self.text
        return self.text.format(**{k: str(v) for k, v in self.fields.items()})

    def encode(self) -> str:
        return json.dumps(self._plain(), ensure_ascii=False)

    def _plain(self) -> dict[str, Any]:
        fields = {k: v._plain() if isinstance(v, Reason) else v for k, v in self.fields.items()}
        return {"reason": self.text, "fields": fields}

    @classmethod
    def decode(cls, stored: str) -> Reason:
        if stored.startswith(_MARK):
            try:
                return cls._from_plain(json.loads(stored))
            except (ValueError, KeyError, TypeError, AttributeError):
                pass  # not one of ours after all: shown as stored
        return cls(stored)

    @classmethod
    def _from_plain(cls, plain: dict[str, Any]) -> Reason:
        fields: dict[str, Field] = {
            k: cls._from_plain(v) if isinstance(v, dict) else v for k, v in plain["fields"].items()
        }
        return cls(str(plain["reason"]), fields)


def reason(text: str, **fields: Field) -> Reason:
    return Reason(text, fields)


def stored(value: Reason | None) -> str | None:
    """For a text column: None stays None."""
    return None if value is None else value.encode()


def loaded(value: str | None) -> Reason | None:
    return None if value is None else Reason.decode(value)


def joined(first: Reason | None, second: Reason) -> Reason:
    """Two reasons one after the other (a note on a sent mail can have two)."""
    if first is None:
        return second
    return reason(QT_TRANSLATE_NOOP("Reason", "{first}; {second}"), first=first, second=second)


class ReasonedError(Exception):
    """An error whose message is a Reason: str() in English, `.reason` for the desktop."""

    def __init__(self, why: Reason | str) -> None:
        self.reason = why if isinstance(why, Reason) else Reason(why)
        super().__init__(str(self.reason))
