"""Input that must not take the server down or leave it silently wrong (issue 11, items 8,
11, 12, 13): oversized messages, changes didOpen would refuse, unbounded timers and
diagnostics, and JSON-RPC that is not a request.

Stdio cases run a real server subprocess with hand-written frames (:class:`RawConnection`).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import socket
import subprocess
import time
from typing import Any

import pytest
from lsprotocol import types

from lsp_support import SERVER, EditorClient, RawConnection, frame

URI = "file:///work/limits.py"
TXT = "file:///work/limits.txt"
TEXT = "x = 1\n"


def did_open(uri: str = URI, text: str = TEXT, language: str = "python") -> dict[str, Any]:
    return {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}


async def document_state(connection: RawConnection, uri: str = URI) -> dict[str, Any]:
    response = await connection.request(
        "workspace/executeCommand",
        {"command": "codecrdt.documentState", "arguments": [{"uri": uri}]},
    )
    return response["result"]


async def initialize(connection: RawConnection, options: Any = None) -> None:
    if connection.token is not None:  # over TCP the server wants its token
        options = {**(options or {}), "token": connection.token}
    response = await connection.request(
        "initialize",
        {"processId": None, "rootUri": None, "capabilities": {}, "initializationOptions": options},
    )
    assert "result" in response
    await connection.notify("initialized", {})


# -- item 8: a Content-Length the server cannot read -------------------------------------


async def test_huge_content_length_is_answered_and_the_server_stays_up():
    connection = await RawConnection.start("stdio")
    try:
        await initialize(connection)
        await connection.send_bytes(b"Content-Length: 99999999999\r\n\r\n{}")
        error = await connection.response(None)
        assert error["error"]["code"] == -32600
        assert "over the limit" in error["error"]["message"]
        await asyncio.sleep(0.5)
        assert connection.process.returncode is None  # still running, reading the rest
    finally:
        connection.writer.close()  # end of input: the server ends normally
        assert await asyncio.wait_for(connection.process.wait(), 15) == 0
        await connection.close()


async def test_a_message_over_the_limit_is_dropped_and_the_next_one_read():
    connection = await RawConnection.start("stdio")
    try:
        # maxFileBytes 1000: messages up to 6 × 1000 + 1 MiB are read.
        await initialize(connection, {"maxFileBytes": 1000})
        big = json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didOpen",
                "params": did_open(text="x" * 2_000_000),
            }
        ).encode()
        await connection.send_bytes(frame(big))
        error = await connection.response(None)
        assert error["error"]["code"] == -32600
        assert (
            f"{len(big)} bytes is over the limit of {6 * 1000 + 1024 * 1024:,}"
            in (error["error"]["message"])
        )
        await connection.notify("textDocument/didOpen", did_open())
        assert (await document_state(connection))["text"] == TEXT
    finally:
        await connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


WS_TOKEN = "limits-test-token"


async def _ws_connect(port: int) -> Any:
    from websockets.asyncio.client import connect

    deadline = time.monotonic() + 20
    while True:
        try:
            return await connect(
                f"ws://127.0.0.1:{port}",
                max_size=None,
                additional_headers={"Authorization": f"Bearer {WS_TOKEN}"},
            )
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


async def _ws_request(ws: Any, msg_id: int, method: str, params: Any) -> dict[str, Any]:
    await ws.send(json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}))
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), 15))
        if reply.get("id") == msg_id and "method" not in reply:
            return reply


async def test_websocket_takes_large_messages_and_a_too_large_one_closes_its_connection():
    from websockets.exceptions import ConnectionClosed

    port = _free_port()
    server = subprocess.Popen(
        [*SERVER, "--ws", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "CODECRDT_TOKEN": WS_TOKEN},
    )
    try:
        ws = await _ws_connect(port)
        init = {"processId": None, "capabilities": {}}
        await _ws_request(ws, 1, "initialize", init)
        # 3 MiB: over websockets' default 1 MiB, under the document limit.
        text = "y = 2\n" * (3 * 1024 * 1024 // 6)
        opened = did_open(TXT, text, "plaintext")  # not analysed: quick
        await ws.send(
            json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": opened})
        )
        state = await _ws_request(
            ws,
            2,
            "workspace/executeCommand",
            {"command": "codecrdt.documentState", "arguments": [{"uri": TXT}]},
        )
        assert state["result"]["text"] == text
        # Over the limit (6 × 8 MiB + 1 MiB): that connection is closed, 1009.
        with pytest.raises(ConnectionClosed):
            await ws.send(b" " * (50 * 1024 * 1024))
            while True:  # notifications sent before the close may come first
                await asyncio.wait_for(ws.recv(), 15)
        assert ws.close_code == 1009
        # The server still serves a new connection (a new session: one client at a time).
        other = await _ws_connect(port)
        reply = await _ws_request(other, 3, "initialize", init)
        assert "result" in reply
        await other.close()
        assert server.poll() is None
    finally:
        server.terminate()
        server.wait(15)


# -- item 11: didChange gets didOpen's checks ----------------------------------------------


def _insert(text: str) -> types.TextDocumentContentChangePartial:
    at = types.Position(line=0, character=0)
    return types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text=text)


@pytest.mark.parametrize(
    ("inserted", "reason"),
    [
        ("a\x00b", "NUL"),
        ("a\ud800b", "lone surrogate"),
        ("é" * 600, "over the limit"),
    ],
    ids=["nul", "surrogate", "too-large"],
)
async def test_a_change_didopen_would_refuse_is_refused(connect, inserted: str, reason: str):
    client: EditorClient = await connect({"maxFileBytes": 1000})
    client.open(URI, TEXT)
    await client.converged(URI)
    client.send_changes(URI, 2, [_insert("ok "), _insert(inserted)])
    warning = await client.warning(reason)
    assert URI in warning.message
    state = await client.state(URI)
    assert state["text"] == TEXT  # nothing of the refused didChange
    assert state["outOfSync"]
    # Later changes are not applied on top of an unknown text: refused, not diverged.
    client.send_changes(URI, 3, [_insert("z")])
    await client.warning("out of sync", since=len(client.messages))
    assert (await client.state(URI))["text"] == TEXT
    # The editor's whole text resynchronises.
    client.send_changes(URI, 4, [types.TextDocumentContentChangeWholeDocument(text="y = 2\n")])
    client.buffers[URI].text, client.buffers[URI].version = "y = 2\n", 4
    state = await client.converged(URI)
    assert state["outOfSync"] is None


async def test_a_whole_text_change_over_the_limit_is_refused(connect):
    client: EditorClient = await connect({"maxFileBytes": 100})
    client.open(URI, TEXT)
    client.send_changes(URI, 2, [types.TextDocumentContentChangeWholeDocument(text="#" * 101)])
    warning = await client.warning("over the limit")
    assert "101 bytes" in warning.message
    assert (await client.state(URI))["text"] == TEXT


# -- item 12: bounds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "minimum"),
    [("answerTimeoutMs", 0, 100), ("resendAfterMs", 0, 50), ("maxDiagnostics", 0, 1)],
)
async def test_timer_options_have_minimums(connect, key: str, value: int, minimum: int):
    client: EditorClient = await connect({key: value})
    warning = await client.warning(key)
    assert f"must be from {minimum} to" in warning.message


@pytest.mark.parametrize("transport", ["stdio"])
async def test_a_silent_client_gets_a_bounded_number_of_edits(connect):
    client: EditorClient = await connect({"answerTimeoutMs": 100, "resendAfterMs": 50})
    answered = asyncio.Event()

    async def never(*_: Any) -> None:
        await answered.wait()  # never answers while the test runs

    client.protocol.fm.features[types.WORKSPACE_APPLY_EDIT] = never
    client.open(URI, TEXT)
    await client.command("codecrdt.simulateWriter", uri=URI, text="hello\n" * 4, chunk=4)
    await asyncio.sleep(2.0)
    received = await client.command("codecrdt.documentState", uri=URI)
    assert received["editsSent"] <= 4
    answered.set()


async def test_diagnostics_are_capped_per_document(connect):
    client: EditorClient = await connect({"maxDiagnostics": 50})
    text = "a b\n" * 2000  # 2,000 syntax errors
    client.open(URI, text)
    deadline = time.monotonic() + 15
    while not client.diagnostics.get(URI) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    diagnostics = client.diagnostics[URI]
    assert len(diagnostics) == 50
    assert [d.range.start.line for d in diagnostics] == list(range(50))  # the first ones


@pytest.mark.parametrize("transport", ["stdio"])
async def test_default_diagnostics_cap_is_1000(connect):
    client: EditorClient = await connect()
    client.open(URI, "a b\n" * 3000)
    deadline = time.monotonic() + 15
    while not client.diagnostics.get(URI) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert len(client.diagnostics[URI]) == 1000


def test_many_duplicates_in_a_broken_file_are_analysed_quickly():
    """20,000 broken ``def f(:`` lines: 19,999 redefinitions of ``f``, each checked for a
    use since the first, had listed the module's 20,000 statements each time (57 s), and
    searched the whole range again for each (quadratic: over 300 s). A definition's own
    name is not a use, so every redefinition in the row is one (as ruff's F811)."""
    from codecrdt.analysis.languages import language_named
    from codecrdt.analysis.tree import analyze_text

    python = language_named("python")
    assert python is not None
    started = time.monotonic()
    findings = analyze_text("def f(:\n" * 20_000, python)
    assert time.monotonic() - started < 15  # 2–3 s here; 57 s before
    assert sum(f.code == "duplicate-declaration" for f in findings) == 19_999


async def test_closing_many_documents_runs_few_full_collections(monkeypatch):
    from codecrdt.lsp import create_server
    from codecrdt.lsp.server import CodeCrdtServer
    from codecrdt.positions import Encoding

    server = create_server()
    monkeypatch.setattr(CodeCrdtServer, "encoding", property(lambda self: Encoding.UTF16))
    monkeypatch.setattr(CodeCrdtServer, "pulls_diagnostics", property(lambda self: False))
    monkeypatch.setattr(server, "text_document_publish_diagnostics", lambda params: None)
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        for i in range(100):
            server.open(f"file:///tmp/c{i}.py", "x = 1\n", 1, "python")
        await asyncio.sleep(0)
        collections.clear()
        for i in range(100):
            server.close(f"file:///tmp/c{i}.py")
            await asyncio.sleep(0)
        await asyncio.sleep(0.05)
    finally:
        gc.callbacks.remove(count)
    assert collections.count(2) <= 2
    gc.unfreeze()


# -- item 13: requests that are not requests ---------------------------------------------


async def test_a_request_before_initialize_is_refused():
    connection = await RawConnection.start("stdio")
    try:
        response = await connection.request(
            "workspace/executeCommand", {"command": "codecrdt.status", "arguments": [{}]}
        )
        assert response["error"]["code"] == -32002
        await connection.notify("textDocument/didOpen", did_open())  # dropped
        await initialize(connection)
        response = await connection.request(
            "workspace/executeCommand",
            {"command": "codecrdt.documentState", "arguments": [{"uri": URI}]},
        )
        assert response["error"]["code"] == -32602  # not open: the didOpen was dropped
        await connection.notify("textDocument/didOpen", did_open())
        assert (await document_state(connection))["text"] == TEXT
    finally:
        await connection.close()


@pytest.mark.parametrize(
    ("body", "msg_id"),
    [(b"[1, 2]", None), (b"42", None), (b'"text"', None), (b"null", None), (b'{"id": 5}', 5)],
    ids=["array", "number", "string", "null", "no-jsonrpc"],
)
async def test_json_that_is_not_a_message_object_is_an_invalid_request(
    transport: str, body: bytes, msg_id: Any
):
    connection = await RawConnection.start(transport)
    try:
        await initialize(connection)
        await connection.send_bytes(frame(body))
        error = await connection.response(msg_id)
        assert error["error"]["code"] == -32600
        await connection.notify("textDocument/didOpen", did_open())
        assert (await document_state(connection))["text"] == TEXT
    finally:
        await connection.close()


async def test_a_deeply_nested_request_gets_an_error():
    connection = await RawConnection.start("stdio")
    try:
        await initialize(connection)
        depth = 100_000
        body = b'{"jsonrpc": "2.0", "id": 9, "method": "x", "params": ' + b"[" * depth
        body += b"]" * depth + b"}"
        await connection.send_bytes(frame(body))
        error = await connection.response(None)
        assert error["error"]["code"] == -32700
        assert "nested too deeply" in error["error"]["message"]
        await connection.notify("textDocument/didOpen", did_open())
        assert (await document_state(connection))["text"] == TEXT
    finally:
        await connection.close()


async def test_execute_command_without_arguments_is_invalid_params(client: EditorClient):
    from pygls.exceptions import JsonRpcInvalidParams

    with pytest.raises(JsonRpcInvalidParams) as raised:
        await client.raw_request("workspace/executeCommand", {"command": "codecrdt.documentState"})
    assert raised.value.code == -32602
    assert "argument" in str(raised.value)
    # A command whose argument is optional still runs without one.
    assert (
        await client.raw_request("workspace/executeCommand", {"command": "codecrdt.status"}) == []
    )
