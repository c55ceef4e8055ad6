"""Bad input over a real LSP connection (stdio and TCP): answered or reported, never fatal.

After each bad message the server must still serve: a later request succeeds and the
document's text is what it was.
"""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcMethodNotFound

from lsp_support import EditorClient, RawConnection

URI = "file:///work/bad.py"
OTHER = "file:///work/other.py"
TEXT = "héllo 😀 wörld\nsecond line\n"


def change(
    start: tuple[int, int], end: tuple[int, int], text: str
) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=start[0], character=start[1]),
            end=types.Position(line=end[0], character=end[1]),
        ),
        text=text,
    )


async def still_serving(client: EditorClient, uri: str = URI, text: str = TEXT) -> dict:
    state = await client.state(uri)
    assert state["text"] == text
    return state


# -- malformed JSON ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"jsonrpc": "2.0", "id": 7, "method": ',  # truncated
        b"this is not json",
        b'{"jsonrpc": "2.0", "id": 8, "method": "x", "params": {}',  # unbalanced
        b"\xff\xfe\x00garbage",  # not UTF-8
    ],
    ids=["truncated", "text", "unbalanced", "not-utf8"],
)
async def test_malformed_json_gets_parse_error(transport: str, body: bytes):
    connection = await RawConnection.start(transport)
    try:
        initialized = await connection.initialize()
        assert "result" in initialized
        await connection.notify(
            "textDocument/didOpen",
            {
                "textDocument": {
                    "uri": URI,
                    "languageId": "python",
                    "version": 1,
                    "text": TEXT,
                }
            },
        )
        await connection.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        error = await connection.response(None)
        assert error["jsonrpc"] == "2.0"
        assert error["id"] is None
        assert error["error"]["code"] == -32700

        # Still serving, and the document is intact.
        response = await connection.request(
            "workspace/executeCommand",
            {"command": "codecrdt.documentState", "arguments": [{"uri": URI}]},
        )
        assert response["result"]["text"] == TEXT
        assert response["result"]["inSync"] is True
    finally:
        await connection.close()


# -- invalid params and unknown methods -----------------------------------------------------


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("textDocument/hover", {"textDocument": {"uri": URI}}),  # no position
        ("workspace/executeCommand", {"command": 5}),
        (
            "workspace/executeCommand",
            {"command": "codecrdt.documentState", "arguments": "not a list"},
        ),
        ("workspace/executeCommand", {"command": "codecrdt.documentState", "arguments": [1, 2]}),
        ("workspace/executeCommand", {"command": "codecrdt.documentState", "arguments": []}),
        (
            "workspace/executeCommand",
            {"command": "codecrdt.simulateWriter", "arguments": [{"uri": URI, "text": 5}]},
        ),
        (
            "workspace/executeCommand",
            {
                "command": "codecrdt.simulateWriter",
                "arguments": [{"uri": URI, "text": "x", "offset": 10_000}],
            },
        ),
        (
            "workspace/executeCommand",
            {"command": "codecrdt.documentState", "arguments": [{"uri": "file:///nope"}]},
        ),
    ],
    ids=[
        "hover-no-position",
        "command-not-a-string",
        "arguments-not-a-list",
        "two-arguments",
        "no-argument",
        "writer-text-not-a-string",
        "writer-offset-outside",
        "state-of-unopened",
    ],
)
async def test_invalid_params(client: EditorClient, method: str, params: dict):
    client.open(URI, TEXT)
    await still_serving(client)
    with pytest.raises(JsonRpcInvalidParams) as raised:
        await client.raw_request(method, params)
    assert raised.value.code == -32602
    await still_serving(client)


async def test_unknown_method(client: EditorClient):
    client.open(URI, TEXT)
    with pytest.raises(JsonRpcMethodNotFound) as raised:
        await client.raw_request("codecrdt/noSuchMethod", {"uri": URI})
    assert raised.value.code == -32601
    await still_serving(client)


async def test_unknown_notification_is_ignored(client: EditorClient):
    client.open(URI, TEXT)
    client.protocol.notify("codecrdt/noSuchNotification", {"uri": URI})
    client.protocol.notify("$/someExtension", {"anything": [1, 2]})
    await still_serving(client)


# -- didChange that cannot apply ----------------------------------------------------------


