"""Diagnostics latency of ``codecrdt serve`` beside established language servers.

Over stdio, with a small JSON-RPC client, each server opens a generated ~100 KB file and
receives the same isolated one-line ``textDocument/didChange`` edits, one at a time; the
latency is the time from sending the change to receiving the
``textDocument/publishDiagnostics`` for that document version (or, when the server sends
no version, the first publish after the change). Side by side in one run:

- Python (~100 KB): ``codecrdt serve`` vs ``ruff server``;
- TSX (~100 KB): ``codecrdt serve`` vs ``typescript-language-server --stdio`` (installed by
  ``scripts/install-tsls.sh`` into ~/.cache/codecrdt/tsls, with TypeScript 5 beside it).

No client advertises pull diagnostics (``textDocument.diagnostic``), so every server
pushes. After each publish the client waits 0.3 s, and as long as further publishes for
the document keep arriving (typescript-language-server sends syntax, then semantic
diagnostics), before the next edit; the time of the last of them is reported too
("settled"). A server that does not publish within 5 s of an edit scores a timeout.

Used by ``scripts/bench_lsp_latency.py`` and ``codecrdt bench micro``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Result",
    "codecrdt_command",
    "comparison",
    "installed_tsls",
    "make_edits",
    "make_python",
    "make_tsx",
    "measure",
    "run_comparisons",
    "summary",
    "table",
]

TARGET_BYTES = 100_000
PAUSE = 0.3  # after a publish, before the next edit
TIMEOUT = 5.0  # per edit
OPEN_TIMEOUT = 60.0  # for the first publish after didOpen (tsserver loads the project)


# -- the files --------------------------------------------------------------------------

PY_MODULES = [
    "os", "re", "json", "math", "time", "logging", "itertools", "functools", "collections",
    "dataclasses", "pathlib", "typing", "statistics", "heapq", "bisect", "string",
]  # fmt: skip
WORDS = [
    "user", "order", "item", "price", "total", "count", "name", "value", "index", "cache",
    "record", "batch", "token", "event", "queue", "score", "limit", "offset", "result",
    "entry", "node", "edge", "weight", "label", "state", "config", "request", "response",
    "session", "payload", "buffer", "window", "report", "metric", "account", "invoice",
]  # fmt: skip


def _ident(rng: random.Random, parts: int = 2) -> str:
    return "_".join(rng.choice(WORDS) for _ in range(parts))


def _camel(rng: random.Random, parts: int = 2, upper: bool = False) -> str:
    words = [rng.choice(WORDS) for _ in range(parts)]
    text = words[0] + "".join(w.capitalize() for w in words[1:])
    return text[0].upper() + text[1:] if upper else text


def _py_body(rng: random.Random, params: list[str], indent: str) -> list[str]:
    lines = []
    if not params:
        lines.append(f"{indent}seed = {rng.randint(1, 9)}")
    local = list(params) or ["seed"]
    for _ in range(rng.randint(3, 9)):
        kind = rng.random()
        target = _ident(rng)
        source = rng.choice(local)
        if kind < 0.45:
            op = rng.choice(["+", "-", "*"])
            lines.append(f"{indent}{target} = {source} {op} {rng.randint(1, 99)}")
        elif kind < 0.65:
            lines.append(f"{indent}if {source} > {rng.randint(0, 50)}:")
            lines.append(f"{indent}    {target} = {source} // {rng.randint(2, 9)}")
            lines.append(f"{indent}else:")
            lines.append(f"{indent}    {target} = -{source}")
        elif kind < 0.8:
            lines.append(f"{indent}{target} = [x * {rng.randint(2, 5)} for x in range(10)]")
        else:
            lines.append(f"{indent}for {target} in range({rng.randint(2, 20)}):")
            lines.append(f"{indent}    {source} = {source} + {target}")
        local.append(target)
    lines.append(f"{indent}return {rng.choice(local)}")
    return lines


def make_python(seed: int, target: int = TARGET_BYTES) -> str:
    rng = random.Random(seed)
    lines = [
        '"""Generated module for the LSP latency benchmark."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    lines += [f"import {m}" for m in PY_MODULES]
    lines += ["from typing import Any", "from typing import Any", ""]  # duplicate-import
    lines += [f"{_ident(rng).upper()} = {rng.randint(1, 1000)}" for _ in range(8)]
    lines.append("LIMIT_VALUE = 10")
    lines.append("LIMIT_VALUE = 20")  # duplicate-declaration
    lines.append("")
    n = 0
    while sum(len(line) + 1 for line in lines) < target:
        n += 1
        if rng.random() < 0.35:
            cls = f"{_camel(rng, 2, upper=True)}{n}"
            lines += ["", "", f"class {cls}:", f'    """A {cls}."""', ""]
            args = ", ".join(f"{_ident(rng)}_{i}" for i in range(2))
            lines.append(f"    def __init__(self, {args}) -> None:")
            lines.append(f"        self.{_ident(rng)} = {rng.randint(0, 9)}")
            for m in range(rng.randint(2, 5)):
                params = [f"{_ident(rng, 1)}_{i}" for i in range(rng.randint(1, 3))]
                lines += ["", f"    def {_ident(rng)}_{m}(self, {', '.join(params)}):"]
                lines += _py_body(rng, params, " " * 8)
        else:
            params = [f"{_ident(rng, 1)}_{i}" for i in range(rng.randint(0, 4))]
            lines += ["", "", f"def {_ident(rng)}_{n}({', '.join(params)}):"]
            lines.append(f'    """Compute the {_ident(rng, 1)}."""')
            lines += _py_body(rng, params, " " * 4)
    return "\n".join(lines) + "\n"


