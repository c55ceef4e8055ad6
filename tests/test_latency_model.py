"""The scripted provider's latency model, on the virtual clock (no jitter unless said).

First-token time from token counts, the cached prefix, capacity shared by k streams, a 429
beyond the stream limit whose ``retry-after`` the agents' retry logic waits out, and the
output growth of parallel TODOs.
"""

from __future__ import annotations

import asyncio
import random
import statistics
from itertools import pairwise

import pytest

from codecrdt.agents.providers.base import Finished, RateLimited, Request, TextDelta, Usage
from codecrdt.agents.providers.retry import RetryPolicy, stream_with_retries
from codecrdt.agents.providers.scripted import ScriptedProvider
from codecrdt.agents.script import (
    LATENCY_PRESETS,
    Latency,
    ScriptError,
    draw_growth,
    parse_growth,
    parse_script,
)
from codecrdt.agents.virtual_time import run_virtual

SEED = 1313

# Bodies of 40 tokens (160 characters at 4 per token), one token per streamed event.
_BODY = "".join(f"v{i:02d} = {i + 100}\n" for i in range(16))  # 16 lines of 10 characters
_SCRIPT = parse_script(
    {
        "task": {"name": "t", "language": "python", "spec": "s"},
        "outline": {"text": "".join(f"# TODO(codecrdt:t{i}): t{i}\n" for i in range(6))},
        "todos": {f"t{i}": {"text": _BODY} for i in range(6)},
        "sequential": {"text": _BODY},
    },
    "inline",
)
assert len(_BODY) == 160


def _request(
    key: str = "todo:t0", *, context: str = "", prompt: str = "", role: str = "implementer"
) -> Request:
    return Request(role, "", context, prompt, key)  # type: ignore[arg-type]