async def test_did_change_for_unopened_document_is_ignored(client: EditorClient):
    client.open(URI, TEXT)
    client.send_changes("file:///work/never-opened.py", 2, [change((0, 0), (0, 0), "x")])
    client.send_changes(
        "file:///work/never-opened.py",
        3,
        [types.TextDocumentContentChangeWholeDocument(text="whole")],
    )
    state = await still_serving(client)
    assert state["editorVersion"] == 1
    assert not client.messages
    with pytest.raises(JsonRpcInvalidParams):
        await client.state("file:///work/never-opened.py")
    # The open document still takes changes.
    client.type(URI, 0, 0, "ok ")
    await still_serving(client, text="ok " + TEXT)


async def test_reversed_range_is_refused_with_a_warning(client: EditorClient):
    client.open(URI, TEXT)
    client.open(OTHER, "other\n")
    client.send_changes(URI, 2, [change((1, 4), (0, 2), "X")])
    warning = await client.warning("ends before it starts")
    assert isinstance(warning, types.ShowMessageParams)
    state = await still_serving(client)
    assert state["outOfSync"]
    await still_serving(client, OTHER, "other\n")
    # A full-text change resynchronises.
    client.send_changes(URI, 3, [types.TextDocumentContentChangeWholeDocument(text="fresh\n")])
    state = await still_serving(client, text="fresh\n")
    assert state["outOfSync"] is None


async def test_position_inside_a_surrogate_pair_is_refused(client: EditorClient):
    client.open(URI, TEXT)
    emoji = TEXT.index("😀")  # UTF-16 column of its first half; +1 is between the halves
    client.send_changes(URI, 2, [change((0, emoji + 1), (0, emoji + 1), "X")])
    warning = await client.warning("could not apply an edit")
    assert warning.type == types.MessageType.Warning
    state = await still_serving(client)
    assert state["outOfSync"]


async def test_version_going_backwards_still_applies(client: EditorClient):
    client.open(URI, TEXT, version=10)
    client.send_changes(URI, 11, [change((0, 0), (0, 0), "a")])
    client.send_changes(URI, 5, [change((0, 0), (0, 0), "b")])
    client.send_changes(URI, 5, [change((1, 0), (1, 0), "c")])
    state = await still_serving(client, text="ba" + TEXT.replace("second", "csecond"))
    assert state["editorVersion"] == 5
    assert state["outOfSync"] is None
    assert not client.messages


async def test_out_of_range_positions_are_clamped(client: EditorClient):
    client.open(URI, TEXT)
    client.send_changes(URI, 2, [change((999, 999), (999, 999), "END")])
    await still_serving(client, text=TEXT + "END")
    # A column past the end of a line clamps to the line's end (before its newline).
    client.send_changes(URI, 3, [change((1, 999), (1, 999), "!")])
    await still_serving(client, text=TEXT.replace("second line", "second line!") + "END")
    assert not client.messages


# -- documents that are not mirrored ------------------------------------------------------


async def test_binary_document_is_not_mirrored(client: EditorClient):
    client.open(OTHER, "fine\n")
    client.open(URI, "abc\x00def")
    warning = await client.warning("NUL bytes")
    assert URI in warning.message
    with pytest.raises(JsonRpcInvalidParams):
        await client.state(URI)
    # Changes to it are ignored; the other document is untouched.
    client.send_changes(URI, 2, [change((0, 0), (0, 0), "x")])
    await still_serving(client, OTHER, "fine\n")


async def test_document_over_the_size_limit_is_not_mirrored(connect):
    client: EditorClient = await connect({"maxFileBytes": 100})
    assert not client.messages
    client.open(OTHER, "x" * 100)  # exactly at the limit: mirrored
    client.open(URI, "é" * 51)  # 102 bytes
    warning = await client.warning("over the limit")
    assert URI in warning.message
    with pytest.raises(JsonRpcInvalidParams):
        await client.state(URI)
    await still_serving(client, OTHER, "x" * 100)


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"batchDelayMs": "x"}, "batchDelayMs"),
        ({"maxFileBytes": -1}, "maxFileBytes"),
        ({"resendAfterMs": True}, "resendAfterMs"),
        ({"answerTimeoutMs": 1.5}, "answerTimeoutMs"),
        ([1, 2], "initializationOptions"),
    ],
    ids=["string", "negative", "bool", "float", "not-an-object"],
)
async def test_invalid_initialization_options_warn(
    connect, transport: str, options: object, key: str
):
    if transport == "tcp" and not isinstance(options, dict):
        # Over TCP the token rides in initializationOptions: an array cannot carry it.
        with pytest.raises(JsonRpcException, match="wrong or missing token"):
            await connect(options)
        return
    client: EditorClient = await connect(options)
    warning = await client.warning(key)
    assert warning.type == types.MessageType.Warning
    client.open(URI, TEXT)
    await still_serving(client)
