"""The ``scripted`` provider: prepared output streamed with a seeded latency model.

This is not a model. It streams the texts of a :class:`Script` — the outline, each TODO's
body, the Evaluator's answers — as a model would: a time to first token, then tokens at a
steady rate with jitter, and the faults the script injects (429, 529, 500, a cut stream, a
stall). The same seed gives the same delays, whatever order the requests come in.

Its options (script, seed, latency) are its own: the registry's factory
:func:`from_request` reads them from the run request; its delays play on the run's clock.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import AsyncIterator
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
from codecrdt.agents.script import Fault, Latency, Script
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
            (f for f in self.faults if f.key == request.key and attempt in f.attempts), None
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
        await self._sleep(jittered(latency.ttft_s))
        per_piece = step / latency.chars_per_s
        for index, piece in enumerate(pieces):
            if fault is not None and index == fault.at_token:
                if fault.kind == "stall":
                    await self._sleep(fault.stall_s)
                else:
                    self._raise(fault)
            if index:
                await self._sleep(jittered(per_piece))
            yield TextDelta(piece)
        prompt_chars = len(request.system) + len(request.context) + len(request.prompt)
        yield Finished(
            Usage(
                input_tokens=math.ceil(prompt_chars / cpt),
                output_tokens=math.ceil(len(text) / cpt),
            ),
            "end_turn",
        )

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
