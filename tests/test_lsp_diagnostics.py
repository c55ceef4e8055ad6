"""Diagnostics and quick fixes with a real LSP client, over stdio and TCP.

The server analyses every open document it knows the language of and publishes its
findings (``textDocument/publishDiagnostics``), or answers ``textDocument/diagnostic``
when the client pulls. Quick fixes run as commands that edit the shared document; the edit
reaches the editor as ``workspace/applyEdit`` like any other writer's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from lsprotocol import types

from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text
from codecrdt.diagnostics import AdaptiveDebounce
from lsp_support import TIMEOUT, Buffer, EditorClient, Session, start_session

PY_URI = "file:///work/diag.py"
# The duplicate import's line has non-ASCII before the name ('é' is 1 UTF-16 unit and 2
# UTF-8 bytes, '😀' 2 units and 4 bytes): `os` is at UTF-16 18..20, not at byte 21..23 nor
# code point 17..19. The duplicate function's name is 4 units but 6 bytes long.
PY_TEXT = (
    "import os\n"  # line 0: first `os`
    "import sys\n"
    's = "é😀"; import os\n'  # line 2: the duplicate import
    "\n"
    "\n"
    "def grüß(x):\n"  # line 5: first `grüß`
    "    return x\n"
    "\n"
    "\n"
    "def grüß(x):\n"  # line 9: the duplicate
    "    return x\n"
)

TSX_URI = "file:///work/App.tsx"
TSX_TEXT = (
    'import React from "react";\n'
    "\n"
    "const Header = () => <h1>Ünïcode 😀</h1>;\n"  # line 2: first `Header`
    "\n"
    "export function App() {\n"
    "  return (\n"
    "    <main>\n"
    "      {/* TODO(codecrdt:Header): x */}\n"
    "      <Header />\n"
    "    </main>\n"
    "  );\n"
    "}\n"
    "\n"
    "/* é😀 */ const Header = () => <h2>again</h2>;\n"  # line 13: the duplicate
)

Published = list[types.PublishDiagnosticsParams]


def rng(line: int, start: int, end: int) -> types.Range:
    return types.Range(
        start=types.Position(line=line, character=start),
        end=types.Position(line=line, character=end),
    )


def record_publishes(client: EditorClient) -> Published:
    """Every publishDiagnostics the client receives, in order (pytest-lsp keeps the last)."""
    published: Published = []
    features = client.protocol.fm.features
    keep_last = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: types.PublishDiagnosticsParams) -> None:
        published.append(params)
        keep_last(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    return published


def open_document(client: EditorClient, uri: str, text: str, language_id: str) -> Buffer:
    buffer = Buffer(text, 1, client.encoding)
    client.buffers[uri] = buffer
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language_id, version=1, text=text
            )
        )
    )
    return buffer


async def wait_publish(
    published: Published,
    uri: str,
    predicate: Callable[[types.PublishDiagnosticsParams], bool] = lambda _: True,
    *,
    since: int = 0,
    timeout: float = TIMEOUT,
) -> types.PublishDiagnosticsParams:
    """The first publish for ``uri`` (from index ``since``) that satisfies ``predicate``."""
    deadline = time.monotonic() + timeout
    while True:
        for params in published[since:]:
            if params.uri == uri and predicate(params):
                return params
        if time.monotonic() > deadline:
            seen = [(p.version, [d.code for d in p.diagnostics]) for p in published]
            raise AssertionError(f"no matching publishDiagnostics for {uri}; got {seen!r}")
        await asyncio.sleep(0.02)


async def wait_current(
    client: EditorClient, published: Published, uri: str, *, since: int = 0
) -> types.PublishDiagnosticsParams:
    """The first publish for the client's current buffer version."""
    version = client.buffers[uri].version
    return await wait_publish(published, uri, lambda p: p.version == version, since=since)


def shifted(r: types.Range, lines: int) -> types.Range:
    return types.Range(
        start=types.Position(line=r.start.line + lines, character=r.start.character),
        end=types.Position(line=r.end.line + lines, character=r.end.character),
    )


def by_code(diagnostics: Any) -> dict[str, types.Diagnostic]:
    return {str(d.code): d for d in diagnostics}


@pytest.fixture
async def pyclient(client: EditorClient) -> tuple[EditorClient, Published]:
    return client, record_publishes(client)


