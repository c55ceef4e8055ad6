"""``codecrdt bench replay``: real editing traces through the document mirror.

Each trace (``{"startContent", "endContent", "txns": [{"patches": [[pos, del, ins]]}]}``,
positions in code points) is turned, outside the timed loop, into what an editor would
send: LSP ``didChange`` content changes with UTF-16 ranges. The timed loop feeds them to
the editor bridge exactly as the server's ``didChange`` handler does (range conversion
by the positions module, the shared document's pycrdt transaction, the line mirror).
The baseline, in the same run, applies the same patches to a bare pycrdt ``Text`` with
byte offsets computed beforehand. Both must end with ``endContent``.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from lsprotocol import types
from pycrdt import Doc, Text

from codecrdt.bridge import EditorBridge
from codecrdt.document import SharedDocument
from codecrdt.positions import Encoding, TextLines

__all__ = ["ReplayResult", "load_trace", "main", "replay"]


@dataclass
class ReplayResult:
    trace: str
    edits: int
    mirror_s: float
    raw_s: float
    ratio: float
    matches_end_content: bool


@dataclass
class Trace:
    name: str
    start: str
    end: str
    patches: list[tuple[int, int, str]]


def load_trace(path: Path) -> Trace:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    patches = [
        (int(pos), int(deleted), str(inserted))
        for txn in data["txns"]
        for pos, deleted, inserted in txn["patches"]
    ]
    name = path.name.removesuffix(".gz").removesuffix(".json")
    return Trace(name, data.get("startContent", ""), data["endContent"], patches)


def prepare(
    trace: Trace,
) -> tuple[list[types.TextDocumentContentChangePartial], list[tuple[int, int, str]]]:
    """LSP changes (UTF-16) and raw byte-offset patches, computed outside any timing."""
    lines = TextLines(trace.start)
    changes: list[types.TextDocumentContentChangePartial] = []
    raw: list[tuple[int, int, str]] = []
    for pos, deleted, inserted in trace.patches:
        start = lines.offset_to_point(pos)
        end = lines.offset_to_point(pos + deleted)
        b0 = lines.column_to_byte(*start)
        b1 = lines.column_to_byte(*end)
        s16 = lines.offset_to_lsp(pos, Encoding.UTF16)
        e16 = lines.offset_to_lsp(pos + deleted, Encoding.UTF16)
        changes.append(
            types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(*s16), end=types.Position(*e16)),
                text=inserted,
            )
        )
        raw.append((b0, b1 - b0, inserted))
        lines.replace(start, end, inserted)
    return changes, raw


def run_mirror(
    trace: Trace, changes: list[types.TextDocumentContentChangePartial]
) -> tuple[float, str]:
    bridge = EditorBridge(SharedDocument(trace.start), uri="file:///trace", version=0)
    batches = [[c] for c in changes]
    did_change = bridge.did_change
    t0 = time.perf_counter()
    for version, batch in enumerate(batches, 1):
        did_change(version, batch)
    elapsed = time.perf_counter() - t0
    return elapsed, bridge.document.text


def run_raw(trace: Trace, raw: list[tuple[int, int, str]]) -> tuple[float, str]:
    doc = Doc()
    text = doc.get("source", type=Text)
    if trace.start:
        text.insert(0, trace.start)
    t0 = time.perf_counter()
    for position, deleted, inserted in raw:
        with doc.transaction(origin="editor"):
            if deleted:
                del text[position : position + deleted]
            if inserted:
                text.insert(position, inserted)
    elapsed = time.perf_counter() - t0
    return elapsed, str(text)


def replay(trace: Trace, repeat: int = 3) -> ReplayResult:
    changes, raw = prepare(trace)
    mirror_times, raw_times, ok = [], [], True
    for _ in range(repeat):  # interleaved, so that machine noise hits both alike
        seconds, final = run_mirror(trace, changes)
        mirror_times.append(seconds)
        ok &= final == trace.end
        seconds, final = run_raw(trace, raw)
        raw_times.append(seconds)
        ok &= final == trace.end
    mirror_s, raw_s = statistics.median(mirror_times), statistics.median(raw_times)
    return ReplayResult(
        trace.name, len(raw), round(mirror_s, 4), round(raw_s, 4), round(mirror_s / raw_s, 3), ok
    )


def latency(text: str, samples: int = 2000, seed: int = 0) -> dict[str, float]:
    """didChange → mirror applied, for isolated one-character edits on ``text``."""
    rng = random.Random(seed)
    bridge = EditorBridge(SharedDocument(text), uri="file:///latency", version=0)
    lines = bridge.document.lines
    timings = []
    for version in range(1, samples + 1):
        line = rng.randrange(len(lines))
        character = rng.randint(0, len(lines.line_content(line)))
        change = types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line, character), end=types.Position(line, character)
            ),
            text="x",
        )
        t0 = time.perf_counter()
        bridge.did_change(version, [change])
        timings.append(time.perf_counter() - t0)
    return latency_summary(text, timings)


def latency_summary(text: str, timings: list[float]) -> dict[str, float]:
    """The file's size, the number of samples, and the median and p95 in milliseconds."""
    timings = sorted(timings)
    return {
        "file_bytes": len(text.encode("utf-8")),
        "samples": len(timings),
        "median_ms": round(statistics.median(timings) * 1000, 4),
        "p95_ms": round(timings[int(0.95 * len(timings))] * 1000, 4),
    }


