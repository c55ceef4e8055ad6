"""Text sync with a real LSP client, over stdio and TCP.

The client (tests/lsp_support.py) holds its own buffers and answers ``workspace/applyEdit``
like VS Code: a versioned edit is applied only when the version matches, then reported in
a ``didChange``. Every test ends with the client's buffer equal to the server's text.
"""

from __future__ import annotations

from lsprotocol import types

from lsp_support import EditorClient

URI = "file:///work/sync.py"
TEXT = "# café — naïve\ndef grüß():\n    return '😀中文'\n"


async def test_initialize_advertises_commands_and_incremental_sync(client: EditorClient):
    result = client.initialize_result
    assert isinstance(result, types.InitializeResult)
    capabilities = result.capabilities
    assert capabilities.position_encoding == types.PositionEncodingKind.Utf16
    sync = capabilities.text_document_sync
    kind = sync.change if isinstance(sync, types.TextDocumentSyncOptions) else sync
    assert kind == types.TextDocumentSyncKind.Incremental
    assert capabilities.execute_command_provider is not None
    assert {"codecrdt.documentState", "codecrdt.simulateWriter"} <= set(
        capabilities.execute_command_provider.commands
    )


async def test_open_and_incremental_changes_non_ascii(client: EditorClient):
    client.open(URI, TEXT)
    state = await client.state(URI)
    assert state["text"] == TEXT
    assert state["inSync"] is True
    assert state["editorVersion"] == 1

    # Insert after the emoji (a surrogate pair in UTF-16), replace 'ü' and delete '中'.
    emoji = TEXT.index("😀") + 1
    client.type(URI, emoji, emoji, "🎉")
    u = TEXT.index("ü")
    client.type(URI, u, u + 1, "ue")
    zhong = client.buffers[URI].text.index("中")
    client.type(URI, zhong, zhong + 1, "")
    expected = "# café — naïve\ndef grueß():\n    return '😀🎉文'\n"
    assert client.buffers[URI].text == expected

    state = await client.state(URI)
    assert state["text"] == expected
    assert state["editorVersion"] == 4
    assert state["inSync"] is True
    assert state["editsSent"] == 0


async def test_simulated_writer_reaches_the_editor(client: EditorClient):
    client.open(URI, TEXT)
    written_text = "# agent: héllo 😀 wörld\nx = '中文'\n"
    result = await client.command(
        "codecrdt.simulateWriter",
        uri=URI,
        text=written_text,
        offset=len(TEXT),
        chunk=5,
        intervalMs=10,
    )
    assert result == {
        "uri": URI,
        "written": len(written_text),
        "length": len(TEXT) + len(written_text),
    }
    state = await client.converged(URI)
    assert state["text"] == TEXT + written_text
    assert client.buffers[URI].text == TEXT + written_text
    assert client.edits, "no workspace/applyEdit received"
    for record in client.edits:
        assert isinstance(record.params, types.ApplyWorkspaceEditParams)
        (change,) = record.params.edit.document_changes
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.uri == URI
        assert all(isinstance(edit, types.TextEdit) for edit in change.edits)
    assert all(record.applied for record in client.edits)
    assert state["echoes"] == len(client.edits)
    assert state["editorVersion"] == client.buffers[URI].version


async def test_writer_and_typing_at_once(client: EditorClient):
    client.open(URI, TEXT)
    written_text = "".join(f"[w{i}é]" for i in range(20))

    typed = []

    def type_while_writing(c: EditorClient, params: types.ApplyWorkspaceEditParams) -> None:
        word = f"<u{len(typed)}😀>"
        typed.append(word)
        c.type(URI, 0, 0, word)  # the edit's version is now stale: it gets refused

    client.apply_edit_hook = type_while_writing
    await client.command(
        "codecrdt.simulateWriter", uri=URI, text=written_text, chunk=3, intervalMs=5
    )
    client.apply_edit_hook = None
    state = await client.converged(URI)
    assert typed, "no applyEdit arrived while the writer was writing"
    text = state["text"]
    assert text == client.buffers[URI].text
    assert text.endswith(TEXT + written_text)
    for word in typed:
        assert text.count(word) == 1
    assert len(text) == len(TEXT) + len(written_text) + sum(len(w) for w in typed)


async def test_rejected_edit_is_resent_and_typed_text_kept_once(client: EditorClient):
    client.open(URI, TEXT)
    typed = "TYPED✓"
    first = []

    def reject_first(c: EditorClient, params: types.ApplyWorkspaceEditParams) -> bool | None:
        if first:
            return None
        first.append(params)
        c.type(URI, 0, 0, typed)  # the user types while the edit is on its way...
        return False  # ...and the editor refuses it

    client.apply_edit_hook = reject_first
    written_text = "# from the agent 😀\n"
    await client.command(
        "codecrdt.simulateWriter", uri=URI, text=written_text, chunk=100, intervalMs=1
    )
    state = await client.converged(URI)

    assert len(client.edits) >= 2
    assert client.edits[0].applied is False
    assert any(record.applied for record in client.edits[1:])
    (change,) = client.edits[0].params.edit.document_changes
    assert change.text_document.version == 1
    expected = typed + TEXT + written_text
    assert client.buffers[URI].text == expected
    assert state["text"] == expected
    assert state["text"].count(typed) == 1
    assert state["text"].count(written_text) == 1
    assert state["inSync"] is True


async def test_utf8_position_encoding(connect):
    client: EditorClient = await connect(position_encodings=["utf-8"])
    result = client.initialize_result
    assert result is not None
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8

    text = "café\n😀z\n"
    client.open(URI, text)
    # Byte-based columns: 'café' is 5 bytes, '😀' is 4.
    client.send_changes(
        URI,
        2,
        [
            types.TextDocumentContentChangePartial(
                range=types.Range(
                    start=types.Position(line=0, character=5),
                    end=types.Position(line=0, character=5),
                ),
                text="!",
            ),
            types.TextDocumentContentChangePartial(
                range=types.Range(
                    start=types.Position(line=1, character=4),
                    end=types.Position(line=1, character=4),
                ),
                text="é",
            ),
        ],
    )
    buffer = client.buffers[URI]
    buffer.text, buffer.version = "café!\n😀éz\n", 2
    state = await client.state(URI)
    assert state["text"] == "café!\n😀éz\n"

    # The server's edits come back with byte columns too: write after the 'é' on line 1.
    await client.command(
        "codecrdt.simulateWriter", uri=URI, text="ü😀", offset=len("café!\n😀é"), chunk=1
    )
    state = await client.converged(URI)
    assert state["text"] == "café!\n😀éü😀z\n"
    assert client.edits and all(r.applied for r in client.edits)
    columns = {
        edit.range.start.character
        for record in client.edits
        for change in record.params.edit.document_changes
        for edit in change.edits
    }
    assert columns <= {len("😀é".encode()), len("😀éü".encode())}