async def _stream(provider: ScriptedProvider, request: Request) -> tuple[list[float], str, Usage]:
    """Arrival time of every text event (model seconds from the call), the text, the usage."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    times: list[float] = []
    text = ""
    usage = Usage()
    async for event in provider.stream(request):
        if isinstance(event, TextDelta):
            times.append(round(loop.time() - start, 9))
            text += event.text
        else:
            assert isinstance(event, Finished)
            usage = event.usage
    return times, text, usage


def test_first_token_time_is_base_plus_input_tokens_over_the_prefill_rate() -> None:
    latency = Latency(ttft_s=0.5, jitter=0.0, prefill_tokens_per_s=1000.0)
    # 4,000 characters of prompt = 1,000 input tokens: one second of prefill.
    provider = ScriptedProvider(_SCRIPT, latency=latency)
    times, text, usage = run_virtual(_stream(provider, _request(prompt="p" * 4000)))
    assert times[0] == pytest.approx(1.5)
    assert text == _BODY
    assert usage.input_tokens == 1000 and usage.cache_read_tokens == 0
    # Ten times the prompt, ten times the prefill.
    provider = ScriptedProvider(_SCRIPT, latency=latency)
    times, _text, _usage = run_virtual(_stream(provider, _request(prompt="p" * 40000)))
    assert times[0] == pytest.approx(10.5)
    # Prefill left out (rate 0): the base alone, whatever the prompt.
    provider = ScriptedProvider(_SCRIPT, latency=Latency(ttft_s=0.5, jitter=0.0))
    times, _text, _usage = run_virtual(_stream(provider, _request(prompt="p" * 40000)))
    assert times[0] == pytest.approx(0.5)


def test_a_prefix_sent_before_is_prefilled_at_the_cached_rate() -> None:
    latency = Latency(
        ttft_s=0.5, jitter=0.0, prefill_tokens_per_s=1000.0, cached_tokens_per_s=10000.0
    )
    provider = ScriptedProvider(_SCRIPT, latency=latency)
    shared = "c" * 8000  # 2,000 tokens of shared context (the task and the document)

    async def two() -> tuple[float, Usage, float, Usage]:
        first, _t, first_usage = await _stream(
            provider, _request("todo:t0", context=shared, prompt="a" * 400)
        )
        second, _t, second_usage = await _stream(
            provider, _request("todo:t1", context=shared, prompt="b" * 400)
        )
        return first[0], first_usage, second[0], second_usage

    first, first_usage, second, second_usage = run_virtual(two())
    # 2,100 uncached tokens at 1,000/s.
    assert first == pytest.approx(0.5 + 2.1)
    assert (first_usage.input_tokens, first_usage.cache_read_tokens) == (2100, 0)
    # The context is cached now: 2,000 tokens at 10,000/s, the 100-token prompt at 1,000/s.
    assert second == pytest.approx(0.5 + 0.2 + 0.1)
    assert (second_usage.input_tokens, second_usage.cache_read_tokens) == (100, 2000)
    # A context that differs halfway reuses only the common prefix (1,000 tokens).
    third = run_virtual(_stream(provider, _request("todo:t2", context="c" * 4000 + "d" * 4000)))[2]
    assert (third.input_tokens, third.cache_read_tokens) == (1000, 1000)


def _intervals(times: list[float]) -> float:
    return statistics.median(b - a for a, b in pairwise(times))


@pytest.mark.parametrize(("streams", "per_stream"), [(1, 80.0), (2, 50.0), (4, 25.0)])
def test_capacity_is_shared_by_the_active_streams(streams: int, per_stream: float) -> None:
    # 80 tokens/s per stream, 100 tokens/s in all: min(80, 100 / k) each.
    latency = Latency(ttft_s=1.0, chars_per_s=320.0, jitter=0.0, capacity_tokens_per_s=100.0)
    provider = ScriptedProvider(_SCRIPT, latency=latency)

    async def together() -> list[list[float]]:
        runs = await asyncio.gather(
            *(_stream(provider, _request(f"todo:t{i}")) for i in range(streams))
        )
        return [times for times, _text, _usage in runs]

    for times in run_virtual(together()):
        assert len(times) == 40
        assert _intervals(times) == pytest.approx(1 / per_stream)
        # All streams run the whole time: 39 tokens after the first at the shared rate.
        assert times[-1] == pytest.approx(1.0 + 39 / per_stream, abs=2 / per_stream)
    assert provider.server.streams == []


def test_beyond_the_stream_limit_a_429_says_when_a_stream_ends() -> None:
    latency = Latency(ttft_s=1.0, chars_per_s=160.0, jitter=0.0, max_streams=2)
    provider = ScriptedProvider(_SCRIPT, latency=latency)

    async def third_refused() -> RateLimited:
        running = [
            asyncio.ensure_future(_stream(provider, _request(f"todo:t{i}"))) for i in range(2)
        ]
        await asyncio.sleep(0.5)
        with pytest.raises(RateLimited) as refused:
            await _stream(provider, _request("todo:t2"))
        await asyncio.gather(*running)
        return refused.value

    refused = run_virtual(third_refused())
    assert "2 of 2 streams busy" in str(refused)
    # At 0.5 s each stream has 0.5 s to its first token and 39 tokens at 40/s to go:
    # 0.5 + 0.975 = 1.475 s, rounded up to whole seconds as HTTP's retry-after.
    assert refused.retry_after == 2.0


def test_the_agents_retry_waits_out_the_retry_after_and_then_streams() -> None:
    latency = Latency(ttft_s=1.0, chars_per_s=160.0, jitter=0.0, max_streams=1)
    provider = ScriptedProvider(_SCRIPT, latency=latency)
    retries: list[tuple[int, float | None, float]] = []

    async def main() -> tuple[list[float], list[float]]:
        loop = asyncio.get_running_loop()
        first = asyncio.ensure_future(_stream(provider, _request("todo:t0")))
        await asyncio.sleep(0.1)
        start = loop.time()
        times: list[float] = []
        async for event in stream_with_retries(
            provider,
            _request("todo:t1"),
            RetryPolicy(),
            rng=random.Random(SEED),
            on_retry=lambda attempt, error, wait: retries.append(
                (attempt, error.retry_after, wait)
            ),
        ):
            if isinstance(event, TextDelta):
                times.append(loop.time() - start + 0.1)
        return (await first)[0], times

    print(f"seed {SEED}")
    first, second = run_virtual(main())
    # The first stream ends at 1 + 39/40 = 1.975 s; at 0.1 s it had 1.875 s to go: the
    # 429 says 2 s, and the retry waits at least that (its backoff is at most 0.5 s).
    assert first[-1] == pytest.approx(1.975)
    assert retries[0][:2] == (1, 2.0) and retries[0][2] >= 2.0
    assert len(retries) == 1
    assert second[0] >= first[-1]
    assert second[0] == pytest.approx(0.1 + retries[0][2] + 1.0)
    assert len(second) == 40


def test_parallel_todos_grow_by_the_drawn_factor_and_the_text_stays_the_prepared_code() -> None:
    latency = Latency(ttft_s=0.0, chars_per_s=160.0, jitter=0.0, growth="1")
    todo = run_virtual(_stream(ScriptedProvider(_SCRIPT, latency=latency), _request()))
    sequential = run_virtual(
        _stream(
            ScriptedProvider(_SCRIPT, latency=latency),
            _request("sequential", role="sequential"),
        )
    )
    # +100 %: twice the output tokens and twice the streaming time; the same valid code.
    assert todo[1] == sequential[1] == _BODY
    assert todo[2].output_tokens == 80 and sequential[2].output_tokens == 40
    assert todo[0][-1] == pytest.approx(2 * 39 / 40)
    assert sequential[0][-1] == pytest.approx(39 / 40)
    compile(todo[1], "<todo>", "exec")


def test_growth_distributions_are_seeded_and_validated() -> None:
    draws = [draw_growth("uniform:0.82,1.89", random.Random(f"{SEED}:{i}")) for i in range(200)]
    assert all(0.82 <= d <= 1.89 for d in draws)
    assert draws == [
        draw_growth("uniform:0.82,1.89", random.Random(f"{SEED}:{i}")) for i in range(200)
    ]
    assert min(draw_growth("normal:0.1,1", random.Random(i)) for i in range(200)) == 0.0
    assert parse_growth("0.5") == ("fixed", 0.5, 0.5)
    for bad in ("-1", "uniform:2,1", "gamma:1,2", "uniform:1", "lots"):
        with pytest.raises(ValueError, match="growth"):
            parse_growth(bad)
    with pytest.raises(ScriptError, match=r"\[latency\].*growth"):
        parse_script(
            {
                "task": {"name": "t", "language": "python", "spec": "s"},
                "outline": {"text": "x = 1\n"},
                "latency": {"growth": "uniform:3,1"},
            },
            "bad.toml",
        )


def test_the_presets_are_what_the_documentation_says() -> None:
    hosted, gpu, cpu = (LATENCY_PRESETS[n] for n in ("hosted", "local-gpu", "local-cpu"))
    assert hosted.tokens_per_s == 70 and hosted.max_streams == 0
    assert cpu.prefill_tokens_per_s == 40 and cpu.capacity_tokens_per_s == 30
    assert cpu.max_streams == 3 and cpu.shared_prefill
    assert gpu.max_streams == 8 and gpu.capacity_tokens_per_s == 300
    assert "3 concurrent streams (429 with retry-after beyond)" in cpu.describe()
    assert "prefill (40 tokens/s, shared by concurrent requests" in cpu.describe()
