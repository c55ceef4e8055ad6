"""The transport between a replica and the hub: one direction of a link.

Replicas and the hub only ever ``send`` whole Yjs messages (:mod:`codecrdt.agents.sync`)
and ``close``; a channel delivers each message to a callback on the other side, or loses
it. Nothing above relies on delivery, order or uniqueness: the sync protocol repairs
losses on its periodic exchange. The in-process network (:mod:`codecrdt.agents.network`)
is one implementation; a websocket transport would be another.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["Channel"]


@runtime_checkable
class Channel(Protocol):
    """``send`` here, delivered (maybe late, twice or never) there."""

    @property
    def closed(self) -> bool:
        """Whether the channel was closed: a closed channel drops everything."""
        ...

    def send(self, message: bytes) -> None: ...

    def close(self) -> None: ...
