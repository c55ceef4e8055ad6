"""Test-only commands: read the server's copy of a document, and write into it as an agent
would.

Registered only when the server starts with ``codecrdt serve --test-commands`` (or
``create_server(test_commands=True)``): tests, ``codecrdt selfcheck`` and the benchmarks
use them; an editor never needs them.

- ``codecrdt.documentState`` ``{"uri"}`` → ``{"uri", "text", "editorVersion", "inSync",
  "outOfSync", "editsSent", "echoes"}``;
- ``codecrdt.simulateWriter`` ``{"uri", "text", "offset"?, "chunk"?, "intervalMs"?,
  "name"?}`` streams ``text`` into the shared document from a separate replica; with
  ``"stamp": true`` and ``"chunks"`` it writes that many stamped lines instead.
  See docs/editor-bridge.md.
"""

from __future__ import annotations

from typing import Any

from pygls.exceptions import JsonRpcInvalidParams

from codecrdt.lsp.arguments import DocumentStateArguments, SimulateWriterArguments
from codecrdt.lsp.server import CodeCrdtServer, OpenDocument
from codecrdt.writer import new_writer_name, stream_stamps, stream_text

__all__ = ["document_state", "register", "simulate_writer", "write"]


def document_state(ls: CodeCrdtServer, arguments: DocumentStateArguments) -> dict[str, Any]:
    try:
        opened = ls.get(arguments.uri)
    except KeyError as error:
        raise JsonRpcInvalidParams(str(error)) from None
    bridge = opened.bridge
    return {
        "uri": arguments.uri,
        "text": opened.document.text,
        "editorVersion": bridge.version,
        "inSync": bridge.in_sync,
        "outOfSync": bridge.out_of_sync,
        "editsSent": bridge.edits_sent,
        "echoes": bridge.echoes,
    }


async def simulate_writer(ls: CodeCrdtServer, arguments: SimulateWriterArguments) -> dict[str, Any]:
    try:
        return await write(ls.get(arguments.uri), arguments)
    except (KeyError, ValueError, TypeError) as error:
        raise JsonRpcInvalidParams(str(error)) from None


async def write(opened: OpenDocument, arguments: SimulateWriterArguments) -> dict[str, Any]:
    """Stream the text (or the stamped lines) ``arguments`` give into ``opened``."""
    document = opened.document
    interval = arguments.interval_ms / 1000
    name = arguments.name
    if arguments.stamp:
        assert arguments.chunks is not None  # SimulateWriterArguments requires it with stamp
        name = name or new_writer_name()
        written = await stream_stamps(
            document,
            arguments.chunks,
            name=name,
            offset=arguments.offset,
            chunk=arguments.chunk,
            interval=interval,
        )
    else:
        assert arguments.text is not None  # SimulateWriterArguments requires it without stamp
        written = await stream_text(
            document,
            arguments.text,
            offset=arguments.offset,
            chunk=arguments.chunk,
            interval=interval,
            name=name,
        )
    answer: dict[str, Any] = {"uri": arguments.uri, "written": written, "length": len(document)}
    if arguments.stamp:
        answer.update(name=name, stamps=arguments.chunks)
    return answer


def register(server: CodeCrdtServer) -> None:
    server.command("codecrdt.documentState")(document_state)
    server.command("codecrdt.simulateWriter")(simulate_writer)