TSX_PRELUDE = """\
import React, { useCallback, useEffect, useMemo, useState } from "react";
import { useState as useLocalState } from "react";
import type { FC, ReactNode } from "react";

export interface Theme {
  primary: string;
  spacing: number;
}

const DEFAULT_THEME: Theme = { primary: "#336699", spacing: 4 };
"""

SHIM = """\
declare namespace JSX {
  interface Element {}
  interface IntrinsicElements { [name: string]: any }
}
declare module "react" {
  export type ReactNode = JSX.Element | string | number | null | undefined | ReactNode[];
  export type FC<P = {}> = (props: P & { children?: ReactNode }) => JSX.Element | null;
  export function useState<T>(init: T): [T, (value: T | ((old: T) => T)) => void];
  export function useEffect(effect: () => void | (() => void), deps?: unknown[]): void;
  export function useMemo<T>(make: () => T, deps: unknown[]): T;
  export function useCallback<T extends (...args: any[]) => any>(f: T, deps: unknown[]): T;
  const React: { version: string };
  export default React;
}
"""


def _tsx_component(rng: random.Random, n: int) -> list[str]:
    name = f"{_camel(rng, 2, upper=True)}{n}"
    props = [_camel(rng, 2) + str(i) for i in range(rng.randint(1, 4))]
    lines = [f"export interface {name}Props {{"]
    lines += [f"  {p}: {rng.choice(['number', 'string', 'boolean'])};" for p in props]
    lines += ["  children?: ReactNode;", "}", ""]
    lines.append(
        f"export const {name}: FC<{name}Props> = ({{ {', '.join(props)}, children }}) => {{"
    )
    state = _camel(rng, 2)
    setter = "set" + state[0].upper() + state[1:]
    lines.append(f"  const [{state}, {setter}] = useState<number>({rng.randint(0, 9)});")
    for i in range(rng.randint(2, 6)):
        local = f"{_camel(rng, 2)}{i}"
        choice = rng.random()
        if choice < 0.4:
            lines.append(f"  const {local} = {state} * {rng.randint(2, 9)} + {rng.randint(0, 99)};")
        elif choice < 0.7:
            doubled = f"[{state}, {state} + 1].map((x) => x * 2)"
            lines.append(f"  const {local} = useMemo(() => {doubled}, [{state}]);")
        else:
            lines.append(
                f"  const {local} = useCallback(() => {setter}((old) => old + 1), [{setter}]);"
            )
    lines.append("  useEffect(() => {")
    lines.append(f"    if ({state} > {rng.randint(10, 90)}) {{")
    lines.append(f"      {setter}(0);")
    lines.append("    }")
    lines.append(f"  }}, [{state}]);")
    lines.append("  return (")
    css = _ident(rng).replace("_", "-")
    lines.append(f'    <div className="{css}" style={{{{ padding: DEFAULT_THEME.spacing }}}}>')
    for p in props:
        lines.append(f"      <span>{{String({p})}}</span>")
    lines.append(f"      <button onClick={{() => {setter}({state} + 1)}}>{{{state}}}</button>")
    lines += ["      {children}", "    </div>", "  );", "};", ""]
    return lines