@pytest.fixture
async def pull_client(transport: str) -> AsyncIterator[EditorClient]:
    """A client that advertises pull diagnostics (``textDocument.diagnostic``)."""
    session: Session = await start_session(transport)
    client = session.client
    try:
        capabilities = types.ClientCapabilities(
            workspace=types.WorkspaceClientCapabilities(
                apply_edit=True,
                workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
            ),
            text_document=types.TextDocumentClientCapabilities(
                diagnostic=types.DiagnosticClientCapabilities(related_document_support=False)
            ),
        )
        result = await client.initialize_session(types.InitializeParams(capabilities=capabilities))
        client.initialize_result = result
        client.encoding = result.capabilities.position_encoding or types.PositionEncodingKind.Utf16
        yield client
    finally:
        await session.close()


# -- published diagnostics -------------------------------------------------------------


async def test_publishes_exact_diagnostics_for_duplicates(pyclient):
    client, published = pyclient
    assert client.encoding == types.PositionEncodingKind.Utf16
    open_document(client, PY_URI, PY_TEXT, "python")
    params = await wait_publish(published, PY_URI)
    assert params.version == 1

    assert [d.code for d in params.diagnostics] == ["duplicate-import", "duplicate-declaration"]
    imp, fn = params.diagnostics

    assert imp.range == rng(2, 18, 20)
    assert imp.source == "codecrdt"
    assert imp.severity == types.DiagnosticSeverity.Error
    assert "'os' is imported again (first on line 1)" in imp.message
    assert imp.related_information is not None
    (first,) = imp.related_information
    assert first.location.uri == PY_URI
    assert first.location.range == rng(0, 7, 9)
    assert isinstance(imp.data, dict)
    assert imp.data["code"] == "duplicate-import"
    assert imp.data["name"] == "os"
    assert isinstance(imp.data["byte"], int)

    assert fn.range == rng(9, 4, 8)
    assert fn.source == "codecrdt"
    assert fn.severity == types.DiagnosticSeverity.Error
    assert "'grüß' is declared again (first on line 6)" in fn.message
    assert fn.related_information is not None
    (first,) = fn.related_information
    assert first.location.uri == PY_URI
    assert first.location.range == rng(5, 4, 8)
    assert isinstance(fn.data, dict)
    assert fn.data["code"] == "duplicate-declaration"
    assert fn.data["name"] == "grüß"

    # The ranges are the names', as the client's own buffer counts UTF-16 units.
    buffer = client.buffers[PY_URI]
    second_os = PY_TEXT.index("os", PY_TEXT.index("😀"))
    assert imp.range == buffer.range(second_os, second_os + 2)
    second_fn = PY_TEXT.rindex("grüß")
    assert fn.range == buffer.range(second_fn, second_fn + 4)
    assert client.diagnostics[PY_URI] == params.diagnostics


async def test_diagnostics_move_with_edits_and_clear_when_fixed(pyclient):
    client, published = pyclient
    open_document(client, PY_URI, PY_TEXT, "python")
    before = by_code((await wait_publish(published, PY_URI)).diagnostics)

    # Two lines above everything: every range moves down two lines.
    since = len(published)
    client.type(PY_URI, 0, 0, "# ñandú 😀\n# more\n")
    moved = await wait_current(client, published, PY_URI, since=since)
    after = by_code(moved.diagnostics)
    assert set(after) == {"duplicate-import", "duplicate-declaration"}
    for code, diagnostic in after.items():
        assert diagnostic.range == shifted(before[code].range, 2)
        assert diagnostic.related_information is not None
        assert before[code].related_information is not None
        assert diagnostic.related_information[0].location.range == shifted(
            before[code].related_information[0].location.range, 2
        )
    assert "(first on line 8)" in after["duplicate-declaration"].message

    # Delete the duplicate function: only the import is left.
    text = client.buffers[PY_URI].text
    start = text.rindex("\n\ndef grüß") + 1
    since = len(published)
    client.type(PY_URI, start, len(text), "")
    partial = await wait_current(client, published, PY_URI, since=since)
    assert [d.code for d in partial.diagnostics] == ["duplicate-import"]

    # Delete the duplicate import: the list is empty.
    text = client.buffers[PY_URI].text
    start = text.index("; import os")
    since = len(published)
    client.type(PY_URI, start, start + len("; import os"), "")
    cleared = await wait_current(client, published, PY_URI, since=since)
    assert list(cleared.diagnostics) == []
    await client.converged(PY_URI)
    assert list(client.diagnostics[PY_URI]) == []


async def test_close_clears_diagnostics(pyclient):
    client, published = pyclient
    open_document(client, PY_URI, PY_TEXT, "python")
    await wait_publish(published, PY_URI, lambda p: len(p.diagnostics) == 2)
    since = len(published)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=PY_URI))
    )
    cleared = await wait_publish(published, PY_URI, since=since)
    assert list(cleared.diagnostics) == []


