"""Claude through the Anthropic Messages API, streamed.

The system prompt goes first, then the shared context as a second system block marked
``cache_control: ephemeral``, so requests of one run that share a context read it from
Anthropic's prompt cache instead of paying for it again. The prompt is the one user message.

The SDK's own retries are off (``max_retries=0``): :mod:`codecrdt.agents.providers.retry`
retries every provider the same way. SDK and transport failures become
:class:`~codecrdt.agents.providers.base.ProviderError` subclasses whose messages never hold
the API key, and are raised with no SDK exception chained to them (an SDK exception may
carry the request, and with it the key).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable
from typing import Any

import anthropic
import httpx2
from anthropic.types import MessageDeltaUsage

from codecrdt.agents.providers.base import (
    AuthError,
    BaseProvider,
    Finished,
    ProviderError,
    ProviderTimeout,
    Request,
    StreamCut,
    StreamEvent,
    TextDelta,
    Usage,
)
from codecrdt.agents.providers.http_errors import (
    describe_transport_error,
    error_for_status,
    error_for_type,
    retry_after_seconds,
    unreadable_stream,
)
from codecrdt.agents.providers.keys import PLACEHOLDER_KEY
from codecrdt.agents.providers.registry import ProviderRequest
from codecrdt.clock import Clock

__all__ = [
    "API_KEY_ENV",
    "DEFAULT_MODEL",
    "OFFICIAL_URL",
    "AnthropicProvider",
    "custom_header_names",
    "from_request",
]

DEFAULT_MODEL = "claude-sonnet-4-6"
API_KEY_ENV = "ANTHROPIC_API_KEY"
BASE_URL_ENV = "ANTHROPIC_BASE_URL"
CUSTOM_HEADERS_ENV = "ANTHROPIC_CUSTOM_HEADERS"
OFFICIAL_URL = "https://api.anthropic.com"


class AnthropicProvider(BaseProvider):
    """A Claude model behind the provider interface.

    ``api_key`` defaults to ``$ANTHROPIC_API_KEY``; without either the constructor raises
    :class:`AuthError`. ``base_url`` points the client at another server (a proxy, a test
    server). ``user_urls``: the base URLs the user configured, when ``base_url`` may have
    come from elsewhere (an editor's request); the key from the environment goes only to
    one of those or to the official endpoint (:func:`~codecrdt.agents.providers.keys.
    choose_key`), else a placeholder goes instead. None (the default): ``base_url`` is
    the caller's own. ``timeout_s`` bounds connecting and each read: a stream that stalls
    longer fails with :class:`ProviderTimeout`.
    """

    name = "anthropic"
    _client: anthropic.AsyncAnthropic

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        user_urls: Iterable[str] | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        key = api_key
        if not key:
            key = self._environment_key(
                API_KEY_ENV,
                base_url,
                official=OFFICIAL_URL,
                base_url_env=BASE_URL_ENV,
                user_urls=user_urls,
            )
            if key is None and self._withheld is not None:
                key = PLACEHOLDER_KEY
        if not key:
            raise AuthError(
                f"anthropic: no API key: set the {API_KEY_ENV} environment variable or pass api_key"
            )
        self.model = model
        self._secrets = tuple(k for k in (key, os.environ.get(API_KEY_ENV)) if k)
        # The headers of $ANTHROPIC_CUSTOM_HEADERS are the user's, like the key (they may
        # carry credentials): where the key is withheld, the SDK is told to omit them.
        withheld = {name: anthropic.omit for name in custom_header_names()}
        self._client = anthropic.AsyncAnthropic(
            api_key=key,
            base_url=base_url,
            max_retries=0,
            timeout=timeout_s,
            default_headers=withheld if self._withheld is not None and withheld else None,
        )

    def request_params(self, request: Request) -> dict[str, Any]:
        """The keyword arguments of the Messages call for ``request``.

        Empty system or context blocks are left out (the API refuses empty text blocks).
        """
        system: list[dict[str, Any]] = []
        if request.system:
            system.append({"type": "text", "text": request.system})
        if request.context:
            system.append(
                {
                    "type": "text",
                    "text": request.context,
                    "cache_control": {"type": "ephemeral"},
                }
            )
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_tokens,
            "messages": [{"role": "user", "content": request.prompt}],
        }
        if system:
            params["system"] = system
        return params

    async def stream(self, request: Request) -> AsyncIterator[StreamEvent]:
        """Stream the answer: a :class:`TextDelta` per text delta, then one :class:`Finished`.

        The usage comes from ``message_start`` (input and cache tokens) and
        ``message_delta`` (output tokens, cumulative). A stream that ends before
        ``message_stop`` fails with :class:`StreamCut`. Closing this generator, or
        cancelling the task that iterates it, closes the HTTP stream.
        """
        usage = Usage()
        stop_reason: str | None = None
        finished = False
        failure: ProviderError | None = None
        try:
            async with self._client.messages.stream(**self.request_params(request)) as events:
                async for event in events:
                    if event.type == "message_start":
                        start = event.message.usage
                        usage.input_tokens = start.input_tokens or 0
                        usage.output_tokens = start.output_tokens or 0
                        usage.cache_write_tokens = start.cache_creation_input_tokens or 0
                        usage.cache_read_tokens = start.cache_read_input_tokens or 0
                    elif event.type == "content_block_delta":
                        if event.delta.type == "text_delta" and event.delta.text:
                            yield TextDelta(event.delta.text)
                    elif event.type == "message_delta":
                        _apply_delta_usage(usage, event.usage)
                        stop_reason = event.delta.stop_reason or stop_reason
                    elif event.type == "message_stop":
                        finished = True
        except anthropic.APIStatusError as error:
            failure = self._status_failure(error)
        except (anthropic.APITimeoutError, httpx2.TimeoutException):
            failure = ProviderTimeout(f"anthropic: {self.model}: the request timed out")
        except (anthropic.APIConnectionError, httpx2.TransportError) as error:
            failure = StreamCut(
                self._redact(f"anthropic: connection failed: {describe_transport_error(error)}")
            )
        except anthropic.APIError as error:
            failure = error_for_type(
                self.name, self.model, None, error.message, secrets=self._secrets
            )
        except Exception as error:  # what the SDK cannot read: invalid UTF-8, broken
            # JSON, an event of the wrong shape; a later attempt may read it
            failure = unreadable_stream(self.name, self.model, error, self._secrets)
        # Raised here, outside the handlers, so that no SDK exception is chained to it.
        if failure is not None:
            raise failure
        if not finished:
            raise StreamCut(f"anthropic: {self.model}: the stream ended before message_stop")
        yield Finished(usage, stop_reason)

    def _status_failure(self, error: anthropic.APIStatusError) -> ProviderError:
        """The error for an HTTP error answer, or for an ``error`` event in a 200 stream."""
        error_type, detail = _error_fields(error.body, error.message)
        status = error.status_code
        if status < 400:  # an ``error`` event mid-stream: the body names what went wrong
            return error_for_type(self.name, self.model, error_type, detail, secrets=self._secrets)
        detail = self._refusal_detail(status, detail)
        return error_for_status(
            self.name,
            self.model,
            status,
            detail,
            retry_after=retry_after_seconds(error.response.headers),
            secrets=self._secrets,
        )


def from_request(request: ProviderRequest, clock: Clock) -> AnthropicProvider:
    """The registry's factory: the request's model (else the default) and base URL (a
    network request takes real time whatever the clock)."""
    return AnthropicProvider(
        request.model or DEFAULT_MODEL,
        base_url=request.base_url,
        user_urls=getattr(request, "user_urls", ()),
    )


def _apply_delta_usage(usage: Usage, delta: MessageDeltaUsage) -> None:
    """Update ``usage`` with the counts of a ``message_delta`` event.

    They are cumulative, so a count only ever grows; the input and cache counts, when the
    event has them at all, repeat or complete those of ``message_start``.
    """
    usage.output_tokens = max(usage.output_tokens, delta.output_tokens or 0)
    usage.input_tokens = max(usage.input_tokens, delta.input_tokens or 0)
    usage.cache_write_tokens = max(usage.cache_write_tokens, delta.cache_creation_input_tokens or 0)
    usage.cache_read_tokens = max(usage.cache_read_tokens, delta.cache_read_input_tokens or 0)


def _error_fields(body: object, fallback: str) -> tuple[str | None, str]:
    """The error type and message of an Anthropic error body (``{"error": {...}}``)."""
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict):
            error_type = inner.get("type")
            message = inner.get("message")
            return (
                error_type if isinstance(error_type, str) else None,
                message if isinstance(message, str) and message else fallback,
            )
    if isinstance(body, str) and body:
        return None, body
    return None, fallback


def custom_header_names() -> list[str]:
    """The header names in ``$ANTHROPIC_CUSTOM_HEADERS`` (``Name: value`` lines), which the
    SDK adds to every request."""
    text = os.environ.get(CUSTOM_HEADERS_ENV) or ""
    return [line.split(":", 1)[0].strip() for line in text.split("\n") if ":" in line]
