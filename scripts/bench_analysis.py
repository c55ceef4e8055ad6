#!/usr/bin/env python3
"""Benchmarks of the conflict analysis: full analysis, re-analysis after one-line edits, and
the server's ``didChange`` → ``publishDiagnostics`` latency.

    python scripts/bench_analysis.py [--seed N] [--size BYTES] [--skip-server] [--json-only]

Builds a Python file and a TSX file of about ``--size`` bytes (seeded, generated code:
imports, constants, functions, classes, interfaces, React components, with a few
duplicates so that there are findings), then measures:

- full: parse from scratch + analyze (``analyze_text``), 20 runs;
- edit: one-line edit of the shared document (``SharedDocument.replace``) → findings
  (``DocumentAnalysis.findings``: tree edit, incremental reparse, analyze), 200 random
  edits;
- server: ``didChange`` sent → matching ``publishDiagnostics`` received, over stdio with
  pygls' ``LanguageClient`` driving ``python -m codecrdt serve``, 100 isolated edits
  (0.2 s apart, each waits for its publish).

Prints a table, then the figures as JSON (milliseconds).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from codecrdt.analysis.languages import LanguageSpec, language_named
from codecrdt.analysis.tree import DocumentAnalysis, analyze_text
from codecrdt.document import Origin, SharedDocument
from codecrdt.markers import marker_line

FULL_RUNS = 20
EDITS = 200
SERVER_EDITS = 100
SERVER_GAP = 0.2  # seconds between server edits: over the debounce's quiet period (0.15 s)
SERVER_TIMEOUT = 10.0

WORDS = (  # noqa: SIM905
    "user account order item price total cache index token session query record batch "
    "event stream buffer config parser result value request response handler client server "
    "payload message status worker queue limit offset page filter"
).split()
NON_ASCII = ("café", "naïve", "grüß", "日本語", "😀", "Ωmega", "señor")


# -- generated code ------------------------------------------------------------------------


def _name(rng: random.Random, parts: int = 2) -> str:
    return "_".join(rng.choice(WORDS) for _ in range(parts))


def _camel(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(WORDS).capitalize() for _ in range(parts))


def python_source(size: int, seed: int) -> str:
    """About ``size`` bytes of Python: imports, constants, functions and classes."""
    rng = random.Random(seed)
    out = [
        '"""Generated module for the analysis benchmark."""\n\n',
        "from __future__ import annotations\n\n",
        "import json\nimport os\nimport re\nfrom collections import defaultdict\n",
        "from dataclasses import dataclass, field\nfrom typing import Any\n",
        "import os  # a duplicate import, so that there are findings\n\n",
    ]
    total, n = sum(len(s) for s in out), 0
    while total < size:
        n += 1
        kind = rng.random()
        if kind < 0.1:
            chunk = f'{_name(rng).upper()}_{n} = "{rng.choice(NON_ASCII)} {n}"\n\n'
        elif kind < 0.6:
            fn = f"{_name(rng)}_{n}"
            args = [f"{_name(rng, 1)}_{i}" for i in range(rng.randint(1, 4))]
            body = []
            for i in range(rng.randint(3, 10)):
                target = f"{_name(rng, 1)}_{i}"
                choice = rng.random()
                if choice < 0.3:
                    body.append(f"    {target} = {args[0]} + {rng.randint(0, 999)}")
                elif choice < 0.5:
                    body.append(f"    if {args[-1]} is None:\n        return {target!r}")
                elif choice < 0.7:
                    body.append(
                        f"    for {target} in range({rng.randint(1, 50)}):\n"
                        f"        {args[0]} = {args[0]} * {target}"
                    )
                elif choice < 0.85:
                    body.append(f'    {target} = "{rng.choice(NON_ASCII)}".upper()')
                else:
                    body.append(f"    # {rng.choice(NON_ASCII)}: {' '.join(rng.sample(WORDS, 5))}")
            body.append(f"    return {args[0]}")
            chunk = (
                f"\n\ndef {fn}({', '.join(args)}):\n"
                f'    """{" ".join(rng.sample(WORDS, 6)).capitalize()}."""\n'
                + "\n".join(body)
                + "\n"
            )
            if rng.random() < 0.02:  # an agent wrote it twice
                chunk += chunk
        else:
            cls = f"{_camel(rng)}{n}"
            members = []
            for i in range(rng.randint(2, 6)):
                meth = f"{_name(rng)}_{i}"
                members.append(
                    f"    def {meth}(self, value: int = {i}) -> int:\n"
                    f"        self.{_name(rng, 1)} = value\n"
                    f"        return value * {rng.randint(2, 9)}"
                )
            chunk = (
                f"\n\n@dataclass\nclass {cls}:\n"
                f'    """{" ".join(rng.sample(WORDS, 5)).capitalize()}."""\n\n'
                f"    {_name(rng, 1)}: int = 0\n"
                f"    {_name(rng, 1)}s: list[str] = field(default_factory=list)\n\n"
                + "\n\n".join(members)
                + "\n"
            )
        out.append(chunk)
        total += len(chunk.encode("utf-8"))
    return "".join(out)


def tsx_source(size: int, seed: int) -> str:
    """About ``size`` bytes of TSX: imports, interfaces, hooks and components."""
    rng = random.Random(seed)
    out = [
        'import React, { useEffect, useMemo, useState } from "react";\n',
        'import type { ReactNode } from "react";\n',
        'import { useState as useLocalState } from "react";\n',
        'import { useMemo } from "react"; // a duplicate import, so that there are findings\n\n',
    ]
    total, n = sum(len(s) for s in out), 0
    while total < size:
        n += 1
        kind = rng.random()
        if kind < 0.15:
            name = f"{_camel(rng)}{n}Props"
            fields = "\n".join(
                f"  {_name(rng, 1)}{i}{'?' if rng.random() < 0.3 else ''}: "
                f"{rng.choice(['string', 'number', 'boolean', 'ReactNode', 'string[]'])};"
                for i in range(rng.randint(2, 6))
            )
            chunk = f"\nexport interface {name} {{\n{fields}\n}}\n"
        elif kind < 0.35:
            hook = f"use{_camel(rng)}{n}"
            chunk = (
                f"\nexport function {hook}(initial: number): [number, (n: number) => void] {{\n"
                f"  const [value, setValue] = useState<number>(initial);\n"
                f"  useEffect(() => {{\n"
                f"    const id = setTimeout(() => setValue(value + {rng.randint(1, 9)}), "
                f"{rng.randint(10, 500)});\n"
                f"    return () => clearTimeout(id);\n"
                f"  }}, [value]);\n"
                f"  return [value, setValue];\n"
                f"}}\n"
            )
        elif kind < 0.45:
            chunk = (
                f"\nconst {_name(rng).upper()}_{n} = "
                f'{{ label: "{rng.choice(NON_ASCII)}", size: {rng.randint(1, 99)} }};\n'
            )
        else:
            comp = f"{_camel(rng)}{n}"
            items = "\n".join(
                f'        <li key="{i}" className="{rng.choice(WORDS)}">'
                f"{rng.choice(NON_ASCII)} {{props.{_name(rng, 1)}}}</li>"
                for i in range(rng.randint(2, 6))
            )
            todo = (
                marker_line("tsx", comp, " ".join(rng.sample(WORDS, 3)), "      ", jsx=True)
                if rng.random() < 0.1
                else ""
            )
            chunk = (
                f"\nexport const {comp} = (props: {{ {_name(rng, 1)}: string; "
                f"children?: ReactNode }}) => {{\n"
                f"  const [open, setOpen] = useState(false);\n"
                f"  const label = useMemo(() => `{rng.choice(WORDS)}-${{open}}`, [open]);\n"
                f"  return (\n"
                f'    <section className="{rng.choice(WORDS)}" onClick={{() => setOpen(!open)}}>\n'
                f"{todo}"
                f"      <h2>{{label}}</h2>\n"
                f"      <ul>\n{items}\n      </ul>\n"
                f"      {{props.children}}\n"
                f"    </section>\n"
                f"  );\n"
                f"}};\n"
            )
            if rng.random() < 0.02:  # an agent wrote it twice
                chunk += chunk
        out.append(chunk)
        total += len(chunk.encode("utf-8"))
    return "".join(out)


# -- measurements --------------------------------------------------------------------------


def summary(samples: list[float]) -> dict[str, float]:
    """Median and p95 (nearest rank) in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(p95 * 1000, 3),
        "n": len(ordered),
    }


