"""Issue 11, items 1 and 2: ``serve --tcp``/``--ws`` are not open doors, and keys go only
where the user sent them.

Every test talks to a real ``codecrdt serve`` subprocess as a client would: raw framed
JSON-RPC over TCP, a websocket handshake, pytest-lsp over stdio; the model servers are the
local fakes of :mod:`fake_model_servers`, which record every request's headers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from fake_model_servers import FakeModelServer, Status, unauthorized
from lsp_support import (
    SERVER,
    TIMEOUT,
    TOKEN,
    RawConnection,
    free_port,
    open_tcp,
    spawn_tcp_server,
    start_session,
    stop_process,
)

URI = "file:///work/secret.py"
SECRET_TEXT = "PASSWORD = 'hunter2'\n"


def _serve(*args: str, env: dict[str, str] | None = None, timeout: float = 20):
    return subprocess.run(
        [sys.executable, "-m", "codecrdt", "serve", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


# -- item 1: loopback unless allowed ----------------------------------------------------------


@pytest.mark.parametrize("transport", ["--tcp", "--ws"])
@pytest.mark.parametrize("host", ["0.0.0.0", "[::]", "example.com"])
def test_a_non_loopback_address_is_refused_without_allow_remote(transport: str, host: str):
    try:
        result = _serve(transport, f"{host}:{free_port()}", timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve {transport} {host} started listening instead of refusing")
    assert result.returncode == 2
    assert "refusing to listen" in result.stderr
    assert "--allow-remote" in result.stderr


# -- item 1: the TCP token ------------------------------------------------------------------


async def _raw_tcp(token: str = TOKEN) -> tuple[RawConnection, int]:
    process, port = await spawn_tcp_server(SERVER, token)
    reader, writer = await open_tcp(port)
    return RawConnection(process, reader, writer), port


def _initialize(options: Any) -> dict[str, Any]:
    return {
        "processId": None,
        "rootUri": None,
        "capabilities": {},
        "initializationOptions": options,
    }


async def _closed(connection: RawConnection, timeout: float = 10) -> list[dict[str, Any]]:
    """Every message read until the server closes the connection (fails if it does not)."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while True:
        try:
            seen.append(await connection.read(max(0.1, deadline - time.monotonic())))
        except (EOFError, ConnectionError, asyncio.IncompleteReadError):
            return seen
        except TimeoutError:
            raise AssertionError(f"the connection stayed open; read {seen!r}") from None


@pytest.mark.parametrize(
    "options", [None, {}, {"token": "wrong"}, {"token": TOKEN + "x"}, {"token": 12}]
)
async def test_tcp_without_the_right_token_is_refused_and_closed(options: Any):
    connection, _ = await _raw_tcp()
    try:
        # Before initialize, every request is refused.
        early = await connection.request(
            "workspace/executeCommand", {"command": "codecrdt.status", "arguments": [{}]}
        )
        assert early["error"]["code"] == -32002
        answer = await connection.request("initialize", _initialize(options))
        assert "result" not in answer
        assert answer["error"]["code"] == -32001
        assert "wrong or missing token" in answer["error"]["message"]
        await _closed(connection)
    finally:
        await connection.close()


async def test_tcp_with_the_right_token_works_and_the_token_file_is_0600(tmp_path: Path):
    token_file = tmp_path / "run" / "token"
    env = {k: v for k, v in os.environ.items() if k != "CODECRDT_TOKEN"}
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *SERVER,
        "--tcp",
        f"127.0.0.1:{port}",
        "--token-file",
        str(token_file),
        stdin=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        assert process.stderr is not None
        line = (await asyncio.wait_for(process.stderr.readline(), TIMEOUT)).decode()
        assert f"the token is in {token_file}" in line
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        token = token_file.read_text().strip()
        assert len(token) >= 32 and token not in line
        reader, writer = await open_tcp(port)
        connection = RawConnection(process, reader, writer)
        connection.token = token
        assert "result" in await connection.initialize()
        await connection.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": URI, "languageId": "python", "version": 1, "text": "x\n"}},
        )
        status = await connection.request(
            "workspace/executeCommand", {"command": "codecrdt.status", "arguments": [{}]}
        )
        assert status["result"] == []
        # The client leaves: the server ends, and removes its token file.
        writer.close()
        assert await asyncio.wait_for(process.wait(), TIMEOUT) == 0
        assert not token_file.exists()
    finally:
        if process.returncode is None:
            process.kill()
        await stop_process(process)


