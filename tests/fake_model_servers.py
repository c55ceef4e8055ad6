"""Local HTTP servers that speak the Anthropic and OpenAI streaming protocols.

:class:`FakeModelServer` answers ``POST /v1/messages`` (Anthropic Messages, server-sent
events named ``message_start``, ``content_block_delta``…, ``message_stop``) or ``POST
/v1/chat/completions`` (OpenAI chat completion chunks as ``data:`` lines, a usage chunk,
``data: [DONE]``), over HTTP/1.1 with chunked bodies, from a background thread. Each request
takes the next behaviour of its script (:meth:`FakeModelServer.script`): a normal stream, an
error status, a stream cut off, a stall, an error event mid-stream. A request with no
behaviour left gets a 400 that says so. Every request's headers and JSON body are recorded,
and every connection the client drops while the server holds it open is counted.

Only the standard library is used; the servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import select
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

__all__ = [
    "Cut",
    "FakeModelServer",
    "Garbage",
    "MidStreamError",
    "Protocol",
    "RecordedRequest",
    "Stall",
    "Status",
    "Stream",
    "UnknownModel",
    "rate_limited",
    "unauthorized",
]

Protocol = Literal["anthropic", "openai"]


@dataclass(frozen=True)
class Stream:
    """A complete answer: ``text`` split into ``chunks`` deltas, then the end events.

    The OpenAI usage chunk is sent when the request asks for it (``stream_options``) and
    ``usage`` is True; False leaves it out, as some local servers do.
    """

    text: str
    chunks: int = 3
    input_tokens: int = 120
    output_tokens: int = 9
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    usage: bool = True


@dataclass(frozen=True)
class Status:
    """An error answer: HTTP ``code`` with a JSON error body in the protocol's shape."""

    code: int
    message: str = "fake failure"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UnknownModel:
    """HTTP 404 naming the model the request asked for, as both APIs answer it."""


@dataclass(frozen=True)
class Cut:
    """The stream of ``text`` stops after ``after`` of its ``chunks`` deltas.

    ``clean`` False: the connection is dropped in the middle of the chunked body (the
    client sees an incomplete read). ``clean`` True: the body ends properly, but without
    the protocol's end events.
    """

    text: str
    chunks: int = 4
    after: int = 2
    clean: bool = False


@dataclass(frozen=True)
class Stall:
    """Headers and ``after`` deltas of ``text``, then nothing until the client hangs up
    (or ``seconds`` pass, or the server stops)."""

    text: str
    chunks: int = 4
    after: int = 1
    seconds: float = 10.0


@dataclass(frozen=True)
class MidStreamError:
    """``after`` deltas, then the protocol's in-stream error with ``error_type``."""

    text: str
    error_type: str
    chunks: int = 4
    after: int = 1
    message: str = "fake failure in stream"


@dataclass(frozen=True)
class Garbage:
    """``after`` deltas, then one event whose bytes are ``data`` (invalid UTF-8 by default,
    or JSON that does not parse), then the end of the body."""

    text: str
    data: bytes = b'data: {"type": "content_block_delta", "x": "\xff\xfe"}\n\n'
    chunks: int = 4
    after: int = 1


Behaviour = Stream | Status | UnknownModel | Cut | Stall | MidStreamError | Garbage


def rate_limited(seconds: str = "1", header: str = "retry-after") -> Status:
    """HTTP 429 asking for a wait of ``seconds`` in ``header``."""
    return Status(429, "rate limited", {header: seconds})


def unauthorized(echo: str) -> Status:
    """HTTP 401 whose message repeats ``echo`` (a key), as careless proxies do."""
    return Status(401, f"invalid x-api-key: {echo}")


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


_ANTHROPIC_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    429: "rate_limit_error",
    500: "api_error",
    503: "api_error",
    529: "overloaded_error",
}
_OPENAI_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    404: "invalid_request_error",
    429: "requests",
    500: "server_error",
    503: "server_error",
}


def split_text(text: str, chunks: int) -> list[str]:
    """``text`` in ``chunks`` consecutive, non-empty pieces (fewer if it is shorter)."""
    chunks = max(1, min(chunks, len(text)))
    size, extra = divmod(len(text), chunks)
    pieces: list[str] = []
    start = 0
    for index in range(chunks):
        end = start + size + (1 if index < extra else 0)
        pieces.append(text[start:end])
        start = end
    return pieces


