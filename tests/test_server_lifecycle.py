"""The server object in process: documents are freed on close, and a TODO marked done in
the shared document is reported as leftover without any text edit."""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest
from lsprotocol import types
from pycrdt import Map

from codecrdt.lsp import CodeCrdtServer, create_server
from codecrdt.positions import Encoding


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> tuple[CodeCrdtServer, list[list[str]]]:
    """A server without a client: pushes diagnostics into a list."""
    server = create_server()
    monkeypatch.setattr(CodeCrdtServer, "encoding", property(lambda self: Encoding.UTF16))
    monkeypatch.setattr(CodeCrdtServer, "pulls_diagnostics", property(lambda self: False))
    published: list[list[str]] = []

    def publish(params: types.PublishDiagnosticsParams) -> None:
        published.append([str(d.code) for d in params.diagnostics])

    monkeypatch.setattr(server, "text_document_publish_diagnostics", publish)
    return server, published


async def test_a_closed_document_is_freed(server) -> None:
    ls, _ = server
    text = "import os\nimport os\n" + "x = 1\n" * 5000
    refs = []
    for version in range(1, 4):  # open the same file three times, closing in between
        opened = ls.open("file:///tmp/a.py", text, version, "python")
        refs += [weakref.ref(opened.document), weakref.ref(opened.bridge)]
        del opened
        await asyncio.sleep(0.01)
        ls.close("file:///tmp/a.py")
    # Freed at once, or as soon as callbacks already queued on the loop (an analysis that
    # finished just before the close) have run: never held for good.
    for _ in range(20):
        gc.collect()
        if all(r() is None for r in refs):
            break
        await asyncio.sleep(0.05)
    assert [r() for r in refs] == [None] * len(refs)


async def test_a_todo_marked_done_is_reported_without_an_edit(server) -> None:
    ls, published = server
    opened = ls.open("file:///tmp/t.py", "x = 1  # TODO(codecrdt:parse)\n", 1, "python")
    await asyncio.sleep(0.2)
    assert published == [[]]
    with opened.document.doc.transaction(origin="agent:a"):
        opened.document.todos["t1"] = Map({"name": "parse", "status": "done"})
    await asyncio.sleep(0.2)
    assert published == [[], ["leftover-todo"]]