def _ts_function(rng: random.Random, n: int) -> list[str]:
    params = [f"{_camel(rng, 1)}{i}" for i in range(rng.randint(1, 3))]
    signature = ", ".join(f"{p}: number" for p in params)
    lines = [f"export function {_camel(rng, 2)}{n}({signature}): number {{"]
    local = list(params)
    for i in range(rng.randint(2, 6)):
        name = f"{_camel(rng, 2)}{i}"
        lines.append(
            f"  const {name} = {rng.choice(local)} {rng.choice('+-*')} {rng.randint(1, 50)};"
        )
        local.append(name)
    lines += [f"  return {rng.choice(local)};", "}", ""]
    return lines


def make_tsx(seed: int, target: int = TARGET_BYTES) -> str:
    rng = random.Random(seed)
    lines = [*TSX_PRELUDE.splitlines(), ""]
    n = 0
    while sum(len(line) + 1 for line in lines) < target:
        n += 1
        if rng.random() < 0.6:
            lines += _tsx_component(rng, n)
        elif rng.random() < 0.5:
            cls = f"{_camel(rng, 2, upper=True)}Store{n}"
            lines += [f"export class {cls} {{", f"  private {_camel(rng)} = {rng.randint(0, 9)};"]
            for m in range(rng.randint(1, 3)):
                lines += [
                    f"  {_camel(rng)}{m}(delta: number): number {{",
                    f"    const next = delta * {rng.randint(2, 9)};",
                    "    return next;",
                    "  }",
                ]
            lines += ["}", ""]
        else:
            lines += _ts_function(rng, n)
    lines.append("export const UNUSED_CONFLICT = 1;")
    lines.append("export const UNUSED_CONFLICT = 2;")  # duplicate-declaration (and TS2451)
    return "\n".join(lines) + "\n"


# -- the edits --------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    line: int
    start: int  # character
    end: int
    text: str
    kind: str


def _statement_lines(lines: list[str], python: bool) -> list[int]:
    starts = ("return ", "if ", "for ") if python else ("const ", "return ", "if (")
    found = []
    for i, line in enumerate(lines):
        body = line.lstrip()
        if line.startswith((" ", "\t")) and (body.startswith(starts) or (python and " = " in body)):
            found.append(i)
    return found


ASSIGNMENT = re.compile(r"^(\s+)(?:const |let )?([A-Za-z_]\w*) = ")


def make_edits(text: str, python: bool, count: int, seed: int) -> list[Edit]:
    """Isolated one-line edits, each on the text the previous ones left.

    Half insert a comment line before a statement in a function body; half rename the
    name an assignment in a function body binds (on that line only).
    """
    rng = random.Random(seed)
    lines = text.split("\n")
    edits: list[Edit] = []
    for k in range(count):
        i = rng.choice(_statement_lines(lines, python))
        line = lines[i]
        match = ASSIGNMENT.match(line)
        if match is None or rng.random() < 0.5:
            indent = line[: len(line) - len(line.lstrip())]
            mark = "#" if python else "//"
            new = f"{indent}{mark} bench edit {k}: revisit this {rng.choice(WORDS)}\n"
            edits.append(Edit(i, 0, 0, new, "comment"))
            lines.insert(i, new[:-1])
        else:
            start, end = match.span(2)
            renamed = f"{match.group(2)}_e{k}"
            edits.append(Edit(i, start, end, renamed, "rename"))
            lines[i] = line[:start] + renamed + line[end:]
    return edits


