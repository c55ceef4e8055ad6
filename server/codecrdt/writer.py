"""A simulated concurrent writer: a replica that streams text into a shared document.

It stands in for an agent until agents exist, to check that an editor stays converged
while someone else writes: it works on its own pycrdt replica, streams ``text`` in
chunks at a sticky position, and exchanges CRDT updates with the shared document after
every chunk, so the editor's edits reach it and its edits reach the editor.

:func:`stream_stamps` writes *stamped* chunks instead, for latency measurements: each
chunk is one line that begins with ``«NAME:SEQ:NS»``, where NS is ``time.monotonic_ns()``
taken just before the chunk is inserted. CLOCK_MONOTONIC is shared by the processes of
a Linux machine, so a client that receives the stamp in a ``workspace/applyEdit`` can
subtract it from its own ``time.monotonic_ns()``: that is the edit-to-editor latency.
"""

from __future__ import annotations

import asyncio
import re
import time
from itertools import count

from codecrdt.document import Anchor, Assoc, Origin, SharedDocument

__all__ = ["STAMP", "format_stamp", "new_writer_name", "stream_stamps", "stream_text"]

_ids = count(1)

#: A stamp in a stamped chunk: groups ``name``, ``seq`` and ``ns`` (monotonic_ns).
STAMP = re.compile(r"«(?P<name>[A-Za-z0-9_.-]+):(?P<seq>\d+):(?P<ns>\d+)»")
_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def new_writer_name() -> str:
    """A fresh name for a writer started without one: ``writer-N``."""
    return f"writer-{next(_ids)}"


def format_stamp(name: str, seq: int, ns: int) -> str:
    return f"«{name}:{seq}:{ns}»"


class _Replica:
    """A writer's replica of ``hub``, with its sticky writing position.

    It writes only at its cursor and never asks for a line or column, so its line
    mirror is never brought up to date (:meth:`SharedDocument.write_at`): merging the
    other writers' lines costs it the CRDT merge alone.
    """

    def __init__(self, hub: SharedDocument, offset: int | None, name: str | None) -> None:
        self.hub = hub
        self.origin = Origin.agent(name or new_writer_name())
        self.replica = hub.fork()
        start = len(self.replica) if offset is None else offset
        if not 0 <= start <= len(self.replica):
            raise ValueError(f"offset {start} is outside the document (0..{len(self.replica)})")
        # Sticks to the character before it: text typed just after it stays after our text.
        self.cursor: Anchor = self.replica.anchor(start, Assoc.BEFORE)

    def write(self, piece: str) -> None:
        """Insert ``piece`` at the writing position and exchange updates with the hub."""
        replica, hub = self.replica, self.hub
        replica.write_at(self.cursor, piece, self.origin)
        hub_state = hub.state()
        hub.apply_update(replica.update_since(hub_state), self.origin)
        replica.apply_update(hub.update_since(replica.state()), changes=False)


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
    writer = _Replica(hub, offset, name)
    written = 0
    for i in range(0, len(text), chunk):
        piece = text[i : i + chunk]
        writer.write(piece)
        written += len(piece)
        await asyncio.sleep(interval)
    return written


async def stream_stamps(
    hub: SharedDocument,
    chunks: int,
    *,
    name: str,
    offset: int | None = None,
    chunk: int = 16,
    interval: float = 0.02,
) -> int:
    """Write ``chunks`` stamped lines into ``hub`` from a replica; the characters inserted.

    Chunk ``seq`` (1, 2, …) is the stamp ``«name:seq:ns»``, padded with ``.`` to
    ``chunk`` characters when the stamp is shorter, and a newline (counted in ``chunk``).
    Chunks start on a fixed schedule, one every ``interval`` seconds from the first, so
    that the rate holds whatever a chunk costs; a writer that falls behind catches up
    without sleeping.
    """
    if chunks < 0:
        raise ValueError("chunks must not be negative")
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    if not _NAME.fullmatch(name):
        raise ValueError(f"a stamped writer's name must match {_NAME.pattern}, not {name!r}")
    writer = _Replica(hub, offset, name)
    loop = asyncio.get_running_loop()
    start = loop.time()
    written = 0
    for seq in range(1, chunks + 1):
        stamp = format_stamp(name, seq, time.monotonic_ns())
        piece = stamp + "." * max(0, chunk - len(stamp) - 1) + "\n"
        writer.write(piece)
        written += len(piece)
        delay = start + seq * interval - loop.time()
        if seq < chunks:
            await asyncio.sleep(max(0.0, delay))
    return written
