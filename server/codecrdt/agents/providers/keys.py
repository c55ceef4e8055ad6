"""Where an API key from the environment may go: the one decision every provider asks.

A key read from the environment (``ANTHROPIC_API_KEY``, ``OPENAI_API_KEY``) is the user's.
It is sent to its provider's official endpoint, or to a base URL the *user* configured:
on the command line (``codecrdt generate --base-url``, ``codecrdt serve --base-url`` or
``--allow-base-url``), in the environment (``ANTHROPIC_BASE_URL``, ``OPENAI_BASE_URL``,
``CODECRDT_ALLOWED_BASE_URLS``), or in machine-level editor settings that the extension
passes on the server's command line. A base URL that only an LSP client named (a
``codecrdt.generate`` argument, ``initializationOptions``, ``didChangeConfiguration``)
gets no key: the request goes there with a placeholder (local servers such as llama.cpp
or Ollama need none), and a server that asks for one answers 401, whose message then says
why the key was withheld and how to allow that URL.

URLs are compared after :func:`normalise`: scheme and host in lower case, the default
port and a trailing ``/`` dropped; the path must match exactly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["ALLOWED_BASE_URLS_ENV", "PLACEHOLDER_KEY", "KeyChoice", "choose_key", "normalise"]

#: Base URLs (separated by commas or white space) that may receive keys, for every run.
ALLOWED_BASE_URLS_ENV = "CODECRDT_ALLOWED_BASE_URLS"
#: What goes out instead of a key: servers of one's own ask for none.
PLACEHOLDER_KEY = "not-needed"

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalise(url: str) -> str:
    """``url`` in the form URLs are compared in (unparseable text is kept as it is)."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{scheme}://{netloc}{path}{query}"


def environment_urls() -> list[str]:
    """The base URLs ``$CODECRDT_ALLOWED_BASE_URLS`` lists."""
    return [u for u in re.split(r"[,\s]+", os.environ.get(ALLOWED_BASE_URLS_ENV, "")) if u]


@dataclass(frozen=True)
class KeyChoice:
    """The key to send (None: none is available or allowed) and, when one was withheld,
    the sentence that says why."""

    key: str | None
    withheld: str | None = None


def choose_key(
    provider: str,
    env_var: str,
    base_url: str | None,
    *,
    official: str,
    configured: Iterable[str | None] = (),
    user_urls: Iterable[str] | None = (),
) -> KeyChoice:
    """The key from ``$env_var`` for a request to ``base_url``, if it may go there.

    It may when ``base_url`` is None (the official endpoint or the SDK's own
    ``*_BASE_URL``), equals ``official``, one of ``configured`` (the environment's base
    URL variables), one of ``$CODECRDT_ALLOWED_BASE_URLS``, or one of ``user_urls`` (the
    URLs the user configured for this run; None: ``base_url`` itself came from the user).
    """
    key = os.environ.get(env_var) or None
    if key is None or base_url is None or user_urls is None:
        return KeyChoice(key)
    trusted = {normalise(u) for u in (official, *configured, *environment_urls(), *user_urls) if u}
    if normalise(base_url) in trusted:
        return KeyChoice(key)
    return KeyChoice(
        None,
        f"{provider}: the key from {env_var} was not sent to {base_url}: that base URL came "
        "from the editor (a codecrdt.generate argument or the client's settings), not from "
        "your own configuration. To send it there, start the server with "
        f"--allow-base-url {base_url} (or --base-url), or list it in {ALLOWED_BASE_URLS_ENV}",
    )