async def test_a_second_tcp_connection_cannot_read_the_first_ones_documents():
    first, port = await _raw_tcp()
    second: RawConnection | None = None
    try:
        first.token = TOKEN
        assert "result" in await first.initialize()
        await first.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": URI,
                    "languageId": "python",
                    "version": 1,
                    "text": SECRET_TEXT,
                }
            },
        )
        reader, writer = await open_tcp(port)
        second = RawConnection(first.process, reader, writer)
        # Even with the token: one client at a time.
        await second.send(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": _initialize({"token": TOKEN}),
            }
        )
        await second.send(
            {
                "jsonrpc": "2.0",
                "id": 2,
                "method": "workspace/executeCommand",
                "params": {"command": "codecrdt.documentState", "arguments": [{"uri": URI}]},
            }
        )
        seen = await _closed(second)
        assert "hunter2" not in json.dumps(seen)
        assert not any("result" in message for message in seen)
        # The first client is still served, and alone.
        state = await first.request(
            "workspace/executeCommand",
            {"command": "codecrdt.documentState", "arguments": [{"uri": URI}]},
        )
        assert state["result"]["text"] == SECRET_TEXT
    finally:
        if second is not None:
            with contextlib.suppress(Exception):
                second.writer.close()
        await first.close()


# -- item 1: the websocket handshake --------------------------------------------------------


async def test_the_token_and_api_keys_never_reach_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """pygls logs ``initialize``'s parameters (the token among them) at INFO, and a debug
    log shows much more: the server's log has ``[redacted]`` where a secret would be."""
    key = "sk-test-" + "k" * 24
    monkeypatch.setenv("OPENAI_API_KEY", key)
    log = tmp_path / "server.log"
    server = [*SERVER, "--log-level", "DEBUG", "--log-file", str(log)]
    process, port = await spawn_tcp_server(server, TOKEN)
    try:
        reader, writer = await open_tcp(port)
        connection = RawConnection(process, reader, writer)
        connection.token = TOKEN
        assert "result" in await connection.initialize()
        await connection.request(
            "workspace/executeCommand",
            {"command": "codecrdt.status", "arguments": [{"echo": key}]},
        )
        writer.close()
        await asyncio.wait_for(process.wait(), TIMEOUT)
    finally:
        if process.returncode is None:
            process.kill()
        await stop_process(process)
    text = log.read_text(encoding="utf-8")
    assert TOKEN not in text
    assert key not in text
    assert "initialized" in text and "[redacted]" in text, text[-2000:]


@contextlib.asynccontextmanager
async def _ws_server(*extra: str):
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *SERVER,
        "--ws",
        f"127.0.0.1:{port}",
        *extra,
        stdin=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "CODECRDT_TOKEN": TOKEN},
    )
    try:
        deadline = time.monotonic() + 20
        while True:  # wait until it listens
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.1)
        yield port
    finally:
        if process.returncode is None:
            process.kill()
        await stop_process(process)


async def _handshake_status(port: int, **kwargs: Any) -> int:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    name = kwargs.pop("name", "127.0.0.1")  # the name in the URL, so in the Host header
    if name != "127.0.0.1":
        kwargs.update(host="127.0.0.1", port=port)  # ... while connecting to this machine
    try:
        async with connect(f"ws://{name}:{port}{kwargs.pop('path', '')}", **kwargs):
            return 101
    except InvalidStatus as refused:
        return refused.response.status_code


async def test_websocket_needs_the_token_a_loopback_origin_and_the_right_host():
    from websockets.asyncio.client import connect

    bearer = {"Authorization": f"Bearer {TOKEN}"}
    async with _ws_server() as port:
        assert await _handshake_status(port) == 401
        wrong = {"Authorization": "Bearer no"}
        assert await _handshake_status(port, additional_headers=wrong) == 401
        assert await _handshake_status(port, path="?token=nope") == 401
        assert (
            await _handshake_status(port, additional_headers=bearer, origin="https://evil.example")
            == 403
        )
        # DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends its own Host.
        assert await _handshake_status(port, additional_headers=bearer, name="evil.example") == 403
        # The right token, no Origin (not a browser): served.
        async with connect(f"ws://127.0.0.1:{port}", additional_headers=bearer) as ws:
            await ws.send(
                json.dumps(
                    {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": _initialize(None)}
                )
            )
            reply = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
            assert "result" in reply
            # A second client meanwhile is refused, even with the token.
            assert await _handshake_status(port, path=f"?token={TOKEN}") == 409


async def test_websocket_token_in_the_query_and_a_loopback_origin_are_accepted():
    async with _ws_server() as port:
        status = await _handshake_status(
            port, path=f"/?token={TOKEN}", origin="http://localhost:3000"
        )
        assert status == 101


# -- item 1: no folder, no file writes -------------------------------------------------------


async def test_without_workspace_folders_a_run_writes_only_an_open_document(tmp_path: Path):
    session = await start_session("stdio")
    try:
        client = session.client
        await client.initialize()  # no rootUri, no workspaceFolders
        opened = (tmp_path / "a.py").as_uri()
        client.open(opened, "")
        other = tmp_path / "b.py"
        with pytest.raises(JsonRpcException) as refused:
            await client.command(
                "codecrdt.generate",
                uri=other.as_uri(),
                script="inventory-cli",
                provider="scripted",
                timeScale=50,
            )
        assert refused.value.code == types.ErrorCodes.InvalidParams
        assert "no workspace folder" in str(refused.value)
        assert not other.exists()
        # The open document itself may be written (into the editor's buffer).
        answer = await client.command(
            "codecrdt.generate",
            uri=opened,
            script="inventory-cli",
            provider="scripted",
            timeScale=50,
            wait=True,
        )
        assert answer["report"]["converged"] is True
        assert not (tmp_path / "a.py").exists()  # nothing written on disk
    finally:
        await session.close()


# -- item 2: keys go only where the user sent them -------------------------------------------

ANTHROPIC_SECRET = "sk-ant-test-SECRET-1234567890"
OPENAI_SECRET = "sk-openai-test-SECRET-0987654321"


def _key_seen(fake: FakeModelServer, secret: str) -> bool:
    return any(secret in value for r in fake.requests for value in r.headers.values())


async def _generate_against(
    fake: FakeModelServer,
    provider: str,
    *,
    server_args: tuple[str, ...] = (),
    request_base_url: bool = True,
    options: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    config_env = {
        **os.environ,
        "ANTHROPIC_API_KEY": ANTHROPIC_SECRET,
        "OPENAI_API_KEY": OPENAI_SECRET,
        **(env or {}),
    }
    for name in ("ANTHROPIC_BASE_URL", "OPENAI_BASE_URL", "CODECRDT_ALLOWED_BASE_URLS"):
        if name not in (env or {}):
            config_env.pop(name, None)
    from pytest_lsp import ClientServerConfig

    from lsp_support import EditorClient

    config = ClientServerConfig(
        server_command=[*SERVER, *server_args],
        client_factory=EditorClient.make,
        server_env=config_env,
    )
    client = await config.start()
    assert isinstance(client, EditorClient)
    try:
        await client.initialize(options)
        uri = "file:///work/keys.py"
        client.open(uri, "")
        arguments: dict[str, Any] = {"uri": uri, "spec": "a tiny module", "provider": provider}
        arguments.update(agents=1, mode="sequential", wait=True)
        if request_base_url:
            arguments["baseUrl"] = fake.url
        answer = await asyncio.wait_for(client.command("codecrdt.generate", **arguments), 60)
        assert fake.requests, "the run never reached the fake server"
        return answer
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.shutdown_session(), 5)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.stop(), 5)


