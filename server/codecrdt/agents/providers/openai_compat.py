"""OpenAI, or any OpenAI-compatible server, through the Chat Completions API, streamed.

``base_url`` selects the server: OpenAI itself when it is not given, otherwise any
endpoint that speaks Chat Completions (Ollama, vLLM, the llama.cpp server, LM Studio).
The request is a system message, then one user message holding the shared context
followed by the prompt: OpenAI caches long shared prompt prefixes by itself, and keeping
the context first keeps that prefix the same across the requests of a run.

The SDK's own retries are off (``max_retries=0``): :mod:`codecrdt.agents.providers.retry`
retries every provider the same way. SDK and transport failures become
:class:`~codecrdt.agents.providers.base.ProviderError` subclasses whose messages never hold
the API key, raised with no SDK exception chained to them.
"""

from __future__ import annotations

import math
import os
from collections.abc import AsyncIterator, Iterable
from typing import Any

import openai
from openai.types import CompletionUsage

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
    "BASE_URL_ENV",
    "DEFAULT_MODEL",
    "LOCAL_API_KEY",
    "OFFICIAL_URL",
    "OpenAIProvider",
    "from_request",
]

DEFAULT_MODEL = "gpt-4.1"
API_KEY_ENV = "OPENAI_API_KEY"
BASE_URL_ENV = "OPENAI_BASE_URL"
OFFICIAL_URL = "https://api.openai.com/v1"
# What we send as the key to a server of our own that asks for none.
LOCAL_API_KEY = PLACEHOLDER_KEY


class OpenAIProvider(BaseProvider):
    """A model behind an OpenAI-compatible Chat Completions endpoint.

    The key is ``api_key``, else ``$OPENAI_API_KEY``. A server given by ``base_url`` (or
    ``$OPENAI_BASE_URL``) without a key gets the placeholder ``"not-needed"``: local
    servers ask for none. With neither a key nor a server the constructor raises
    :class:`AuthError`. ``user_urls``: the base URLs the user configured, when
    ``base_url`` may have come from elsewhere (an editor's request); the key from the
    environment goes only to one of those, ``$OPENAI_BASE_URL`` or OpenAI itself
    (:func:`~codecrdt.agents.providers.keys.choose_key`), else the placeholder goes
    instead. None (the default): ``base_url`` is the caller's own. ``timeout_s`` bounds
    connecting and each read.

    The token limit goes out as ``max_completion_tokens`` to OpenAI itself (the only form
    its reasoning models accept) and as ``max_tokens`` to other servers (the form they
    all understand). Every request carries ``temperature`` (default 0) and, when given,
    ``seed`` (a run's seed), so that two runs on one seed sample alike where the server
    honours them (llama.cpp's server does; OpenAI calls ``seed`` best effort).
    """

    name = "openai"
    _client: openai.AsyncOpenAI

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        user_urls: Iterable[str] | None = None,
        timeout_s: float = 60.0,
        temperature: float = 0.0,
        seed: int | None = None,
    ) -> None:
        base_url = base_url or os.environ.get(BASE_URL_ENV) or None
        #: Sent with every request: sampling temperature (0: the likeliest token) and the
        #: sampling seed (None: not sent), so that runs on one seed can be compared.
        self.temperature = temperature
        self.seed = seed
        key = api_key
        if not key:
            key = self._environment_key(
                API_KEY_ENV,
                base_url,
                official=OFFICIAL_URL,
                base_url_env=BASE_URL_ENV,
                user_urls=user_urls,
            )
        if not key:
            if base_url is None:
                raise AuthError(
                    f"openai: no API key: set the {API_KEY_ENV} environment variable,"
                    " pass api_key, or give the base_url of a local server"
                )
            key = LOCAL_API_KEY
        self.model = model
        self._secrets = tuple(k for k in (key, os.environ.get(API_KEY_ENV)) if k)
        self._official = base_url is None
        self._client = openai.AsyncOpenAI(
            api_key=key, base_url=base_url, max_retries=0, timeout=timeout_s
        )

    def request_params(self, request: Request) -> dict[str, Any]:
        """The keyword arguments of the streamed Chat Completions call for ``request``."""
        user = f"{request.context}\n\n{request.prompt}" if request.context else request.prompt
        messages: list[dict[str, str]] = []
        if request.system:
            messages.append({"role": "system", "content": request.system})
        messages.append({"role": "user", "content": user})
        limit = "max_completion_tokens" if self._official else "max_tokens"
        params: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            limit: request.max_tokens,
            "temperature": self.temperature,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if self.seed is not None:
            params["seed"] = self.seed
        return params

    async def stream(self, request: Request) -> AsyncIterator[StreamEvent]:
        """Stream the answer: a :class:`TextDelta` per content delta, then one
        :class:`Finished`.

        The usage comes from the final chunk that ``include_usage`` asks for; the prompt's
        cached tokens (``prompt_tokens_details.cached_tokens``) count as cache reads and
        the rest as input. Local servers may send no usage: then it is estimated at four
        characters a token, ``ceil(len(system + context + prompt) / 4)`` for the input and
        ``ceil(len(answer) / 4)`` for the output. A stream that ends before any choice
        has a ``finish_reason`` fails with :class:`StreamCut`. Closing this generator, or
        cancelling the task that iterates it, closes the HTTP stream.
        """
        usage: Usage | None = None
        stop_reason: str | None = None
        answer_chars = 0
        failure: ProviderError | None = None
        try:
            async with await self._client.chat.completions.create(
                **self.request_params(request)
            ) as chunks:
                async for chunk in chunks:
                    if chunk.usage is not None:
                        usage = _usage(chunk.usage)
                    for choice in chunk.choices:
                        text = choice.delta.content
                        if text:
                            answer_chars += len(text)
                            yield TextDelta(text)
                        if choice.finish_reason is not None:
                            stop_reason = choice.finish_reason
        except openai.APIStatusError as error:
            failure = self._status_failure(error)
        except openai.APITimeoutError:
            failure = ProviderTimeout(f"openai: {self.model}: the request timed out")
        except openai.APIConnectionError as error:
            failure = StreamCut(
                self._redact(f"openai: connection failed: {describe_transport_error(error)}")
            )
        except openai.APIError as error:
            # An error the server reported inside a 200 stream.
            failure = self._body_failure(error)
        except Exception as error:  # what the SDK cannot read: invalid UTF-8, broken
            # JSON, an event of the wrong shape; a later attempt may read it
            failure = unreadable_stream(self.name, self.model, error, self._secrets)
        # Raised here, outside the handlers, so that no SDK exception is chained to it.
        if failure is not None:
            raise failure
        if stop_reason is None:
            raise StreamCut(f"openai: {self.model}: the stream ended before a finish_reason")
        if usage is None:
            usage = Usage(
                input_tokens=math.ceil(
                    (len(request.system) + len(request.context) + len(request.prompt)) / 4
                ),
                output_tokens=math.ceil(answer_chars / 4),
            )
        yield Finished(usage, stop_reason)

    def _status_failure(self, error: openai.APIStatusError) -> ProviderError:
        _, detail = _error_fields(error.body, error.message)
        detail = self._refusal_detail(error.status_code, detail)
        return error_for_status(
            self.name,
            self.model,
            error.status_code,
            detail,
            retry_after=retry_after_seconds(error.response.headers),
            secrets=self._secrets,
        )

    def _body_failure(self, error: openai.APIError) -> ProviderError:
        """The error for ``{"error": {...}}`` in a stream: by its numeric code when it has
        one (vLLM sends the HTTP status there), else by its type or code name."""
        error_type, detail = _error_fields(error.body, error.message)
        code = error.body.get("code") if isinstance(error.body, dict) else None
        if isinstance(code, int) and 400 <= code < 600:
            where = f"error {code} in stream"
            return error_for_status(
                self.name, self.model, code, detail, secrets=self._secrets, where=where
            )
        return error_for_type(self.name, self.model, error_type, detail, secrets=self._secrets)


