"""An asyncio event loop on a virtual clock, for simulations of whole runs.

When nothing is ready to run, the loop jumps its clock to the next timer instead of
sleeping, so a run that models minutes of network delays, model latency and lease
timeouts finishes in milliseconds, and the same seed gives the same schedule. The agents,
hub and providers run unchanged: they only ever ask the loop for the time and for timers.

The loop must not wait on real I/O or threads: with no timer left and nothing ready, it
raises :class:`SimulationStalled` rather than hang.
"""

from __future__ import annotations

import asyncio
import selectors
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["SimulationStalled", "VirtualTimeLoop", "run_virtual"]

T = TypeVar("T")


class SimulationStalled(RuntimeError):
    """Nothing can ever run again: every task waits for something no timer will bring."""


class _JumpingSelector(selectors.DefaultSelector):
    def __init__(self, loop: VirtualTimeLoop) -> None:
        super().__init__()
        self._loop = loop

    def select(self, timeout: float | None = None) -> list[Any]:
        ready = super().select(0)  # the loop's own wake-up pipe, never a real wait
        if ready:
            return ready
        if timeout is None:
            raise SimulationStalled("every task is waiting and no timer is left")
        self._loop.now += timeout
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        super().__init__(selector=_JumpingSelector(self))
        self._clock_resolution = 1e-9

    def time(self) -> float:
        return self.now


def run_virtual(main: Coroutine[Any, Any, T], *, start: float = 0.0) -> T:
    """Run ``main`` to completion on a fresh virtual-time loop."""
    loop = VirtualTimeLoop(start)
    try:
        return loop.run_until_complete(main)
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
