"""The provider registry: every provider by name, and the one factory that makes them.

A provider registers a :class:`Registration`: its name, a one-line summary and the dotted
path of its factory, ``"package.module:function"``. The factory is imported only when that
provider is made, so naming the providers (the CLI's choices, the validator) never loads an
SDK. A factory takes the run's request — any object with the attributes of
:class:`ProviderRequest`, such as :class:`codecrdt.request.RunRequest` — and the run's
:class:`~codecrdt.clock.Clock`, and reads what that provider needs: the network providers
their model and base URL, the scripted one its script, seed and latency (its modelled
delays play on the clock, at the clock's time scale). So the factory takes no provider's
parameters, and adding a
provider is its module plus one line in :data:`BUILTIN` (or one :func:`register` call from
anywhere, e.g. a test or a plugin).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from codecrdt.agents.providers.base import Provider
from codecrdt.clock import Clock

__all__ = [
    "BUILTIN",
    "ProviderRequest",
    "Registration",
    "make_provider",
    "provider_names",
    "register",
    "registration",
    "unregister",
]


class ProviderRequest(Protocol):
    """What every provider's factory may read of a run request."""

    @property
    def provider(self) -> str: ...
    @property
    def model(self) -> str | None: ...
    @property
    def base_url(self) -> str | None: ...


# A request may also have ``user_urls`` (the base URLs the user configured, to which a key
# from the environment may go: :mod:`codecrdt.agents.providers.keys`); one without it
# sends no key to a base URL other than the provider's official one.


Factory = Callable[[ProviderRequest, Clock], Provider]


@dataclass(frozen=True)
class Registration:
    """One provider: its name, what it is (one line), and its factory.

    ``factory`` is a callable, or ``"package.module:function"`` imported on first use.
    """

    name: str
    summary: str
    factory: str | Factory

    def load(self) -> Factory:
        if not isinstance(self.factory, str):
            return self.factory
        module, _, attribute = self.factory.partition(":")
        found: Factory = getattr(importlib.import_module(module), attribute)
        return found


#: The providers that ship with CodeCRDT, in the order the CLI and the settings list them.
BUILTIN = (
    Registration(
        "anthropic",
        "Anthropic's Messages API (needs an Anthropic API key)",
        "codecrdt.agents.providers.anthropic:from_request",
    ),
    Registration(
        "openai",
        "any OpenAI-compatible Chat Completions server: OpenAI, Ollama, vLLM, llama.cpp",
        "codecrdt.agents.providers.openai_compat:from_request",
    ),
    Registration(
        "scripted",
        "prepared output, not a model: replays a bundled task offline",
        "codecrdt.agents.providers.scripted:from_request",
    ),
)

_registry: dict[str, Registration] = {r.name: r for r in BUILTIN}


def register(entry: Registration) -> None:
    """Add a provider (or replace the one of that name)."""
    if not entry.name or not entry.name.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"a provider name is letters, digits, - and _; not {entry.name!r}")
    _registry[entry.name] = entry


def unregister(name: str) -> None:
    """Remove a provider (tests that registered one clean up with this)."""
    _registry.pop(name, None)


def provider_names() -> tuple[str, ...]:
    """Every registered provider's name, built-in ones first."""
    return tuple(_registry)


def registration(name: str) -> Registration | None:
    return _registry.get(name)


def make_provider(request: ProviderRequest, clock: Clock | None = None) -> Provider:
    """The provider ``request.provider`` names, made for ``request`` on the run's ``clock``
    (default: the real clock at normal speed).

    ``AuthError`` (a missing key) or ``ValueError`` with a clear message when it cannot be.
    """
    entry = _registry.get(request.provider)
    if entry is None:
        names = ", ".join(provider_names())
        raise ValueError(f"unknown provider {request.provider!r} (choose from {names})")
    return entry.load()(request, clock if clock is not None else Clock.real())