def bench_full(text: str, spec: LanguageSpec, runs: int = FULL_RUNS) -> dict[str, Any]:
    analyze_text(text, spec)  # warm-up: grammar load and query compilation
    samples, findings = [], []
    for _ in range(runs):
        start = time.perf_counter()
        findings = analyze_text(text, spec)
        samples.append(time.perf_counter() - start)
    return {**summary(samples), "findings": len(findings)}


def one_line_edit(text: str, rng: random.Random, i: int, comment: str) -> tuple[int, int, str]:
    """A random one-line edit (code points): insert a comment line, or extend a line."""
    starts = [0] + [k + 1 for k, ch in enumerate(text) if ch == "\n"]
    line = rng.randrange(len(starts) - 1)
    start = starts[line]
    end = starts[line + 1] - 1  # before the line break
    if rng.random() < 0.5:
        return start, start, f"{comment} edit {i}\n"
    return end, end, f"  {comment} e{i}"


def bench_edits(
    text: str, spec: LanguageSpec, comment: str, seed: int, edits: int = EDITS
) -> dict[str, Any]:
    rng = random.Random(seed)
    document = SharedDocument(text)
    analysis = DocumentAnalysis(document, spec)
    analysis.findings()
    gc.freeze()  # as the server does after opening a document
    samples, findings = [], []
    for i in range(edits):
        start, end, new = one_line_edit(document.text, rng, i, comment)
        began = time.perf_counter()
        document.replace(start, end, new, Origin.EDITOR)
        findings = analysis.findings()
        samples.append(time.perf_counter() - began)
    analysis.close()
    return {**summary(samples), "findings": len(findings), "reparses": analysis.reparses}


