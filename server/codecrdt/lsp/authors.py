"""Who wrote what, for any client: ``codecrdt.blame`` and hovers in generated regions.

- ``codecrdt.blame`` ``{"uri"}`` → ``{"uri", "version", "ranges": [{"range", "author"}]}``:
  the open document as runs of one author each, ``author`` being ``{"kind": "agent" |
  "user", "agent", "role", "run", "todo"}``. ``version`` is the editor's version the
  ranges hold for, null while the editor has not yet reported every agent edit.
- ``textDocument/hover`` on a line of a document a run has written in: which agent (role,
  run, TODO) wrote that line, or that the user did. A document no run has written in gets
  no hover from CodeCRDT.

Authorship comes from the shared document itself (:mod:`codecrdt.agents.authors`).
"""

from __future__ import annotations

from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from codecrdt.agents import authors
from codecrdt.lsp.arguments import DocumentStateArguments
from codecrdt.lsp.server import CodeCrdtServer

__all__ = ["blame", "hover", "register"]


def blame(ls: CodeCrdtServer, arguments: DocumentStateArguments) -> dict[str, Any]:
    try:
        opened = ls.get(arguments.uri)
    except KeyError as error:
        raise JsonRpcInvalidParams(str(error)) from None
    document = opened.document
    lines, encoding = document.lines, ls.encoding
    ranges = []
    for span in authors.spans(document):
        start = lines.offset_to_lsp(span.start, encoding)
        end = lines.offset_to_lsp(span.end, encoding)
        ranges.append(
            {
                "range": {
                    "start": {"line": start[0], "character": start[1]},
                    "end": {"line": end[0], "character": end[1]},
                },
                "author": span.author.to_json(),
            }
        )
    bridge = opened.bridge
    return {
        "uri": arguments.uri,
        "version": bridge.version if bridge.in_sync else None,
        "ranges": ranges,
    }


def hover(ls: CodeCrdtServer, params: types.HoverParams) -> types.Hover | None:
    opened = ls.documents.get(params.text_document.uri)
    if opened is None or not opened.bridge.in_sync:
        return None  # positions would be the server's, not the editor's
    document = opened.document
    line = params.position.line
    lines = document.lines
    if line >= len(lines):
        return None
    start = lines.line_char_start(line)
    end = lines.line_char_start(line + 1) - 1 if line + 1 < len(lines) else len(document)
    text = document.text
    found: list[authors.Author] = []
    for span in authors.spans(document, start, end):
        if text[span.start : span.end].strip() and span.author not in found:
            found.append(span.author)
    if not found or not authors.has_agents(document):
        return None
    who = " and ".join(a.describe() for a in found)
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value=f"**CodeCRDT**: written by {who}"
        ),
        range=types.Range(
            types.Position(line, 0), types.Position(line, lines.offset_to_lsp(end, ls.encoding)[1])
        ),
    )


def register(server: CodeCrdtServer) -> None:
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)
    server.command("codecrdt.blame")(blame)
