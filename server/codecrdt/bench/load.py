"""The server under load: writers streaming into one document, one editor attached.

``codecrdt serve`` runs as a child process. The benchmark connects to it as an LSP
client (the "editor") that applies every ``workspace/applyEdit`` to its buffer and
reports it back in ``didChange``, like a real editor (:class:`Editor`: selfcheck's
:class:`EditorBuffer`, applying a workspace edit in one pass). It opens a generated
Python file and starts ``writers`` stamped ``codecrdt.simulateWriter`` commands at once,
at different places in the file: each writes one line of ``chunk_chars`` characters
every ``interval`` seconds (by default 24 characters every 60 ms: 400 characters, or
100 four-character tokens, a second).

Every line begins with a stamp ``«NAME:SEQ:NS»``, NS being the server's
``time.monotonic_ns()`` just before the line went into the shared document. CLOCK_MONOTONIC
is shared by the processes of a Linux machine, so the client's ``time.monotonic_ns()``
when an applyEdit holding a stamp arrives, minus the stamp, is that line's
edit-to-editor latency: writer → shared document → editor bridge (batching included) →
JSON-RPC → editor. The server's CPU use over the load phase comes from
``/proc/PID/stat`` (user + system time).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from codecrdt.bench.lsp_latency import make_python
from codecrdt.positions import Encoding, PositionError, TextLines
from codecrdt.selfcheck import EditorBuffer
from codecrdt.writer import STAMP

__all__ = [
    "LoadResult",
    "StatusResult",
    "percentile",
    "process_cpu_seconds",
    "run_load",
    "run_status_load",
]

WRITER_TIMEOUT = 60.0  # beyond the planned duration, for the writers to answer
DRAIN_TIMEOUT = 15.0  # for the last stamps to reach the editor and the texts to converge


@dataclass
class LoadResult:
    writers: int
    planned_s: float
    chunks_per_writer: int
    chunk_chars: int
    interval_ms: float
    file_bytes: int  # the document's size when opened
    load_s: float  # from the first command sent to the last writer done
    chars_written: int
    chars_per_s_per_writer: float
    stamps_written: int
    stamps_received: int  # distinct stamps in applyEdits the editor applied
    stamps_duplicated: int  # stamps that came again in a later applied applyEdit
    stamps_once_in_order: bool  # the final text holds each stamp once, in order per writer
    text_intact: bool  # without the writers' lines, the final text is the file opened
    latency_median_ms: float | None
    latency_p95_ms: float | None
    latency_max_ms: float | None
    edits_received: int  # workspace/applyEdit requests
    edits_refused: int  # refused because the buffer's version had moved
    client_apply_median_ms: float | None  # the editor's own time per applyEdit
    diagnostics_published: int  # publishDiagnostics the analysis sent meanwhile
    converged: bool  # editor buffer == server document (codecrdt.documentState), in sync
    final_length: int
    server_cpu_percent: float | None  # of one core, over the load phase
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.errors
            and self.converged
            and self.stamps_received == self.stamps_written
            and self.stamps_once_in_order
            and self.text_intact
        )

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q * len(ordered))))
    return ordered[rank - 1]


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process from ``/proc/PID/stat``; None elsewhere."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "; fields[0] is state
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


class Editor(EditorBuffer):
    """selfcheck's editor buffer, applying a whole ``applyEdit`` in one pass.

    :meth:`EditorBuffer.apply` indexes the text's lines again for every edit of a
    workspace edit (about 1 ms per edit on 50 KB here): with 8 writers an applyEdit holds
    up to 8 edits, and that time, spent before the ``didChange`` goes back, would count
    in the latency of the next edits. An editor applies a workspace edit at once: this
    one indexes the lines once, applies the edits last first, and reports them in one
    ``didChange`` with their own ranges (an edit's range is still valid once the edits
    after it are applied), as one new version.
    """

    def apply(self, edits: list[types.TextEdit]) -> None:
        lines = TextLines(self.text)
        spans = sorted(
            (
                lines.lsp_to_offset(e.range.start.line, e.range.start.character, Encoding.UTF16),
                lines.lsp_to_offset(e.range.end.line, e.range.end.character, Encoding.UTF16),
                k,
            )
            for k, e in enumerate(edits)
        )
        text, end = self.text, len(self.text)
        pieces: list[str] = []
        for start, stop, k in reversed(spans):  # last first
            if stop > end:
                raise PositionError("text edits overlap")
            pieces += [text[stop:end], edits[k].new_text]
            end = start
            self.unsent.append(
                types.TextDocumentContentChangePartial(range=edits[k].range, text=edits[k].new_text)
            )
        pieces.append(text[:end])
        self.text = "".join(reversed(pieces))
        self.version += 1


def writer_offsets(text: str, writers: int) -> list[int]:
    """Line starts spread evenly over ``text``, one per writer (never offset 0)."""
    starts = [i + 1 for i, c in enumerate(text) if c == "\n" and i + 1 < len(text)]
    if not starts:
        return [len(text)] * writers
    return [starts[(k + 1) * len(starts) // (writers + 1)] for k in range(writers)]


def _ms(ns: float) -> float:
    return round(ns / 1e6, 3)


async def run_load(
    *,
    writers: int = 8,
    duration: float = 10.0,
    tokens_per_s: float = 100.0,
    chars_per_token: int = 4,
    interval: float = 0.06,
    file_bytes: int = 20_000,
    seed: int = 7,
    language_id: str = "python",
    server: list[str] | None = None,
) -> LoadResult:
    """Run the load once: ``writers`` stamped writers for about ``duration`` seconds.

    ``language_id`` "python" (the default) has the server analyse the file as it grows,
    as it would while agents write code; "plaintext" leaves the analysis out. ``server``
    is the server's command line (default: this Python's ``codecrdt serve``); it must
    offer the test commands (``--test-commands``).
    """
    if writers < 1 or duration <= 0 or interval <= 0:
        raise ValueError("writers, duration and interval must be positive")
    chunk_chars = max(1, round(tokens_per_s * chars_per_token * interval))
    chunks = max(1, round(duration / interval))
    text = make_python(seed, target=file_bytes)
    buffer = Editor(text)
    counts = {"received": 0, "refused": 0, "duplicated": 0, "publishes": 0}
    arrivals: dict[tuple[str, int], int] = {}  # (writer, seq) -> latency in ns
    apply_ns: list[int] = []
    errors: list[str] = []
    client = LanguageClient("codecrdt-bench-load", "1")

    with tempfile.TemporaryDirectory(prefix="codecrdt-load-") as tmp:
        path = Path(tmp) / ("load_module.py" if language_id == "python" else "load_module.txt")
        path.write_text(text, encoding="utf-8")
        uri = path.as_uri()

        def send_changes() -> None:
            buffer.report(client, uri)

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            counts["publishes"] += 1

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
            now = time.monotonic_ns()
            counts["received"] += 1
            changes = params.edit.document_changes or []
            for change in changes:
                if (
                    not isinstance(change, types.TextDocumentEdit)
                    or change.text_document.version != buffer.version
                ):
                    counts["refused"] += 1
                    return types.ApplyWorkspaceEditResult(applied=False, failure_reason="outdated")
            inserted: list[str] = []
            for change in changes:
                assert isinstance(change, types.TextDocumentEdit)
                edits = [e for e in change.edits if isinstance(e, types.TextEdit)]
                buffer.apply(edits)
                inserted += [e.new_text for e in edits]
            for match in STAMP.finditer("\n".join(inserted)):
                key = (match["name"], int(match["seq"]))
                if key in arrivals:
                    counts["duplicated"] += 1
                else:
                    arrivals[key] = now - int(match["ns"])
            send_changes()
            apply_ns.append(time.monotonic_ns() - now)
            return types.ApplyWorkspaceEditResult(applied=True)

        await _start(client, server, Path(tmp))
        process = client._server
        pid = process.pid if process is not None else None
        load_s, cpu_percent, answers = 0.0, None, []
        state: dict[str, Any] = {}
        try:
            await _initialize(client)
            client.text_document_did_open(
                types.DidOpenTextDocumentParams(
                    text_document=types.TextDocumentItem(
                        uri=uri, language_id=language_id, version=buffer.version, text=text
                    )
                )
            )
            await _execute(client, "codecrdt.documentState", {"uri": uri})  # opened
            await asyncio.sleep(0.3)  # the first analysis of the file settles
            offsets = writer_offsets(text, writers)
            cpu0 = process_cpu_seconds(pid) if pid else None
            t0 = time.perf_counter()
            requests = [
                _execute(
                    client,
                    "codecrdt.simulateWriter",
                    {
                        "uri": uri,
                        "stamp": True,
                        "name": f"w{k}",
                        "chunks": chunks,
                        "chunk": chunk_chars,
                        "intervalMs": interval * 1000,
                        "offset": offsets[k],
                    },
                )
                # Last place first: the server starts the writers in this order, and each
                # writes its first line before the next one starts, so that a writer's
                # line never moves the offset of one that starts after it.
                for k in reversed(range(writers))
            ]
            answers = await asyncio.wait_for(asyncio.gather(*requests), duration + WRITER_TIMEOUT)
            load_s = time.perf_counter() - t0
            cpu1 = process_cpu_seconds(pid) if pid else None
            if cpu0 is not None and cpu1 is not None and load_s > 0:
                cpu_percent = round(100 * (cpu1 - cpu0) / load_s, 1)
            written_stamps = sum(int(a["stamps"]) for a in answers)
            deadline = time.monotonic() + DRAIN_TIMEOUT
            while time.monotonic() < deadline:
                if len(arrivals) >= written_stamps:
                    state = await _execute(client, "codecrdt.documentState", {"uri": uri})
                    if state["inSync"] and state["text"] == buffer.text:
                        break
                await asyncio.sleep(0.05)
            else:
                state = await _execute(client, "codecrdt.documentState", {"uri": uri})
        except Exception as error:  # reported in the result, not raised: a figure failed
            errors.append(f"{type(error).__name__}: {error}".strip())
        finally:
            await _stop(client)
        log = Path(tmp) / "server.log"
        if log.exists() and (tail := log.read_text(errors="replace").strip()):
            errors += [f"server log: {line}" for line in tail.splitlines()[-3:]]

    stamps_written = sum(int(a["stamps"]) for a in answers)
    chars_written = sum(int(a["written"]) for a in answers)
    latencies = list(arrivals.values())
    return LoadResult(
        writers=writers,
        planned_s=round(chunks * interval, 3),
        chunks_per_writer=chunks,
        chunk_chars=chunk_chars,
        interval_ms=round(interval * 1000, 3),
        file_bytes=len(text.encode("utf-8")),
        load_s=round(load_s, 3),
        chars_written=chars_written,
        chars_per_s_per_writer=round(chars_written / writers / load_s, 1) if load_s else 0.0,
        stamps_written=stamps_written,
        stamps_received=len(arrivals),
        stamps_duplicated=counts["duplicated"],
        stamps_once_in_order=_once_in_order(buffer.text, answers),
        text_intact="".join(
            line for line in buffer.text.splitlines(keepends=True) if not STAMP.match(line)
        )
        == text,
        latency_median_ms=_ms(statistics.median(latencies)) if latencies else None,
        latency_p95_ms=_ms(percentile(latencies, 0.95)) if latencies else None,
        latency_max_ms=_ms(max(latencies)) if latencies else None,
        edits_received=counts["received"],
        edits_refused=counts["refused"],
        client_apply_median_ms=_ms(statistics.median(apply_ns)) if apply_ns else None,
        diagnostics_published=counts["publishes"],
        converged=bool(state.get("inSync")) and state.get("text") == buffer.text,
        final_length=len(buffer.text),
        server_cpu_percent=cpu_percent,
        errors=errors,
    )


def _once_in_order(text: str, answers: list[dict[str, Any]]) -> bool:
    """Each writer's stamps appear in ``text`` exactly once each, in sequence order."""
    found: dict[str, list[int]] = {}
    for match in STAMP.finditer(text):
        found.setdefault(match["name"], []).append(int(match["seq"]))
    expected = {str(a["name"]): list(range(1, int(a["stamps"]) + 1)) for a in answers}
    return bool(answers) and found == expected