async def bench_server(
    text: str, language_id: str, uri: str, comment: str, seed: int, edits: int = SERVER_EDITS
) -> dict[str, Any]:
    """didChange → publishDiagnostics over stdio, isolated edits."""
    rng = random.Random(seed)
    client = LanguageClient("codecrdt-bench", "1")
    loop = asyncio.get_running_loop()
    waiting: dict[int, asyncio.Future[float]] = {}
    counts: list[int] = []

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        now = time.perf_counter()
        future = waiting.pop(params.version, None) if params.uri == uri else None
        if future is not None and not future.done():
            counts.append(len(params.diagnostics))
            future.set_result(now)

    await client.start_io(sys.executable, "-m", "codecrdt", "serve")
    try:
        await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    workspace=types.WorkspaceClientCapabilities(
                        apply_edit=True,
                        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
                    )
                )
            )
        )
        client.initialized(types.InitializedParams())
        version = 1
        first: asyncio.Future[float] = loop.create_future()
        waiting[version] = first
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id=language_id, version=version, text=text
                )
            )
        )
        await asyncio.wait_for(first, SERVER_TIMEOUT)
        lines = text.count("\n")
        samples = []
        for i in range(edits):
            await asyncio.sleep(SERVER_GAP)
            line = rng.randrange(lines)
            version += 1
            future: asyncio.Future[float] = loop.create_future()
            waiting[version] = future
            position = types.Position(line=line, character=0)
            began = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[
                        types.TextDocumentContentChangePartial(
                            range=types.Range(start=position, end=position),
                            text=f"{comment} edit {i}\n",
                        )
                    ],
                )
            )
            received = await asyncio.wait_for(future, SERVER_TIMEOUT)
            samples.append(received - began)
            lines += 1
        return {**summary(samples), "findings": counts[-1] if counts else 0}
    finally:
        try:
            await asyncio.wait_for(client.shutdown_async(None), 5)
            client.exit(None)
        except Exception:  # the server may be gone already; stop() below cleans up
            pass
        await client.stop()


# -- report --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--size", type=int, default=100_000, help="bytes per generated file")
    parser.add_argument("--skip-server", action="store_true", help="no server latency run")
    parser.add_argument("--json-only", action="store_true", help="print only the JSON")
    args = parser.parse_args(argv)

    files: list[tuple[str, str, str, str, Callable[[int, int], str]]] = [
        ("python", "python", "file:///bench/generated.py", "#", python_source),
        ("tsx", "typescriptreact", "file:///bench/Generated.tsx", "//", tsx_source),
    ]
    results: dict[str, Any] = {"seed": args.seed, "files": {}}
    for name, language_id, uri, comment, generate in files:
        text = generate(args.size, args.seed)
        spec = language_named(language_id)
        assert spec is not None, language_id
        entry: dict[str, Any] = {
            "bytes": len(text.encode("utf-8")),
            "lines": text.count("\n"),
            "full": bench_full(text, spec),
            "edit": bench_edits(text, spec, comment, args.seed),
        }
        if not args.skip_server:
            entry["server"] = asyncio.run(bench_server(text, language_id, uri, comment, args.seed))
        results["files"][name] = entry

    if not args.json_only:
        header = (
            f"{'file':<7} {'bytes':>8} {'measure':<34} {'median ms':>10} {'p95 ms':>9} {'n':>4}"
        )
        print(header)
        print("-" * len(header))
        labels = {
            "full": "full analysis (parse + analyze)",
            "edit": "one-line edit → findings",
            "server": "didChange → publishDiagnostics",
        }
        for name, entry in results["files"].items():
            for key, label in labels.items():
                if key in entry:
                    m = entry[key]
                    print(
                        f"{name:<7} {entry['bytes']:>8} {label:<34} "
                        f"{m['median_ms']:>10.3f} {m['p95_ms']:>9.3f} {m['n']:>4}"
                    )
        print()
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
