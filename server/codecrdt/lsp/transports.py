"""``codecrdt serve --tcp`` and ``--ws``: loopback by default, a token, one client at a time.

Stdio needs none of this: the editor started the process and owns its pipes. A socket can
be reached by any local process (and a websocket by any web page), so:

- the address must be a loopback one unless ``--allow-remote`` is given (:func:`is_loopback`);
- every connection must show the server's token (:func:`server_token`): over TCP in the
  ``initialize`` request's ``initializationOptions.token`` (:class:`TokenGate`: every other
  request before it is refused with -32002, and a wrong or missing token is answered with
  an error and the connection closed); over a websocket in the handshake, as
  ``Authorization: Bearer TOKEN`` or ``?token=TOKEN`` (HTTP 401 without it), where a
  browser's ``Origin`` must also be a loopback one (or ``--allow-origin``) and ``Host``
  the address the server listens on (DNS rebinding: HTTP 403);
- each connection gets a server of its own (documents, runs, settings: nothing is shared),
  and only one client is served at a time: another is refused while it is connected. The
  process ends when that client's connection ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import http
import ipaddress
import json
import logging
import os
import secrets
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pygls.io_ import run_websocket

from codecrdt.lsp.reader import message_limit, read_messages
from codecrdt.lsp.server import CodeCrdtServer
from codecrdt.sourcefile import MAX_FILE_BYTES

__all__ = [
    "TOKEN_ENV",
    "TokenGate",
    "default_token_file",
    "is_loopback",
    "serve_tcp",
    "serve_ws",
    "server_token",
    "write_token_file",
]

logger = logging.getLogger(__name__)

#: A token given by whoever starts the server (tests, an editor that starts it itself).
TOKEN_ENV = "CODECRDT_TOKEN"
#: How long a TCP connection may take to send a valid ``initialize``.
AUTH_TIMEOUT_S = 30.0
#: JSON-RPC error codes: the server's own for a refused token; LSP's "not initialized".
UNAUTHORIZED = -32001
NOT_INITIALIZED = -32002

MakeServer = Callable[[], CodeCrdtServer]


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address, IPv6 with or without brackets) stays on
    this machine."""
    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def server_token() -> tuple[str, bool]:
    """The token: ``$CODECRDT_TOKEN`` when set, else a new random one; and whether it is
    new (then it must be written where a client can read it)."""
    given = os.environ.get(TOKEN_ENV, "").strip()
    if given:
        return given, False
    return secrets.token_urlsafe(32), True


def default_token_file(transport: str, port: int) -> Path:
    """Where a new token is written: ``$XDG_RUNTIME_DIR/codecrdt/`` (a per-user folder
    that only its user reads), else the user's cache folder."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        folder = Path(runtime) / "codecrdt"
    elif sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        folder = Path(os.environ["LOCALAPPDATA"]) / "codecrdt"
    else:
        cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(cache) / "codecrdt"
    return folder / f"{transport}-{port}.token"


def write_token_file(path: Path, token: str) -> None:
    """Write ``token`` to ``path``, readable and writable by its owner only (0600); its
    folder is created 0700 when missing. A symlink at ``path`` is refused."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, 0o600)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(descriptor, 0o600)  # an existing file keeps its mode on open
        os.write(descriptor, (token + "\n").encode("utf-8"))
    finally:
        os.close(descriptor)


def _same(given: Any, token: str) -> bool:
    return isinstance(given, str) and secrets.compare_digest(
        given.encode("utf-8", "surrogatepass"), token.encode("utf-8")
    )


#: The websocket close code for a message over ``max_size`` (RFC 6455).
CLOSE_TOO_BIG = 1009


class OneClient:
    """The one client being served; the listener closes when it leaves."""

    def __init__(self) -> None:
        self.taken = False
        self.done = asyncio.Event()

    def claim(self) -> bool:
        if self.taken:
            return False
        self.taken = True
        return True


class TokenGate:
    """What a TCP connection may send before it has shown the token in ``initialize``.

    Until then a request is answered with -32002 and a notification dropped; an
    ``initialize`` with a wrong or missing ``initializationOptions.token`` is answered
    with -32001 and the connection closed, as is a right one while another client is
    being served.
    """

    def __init__(
        self,
        server: CodeCrdtServer,
        token: str,
        claim: Callable[[], bool],
        close: Callable[[], None],
    ) -> None:
        self.server = server
        self.token = token
        self.claim = claim
        self.close = close
        self.passed = False

    def __call__(self, message: Any) -> bool:
        if self.passed:
            return True
        method = getattr(message, "method", None)
        msg_id = getattr(message, "id", None)
        if method == "initialize":
            options = getattr(getattr(message, "params", None), "initialization_options", None)
            given = options.get("token") if isinstance(options, dict) else None
            if not _same(given, self.token):
                logger.warning("a TCP client gave a wrong or no token: connection closed")
                self._refuse(
                    msg_id,
                    UNAUTHORIZED,
                    "CodeCRDT: wrong or missing token. Pass the server's token as "
                    "initializationOptions.token (see docs/lsp.md, 'Over TCP or a websocket')",
                )
                return False
            if not self.claim():
                self._refuse(
                    msg_id,
                    UNAUTHORIZED,
                    "CodeCRDT: another client is connected to this server; it serves one at a time",
                )
                return False
            self.passed = True
            return True
        if msg_id is not None and method is not None:
            self._answer(
                msg_id,
                NOT_INITIALIZED,
                "CodeCRDT: send initialize first, with the server's token as "
                "initializationOptions.token",
            )
        return False

    def _answer(self, msg_id: Any, code: int, message: str) -> None:
        self.server.protocol._send_data(
            {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}
        )

    def _refuse(self, msg_id: Any, code: int, message: str) -> None:
        if msg_id is not None:
            self._answer(msg_id, code, message)
        self.close()