async def test_tsx_reports_duplicates_but_not_todos_that_are_not_done(pyclient):
    client, published = pyclient
    # The marker is a TODO finding in itself (``codecrdt check`` reports it) ...
    codes = [f.code for f in analyze_text(TSX_TEXT, language_named("typescriptreact"))]
    assert "leftover-todo" in codes
    open_document(client, TSX_URI, TSX_TEXT, "typescriptreact")
    params = await wait_publish(published, TSX_URI)
    # ... but the server reports leftover TODOs only once marked done in the shared document.
    assert [d.code for d in params.diagnostics] == ["duplicate-declaration"]
    (dup,) = params.diagnostics
    # '/* é😀 */ const ' is 16 UTF-16 units (the emoji counts 2).
    assert dup.range == rng(13, 16, 22)
    assert dup.source == "codecrdt"
    assert dup.severity == types.DiagnosticSeverity.Error
    assert dup.related_information is not None
    assert dup.related_information[0].location.range == rng(2, 6, 12)
    assert isinstance(dup.data, dict) and dup.data["name"] == "Header"


async def test_plaintext_gets_no_diagnostics(pyclient):
    client, published = pyclient
    uri = "file:///work/notes.txt"
    open_document(client, uri, PY_TEXT, "plaintext")
    # A Python document opened after it: once its diagnostics are in, the plaintext
    # document's would have been too.
    open_document(client, PY_URI, PY_TEXT, "python")
    await wait_publish(published, PY_URI)
    await asyncio.sleep(0.3)
    client.type(uri, 0, 0, "import os\n")
    await client.converged(uri)
    await asyncio.sleep(0.3)
    assert [p for p in published if p.uri == uri] == []
    assert uri not in client.diagnostics


# -- pull diagnostics ----------------------------------------------------------------


async def test_pull_client_gets_no_publish_and_a_full_report(pull_client: EditorClient):
    client = pull_client
    published = record_publishes(client)
    open_document(client, PY_URI, PY_TEXT, "python")
    await client.converged(PY_URI)
    report = await asyncio.wait_for(
        client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=PY_URI))
        ),
        TIMEOUT,
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert report.kind == "full"
    assert [d.code for d in report.items] == ["duplicate-import", "duplicate-declaration"]
    assert report.items[0].range == rng(2, 18, 20)
    assert report.items[1].range == rng(9, 4, 8)
    assert all(d.source == "codecrdt" and d.data for d in report.items)

    # Edits keep publishing off; the next pull sees them.
    client.type(PY_URI, 0, 0, "\n")
    await client.converged(PY_URI)
    report = await asyncio.wait_for(
        client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=PY_URI))
        ),
        TIMEOUT,
    )
    assert [d.range for d in report.items] == [rng(3, 18, 20), rng(10, 4, 8)]
    await asyncio.sleep(0.4)
    assert published == []
    assert client.diagnostics == {}


# -- code actions ----------------------------------------------------------------------


async def code_actions(
    client: EditorClient, uri: str, diagnostics: list[types.Diagnostic]
) -> list[types.CodeAction]:
    """The server's code actions, read from the JSON: lsprotocol 2025.0.0 takes any
    ``CodeAction`` that carries a ``command`` for a ``Command`` when it structures the
    ``(Command | CodeAction)[]`` result, so the typed request would lose them."""
    converter = client.protocol._converter
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=diagnostics[0].range,
        context=types.CodeActionContext(
            diagnostics=diagnostics, only=[types.CodeActionKind.QuickFix]
        ),
    )
    result = await client.raw_request(
        types.TEXT_DOCUMENT_CODE_ACTION, converter.unstructure(params)
    )
    assert isinstance(result, list)
    assert all("title" in item and "kind" in item for item in result), result
    return [converter.structure(item, types.CodeAction) for item in result]


async def execute(client: EditorClient, command: types.Command) -> Any:
    return await asyncio.wait_for(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command.command, arguments=command.arguments)
        ),
        TIMEOUT,
    )