# -- the client -------------------------------------------------------------------------


class ServerGone(Exception):
    pass


@dataclass
class Publish:
    at: float
    version: int | None
    count: int


@dataclass
class Client:
    """A minimal LSP client over a subprocess' stdio."""

    name: str
    command: list[str]
    proc: asyncio.subprocess.Process | None = None
    next_id: int = 0
    pending: dict[int, asyncio.Future[Any]] = field(default_factory=dict)
    publishes: dict[str, list[Publish]] = field(default_factory=dict)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    server_requests: dict[str, int] = field(default_factory=dict)
    capabilities: dict[str, Any] = field(default_factory=dict)
    stderr_tail: list[str] = field(default_factory=list)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self, root: Path) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            *self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=root,
            limit=1 << 24,
        )
        self._tasks = [
            asyncio.create_task(self._read()),
            asyncio.create_task(self._drain_stderr()),
        ]
        result = await asyncio.wait_for(
            self.request(
                "initialize",
                {
                    "processId": os.getpid(),
                    "clientInfo": {"name": "bench_lsp_latency"},
                    "rootUri": root.as_uri(),
                    "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                    "capabilities": {
                        # push only: no textDocument.diagnostic (pull) capability
                        "textDocument": {
                            "synchronization": {"dynamicRegistration": False},
                            "publishDiagnostics": {
                                "relatedInformation": True,
                                "versionSupport": True,
                            },
                        },
                        "workspace": {"configuration": True, "workspaceFolders": True},
                        "window": {"workDoneProgress": False},
                    },
                },
            ),
            30,
        )
        self.capabilities = result.get("capabilities", {}) if isinstance(result, dict) else {}
        self.notify("initialized", {})

    @property
    def incremental(self) -> bool:
        sync = self.capabilities.get("textDocumentSync")
        change = sync.get("change") if isinstance(sync, dict) else sync
        return change == 2

    def _send(self, message: dict[str, Any]) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    async def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        self._send({"id": self.next_id, "method": method, "params": params})
        return await future

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        stream = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    header = await stream.readline()
                    if not header:
                        raise ServerGone
                    header = header.strip()
                    if not header:
                        break
                    key, _, value = header.decode("ascii").partition(":")
                    if key.lower() == "content-length":
                        length = int(value)
                if length is None:
                    continue
                message = json.loads(await stream.readexactly(length))
                self._handle(message, time.perf_counter())
        except (ServerGone, asyncio.IncompleteReadError, ConnectionError):
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(ServerGone(f"{self.name} exited"))
            self.arrived.set()

    def _handle(self, message: dict[str, Any], now: float) -> None:
        method = message.get("method")
        if method is None:
            future = self.pending.pop(message.get("id"), None)
            if future is not None and not future.done():
                if "error" in message:
                    future.set_exception(RuntimeError(f"{self.name}: {message['error']}"))
                else:
                    future.set_result(message.get("result"))
            return
        if "id" in message:  # a request from the server
            self.server_requests[method] = self.server_requests.get(method, 0) + 1
            params = message.get("params") or {}
            result: Any = None
            if method == "workspace/configuration":
                result = [None for _ in params.get("items", [])]
            elif method == "workspace/applyEdit":
                result = {"applied": False, "failureReason": "benchmark client"}
            elif method == "workspace/workspaceFolders":
                result = []
            self._send({"id": message["id"], "result": result})
            return
        if method == "textDocument/publishDiagnostics":
            params = message["params"]
            self.publishes.setdefault(params["uri"], []).append(
                Publish(now, params.get("version"), len(params.get("diagnostics", [])))
            )
            self.arrived.set()

    async def _drain_stderr(self) -> None:
        assert self.proc is not None and self.proc.stderr is not None
        while line := await self.proc.stderr.readline():
            self.stderr_tail = [*self.stderr_tail[-20:], line.decode(errors="replace")]

    def alive(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def wait_publish(self, uri: str, since: int, version: int, deadline: float) -> int:
        """Index of the first publish (from index ``since``) for ``version``; -1 on timeout.

        A publish with a version counts only for that version; one without counts as the
        answer to the latest change.
        """
        while True:
            for i, p in enumerate(self.publishes.get(uri, [])[since:], since):
                if p.version is None or p.version == version:
                    return i
            left = deadline - time.perf_counter()
            if left <= 0 or not self.alive():
                return -1
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), left)

    async def quiet(self, uri: str, pause: float, limit: float) -> None:
        """Wait until no publish for ``uri`` has arrived for ``pause`` s (at most ``limit``)."""
        end = time.perf_counter() + limit
        while True:
            seen = len(self.publishes.get(uri, []))
            last = self.publishes[uri][-1].at if seen else time.perf_counter()
            wait = max(0.0, last + pause - time.perf_counter())
            if wait <= 0:
                # the pause already passed since the last publish: one more pause of quiet
                wait = pause
            if time.perf_counter() + wait > end:
                await asyncio.sleep(max(0.0, end - time.perf_counter()))
                return
            await asyncio.sleep(wait)
            if len(self.publishes.get(uri, [])) == seen:
                return

    async def stop(self) -> None:
        if self.proc is None:
            return
        try:
            if self.alive():
                await asyncio.wait_for(self.request("shutdown", None), 5)
                self.notify("exit", None)
                await asyncio.wait_for(self.proc.wait(), 5)
        except (TimeoutError, ServerGone, RuntimeError, ConnectionError):
            pass
        if self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        for task in self._tasks:
            task.cancel()


