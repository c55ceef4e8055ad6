"""One streaming interface for every model provider.

A provider turns a :class:`Request` into a stream of :class:`TextDelta` events ending with
one :class:`Finished` (the usage of the call). Failures are :class:`ProviderError`
subclasses that say whether a retry may help and how long the provider asked us to wait;
:mod:`codecrdt.agents.providers.retry` does the retrying, the same way for every provider.

Error messages never contain an API key: :func:`redact` scrubs every secret a provider
was given before a message leaves it. :class:`BaseProvider` holds what every provider
repeats: the price of a call, closing the client, redacting its keys.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import ClassVar, Literal, Protocol

from codecrdt.agents.providers import pricing
from codecrdt.agents.providers.keys import choose_key

__all__ = [
    "AuthError",
    "BadRequest",
    "BaseProvider",
    "Finished",
    "Overloaded",
    "Provider",
    "ProviderError",
    "ProviderTimeout",
    "RateLimited",
    "Request",
    "Role",
    "ServerError",
    "StreamCut",
    "StreamEvent",
    "TextDelta",
    "Usage",
    "redact",
]

Role = Literal["outliner", "implementer", "evaluator", "sequential"]


@dataclass(frozen=True, slots=True)
class Request:
    """What an agent asks a model for.

    ``context`` is the part shared by many requests of a run (the task and the current
    document); providers that support prompt caching mark it cacheable. ``key`` names
    what the request is for — ``outline``, ``todo:<name>``, ``fix:<code>:<name> …``,
    ``sequential`` — so the scripted provider can find its prepared answer.
    """

    role: Role
    system: str
    context: str
    prompt: str
    key: str
    max_tokens: int = 4096
    agent: str = ""


@dataclass(slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    def add(self, other: Usage) -> None:
        self.input_tokens += other.input_tokens
        self.output_tokens += other.output_tokens
        self.cache_read_tokens += other.cache_read_tokens
        self.cache_write_tokens += other.cache_write_tokens

    @property
    def total(self) -> int:
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_read_tokens
            + self.cache_write_tokens
        )


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class Finished:
    usage: Usage = field(default_factory=Usage)
    stop_reason: str | None = None


StreamEvent = TextDelta | Finished


class ProviderError(Exception):
    """A failed model call. ``retryable``: a later attempt may succeed."""

    retryable = False

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(ProviderError):
    """HTTP 429."""

    retryable = True


class Overloaded(ProviderError):
    """HTTP 529 (Anthropic's "overloaded") or 503."""

    retryable = True


class ServerError(ProviderError):
    """Any other 5xx answer."""

    retryable = True


class StreamCut(ProviderError):
    """The connection closed or broke before the stream's end."""

    retryable = True


class ProviderTimeout(ProviderError):
    """No answer, or no new event, within the configured time."""

    retryable = True


class AuthError(ProviderError):
    """Missing or refused credentials."""


class BadRequest(ProviderError):
    """The provider refused the request itself (unknown model, invalid parameters)."""


class Provider(Protocol):
    """A model behind a streaming interface."""

    name: str
    model: str

    def stream(self, request: Request) -> AsyncIterator[StreamEvent]:
        """Stream the answer to ``request``: text deltas, then one ``Finished``."""
        ...

    def cost(self, usage: Usage) -> float | None:
        """The price of ``usage`` in USD, or None when the price is not known."""
        ...

    async def aclose(self) -> None: ...


def redact(message: str, secrets: Iterable[str | None]) -> str:
    """``message`` with every non-trivial secret replaced by ``[redacted]``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            message = message.replace(secret, "[redacted]")
    return message


class _Client(Protocol):
    async def close(self) -> None: ...


class BaseProvider:
    """What every provider shares; a subclass sets ``name`` and ``model`` and writes
    ``stream`` (see :class:`Provider`).

    ``_secrets`` are the keys the provider was given: :meth:`_redact` scrubs them from
    messages. ``_client`` is the SDK client, closed by :meth:`aclose` (None: nothing to
    close). The price comes from :mod:`~codecrdt.agents.providers.pricing` by model name.
    A key from the environment is chosen by :meth:`_environment_key`, which remembers why
    one was withheld so that a refusal can say so (:meth:`_refusal_detail`).
    """

    name: ClassVar[str] = ""
    model: str = ""
    _secrets: tuple[str, ...] = ()
    _client: _Client | None = None
    _withheld: str | None = None

    def _environment_key(
        self,
        env_var: str,
        base_url: str | None,
        *,
        official: str,
        base_url_env: str,
        user_urls: Iterable[str] | None,
    ) -> str | None:
        """The key from ``$env_var`` if it may go to ``base_url``
        (:func:`~codecrdt.agents.providers.keys.choose_key`); None otherwise, and then
        ``_withheld`` says why when one was held back."""
        choice = choose_key(
            self.name,
            env_var,
            base_url,
            official=official,
            configured=(os.environ.get(base_url_env),),
            user_urls=user_urls,
        )
        self._withheld = choice.withheld
        return choice.key

    def _refusal_detail(self, status: int, detail: str) -> str:
        """``detail`` of an HTTP error, with why the key was withheld when the server
        refused the request for want of one (401, 403)."""
        if status in (401, 403) and self._withheld:
            return f"{detail}; {self._withheld}"
        return detail

    def cost(self, usage: Usage) -> float | None:
        """The price of ``usage`` on this model in USD, or None when it is not known."""
        return pricing.cost(self.model, usage)

    async def aclose(self) -> None:
        """Close the client and its pooled connections."""
        if self._client is not None:
            await self._client.close()

    def _redact(self, message: str) -> str:
        return redact(message, self._secrets)
