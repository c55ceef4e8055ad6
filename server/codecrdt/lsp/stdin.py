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

Control requests go ahead of the bulk (``urgent``): the thread frames the messages it
reads (:class:`Framer`) and offers each small one to ``urgent``, which may answer it
there and then, in the thread, instead of letting it wait its turn on a loop busy with
runs (``codecrdt.status`` with 20 runs writing waited 60–200 ms for the loop). Every other
byte reaches the stream unchanged and in order; a message the framer cannot read with
certainty turns it off for the rest of the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from collections.abc import Callable
from typing import BinaryIO

__all__ = ["CHUNK", "Framer", "stdin_reader"]

logger = logging.getLogger(__name__)

#: Bytes read from stdin at a time.
CHUNK = 256 * 1024
#: The longest header line (asyncio's default limit).
LINE_LIMIT = 64 * 1024


#: The longest header block the framer reads; a longer one turns it off.
HEADER_LIMIT = 1024
#: Messages up to this size are offered to ``urgent``; longer ones pass through unread.
URGENT_LIMIT = 8 * 1024


class Framer:
    """Splits a stdio byte stream at its messages and takes out those ``urgent`` answers.

    :meth:`feed` returns the bytes to pass on: everything that came in, in order, less
    the whole messages ``urgent(body)`` returned True for. Only the message being read
    is held back (at most a header block and a small body: a message the server could
    not have read yet anyway); the body of a message over :data:`URGENT_LIMIT` passes
    through as it comes. A header block without a ``\r\n\r\n`` end within
    :data:`HEADER_LIMIT` bytes or without a plain ``Content-Length`` turns the framer
    off: from then on everything passes through, for the server's own reader to handle
    (and answer) as it always does.
    """

    def __init__(self, urgent: Callable[[bytes], bool]) -> None:
        self.urgent = urgent
        self.on = True
        self._held = b""  # the start of the message being read
        self._body = -1  # its body's length once its header is read
        self._skip = 0  # bytes of a long body still to pass through

    def feed(self, data: bytes) -> bytes:
        if not self.on:
            return data
        out: list[bytes] = []
        while data:
            if self._skip:
                passed, data = data[: self._skip], data[self._skip :]
                self._skip -= len(passed)
                out.append(passed)
                continue
            held = self._held + data
            data = b""
            if self._body < 0:
                end = held.find(b"\r\n\r\n")
                if end < 0:
                    if len(held) > HEADER_LIMIT:
                        return self._stop(out, held)
                    self._held = held
                    break
                length = _content_length(held[:end])
                if length is None:
                    return self._stop(out, held)
                header_end = end + 4
                if length > URGENT_LIMIT:
                    out.append(held[:header_end])
                    self._skip, self._held, data = length, b"", held[header_end:]
                    continue
                self._body = header_end + length  # the message's end within ``held``
            if len(held) < self._body:
                self._held = held
                break
            message, data = held[: self._body], held[self._body :]
            start = message.find(b"\r\n\r\n") + 4
            self._held, self._body = b"", -1
            if not self._answered(message[start:]):
                out.append(message)
        return b"".join(out)

    def flush(self) -> bytes:
        """What is held at the end of the stream (an unfinished message)."""
        held, self._held = self._held, b""
        return held

    def _answered(self, body: bytes) -> bool:
        try:
            return self.urgent(body)
        except Exception:  # the message goes the usual way, where its error is answered
            logger.exception("answering a control request")
            return False

    def _stop(self, out: list[bytes], held: bytes) -> bytes:
        self.on = False
        self._held = b""
        out.append(held)
        return b"".join(out)


def _content_length(header: bytes) -> int | None:
    """The Content-Length of a header block, if it is plain (digits, given once)."""
    length = None
    for line in header.split(b"\r\n"):
        name, sep, value = line.partition(b":")
        if not sep:
            return None
        if name.strip().lower() == b"content-length":
            value = value.strip()
            if length is not None or not value.isdigit() or len(value) > 12:
                return None
            length = int(value)
    return length


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


def stdin_reader(
    stdin: BinaryIO,
    loop: asyncio.AbstractEventLoop,
    urgent: Callable[[bytes], bool] | None = None,
) -> asyncio.StreamReader:
    """A stream reader on ``loop`` fed with what a daemon thread reads from ``stdin``.

    ``urgent(body)``, called in that thread for each small message, answers it itself
    and returns True, or returns False to leave it to the stream (see :class:`Framer`).
    """
    framer = Framer(urgent) if urgent is not None else None
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
                if framer is not None and not (chunk := framer.feed(chunk)):
                    continue  # all of it answered here, or held until its message ends
                fed.clear()
                loop.call_soon_threadsafe(feed, chunk)
                fed.wait()
        except OSError as error:
            logger.warning("reading stdin: %s", error)
        except RuntimeError:  # the loop is closed: the server has stopped
            return
        with contextlib.suppress(RuntimeError):
            if framer is not None and (rest := framer.flush()):
                loop.call_soon_threadsafe(stream.feed_data, rest)
            loop.call_soon_threadsafe(stream.feed_eof)

    threading.Thread(target=pump, name="codecrdt-stdin", daemon=True).start()
    return stream