# -- one run ----------------------------------------------------------------------------


@dataclass
class Result:
    server: str
    latencies: list[float]  # seconds, first publish for the edit
    settled: list[float]  # seconds, last publish before the next edit
    timeouts: int
    error: str | None = None
    notes: list[str] = field(default_factory=list)


def _position_change(edit: Edit) -> dict[str, Any]:
    return {
        "range": {
            "start": {"line": edit.line, "character": edit.start},
            "end": {"line": edit.line, "character": edit.end},
        },
        "text": edit.text,
    }


def _apply(lines: list[str], edit: Edit) -> None:
    line = lines[edit.line]
    new = line[: edit.start] + edit.text + line[edit.end :]
    lines[edit.line : edit.line + 1] = new.split("\n")


async def measure(
    name: str,
    command: list[str],
    root: Path,
    path: Path,
    language_id: str,
    text: str,
    edits: list[Edit],
    warmup: int,
) -> Result:
    client = Client(name, command)
    uri = path.as_uri()
    result = Result(name, [], [], 0)
    try:
        await client.start(root)
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": language_id, "version": 1, "text": text}},
        )
        first = await client.wait_publish(uri, 0, 1, time.perf_counter() + OPEN_TIMEOUT)
        if first < 0:
            result.notes.append(f"no publish within {OPEN_TIMEOUT:.0f} s of didOpen")
        await client.quiet(uri, 1.0, 15.0)  # let the initial analysis settle
        lines = text.split("\n")
        for k, edit in enumerate(edits):
            version = k + 2
            _apply(lines, edit)
            if client.incremental:
                changes = [_position_change(edit)]
            else:
                changes = [{"text": "\n".join(lines)}]
            since = len(client.publishes.get(uri, []))
            sent = time.perf_counter()
            client.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes},
            )
            got = await client.wait_publish(uri, since, version, sent + TIMEOUT)
            if not client.alive():
                raise ServerGone(f"{name} exited during edit {k}")
            if got < 0:
                if k >= warmup:
                    result.timeouts += 1
                await client.quiet(uri, PAUSE, TIMEOUT)
                continue
            await client.quiet(uri, PAUSE, TIMEOUT)
            publishes = client.publishes[uri]
            if k >= warmup:
                result.latencies.append(publishes[got].at - sent)
                result.settled.append(publishes[-1].at - sent)
        count = client.publishes[uri][-1].count if client.publishes.get(uri) else 0
        result.notes.append(f"{count} diagnostics on the last publish")
        if client.server_requests:
            result.notes.append(f"server requests: {client.server_requests}")
    except (ServerGone, RuntimeError, TimeoutError, OSError) as error:
        result.error = f"{type(error).__name__}: {error}".strip()
        if client.stderr_tail:
            result.error += " | stderr: " + " ".join(s.strip() for s in client.stderr_tail[-3:])
    finally:
        await client.stop()
    return result


