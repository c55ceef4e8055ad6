"""An implementer's lookahead: when to claim the next TODO, and its stream read ahead.

While an implementer writes one TODO it may claim the next one and open that stream, so
the next answer's first-token wait (network, queueing, prefill) passes while the current
answer ends. It claims when the current TODO is expected to end within the last measured
first-token time plus a margin (the time a claim takes to be decided): the expected end
comes from the marker's size hint (``~N lines``) and the lines per second written so far.
So the two streams overlap by about one first-token time, not for a whole answer, and an
implementer keeps about one stream open (docs/agents.md, "Scheduling").

:class:`Ahead` reads the next answer into a buffer as it arrives (a provider streams
whether or not its client reads), and hands it over, buffered pieces first, once the
implementer owns that TODO. At most one TODO is claimed ahead; the claim protocol is the
same as for any claim (docs/claims.md, "Lookahead").
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from codecrdt.agents.board import Claim
from codecrdt.agents.providers.base import Request
from codecrdt.agents.providers.retry import Restart
from codecrdt.clock import Clock

__all__ = ["Ahead", "Progress", "Watch", "due_soon"]


@dataclass
class Watch:
    """The progress of the TODO being written, as its lookahead sees it."""

    started_s: float
    #: The implementer's lines-written count when this TODO started.
    base_lines: int
    first_line_s: float | None = None
    #: Whether the stream was opened ahead (its first-token time is then not measured here).
    prefetched: bool = False
    finished: bool = False

    def lines(self, lines_written: int) -> int:
        return max(0, lines_written - self.base_lines)


@dataclass
class Progress:
    """An implementer's progress signal: wakes its lookahead when a line is written or a
    remote change arrives, and keeps its last measured first-token time and line rate."""

    ttft_s: float | None = None
    lines_per_s: float | None = None
    watch: Watch | None = None
    _event: asyncio.Event = field(default_factory=asyncio.Event)

    def start(self, now: float, lines_written: int, prefetched: bool = False) -> Watch:
        self.watch = Watch(now, lines_written, prefetched=prefetched)
        return self.watch

    def nudge(self) -> None:
        self._event.set()

    def line_written(self, now: float) -> None:
        watch = self.watch
        if watch is not None and watch.first_line_s is None:
            watch.first_line_s = now
            if not watch.prefetched:
                self.ttft_s = now - watch.started_s
        self.nudge()

    async def wait(self, timeout: float) -> None:
        self._event.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._event.wait()

    def lead_s(self, margin_s: float) -> float | None:
        """How long before the current TODO's end to claim the next: the last first-token
        time plus ``margin_s``; None before any first token was measured."""
        return None if self.ttft_s is None else self.ttft_s + margin_s

    def remaining_s(self, size: int, lines_written: int, now: float) -> float | None:
        """Seconds the current TODO is expected to take still, from ``size`` (its expected
        lines) and the rate of its lines so far (or of the last TODO's); None before any
        rate is known."""
        watch = self.watch
        if watch is None:
            return None
        lines = watch.lines(lines_written)
        if lines >= size:
            return 0.0  # past its hint: it may end any moment
        rate = self.lines_per_s
        # A stream opened ahead hands over its buffer at once: its pace is not the
        # stream's, so the rate of the last TODO streamed live stands for it.
        first = watch.first_line_s
        if not watch.prefetched and first is not None and lines >= 2 and now > first:
            rate = (lines - 1) / (now - first)
            self.lines_per_s = rate
        if not rate:
            return None
        return (size - lines) / rate


def due_soon(progress: Progress, size: int, lines_written: int, now: float, lead: float) -> bool:
    """Whether the current TODO is expected to end within ``lead`` seconds."""
    remaining = progress.remaining_s(size, lines_written, now)
    return remaining is not None and remaining <= lead


_END = object()


class Ahead:
    """A TODO claimed ahead (its claim won) and its answer, read into a buffer."""

    def __init__(self, claim: Claim, due: float, lead: float) -> None:
        self.claim = claim
        #: When the TODO being written was expected to end, at the claim.
        self.due = due
        self.lead = lead
        #: The request its stream answers (set by whoever opened it).
        self.request: Request | None = None
        self.opened_s: float | None = None
        self.first_piece_s: float | None = None
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def open(
        cls,
        claim: Claim,
        stream: AsyncIterator[str | Restart],
        clock: Clock,
        *,
        due: float,
        lead: float,
    ) -> Ahead:
        """Start reading ``stream`` into the buffer."""
        ahead = cls(claim, due, lead)
        ahead.opened_s = clock.now()
        ahead._task = asyncio.create_task(ahead._pump(stream, clock))
        return ahead

    async def _pump(self, stream: AsyncIterator[str | Restart], clock: Clock) -> None:
        try:
            async for piece in stream:
                if self.first_piece_s is None and isinstance(piece, str):
                    self.first_piece_s = clock.now()
                self._queue.put_nowait(piece)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # handed to the reader, which handles it as its own
            self._queue.put_nowait(error)
            return
        self._queue.put_nowait(_END)

    @property
    def ttft_s(self) -> float | None:
        """The first-token time of this stream (from its opening), once known."""
        if self.opened_s is None or self.first_piece_s is None:
            return None
        return self.first_piece_s - self.opened_s

    async def pieces(self) -> AsyncIterator[str | Restart]:
        """The answer: what was buffered, then the rest as it arrives."""
        while True:
            item = await self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]

    def close(self) -> None:
        """Stop reading (an unused or finished answer)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
