"""What every agent of a run shares: the provider, the clock, budgets, accounting, events."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from codecrdt.agents.measurements import RequestTiming
from codecrdt.agents.providers.base import (
    Finished,
    Provider,
    ProviderError,
    Request,
    TextDelta,
    Usage,
)
from codecrdt.agents.providers.retry import Restart, RetryPolicy, stream_with_retries
from codecrdt.analysis.languages import LanguageSpec
from codecrdt.clock import Clock

__all__ = ["BudgetExceeded", "RunContext", "RunEvent"]

_calls = itertools.count(1)


class BudgetExceeded(Exception):
    """The run reached ``--max-tokens`` or ``--max-cost``."""


@dataclass(frozen=True, slots=True)
class RunEvent:
    """Something the live view, the LSP notifications and the report want to know."""

    time_s: float
    kind: str  # agent | todo | claim | done | conflict | fix | fenced | retry | log
    agent: str
    details: dict[str, Any]


@dataclass
class RunContext:
    provider: Provider
    language: LanguageSpec
    spec: str
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    max_tokens: int | None = None
    #: A cap on each answer's length (``max_tokens`` of every request), e.g. for a small
    #: local model whose context is short or that can fall into a repetition loop.
    max_output_tokens: int | None = None
    #: The run's clock: its start, event times, and modelled delays (retry waits included).
    clock: Clock = field(default_factory=Clock.real)
    max_cost: float | None = None
    rng: random.Random = field(default_factory=random.Random)
    on_event: Callable[[RunEvent], None] | None = None
    usage: Usage = field(default_factory=Usage)
    cost_usd: float = 0.0
    cost_known: bool = True
    retries: int = 0
    chars: int = 0
    first_token_s: float | None = None
    #: Every request that streamed to its end without a retry, timed (first token, output
    #: rate, concurrency): what ``--mode auto`` learns a provider's speed from.
    timings: list[RequestTiming] = field(default_factory=list)
    #: Top-level declarations implementers' answers held that were not written as they
    #: came (:mod:`codecrdt.agents.lanes`): agent, TODO, name, kind, action, owner, lines.
    prevented: list[dict[str, Any]] = field(default_factory=list)
    #: Answers whose lines echoed their request and were not written
    #: (:mod:`codecrdt.agents.echo`): agent, TODO (None: the Outliner's or the sequential
    #: writer's answer), lines.
    echo_dropped: list[dict[str, Any]] = field(default_factory=list)
    #: Output tokens streamed by calls still running (estimated until they finish).
    _in_flight: dict[int, int] = field(default_factory=dict)

    def now(self) -> float:
        return self.clock.now()

    def emit(self, kind: str, agent: str, **details: Any) -> None:
        if self.on_event is not None:
            self.on_event(RunEvent(self.now(), kind, agent, details))

    def prevent(self, agent: str, todo: str, details: dict[str, Any]) -> None:
        """Count a declaration kept out of ``agent``'s region, and tell the run."""
        self.prevented.append({"agent": agent, "todo": todo, **details})
        self.emit("prevented", agent, todo=todo, **details)

    def drop_echo(self, agent: str, todo: str | None, lines: int) -> None:
        """Count ``lines`` of ``agent``'s answer dropped as an echo of its request, and
        tell the run (nothing when ``lines`` is 0)."""
        if lines:
            self.echo_dropped.append({"agent": agent, "todo": todo, "lines": lines})
            self.emit("echo", agent, todo=todo, lines=lines)

    # -- budgets --------------------------------------------------------------------

    def _tokens_used(self) -> int:
        return self.usage.total + sum(self._in_flight.values())

    def check_budget(self) -> None:
        if self.max_tokens is not None and self._tokens_used() > self.max_tokens:
            raise BudgetExceeded(f"token budget of {self.max_tokens} reached")
        if self.max_cost is not None:
            estimate = self.provider.cost(Usage(output_tokens=sum(self._in_flight.values())))
            if self.cost_usd + (estimate or 0.0) > self.max_cost:
                raise BudgetExceeded(f"cost budget of ${self.max_cost:.2f} reached")

    def _account(self, usage: Usage) -> None:
        self.usage.add(usage)
        cost = self.provider.cost(usage)
        if cost is None:
            self.cost_known = False
        else:
            self.cost_usd += cost

    # -- model calls ----------------------------------------------------------------

    async def stream(self, request: Request) -> AsyncIterator[str | Restart]:
        """The answer's text as it streams, with :class:`Restart` when it starts over."""
        self.check_budget()
        if self.max_output_tokens is not None and request.max_tokens > self.max_output_tokens:
            request = replace(request, max_tokens=self.max_output_tokens)
        call = next(_calls)  # unique while the call streams (an id() could be reused)
        streamed = 0

        def on_retry(attempt: int, error: ProviderError, wait: float) -> None:
            nonlocal retried
            retried = True  # the wait is no first-token time of the server
            self.retries += 1
            self.emit(
                "retry", request.agent, attempt=attempt, error=str(error), wait_s=round(wait, 3)
            )

        self._in_flight[call] = 0
        sent = self.now()
        first: float | None = None
        retried = False
        concurrency = 0  # the sum of the streams in flight at each piece of text
        pieces = 0
        try:
            async for event in stream_with_retries(
                self.provider,
                request,
                self.policy,
                rng=self.rng,
                on_retry=on_retry,
                sleep=self.clock.sleep,
            ):
                if isinstance(event, TextDelta):
                    if not event.text:
                        continue
                    if self.first_token_s is None:
                        self.first_token_s = self.now()
                    if first is None:
                        first = self.now()
                    concurrency += len(self._in_flight)
                    pieces += 1
                    streamed += len(event.text)
                    self.chars += len(event.text)
                    self._in_flight[call] = math.ceil(streamed / 4)
                    self.check_budget()
                    yield event.text
                elif isinstance(event, Finished):
                    self._in_flight.pop(call, None)
                    self._account(event.usage)
                    if first is not None and not retried:
                        streams = concurrency / pieces
                        self._time(request, event.usage, sent, first, streamed, streams)
                elif isinstance(event, Restart):
                    retried = True
                    self.chars -= streamed
                    streamed = 0
                    yield event
        finally:
            self._in_flight.pop(call, None)

    def _time(
        self, request: Request, usage: Usage, sent: float, first: float, chars: int, streams: float
    ) -> None:
        end = self.now()
        self.timings.append(
            RequestTiming(
                role=request.role,
                input_tokens=usage.input_tokens,
                cached_tokens=usage.cache_read_tokens,
                first_token_s=round(first - sent, 4),
                output_tokens=usage.output_tokens or math.ceil(chars / 4),
                output_s=round(end - first, 4),
                streams=round(streams, 2),
                chars=chars,
            )
        )

    async def complete(self, request: Request) -> str:
        """The whole answer as one string (restarts handled)."""
        parts: list[str] = []
        async for piece in self.stream(request):
            if isinstance(piece, Restart):
                parts.clear()
            else:
                parts.append(piece)
        return "".join(parts)