# -- reporting --------------------------------------------------------------------------


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]


def summary(result: Result) -> dict[str, Any]:
    values = result.latencies
    out: dict[str, Any] = {
        "server": result.server,
        "samples": len(values),
        "timeouts": result.timeouts,
        "median_ms": round(statistics.median(values) * 1000, 1) if values else None,
        "p95_ms": round(_p95(values) * 1000, 1) if values else None,
        "settled_median_ms": (
            round(statistics.median(result.settled) * 1000, 1) if result.settled else None
        ),
        "settled_p95_ms": round(_p95(result.settled) * 1000, 1) if result.settled else None,
    }
    if result.error:
        out["error"] = result.error
    if result.notes:
        out["notes"] = result.notes
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def comparison(name: str, size: int, ours: Result, other: Result, edits: int) -> dict[str, Any]:
    a, b = summary(ours), summary(other)
    return {
        "comparison": name,
        "file_bytes": size,
        "edits": edits,
        "codecrdt": a,
        "other": b,
        "ratio_median": _ratio(a["median_ms"], b["median_ms"]),
        "ratio_p95": _ratio(a["p95_ms"], b["p95_ms"]),
    }


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        f"{'comparison':<8} {'server':<28} {'n':>4} {'t/o':>4} {'median ms':>10} "
        f"{'p95 ms':>9} {'settled med':>12} {'settled p95':>12}"
    )
    out = [head, "-" * len(head)]
    for row in rows:
        for side in ("codecrdt", "other"):
            s = row[side]
            out.append(
                f"{row['comparison']:<8} {s['server']:<28} {s['samples']:>4} {s['timeouts']:>4} "
                f"{_fmt(s['median_ms']):>10} {_fmt(s['p95_ms']):>9} "
                f"{_fmt(s['settled_median_ms']):>12} {_fmt(s['settled_p95_ms']):>12}"
            )
        rm, rp = row["ratio_median"], row["ratio_p95"]
        out.append(
            f"{row['comparison']:<8} {'ratio codecrdt/other':<28} {'':>4} {'':>4} "
            f"{'-' if rm is None else f'{rm:.2f}x':>10} {'-' if rp is None else f'{rp:.2f}x':>9}"
        )
        out.append("")
    for row in rows:
        for side in ("codecrdt", "other"):
            s = row[side]
            for note in [*s.get("notes", []), *([s["error"]] if "error" in s else [])]:
                out.append(f"{row['comparison']}/{s['server']}: {note}")
            if s["timeouts"]:
                out.append(
                    f"{row['comparison']}/{s['server']}: {s['timeouts']} edit(s) got no publish "
                    f"within {TIMEOUT:.0f} s"
                )
    return "\n".join(out).rstrip()


# -- main -------------------------------------------------------------------------------


# -- running ----------------------------------------------------------------------------


