"""An in-process network with a seeded model of delay, reordering, duplication and loss.

Each direction of a link is a :class:`SimulatedChannel`, one implementation of the
:class:`~codecrdt.agents.channel.Channel` protocol. A message is delivered after a delay drawn
from the model (so messages overtake each other: reordering), may be delivered twice, or
may be lost. Nothing is retransmitted here: the sync protocol above repairs losses by
periodic state-vector exchange (see :mod:`codecrdt.agents.replica`). A closed channel
drops everything, which is how a crashed agent looks to the others.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["NetworkModel", "SimulatedChannel"]


@dataclass(frozen=True, slots=True)
class NetworkModel:
    """Delays in seconds; probabilities per message."""

    min_delay_s: float = 0.0
    max_delay_s: float = 0.0
    drop: float = 0.0
    duplicate: float = 0.0

    @property
    def perfect(self) -> bool:
        return self.max_delay_s == 0 and self.drop == 0 and self.duplicate == 0


class SimulatedChannel:
    """One direction of a link: ``send`` here, ``deliver`` called there."""

    def __init__(
        self,
        model: NetworkModel,
        deliver: Callable[[bytes], None],
        rng: random.Random,
    ) -> None:
        self.model = model
        self._deliver = deliver
        self._rng = rng
        self.closed = False
        self.sent = 0
        self.dropped = 0

    def send(self, message: bytes) -> None:
        if self.closed:
            return
        self.sent += 1
        model = self.model
        if model.perfect:
            asyncio.get_running_loop().call_soon(self._arrive, message)
            return
        copies = 2 if self._rng.random() < model.duplicate else 1
        for _ in range(copies):
            if self._rng.random() < model.drop:
                self.dropped += 1
                continue
            delay = self._rng.uniform(model.min_delay_s, model.max_delay_s)
            asyncio.get_running_loop().call_later(delay, self._arrive, message)

    def _arrive(self, message: bytes) -> None:
        if not self.closed:
            self._deliver(message)

    def close(self) -> None:
        self.closed = True
