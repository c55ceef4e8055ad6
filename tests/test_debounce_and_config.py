"""The adaptive debounce, the server's [tool.codecrdt] configuration, and done TODOs."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import DocumentAnalysis
from codecrdt.diagnostics import AdaptiveDebounce
from codecrdt.document import SharedDocument
from codecrdt.lsp.server import _done_todos
from lsp_support import EditorClient


async def test_isolated_change_runs_at_once_and_a_burst_is_coalesced() -> None:
    loop = asyncio.get_running_loop()
    runs: list[float] = []
    debounce = AdaptiveDebounce(
        lambda: runs.append(loop.time()), quiet=0.15, delay=0.05, max_delay=0.3
    )
    start = loop.time()
    debounce.changed()
    await asyncio.sleep(0)  # call_soon: the next turn of the loop
    await asyncio.sleep(0)
    assert len(runs) == 1 and runs[0] - start < 0.01  # isolated: analysed at once
    await asyncio.sleep(0.2)  # a pause, then a burst of 30 edits 10 ms apart
    runs.clear()
    burst_start = loop.time()
    for _ in range(30):
        debounce.changed()
        await asyncio.sleep(0.01)
    last_change = loop.time()
    await asyncio.sleep(0.4)
    # The first edit of the burst runs at once (it follows a pause); the rest are gathered:
    # never more than max_delay apart, and once more after the burst ends.
    assert 2 <= len(runs) <= 4, runs
    assert runs[-1] >= last_change - 0.011
    assert all(b - a <= 0.3 + 0.05 for a, b in zip([burst_start, *runs], runs, strict=False))


def test_leftover_todo_is_reported_once_its_todo_is_done() -> None:
    document = SharedDocument("def f():\n    # TODO(codecrdt:parse_args): read flags\n    pass\n")
    analysis = DocumentAnalysis(document, language_named("python"))
    assert analysis.findings(done_todos=_done_todos(document)) == []
    with document.doc.transaction(origin="agent:1"):
        document.todos["t1"] = {"name": "parse_args", "status": "done"}
        document.todos["t2"] = {"name": "other", "status": "pending"}
    (finding,) = analysis.findings(done_todos=_done_todos(document))
    assert (finding.code, finding.name, finding.start_point) == (
        "leftover-todo",
        "parse_args",
        (1, 6),
    )


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("", {"duplicate-import", "duplicate-declaration"}),
        ('select = ["duplicate-import"]\n', {"duplicate-import"}),
        ('exclude = ["generated/"]\n', set()),
    ],
)
async def test_server_honours_tool_codecrdt(
    connect, tmp_path: Path, config: str, expected: set[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.codecrdt]\n{config}", encoding="utf-8")
    folder = tmp_path / "generated"
    folder.mkdir()
    uri = (folder / "mod.py").as_uri()
    client: EditorClient = await connect()
    client.open(uri, "import os\nimport os\n\ndef f():\n    pass\n\ndef f():\n    pass\n")
    state = await client.state(uri)  # the document is open and mirrored
    assert state["text"].startswith("import os")
    for _ in range(100 if expected else 20):  # pytest-lsp keeps the last publish per file
        if uri in client.diagnostics:
            break
        await asyncio.sleep(0.05)
    if expected:
        assert {d.code for d in client.diagnostics[uri]} == expected
    else:
        assert uri not in client.diagnostics  # excluded: never analysed


async def test_stale_runs_back_off_in_a_burst_and_a_fresh_one_resets() -> None:
    """Under a steady stream of edits every analysis came back stale, one every
    max_delay, and the time each held the interpreter delayed the edits themselves
    (16 writers: p95 31–55 ms; backing off: 24–25 ms). A stale run doubles the longest
    wait in a burst up to max_backoff; a fresh one resets it; the end of a burst is
    never delayed by the backoff."""
    loop = asyncio.get_running_loop()
    runs: list[float] = []
    debounce = AdaptiveDebounce(
        lambda: runs.append(loop.time()), quiet=0.15, delay=0.05, max_delay=0.1, max_backoff=0.4
    )
    assert debounce.max_delay == 0.1
    for expected in (0.2, 0.4, 0.4):  # doubled per stale run, capped
        debounce.stale()
        assert debounce.max_delay == pytest.approx(expected)
    await asyncio.sleep(0.2)
    runs.clear()
    # A steady burst (a change every 10 ms for 1 s): runs come at most every 0.4 s now,
    # not every 0.1 s.
    start = loop.time()
    for _ in range(100):
        debounce.changed()
        await asyncio.sleep(0.01)
    during = [t for t in runs if t - start > 0.05]  # the burst's first change runs at once
    assert 1 <= len(during) <= 3, [round(t - start, 3) for t in runs]
    last_change = loop.time()
    await asyncio.sleep(0.12)
    assert runs[-1] >= last_change - 0.011 and runs[-1] - last_change < 0.1  # end: 50 ms
    debounce.fresh()
    assert debounce.max_delay == 0.1
    runs.clear()
    start = loop.time()
    for _ in range(50):
        debounce.changed()
        await asyncio.sleep(0.01)
    assert len(runs) >= 4, [round(t - start, 3) for t in runs]  # every 0.1 s again
