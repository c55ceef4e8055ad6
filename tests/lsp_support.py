"""A real LSP client for protocol tests: pytest-lsp's client with an editor buffer.

:class:`EditorClient` keeps its own copy of every document it opens, advertises
``workspace.applyEdit`` and ``workspaceEdit.documentChanges``, and answers
``workspace/applyEdit`` like VS Code: it applies a versioned edit only when the version
matches its buffer (otherwise ``applied: false``) and then reports what it applied in a
``didChange``. :func:`start_session` connects it over stdio (pytest-lsp's
``ClientServerConfig``) or TCP (``codecrdt serve --tcp`` in a subprocess).

:class:`RawConnection` speaks framed JSON-RPC by hand, to send bytes no client would.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import socket
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import attrs
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import register_lsp_features

#: The server as the tests start it: with the test-only commands (documentState…).
SERVER = [sys.executable, "-m", "codecrdt", "serve", "--test-commands"]
TIMEOUT = 15.0
#: The token every TCP server the tests start requires (``$CODECRDT_TOKEN``).
TOKEN = secrets.token_urlsafe(16)

ApplyEditHook = Callable[["EditorClient", types.ApplyWorkspaceEditParams], bool | None]


def _units(ch: str, encoding: str) -> int:
    if encoding == types.PositionEncodingKind.Utf8:
        return len(ch.encode("utf-8"))
    if encoding == types.PositionEncodingKind.Utf32:
        return 1
    return 2 if ord(ch) > 0xFFFF else 1


@dataclass
class Buffer:
    """An editor buffer: text, version and the negotiated position encoding."""

    text: str
    version: int
    encoding: str = types.PositionEncodingKind.Utf16

    def _line_starts(self) -> list[int]:
        starts, i, text = [0], 0, self.text
        while i < len(text):
            if text[i] == "\r" and text[i + 1 : i + 2] == "\n":
                i += 2
                starts.append(i)
                continue
            i += 1
            if text[i - 1] in "\r\n":
                starts.append(i)
        return starts

    def offset(self, position: types.Position) -> int:
        """Code-point offset of an LSP position (clamped like the LSP says)."""
        starts = self._line_starts()
        if position.line >= len(starts):
            return len(self.text)
        start = starts[position.line]
        end = starts[position.line + 1] if position.line + 1 < len(starts) else len(self.text)
        line = self.text[start:end].rstrip("\r\n")
        units = 0
        for column, ch in enumerate(line):
            if units == position.character:
                return start + column
            units += _units(ch, self.encoding)
            if units > position.character:
                raise ValueError(f"position {position} is inside a character")
        return start + len(line)

    def position(self, offset: int) -> types.Position:
        starts = self._line_starts()
        line = max(i for i, s in enumerate(starts) if s <= offset)
        prefix = self.text[starts[line] : offset]
        return types.Position(line=line, character=sum(_units(c, self.encoding) for c in prefix))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))


@dataclass
class EditRecord:
    params: types.ApplyWorkspaceEditParams
    applied: bool


class EditorClient(LanguageClient):
    """pytest-lsp's client, holding buffers and answering ``workspace/applyEdit``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.buffers: dict[str, Buffer] = {}
        self.encoding: str = types.PositionEncodingKind.Utf16
        self.edits: list[EditRecord] = []
        #: Called before an applyEdit is handled; True/False forces the answer.
        self.apply_edit_hook: ApplyEditHook | None = None
        self.initialize_result: types.InitializeResult | None = None
        #: Sent as ``initializationOptions.token`` (a TCP server requires it).
        self.token: str | None = None

    @classmethod
    def make(cls) -> EditorClient:
        client = cls()
        register_lsp_features(client)
        client.feature(types.WORKSPACE_APPLY_EDIT)(_apply_edit)
        return client

    # -- session ---------------------------------------------------------------------

    async def initialize(
        self,
        initialization_options: Any = None,
        position_encodings: list[str] | None = None,
    ) -> types.InitializeResult:
        capabilities = types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(
                apply_edit=True,
                workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            ),
            general=(
                types.GeneralClientCapabilities(position_encodings=position_encodings)
                if position_encodings is not None
                else None
            ),
        )
        result = await self.initialize_session(
            types.InitializeParams(
                capabilities=capabilities, initialization_options=initialization_options
            )
        )
        self.initialize_result = result
        self.encoding = result.capabilities.position_encoding or types.PositionEncodingKind.Utf16
        return result

    async def initialize_session(self, params: types.InitializeParams) -> types.InitializeResult:
        """pytest-lsp's, with :attr:`token` added to ``initializationOptions`` (an object)."""
        options = params.initialization_options
        if self.token is not None and isinstance(options, dict | None):
            params = attrs.evolve(
                params, initialization_options={**(options or {}), "token": self.token}
            )
        return await super().initialize_session(params)

    # -- documents -------------------------------------------------------------------

    def open(self, uri: str, text: str, version: int = 1) -> Buffer:
        buffer = Buffer(text, version, self.encoding)
        self.buffers[uri] = buffer
        self.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=version, text=text
                )
            )
        )
        return buffer

    def type(self, uri: str, start: int, end: int, text: str) -> None:
        """The user replaces code points ``start:end`` with ``text`` (incremental)."""
        buffer = self.buffers[uri]
        rng = buffer.range(start, end)
        buffer.text = buffer.text[:start] + text + buffer.text[end:]
        buffer.version += 1
        self.send_changes(
            uri,
            buffer.version,
            [types.TextDocumentContentChangePartial(range=rng, text=text)],
        )

    def send_changes(
        self, uri: str, version: int, changes: list[types.TextDocumentContentChangeEvent]
    ) -> None:
        self.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=changes,
            )
        )

    async def command(self, name: str, **arguments: Any) -> Any:
        return await asyncio.wait_for(
            self.workspace_execute_command_async(
                types.ExecuteCommandParams(command=name, arguments=[arguments])
            ),
            TIMEOUT,
        )

    async def raw_request(self, method: str, params: Any) -> Any:
        """A request sent as given, without the typed params pygls would build."""
        msg_id = f"raw-{uuid.uuid4()}"
        future: Future[Any] = Future()
        self.protocol._request_futures[msg_id] = future
        self.protocol._send_data(
            {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}
        )
        return await asyncio.wait_for(asyncio.wrap_future(future), TIMEOUT)

    async def state(self, uri: str) -> dict[str, Any]:
        return await self.command("codecrdt.documentState", uri=uri)

    async def converged(self, uri: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """Wait until the server is in sync and holds exactly the client's text."""
        deadline = time.monotonic() + timeout
        while True:
            state = await self.state(uri)
            if state["inSync"] and state["text"] == self.buffers[uri].text:
                return state
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no convergence: server {state!r}, client {self.buffers[uri].text!r}"
                )
            await asyncio.sleep(0.05)

    async def warning(
        self, contains: str, timeout: float = TIMEOUT, since: int = 0
    ) -> types.ShowMessageParams:
        """The first ``window/showMessage`` warning (from index ``since``) with the text."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages[since:]:
                if message.type == types.MessageType.Warning and contains in message.message:
                    return message
            if time.monotonic() > deadline:
                shown = [m.message for m in self.messages]
                raise AssertionError(f"no warning containing {contains!r}; got {shown!r}")
            await asyncio.sleep(0.02)


def _apply_edit(
    client: EditorClient, params: types.ApplyWorkspaceEditParams
) -> types.ApplyWorkspaceEditResult:
    forced = client.apply_edit_hook(client, params) if client.apply_edit_hook else None
    applied = False if forced is False else _apply(client, params.edit)
    client.edits.append(EditRecord(params, applied))
    return types.ApplyWorkspaceEditResult(
        applied=applied, failure_reason=None if applied else "version mismatch"
    )


def _apply(client: EditorClient, edit: types.WorkspaceEdit) -> bool:
    """Apply a versioned workspace edit to the buffers, then report it in didChange."""
    document_edits = [
        e for e in edit.document_changes or [] if isinstance(e, types.TextDocumentEdit)
    ]
    if not document_edits or len(document_edits) != len(edit.document_changes or []):
        return False
    for document_edit in document_edits:
        identifier = document_edit.text_document
        buffer = client.buffers.get(identifier.uri)
        if buffer is None or (
            identifier.version is not None and identifier.version != buffer.version
        ):
            return False
    for document_edit in document_edits:
        buffer = client.buffers[document_edit.text_document.uri]
        spans = sorted(
            (
                (buffer.offset(e.range.start), buffer.offset(e.range.end), e.new_text, e.range)
                for e in document_edit.edits
                if isinstance(e, types.TextEdit)
            ),
            key=lambda s: (s[0], s[1]),
            reverse=True,
        )
        changes = []
        for start, end, new_text, rng in spans:  # last first: earlier ranges stay valid
            buffer.text = buffer.text[:start] + new_text + buffer.text[end:]
            changes.append(types.TextDocumentContentChangePartial(range=rng, text=new_text))
        buffer.version += 1
        client.send_changes(document_edit.text_document.uri, buffer.version, changes)
    return True


# -- sessions ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def open_tcp(port: int, timeout: float = TIMEOUT) -> tuple[Any, Any]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


async def spawn_tcp_server(
    server: list[str] = SERVER, token: str = TOKEN, **kwargs: Any
) -> tuple[asyncio.subprocess.Process, int]:
    """``server --tcp 127.0.0.1:PORT`` requiring ``token`` (given in ``$CODECRDT_TOKEN``)."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *server,
        "--tcp",
        f"127.0.0.1:{port}",
        stdin=asyncio.subprocess.DEVNULL,
        env={**os.environ, "CODECRDT_TOKEN": token},
        **kwargs,
    )
    return process, port


