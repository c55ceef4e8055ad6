"""The stand-in when no provider is configured, for work that needs a model only in part.

The Evaluator fixes most conflicts deterministically; only the rest needs a model. With no
key and no base URL, ``codecrdt.evaluate`` still makes the deterministic fixes, and every
request for a model fix is refused with :class:`~codecrdt.agents.providers.base.AuthError`
carrying the message that says how to configure a provider (never prepared output).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import ClassVar

from codecrdt.agents.providers.base import AuthError, BaseProvider, Request, StreamEvent

__all__ = ["UnconfiguredProvider"]


class UnconfiguredProvider(BaseProvider):
    """Refuses every request with ``message`` (how to configure a provider)."""

    name: ClassVar[str] = "none"

    def __init__(self, message: str) -> None:
        self.message = message

    async def stream(self, request: Request) -> AsyncIterator[StreamEvent]:
        raise AuthError(self.message)
        yield  # pragma: no cover - makes this an async generator
