"""Passwords for mailboxes and databases, kept in the OS keyring behind a small interface.

Where no secure keyring exists (a headless Linux server has none by default) we never
fall back to plaintext silently: the password lives in memory for this process, and a
headless service may opt in explicitly to an environment variable per account.
"""

from __future__ import annotations

import contextlib
import os
import re
from typing import Protocol

import keyring
import keyring.errors
from keyring.backends import fail

SERVICE = "desk"


class SecretError(Exception):
    """A secret cannot be stored or found; the message says what to do."""


class Secrets(Protocol):
    def get(self, account: str) -> str | None: ...
    def set(self, account: str, secret: str) -> None: ...
    def delete(self, account: str) -> None: ...
    @property
    def secure(self) -> bool: ...


def env_name(account: str) -> str:
    """DESK_SECRET_<ACCOUNT>: the explicit opt-in for headless services."""
    return "DESK_SECRET_" + re.sub(r"[^A-Z0-9]+", "_", account.upper()).strip("_")


class KeyringSecrets:
    """The OS keyring, with the session-only and environment fallbacks described above."""

    def __init__(self) -> None:
        self._memory: dict[str, str] = {}

    @property
    def secure(self) -> bool:
        return not isinstance(keyring.get_keyring(), fail.Keyring)

    def get(self, account: str) -> str | None:
        if account in self._memory:
            return self._memory[account]
        from_env = os.environ.get(env_name(account))
        if from_env is not None:
            return from_env
        try:
            return keyring.get_password(SERVICE, account)
        except keyring.errors.KeyringError:
            return None

    def set(self, account: str, secret: str) -> None:
        try:
            keyring.set_password(SERVICE, account, secret)
        except keyring.errors.KeyringError as exc:
            self._memory[account] = secret
            raise SecretError(
                f"no secure keyring is available ({exc}); the password is kept for this "
                f"session only. For a headless service set {env_name(account)} in its "
                "environment instead."
            ) from exc

    def delete(self, account: str) -> None:
        self._memory.pop(account, None)
        # Nothing stored, or no keyring: either way it is gone.
        with contextlib.suppress(keyring.errors.KeyringError):
            keyring.delete_password(SERVICE, account)


def mailbox_account(mailbox: str, protocol: str) -> str:
    return f"mailbox:{mailbox}:{protocol}"