async def _execute(client: LanguageClient, command: str, arguments: dict[str, Any]) -> Any:
    return await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command, arguments=[arguments])
    )


async def _stop(client: LanguageClient) -> None:
    # A busy machine may take seconds to answer shutdown; `exit` is sent in any case, so
    # that the server ends on its own rather than write to a pipe the client has closed.
    with contextlib.suppress(Exception):
        await asyncio.wait_for(client.shutdown_async(None), 15)
    with contextlib.suppress(Exception):
        client.exit(None)
    process = client._server
    if process is not None and process.returncode is None:
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(client.stop(), 5)


@dataclass
class StatusResult:
    """``codecrdt.status`` answered while scripted runs write into open documents."""

    runs: int
    script: str
    time_scale: float
    runs_s: float  # from the first generate sent to the last run finished
    finished: int
    converged: int  # documents whose editor buffer == the server's, in sync, at the end
    status_requests: int
    status_median_ms: float | None
    status_p95_ms: float | None
    status_max_ms: float | None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and self.finished == self.runs and self.converged == self.runs

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


async def run_status_load(
    *,
    runs: int = 20,
    script: str = "inventory-cli",
    time_scale: float = 50.0,
    interval: float = 0.1,
    timeout: float = 300.0,
    server: list[str] | None = None,
) -> StatusResult:
    """``runs`` scripted runs at once, each into its own open document, an editor
    applying every edit; meanwhile ``codecrdt.status`` is asked every ``interval``
    seconds and timed, from request to answer, until every run has finished."""
    buffers: dict[str, Editor] = {}
    finished: set[str] = set()
    latencies: list[float] = []
    errors: list[str] = []
    client = LanguageClient("codecrdt-bench-status", "1")

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        changes = params.edit.document_changes or []
        for change in changes:
            if (
                not isinstance(change, types.TextDocumentEdit)
                or change.text_document.uri not in buffers
                or change.text_document.version != buffers[change.text_document.uri].version
            ):
                return types.ApplyWorkspaceEditResult(applied=False, failure_reason="outdated")
        for change in changes:
            assert isinstance(change, types.TextDocumentEdit)
            buffer = buffers[change.text_document.uri]
            buffer.apply([e for e in change.edits if isinstance(e, types.TextEdit)])
            buffer.report(client, change.text_document.uri)
        return types.ApplyWorkspaceEditResult(applied=True)

    @client.feature("codecrdt/runFinished")
    def run_finished(params: Any) -> None:
        finished.add(getattr(params, "runId", None) or params["runId"])

    for method in (
        "codecrdt/runStarted",
        "codecrdt/agentActivity",
        types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
    ):
        client.feature(method)(lambda params: None)

    runs_s, converged = 0.0, 0
    with tempfile.TemporaryDirectory(prefix="codecrdt-status-") as tmp:
        await _start(client, server, Path(tmp))
        try:
            await _initialize(client)
            for k in range(runs):
                path = Path(tmp) / f"module_{k}.py"
                path.write_text("", encoding="utf-8")
                uri = path.as_uri()
                buffers[uri] = Editor("")
                client.text_document_did_open(
                    types.DidOpenTextDocumentParams(
                        text_document=types.TextDocumentItem(
                            uri=uri, language_id="python", version=1, text=""
                        )
                    )
                )
            t0 = time.perf_counter()
            await asyncio.wait_for(
                asyncio.gather(
                    *(
                        _execute(
                            client,
                            "codecrdt.generate",
                            {
                                "uri": uri,
                                "script": script,
                                "provider": "scripted",
                                "timeScale": time_scale,
                            },
                        )
                        for uri in buffers
                    )
                ),
                timeout,
            )
            while len(finished) < runs and time.perf_counter() - t0 < timeout:
                start = time.perf_counter()
                await asyncio.wait_for(_execute(client, "codecrdt.status", {}), timeout)
                latencies.append(time.perf_counter() - start)
                await asyncio.sleep(interval)
            runs_s = time.perf_counter() - t0
            deadline = time.monotonic() + DRAIN_TIMEOUT
            while time.monotonic() < deadline:
                states = [
                    await _execute(client, "codecrdt.documentState", {"uri": uri})
                    for uri in buffers
                ]
                converged = sum(
                    bool(s["inSync"]) and s["text"] == buffers[uri].text
                    for s, uri in zip(states, buffers, strict=True)
                )
                if converged == runs:
                    break
                await asyncio.sleep(0.1)
        except Exception as error:  # reported in the result, not raised: a figure failed
            errors.append(f"{type(error).__name__}: {error}".strip())
        finally:
            await _stop(client)
    ns = [s * 1e9 for s in latencies]
    return StatusResult(
        runs=runs,
        script=script,
        time_scale=time_scale,
        runs_s=round(runs_s, 2),
        finished=len(finished),
        converged=converged,
        status_requests=len(latencies),
        status_median_ms=_ms(statistics.median(ns)) if ns else None,
        status_p95_ms=_ms(percentile(ns, 0.95)) if ns else None,
        status_max_ms=_ms(max(ns)) if ns else None,
        errors=errors,
    )


async def _start(client: LanguageClient, server: list[str] | None, folder: Path) -> None:
    """Start ``server`` (default: this Python's ``codecrdt serve --test-commands``) for
    ``client``, logging into ``folder``."""
    command = server or [sys.executable, "-m", "codecrdt", "serve", "--test-commands"]
    await client.start_io(*command, "--log-file", str(folder / "server.log"))


async def _initialize(client: LanguageClient) -> None:
    """``initialize`` as an editor that applies versioned workspace edits, then
    ``initialized``."""
    await asyncio.wait_for(
        client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    workspace=types.WorkspaceClientCapabilities(
                        apply_edit=True,
                        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
                    )
                ),
                process_id=os.getpid(),
            )
        ),
        30,
    )
    client.initialized(types.InitializedParams())