async def rpc_replay(trace: Trace, limit: int) -> dict[str, float | int | bool]:
    """The trace's first ``limit`` edits sent to ``codecrdt serve`` over JSON-RPC (stdio)."""
    from pygls.lsp.client import LanguageClient

    changes, _ = prepare(Trace(trace.name, trace.start, trace.end, trace.patches[:limit]))
    expected = TextLines(trace.start)
    for pos, deleted, inserted in trace.patches[:limit]:
        expected.replace_offsets(pos, pos + deleted, inserted)
    client = LanguageClient("codecrdt-bench", "1")
    await client.start_io(sys.executable, "-m", "codecrdt", "serve", "--test-commands")
    uri = f"file:///bench/{trace.name}"
    try:
        await client.initialize_async(
            types.InitializeParams(capabilities=types.ClientCapabilities())
        )
        client.initialized(types.InitializedParams())
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="plaintext", version=0, text=trace.start
                )
            )
        )
        t0 = time.perf_counter()
        for version, change in enumerate(changes, 1):
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[change],
                )
            )
        state = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="codecrdt.documentState", arguments=[{"uri": uri}])
        )
        elapsed = time.perf_counter() - t0
    finally:
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return {
        "edits": len(changes),
        "seconds": round(elapsed, 3),
        "edits_per_s": round(len(changes) / elapsed),
        "matches": state["text"] == expected.text,
    }


def main(args: argparse.Namespace) -> int:
    results = []
    for path in args.traces:
        try:
            trace = load_trace(path)
        except (OSError, ValueError, KeyError) as error:
            print(f"codecrdt bench replay: {path}: {error}", file=sys.stderr)
            return 2
        result = replay(trace, args.repeat)
        results.append(result)
        rpc = asyncio.run(rpc_replay(trace, limit=20000)) if args.rpc else None
        if args.json:
            print(json.dumps({**asdict(result), **({"rpc": rpc} if rpc else {})}), flush=True)
            continue
        if len(results) == 1:
            print(f"{'trace':<18}{'edits':>9}{'mirror s':>11}{'raw s':>9}{'ratio':>8}  end ok")
        print(
            f"{result.trace:<18}{result.edits:>9}{result.mirror_s:>11.3f}"
            f"{result.raw_s:>9.3f}{result.ratio:>8.2f}  {result.matches_end_content}",
            flush=True,
        )
        if rpc:
            print(
                f"  over JSON-RPC: {rpc['edits']} edits in {rpc['seconds']} s = "
                f"{rpc['edits_per_s']} edits/s, text matches: {rpc['matches']}",
                flush=True,
            )
    if args.latency:
        big = max((load_trace(p) for p in args.traces), key=lambda t: len(t.end))
        stats = latency(big.end)
        print(
            json.dumps({"latency": stats})
            if args.json
            else f"didChange → mirror applied on {stats['file_bytes']:,} bytes: median "
            f"{stats['median_ms']} ms, p95 {stats['p95_ms']} ms ({stats['samples']} edits)"
        )
    return 0 if all(r.matches_end_content for r in results) else 1
