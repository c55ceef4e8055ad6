"""The server's stdin pump holds a flooding client back instead of buffering everything."""

from __future__ import annotations

import asyncio
import io
import threading

from codecrdt.lsp.stdin import CHUNK, LINE_LIMIT, stdin_reader


class CountingInput(io.BytesIO):
    """An in-memory stdin that counts the bytes the server has taken from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.taken = 0
        self.lock = threading.Lock()

    def read1(self, size: int = -1) -> bytes:
        chunk = super().read1(min(size, 4096))  # a pipe hands over at most its buffer
        with self.lock:
            self.taken += len(chunk)
        return chunk


async def test_a_client_writing_faster_than_the_server_reads_is_held_back():
    data = bytes(range(256)) * (40 * 1024)  # 10 MiB
    source = CountingInput(data)
    stream = stdin_reader(source, asyncio.get_running_loop())
    await asyncio.sleep(0.5)  # the server is busy: nothing consumed
    held = source.taken
    # At most twice the stream's limit, plus what was in flight when it paused.
    assert held <= 2 * LINE_LIMIT + CHUNK, held
    # Reading resumes the pump, and nothing is lost or reordered.
    received = bytearray()
    while len(received) < len(data):
        received += await asyncio.wait_for(stream.read(1 << 20), 10)
    assert bytes(received) == data
    assert await asyncio.wait_for(stream.read(), 10) == b""  # then the end of the input


async def test_a_message_larger_than_the_pause_threshold_is_still_read_whole():
    body = b"x" * (3 * 2 * LINE_LIMIT)
    source = CountingInput(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stream = stdin_reader(source, asyncio.get_running_loop())
    assert await asyncio.wait_for(stream.readline(), 10) == b"Content-Length: %d\r\n" % len(body)
    assert await asyncio.wait_for(stream.readline(), 10) == b"\r\n"
    assert await asyncio.wait_for(stream.readexactly(len(body)), 10) == body
