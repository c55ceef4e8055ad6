"""``codecrdt bench micro``: the stamped writer, the load benchmark and the report.

No timing is asserted: the figures depend on the machine. What is checked is that the
stamps arrive, once each and in order, that the result is well formed, and that the
report renders every part.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from codecrdt.bench import micro
from codecrdt.bench.load import (
    Editor,
    LoadResult,
    StatusResult,
    percentile,
    process_cpu_seconds,
    run_load,
)
from codecrdt.bench.lsp_latency import Result, comparison
from codecrdt.cli import build_parser
from codecrdt.selfcheck import EditorBuffer
from codecrdt.writer import STAMP
from lsp_support import TIMEOUT, EditorClient

URI = "file:///work/stamped.py"
TEXT = "# café\ndef f():\n    return 1\n\nx = f()\n"


async def _simulate_writer(client: EditorClient, arguments: dict[str, Any]) -> Any:
    """``codecrdt.simulateWriter`` (``client.command`` would take ``name`` for itself)."""
    return await asyncio.wait_for(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="codecrdt.simulateWriter", arguments=[arguments])
        ),
        TIMEOUT,
    )


def _stamps(text: str) -> list[tuple[str, int, int]]:
    return [(m["name"], int(m["seq"]), int(m["ns"])) for m in STAMP.finditer(text)]


async def test_stamped_writers_reach_the_editor_once_and_in_order(client: EditorClient):
    client.open(URI, TEXT)
    # Last place first: the server starts the writers in order, and each writes a line
    # before the next starts, which would move the offsets after it.
    offsets = {"c": len(TEXT), "b": TEXT.index("x ="), "a": TEXT.index("def")}
    answers = await asyncio.gather(
        *(
            _simulate_writer(
                client,
                {
                    "uri": URI,
                    "stamp": True,
                    "name": name,
                    "chunks": 12,
                    "chunk": 30,
                    "intervalMs": 5,
                    "offset": offset,
                },
            )
            for name, offset in offsets.items()
        )
    )
    state = await client.converged(URI)
    text = client.buffers[URI].text
    assert state["text"] == text

    for answer, name in zip(answers, offsets, strict=True):
        assert answer["name"] == name
        assert answer["stamps"] == 12
        assert answer["uri"] == URI
    assert sum(a["written"] for a in answers) == len(text) - len(TEXT)

    found = _stamps(text)
    assert len(found) == 36
    for name in offsets:
        mine = [(seq, ns) for n, seq, ns in found if n == name]
        assert [seq for seq, _ in mine] == list(range(1, 13))  # once each, in order
        assert all(b[1] >= a[1] for a, b in pairwise(mine))  # monotonic
    # Every chunk is one line: the stamp, padding to 30 characters, a newline.
    for line in text.splitlines():
        if STAMP.search(line):
            assert STAMP.fullmatch(line.rstrip(".")) and len(line) + 1 == 30
    # The original text is intact around the writers' lines.
    lines = text.splitlines(keepends=True)
    assert "".join(line for line in lines if not STAMP.search(line)) == TEXT

    # Each stamp came to the editor in exactly one applied workspace/applyEdit.
    received: list[tuple[str, int, int]] = []
    for record in client.edits:
        if record.applied:
            for change in record.params.edit.document_changes or []:
                assert isinstance(change, types.TextDocumentEdit)
                for edit in change.edits:
                    received += _stamps(edit.new_text)
    assert sorted(received) == sorted(found)


async def test_stamp_arguments_are_checked(client: EditorClient):
    client.open(URI, TEXT)
    bad: list[dict[str, Any]] = [
        {"stamp": True},  # no chunks
        {"stamp": True, "chunks": -1},
        {"stamp": True, "chunks": True},
        {"stamp": "yes", "chunks": 2},
        {"stamp": True, "chunks": 2, "name": "a:b"},
        {"stamp": True, "chunks": 2, "name": 5},
        {"stamp": False},  # without stamp, text is still required
    ]
    for arguments in bad:
        with pytest.raises(JsonRpcInvalidParams):
            await _simulate_writer(client, {"uri": URI, **arguments})
    # A stamped writer without a name gets one; zero chunks write nothing.
    answer = await client.command(
        "codecrdt.simulateWriter", uri=URI, stamp=True, chunks=0, text="ignored"
    )
    assert answer["written"] == 0 and answer["stamps"] == 0
    assert re.fullmatch(r"writer-\d+", answer["name"])
    assert (await client.state(URI))["text"] == TEXT


async def test_quick_load_run_is_well_formed() -> None:
    result = await run_load(writers=2, duration=1.0)
    assert isinstance(result, LoadResult)
    assert result.errors == []
    assert result.writers == 2
    assert result.stamps_written == 2 * result.chunks_per_writer > 0
    assert result.stamps_received == result.stamps_written
    assert result.stamps_duplicated == 0
    assert result.stamps_once_in_order is True
    assert result.text_intact is True
    assert result.converged is True
    assert result.ok is True
    for value in (result.latency_median_ms, result.latency_p95_ms, result.latency_max_ms):
        assert value is not None and value > 0
    assert result.latency_median_ms <= result.latency_p95_ms <= result.latency_max_ms
    assert result.server_cpu_percent is not None and result.server_cpu_percent >= 0
    assert result.edits_received >= 1
    assert result.final_length > 0
    assert result.chars_written == result.stamps_written * result.chunk_chars
    data = result.to_json()
    assert data["ok"] is True
    json.dumps(data)


def test_editor_applies_a_workspace_edit_like_selfchecks_buffer() -> None:
    text = "ab\nü😀c\n"
    edits = [
        types.TextEdit(
            range=types.Range(start=types.Position(1, 3), end=types.Position(1, 4)),
            new_text="C\n",
        ),
        types.TextEdit(
            range=types.Range(start=types.Position(0, 0), end=types.Position(0, 0)), new_text="x"
        ),
        types.TextEdit(
            range=types.Range(start=types.Position(0, 1), end=types.Position(1, 1)), new_text="-"
        ),
    ]
    fast, reference = Editor(text), EditorBuffer(text)
    fast.apply(edits)
    reference.apply(edits)
    assert fast.text == reference.text == "xa-😀C\n\n"
    assert fast.version == 2
    assert len(fast.unsent) == 3


def test_percentile_and_cpu_time() -> None:
    assert percentile([5.0, 1.0, 3.0], 0.5) == 3.0
    assert percentile(list(map(float, range(1, 101))), 0.95) == 95.0
    assert percentile([2.0], 0.95) == 2.0
    seconds = process_cpu_seconds(os.getpid())
    assert seconds is None or seconds > 0
    assert process_cpu_seconds(2**31 - 1) is None


def test_replay_part_skips_without_traces(tmp_path: Path) -> None:
    logged: list[str] = []
    result, largest = micro.run_replay(micro.MicroOptions(traces=None), logged.append)
    assert "skipped" in result and largest is None
    result, largest = micro.run_replay(micro.MicroOptions(traces=tmp_path), logged.append)
    assert str(tmp_path) in result["skipped"] and largest is None


def _write_trace(path: Path, start: str, patches: list[list[Any]]) -> str:
    end = start
    for pos, deleted, inserted in patches:
        end = end[:pos] + inserted + end[pos + deleted :]
    data = {"startContent": start, "endContent": end, "txns": [{"patches": [p]} for p in patches]}
    path.write_text(json.dumps(data))
    return end


def test_replay_and_latency_parts_on_tiny_traces(tmp_path: Path) -> None:
    _write_trace(tmp_path / "emoji.json", "hello\nwörld\n", [[1, 4, "i"], [2, 0, " 😀😀"]])
    plain = _write_trace(tmp_path / "plain.json", "ab\ncd\n", [[1, 0, "ü"], [4, 1, ""]])
    options = micro.MicroOptions(traces=tmp_path, quick=True)
    replay, largest = micro.run_replay(options, lambda _: None)
    assert [row["trace"] for row in replay["traces"]] == ["emoji", "plain"]
    assert [row["edits"] for row in replay["traces"]] == [2, 2]
    assert replay["all_match_end_content"] is True and replay["ratio_median"] > 0
    # The latency part takes the largest text without characters beyond the BMP.
    assert largest is not None and largest.name == "plain" and largest.end == plain
    latency = micro.run_latency(options, largest, lambda _: None)
    assert latency["samples"] == options.latency_samples
    assert latency["mirror"]["median_ms"] > 0 and latency["raw"]["median_ms"] > 0
    assert latency["ratio_median"] is not None
    # Without traces it falls back to a generated file.
    fallback = micro.run_latency(micro.MicroOptions(quick=True), None, lambda _: None)
    assert fallback["text"] == "a generated Python file" and fallback["file_bytes"] > 90_000


def _fake_load(writers: int) -> dict[str, Any]:
    return LoadResult(
        writers=writers, planned_s=3.0, chunks_per_writer=50, chunk_chars=24, interval_ms=60,
        file_bytes=21_000, load_s=2.95, chars_written=1200 * writers,
        chars_per_s_per_writer=406.0, stamps_written=50 * writers,
        stamps_received=50 * writers, stamps_duplicated=0, stamps_once_in_order=True,
        text_intact=True,
        latency_median_ms=20.0, latency_p95_ms=25.0 * writers, latency_max_ms=90.0,
        edits_received=60, edits_refused=0, client_apply_median_ms=0.9,
        diagnostics_published=12, converged=True, final_length=30_000,
        server_cpu_percent=12.5,
    ).to_json()  # fmt: skip


def _fake_result(tsx_skipped: bool) -> dict[str, Any]:
    ours = Result("codecrdt serve", [0.010, 0.012, 0.020], [0.010, 0.012, 0.020], 0)
    ruff = Result("ruff server", [0.020, 0.030, 0.040], [0.020, 0.030, 0.040], 0)
    rows = [comparison("python", 100_000, ours, ruff, 3)]
    tsx: dict[str, Any] = {"skipped": "typescript-language-server is not installed"}
    if not tsx_skipped:
        tsls = Result("typescript-language-server", [0.5, 0.6], [0.5, 0.6], 0)
        rows.append(comparison("tsx", 100_000, ours, tsls, 3))
        tsx = {"ran": True, "typescript_language_server": "found on PATH"}
    load = {f"writers_{n}": _fake_load(n) for n in (8, 16, 32, 1)}
    load["status"] = StatusResult(
        runs=20, script="inventory-cli", time_scale=50.0, runs_s=60.0, finished=20,
        converged=20, status_requests=300, status_median_ms=8.0, status_p95_ms=30.0,
        status_max_ms=60.0,
    ).to_json()  # fmt: skip
    result: dict[str, Any] = {
        "benchmark": "codecrdt bench micro",
        "date": "2026-01-01",
        "quick": True,
        "machine": micro.machine(),
        "replay": {"skipped": "no editing traces in /nowhere"},
        "latency": {
            "text": "a generated Python file (no traces)",
            "file_bytes": 100_000,
            "samples": 500,
            "mirror": {"median_ms": 0.02, "p95_ms": 0.05},
            "raw": {"median_ms": 0.01, "p95_ms": 0.02},
            "ratio_median": 2.0,
            "ratio_p95": 2.5,
        },
        "diagnostics": {"edits": 3, "rows": rows, "tsx": tsx},
        "load": {**load, "ratio_median": 1.0, "ratio_p95": 8.0, "ok": True},
        "seconds": 12.3,
    }
    result["ok"] = micro._ok(result)
    return result


@pytest.mark.parametrize("tsx_skipped", [True, False])
def test_report_renders_every_part(tsx_skipped: bool) -> None:
    result = _fake_result(tsx_skipped)
    assert result["ok"] is True
    text = micro.render_text(result)
    for part in ("1. Replay", "2. didChange", "3. Diagnostics", "4. Server under load"):
        assert part in text
    assert "skipped: no editing traces" in text
    assert "ruff server" in text and "8 writers" in text and "8.00×" in text
    assert "32 writers" in text and "ratio 32 ÷ 1" in text and "32.00×" in text
    assert "codecrdt.status with 20 scripted runs" in text and "p95 30.0 ms" in text
    assert ("tsx skipped: typescript-language-server is not installed" in text) == tsx_skipped
    assert ("tsx (100,000 B)" in text) != tsx_skipped
    markdown = micro.render_markdown(result)
    assert markdown.startswith("## Micro-benchmarks")
    assert result["machine"]["python"] in markdown
    tables = [line for line in markdown.splitlines() if line.startswith("|")]
    assert tables and all(line.endswith("|") for line in tables)


def test_main_writes_json_and_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    result = _fake_result(tsx_skipped=True)
    seen: list[micro.MicroOptions] = []

    def fake_run(options: micro.MicroOptions) -> dict[str, Any]:
        seen.append(options)
        return result

    monkeypatch.setattr(micro, "run", fake_run)
    args = build_parser().parse_args(
        ["bench", "micro", "--quick", "--json", "--out", str(tmp_path / "out"), "--traces", "x"]
    )
    assert micro.main(args) == 0
    assert seen == [micro.MicroOptions(traces=Path("x"), quick=True)]
    printed = json.loads(capsys.readouterr().out)
    assert printed == result
    assert json.loads((tmp_path / "out" / "micro.json").read_text()) == result
    assert (tmp_path / "out" / "micro.md").read_text().startswith("## Micro-benchmarks")

    failed = {**result, "ok": False}
    monkeypatch.setattr(micro, "run", lambda options: failed)
    args = build_parser().parse_args(["bench", "micro"])
    assert micro.main(args) == 1
    assert "FAILED" in capsys.readouterr().out
