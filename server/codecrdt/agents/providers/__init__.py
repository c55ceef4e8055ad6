"""Model providers behind one streaming interface, the registry of them, and the default.

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

__all__ = ["Registration", "default_provider", "make_provider", "provider_names", "register"]


def default_provider() -> str:
    """``anthropic`` when ``ANTHROPIC_API_KEY`` is set, else the offline ``scripted``."""
    return "anthropic" if os.environ.get("ANTHROPIC_API_KEY") else "scripted"
