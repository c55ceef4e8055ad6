"""Reading stdin without a thread round trip per line.

pygls reads a stdio message with one ``run_in_executor`` call per header line and one for
the body: four hand-offs between a worker thread and the event loop per message, each
waiting for the loop to come round and for the GIL. While writers keep the loop busy that
made every message cost tens of milliseconds, the client's answers and ``didChange``\\ s
queued up behind one another, and ``codecrdt.status`` waited behind all of them (92 s
with 20 runs).

:func:`stdin_reader` instead reads stdin in bulk in one daemon thread (blocking reads,
the GIL released meanwhile) and feeds what it reads to an :class:`asyncio.StreamReader`
on the loop: ``readline`` and ``readexactly`` are then answered from memory, and every
message already received is handled in the same turn of the loop.

The thread stops reading while the stream holds more than twice its limit that the server
has not yet consumed (asyncio's own flow control: the stream pauses its "transport", here
:class:`_PumpControl`), so a client that writes faster than the server handles is held
back by the pipe rather than filling the server's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from typing import BinaryIO

__all__ = ["CHUNK", "stdin_reader"]

logger = logging.getLogger(__name__)

#: Bytes read from stdin at a time.
CHUNK = 256 * 1024
#: The longest header line (asyncio's default limit).
LINE_LIMIT = 64 * 1024


class _PumpControl(asyncio.ReadTransport):
    """The flow control a :class:`asyncio.StreamReader` asks of its transport, for a thread:
    the stream pauses it (on the loop) when its buffer passes twice its limit and resumes
    it when the buffer drains, or when a read needs more than the buffer holds."""

    def __init__(self) -> None:
        super().__init__()
        self.running = threading.Event()
        self.running.set()

    def pause_reading(self) -> None:
        self.running.clear()

    def resume_reading(self) -> None:
        self.running.set()

    def is_reading(self) -> bool:
        return self.running.is_set()


def stdin_reader(stdin: BinaryIO, loop: asyncio.AbstractEventLoop) -> asyncio.StreamReader:
    """A stream reader on ``loop`` fed with what a daemon thread reads from ``stdin``."""
    stream = asyncio.StreamReader(limit=LINE_LIMIT, loop=loop)
    control = _PumpControl()
    stream.set_transport(control)
    try:
        fd: int | None = stdin.fileno()
    except (OSError, ValueError, AttributeError):
        fd = None  # an in-memory stream (tests): read it through its own read()

    def read() -> bytes:
        if fd is not None:
            return os.read(fd, CHUNK)
        return stdin.read1(CHUNK) if hasattr(stdin, "read1") else stdin.read(CHUNK)

    fed = threading.Event()

    def feed(chunk: bytes) -> None:
        try:
            stream.feed_data(chunk)
        finally:
            fed.set()

    def pump() -> None:
        try:
            # One chunk in flight at a time: the next is read once the loop has fed this
            # one (and paused the pump if the stream holds too much); meanwhile what the
            # client writes waits in the pipe, and the next read takes all of it.
            while control.running.wait() and (chunk := read()):
                fed.clear()
                loop.call_soon_threadsafe(feed, chunk)
                fed.wait()
        except OSError as error:
            logger.warning("reading stdin: %s", error)
        except RuntimeError:  # the loop is closed: the server has stopped
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(stream.feed_eof)

    threading.Thread(target=pump, name="codecrdt-stdin", daemon=True).start()
    return stream
