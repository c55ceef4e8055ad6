#!/usr/bin/env python3
"""Per-edit analysis time in one process: the whole-file analysis against the analysis
statement by statement (``codecrdt.analysis.statements``), on the same trees.

The files and edits are those of ``scripts/bench_lsp_latency.py`` (100 KB of Python and
of TSX, isolated one-line edits, seeded). After each edit the tree is parsed
incrementally (timed apart), then both analyses run on it, in alternating order; their
findings must be equal. A third figure is the whole-file analysis with only the codes
that existed before issue 12 (the declaration detectors, syntax errors and TODOs): the
workload whose end-to-end latency met the 25 ms bar on a quiet machine. Prints median and
p95 per language and the ratios.

    python scripts/bench_incremental.py [--edits N] [--seed S]
"""

from __future__ import annotations

import argparse
import statistics
import time

import tree_sitter

from codecrdt.analysis.detect import CODES, analyze
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.statements import StatementFacts
from codecrdt.bench.lsp_latency import make_edits, make_python, make_tsx

#: The codes before issue 12 added conflicting-value, undefined-name and arity-mismatch.
EARLIER_CODES = sorted(set(CODES) - {"conflicting-value", "undefined-name", "arity-mismatch"})


def _point(source: bytes, at: int) -> tuple[int, int]:
    return source.count(b"\n", 0, at), at - (source.rfind(b"\n", 0, at) + 1)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} / {_p95(values) * 1000:.2f}"


def measure(language: str, text: str, edits: int, seed: int) -> str:
    spec = language_named(language)
    assert spec is not None
    parser = tree_sitter.Parser(spec.tree_sitter)
    lines = text.split("\n")
    source = text.encode()
    tree = parser.parse(source)
    facts = StatementFacts()
    analyze(tree, source, spec, facts=facts)
    whole: list[float] = []
    earlier: list[float] = []
    incremental: list[float] = []
    parse: list[float] = []
    bound: list[int] = []
    for k, edit in enumerate(make_edits(text, language == "python", edits, seed)):
        line = lines[edit.line]
        before = "\n".join(lines[: edit.line])
        start = len(before.encode()) + (1 if edit.line else 0) + len(line[: edit.start].encode())
        old_end = start + len(line[edit.start : edit.end].encode())
        new_end = start + len(edit.text.encode())
        changed = line[: edit.start] + edit.text + line[edit.end :]
        lines[edit.line : edit.line + 1] = changed.split("\n")
        edited = "\n".join(lines).encode()
        tree.edit(
            start_byte=start,
            old_end_byte=old_end,
            new_end_byte=new_end,
            start_point=_point(source, start),
            old_end_point=_point(source, old_end),
            new_end_point=_point(edited, new_end),
        )
        source = edited
        began = time.perf_counter()
        tree = parser.parse(source, tree)
        parse.append(time.perf_counter() - began)
        began = time.perf_counter()
        analyze(tree, source, spec, codes=EARLIER_CODES)
        earlier.append(time.perf_counter() - began)
        results = {}
        for incremental_first in [True, False] if k % 2 else [False, True]:
            began = time.perf_counter()
            if incremental_first:
                results[True] = analyze(tree, source, spec, facts=facts)
                incremental.append(time.perf_counter() - began)
                bound.append(facts.worked["scopes"])
            else:
                results[False] = analyze(tree, source, spec)
                whole.append(time.perf_counter() - began)
        assert [(f, f.data) for f in results[True]] == [(f, f.data) for f in results[False]]
    return (
        f"{language} ({len(text.encode()):,} B, {edits} edits, {tree.root_node.child_count} "
        f"top-level statements): incremental parse {_ms(parse)} ms; whole-file analysis "
        f"{_ms(whole)} ms; statement by statement {_ms(incremental)} ms (median / p95); "
        f"ratio {statistics.median(incremental) / statistics.median(whole):.2f}× median, "
        f"{_p95(incremental) / _p95(whole):.2f}× p95; statements bound per edit, median "
        f"{statistics.median(bound):g}; whole-file analysis of the earlier codes only "
        f"{_ms(earlier)} ms (statement by statement ÷ it: "
        f"{statistics.median(incremental) / statistics.median(earlier):.2f}× median, "
        f"{_p95(incremental) / _p95(earlier):.2f}× p95)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()
    print(measure("python", make_python(args.seed), args.edits, args.seed))
    print(measure("tsx", make_tsx(args.seed), args.edits, args.seed))


if __name__ == "__main__":
    main()