async def serve_tcp(
    make_server: MakeServer,
    host: str,
    port: int,
    token: str,
    on_listening: Callable[[int], None] = lambda _port: None,
) -> None:
    """Serve LSP over TCP on ``host:port`` until the one authenticated client leaves."""
    client = OneClient()
    pending: set[asyncio.StreamWriter] = set()

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if client.taken:
            logger.warning("a second TCP connection was refused: a client is connected")
            _say(writer, "CodeCRDT: another client is connected to this server")
            writer.close()
            return
        server = make_server()
        stop = threading.Event()
        server._stop_event = stop

        def close() -> None:
            stop.set()
            writer.close()

        gate = TokenGate(server, token, client.claim, close)
        server.protocol.gate = gate
        server.protocol.set_writer(writer)  # type: ignore[arg-type]
        pending.add(writer)
        loop = asyncio.get_running_loop()
        timer = loop.call_later(AUTH_TIMEOUT_S, lambda: None if gate.passed else close())
        try:
            await read_messages(
                stop, reader, server.protocol, server.message_limit, server.report_server_error
            )
        except (ConnectionError, asyncio.IncompleteReadError) as error:
            logger.info("TCP connection ended: %s", error)
        finally:
            timer.cancel()
            pending.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()
            server.shutdown()
            if gate.passed:
                client.done.set()

    listener = await asyncio.start_server(connection, host, port)
    on_listening(listener.sockets[0].getsockname()[1])
    async with listener:
        await client.done.wait()
        for writer in list(pending):
            writer.close()


def _say(writer: asyncio.StreamWriter, message: str) -> None:
    """A ``window/showMessage`` error, framed, to a client about to be disconnected."""
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "window/showMessage",
            "params": {"type": 1, "message": message},
        }
    ).encode("utf-8")
    with contextlib.suppress(Exception):
        writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)


def _origin_allowed(origin: str, allowed: Iterable[str]) -> bool:
    if origin.rstrip("/") in {a.rstrip("/") for a in allowed}:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and is_loopback(parts.hostname or "")


def _hosts(host: str, port: int) -> set[str]:
    """The ``Host`` headers a request to this server may carry."""
    names = {host.strip("[]").lower()}
    if is_loopback(host):
        names |= {"localhost", "127.0.0.1", "::1"}
    return {f"[{n}]:{port}" if ":" in n else f"{n}:{port}" for n in names}


async def serve_ws(
    make_server: MakeServer,
    host: str,
    port: int,
    token: str,
    allowed_origins: Iterable[str] = (),
    check_host: bool = True,
    on_listening: Callable[[int], None] = lambda _port: None,
) -> None:
    """Serve LSP over a websocket on ``host:port`` until the one client leaves."""
    from websockets.asyncio.server import Request, Response, ServerConnection, serve

    client = OneClient()
    allowed = list(allowed_origins)
    bound: dict[str, int] = {"port": port}

    def process_request(connection: ServerConnection, request: Request) -> Response | None:
        headers = request.headers
        names = headers.get_all("Host")
        host_header = names[0].strip().lower() if len(names) == 1 else ""
        if check_host and host_header not in _hosts(host, bound["port"]):
            logger.warning("websocket refused: Host %r", host_header)
            return connection.respond(
                http.HTTPStatus.FORBIDDEN, "CodeCRDT: this server is not reached by that name\n"
            )
        origins = headers.get_all("Origin")
        origin = ", ".join(origins) if origins else None
        if origin is not None and (len(origins) > 1 or not _origin_allowed(origin, allowed)):
            logger.warning("websocket refused: Origin %r", origin)
            return connection.respond(
                http.HTTPStatus.FORBIDDEN,
                f"CodeCRDT: the origin {origin} may not connect (start the server with "
                "--allow-origin to allow it)\n",
            )
        given: str | None = None
        authorization = ", ".join(headers.get_all("Authorization"))
        if authorization.lower().startswith("bearer "):
            given = authorization[7:].strip()
        else:
            given = (parse_qs(urlsplit(request.path).query).get("token") or [None])[0]
        if not _same(given, token):
            logger.warning("websocket refused: wrong or missing token")
            return connection.respond(
                http.HTTPStatus.UNAUTHORIZED,
                "CodeCRDT: wrong or missing token: send 'Authorization: Bearer TOKEN' or "
                "?token=TOKEN\n",
            )
        if client.taken:
            return connection.respond(
                http.HTTPStatus.CONFLICT, "CodeCRDT: another client is connected to this server\n"
            )
        return None

    async def connection(websocket: ServerConnection) -> None:
        if not client.claim():
            await websocket.close(1013, "another client is connected")
            return
        server = make_server()
        stop = threading.Event()
        server._stop_event = stop
        try:
            await run_websocket(
                stop_event=stop,
                websocket=websocket,
                protocol=server.protocol,
                logger=logger,
                error_handler=server.report_server_error,
            )
        finally:
            server.shutdown()
            sent = websocket.protocol.close_sent  # the server's own close frame, if any
            if sent is not None and sent.code == CLOSE_TOO_BIG:
                # That message alone was refused: the client may connect again (to a new
                # session: its documents went with this connection's server).
                logger.warning("websocket closed: a message over %s bytes", f"{limit:,}")
                client.taken = False
            else:
                client.done.set()

    limit = message_limit(MAX_FILE_BYTES)  # websockets takes its max_size once, here
    async with serve(
        connection, host, port, process_request=process_request, max_size=limit
    ) as listener:
        bound["port"] = next(iter(listener.sockets)).getsockname()[1]
        on_listening(bound["port"])
        await client.done.wait()
