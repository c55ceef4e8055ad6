"""HTTP failures of model APIs, turned into :class:`ProviderError` subclasses.

Shared by the SDK-backed providers so that every one of them maps a status code, an error
type named in a response body, and a ``retry-after`` header the same way. Every message
built here goes through :func:`redact` with the secrets the caller passes.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterable, Mapping

from codecrdt.agents.providers.base import (
    AuthError,
    BadRequest,
    Overloaded,
    ProviderError,
    ProviderTimeout,
    RateLimited,
    ServerError,
    StreamCut,
    redact,
)

__all__ = [
    "describe_transport_error",
    "error_for_status",
    "error_for_type",
    "retry_after_seconds",
    "unreadable_stream",
]


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """The wait a response asks for, in seconds, or None when it asks for none.

    ``retry-after-ms`` (milliseconds, sent by Anthropic and OpenAI) wins over
    ``retry-after``, which may hold seconds (integer or not) or an HTTP date.
    """
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def error_for_status(
    provider: str,
    model: str,
    status: int,
    detail: str,
    *,
    retry_after: float | None = None,
    secrets: Iterable[str | None] = (),
    where: str | None = None,
) -> ProviderError:
    """The error for an HTTP ``status`` answer.

    429 → :class:`RateLimited`; 503 and 529 → :class:`Overloaded`; other 5xx →
    :class:`ServerError`; 408 → :class:`ProviderTimeout`; 401 and 403 →
    :class:`AuthError`; any other 4xx → :class:`BadRequest`, whose message names
    ``model`` (404 says the model was not found). ``retry_after`` is kept on every error.
    ``where`` replaces ``HTTP <status>`` in the message.
    """
    secrets = list(secrets)
    detail = detail.strip() or "no detail"

    def message(what: str) -> str:
        return redact(f"{provider}: {what} ({where or f'HTTP {status}'}): {detail}", secrets)

    if status == 429:
        return RateLimited(message("rate limited"), retry_after=retry_after)
    if status in (503, 529):
        return Overloaded(message("overloaded"), retry_after=retry_after)
    if status >= 500:
        return ServerError(message("server error"), retry_after=retry_after)
    if status == 408:
        return ProviderTimeout(message("request timed out"), retry_after=retry_after)
    if status in (401, 403):
        return AuthError(message("credentials refused"), retry_after=retry_after)
    if status == 404:
        return BadRequest(
            message(f"model {model!r} not found, or the endpoint does not exist"),
            retry_after=retry_after,
        )
    return BadRequest(message(f"request for model {model!r} refused"), retry_after=retry_after)


# Error types named in response bodies (Anthropic's ``error.type``, OpenAI's ``error.type``
# or ``error.code``), by the fragment that identifies them, with the status they stand for.
_TYPE_STATUS: tuple[tuple[str, int], ...] = (
    ("overloaded", 529),
    ("rate_limit", 429),
    ("authentication", 401),
    ("permission", 403),
    ("not_found", 404),
    ("timeout", 408),
    ("invalid_request", 400),
    ("too_large", 400),
)


def error_for_type(
    provider: str,
    model: str,
    error_type: str | None,
    detail: str,
    *,
    secrets: Iterable[str | None] = (),
) -> ProviderError:
    """The error for a failure a stream reports in its body after an HTTP 200.

    ``error_type`` is the type the body names (``overloaded_error``, ``api_error``,
    ``rate_limit_error``…); it is mapped to the status it stands for and then as
    :func:`error_for_status` does. An unknown or missing type counts as a server error.
    """
    lowered = (error_type or "").lower()
    status = next((code for fragment, code in _TYPE_STATUS if fragment in lowered), 500)
    where = f"{error_type or 'error'} in stream"
    return error_for_status(provider, model, status, detail, secrets=secrets, where=where)


def describe_transport_error(error: BaseException) -> str:
    """What a transport error says, with its cause when the SDK wrapped one (the SDKs'
    own messages, such as "Connection error.", hide what actually happened)."""
    cause = error.__cause__
    text = str(error) or type(error).__name__
    if cause is not None and str(cause):
        return f"{text} ({type(cause).__name__}: {cause})"
    return text


def unreadable_stream(
    provider: str, model: str, error: BaseException, secrets: Iterable[str | None] = ()
) -> ProviderError:
    """A stream the SDK failed to read (invalid UTF-8, broken JSON, an unexpected event):
    a :class:`StreamCut`, retried like a dropped connection, naming what went wrong."""
    detail = str(error).splitlines()[0][:300] if str(error) else ""
    what = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return StreamCut(redact(f"{provider}: {model}: the stream could not be read ({what})", secrets))
