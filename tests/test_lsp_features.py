"""Each LSP feature module on its own, in process: registered alone on a bare server and
called directly, without a client. The wire behaviour is in the other test_lsp_* files."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from codecrdt.lsp import create_server
from codecrdt.lsp.arguments import (
    ApplyFixArguments,
    ArgumentError,
    DocumentStateArguments,
    GenerateArguments,
    RunIdArguments,
    SimulateWriterArguments,
    StatusArguments,
)
from codecrdt.lsp.server import CodeCrdtServer
from codecrdt.positions import Encoding

TEST_COMMANDS = {"codecrdt.documentState", "codecrdt.simulateWriter"}


@pytest.fixture
def bare(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[CodeCrdtServer, list[str]]]:
    """A server with no feature registered and no client: warnings go into a list."""
    monkeypatch.setattr(CodeCrdtServer, "encoding", property(lambda self: Encoding.UTF16))
    monkeypatch.setattr(CodeCrdtServer, "pulls_diagnostics", property(lambda self: True))
    server = CodeCrdtServer()
    warnings: list[str] = []
    monkeypatch.setattr(server, "warn", warnings.append)
    yield server, warnings
    for uri in list(server.documents):
        server.close(uri)


def _commands(server: CodeCrdtServer) -> set[str]:
    return set(server.protocol.fm.commands)


def _features(server: CodeCrdtServer) -> set[str]:
    return set(server.protocol.fm.features)


def _opened(uri: str, text: str, version: int = 1, language: str = "plaintext") -> Any:
    item = types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)
    return types.DidOpenTextDocumentParams(text_document=item)


# -- assembly ------------------------------------------------------------------------------


def test_the_test_commands_come_only_with_the_flag() -> None:
    production = _commands(create_server())
    assert not production & TEST_COMMANDS
    assert {"codecrdt.generate", "codecrdt.applyFix", "codecrdt.status"} <= production
    assert _commands(create_server(test_commands=True)) == production | TEST_COMMANDS


def test_each_feature_module_registers_its_own_handlers(bare) -> None:
    from codecrdt.lsp import authors, diagnostics, runs, settings, sync, testing

    server, _ = bare
    settings.register(server)
    assert _features(server) == {types.INITIALIZE, types.WORKSPACE_DID_CHANGE_CONFIGURATION}
    assert _commands(server) == set()
    sync.register(server)
    assert _features(server) >= {
        types.TEXT_DOCUMENT_DID_OPEN,
        types.TEXT_DOCUMENT_DID_CHANGE,
        types.TEXT_DOCUMENT_DID_CLOSE,
    }
    assert _commands(server) == set()
    testing.register(server)
    assert _commands(server) == TEST_COMMANDS
    runs.register(server)
    diagnostics.register(server)
    assert types.TEXT_DOCUMENT_CODE_ACTION in _features(server)
    authors.register(server)
    assert types.TEXT_DOCUMENT_HOVER in _features(server)
    assert _commands(server) == _commands(create_server(test_commands=True))


# -- settings -------------------------------------------------------------------------------


def test_settings_take_good_values_and_warn_about_bad_ones(bare) -> None:
    from codecrdt.lsp import settings

    server, warnings = bare
    settings.initialize(
        server,
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"batchDelayMs": 5, "agents": 0},
        ),
    )
    assert server.options.batch_delay_ms == 5 and server.options.agents == 3
    assert warnings == ["CodeCRDT: agents must be from 1 to 64; keeping 3"]
    settings.did_change_configuration(
        server, types.DidChangeConfigurationParams(settings={"codecrdt": {"mode": "sequential"}})
    )
    assert server.options.mode == "sequential" and server.options.batch_delay_ms == 5
    assert len(warnings) == 1


# -- sync and the test commands -----------------------------------------------------------


async def test_sync_mirrors_open_change_and_close(bare) -> None:
    from codecrdt.lsp import sync, testing

    server, warnings = bare
    uri = "file:///tmp/notes.txt"
    sync.did_open(server, _opened(uri, "héllo\n"))
    change = types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=0, character=5), end=types.Position(line=0, character=5)
        ),
        text=" wörld",
    )
    sync.did_change(
        server,
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[change],
        ),
    )
    state = testing.document_state(server, DocumentStateArguments(uri=uri))
    assert state["text"] == "héllo wörld\n"
    assert state["editorVersion"] == 2 and state["inSync"] is True
    # A change to a document that is not open is ignored, without a warning.
    sync.did_change(
        server,
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri="file:///tmp/x", version=3),
            content_changes=[change],
        ),
    )
    sync.did_close(
        server, types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri))
    )
    assert uri not in server.documents
    with pytest.raises(JsonRpcInvalidParams, match="is not open"):
        testing.document_state(server, DocumentStateArguments(uri=uri))
    # A binary file is not mirrored: the user is told why.
    sync.did_open(server, _opened(uri, "a\x00b"))
    assert uri not in server.documents
    assert len(warnings) == 1 and "does not mirror" in warnings[0] and "NUL" in warnings[0]


async def test_the_simulated_writer_streams_text_and_stamps(bare) -> None:
    from codecrdt.lsp import testing

    server, _ = bare
    uri = "file:///tmp/w.txt"
    opened = server.open(uri, "end\n", 1, "plaintext")
    answer = await testing.write(
        opened,
        SimulateWriterArguments(uri=uri, text="one two ", offset=0, chunk=3, interval_ms=1),
    )
    assert answer == {"uri": uri, "written": 8, "length": 12}
    assert opened.document.text == "one two end\n"
    stamped = await testing.write(
        opened, SimulateWriterArguments(uri=uri, stamp=True, chunks=0, name="w1")
    )
    assert stamped["written"] == 0 and stamped["name"] == "w1" and stamped["stamps"] == 0
    with pytest.raises(JsonRpcInvalidParams, match="outside the document"):
        await testing.simulate_writer(
            server, SimulateWriterArguments(uri=uri, text="x", offset=10_000)
        )


# -- diagnostics ------------------------------------------------------------------------------


async def test_apply_fix_edits_the_shared_document(bare) -> None:
    from codecrdt.lsp import diagnostics

    server, _ = bare
    uri = "file:///tmp/fix.py"
    opened = server.open(uri, "import os\nimport os\n\nprint(os.sep)\n", 1, "python")
    assert opened.analysis is not None
    (finding,) = opened.analysis.findings()
    assert finding.code == "duplicate-import"
    title = diagnostics.apply_fix(opened, finding.code, finding.name, finding.start_byte)
    assert title == "Remove the duplicate import of 'os'"
    assert opened.document.text == "import os\n\nprint(os.sep)\n"
    assert opened.analysis.findings() == []
    # The finding is gone: nothing more to apply.
    assert diagnostics.apply_fix(opened, finding.code, finding.name, finding.start_byte) is None
    answer = diagnostics.apply_fix_command(
        server, ApplyFixArguments(uri=uri, code="duplicate-import", name="os")
    )
    assert answer == {"applied": False, "title": None}
    with pytest.raises(JsonRpcInvalidParams, match="is not open"):
        diagnostics.apply_fix_command(
            server, ApplyFixArguments(uri="file:///tmp/none.py", code="duplicate-import")
        )


# -- runs -----------------------------------------------------------------------------------


async def test_run_commands_answer_about_runs(bare) -> None:
    from codecrdt.lsp import runs

    server, _ = bare
    with pytest.raises(RuntimeError, match="not registered"):
        runs.server_runs(server)
    bound = runs.register(server)
    assert runs.server_runs(server) is bound and server.runs.listener is bound
    assert runs.status(server) == []
    assert runs.status(server, StatusArguments()) == []
    with pytest.raises(JsonRpcInvalidParams, match="no run with id 'run-x'"):
        runs.cancel(server, RunIdArguments(run_id="run-x"))
    with pytest.raises(JsonRpcInvalidParams, match="no run with id 7"):
        runs.status(server, StatusArguments(run_id=7))
    with pytest.raises(JsonRpcInvalidParams, match="not an open document"):
        await runs.evaluate(server, runs.EvaluateArguments(uri="file:///tmp/none.py"))
    await asyncio.sleep(0)


# -- arguments, through the server's converter --------------------------------------------


def _read(value: Any, cls: type) -> Any:
    return CodeCrdtServer().protocol._converter.structure(value, cls)


def test_arguments_use_the_wire_names() -> None:
    writer = _read({"uri": "u", "text": "x", "intervalMs": 5, "chunk": 2}, SimulateWriterArguments)
    assert writer == SimulateWriterArguments(uri="u", text="x", interval_ms=5, chunk=2)
    assert _read({"runId": "run-1"}, RunIdArguments).run_id == "run-1"
    # Unknown keys are ignored: the quick fix sends its finding to fixWithEvaluator too.
    fix = _read({"uri": "u", "code": "c", "byte": 3, "future": True}, ApplyFixArguments)
    assert fix == ApplyFixArguments(uri="u", code="c", name=None, byte=3)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([{"uri": "u"}], "expected one object argument"),
        ({"text": "x"}, "uri is missing"),
        ({"uri": 5, "text": "x"}, "uri must be a string"),
        ({"uri": "u", "text": 5}, "text must be a string"),
        ({"uri": "u"}, "text must be a string"),
        ({"uri": "u", "text": "x", "stamp": "yes"}, "stamp must be true or false"),
        ({"uri": "u", "text": "x", "stamp": 1}, "stamp must be true or false"),
        ({"uri": "u", "stamp": True}, "with stamp, chunks must be a non-negative integer"),
        ({"uri": "u", "stamp": True, "chunks": -1}, "with stamp, chunks must be a non-negative"),
        ({"uri": "u", "stamp": True, "chunks": True}, "chunks must be an integer"),
        ({"uri": "u", "stamp": True, "chunks": 2.5}, "chunks must be an integer"),
        ({"uri": "u", "text": "x", "intervalMs": "5"}, "intervalMs must be a number"),
        ({"uri": "u", "text": "x", "name": 5}, "name must be a string"),
    ],
)
def test_a_bad_argument_is_refused_with_its_field_named(value: Any, message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        _read(value, SimulateWriterArguments)


def test_generate_arguments_carry_what_the_client_sent() -> None:
    sent = {"uri": "u", "timeScale": 40, "baseUrl": None, "wait": None, "unknown": 1}
    arguments = _read(sent, GenerateArguments)
    # Explicit nulls stay (the run request's validator decides); unknown keys go.
    assert arguments.as_json() == {"uri": "u", "baseUrl": None, "wait": None, "timeScale": 40}
    assert _read({}, GenerateArguments).as_json() == {}
    with pytest.raises(ArgumentError, match="expected one object argument"):
        _read("u", GenerateArguments)
