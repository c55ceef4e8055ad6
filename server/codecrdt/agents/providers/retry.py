"""Retries, timeouts and restarts around any provider's stream.

:func:`stream_with_retries` yields what the provider yields. A retryable failure is retried
with exponential backoff (full jitter), waiting at least what the provider asked for with
``retry-after``. When a failure comes after some text was already yielded, a
:class:`Restart` is yielded before the new attempt: the consumer drops what it received
and the answer starts over. A stream that sends nothing for ``idle_timeout_s`` fails with
:class:`ProviderTimeout`. Non-retryable errors, and the last retryable one, propagate.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from codecrdt.agents.providers.base import (
    Provider,
    ProviderError,
    ProviderTimeout,
    Request,
    StreamEvent,
    TextDelta,
)

__all__ = ["Restart", "RetryPolicy", "stream_with_retries"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    # The longest ``retry-after`` we honour; a longer one fails the call at once.
    max_retry_after_s: float = 120.0
    # No event (first token or next one) for this long fails the attempt.
    idle_timeout_s: float = 60.0

    def delay(self, attempt: int, error: ProviderError, rng: random.Random) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1)."""
        backoff = rng.uniform(0, min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))
        if error.retry_after is not None:
            return max(error.retry_after, backoff)
        return backoff


@dataclass(frozen=True, slots=True)
class Restart:
    """The previous attempt failed after yielding text; the answer starts over."""

    attempt: int
    error: ProviderError


Sleep = Callable[[float], Awaitable[None]]


async def stream_with_retries(
    provider: Provider,
    request: Request,
    policy: RetryPolicy,
    *,
    rng: random.Random | None = None,
    sleep: Sleep = asyncio.sleep,
    on_retry: Callable[[int, ProviderError, float], None] | None = None,
) -> AsyncIterator[StreamEvent | Restart]:
    rng = rng or random.Random()
    attempt = 1
    while True:
        yielded_text = False
        stream = provider.stream(request)
        try:
            while True:
                try:
                    async with asyncio.timeout(policy.idle_timeout_s):
                        event = await anext(stream)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    raise ProviderTimeout(
                        f"{provider.name}: no answer for {policy.idle_timeout_s:g} s"
                    ) from None
                if isinstance(event, TextDelta) and event.text:
                    yielded_text = True
                yield event
        except ProviderError as error:
            if not error.retryable or attempt >= policy.max_attempts:
                raise
            if error.retry_after is not None and error.retry_after > policy.max_retry_after_s:
                raise
            wait = policy.delay(attempt, error, rng)
            if on_retry is not None:
                on_retry(attempt, error, wait)
            await sleep(wait)
            attempt += 1
            if yielded_text:
                yield Restart(attempt, error)
        finally:
            await stream.aclose()