async def stop_process(process: asyncio.subprocess.Process | None, grace: float = 5.0) -> None:
    if process is None:
        return
    if process.returncode is None:
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            process.kill()
            await process.wait()


@dataclass
class Session:
    transport: str
    client: EditorClient
    process: asyncio.subprocess.Process | None = None  # the TCP server's process
    _closed: bool = field(default=False)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        client = self.client
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), 5)
        if self.process is not None:
            if self.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    self.process.terminate()
            await stop_process(self.process)
        elif client._server is not None and client._server.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                client._server.terminate()
        try:
            await asyncio.wait_for(client.stop(), 5)
        except (TimeoutError, ConnectionError):
            # The reader may see the closed socket as a reset, or never see its end.
            for task in client._async_tasks:
                task.cancel()
            await asyncio.gather(*client._async_tasks, return_exceptions=True)


async def start_session(transport: str, server: list[str] = SERVER) -> Session:
    """A connected (not yet initialized) client of the ``server`` command."""
    if transport == "stdio":
        config = ClientServerConfig(server_command=server, client_factory=EditorClient.make)
        client = await config.start()
        assert isinstance(client, EditorClient)
        return Session(transport, client)
    if transport == "tcp":
        process, port = await spawn_tcp_server(server)
        client = EditorClient.make()
        client.token = TOKEN
        try:
            reader, writer = await open_tcp(port)
        except OSError:
            process.kill()
            await process.wait()
            raise
        # pygls' start_tcp, with a connection that waited for the server to listen.
        client.protocol.set_writer(writer)
        from pygls.io_ import run_async

        client._async_tasks.append(
            asyncio.create_task(
                run_async(
                    stop_event=client._stop_event,
                    reader=reader,
                    protocol=client.protocol,
                    error_handler=client.report_server_error,
                )
            )
        )
        return Session(transport, client, process)
    raise ValueError(transport)