@pytest.mark.parametrize(
    ("provider", "secret"), [("anthropic", ANTHROPIC_SECRET), ("openai", OPENAI_SECRET)]
)
@pytest.mark.parametrize("where", ["codecrdt.generate", "initializationOptions"])
async def test_a_base_url_from_the_client_never_gets_the_key(
    provider: str, secret: str, where: str
):
    with FakeModelServer(provider) as fake:  # type: ignore[arg-type]
        fake.script(unauthorized("whatever"))
        if where == "codecrdt.generate":
            answer = await _generate_against(fake, provider)
        else:
            answer = await _generate_against(
                fake, provider, request_base_url=False, options={"baseUrl": fake.url}
            )
    assert not _key_seen(fake, secret)
    assert not _key_seen(fake, ANTHROPIC_SECRET) and not _key_seen(fake, OPENAI_SECRET)
    # The run says why the server refused it: the key was withheld, and how to allow it.
    report = json.dumps(answer["report"])
    assert "--allow-base-url" in report, report


@pytest.mark.parametrize(
    ("provider", "secret"), [("anthropic", ANTHROPIC_SECRET), ("openai", OPENAI_SECRET)]
)
@pytest.mark.parametrize("how", ["allow-base-url", "base-url", "environment"])
async def test_a_base_url_the_user_configured_gets_the_key(provider: str, secret: str, how: str):
    with FakeModelServer(provider) as fake:  # type: ignore[arg-type]
        fake.script(Status(400, "enough"))
        if how == "allow-base-url":
            await _generate_against(fake, provider, server_args=("--allow-base-url", fake.url))
        elif how == "base-url":
            await _generate_against(
                fake, provider, server_args=("--base-url", fake.url), request_base_url=False
            )
        else:
            await _generate_against(
                fake, provider, env={"CODECRDT_ALLOWED_BASE_URLS": f"http://x.invalid, {fake.url}"}
            )
    assert _key_seen(fake, secret)


@pytest.mark.parametrize("trusted", [False, True])
async def test_the_environments_custom_anthropic_headers_go_only_where_the_key_goes(
    trusted: bool,
):
    """The anthropic SDK adds the headers of ``$ANTHROPIC_CUSTOM_HEADERS`` to every request;
    they are the user's, like the key, and may carry credentials."""
    header_secret = "team-credential-" + "h" * 16
    env = {"ANTHROPIC_CUSTOM_HEADERS": f"X-Team-Auth: {header_secret}\nX-Other: plain"}
    with FakeModelServer("anthropic") as fake:
        fake.script(unauthorized("whatever") if not trusted else Status(400, "enough"))
        server_args = ("--allow-base-url", fake.url) if trusted else ()
        await _generate_against(fake, "anthropic", server_args=server_args, env=env)
    assert _key_seen(fake, header_secret) is trusted
    assert _key_seen(fake, ANTHROPIC_SECRET) is trusted