def codecrdt_command(override: str | None = None) -> list[str]:
    """The command line of the codecrdt server: ``override``, else ``codecrdt serve``."""
    if override:
        return shlex.split(override)
    exe = shutil.which("codecrdt")
    return [exe, "serve"] if exe else [sys.executable, "-m", "codecrdt", "serve"]


def tsls_dir() -> Path:
    """Where ``scripts/install-tsls.sh`` installs typescript-language-server."""
    if prefix := os.environ.get("CODECRDT_TSLS_DIR"):
        return Path(prefix)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "codecrdt" / "tsls"


def installed_tsls() -> tuple[list[str] | None, str]:
    """typescript-language-server's command if it is installed (nothing is installed).

    Returns the command and where it was found, or ``None`` and why it cannot run.
    """
    if shutil.which("node") is None:
        return None, "node is not installed"
    prefix = tsls_dir()
    tsls = prefix / "node_modules" / ".bin" / "typescript-language-server"
    tsserver = prefix / "node_modules" / "typescript" / "lib" / "tsserver.js"
    if os.access(tsls, os.X_OK) and tsserver.is_file():
        return [str(tsls), "--stdio"], f"found in {prefix}"
    found = shutil.which("typescript-language-server")
    if found:
        return [found, "--stdio"], "found on PATH"
    return None, (
        f"typescript-language-server is not installed (neither in {prefix} nor on PATH; "
        "scripts/install-tsls.sh installs it)"
    )


async def run_comparisons(
    *,
    edits: int,
    warmup: int,
    seed: int,
    only: Sequence[str] = ("python", "tsx"),
    codecrdt: list[str] | None = None,
    tsls: Callable[[], list[str] | None] = lambda: installed_tsls()[0],
) -> list[dict[str, Any]]:
    """One comparison row per language in ``only``: codecrdt beside its baseline server.

    ``tsls`` gives typescript-language-server's command (``None``: not installed, which
    the TSX row reports as an error); it is called after codecrdt's TSX run.
    """
    total = edits + warmup
    rows = []
    ours_command = codecrdt or codecrdt_command()
    with tempfile.TemporaryDirectory(prefix="codecrdt-bench-") as tmp:
        root = Path(tmp)
        (root / "tsconfig.json").write_text(
            json.dumps(
                {
                    "compilerOptions": {
                        "target": "ES2020",
                        "module": "ESNext",
                        "moduleResolution": "bundler",
                        "jsx": "preserve",
                        "strict": True,
                        "noEmit": True,
                    },
                    "include": ["*.tsx", "*.d.ts"],
                }
            )
        )
        (root / "react-shim.d.ts").write_text(SHIM)

        if "python" in only:
            py = make_python(seed)
            py_path = root / "bench_module.py"
            py_path.write_text(py)
            py_edits = make_edits(py, True, total, seed + 1)
            ruff = shutil.which("ruff")
            ours = await measure(
                "codecrdt serve", ours_command, root, py_path, "python", py, py_edits, warmup
            )
            if ruff:
                other = await measure(
                    "ruff server", [ruff, "server"], root, py_path, "python", py, py_edits,
                    warmup,
                )  # fmt: skip
            else:
                other = Result("ruff server", [], [], 0, error="ruff is not installed")
            rows.append(comparison("python", len(py.encode()), ours, other, edits))

        if "tsx" in only:
            tsx = make_tsx(seed)
            tsx_path = root / "BenchComponents.tsx"
            tsx_path.write_text(tsx)
            tsx_edits = make_edits(tsx, False, total, seed + 2)
            ours = await measure(
                "codecrdt serve", ours_command, root, tsx_path, "typescriptreact", tsx,
                tsx_edits, warmup,
            )  # fmt: skip
            command = tsls()
            if command:
                other = await measure(
                    "typescript-language-server", command, root, tsx_path, "typescriptreact",
                    tsx, tsx_edits, warmup,
                )  # fmt: skip
            else:
                other = Result("typescript-language-server", [], [], 0, error="not installed")
            rows.append(comparison("tsx", len(tsx.encode()), ours, other, edits))
    return rows