class FakeModelServer:
    """One protocol's fake server; use as a context manager, or call start and stop."""

    def __init__(self, protocol: Protocol) -> None:
        self.protocol = protocol
        self.requests: list[RecordedRequest] = []
        self.disconnects = 0
        self.disconnected = threading.Event()
        self._script: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _Server(self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """The base URL to give the SDK client."""
        root = f"http://127.0.0.1:{self.port}"
        return root if self.protocol == "anthropic" else f"{root}/v1"

    def script(self, *behaviours: Behaviour) -> None:
        """Append behaviours, one per coming request, in order."""
        with self._lock:
            self._script.extend(behaviours)

    def start(self) -> FakeModelServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeModelServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _next(self, request: RecordedRequest) -> Behaviour | None:
        with self._lock:
            self.requests.append(request)
            return self._script.popleft() if self._script else None

    def _note_disconnect(self) -> None:
        with self._lock:
            self.disconnects += 1
        self.disconnected.set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: FakeModelServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.owner = owner

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet when a client drops a kept-alive connection; report anything else."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    @property
    def owner(self) -> FakeModelServer:
        return self.server.owner

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else {}
        request = RecordedRequest(
            self.path, {key.lower(): value for key, value in self.headers.items()}, body
        )
        behaviour = self.owner._next(request)
        model = str(body.get("model", ""))
        options = body.get("stream_options") or {}
        self._include_usage = bool(options.get("include_usage"))
        try:
            self._answer(behaviour, model)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
            self.owner._note_disconnect()

    def _answer(self, behaviour: Behaviour | None, model: str) -> None:
        if behaviour is None:
            self._error(Status(400, "fake server: no scripted behaviour left"))
        elif isinstance(behaviour, Status):
            self._error(behaviour)
        elif isinstance(behaviour, UnknownModel):
            if self.owner.protocol == "anthropic":
                message = f"model: {model}"
            else:
                message = f"The model `{model}` does not exist or you do not have access to it."
            self._error(Status(404, message))
        elif isinstance(behaviour, Stream):
            self._stream(behaviour.text, behaviour.chunks, behaviour.chunks, model, behaviour)
        elif isinstance(behaviour, Cut):
            self._stream(behaviour.text, behaviour.chunks, behaviour.after, model, None)
            if behaviour.clean:
                self._end_body()
            else:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
        elif isinstance(behaviour, Garbage):
            self._stream(behaviour.text, behaviour.chunks, behaviour.after, model, None)
            self._chunk(behaviour.data)
            self._end_body()
        elif isinstance(behaviour, Stall):
            self._stream(behaviour.text, behaviour.chunks, behaviour.after, model, None)
            self._hold(behaviour.seconds)
        else:
            self._stream(behaviour.text, behaviour.chunks, behaviour.after, model, None)
            self._stream_error(behaviour)
            self._end_body()

    # Plain answers

    def _error(self, status: Status) -> None:
        if self.owner.protocol == "anthropic":
            error_type = _ANTHROPIC_ERROR_TYPES.get(status.code, "api_error")
            body: dict[str, Any] = {
                "type": "error",
                "error": {"type": error_type, "message": status.message},
            }
        else:
            code = "model_not_found" if status.code == 404 else None
            error_type = _OPENAI_ERROR_TYPES.get(status.code, "server_error")
            body = {
                "error": {
                    "message": status.message,
                    "type": error_type,
                    "param": None,
                    "code": code,
                }
            }
        data = json.dumps(body).encode()
        self.send_response(status.code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        for name, value in status.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    # Streams

    def _stream(
        self, text: str, chunks: int, count: int, model: str, complete: Stream | None
    ) -> None:
        """Headers, the opening events, the first ``count`` deltas of ``text`` and, when
        ``complete`` is given, the closing events and the end of the body."""
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        pieces = split_text(text, chunks)[:count]
        if self.owner.protocol == "anthropic":
            events = _anthropic_events(pieces, model, complete)
        else:
            events = _openai_events(pieces, model, complete, self._include_usage)
        for event in events:
            self._chunk(event)
        if complete is not None:
            self._end_body()

    def _stream_error(self, error: MidStreamError) -> None:
        if self.owner.protocol == "anthropic":
            payload = {
                "type": "error",
                "error": {"type": error.error_type, "message": error.message},
            }
            self._chunk(_sse(payload, "error"))
        else:
            payload = {"error": {"message": error.message, "type": error.error_type, "code": None}}
            self._chunk(_sse(payload))

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _end_body(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _hold(self, seconds: float) -> None:
        """Send nothing until the client closes the connection; count it when it does."""
        self.close_connection = True
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.owner._stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], 0.02)
            if not readable:
                continue
            try:
                data = self.connection.recv(1, socket.MSG_PEEK)
            except OSError:
                data = b""
            if not data:
                self.owner._note_disconnect()
                return
            return  # the client sent something unexpected: give up holding


def _sse(payload: dict[str, Any] | str, event: str | None = None) -> bytes:
    data = payload if isinstance(payload, str) else json.dumps(payload)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {data}\n\n".encode()


def _anthropic_events(pieces: list[str], model: str, complete: Stream | None) -> Iterator[bytes]:
    usage = complete or Stream("")
    yield _sse(
        {
            "type": "message_start",
            "message": {
                "id": "msg_fake",
                "type": "message",
                "role": "assistant",
                "model": model,
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {
                    "input_tokens": usage.input_tokens,
                    "output_tokens": 1,
                    "cache_creation_input_tokens": usage.cache_write_tokens,
                    "cache_read_input_tokens": usage.cache_read_tokens,
                },
            },
        },
        "message_start",
    )
    yield _sse(
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        "content_block_start",
    )
    yield _sse({"type": "ping"}, "ping")
    for piece in pieces:
        yield _sse(
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": piece},
            },
            "content_block_delta",
        )
    if complete is None:
        return
    yield _sse({"type": "content_block_stop", "index": 0}, "content_block_stop")
    yield _sse(
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": complete.output_tokens},
        },
        "message_delta",
    )
    yield _sse({"type": "message_stop"}, "message_stop")


def _openai_events(
    pieces: list[str], model: str, complete: Stream | None, include_usage: bool
) -> Iterator[bytes]:
    def chunk(choices: list[dict[str, Any]], **extra: Any) -> bytes:
        return _sse(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": model,
                "choices": choices,
                **extra,
            }
        )

    yield chunk(
        [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]
    )
    for piece in pieces:
        yield chunk([{"index": 0, "delta": {"content": piece}, "finish_reason": None}])
    if complete is None:
        return
    yield chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}])
    if complete.usage and include_usage:
        prompt = complete.input_tokens + complete.cache_read_tokens
        yield chunk(
            [],
            usage={
                "prompt_tokens": prompt,
                "completion_tokens": complete.output_tokens,
                "total_tokens": prompt + complete.output_tokens,
                "prompt_tokens_details": {"cached_tokens": complete.cache_read_tokens},
            },
        )
    yield _sse("[DONE]")
