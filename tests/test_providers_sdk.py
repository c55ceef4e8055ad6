"""The Anthropic and OpenAI providers, through the real SDKs, against local fake servers.

Each test runs for both providers unless its name says otherwise. The servers
(:mod:`fake_model_servers`) speak the real streaming protocols over HTTP on 127.0.0.1, so
what is tested is the whole path: request building, the SDK's HTTP and SSE handling, our
event and error mapping, and :func:`stream_with_retries` on top. No test sleeps for a
retry: a recording ``sleep`` stands in for :func:`asyncio.sleep`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import math
import random
import traceback
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest

from codecrdt.agents.providers import pricing
from codecrdt.agents.providers.anthropic import DEFAULT_MODEL, AnthropicProvider
from codecrdt.agents.providers.base import (
    AuthError,
    BadRequest,
    Finished,
    Overloaded,
    ProviderError,
    ProviderTimeout,
    RateLimited,
    Request,
    ServerError,
    StreamCut,
    TextDelta,
    Usage,
)
from codecrdt.agents.providers.http_errors import retry_after_seconds
from codecrdt.agents.providers.openai_compat import OpenAIProvider
from codecrdt.agents.providers.retry import Restart, RetryPolicy, stream_with_retries
from fake_model_servers import (
    Cut,
    FakeModelServer,
    Garbage,
    MidStreamError,
    Stall,
    Status,
    Stream,
    UnknownModel,
    rate_limited,
    unauthorized,
)

KEY = "sk-test-SECRET-123456"
TEXT = "def add(a: int, b: int) -> int:\n    return a + b\n"
REQUEST = Request(
    role="implementer",
    system="You write Python.",
    context="# The shared document\n\n# TODO: add\n",
    prompt="Implement add.",
    key="todo:add",
    max_tokens=512,
)
POLICY = RetryPolicy(max_attempts=4, base_delay_s=0.01, idle_timeout_s=5.0)

Provider = AnthropicProvider | OpenAIProvider


@pytest.fixture(params=["anthropic", "openai"])
def server(request: pytest.FixtureRequest) -> Iterator[FakeModelServer]:
    with FakeModelServer(request.param) as fake:
        yield fake


def make_provider(
    server: FakeModelServer, *, timeout_s: float = 5.0, model: str | None = None
) -> Provider:
    if server.protocol == "anthropic":
        return AnthropicProvider(
            model or "claude-haiku-4-5", api_key=KEY, base_url=server.url, timeout_s=timeout_s
        )
    return OpenAIProvider(
        model or "gpt-4o-mini", api_key=KEY, base_url=server.url, timeout_s=timeout_s
    )


@pytest.fixture
async def provider(server: FakeModelServer) -> AsyncIterator[Provider]:
    made = make_provider(server)
    yield made
    await made.aclose()


def overloaded_status(server: FakeModelServer, **headers: str) -> Status:
    return Status(529 if server.protocol == "anthropic" else 503, "overloaded", headers)


@dataclass
class Outcome:
    """What a consumer of :func:`stream_with_retries` ends up with."""

    text: str = ""
    finished: Finished | None = None
    deltas: int = 0
    restarts: list[Restart] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    retried: list[ProviderError] = field(default_factory=list)


async def consume(provider: Provider, policy: RetryPolicy = POLICY) -> Outcome:
    """Run the request with retries, dropping the text received before each Restart."""
    outcome = Outcome()

    async def record_sleep(seconds: float) -> None:
        outcome.waits.append(seconds)

    def record_retry(_attempt: int, error: ProviderError, _wait: float) -> None:
        outcome.retried.append(error)

    parts: list[str] = []
    async for event in stream_with_retries(
        provider,
        REQUEST,
        policy,
        rng=random.Random(7),
        sleep=record_sleep,
        on_retry=record_retry,
    ):
        if isinstance(event, Restart):
            outcome.restarts.append(event)
            outcome.dropped.append("".join(parts))
            parts.clear()
        elif isinstance(event, TextDelta):
            outcome.deltas += 1
            parts.append(event.text)
        else:
            outcome.finished = event
    outcome.text = "".join(parts)
    return outcome


def sent_key(headers: dict[str, str]) -> str:
    """The credential a request carried (this SDK release sends a Bearer token; older
    Anthropic SDKs sent ``x-api-key``)."""
    return headers.get("x-api-key") or headers.get("authorization", "").removeprefix("Bearer ")


def assert_no_key(error: BaseException) -> None:
    assert KEY not in str(error)
    assert KEY not in repr(error)
    assert KEY not in "".join(traceback.format_exception(error))
    assert error.__cause__ is None and error.__context__ is None


# Normal streams


async def test_a_stream_yields_the_exact_text_and_the_usage(server, provider) -> None:
    server.script(
        Stream(TEXT, chunks=5, input_tokens=120, output_tokens=17, cache_write_tokens=800)
        if server.protocol == "anthropic"
        else Stream(TEXT, chunks=5, input_tokens=120, output_tokens=17, cache_read_tokens=64)
    )
    events = [event async for event in provider.stream(REQUEST)]

    deltas = [event for event in events if isinstance(event, TextDelta)]
    assert "".join(delta.text for delta in deltas) == TEXT
    assert len(deltas) == 5
    assert all(isinstance(event, TextDelta) for event in events[:-1])
    finished = events[-1]
    assert isinstance(finished, Finished)
    if server.protocol == "anthropic":
        assert finished.usage == Usage(input_tokens=120, output_tokens=17, cache_write_tokens=800)
        assert finished.stop_reason == "end_turn"
    else:
        # prompt_tokens (184) includes the 64 cached ones: they count as cache reads only.
        assert finished.usage == Usage(input_tokens=120, output_tokens=17, cache_read_tokens=64)
        assert finished.stop_reason == "stop"
    assert len(server.requests) == 1


async def test_openai_usage_is_estimated_when_the_server_sends_none() -> None:
    with FakeModelServer("openai") as server:
        server.script(Stream(TEXT, usage=False))
        provider = OpenAIProvider("llama3.2", base_url=server.url, api_key=KEY)
        try:
            events = [event async for event in provider.stream(REQUEST)]
        finally:
            await provider.aclose()
    finished = events[-1]
    assert isinstance(finished, Finished)
    prompt_chars = len(REQUEST.system + REQUEST.context + REQUEST.prompt)
    assert finished.usage == Usage(
        input_tokens=math.ceil(prompt_chars / 4), output_tokens=math.ceil(len(TEXT) / 4)
    )


# Requests


async def test_anthropic_request_caches_the_context_block() -> None:
    with FakeModelServer("anthropic") as server:
        server.script(Stream(TEXT), Stream(TEXT))
        provider = make_provider(server)
        try:
            [_ async for _ in provider.stream(REQUEST)]
            no_context = Request("outliner", "System.", "", "Outline.", "outline", 100)
            [_ async for _ in provider.stream(no_context)]
        finally:
            await provider.aclose()

    body = server.requests[0].body
    assert body["system"] == [
        {"type": "text", "text": REQUEST.system},
        {"type": "text", "text": REQUEST.context, "cache_control": {"type": "ephemeral"}},
    ]
    assert body["messages"] == [{"role": "user", "content": REQUEST.prompt}]
    assert body["max_tokens"] == 512
    assert body["model"] == "claude-haiku-4-5"
    assert body["stream"] is True
    assert server.requests[0].path == "/v1/messages"
    assert KEY in sent_key(server.requests[0].headers)
    # No context: no empty block, nothing to cache.
    assert server.requests[1].body["system"] == [{"type": "text", "text": "System."}]


async def test_openai_request_asks_for_usage_and_puts_the_context_first() -> None:
    with FakeModelServer("openai") as server:
        server.script(Stream(TEXT))
        provider = make_provider(server)
        try:
            [_ async for _ in provider.stream(REQUEST)]
        finally:
            await provider.aclose()

    sent = server.requests[0]
    assert sent.path == "/v1/chat/completions"
    assert sent.body["stream"] is True
    assert sent.body["stream_options"] == {"include_usage": True}
    assert sent.body["messages"] == [
        {"role": "system", "content": REQUEST.system},
        {"role": "user", "content": f"{REQUEST.context}\n\n{REQUEST.prompt}"},
    ]
    assert sent.body["max_tokens"] == 512  # what compatible servers understand
    assert sent.headers["authorization"] == f"Bearer {KEY}"


async def test_openai_itself_gets_max_completion_tokens(monkeypatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    provider = OpenAIProvider("gpt-4.1", api_key=KEY)
    try:
        params = provider.request_params(REQUEST)
    finally:
        await provider.aclose()
    assert params["max_completion_tokens"] == 512
    assert "max_tokens" not in params


# Keys


async def test_a_missing_key_is_an_auth_error_naming_the_variable(monkeypatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(AuthError, match="ANTHROPIC_API_KEY"):
        AnthropicProvider()
    with pytest.raises(AuthError, match="OPENAI_API_KEY"):
        OpenAIProvider()


async def test_keys_come_from_the_environment_and_local_servers_need_none(monkeypatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-from-env-0001")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with FakeModelServer("anthropic") as anthropic, FakeModelServer("openai") as local:
        anthropic.script(Stream(TEXT))
        local.script(Stream(TEXT))
        claude = AnthropicProvider(base_url=anthropic.url)
        llama = OpenAIProvider("llama3.2", base_url=local.url)
        try:
            assert claude.model == DEFAULT_MODEL == "claude-sonnet-4-6"
            [_ async for _ in claude.stream(REQUEST)]
            [_ async for _ in llama.stream(REQUEST)]
        finally:
            await claude.aclose()
            await llama.aclose()
    headers = anthropic.requests[0].headers
    assert "sk-ant-from-env-0001" in sent_key(headers)
    assert local.requests[0].headers["authorization"] == "Bearer not-needed"


# Cost


async def test_cost_is_known_for_listed_models_and_none_for_local_ones(server) -> None:
    usage = Usage(
        input_tokens=1_000_000,
        output_tokens=100_000,
        cache_write_tokens=200_000,
        cache_read_tokens=2_000_000,
    )
    if server.protocol == "anthropic":
        known = make_provider(server, model="claude-sonnet-4-5-20250929")
        expected = 3.0 + 1.5 + 0.75 + 0.6
        local = None
    else:
        known = make_provider(server, model="gpt-4o-mini")
        expected = 0.15 + 0.06 + 0.2 * 0.15 + 2 * 0.075  # cache writes billed as input
        local = make_provider(server, model="qwen2.5-coder:7b")
    try:
        assert known.cost(usage) == pytest.approx(expected)
        if local is not None:
            assert local.cost(usage) is None
    finally:
        await known.aclose()
        if local is not None:
            await local.aclose()


def test_prices_match_by_longest_prefix() -> None:
    usage = Usage(input_tokens=1_000_000, output_tokens=1_000_000)
    assert pricing.cost("gpt-4o", usage) == pytest.approx(12.5)
    assert pricing.cost("gpt-4o-mini-2024-07-18", usage) == pytest.approx(0.75)
    assert pricing.cost("gpt-4.1", usage) == pytest.approx(10.0)
    assert pricing.cost("claude-opus-4-1-20250805", usage) == pytest.approx(90.0)
    assert pricing.cost("claude-opus-4-5", usage) == pytest.approx(30.0)
    assert pricing.cost("claude-haiku-4-5", usage) == pytest.approx(6.0)
    assert pricing.cost("llama3.2", usage) is None


# Retries


@pytest.mark.parametrize(
    ("header", "value", "least"), [("retry-after", "1", 1.0), ("retry-after-ms", "1500", 1.5)]
)
async def test_a_429_is_retried_after_the_wait_it_asks_for(
    server, provider, header, value, least
) -> None:
    server.script(rate_limited(value, header), Stream(TEXT))
    outcome = await consume(provider)
    assert outcome.text == TEXT
    assert isinstance(outcome.retried[0], RateLimited)
    assert outcome.retried[0].retry_after == pytest.approx(least)
    assert outcome.waits[0] >= least
    assert outcome.restarts == []
    assert len(server.requests) == 2


async def test_overloaded_and_server_errors_are_retried(server, provider) -> None:
    server.script(overloaded_status(server, **{"retry-after": "2"}), Status(500), Stream(TEXT))
    outcome = await consume(provider)
    assert outcome.text == TEXT
    assert [type(error) for error in outcome.retried] == [Overloaded, ServerError]
    assert outcome.retried[0].retry_after == 2.0
    assert outcome.waits[0] >= 2.0
    assert len(server.requests) == 3


@pytest.mark.parametrize("clean", [False, True], ids=["dropped", "ended-early"])
async def test_a_cut_stream_restarts_and_the_next_attempt_gives_the_whole_text(
    server, provider, clean
) -> None:
    server.script(Cut(TEXT, chunks=4, after=2, clean=clean), Stream(TEXT))
    outcome = await consume(provider)
    assert len(outcome.restarts) == 1
    assert isinstance(outcome.restarts[0].error, StreamCut)
    assert outcome.dropped[0] and TEXT.startswith(outcome.dropped[0])
    assert outcome.dropped[0] != TEXT
    assert outcome.text == TEXT
    assert outcome.finished is not None
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("error_type", "expected"), [("overloaded_error", Overloaded), ("api_error", ServerError)]
)
async def test_an_error_event_mid_stream_is_mapped_and_retried(
    server, provider, error_type, expected
) -> None:
    server.script(MidStreamError(TEXT, error_type, after=1), Stream(TEXT))
    outcome = await consume(provider)
    assert isinstance(outcome.restarts[0].error, expected)
    assert outcome.text == TEXT


async def test_a_stall_past_the_idle_timeout_is_retried(server, provider) -> None:
    server.script(Stall(TEXT, after=1), Stream(TEXT))
    policy = RetryPolicy(max_attempts=3, base_delay_s=0.01, idle_timeout_s=0.5)
    outcome = await consume(provider, policy)
    assert isinstance(outcome.restarts[0].error, ProviderTimeout)
    assert outcome.text == TEXT
    # The stalled connection was closed, not left open.
    assert await asyncio.to_thread(server.disconnected.wait, 5)


async def test_a_stall_past_the_provider_timeout_is_a_provider_timeout(server) -> None:
    server.script(Stall(TEXT, after=0), Stall(TEXT, after=2), Stream(TEXT))
    provider = make_provider(server, timeout_s=0.3)
    try:
        with pytest.raises(ProviderTimeout):
            [_ async for _ in provider.stream(REQUEST)]
        outcome = await consume(provider)
    finally:
        await provider.aclose()
    assert [type(error) for error in outcome.retried] == [ProviderTimeout]
    assert outcome.text == TEXT
    assert len(server.requests) == 3


# Failures that are not retried


async def test_a_401_is_an_auth_error_and_not_retried(server, provider) -> None:
    server.script(unauthorized(KEY), Stream(TEXT))
    with pytest.raises(AuthError) as caught:
        await consume(provider)
    assert len(server.requests) == 1
    assert_no_key(caught.value)


async def test_a_404_is_a_bad_request_naming_the_model(server, provider) -> None:
    server.script(UnknownModel(), Stream(TEXT))
    with pytest.raises(BadRequest) as caught:
        await consume(provider)
    assert provider.model in str(caught.value)
    assert "not found" in str(caught.value)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "behaviour",
    [
        unauthorized(KEY),
        Status(400, f"bad header {KEY}"),
        Status(500, f"crashed on {KEY}"),
        MidStreamError(TEXT, "api_error", message=f"leaked {KEY}"),
    ],
    ids=["401", "400", "500", "in-stream"],
)
async def test_the_key_never_appears_in_an_error(server, provider, behaviour) -> None:
    server.script(behaviour)
    with pytest.raises(ProviderError) as caught:
        await consume(provider, RetryPolicy(max_attempts=1))
    assert KEY in sent_key(server.requests[0].headers)  # the key was in play
    assert "[redacted]" in str(caught.value)
    assert_no_key(caught.value)


# Cancellation


@pytest.mark.parametrize("busy", [False, True], ids=["awaiting-the-stream", "handling-an-event"])
async def test_cancelling_the_consumer_closes_the_connection(server, provider, busy) -> None:
    """Cancelled while it waits for the next event, the task interrupts the SDK's read;
    cancelled while it handles an event, it closes the generators (``aclosing``) and the
    provider's ``async with`` must close the HTTP stream. Either way the server sees the
    connection go, with no garbage collection needed."""
    server.script(Stall(TEXT, after=1, seconds=10))
    first_text = asyncio.Event()

    async def consumer() -> None:
        events = stream_with_retries(provider, REQUEST, POLICY)
        async with contextlib.aclosing(events):
            async for event in events:
                if isinstance(event, TextDelta):
                    first_text.set()
                    if busy:
                        await asyncio.Event().wait()

    task = asyncio.create_task(consumer())
    await asyncio.wait_for(first_text.wait(), 5)
    assert not server.disconnected.is_set()
    gc.disable()
    try:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await asyncio.to_thread(server.disconnected.wait, 5)
    finally:
        gc.enable()
    assert len(server.requests) == 1


# Retry-after parsing


def test_retry_after_headers() -> None:
    assert retry_after_seconds({"retry-after": "3"}) == 3.0
    assert retry_after_seconds({"retry-after": "0.25"}) == 0.25
    assert retry_after_seconds({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None
    assert retry_after_seconds(None) is None


# A stream that turns into bytes the SDK cannot read (issue 11, item 10)


@pytest.mark.parametrize(
    "data",
    [
        b'data: {"type": "content_block_delta", "x": "\xff\xfe"}\n\n',
        b"event: content_block_delta\ndata: {not json\n\n",
    ],
    ids=["invalid-utf8", "invalid-json"],
)
async def test_a_stream_that_turns_into_garbage_is_a_provider_error_and_retried(
    server, provider, data
) -> None:
    server.script(Garbage(TEXT, data=data, after=1), Stream(TEXT))
    outcome = await consume(provider)
    assert len(outcome.restarts) == 1
    assert isinstance(outcome.restarts[0].error, StreamCut)
    assert "could not be read" in str(outcome.restarts[0].error)
    assert_no_key(outcome.restarts[0].error)
    assert outcome.text == TEXT


async def test_a_stream_that_stays_garbage_ends_in_a_provider_error(server, provider) -> None:
    server.script(*[Garbage(TEXT, after=1)] * 4)
    with pytest.raises(ProviderError) as caught:
        await consume(provider)
    assert "could not be read" in str(caught.value)
