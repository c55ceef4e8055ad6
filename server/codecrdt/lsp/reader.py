"""How the server reads its connection: pygls' read loops, with bounds on what one message
may cost.

pygls reads a stdio message with ``stdin.read(Content-Length)``: a header of
``Content-Length: 99999999999`` makes it allocate that much (MemoryError, OverflowError)
and the server dies. :func:`read_messages` is pygls' ``run_async`` loop with a limit: a
message over :func:`message_limit` is answered ``-32600`` (its id is unknown: it is not
read) and its body read and dropped in bounded chunks, so the next message is read normally.
Header lines are read with a bounded ``readline`` too.

:class:`~codecrdt.lsp.server.CodeCrdtServer`'s ``start_io`` and the TCP server of
:mod:`codecrdt.lsp.transports` read with it. Over a websocket the library reads whole
messages: :mod:`~codecrdt.lsp.transports` raises its ``max_size`` from 1 MiB to the same
limit, and a message over it closes that connection only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from pygls.exceptions import JsonRpcException
from pygls.io_ import StdoutWriter

from codecrdt.lsp.stdin import stdin_reader

if TYPE_CHECKING:
    from pygls.protocol import JsonRPCProtocol
    from pygls.server import JsonRPCServer

__all__ = [
    "LockedWriter",
    "MessageTooLarge",
    "UrgentAnswer",
    "message_limit",
    "read_messages",
    "serve_stdio",
]

logger = logging.getLogger(__name__)

#: Room in a message beyond its document text: the JSON-RPC envelope and other fields.
MARGIN = 1024 * 1024
#: JSON may spell one byte of text in six (``\u0001``).
JSON_ESCAPE_FACTOR = 6
#: A dropped message's body is read and discarded this many bytes at a time.
DISCARD_CHUNK = 1024 * 1024


def message_limit(max_file_bytes: int) -> int:
    """The largest message read: a document at the size limit, all of it escaped, plus a
    margin (8 MiB documents: 49 MiB)."""
    return JSON_ESCAPE_FACTOR * max_file_bytes + MARGIN


class MessageTooLarge(Exception):
    """A message whose Content-Length is over the limit: answered and dropped unread."""

    def __init__(self, length: str, limit: int) -> None:
        super().__init__(
            f"a message of {length} bytes is over the limit of {limit:,} bytes; dropped"
        )
        self.length = length
        self.limit = limit


class AsyncReader(Protocol):
    def readline(self) -> Any: ...

    def readexactly(self, n: int) -> Any: ...


async def _read(reader: AsyncReader, n: int) -> bytes:
    """``n`` bytes, or fewer at the end of the stream (whatever the reader's convention)."""
    try:
        return await reader.readexactly(n)
    except asyncio.IncompleteReadError as error:
        return error.partial


async def _discard(reader: AsyncReader, n: int) -> bool:
    """Read and drop ``n`` bytes in bounded chunks; False at the end of the stream."""
    while n > 0:
        chunk = await _read(reader, min(n, DISCARD_CHUNK))
        if not chunk:
            return False
        n -= len(chunk)
    return True


def _content_length(header: bytes) -> str | None:
    name, sep, value = header.partition(b":")
    if not sep or name.strip().lower() != b"content-length":
        return None
    return value.strip().decode("ascii", "replace")


async def read_messages(
    stop_event: threading.Event,
    reader: AsyncReader,
    protocol: JsonRPCProtocol,
    limit: Callable[[], int],
    error_handler: Callable[[Exception, Any], Any],
) -> None:
    """pygls' ``run_async`` loop, with every read bounded by ``limit()`` (read per message,
    so a ``maxFileBytes`` set by the client applies to the messages after it)."""
    length: str | None = None
    while not stop_event.is_set():
        try:
            header = await reader.readline()
        except ValueError:  # a header line over the reader's limit: dropped, reading goes on
            error_handler(json.JSONDecodeError("header line too long", "", 0), JsonRpcException)
            length = None
            continue
        if not header:
            break
        if header.strip():
            if length is None:
                length = _content_length(header)
            continue
        if length is None:
            continue  # a blank line without a header before it: skipped, as pygls does
        shown, length = length, None
        if not shown.isdigit():
            error_handler(json.JSONDecodeError("bad Content-Length", shown, 0), JsonRpcException)
            continue
        maximum = limit()
        size = int(shown) if len(shown) <= 18 else maximum + 1
        if size > maximum:
            error_handler(MessageTooLarge(shown, maximum), JsonRpcException)
            if not await _discard(reader, size):
                break
            continue
        body = await _read(reader, size)
        if len(body) < size:
            break
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
            protocol.handle_message(message)
        except Exception as error:
            logger.exception("Unable to handle message")
            error_handler(error, JsonRpcException)


class LockedWriter(StdoutWriter):
    """pygls' stdout writer, safe to write from the stdin thread too: a control request
    answered there (:mod:`codecrdt.lsp.stdin`) never cuts into a message the loop is
    writing.

    Once closed (the client sent ``exit``), a later write, say an analysis that finished
    meanwhile publishing its diagnostics, is dropped: nobody can read it, and raising
    there made the server log a traceback and a failed error report as it exited.
    """

    def __init__(self, stdout: BinaryIO) -> None:
        super().__init__(stdout)
        self._lock = threading.Lock()
        self.closed = False

    def close(self) -> None:
        with self._lock:
            self.closed = True
            super().close()

    def write(self, data: bytes) -> None:
        with self._lock:
            if self.closed:
                logger.debug("output closed: %d bytes not sent", len(data))
                return
            super().write(data)


#: Answers a small message read by the stdin thread, or returns None to leave it to the
#: loop (:meth:`codecrdt.lsp.server.CodeCrdtServer.urgent_answer`).
UrgentAnswer = Callable[[bytes], dict[str, Any] | None]


def serve_stdio(
    server: JsonRPCServer,
    limit: Callable[[], int],
    stdin: BinaryIO | None = None,
    stdout: BinaryIO | None = None,
    urgent: UrgentAnswer | None = None,
) -> None:
    """pygls' ``start_io``: stdin read in bulk (:func:`~codecrdt.lsp.stdin.stdin_reader`),
    each message with :func:`read_messages`; ``urgent`` answers control requests in the
    reading thread, ahead of the messages queued for the loop."""
    server._stop_event = stop_event = threading.Event()
    writer = LockedWriter(stdout or sys.stdout.buffer)
    server.protocol.set_writer(writer)

    def answer(body: bytes) -> bool:
        assert urgent is not None
        response = urgent(body)
        if response is None:
            return False
        data = json.dumps(response).encode("utf-8")
        writer.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        return True

    async def serve() -> None:
        reader = stdin_reader(
            stdin or sys.stdin.buffer,
            asyncio.get_running_loop(),
            answer if urgent is not None else None,
        )
        await read_messages(stop_event, reader, server.protocol, limit, server.report_server_error)

    try:
        asyncio.run(serve())
    except BrokenPipeError:
        logger.error("Connection to the client is lost! Shutting down the server.")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()