def from_request(request: ProviderRequest, clock: Clock) -> OpenAIProvider:
    """The registry's factory: the request's model (else the default) and base URL (a
    network request takes real time whatever the clock)."""
    return OpenAIProvider(
        request.model or DEFAULT_MODEL,
        base_url=request.base_url,
        user_urls=getattr(request, "user_urls", ()),
        temperature=_temperature(request),
        seed=getattr(request, "seed", None),
    )


def _temperature(request: ProviderRequest) -> float:
    """The request's sampling temperature; 0 (the likeliest token) when it names none."""
    temperature = getattr(request, "temperature", None)
    return 0.0 if temperature is None else float(temperature)


def _usage(reported: CompletionUsage) -> Usage:
    """Our usage for OpenAI's: its ``prompt_tokens`` include the cached ones."""
    details = reported.prompt_tokens_details
    cached = (details.cached_tokens or 0) if details is not None else 0
    prompt = reported.prompt_tokens or 0
    return Usage(
        input_tokens=max(0, prompt - cached),
        output_tokens=reported.completion_tokens or 0,
        cache_read_tokens=cached,
    )


def _error_fields(body: object, fallback: str) -> tuple[str | None, str]:
    """The error type and code name (``requests/rate_limit_exceeded``), and the message,
    of an OpenAI error body.

    The SDK hands over the inner ``error`` object for HTTP errors; compatible servers
    vary, so a whole ``{"error": {...}}`` body is accepted too.
    """
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    if isinstance(body, dict):
        names = [body.get("type"), body.get("code")]
        error_type = "/".join(name for name in names if isinstance(name, str) and name) or None
        message = body.get("message")
        return error_type, message if isinstance(message, str) and message else fallback
    if isinstance(body, str) and body:
        return None, body
    return None, fallback
