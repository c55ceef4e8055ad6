"""The ``scripted`` provider: prepared output streamed with a seeded latency model.

This is not a model. It streams the texts of a :class:`Script` — the outline, each TODO's
body, the Evaluator's answers — as a model server would (the :class:`Latency` model): a
first-token time that grows with the prompt (a cached prefix is cheaper), tokens at a
per-stream rate that the server's capacity divides between concurrent streams, a 429 with
``retry-after`` beyond its stream limit, more output tokens for parallel TODOs than their
prepared text, and the faults the script injects (429, 529, 500, a cut stream, a stall).
The same seed gives the same delays, whatever order the requests come in.

Its options (script, seed, latency) are its own: the registry's factory
:func:`from_request` reads them from the run request; its delays play on the run's clock.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Protocol

from codecrdt.agents.providers.base import (
    AuthError,
    BadRequest,
    BaseProvider,
    Finished,
    Overloaded,
    RateLimited,
    Request,
    ServerError,
    StreamCut,
    StreamEvent,
    TextDelta,
    Usage,
)
from codecrdt.agents.providers.registry import ProviderRequest
from codecrdt.agents.script import Fault, Latency, Script, draw_growth
from codecrdt.clock import Clock

__all__ = ["ScriptedProvider", "ScriptedRequest", "from_request"]


class ScriptedRequest(ProviderRequest, Protocol):
    """What the scripted provider reads of a run request."""

    @property
    def script(self) -> Script | None: ...
    @property
    def seed(self) -> int: ...
    @property
    def latency(self) -> Latency | None: ...


def from_request(request: ScriptedRequest, clock: Clock) -> ScriptedProvider:
    """The registry's factory: the request's script, seed and latency, on ``clock``."""
    if request.script is None:
        raise ValueError("the scripted provider needs a script (--script TASK or FILE)")
    return ScriptedProvider(
        request.script,
        seed=request.seed,
        latency=request.latency,
        clock=clock,
    )


_PREFILL_SLICE_S = 0.5
_MAX_RETRY_AFTER_S = 60


@dataclass
class _Stream:
    """A request the modelled server holds: prefill seconds and output tokens still to go."""

    prefill_s: float
    output_tokens: float
    decoding: bool = False
    #: Model time when its base first-token wait ends.
    base_until: float = 0.0


@dataclass
class _Server:
    """What the modelled server shares between a run's requests: its streams (the slots
    in use) and the prefixes it has cached."""

    latency: Latency
    #: Model seconds now (the run's loop time times the clock's scale).
    now: Callable[[], float]
    streams: list[_Stream] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)

    def stream_rate(self) -> float:
        """Tokens per second for each decoding stream: ``min(rate, capacity / active)``."""
        rate = self.latency.tokens_per_s
        capacity = self.latency.capacity_tokens_per_s
        if capacity <= 0:
            return rate
        active = max(1, sum(1 for s in self.streams if s.decoding))
        return min(rate, capacity / active)

    def cached_prefix(self, prefix: str) -> int:
        """Characters of ``prefix`` an earlier request already sent (the longest common
        prefix, as llama.cpp's and vLLM's prefix caches reuse it)."""
        return max((_common_prefix(prefix, p) for p in self.prefixes), default=0)

    def retry_after(self) -> float:
        """Whole seconds until the first stream is expected to end (at least 1, at most
        a minute, as servers cap the hint): the ``retry-after`` of a 429."""
        rate = self.stream_rate()
        share = max(1, sum(1 for s in self.streams if s.prefill_s > 0))
        prefill = share if self.latency.shared_prefill else 1
        now = self.now()
        ends = [
            max(0.0, s.base_until - now) + s.prefill_s * prefill + s.output_tokens / rate
            for s in self.streams
        ]
        return float(min(_MAX_RETRY_AFTER_S, max(1, math.ceil(min(ends, default=1.0)))))


def _common_prefix(a: str, b: str) -> int:
    """The length of the longest common prefix of ``a`` and ``b``."""
    size = min(len(a), len(b))
    if a[:size] == b[:size]:
        return size
    low, high = 0, size  # a[:low] == b[:low]; a[:high] != b[:high]
    while high - low > 1:
        middle = (low + high) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle
    return low


class ScriptedProvider(BaseProvider):
    name = "scripted"

    def __init__(
        self,
        script: Script,
        *,
        seed: int = 0,
        latency: Latency | None = None,
        clock: Clock | None = None,
        faults: tuple[Fault, ...] | None = None,
    ) -> None:
        self.script = script
        self.model = f"prepared:{script.name}"
        self.seed = seed
        self.latency = latency or script.latency
        #: The run's clock: the modelled delays are played through it (and its time scale).
        self.clock = clock or Clock.real()
        self.faults = script.faults if faults is None else faults
        self.attempts: Counter[str] = Counter()
        #: The modelled server: its streams and prefix cache, shared by the run's agents.
        self.server = _Server(
            self.latency, lambda: asyncio.get_running_loop().time() * self.clock.time_scale
        )

    def cost(self, usage: Usage) -> float | None:
        return 0.0  # prepared output costs nothing

    async def _sleep(self, seconds: float) -> None:
        await self.clock.sleep(seconds)

    async def stream(self, request: Request) -> AsyncIterator[StreamEvent]:
        self.attempts[request.key] += 1
        attempt = self.attempts[request.key]
        text = self.script.answer(request.key)
        if text is None:
            raise BadRequest(
                f"scripted: the script {self.script.name!r} has no prepared answer for "
                f"{request.key!r}"
            )
        fault = next(
            (
                f
                for f in self.faults
                if self.script.faulted(f.key, request.key) and attempt in f.attempts
            ),
            None,
        )
        latency = self.latency
        rng = random.Random(f"{self.seed}:{request.key}:{attempt}")

        def jittered(seconds: float) -> float:
            return max(0.0, seconds * (1 + latency.jitter * rng.uniform(-1, 1)))

        cpt = max(latency.chars_per_token, 1.0)
        step = max(1, round(cpt * latency.tokens_per_event))
        pieces = [text[i : i + step] for i in range(0, len(text), step)]
        if fault is not None and fault.at_token == 0:
            await self._sleep(jittered(latency.ttft_s) / 4)
            self._raise(fault)
        prefix = request.system + request.context
        input_tokens = math.ceil((len(prefix) + len(request.prompt)) / cpt)
        cached = 0
        if latency.cached_tokens_per_s > 0:
            cached = min(input_tokens, int(self.server.cached_prefix(prefix) / cpt))
        growth = 0.0
        if request.role == "implementer":
            growth = draw_growth(latency.growth, random.Random(f"{self.seed}:{request.key}"))
        per_char = (1 + growth) / cpt  # generated tokens per prepared character
        if latency.max_streams and len(self.server.streams) >= latency.max_streams:
            busy = len(self.server.streams)
            raise RateLimited(
                f"429 too many requests: {busy} of {latency.max_streams} streams busy "
                f"(scripted, {request.key})",
                retry_after=self.server.retry_after(),
            )
        work = 0.0  # seconds of prefill at the full rate
        if latency.prefill_tokens_per_s > 0:
            work += (input_tokens - cached) / latency.prefill_tokens_per_s
        if cached:
            work += cached / latency.cached_tokens_per_s
        slot = _Stream(prefill_s=jittered(work), output_tokens=len(text) * per_char)
        base = jittered(latency.ttft_s)
        slot.base_until = self.server.now() + base
        self.server.streams.append(slot)
        try:
            await self._sleep(base)
            await self._prefill(slot)
            slot.decoding = True
            self.server.prefixes.append(prefix)
            for index, piece in enumerate(pieces):
                if fault is not None and index == fault.at_token:
                    if fault.kind == "stall":
                        await self._sleep(fault.stall_s)
                    else:
                        self._raise(fault)
                tokens = len(piece) * per_char
                if index:
                    await self._sleep(jittered(tokens / self.server.stream_rate()))
                slot.output_tokens -= tokens
                yield TextDelta(piece)
        finally:
            self.server.streams.remove(slot)
        yield Finished(
            Usage(
                input_tokens=input_tokens - cached,
                output_tokens=math.ceil(len(text) * per_char),
                cache_read_tokens=cached,
            ),
            "end_turn",
        )

    async def _prefill(self, slot: _Stream) -> None:
        """Prefill ``slot``: at the full rate, or sharing it with the other requests in
        prefill when the server prefills them in one batch."""
        if not self.latency.shared_prefill:
            await self._sleep(slot.prefill_s)
            slot.prefill_s = 0.0
            return
        while slot.prefill_s > 0:
            share = max(1, sum(1 for s in self.server.streams if s.prefill_s > 0))
            work = min(slot.prefill_s, _PREFILL_SLICE_S)
            await self._sleep(work * share)
            slot.prefill_s -= work

    def _raise(self, fault: Fault) -> None:
        where = f"scripted fault in {fault.key}"
        if fault.kind == "rate_limit":
            raise RateLimited(f"429 rate limited ({where})", retry_after=fault.retry_after_s)
        if fault.kind == "overloaded":
            raise Overloaded(f"529 overloaded ({where})", retry_after=fault.retry_after_s)
        if fault.kind == "server_error":
            raise ServerError(f"500 server error ({where})")
        if fault.kind == "disconnect":
            raise StreamCut(f"connection closed mid-stream ({where})")
        if fault.kind == "auth":
            raise AuthError(f"401 invalid credentials ({where})")
        raise ServerError(f"unknown fault ({where})")