async def test_quick_fix_edits_the_document_and_the_editor(pyclient):
    client, published = pyclient
    open_document(client, PY_URI, PY_TEXT, "python")
    params = await wait_publish(published, PY_URI)
    imp = by_code(params.diagnostics)["duplicate-import"]

    actions = await code_actions(client, PY_URI, [imp])
    titles = [a.title for a in actions]
    assert titles == ["Remove the duplicate import of 'os'", "Fix with Evaluator"], titles
    fix, evaluator = actions
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.is_preferred is True
    assert list(fix.diagnostics or []) == [imp]
    assert fix.command is not None and fix.command.command == "codecrdt.applyFix"
    assert evaluator.command is not None
    assert evaluator.command.command == "codecrdt.fixWithEvaluator"

    since = len(published)
    result = await execute(client, fix.command)
    assert result == {"applied": True, "title": "Remove the duplicate import of 'os'"}

    # The fix reaches the editor as a workspace/applyEdit, which the client applies.
    state = await client.converged(PY_URI)
    assert client.edits and all(record.applied for record in client.edits)
    expected = PY_TEXT.replace('s = "é😀"; import os\n', 's = "é😀"; \n')
    assert client.buffers[PY_URI].text == expected
    assert state["text"] == expected
    cleared = await wait_current(client, published, PY_URI, since=since)
    assert [d.code for d in cleared.diagnostics] == ["duplicate-declaration"]
    assert cleared.diagnostics[0].range == rng(9, 4, 8)


async def test_remove_a_reimport_and_an_identical_duplicate(pyclient):
    """A re-import loses only the repeated name: `sep` stays in the second statement."""
    client, published = pyclient
    text = (
        "from os import path\nfrom os import sep, path\n\n\n"
        "def f():\n    pass\n\n\ndef f():\n    pass\n"
    )
    open_document(client, PY_URI, text, "python")
    params = await wait_publish(published, PY_URI)
    diagnostics = by_code(params.diagnostics)
    assert set(diagnostics) == {"duplicate-import", "duplicate-declaration"}

    actions = await code_actions(client, PY_URI, [diagnostics["duplicate-import"]])
    assert [a.title for a in actions] == [
        "Remove the duplicate import of 'path'",
        "Fix with Evaluator",
    ]
    assert actions[0].command is not None
    result = await execute(client, actions[0].command)
    assert result["applied"] is True
    await client.converged(PY_URI)
    assert client.buffers[PY_URI].text.startswith(
        "from os import path\nfrom os import sep\n\n\ndef f():"
    )

    params = await wait_current(client, published, PY_URI)
    (dup,) = params.diagnostics
    actions = await code_actions(client, PY_URI, [dup])
    assert actions[0].title == "Remove the identical duplicate of 'f'"
    assert actions[0].command is not None
    since = len(published)
    assert (await execute(client, actions[0].command))["applied"] is True
    await client.converged(PY_URI)
    assert (
        client.buffers[PY_URI].text
        == "from os import path\nfrom os import sep\n\n\ndef f():\n    pass\n\n\n"
    )
    cleared = await wait_current(client, published, PY_URI, since=since)
    assert list(cleared.diagnostics) == []


async def test_fix_with_evaluator_runs_the_evaluator_on_the_document(pyclient):
    """The quick fix runs the Evaluator on the whole document: here both conflicts have a
    deterministic fix (a repeated import, an identical duplicate), so no model is asked."""
    client, published = pyclient
    open_document(client, PY_URI, PY_TEXT, "python")
    params = await wait_publish(published, PY_URI)
    fn = by_code(params.diagnostics)["duplicate-declaration"]
    actions = await code_actions(client, PY_URI, [fn])
    evaluator = next(a for a in actions if a.title == "Fix with Evaluator")
    assert evaluator.command is not None
    messages = len(client.messages)
    result = await execute(client, evaluator.command)
    assert result["applied"] is True
    assert (result["found"], result["fixedDeterministic"], result["fixedModel"]) == (2, 2, 0)
    assert result["left"] == []
    deadline = time.monotonic() + TIMEOUT
    while len(client.messages) == messages:
        assert time.monotonic() < deadline, "no window/showMessage"
        await asyncio.sleep(0.02)
    shown = client.messages[messages]
    assert shown.type == types.MessageType.Info
    assert "2 conflict(s) fixed, 0 left" in shown.message
    state = await client.converged(PY_URI)
    text = client.buffers[PY_URI].text
    assert state["text"] == text
    assert text.count("import os") == 1 and text.count("def grüß") == 1
    assert client.edits and all(record.applied for record in client.edits)


# -- debounce --------------------------------------------------------------------------


async def test_an_isolated_edit_reported_twice_is_analysed_at_once():
    """An editor edit reaches the debounce twice (the document's change event, then
    didChange): that must not turn it into a burst, delayed by the coalescing delay."""
    runs: list[float] = []
    loop = asyncio.get_running_loop()
    debounce = AdaptiveDebounce(lambda: runs.append(loop.time()))
    debounce.changed()
    debounce.changed()
    await asyncio.sleep(0)
    assert len(runs) == 1
    # A burst right after it is coalesced into one later run.
    for _ in range(5):
        debounce.changed()
    await asyncio.sleep(0)
    assert len(runs) == 1
    await asyncio.sleep(0.5)
    assert len(runs) == 2
