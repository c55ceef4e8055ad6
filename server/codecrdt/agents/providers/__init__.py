"""Model providers behind one streaming interface, and the choice between them."""

from __future__ import annotations

import os

from codecrdt.agents.providers.base import Provider
from codecrdt.agents.script import Latency, Script
from codecrdt.clock import Clock

__all__ = ["PROVIDERS", "default_provider", "make_provider"]

PROVIDERS = ("anthropic", "openai", "scripted")


def default_provider() -> str:
    """``anthropic`` when ``ANTHROPIC_API_KEY`` is set, else the offline ``scripted``."""
    return "anthropic" if os.environ.get("ANTHROPIC_API_KEY") else "scripted"


def make_provider(
    name: str,
    *,
    model: str | None = None,
    base_url: str | None = None,
    script: Script | None = None,
    seed: int = 0,
    clock: Clock | None = None,
    timeout_s: float = 60.0,
    latency: Latency | None = None,
) -> Provider:
    """A provider by name; ``AuthError``/``ValueError`` with a clear message when it cannot be."""
    if name == "scripted":
        from codecrdt.agents.providers.scripted import ScriptedProvider

        if script is None:
            raise ValueError("the scripted provider needs a script (--script TASK or FILE)")
        return ScriptedProvider(script, seed=seed, clock=clock, latency=latency)
    if name == "anthropic":
        from codecrdt.agents.providers.anthropic import DEFAULT_MODEL, AnthropicProvider

        return AnthropicProvider(model or DEFAULT_MODEL, base_url=base_url, timeout_s=timeout_s)
    if name == "openai":
        from codecrdt.agents.providers.openai_compat import DEFAULT_MODEL as OPENAI_MODEL
        from codecrdt.agents.providers.openai_compat import OpenAIProvider

        return OpenAIProvider(model or OPENAI_MODEL, base_url=base_url, timeout_s=timeout_s)
    raise ValueError(f"unknown provider {name!r} (choose from {', '.join(PROVIDERS)})")
