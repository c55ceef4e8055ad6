"""``codecrdt bench micro``: the micro-benchmarks side by side, in one run.

Each figure comes with a baseline measured in the same run and their ratio:

1. **replay**: real editing traces through the document mirror ÷ the same patches on a
   bare pycrdt ``Text`` (:mod:`codecrdt.bench.replay`);
2. **didChange → mirror applied** for isolated one-character edits ÷ the same inserts
   on a bare pycrdt ``Text`` (byte offsets computed outside the timing);
3. **diagnostics latency** on a ~100 KB file: ``codecrdt serve`` ÷ ``ruff server``
   (Python), and ÷ ``typescript-language-server`` (TSX) when it is installed
   (:mod:`codecrdt.bench.lsp_latency`);
4. **the server under load**: edit-to-editor latency with 8, 16 and 32 stamped writers ÷
   with 1, and ``codecrdt.status`` timed while 20 scripted runs write into 20 open
   documents (:mod:`codecrdt.bench.load`).

``--quick`` shortens everything (the replay keeps the traces of at most 50,000 edits and
runs each once); ``--json`` prints one JSON object; ``--out DIR`` writes
``DIR/micro.json`` and ``DIR/micro.md`` (a section for docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from pycrdt import Doc, Text

from codecrdt.bench import replay as replay_bench
from codecrdt.bench.load import run_load, run_status_load
from codecrdt.bench.lsp_latency import installed_tsls, make_python, run_comparisons
from codecrdt.positions import TextLines

__all__ = ["MicroOptions", "default_traces", "main", "render_markdown", "render_text", "run"]

#: The repository root, when the package runs from a checkout (server/codecrdt/bench/).
REPOSITORY = Path(__file__).resolve().parents[3]
QUICK_MAX_EDITS = 50_000

Log = Callable[[str], None]


@dataclass(frozen=True)
class MicroOptions:
    traces: Path | None = None
    quick: bool = False
    seed: int = 1234

    @property
    def replay_repeat(self) -> int:
        return 1 if self.quick else 3

    @property
    def latency_samples(self) -> int:
        return 500 if self.quick else 2000

    @property
    def diagnostics_edits(self) -> int:
        return 15 if self.quick else 60

    @property
    def load_seconds(self) -> float:
        return 3.0 if self.quick else 10.0


def default_traces() -> Path | None:
    """``../shared/data/editing-traces`` beside the repository root, if it exists."""
    folder = REPOSITORY.parent / "shared" / "data" / "editing-traces"
    return folder if folder.is_dir() else None


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the parts ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    versions = {}
    for package in ("pycrdt", "pygls", "tree-sitter"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        **versions,
        "ruff": _tool_version(["ruff", "--version"]),
    }


def _tool_version(command: list[str]) -> str | None:
    if shutil.which(command[0]) is None:
        return None
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=True)
    except (subprocess.SubprocessError, OSError):
        return None
    return done.stdout.strip().split()[-1] if done.stdout.strip() else None


def find_traces(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.json"), *folder.glob("*.json.gz")])


def run_replay(options: MicroOptions, log: Log) -> tuple[dict[str, Any], replay_bench.Trace | None]:
    """Replay ratios per trace; also the largest final text for the latency part.

    That text is the largest without characters beyond the BMP: :func:`replay.latency`
    draws LSP columns as code points, which is right only where they are UTF-16 units.
    """
    folder = options.traces
    if folder is None:
        return {
            "skipped": "no editing traces: ../shared/data/editing-traces does not exist "
            "beside the repository and --traces was not given"
        }, None
    paths = find_traces(folder) if folder.is_dir() else []
    if not paths:
        return {"skipped": f"no editing traces (*.json, *.json.gz) in {folder}"}, None
    rows, skipped, largest = [], [], None
    for path in paths:
        try:
            trace = replay_bench.load_trace(path)
        except (OSError, ValueError, KeyError) as error:
            skipped.append(f"{path.name}: unreadable ({error})")
            continue
        if (largest is None or len(trace.end) > len(largest.end)) and _bmp(trace.end):
            largest = trace
        if options.quick and len(trace.patches) > QUICK_MAX_EDITS:
            skipped.append(f"{trace.name}: {len(trace.patches):,} edits (--quick: ≤ 50,000)")
            continue
        log(f"replay: {trace.name} ({len(trace.patches):,} edits × {options.replay_repeat})")
        result = replay_bench.replay(trace, options.replay_repeat)
        rows.append(
            {
                **asdict(result),
                "mirror_us_per_edit": round(result.mirror_s / result.edits * 1e6, 2),
                "raw_us_per_edit": round(result.raw_s / result.edits * 1e6, 2),
            }
        )
    ratios = [row["ratio"] for row in rows]
    summary = {
        "folder": str(folder),
        "repeat": options.replay_repeat,
        "traces": rows,
        "ratio_median": round(statistics.median(ratios), 3) if ratios else None,
        "ratio_max": max(ratios) if ratios else None,
        "all_match_end_content": all(row["matches_end_content"] for row in rows),
    }
    if skipped:
        summary["skipped_traces"] = skipped
    return summary, largest


def _bmp(text: str) -> bool:
    return not text or max(text) <= "\uffff"


def raw_latency(text: str, samples: int = 2000, seed: int = 0) -> dict[str, float]:
    """The baseline of :func:`replay.latency`: the same inserts on a bare pycrdt ``Text``.

    The same random places as ``latency`` (same seed, same draws); each byte offset is
    computed outside the timing, and each insert is one transaction with an origin.
    """
    rng = random.Random(seed)
    lines = TextLines(text)
    doc = Doc()
    source = doc.get("source", type=Text)
    source.insert(0, text)
    timings = []
    for _ in range(samples):
        line = rng.randrange(len(lines))
        character = rng.randint(0, len(lines.line_content(line)))
        position = lines.column_to_byte(line, character)
        t0 = time.perf_counter()
        with doc.transaction(origin="editor"):
            source.insert(position, "x")
        timings.append(time.perf_counter() - t0)
        lines.replace((line, character), (line, character), "x")
    return replay_bench.latency_summary(text, timings)


def run_latency(
    options: MicroOptions, largest: replay_bench.Trace | None, log: Log
) -> dict[str, Any]:
    if largest is not None:
        text, source = largest.end, f"{largest.name}'s final text"
    else:
        text, source = make_python(options.seed), "a generated Python file"
    log(f"latency: didChange → mirror applied, {options.latency_samples} edits")
    mirror = replay_bench.latency(text, options.latency_samples)
    raw = raw_latency(text, options.latency_samples)
    return {
        "text": source,
        "file_bytes": mirror["file_bytes"],
        "samples": mirror["samples"],
        "mirror": {"median_ms": mirror["median_ms"], "p95_ms": mirror["p95_ms"]},
        "raw": {"median_ms": raw["median_ms"], "p95_ms": raw["p95_ms"]},
        "ratio_median": _ratio(mirror["median_ms"], raw["median_ms"]),
        "ratio_p95": _ratio(mirror["p95_ms"], raw["p95_ms"]),
    }


async def run_diagnostics(options: MicroOptions, log: Log) -> dict[str, Any]:
    command, why = installed_tsls()
    only = ["python", "tsx"] if command else ["python"]
    log(f"diagnostics latency: {', '.join(only)}, {options.diagnostics_edits} edits per server")
    rows = await run_comparisons(
        edits=options.diagnostics_edits,
        warmup=2 if options.quick else 3,
        seed=options.seed,
        only=only,
        tsls=lambda: command,
    )
    tsx = {"ran": True, "typescript_language_server": why} if command else {"skipped": why}
    return {"edits": options.diagnostics_edits, "rows": rows, "tsx": tsx}


#: Writer counts measured beside the 1-writer baseline.
LOAD_WRITERS = (8, 16, 32)
#: Concurrent scripted runs while ``codecrdt.status`` is timed, and their time scale.
STATUS_RUNS = 20
STATUS_TIME_SCALE = 50.0


async def run_load_pair(options: MicroOptions, log: Log) -> dict[str, Any]:
    seconds = options.load_seconds
    result: dict[str, Any] = {}
    for writers in LOAD_WRITERS:
        log(f"load: {writers} writers for {seconds:g} s")
        result[f"writers_{writers}"] = (await run_load(writers=writers, duration=seconds)).to_json()
    log(f"load: 1 writer for {seconds:g} s (baseline)")
    one = (await run_load(writers=1, duration=seconds)).to_json()
    result["writers_1"] = one
    many = result["writers_8"]
    result["ratio_median"] = _ratio(many["latency_median_ms"], one["latency_median_ms"])
    result["ratio_p95"] = _ratio(many["latency_p95_ms"], one["latency_p95_ms"])
    log(f"load: codecrdt.status with {STATUS_RUNS} scripted runs (timeScale {STATUS_TIME_SCALE:g})")
    status = await run_status_load(runs=STATUS_RUNS, time_scale=STATUS_TIME_SCALE)
    result["status"] = status.to_json()
    result["ok"] = all(result[f"writers_{n}"]["ok"] for n in (1, *LOAD_WRITERS)) and status.ok
    return result


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def run(options: MicroOptions, log: Log = _stderr) -> dict[str, Any]:
    """Every part, in order; one JSON-ready object with every figure."""
    started = time.perf_counter()
    result: dict[str, Any] = {
        "benchmark": "codecrdt bench micro",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "quick": options.quick,
        "machine": machine(),
    }
    result["replay"], largest = run_replay(options, log)
    result["latency"] = run_latency(options, largest, log)
    del largest
    result["diagnostics"] = asyncio.run(run_diagnostics(options, log))
    result["load"] = asyncio.run(run_load_pair(options, log))
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["ok"] = _ok(result)
    return result


def _ok(result: dict[str, Any]) -> bool:
    replay_ok = result["replay"].get("all_match_end_content", True)
    ours_ok = all("error" not in row["codecrdt"] for row in result["diagnostics"]["rows"])
    return bool(replay_ok and ours_ok and result["load"]["ok"])


# -- reporting ----------------------------------------------------------------------------


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]
    notes: list[str]
    align: str = ""  # "l" or "r" per column; default: the first left, the others right

    def aligns(self) -> str:
        return self.align or "l" + "r" * (len(self.columns) - 1)


def _f(value: float | None, digits: int = 1, suffix: str = "") -> str:
    return "-" if value is None else f"{value:,.{digits}f}{suffix}"


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}×"


def tables(result: dict[str, Any]) -> list[Table]:
    out = []
    replay = result["replay"]
    if "skipped" in replay:
        out.append(
            Table(
                "1. Replay: document mirror ÷ raw pycrdt", [], [], [f"skipped: {replay['skipped']}"]
            )
        )
    else:
        rows = [
            [
                t["trace"],
                f"{t['edits']:,}",
                _f(t["mirror_s"], 3),
                _f(t["raw_s"], 3),
                _x(t["ratio"]),
                _f(t["mirror_us_per_edit"]),
                _f(t["raw_us_per_edit"]),
                "exact" if t["matches_end_content"] else "DIFFERENT",
            ]
            for t in replay["traces"]
        ]
        notes = [
            f"ratio over the traces: median {_x(replay['ratio_median'])}, "
            f"max {_x(replay['ratio_max'])}"
        ]
        notes += [f"skipped {s}" for s in replay.get("skipped_traces", [])]
        out.append(
            Table(
                "1. Replay: document mirror ÷ raw pycrdt ("
                + (
                    f"median of {replay['repeat']} interleaved runs)"
                    if replay["repeat"] > 1
                    else "one run each)"
                ),
                [
                    "trace",
                    "edits",
                    "mirror s",
                    "raw s",
                    "ratio",
                    "mirror µs/edit",
                    "raw µs/edit",
                    "endContent",
                ],
                rows,
                notes,
                "lrrrrrrl",
            )
        )
    latency = result["latency"]
    out.append(
        Table(
            f"2. didChange → mirror applied: {latency['samples']:,} one-character edits on "
            f"{latency['file_bytes']:,} bytes ({latency['text']})",
            ["", "median ms", "p95 ms"],
            [
                [
                    "mirror (editor bridge)",
                    _f(latency["mirror"]["median_ms"], 4),
                    _f(latency["mirror"]["p95_ms"], 4),
                ],
                [
                    "raw pycrdt insert",
                    _f(latency["raw"]["median_ms"], 4),
                    _f(latency["raw"]["p95_ms"], 4),
                ],
                ["ratio", _x(latency["ratio_median"]), _x(latency["ratio_p95"])],
            ],
            [],
        )
    )
    diagnostics = result["diagnostics"]
    rows, notes = [], []
    for row in diagnostics["rows"]:
        language = f"{row['comparison']} ({row['file_bytes']:,} B)"
        for side in ("codecrdt", "other"):
            s = row[side]
            rows.append(
                [
                    language,
                    s["server"],
                    str(s["samples"]),
                    str(s["timeouts"]),
                    _f(s["median_ms"]),
                    _f(s["p95_ms"]),
                ]
            )
            notes += [f"{row['comparison']}/{s['server']}: {n}" for n in s.get("notes", [])]
            if "error" in s:
                notes.append(f"{row['comparison']}/{s['server']}: ERROR {s['error']}")
        rows.append(
            [
                language,
                "ratio codecrdt ÷ other",
                "",
                "",
                _x(row["ratio_median"]),
                _x(row["ratio_p95"]),
            ]
        )
    if "skipped" in diagnostics["tsx"]:
        notes.append(f"tsx skipped: {diagnostics['tsx']['skipped']}")
    out.append(
        Table(
            f"3. Diagnostics latency: didChange → publishDiagnostics, {diagnostics['edits']} "
            "isolated one-line edits",
            ["file", "server", "n", "t/o", "median ms", "p95 ms"],
            rows,
            notes,
            "llrrrr",
        )
    )
    load = result["load"]
    many, one = load["writers_8"], load["writers_1"]
    rows = []
    measured = [
        (f"{n} writers", load[f"writers_{n}"]) for n in LOAD_WRITERS if f"writers_{n}" in load
    ]
    for label, r in (*measured, ("1 writer (baseline)", one)):
        rows.append(
            [
                label,
                f"{r['stamps_received']}/{r['stamps_written']}",
                _f(r["latency_median_ms"]),
                _f(r["latency_p95_ms"]),
                _f(r["latency_max_ms"]),
                _f(r["server_cpu_percent"], 1, " %"),
                _f(r["chars_per_s_per_writer"], 0),
                "yes" if r["converged"] else "NO",
            ]
        )
    for label, r in measured:
        n = label.split()[0]
        rows.append(
            [
                f"ratio {n} ÷ 1",
                "",
                _x(_ratio(r["latency_median_ms"], one["latency_median_ms"])),
                _x(_ratio(r["latency_p95_ms"], one["latency_p95_ms"])),
                "",
                "",
                "",
                "",
            ]
        )
    notes = [
        f"each writer: one line of {many['chunk_chars']} characters every "
        f"{many['interval_ms']:g} ms (≈ 100 tokens/s of 4 characters), "
        f"{many['chunks_per_writer']} lines; load phase {many['load_s']:g} s (8 writers), "
        f"{one['load_s']:g} s (1 writer), into a {many['file_bytes']:,}-byte Python file",
        f"editor: {many['edits_received']} / {one['edits_received']} applyEdit received, "
        f"{many['edits_refused']} / {one['edits_refused']} refused; its own time per "
        f"applyEdit: median {_f(many['client_apply_median_ms'], 2)} / "
        f"{_f(one['client_apply_median_ms'], 2)} ms",
        "server CPU: user + system time of the server process over the load phase, in % "
        f"of one core; it published diagnostics {many['diagnostics_published']} / "
        f"{one['diagnostics_published']} times meanwhile",
        "every stamp once and in order in the final text: "
        f"{'yes' if many['stamps_once_in_order'] else 'NO'} / "
        f"{'yes' if one['stamps_once_in_order'] else 'NO'}; the file's own text intact "
        f"around the writers' lines: {'yes' if many['text_intact'] else 'NO'} / "
        f"{'yes' if one['text_intact'] else 'NO'}",
    ]
    for label, r in (*measured, ("1 writer", one)):
        notes += [f"{label}: {error}" for error in r["errors"]]
    status = load.get("status")
    if status is not None:
        notes.append(
            f"codecrdt.status with {status['runs']} scripted runs ({status['script']}, "
            f"timeScale {status['time_scale']:g}) writing into {status['runs']} open "
            f"documents, an editor applying every edit: {status['status_requests']} requests, "
            f"median {_f(status['status_median_ms'])} ms, p95 {_f(status['status_p95_ms'])} "
            f"ms, max {_f(status['status_max_ms'])} ms; runs finished "
            f"{status['finished']}/{status['runs']} in {status['runs_s']:g} s, converged "
            f"{status['converged']}/{status['runs']}"
        )
        notes += [f"status: {error}" for error in status["errors"]]
    out.append(
        Table(
            "4. Server under load: edit-to-editor latency, stamped writers → one editor",
            [
                "",
                "stamps recv/written",
                "median ms",
                "p95 ms",
                "max ms",
                "server CPU",
                "chars/s/writer",
                "converged",
            ],
            rows,
            notes,
            "lrrrrrrl",
        )
    )
    return out


def _header(result: dict[str, Any]) -> str:
    m = result["machine"]
    return (
        f"{m['cpu']}, {m['cores']} cores, Python {m['python']}, pycrdt {m['pycrdt']}, "
        f"pygls {m['pygls']}, ruff {m['ruff'] or '-'}; {result['date']}"
        f"{' (--quick)' if result['quick'] else ''}, {result['seconds']} s in all"
    )


def render_text(result: dict[str, Any]) -> str:
    lines = [f"codecrdt bench micro — {_header(result)}", ""]
    for table in tables(result):
        lines.append(table.title)
        if table.columns:
            widths = [
                max(len(cell) for cell in column)
                for column in zip(table.columns, *table.rows, strict=True)
            ]
            for i, row in enumerate([table.columns, *table.rows]):
                cells = [
                    cell.ljust(w) if a == "l" else cell.rjust(w)
                    for cell, w, a in zip(row, widths, table.aligns(), strict=True)
                ]
                lines.append("  " + "  ".join(cells).rstrip())
                if i == 0:
                    lines.append("  " + "-" * (sum(widths) + 2 * (len(widths) - 1)))
        lines += [f"  {note}" for note in table.notes]
        lines.append("")
    lines.append("result: " + ("ok" if result["ok"] else "FAILED (see above)"))
    return "\n".join(lines)


def render_markdown(result: dict[str, Any]) -> str:
    lines = [
        "## Micro-benchmarks (`codecrdt bench micro`)",
        "",
        f"Machine: {_header(result)}. Every figure beside its baseline from the same run.",
        "",
    ]
    for table in tables(result):
        lines += [f"**{table.title}**", ""]
        if table.columns:
            lines.append("| " + " | ".join(table.columns) + " |")
            lines.append(
                "|" + "|".join("---" if a == "l" else "---:" for a in table.aligns()) + "|"
            )
            lines += ["| " + " | ".join(row) + " |" for row in table.rows]
            lines.append("")
        lines += [f"- {note}" for note in table.notes]
        if table.notes:
            lines.append("")
    command = "codecrdt bench micro" + (" --quick" if result["quick"] else "")
    lines += ["Reproduce:", "", "```sh", f"{command} --out DIR", "```", ""]
    return "\n".join(lines)


# -- the command ----------------------------------------------------------------------------


def main(args: argparse.Namespace) -> int:
    traces = args.traces if args.traces is not None else default_traces()
    options = MicroOptions(traces=traces, quick=args.quick)
    result = run(options)
    if args.json:
        print(json.dumps(result))
    else:
        print(render_text(result))
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "micro.json").write_text(json.dumps(result, indent=2) + "\n")
        (args.out / "micro.md").write_text(render_markdown(result))
        _stderr(f"wrote {args.out / 'micro.json'} and {args.out / 'micro.md'}")
    return 0 if result["ok"] else 1
