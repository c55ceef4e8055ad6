"""Secrets never reach the server's log.

pygls logs the ``initialize`` parameters at INFO (with ``initializationOptions.token``
over TCP), and libraries log request lines at DEBUG (with ``?token=`` over a websocket).
:func:`redact_in_logs` puts a filter on every handler of the root logger that replaces each
secret in a record's formatted message by ``[redacted]``: the server's token and the API
keys in its environment (every ``*_API_KEY`` variable).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable

__all__ = ["REDACTED", "SecretFilter", "environment_secrets", "redact_in_logs"]

REDACTED = "[redacted]"
#: Shorter values are not secrets worth the search (and would redact ordinary words).
_MIN_SECRET = 8


class SecretFilter(logging.Filter):
    """Replaces the secrets it knows in each record's message; drops no record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        self.secrets.update(s for s in secrets if len(s) >= _MIN_SECRET)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: the handler reports it as it would
            return True
        clean = message
        for secret in self.secrets:
            clean = clean.replace(secret, REDACTED)
        if record.exc_text:
            for secret in self.secrets:
                record.exc_text = record.exc_text.replace(secret, REDACTED)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def environment_secrets() -> list[str]:
    """The API keys in this process's environment (``*_API_KEY``) and ``$CODECRDT_TOKEN``."""
    return [
        value
        for name, value in os.environ.items()
        if value and (name.endswith("_API_KEY") or name == "CODECRDT_TOKEN")
    ]


def redact_in_logs(secrets: Iterable[str]) -> SecretFilter:
    """Filter ``secrets`` (and the environment's) out of every root handler's output."""
    root = logging.getLogger()
    existing = next(
        (f for h in root.handlers for f in h.filters if isinstance(f, SecretFilter)), None
    )
    secret_filter = existing or SecretFilter()
    secret_filter.add([*environment_secrets(), *secrets])
    for handler in root.handlers:
        if secret_filter not in handler.filters:
            handler.addFilter(secret_filter)
    return secret_filter
