"""The server under load (issue 11, item 14): the analysis runs off the event loop, one
per document at a time, and control requests are answered while runs are busy.

No speed is asserted here beyond generous bounds: the figures are in docs/benchmarks.md
(``codecrdt bench micro``).
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

import codecrdt.analysis.tree as tree_module
from codecrdt.lsp import create_server
from codecrdt.lsp.server import CodeCrdtServer
from codecrdt.positions import Encoding, TextLines
from lsp_support import EditorClient

URI = "file:///work/under_load.py"
TEXT = "import os\nimport os\n\n\ndef f():\n    return 1\n"


def _insert(server: CodeCrdtServer, uri: str, version: int, text: str) -> None:
    """The editor types ``text`` at the start of the last line, as version ``version``."""
    lines = TextLines(server.documents[uri].bridge.editor_text)
    line = len(lines) - 1
    position = types.Position(line=line, character=0)
    server.change(
        uri,
        version,
        [
            types.TextDocumentContentChangePartial(
                range=types.Range(start=position, end=position), text=text
            )
        ],
    )


async def test_analysis_runs_off_the_loop_and_once_for_the_changes_made_meanwhile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While an analysis is running, the loop goes on taking edits; the edits made
    meanwhile cost one analysis more (not one each), and the stale result is dropped."""
    monkeypatch.setattr(CodeCrdtServer, "pulls_diagnostics", property(lambda self: False))
    monkeypatch.setattr(CodeCrdtServer, "encoding", property(lambda self: Encoding.UTF16))
    published: list[types.PublishDiagnosticsParams] = []
    monkeypatch.setattr(
        CodeCrdtServer, "text_document_publish_diagnostics", lambda self, p: published.append(p)
    )
    threads: list[str] = []
    started, release = threading.Event(), threading.Event()
    analyze = tree_module.analyze

    def blocking_analyze(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        started.set()
        release.wait(5)  # on the loop (before the fix) this stalls everything for 5 s
        return analyze(*args, **kwargs)

    monkeypatch.setattr(tree_module, "analyze", blocking_analyze)
    server = create_server()
    try:
        server.open(URI, TEXT, 1, "python")
        await asyncio.wait_for(asyncio.to_thread(started.wait, 5), 10)
        # The first analysis is running (blocked): the loop is free to take edits.
        loop_ran = time.monotonic()
        for version in range(2, 12):
            _insert(server, URI, version, f"x{version} = {version}\n")
            await asyncio.sleep(0.07)  # beyond the debounce delay: each asks to publish
        assert time.monotonic() - loop_ran < 4.5, "the loop was blocked by the analysis"
        assert threads and all(name != threading.main_thread().name for name in threads)
        assert server.documents[URI].analyses == 1  # one at a time: the rest waited
        assert published == []
        release.set()
        deadline = time.monotonic() + 10
        while not published and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.3)  # nothing more comes
    finally:
        release.set()
        server.close(URI)
    # The first result was stale (ten edits since): dropped; one more analysis for all ten.
    assert len(threads) == 2
    assert [p.version for p in published[:1]] == [11]
    assert len(published) == 2 and published[1].diagnostics == []  # the close clears them
    codes = [d.code for d in published[0].diagnostics]
    assert codes == ["duplicate-import"]


async def test_control_requests_are_answered_while_twenty_runs_write(
    client: EditorClient, tmp_path: Path
) -> None:
    """20 scripted runs write into 20 open documents, the editor applying every edit:
    ``codecrdt.status`` and ``codecrdt.cancel`` are still answered promptly (before the
    fix, status took 10 to 90 s: the client's messages queued behind the runs)."""
    for method in ("codecrdt/runStarted", "codecrdt/agentActivity", "codecrdt/runFinished"):
        client.feature(method)(lambda params: None)
    uris = []
    for k in range(20):
        path = tmp_path / f"module_{k}.py"
        path.write_text("")
        uris.append(path.as_uri())
        client.open(uris[-1], "")
    answers = await asyncio.gather(
        *(
            client.command(
                "codecrdt.generate",
                uri=uri,
                script="inventory-cli",
                provider="scripted",
                timeScale=50,
            )
            for uri in uris
        )
    )
    run_ids = [a["runId"] for a in answers]
    await asyncio.sleep(1.0)  # the runs are under way, the editor busy with their edits
    slowest = 0.0
    for _ in range(8):
        start = time.monotonic()
        status = await client.command("codecrdt.status")
        slowest = max(slowest, time.monotonic() - start)
        assert {s["runId"] for s in status} >= set(run_ids)
        await asyncio.sleep(0.25)
    assert slowest < 5.0, f"codecrdt.status took {slowest:.1f} s with 20 runs"
    start = time.monotonic()
    cancelled = await asyncio.gather(
        *(client.command("codecrdt.cancel", runId=run_id) for run_id in run_ids)
    )
    assert time.monotonic() - start < 5.0
    assert {c["runId"] for c in cancelled} == set(run_ids)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        states = {s["state"] for s in await client.command("codecrdt.status")}
        if "running" not in states:
            break
        await asyncio.sleep(0.1)
    assert "running" not in states
