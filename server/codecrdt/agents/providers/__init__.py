"""Model providers behind one streaming interface, the registry of them, and the default
(a provider whose key or base URL is configured; never the scripted one).

The registry (:mod:`codecrdt.agents.providers.registry`) names every provider and makes
one for a run request; :mod:`~codecrdt.agents.providers.base` holds the interface and the
boilerplate every provider shares.
"""

from __future__ import annotations

import os

from codecrdt.agents.providers.registry import (
    Registration,
    make_provider,
    provider_names,
    register,
)

__all__ = [
    "DEFAULT_KEYS",
    "Registration",
    "default_provider",
    "make_provider",
    "provider_names",
    "register",
]


#: The environment variables whose key makes a provider usable without naming it.
DEFAULT_KEYS = (("anthropic", "ANTHROPIC_API_KEY"), ("openai", "OPENAI_API_KEY"))


def default_provider(base_url: str | None = None) -> str | None:
    """The provider a run uses when none is named, or None when none is usable.

    ``anthropic`` when ``ANTHROPIC_API_KEY`` is set; else ``openai`` when ``OPENAI_API_KEY``
    is set or a base URL is given (``base_url``, or ``$OPENAI_BASE_URL``: a local
    OpenAI-compatible server needs no key). Never the scripted provider: prepared output
    is played only when it is asked for by name.
    """
    for name, variable in DEFAULT_KEYS:
        if os.environ.get(variable):
            return name
    if base_url or os.environ.get("OPENAI_BASE_URL"):
        return "openai"
    return None
