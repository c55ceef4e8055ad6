"""The test-only commands over a real connection: offered only by ``codecrdt serve
--test-commands``; and a bad command argument answered with the field's message."""

from __future__ import annotations

import sys

import pytest
from pygls.exceptions import JsonRpcInvalidParams

from lsp_support import SERVER, EditorClient, start_session

URI = "file:///work/flag.py"
TEXT = "x = 1\n"
PRODUCTION = [sys.executable, "-m", "codecrdt", "serve"]


async def test_without_the_flag_the_test_commands_are_unknown(transport: str):
    assert "--test-commands" not in PRODUCTION and "--test-commands" in SERVER
    session = await start_session(transport, PRODUCTION)
    try:
        client = session.client
        result = await client.initialize()
        provider = result.capabilities.execute_command_provider
        assert provider is not None
        assert "codecrdt.generate" in provider.commands
        assert "codecrdt.documentState" not in provider.commands
        assert "codecrdt.simulateWriter" not in provider.commands
        client.open(URI, TEXT)
        for command, arguments in [
            ("codecrdt.documentState", {"uri": URI}),
            ("codecrdt.simulateWriter", {"uri": URI, "text": "y"}),
        ]:
            with pytest.raises(JsonRpcInvalidParams, match="is not defined") as raised:
                await client.command(command, **arguments)
            assert command in str(raised.value)
        # The production commands still answer.
        assert await client.command("codecrdt.status") == []
    finally:
        await session.close()


async def test_with_the_flag_the_test_commands_answer(client: EditorClient):
    provider = client.initialize_result and client.initialize_result.capabilities
    assert provider and provider.execute_command_provider is not None
    assert "codecrdt.documentState" in provider.execute_command_provider.commands
    client.open(URI, TEXT)
    assert (await client.state(URI))["text"] == TEXT
    answer = await client.command("codecrdt.simulateWriter", uri=URI, text="y = 2\n", offset=0)
    assert answer["written"] == len("y = 2\n")
    await client.converged(URI)
    assert client.buffers[URI].text == "y = 2\n" + TEXT


@pytest.mark.parametrize(
    ("command", "arguments", "message"),
    [
        ("codecrdt.simulateWriter", {"uri": URI, "text": 5}, "text must be a string"),
        ("codecrdt.simulateWriter", {"text": "x"}, "uri is missing"),
        ("codecrdt.applyFix", {"uri": URI, "code": "c", "byte": "3"}, "byte must be an integer"),
        ("codecrdt.cancel", {}, "runId is missing"),
        ("codecrdt.evaluate", {"uri": URI, "spec": 3}, "spec must be a string"),
    ],
)
async def test_a_bad_argument_names_its_field(
    client: EditorClient, command: str, arguments: dict, message: str
):
    client.open(URI, TEXT)
    with pytest.raises(JsonRpcInvalidParams) as raised:
        await client.raw_request(
            "workspace/executeCommand", {"command": command, "arguments": [arguments]}
        )
    assert raised.value.code == -32602
    assert f"Invalid Params: {message}" in str(raised.value)
    assert (await client.state(URI))["text"] == TEXT


async def test_status_without_arguments_lists_every_run(client: EditorClient):
    answer = await client.raw_request("workspace/executeCommand", {"command": "codecrdt.status"})
    assert answer == []
    params = {"command": "codecrdt.status", "arguments": [None]}
    assert await client.raw_request("workspace/executeCommand", params) == []