# -- raw JSON-RPC ------------------------------------------------------------------------


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawConnection:
    """Framed JSON-RPC over a server's stdio or a TCP socket, written by hand."""

    def __init__(
        self,
        process: asyncio.subprocess.Process,
        reader: asyncio.StreamReader,
        writer: Any,
    ) -> None:
        self.process = process
        self.reader = reader
        self.writer = writer
        self.notifications: list[dict[str, Any]] = []
        self._next_id = 1
        #: Sent as ``initializationOptions.token`` by :meth:`initialize` (TCP).
        self.token: str | None = None

    @classmethod
    async def start(cls, transport: str) -> RawConnection:
        if transport == "stdio":
            process = await asyncio.create_subprocess_exec(
                *SERVER, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
            )
            assert process.stdout is not None
            return cls(process, process.stdout, process.stdin)
        process, port = await spawn_tcp_server()
        reader, writer = await open_tcp(port)
        connection = cls(process, reader, writer)
        connection.token = TOKEN
        return connection

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()
        await stop_process(self.process)

    async def send_bytes(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()

    async def send(self, message: dict[str, Any]) -> None:
        await self.send_bytes(frame(json.dumps(message).encode("utf-8")))

    async def notify(self, method: str, params: Any) -> None:
        await self.send({"jsonrpc": "2.0", "method": method, "params": params})

    async def read(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        return await asyncio.wait_for(self._read(), timeout)

    async def _read(self) -> dict[str, Any]:
        length = None
        while True:
            line = await self.reader.readline()
            if not line:
                raise EOFError("the server closed the connection")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        assert length is not None, "a message without Content-Length"
        return json.loads(await self.reader.readexactly(length))

    async def response(self, msg_id: Any, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The response with ``msg_id``; notifications read meanwhile are kept."""
        deadline = time.monotonic() + timeout
        while True:
            message = await self.read(max(0.1, deadline - time.monotonic()))
            if "method" not in message and message.get("id") == msg_id:
                return message
            if "method" in message:
                self.notifications.append(message)

    async def request(self, method: str, params: Any) -> dict[str, Any]:
        msg_id = self._next_id
        self._next_id += 1
        await self.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        return await self.response(msg_id)

    async def initialize(self) -> dict[str, Any]:
        response = await self.request(
            "initialize",
            {
                "processId": None,
                "rootUri": None,
                "capabilities": {
                    "workspace": {"applyEdit": True, "workspaceEdit": {"documentChanges": True}}
                },
                "initializationOptions": {"token": self.token} if self.token else None,
            },
        )
        await self.notify("initialized", {})
        return response
