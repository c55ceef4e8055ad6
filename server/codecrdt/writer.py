"""A simulated concurrent writer: a replica that streams text into a shared document.

It stands in for an agent until agents exist, to check that an editor stays converged
while someone else writes: it works on its own pycrdt replica, streams ``text`` in
chunks at a sticky position, and exchanges CRDT updates with the shared document after
every chunk, so the editor's edits reach it and its edits reach the editor.
"""

from __future__ import annotations

import asyncio
from itertools import count

from codecrdt.document import Assoc, Origin, SharedDocument

__all__ = ["stream_text"]

_ids = count(1)


async def stream_text(
    hub: SharedDocument,
    text: str,
    *,
    offset: int | None = None,
    chunk: int = 16,
    interval: float = 0.02,
    name: str | None = None,
) -> int:
    """Stream ``text`` into ``hub`` from a replica; returns the characters inserted.

    ``offset`` (code points, default: the end) is where writing starts; it then follows
    the writer's own text through everyone's concurrent edits.
    """
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    origin = Origin.agent(name or f"writer-{next(_ids)}")
    replica = hub.fork()
    start = len(replica) if offset is None else offset
    if not 0 <= start <= len(replica):
        raise ValueError(f"offset {start} is outside the document (0..{len(replica)})")
    # Sticks to the character before it: text typed just after it stays after our text.
    anchor = replica.anchor(start, Assoc.BEFORE) if start else None
    written = 0
    for i in range(0, len(text), chunk):
        piece = text[i : i + chunk]
        at = anchor.offset if anchor is not None else 0
        replica.insert(at, piece, origin)
        written += len(piece)
        anchor = replica.anchor(at + len(piece), Assoc.BEFORE)
        hub_state = hub.state()
        hub.apply_update(replica.update_since(hub_state), origin)
        replica.apply_update(hub.update_since(replica.state()))
        await asyncio.sleep(interval)
    return written
