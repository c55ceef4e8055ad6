"""``codecrdt bench study``: the CodeCRDT paper's study, reproduced, with our own agents.

Tasks × modes × agent counts × trials. Every trial is a real ``codecrdt generate`` run (the
same planning, agents, hub, analysis and file writing as a user's), with the scripted
provider's latency model calibrated to the paper (≈ 280 characters per second per agent,
1.8 s to the first token). Results: ``trials.jsonl`` (one JSON line per trial),
``summary.md`` and PNG plots in the output folder. ``--resume`` skips the trials already
in ``trials.jsonl``.

Clock: by default scripted trials run on a virtual clock (``Clock.virtual()`` of
:mod:`codecrdt.clock` on the loop of :mod:`codecrdt.agents.virtual_time`): modelled delays
take no real time and the host's CPU time does not count, so times are model seconds and a
trial of a minute of model time takes about a second.
``--time-scale F`` runs on the real clock instead, every modelled delay F times faster,
and multiplies measured times by F (the host's CPU time then counts F-fold).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from codecrdt.agents.providers import provider_names
from codecrdt.agents.run import Report
from codecrdt.agents.script import Latency, Script, load_script
from codecrdt.agents.virtual_time import run_virtual
from codecrdt.clock import Clock

__all__ = ["PAPER_TASKS", "PYTHON_TASKS", "StudyOptions", "add_arguments", "run_study"]

#: Our task name → the paper's (``shared/data/codecrdt-paper-results.csv``).
PAPER_TASKS = {
    "tic-tac-toe": "tic_tac_toe",
    "registration-page": "registration_page",
    "markdown-editor": "markdown_editor",
    "pomodoro-timer": "pomodoro_timer",
    "analytics-dashboard": "dashboard",
    "algorithm-visualizer": "algorithm_visualizer",
}
PYTHON_TASKS = (
    "inventory-cli",
    "csv-pipeline",
    "http-client",
    "tiny-interpreter",
    "cache-policies",
    "job-scheduler",
)
DEFAULT_AGENTS = (1, 2, 3, 5, 8, 16)

#: The paper's published medians (50 runs per task and mode), from the CSV in shared/data.
PAPER_RESULTS: dict[str, dict[str, dict[str, float]]] = {
    "algorithm_visualizer": {
        "parallel": {"response_s": 99.4, "chars": 58545, "chars_per_s": 569},
        "sequential": {"response_s": 64.3, "chars": 18371, "chars_per_s": 284},
    },
    "dashboard": {
        "parallel": {"response_s": 84.3, "chars": 39087, "chars_per_s": 462},
        "sequential": {"response_s": 64.3, "chars": 18548, "chars_per_s": 291},
    },
    "markdown_editor": {
        "parallel": {"response_s": 64.3, "chars": 15650, "chars_per_s": 239},
        "sequential": {"response_s": 69.3, "chars": 18707, "chars_per_s": 266},
    },
    "pomodoro_timer": {
        "parallel": {"response_s": 79.3, "chars": 23512, "chars_per_s": 300},
        "sequential": {"response_s": 54.3, "chars": 15038, "chars_per_s": 265},
    },
    "registration_page": {
        "parallel": {"response_s": 49.3, "chars": 18787, "chars_per_s": 359},
        "sequential": {"response_s": 54.3, "chars": 17219, "chars_per_s": 317},
    },
    "tic_tac_toe": {
        "parallel": {"response_s": 35.8, "chars": 11315, "chars_per_s": 321},
        "sequential": {"response_s": 44.4, "chars": 12842, "chars_per_s": 289},
    },
}
PAPER_AGENTS = 5  # the paper's parallel runs used up to five agents

#: TypeScript's codes for a name declared twice.
TSC_DUPLICATE_CODES = ("TS2300", "TS2451", "TS2393", "TS2323")


@dataclass(frozen=True)
class StudyOptions:
    tasks: tuple[str, ...]
    agents: tuple[int, ...]
    trials: int
    out: Path
    resume: bool = False
    time_scale: float | None = None  # None: virtual clock
    ttft_s: float = 1.8
    chars_per_s: float = 280.0
    jitter: float = 0.25
    provider: str = "scripted"
    model: str | None = None
    base_url: str | None = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tasks", help="comma-separated task names (default: all twelve)")
    parser.add_argument(
        "--agents", help="comma-separated implementer counts (default: 1,2,3,5,8,16)"
    )
    parser.add_argument("--trials", type=int, default=5, help="trials per cell (default 5)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--resume", action="store_true", help="skip trials already done")
    parser.add_argument(
        "--time-scale",
        type=float,
        help="run on the real clock, modelled delays this many times faster (default: a "
        "virtual clock, where the host's CPU time does not count)",
    )
    parser.add_argument("--ttft", type=float, default=1.8, help="time to first token (s)")
    parser.add_argument("--rate", type=float, default=280.0, help="characters per second per agent")
    parser.add_argument("--jitter", type=float, default=0.25, help="relative delay spread")
    parser.add_argument(
        "--provider",
        choices=provider_names(),
        default="scripted",
        help="real providers run the same study on the real clock (needs a key/endpoint)",
    )
    parser.add_argument("--model")
    parser.add_argument("--base-url")


def options_from(args: argparse.Namespace) -> StudyOptions:
    tasks = (
        tuple(t.strip() for t in args.tasks.split(",") if t.strip())
        if args.tasks
        else tuple(PAPER_TASKS) + PYTHON_TASKS
    )
    agents = (
        tuple(int(a) for a in args.agents.split(",") if a.strip())
        if args.agents
        else DEFAULT_AGENTS
    )
    return StudyOptions(
        tasks=tasks,
        agents=agents,
        trials=args.trials,
        out=args.out,
        resume=args.resume,
        time_scale=args.time_scale,
        ttft_s=args.ttft,
        chars_per_s=args.rate,
        jitter=args.jitter,
        provider=args.provider,
        model=args.model,
        base_url=args.base_url,
    )


# -- one trial ----------------------------------------------------------------------


def trial_seed(task: str, trial: int) -> int:
    digest = hashlib.sha256(f"{task}:{trial}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def _run_generate(
    script: Script, mode: str, agents: int, seed: int, options: StudyOptions, folder: Path
) -> tuple[Report, str, Path]:
    """One ``codecrdt generate`` run; returns its report, final text and file."""
    from codecrdt.generate import generate_file, prepare_output
    from codecrdt.request import RunRequest

    suffix = Path(script.file).suffix or ".txt"
    name = f"{script.name}-{mode}-k{agents}-s{seed}{suffix}"
    out = folder / name
    if out.exists():
        out.unlink()
    request = RunRequest.build(
        spec=script.spec,
        language=script.language,
        provider=options.provider,
        script=script if options.provider == "scripted" else None,
        model=options.model,
        base_url=options.base_url,
        agents=agents,
        mode=mode,
        seed=seed,
        time_scale=options.time_scale or 1.0,
        latency=Latency(options.ttft_s, options.chars_per_s, options.jitter),
        target=name,
    )
    virtual = options.provider == "scripted" and options.time_scale is None
    clock = Clock.virtual() if virtual else None  # else a real clock at the time scale
    run = generate_file(request, prepare_output(Path(name), folder), clock=clock)
    report = run_virtual(run) if virtual else asyncio.run(run)
    return report, out.read_text(encoding="utf-8"), out


def lower_bound(report: Report, agents: int) -> float:
    """The makespan no schedule can beat, from the report's timeline.

    The largest of: the outline's end; each TODO's appearance plus its own writing time
    (claimed → done); the total TODO writing time divided by the implementers.
    """
    timeline = report.timeline
    outline_end = float(timeline.get("outline", {}).get("end_s") or 0.0)
    bounds = [outline_end]
    total = 0.0
    for todo in timeline.get("todos", []):
        if todo.get("claimed_s") is None or todo.get("done_s") is None:
            continue
        writing = float(todo["done_s"]) - float(todo["claimed_s"])
        total += writing
        bounds.append(float(todo["appeared_s"]) + writing)
    bounds.append(total / max(agents, 1))
    return max(bounds)


class _Checker:
    """Checks of final files (cached by content: prepared output often repeats)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], dict[str, Any]] = {}
        home = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        local_tsc = home / "codecrdt" / "tsc-5" / "node_modules" / ".bin" / "tsc"
        self.tsc = str(local_tsc) if local_tsc.exists() else shutil.which("tsc")
        self.ruff = shutil.which("ruff")

    def check(self, language: str, text: str) -> dict[str, Any]:
        key = (language, hashlib.sha256(text.encode()).hexdigest())
        if key not in self._cache:
            self._cache[key] = self._check(language, text)
        return self._cache[key]

    def _check(self, language: str, text: str) -> dict[str, Any]:
        import tree_sitter

        from codecrdt.analysis.languages import language_named

        spec = language_named(language)
        assert spec is not None
        tree = tree_sitter.Parser(spec.tree_sitter).parse(text.encode())
        result: dict[str, Any] = {"parses": not tree.root_node.has_error}
        with tempfile.TemporaryDirectory() as folder:
            if language == "python":
                path = Path(folder) / "final.py"
                path.write_text(text, encoding="utf-8")
                if self.ruff:
                    done = subprocess.run(
                        [self.ruff, "check", "--select", "F", "--no-cache", "-q", str(path)],
                        capture_output=True,
                        text=True,
                        check=False,
                    )
                    result["ruff_f_clean"] = done.returncode == 0
                else:
                    result["ruff_f_clean"] = None
            elif language in ("tsx", "typescript") and self.tsc:
                path = Path(folder) / ("final.tsx" if language == "tsx" else "final.ts")
                path.write_text(text, encoding="utf-8")
                done = subprocess.run(
                    [self.tsc, "--noEmit", "--jsx", "preserve", "--skipLibCheck", str(path)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                result["tsc_duplicate_errors"] = sum(
                    done.stdout.count(f"error {code}:") for code in TSC_DUPLICATE_CODES
                )
            else:
                result["tsc_duplicate_errors"] = None
        return result


def trial_record(
    task: str, mode: str, agents: int, trial: int, seed: int, report: Report, scale: float
) -> dict[str, Any]:
    makespan = report.wall_s * scale
    bound = lower_bound(report, agents if mode == "parallel" else 1) * scale
    return {
        "task": task,
        "mode": mode,
        "agents": agents,
        "trial": trial,
        "seed": seed,
        "makespan_s": round(makespan, 3),
        "lower_bound_s": round(bound, 3),
        "efficiency": round(bound / makespan, 4) if makespan else None,
        "speedup": None,
        "ttft_s": None if report.ttft_s is None else round(report.ttft_s * scale, 3),
        "chars": report.chars,
        "tokens": report.tokens,
        "chars_per_s": round(report.chars / makespan, 1) if makespan else None,
        "todos": len(report.todos),
        "claims": sum(t["attempts"] for t in report.todos),
        "retries": report.retries,
        "double_claims": report.double_claims,
        "lost_todos": report.lost_todos,
        "conflicts_found": report.conflicts.get("found", 0),
        "conflicts_fixed_deterministic": report.conflicts.get("fixed_deterministic", 0),
        "conflicts_fixed_model": report.conflicts.get("fixed_model", 0),
        "conflicts_left": report.conflicts.get("left", 0),
        "converged": report.converged,
        "stopped_by": report.stopped_by,
    }


# -- the study ----------------------------------------------------------------------


def _cells(options: StudyOptions) -> list[tuple[str, str, int, int]]:
    cells = []
    for task in options.tasks:
        for trial in range(options.trials):
            cells.append((task, "sequential", 1, trial))
            for agents in options.agents:
                cells.append((task, "parallel", agents, trial))
    return cells


def _load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def run_study(options: StudyOptions, console: Console | None = None) -> list[dict[str, Any]]:
    console = console or Console(stderr=True)
    out = options.out
    files = out / "files"
    files.mkdir(parents=True, exist_ok=True)
    trials_path = out / "trials.jsonl"
    if not options.resume and trials_path.exists():
        trials_path.unlink()
    rows = _load(trials_path)
    done = {(r["task"], r["mode"], r["agents"], r["trial"]) for r in rows}
    scripts = {task: load_script(task) for task in options.tasks}
    checker = _Checker()
    scale = options.time_scale or 1.0
    cells = _cells(options)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    with progress, trials_path.open("a", encoding="utf-8") as sink:
        bar = progress.add_task("study", total=len(cells), completed=len(done))
        for task, mode, agents, trial in cells:
            if (task, mode, agents, trial) in done:
                continue
            progress.update(bar, description=f"{task} {mode} k={agents} #{trial}")
            script = scripts[task]
            seed = trial_seed(task, trial)
            report, text, _path = _run_generate(script, mode, agents, seed, options, files)
            row = trial_record(task, mode, agents, trial, seed, report, scale)
            row.update(checker.check(script.language, text))
            sink.write(json.dumps(row) + "\n")
            sink.flush()
            rows.append(row)
            progress.advance(bar)
    rows = _with_speedups(rows)
    trials_path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    write_summary(rows, options, out)
    return rows


def _with_speedups(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sequential = {
        (r["task"], r["trial"]): r["makespan_s"] for r in rows if r["mode"] == "sequential"
    }
    for row in rows:
        baseline = sequential.get((row["task"], row["trial"]))
        if baseline and row["makespan_s"]:
            row["speedup"] = round(baseline / row["makespan_s"], 3)
    return rows


# -- summary and plots ------------------------------------------------------------------


def _median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def summarize(rows: list[dict[str, Any]]) -> dict[tuple[str, str, int], dict[str, Any]]:
    cells: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for row in rows:
        cells.setdefault((row["task"], row["mode"], row["agents"]), []).append(row)
    summary = {}
    for key, group in cells.items():
        summary[key] = {
            "trials": len(group),
            "makespan_s": _median([r["makespan_s"] for r in group]),
            "speedup": _median([r["speedup"] for r in group]),
            "efficiency": _median([r["efficiency"] for r in group]),
            "min_efficiency": min(
                (r["efficiency"] for r in group if r["efficiency"]), default=None
            ),
            "chars_per_s": _median([r["chars_per_s"] for r in group]),
            "double_claims": sum(r["double_claims"] for r in group),
            "lost_todos": sum(r["lost_todos"] for r in group),
            "conflicts_left": sum(r["conflicts_left"] for r in group),
            "converged": all(r["converged"] for r in group),
            "tsc_duplicate_errors": sum(r.get("tsc_duplicate_errors") or 0 for r in group),
            "parses": all(r.get("parses", True) for r in group),
        }
    return summary


def write_summary(rows: list[dict[str, Any]], options: StudyOptions, out: Path) -> None:
    summary = summarize(rows)
    tasks = list(dict.fromkeys(r["task"] for r in rows))
    ks = sorted({r["agents"] for r in rows if r["mode"] == "parallel"})
    clock = (
        "virtual clock (model seconds; host CPU time not counted)"
        if options.time_scale is None
        else f"real clock, delays {options.time_scale:g}× faster (times in model seconds)"
    )
    lines = [
        "# CodeCRDT study",
        "",
        f"{len(rows)} trials; latency model: {options.ttft_s:g} s to the first token, "
        f"{options.chars_per_s:g} characters/s per agent, ±{options.jitter:.0%} jitter; "
        f"{clock}; provider {options.provider}.",
        "",
        "## Speedup over one sequential agent (median of trials)",
        "",
        "| task | sequential s | " + " | ".join(f"k={k}" for k in ks) + " |",
        "|---|---|" + "---|" * len(ks),
    ]
    for task in tasks:
        seq = summary.get((task, "sequential", 1), {})
        cells = [_fmt(summary.get((task, "parallel", k), {}).get("speedup")) for k in ks]
        lines.append(f"| {task} | {_fmt(seq.get('makespan_s'), 1)} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Scheduling efficiency: lower bound ÷ makespan (median; minimum in brackets)",
        "",
        "| task | " + " | ".join(f"k={k}" for k in ks) + " |",
        "|---|" + "---|" * len(ks),
    ]
    for task in tasks:
        cells = []
        for k in ks:
            cell = summary.get((task, "parallel", k), {})
            cells.append(f"{_fmt(cell.get('efficiency'))} ({_fmt(cell.get('min_efficiency'))})")
        lines.append(f"| {task} | " + " | ".join(cells) + " |")
    totals = {
        "double": sum(r["double_claims"] for r in rows),
        "lost": sum(r["lost_todos"] for r in rows),
        "left": sum(r["conflicts_left"] for r in rows),
        "diverged": sum(1 for r in rows if not r["converged"]),
        "unparsed": sum(1 for r in rows if not r.get("parses", True)),
        "tsc": sum(r.get("tsc_duplicate_errors") or 0 for r in rows),
        "ruff": sum(1 for r in rows if r.get("ruff_f_clean") is False),
    }
    lines += [
        "",
        "## Invariants over all trials",
        "",
        f"- TODOs implemented twice: {totals['double']}; lost: {totals['lost']}",
        f"- conflicts left after the Evaluator: {totals['left']}",
        f"- runs whose replicas diverged: {totals['diverged']}",
        f"- final files that do not parse: {totals['unparsed']}; TSX files with `tsc` "
        f"duplicate-identifier errors: {totals['tsc']}; Python files failing "
        f"`ruff check --select F`: {totals['ruff']}",
    ]
    paper_rows = _paper_table(summary)
    if paper_rows:
        lines += [
            "",
            f"## Paper vs CodeCRDT (k = {PAPER_AGENTS})",
            "",
            "Paper: medians of 50 runs per mode; its speedup is sequential ÷ parallel "
            "response time, its throughput ratio parallel ÷ sequential characters per "
            "second. CodeCRDT: medians of this study's trials.",
            "",
            "| task | paper speedup | paper throughput ratio | CodeCRDT speedup | "
            "CodeCRDT throughput ratio | CodeCRDT efficiency |",
            "|---|---|---|---|---|---|",
            *paper_rows,
        ]
    plots = write_plots(summary, tasks, ks, out)
    if plots:
        lines += ["", "## Plots", ""] + [f"![{p.stem}]({p.name})" for p in plots]
    (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _paper_table(summary: dict[tuple[str, str, int], dict[str, Any]]) -> list[str]:
    rows = []
    for task, paper_name in PAPER_TASKS.items():
        ours = summary.get((task, "parallel", PAPER_AGENTS))
        seq = summary.get((task, "sequential", 1))
        if ours is None or seq is None:
            continue
        paper = PAPER_RESULTS[paper_name]
        paper_speedup = paper["sequential"]["response_s"] / paper["parallel"]["response_s"]
        paper_ratio = paper["parallel"]["chars_per_s"] / paper["sequential"]["chars_per_s"]
        ratio = (
            ours["chars_per_s"] / seq["chars_per_s"]
            if ours.get("chars_per_s") and seq.get("chars_per_s")
            else None
        )
        rows.append(
            f"| {task} | {paper_speedup:.2f} | {paper_ratio:.2f} | {_fmt(ours['speedup'])} | "
            f"{_fmt(ratio)} | {_fmt(ours['efficiency'])} |"
        )
    return rows


def write_plots(
    summary: dict[tuple[str, str, int], dict[str, Any]], tasks: list[str], ks: list[int], out: Path
) -> list[Path]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # the bench extra is not installed: tables only
        return []
    paths = []
    for metric, title, ideal in (
        ("speedup", "Speedup over one sequential agent", "k"),
        ("efficiency", "Scheduling efficiency (lower bound ÷ makespan)", 0.9),
    ):
        figure, axes = plt.subplots(figsize=(8, 5))
        for task in tasks:
            values = [summary.get((task, "parallel", k), {}).get(metric) for k in ks]
            axes.plot(ks, values, marker="o", label=task)
        if ideal == "k":
            axes.plot(ks, ks, linestyle=":", color="grey", label="ideal (k)")
            for task, paper_name in PAPER_TASKS.items():
                if task not in tasks:
                    continue
                paper = PAPER_RESULTS[paper_name]
                ratio = paper["parallel"]["chars_per_s"] / paper["sequential"]["chars_per_s"]
                speed = paper["sequential"]["response_s"] / paper["parallel"]["response_s"]
                axes.scatter([PAPER_AGENTS], [speed], marker="x", color="black")
                axes.scatter([PAPER_AGENTS], [ratio], marker="*", color="black")
            axes.scatter([], [], marker="x", color="black", label="paper: speedup")
            axes.scatter([], [], marker="*", color="black", label="paper: throughput ratio")
        else:
            axes.axhline(ideal, linestyle=":", color="grey", label=f"bar ({ideal})")
            axes.set_ylim(0, 1.05)
        axes.set_xlabel("implementers (k)")
        axes.set_ylabel(metric)
        axes.set_title(title)
        axes.set_xticks(ks)
        axes.legend(fontsize=7, ncol=2)
        figure.tight_layout()
        path = out / f"{metric}.png"
        figure.savefig(path, dpi=120)
        plt.close(figure)
        paths.append(path)
    return paths
