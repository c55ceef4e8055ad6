"""A run's clock: the one time source of a generation run.

Everything in a run that stamps or waits reads the run's :class:`Clock`: the agents and
their context (events, first token), the hub (timeline, leases), the report (``wall_s``,
the timeline), the audit trail (each entry's ``time``) and the modelled delays of the
scripted provider and of retry back-offs.

The clock reads the event loop's time, so the same code runs on a real loop and on the
virtual one of simulations (:mod:`codecrdt.agents.virtual_time`), where the loop jumps to
its next timer instead of sleeping. The two kinds differ in one thing, the audit trail's
timestamps (:meth:`Clock.wall`): a real clock gives wall-clock seconds (the run's start
time plus the time elapsed since, so entries of one run are ordered even when the system
clock is adjusted), a virtual clock gives virtual seconds since the run started.

Two units: :meth:`Clock.now` and the run's own timers (leases, resync, settling, a stall
injected into an agent) are loop seconds; what :meth:`Clock.sleep` waits is *model*
seconds (the scripted provider's latency and scripted stalls, retry waits), played
``time_scale`` times faster: scripted demos and tests play a run's modelled delays fast.
"""

from __future__ import annotations

import asyncio
import time
from typing import Literal

__all__ = ["Clock"]

Kind = Literal["real", "virtual"]


class Clock:
    """Seconds since the run started, model-time sleeps and audit timestamps."""

    __slots__ = ("_epoch", "_started", "kind", "time_scale")

    def __init__(self, *, time_scale: float = 1.0, kind: Kind = "real") -> None:
        if not time_scale > 0:
            raise ValueError(f"time scale must be above 0, not {time_scale!r}")
        #: Modelled delays (:meth:`sleep`) run this many times faster.
        self.time_scale = float(time_scale)
        #: ``virtual`` when the run's loop is a virtual-time loop (audit times are virtual).
        self.kind: Kind = kind
        self._started: float | None = None
        self._epoch = 0.0

    @classmethod
    def real(cls, *, time_scale: float = 1.0) -> Clock:
        """A clock for a run on an ordinary event loop."""
        return cls(time_scale=time_scale)

    @classmethod
    def virtual(cls, *, time_scale: float = 1.0) -> Clock:
        """A clock for a run on a :class:`~codecrdt.agents.virtual_time.VirtualTimeLoop`."""
        return cls(time_scale=time_scale, kind="virtual")

    def start(self) -> Clock:
        """Mark the run's start (on the running loop): :meth:`now` counts from here."""
        self._started = asyncio.get_running_loop().time()
        self._epoch = 0.0 if self.kind == "virtual" else time.time()
        return self

    def now(self) -> float:
        """Loop seconds since the run started."""
        if self._started is None:
            raise RuntimeError("the run's clock has not been started")
        return asyncio.get_running_loop().time() - self._started

    def wall(self) -> float:
        """The audit trail's timestamp: wall-clock seconds, or virtual ones (see above)."""
        return self._epoch + self.now()

    async def sleep(self, model_seconds: float) -> None:
        """Wait ``model_seconds`` of modelled time: ``model_seconds / time_scale`` on the loop."""
        await asyncio.sleep(model_seconds / self.time_scale)

    def __repr__(self) -> str:
        return f"Clock.{self.kind}(time_scale={self.time_scale:g})"
