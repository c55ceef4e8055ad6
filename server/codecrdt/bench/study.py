"""``codecrdt bench study``: the CodeCRDT paper's study, reproduced, with our own agents.

Tasks × modes × agent counts × trials. Every trial is a real ``codecrdt generate`` run (the
same planning, agents, hub, analysis and file writing as a user's). With the scripted
provider it is a simulation: prepared code streamed through the latency model of
:class:`~codecrdt.agents.script.Latency` (``--latency-preset`` and one option per
parameter), and every table and plot says so. Results: ``trials.jsonl`` (one JSON line per
trial), ``summary.md`` and PNG plots in the output folder; ``--sensitivity`` adds the
speedup at k = 5 as each latency parameter moves (:mod:`codecrdt.bench.sensitivity`).
``--resume`` skips the trials already in ``trials.jsonl``. Every final file is also run
against its task's functional tests (:mod:`codecrdt.bench.functional`: a Python task's
pytest file, a TSX task's type check and render): tests passed per trial and mode. A check
whose tool is missing (ruff, tsc, pytest, node, React's packages) is recorded as not
measured (null, with the reason in ``not_measured``).

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
import contextlib
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from codecrdt.agents.providers import pricing, provider_names
from codecrdt.agents.providers.base import Usage
from codecrdt.agents.run import Report
from codecrdt.agents.script import LATENCY_PRESETS, Latency, Script, load_script, parse_growth
from codecrdt.agents.virtual_time import run_virtual
from codecrdt.bench import functional
from codecrdt.bench.bound import Bound, Job, makespan_bound
from codecrdt.clock import Clock

__all__ = [
    "PAPER_TASKS",
    "PYTHON_TASKS",
    "StudyOptions",
    "add_arguments",
    "run_generate_trial",
    "run_study",
]

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
#: The default tasks and agent counts with a real provider: small modules whose specs name
#: every signature (their tests can hold a model's module to them), at counts a local
#: server's slots can serve.
REAL_MODEL_TASKS = ("wordstats", "temperatures", "shopping-cart")
REAL_MODEL_AGENTS = (2, 3)
#: With a real provider, every answer is capped at this many tokens unless
#: ``--max-output-tokens`` says otherwise: a small model can repeat itself until its
#: context is full (minutes on a CPU).
REAL_MODEL_MAX_OUTPUT_TOKENS = 1024

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
    latency: Latency = LATENCY_PRESETS["hosted"]
    preset: str = "hosted"
    provider: str = "scripted"
    model: str | None = None
    base_url: str | None = None
    #: Scripted runs cost nothing; their tokens are priced as this model's.
    price_model: str = "claude-sonnet-4-5"
    sensitivity: bool = False
    sensitivity_tasks: tuple[str, ...] = ("tic-tac-toe", "csv-pipeline")
    sensitivity_trials: int = 1
    #: Also run ``--mode auto`` at each agent count (beside sequential and parallel).
    auto: bool = False
    #: Caps every answer (real providers; the scripted one plays its prepared text).
    max_output_tokens: int | None = None
    #: An OpenAI-compatible provider's sampling temperature (None: 0), sent with the
    #: trial's seed, so that the modes' trials on one seed sample alike; Anthropic's API
    #: takes neither.
    temperature: float | None = None

    @property
    def simulated(self) -> bool:
        return self.provider == "scripted"


#: Latency options: (flag, Latency field, help). Unset ones keep the preset's value.
LATENCY_OPTIONS: tuple[tuple[str, str, type, str], ...] = (
    ("--ttft", "ttft_s", float, "base first-token time, s"),
    ("--prefill-rate", "prefill_tokens_per_s", float, "prefill, input tokens/s (0: free)"),
    (
        "--cached-rate",
        "cached_tokens_per_s",
        float,
        "cached-prefix prefill, tokens/s (0: no cache)",
    ),
    ("--stream-rate", "tokens_per_s", float, "output tokens/s per stream"),
    ("--capacity", "capacity_tokens_per_s", float, "output tokens/s of all streams (0: unlimited)"),
    ("--max-streams", "max_streams", int, "concurrent streams; beyond: 429 (0: unlimited)"),
    ("--growth", "growth", str, "parallel TODOs' extra output: X, uniform:LO,HI, normal:MEAN,SD"),
    ("--jitter", "jitter", float, "relative spread of every delay"),
)


def latency_from(args: argparse.Namespace) -> Latency:
    """The preset named by ``--latency-preset`` with every option given on top."""
    latency = LATENCY_PRESETS[args.latency_preset]
    changes: dict[str, Any] = {}
    for flag, name, _kind, _help in LATENCY_OPTIONS:
        value = getattr(args, flag[2:].replace("-", "_"))
        if value is None:
            continue
        if name == "tokens_per_s":
            changes["chars_per_s"] = value * latency.chars_per_token
        else:
            changes[name] = value
    if args.shared_prefill is not None:
        changes["shared_prefill"] = args.shared_prefill
    return replace(latency, **changes)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tasks",
        help="comma-separated task names (default: the twelve large tasks; with a real "
        "provider: " + ",".join(REAL_MODEL_TASKS) + ")",
    )
    parser.add_argument(
        "--agents", help="comma-separated implementer counts (default: 1,2,3,5,8,16)"
    )
    parser.add_argument("--trials", type=int, default=5, help="trials per cell (default 5)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--resume", action="store_true", help="skip trials already done")
    parser.add_argument(
        "--auto",
        action="store_true",
        help="also run --mode auto at each agent count: the mode it chose, and its makespan "
        "beside the faster of sequential and parallel",
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        help="run on the real clock, modelled delays this many times faster (default: a "
        "virtual clock, where the host's CPU time does not count)",
    )
    parser.add_argument(
        "--latency-preset",
        choices=sorted(LATENCY_PRESETS),
        default="hosted",
        help="the scripted provider's latency model (default: hosted); the options below "
        "change one parameter of it (docs/benchmarks.md)",
    )
    for flag, _name, kind, text in LATENCY_OPTIONS:
        if kind is str:
            parser.add_argument(flag, type=_growth_arg, help=text)
        else:
            parser.add_argument(flag, type=kind, help=text)
    parser.add_argument(
        "--shared-prefill",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="concurrent requests share the prefill rate (a local server's one batch)",
    )
    parser.add_argument(
        "--price-as",
        default="claude-sonnet-4-5",
        metavar="MODEL",
        help="price the simulated tokens as this model's (default claude-sonnet-4-5)",
    )
    parser.add_argument(
        "--sensitivity",
        action="store_true",
        help="also run the sensitivity sweep: speedup at k = 5 as each latency parameter "
        "moves, and the break-even points",
    )
    parser.add_argument(
        "--sensitivity-tasks",
        default="tic-tac-toe,csv-pipeline",
        help="tasks of the sweep (default tic-tac-toe,csv-pipeline)",
    )
    parser.add_argument(
        "--sensitivity-trials", type=int, default=1, help="trials per sweep point (default 1)"
    )
    parser.add_argument(
        "--provider",
        choices=provider_names(),
        default="scripted",
        help="real providers run the same study on the real clock (needs a key/endpoint)",
    )
    parser.add_argument("--model")
    parser.add_argument("--base-url")
    parser.add_argument(
        "--max-output-tokens",
        type=int,
        help="cap on every answer's tokens with a real provider "
        f"(default {REAL_MODEL_MAX_OUTPUT_TOKENS})",
    )
    parser.add_argument(
        "--temperature",
        type=float,
        help="sampling temperature of an OpenAI-compatible provider (default 0), sent with "
        "the trial's seed (Anthropic's API takes neither)",
    )


def _growth_arg(value: str) -> str:
    try:
        parse_growth(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return value


def options_from(args: argparse.Namespace) -> StudyOptions:
    real = args.provider != "scripted"
    tasks = (
        tuple(t.strip() for t in args.tasks.split(",") if t.strip())
        if args.tasks
        else REAL_MODEL_TASKS
        if real
        else tuple(PAPER_TASKS) + PYTHON_TASKS
    )
    agents = (
        tuple(int(a) for a in args.agents.split(",") if a.strip())
        if args.agents
        else REAL_MODEL_AGENTS
        if real
        else DEFAULT_AGENTS
    )
    max_output = args.max_output_tokens
    if max_output is None and real:
        max_output = REAL_MODEL_MAX_OUTPUT_TOKENS
    return StudyOptions(
        tasks=tasks,
        agents=agents,
        trials=args.trials,
        out=args.out,
        resume=args.resume,
        time_scale=args.time_scale,
        latency=latency_from(args),
        preset=args.latency_preset,
        provider=args.provider,
        model=args.model,
        base_url=args.base_url,
        price_model=args.price_as,
        sensitivity=args.sensitivity,
        sensitivity_trials=args.sensitivity_trials,
        auto=args.auto,
        max_output_tokens=max_output,
        temperature=args.temperature,
        sensitivity_tasks=tuple(t.strip() for t in args.sensitivity_tasks.split(",") if t.strip()),
    )


# -- one trial ----------------------------------------------------------------------


def trial_seed(task: str, trial: int) -> int:
    digest = hashlib.sha256(f"{task}:{trial}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def run_generate_trial(
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
    scripted = options.provider == "scripted"
    request = RunRequest.build(
        spec=script.spec,
        language=script.language,
        provider="scripted" if scripted else options.provider,
        script=script if scripted else None,
        model=options.model,
        base_url=options.base_url,
        agents=agents,
        mode=mode,
        seed=seed,
        time_scale=options.time_scale or 1.0,
        latency=options.latency if scripted else None,
        target=name,
        max_output_tokens=None if scripted else options.max_output_tokens,
        temperature=options.temperature,
    )
    virtual = scripted and options.time_scale is None
    clock = Clock.virtual() if virtual else None  # else a real clock at the time scale
    run = generate_file(request, prepare_output(Path(name), folder), clock=clock)
    report = run_virtual(run) if virtual else asyncio.run(run)
    return report, out.read_text(encoding="utf-8"), out


def lower_bound(report: Report, agents: int) -> float:
    """The makespan no schedule can beat, from the report's timeline
    (:mod:`codecrdt.bench.bound`): each TODO a job released when it appeared, taking its
    writing time (claimed → done), on ``agents`` implementers; and the outline's end."""
    return timeline_bound(report, agents).value


def timeline_bound(report: Report, agents: int) -> Bound:
    """:func:`lower_bound` with its terms."""
    timeline = report.timeline
    outline_end = float(timeline.get("outline", {}).get("end_s") or 0.0)
    jobs = [
        Job(float(todo["appeared_s"]), float(todo["done_s"]) - float(todo["claimed_s"]))
        for todo in timeline.get("todos", [])
        if todo.get("claimed_s") is not None
        and todo.get("done_s") is not None
        and todo.get("appeared_s") is not None
    ]
    return makespan_bound(jobs, agents, outline_end)


class _Checker:
    """Checks of final files (cached by content: prepared output often repeats).

    A check whose tool is not installed is not measured: its field is None and
    ``not_measured`` names the field and why — never a pass.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], dict[str, Any]] = {}
        self._tests: dict[tuple[str, str], functional.FunctionalResult] = {}
        home = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
        local_tsc = home / "codecrdt" / "tsc-5" / "node_modules" / ".bin" / "tsc"
        self.tsc = str(local_tsc) if local_tsc.exists() else shutil.which("tsc")
        self.ruff = shutil.which("ruff")

    def tests(self, script: Script, text: str) -> functional.FunctionalResult:
        """The task's functional tests on ``text`` (:mod:`codecrdt.bench.functional`)."""
        key = (f"tests:{script.name}", hashlib.sha256(text.encode()).hexdigest())
        if key not in self._tests:
            self._tests[key] = functional.check_file(script, text)
        return self._tests[key]

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
        result: dict[str, Any] = {"parses": not tree.root_node.has_error, "not_measured": {}}
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
                    result["not_measured"]["ruff_f_clean"] = "ruff not found on PATH"
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
            elif language in ("tsx", "typescript"):
                result["tsc_duplicate_errors"] = None
                result["not_measured"]["tsc_duplicate_errors"] = (
                    "tsc not found (scripts/install-tsc.sh installs it)"
                )
        return result


def trial_cost(report: Report, options: StudyOptions) -> float | None:
    """What the trial's tokens cost: a real provider's own figure, or for the scripted
    provider the price of its tokens on ``options.price_model``."""
    if not options.simulated:
        return report.cost_usd
    usage = Usage(
        input_tokens=report.usage.get("input_tokens", 0),
        output_tokens=report.usage.get("output_tokens", 0),
        cache_read_tokens=report.usage.get("cache_read_tokens", 0),
        cache_write_tokens=report.usage.get("cache_write_tokens", 0),
    )
    value = pricing.cost(options.price_model, usage)
    return None if value is None else round(value, 6)


def trial_record(
    task: str,
    mode: str,
    agents: int,
    trial: int,
    seed: int,
    report: Report,
    scale: float,
    options: StudyOptions | None = None,
) -> dict[str, Any]:
    options = options or StudyOptions(tasks=(), agents=(), trials=0, out=Path())
    cached = report.usage.get("cache_read_tokens", 0)
    makespan = report.wall_s * scale
    terms = timeline_bound(report, agents if report.mode == "parallel" else 1)
    bound = terms.value * scale
    return {
        "task": task,
        "mode": mode,
        "agents": agents,
        "trial": trial,
        "seed": seed,
        "makespan_s": round(makespan, 3),
        "lower_bound_s": round(bound, 3),
        "lower_bound_term": terms.binding,  # which term of the bound is the largest
        "efficiency": round(bound / makespan, 4) if makespan else None,
        "speedup": None,
        "ttft_s": None if report.ttft_s is None else round(report.ttft_s * scale, 3),
        "chars": report.chars,
        "tokens": report.tokens,
        # input tokens in all (the cached ones among them), output tokens, cost in USD
        "input_tokens": report.usage.get("input_tokens", 0) + cached,
        "cached_input_tokens": cached,
        "output_tokens": report.usage.get("output_tokens", 0),
        "cost_usd": trial_cost(report, options),
        "chars_per_s": round(report.chars / makespan, 1) if makespan else None,
        "todos": len(report.todos),
        "claims": sum(t["attempts"] for t in report.todos),
        "retries": report.retries,
        "double_claims": report.double_claims,
        "lost_todos": report.lost_todos,
        "conflicts_found": report.conflicts.get("found", 0),
        # distinct conflicts fixed (a subset of the found ones), by how the last fix was
        # made; the fixes applied, which count a conflict fixed again each time
        "conflicts_fixed_deterministic": report.conflicts.get("fixed_conflicts_deterministic", 0),
        "conflicts_fixed_model": report.conflicts.get("fixed_conflicts_model", 0),
        "fixes_deterministic": report.conflicts.get("fixed_deterministic", 0),
        "fixes_model": report.conflicts.get("fixed_model", 0),
        "conflicts_left": report.conflicts.get("left", 0),
        # declarations kept out of other TODOs' lanes as they streamed (agents.md)
        "prevented": report.prevented,
        # lines of answers that echoed their request, not written (agents.md)
        "echo_dropped": report.echo_dropped,
        "plan_off_spec": len(report.plan_off_spec),
        "converged": report.converged,
        "stopped_by": report.stopped_by,
        # mode "auto": the mode it ran, and why
        "chosen": report.mode,
        "auto_reason": (report.mode_choice or {}).get("reason"),
    }


# -- the study ----------------------------------------------------------------------


def _cells(options: StudyOptions) -> list[tuple[str, str, int, int]]:
    cells = []
    for task in options.tasks:
        for trial in range(options.trials):
            cells.append((task, "sequential", 1, trial))
            for agents in options.agents:
                cells.append((task, "parallel", agents, trial))
                if options.auto:
                    cells.append((task, "auto", agents, trial))
    return cells


def _load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


#: The sensitivity sweep (:func:`codecrdt.bench.sensitivity.sweep`): its summary lines.
Sweep = Callable[[StudyOptions, Console], list[str]]


def run_study(
    options: StudyOptions, console: Console | None = None, sweep: Sweep | None = None
) -> list[dict[str, Any]]:
    """Run the study's trials, then (``options.sensitivity``) ``sweep``; write the
    summary and plots."""
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
            report, text, _path = run_generate_trial(script, mode, agents, seed, options, files)
            row = trial_record(task, mode, agents, trial, seed, report, scale, options)
            row.update(checker.check(script.language, text))
            tests = checker.tests(script, text)
            row.update(functional.record_fields(tests))
            if not tests.measured:
                row["not_measured"] = {**row["not_measured"], functional.FIELD: tests.not_measured}
            sink.write(json.dumps(row) + "\n")
            sink.flush()
            rows.append(row)
            progress.advance(bar)
    rows = _with_speedups(rows)
    trials_path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    lines: list[str] = []
    if options.sensitivity and sweep is not None:
        lines = sweep(options, console)
        (out / "sensitivity.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif (out / "sensitivity.md").exists() and options.resume:
        lines = (out / "sensitivity.md").read_text(encoding="utf-8").splitlines()
    write_summary(rows, options, out, lines)
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

#: What the simulation leaves out, in one sentence (summary and docs).
LEFT_OUT = (
    "The simulation plays back prepared, correct code: it leaves out what a real model "
    "does differently when several write at once (declarations written twice, code of "
    "other TODOs, fixes that do not hold, answers of another length than the modelled "
    "growth) and a real server's queueing beyond this latency model."
)


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _count_check(group: list[dict[str, Any]], field: str, failing: Any) -> dict[str, int]:
    """How many of ``group`` passed, failed and were not measured on ``field``."""
    counts = {"passed": 0, "failed": 0, "not_measured": 0}
    for row in group:
        if field not in row:
            continue
        value = row[field]
        if value is None:
            counts["not_measured"] += 1
        elif failing(value):
            counts["failed"] += 1
        else:
            counts["passed"] += 1
    return counts


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
            "tsc": _count_check(group, "tsc_duplicate_errors", lambda v: v > 0),
            "ruff": _count_check(group, "ruff_f_clean", lambda v: v is False),
            "tests": _count_check(group, "tests_failed", lambda v: v > 0),
            "parses": all(r.get("parses", True) for r in group),
        }
    return summary


def _by_mode(rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    modes: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: (r["mode"] != "sequential", r["mode"], r["agents"])):
        label = "sequential" if row["mode"] == "sequential" else f"{row['mode']} k={row['agents']}"
        modes.setdefault(label, []).append(row)
    return list(modes.items())


def _check_line(
    rows: list[dict[str, Any]], field: str, what: str, failing: Any, reason_field: str = ""
) -> str:
    counts = _count_check(rows, field, failing)
    reasons = sorted(
        {
            r.get("not_measured", {}).get(reason_field or field, "")
            for r in rows
            if r.get(field, 0) is None
        }
        - {""}
    )
    if not any(counts.values()):
        return f"- {what}: no such files in this study"
    line = f"- {what}: {counts['failed']} failed, {counts['passed']} passed"
    if counts["not_measured"]:
        line += f", **{counts['not_measured']} not measured** ({'; '.join(reasons)})"
    return line


def write_summary(
    rows: list[dict[str, Any]], options: StudyOptions, out: Path, sweep: list[str] | None = None
) -> None:
    summary = summarize(rows)
    tasks = list(dict.fromkeys(r["task"] for r in rows))
    ks = sorted({r["agents"] for r in rows if r["mode"] == "parallel"})
    sim = "Simulated: " if options.simulated else "Measured: "
    clock = (
        "virtual clock (model seconds; host CPU time not counted)"
        if options.time_scale is None
        else f"real clock, delays {options.time_scale:g}× faster (times in model seconds)"
    )
    if options.simulated:
        lines = [
            "# CodeCRDT study — a simulation (scripted provider)",
            "",
            f"{len(rows)} trials of prepared code streamed through a latency model; no model "
            f"wrote any of it. {clock}.",
            "",
            f"**Latency model** (preset `{options.preset}`, with the command line's changes): "
            f"{options.latency.describe()}.",
            "",
            f"Cost: the simulated tokens priced as `{options.price_model}` (a cached input "
            "token at the cache-read price).",
        ]
    else:
        lines = [
            f"# CodeCRDT study — measured with {options.provider}"
            f"{f' ({options.model})' if options.model else ''}",
            "",
            f"{len(rows)} trials on the real clock; cost as the provider's price table gives it.",
            "",
            f"Machine: {machine_line()}. Every answer capped at "
            f"{options.max_output_tokens or 'no'} output tokens"
            + (
                f", sampled at temperature {options.temperature or 0:g} with the trial's seed."
                if options.provider == "openai"
                else "."
            ),
        ]
    lines += [
        "",
        f"## {sim}speedup over one sequential agent (median of trials)",
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
        f"## {sim}tokens and cost per mode (median per trial, all tasks)",
        "",
        "| mode | speedup | input tokens | of them cached | output tokens | cost USD |",
        "|---|---|---|---|---|---|",
    ]
    for label, group in _by_mode(rows):
        lines.append(
            f"| {label} | {_fmt(_median([r['speedup'] for r in group]))} | "
            f"{_fmt(_median([r.get('input_tokens') for r in group]), 0)} | "
            f"{_fmt(_median([r.get('cached_input_tokens') for r in group]), 0)} | "
            f"{_fmt(_median([r.get('output_tokens') for r in group]), 0)} | "
            f"{_fmt(_median([r.get('cost_usd') for r in group]), 4)} |"
        )
    lines += _per_mode_lines(rows, sim)
    lines += _against_sequential_lines(rows, sim)
    lines += [
        "",
        f"## {sim}scheduling efficiency: lower bound ÷ makespan (median; minimum in brackets)",
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
    lines += [
        "",
        f"## {sim}invariants and checks over all trials",
        "",
        f"- TODOs implemented twice: {sum(r['double_claims'] for r in rows)}; "
        f"lost: {sum(r['lost_todos'] for r in rows)}",
        f"- conflicts left after the Evaluator: {sum(r['conflicts_left'] for r in rows)}",
        f"- runs whose replicas diverged: {sum(1 for r in rows if not r['converged'])}",
        f"- final files that do not parse: {sum(1 for r in rows if not r.get('parses', True))}",
        _check_line(
            rows,
            "tsc_duplicate_errors",
            "TSX files with `tsc` duplicate-identifier errors",
            lambda v: v > 0,
        ),
        _check_line(
            rows,
            "ruff_f_clean",
            "Python files failing `ruff check --select F`",
            lambda v: v is False,
        ),
        _check_line(
            rows,
            "tests_failed",
            "final files failing their task's functional tests",
            lambda v: v > 0,
            functional.FIELD,
        ),
    ]
    tests = functional.summary_lines(rows, sim)
    if tests:
        lines += ["", *tests]
    lines += _auto_lines(rows, sim)
    paper_rows = _paper_table(summary)
    if paper_rows:
        lines += [
            "",
            f"## The paper's measurements (real Claude runs) beside this "
            f"{'simulation' if options.simulated else 'study'} (k = {PAPER_AGENTS})",
            "",
            "Paper: medians of 50 real runs per mode; its speedup is sequential ÷ parallel "
            "response time, its throughput ratio parallel ÷ sequential characters per "
            f"second. Beside it: medians of this study's trials. {LEFT_OUT}",
            "",
            "| task | paper speedup (real) | paper throughput ratio (real) | "
            f"{sim.rstrip(': ').lower()} speedup | {sim.rstrip(': ').lower()} throughput "
            "ratio | efficiency |",
            "|---|---|---|---|---|---|",
            *paper_rows,
        ]
    if sweep:
        lines += ["", *sweep]
    plots = write_plots(summary, tasks, ks, out, options)
    if plots:
        lines += ["", f"## {sim}plots", ""] + [f"![{p.stem}]({p.name})" for p in plots]
    (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def machine_line() -> str:
    """Date, CPU, cores and load average, for a measured study's summary."""
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = ""
    with contextlib.suppress(OSError, AttributeError):
        load = ", load average {:.1f} / {:.1f} / {:.1f} when written".format(*os.getloadavg())
    day = datetime.date.today().isoformat()
    return f"{day}, {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}{load}"


def _per_mode_lines(rows: list[dict[str, Any]], sim: str) -> list[str]:
    """What each mode wrote and how it ended, all tasks together."""
    seq_chars = {(r["task"], r["trial"]): r["chars"] for r in rows if r["mode"] == "sequential"}
    lines = [
        "",
        f"## {sim}what each mode wrote and left (all tasks)",
        "",
        "Medians per trial for wall time, characters and TODOs; sums otherwise. Characters "
        "÷ sequential: each trial's final characters ÷ the sequential trial's on the same "
        "task and seed (the growth of parallel writing). Conflicts: found and fixed count "
        "distinct conflicts (by code and name); left counts the diagnostics still in the "
        "final file. Prevented: declarations the lane guard kept out; echo: lines of "
        "answers that repeated their request, dropped.",
        "",
        "| mode | trials | wall s | chars | chars ÷ sequential | TODOs | runs with no TODO "
        "| prevented | echo lines | conflicts found / fixed / left | files that parse "
        "| tests passed |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for label, group in _by_mode(rows):
        growth = [
            r["chars"] / seq_chars[(r["task"], r["trial"])]
            for r in group
            if seq_chars.get((r["task"], r["trial"]))
        ]
        planned = label != "sequential"
        fixed = sum(
            r.get("conflicts_fixed_deterministic", 0) + r.get("conflicts_fixed_model", 0)
            for r in group
        )
        measured = [r for r in group if r.get("tests_total") is not None]
        tests = (
            f"{sum(r.get('tests_passed') or 0 for r in measured)}"
            f"/{sum(r.get('tests_total') or 0 for r in measured)}"
            if measured
            else "not measured"
        )
        lines.append(
            f"| {label} | {len(group)} | {_fmt(_median([r['makespan_s'] for r in group]), 1)} "
            f"| {_fmt(_median([r['chars'] for r in group]), 0)} "
            f"| {_fmt(_median(list(growth)))} "
            f"| {_fmt(_median([r['todos'] for r in group]), 0) if planned else '–'} "
            f"| {sum(1 for r in group if not r['todos']) if planned else '–'} "
            f"| {sum(r.get('prevented', 0) for r in group)} "
            f"| {sum(r.get('echo_dropped', 0) for r in group)} "
            f"| {sum(r['conflicts_found'] for r in group)} / {fixed} / "
            f"{sum(r['conflicts_left'] for r in group)} "
            f"| {sum(1 for r in group if r.get('parses', True))} of {len(group)} "
            f"| {tests} |"
        )
    return lines


def _against_sequential_lines(rows: list[dict[str, Any]], sim: str) -> list[str]:
    """Each parallel or auto trial beside the sequential trial of the same task and seed:
    how many ended with fewer tests passed, or more conflicts left."""
    seq = {(r["task"], r["trial"]): r for r in rows if r["mode"] == "sequential"}
    lines = [
        "",
        f"## {sim}each run beside the sequential run of the same task and seed",
        "",
        "| mode | trials compared | fewer tests passed | more conflicts left "
        "| more tests passed | fewer conflicts left |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, group in _by_mode(rows):
        if label == "sequential":
            continue
        pairs = [(r, seq[(r["task"], r["trial"])]) for r in group if (r["task"], r["trial"]) in seq]
        tested = [
            (r, s) for r, s in pairs if r.get("tests_total") is not None and s.get("tests_total")
        ]
        lines.append(
            f"| {label} | {len(pairs)} "
            f"| {sum(1 for r, s in tested if (r['tests_passed'] or 0) < (s['tests_passed'] or 0))} "
            f"| {sum(1 for r, s in pairs if r['conflicts_left'] > s['conflicts_left'])} "
            f"| {sum(1 for r, s in tested if (r['tests_passed'] or 0) > (s['tests_passed'] or 0))} "
            f"| {sum(1 for r, s in pairs if r['conflicts_left'] < s['conflicts_left'])} |"
        )
    return lines


def _auto_lines(rows: list[dict[str, Any]], sim: str) -> list[str]:
    """``--mode auto`` beside the two modes: per agent count, the mode it chose and its
    makespan ÷ the faster of sequential and parallel on the same task and trial."""
    autos = [r for r in rows if r["mode"] == "auto"]
    if not autos:
        return []
    makespan = {(r["task"], r["mode"], r["agents"], r["trial"]): r["makespan_s"] for r in rows}
    lines = [
        "",
        f"## {sim}auto beside sequential and parallel",
        "",
        "| k | chose sequential | chose parallel | median auto ÷ faster of the two | worst |",
        "|---|---|---|---|---|",
    ]
    for k in sorted({r["agents"] for r in autos}):
        group = [r for r in autos if r["agents"] == k]
        ratios = []
        for r in group:
            seq = makespan.get((r["task"], "sequential", 1, r["trial"]))
            par = makespan.get((r["task"], "parallel", k, r["trial"]))
            best = min((v for v in (seq, par) if v), default=None)
            if best and r["makespan_s"]:
                ratios.append(r["makespan_s"] / best)
        lines.append(
            f"| {k} | {sum(1 for r in group if r.get('chosen') == 'sequential')} | "
            f"{sum(1 for r in group if r.get('chosen') == 'parallel')} | "
            f"{_fmt(_median(list(ratios)))} | {_fmt(max(ratios, default=None))} |"
        )
    return lines


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


def plot_title(title: str, options: StudyOptions) -> str:
    """A plot's title: what it shows, and for the scripted provider that it is a
    simulation and under which latency model."""
    if not options.simulated:
        return f"{title}\nmeasured with {options.provider} {options.model or ''}".rstrip()
    latency = options.latency
    capacity = latency.capacity_tokens_per_s
    return (
        f"SIMULATION (scripted provider): {title}\n"
        f"preset {options.preset}: first token {latency.ttft_s:g} s + input ÷ "
        f"{latency.prefill_tokens_per_s:g} tok/s;\n{latency.tokens_per_s:g} tok/s per stream, "
        f"capacity {capacity or 'unlimited'}{' tok/s' if capacity else ''}, "
        f"{latency.max_streams or 'unlimited'} streams; growth {latency.growth}"
    )


def write_plots(
    summary: dict[tuple[str, str, int], dict[str, Any]],
    tasks: list[str],
    ks: list[int],
    out: Path,
    options: StudyOptions | None = None,
) -> list[Path]:
    options = options or StudyOptions(tasks=(), agents=(), trials=0, out=out)
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
        figure, axes = plt.subplots(figsize=(8, 5.4))
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
            axes.scatter([], [], marker="x", color="black", label="paper, real runs: speedup")
            axes.scatter(
                [], [], marker="*", color="black", label="paper, real runs: throughput ratio"
            )
        else:
            axes.axhline(ideal, linestyle=":", color="grey", label=f"bar ({ideal})")
            axes.set_ylim(0, 1.05)
        axes.set_xlabel("implementers (k)")
        axes.set_ylabel(metric)
        axes.set_title(plot_title(title, options), fontsize=8)
        axes.set_xticks(ks)
        axes.legend(fontsize=7, ncol=2)
        figure.tight_layout()
        path = out / f"{metric}.png"
        figure.savefig(path, dpi=120)
        plt.close(figure)
        paths.append(path)
    paths.append(_plot_checks(summary, out, options, plt))
    return paths


def _plot_checks(
    summary: dict[tuple[str, str, int], dict[str, Any]],
    out: Path,
    options: StudyOptions,
    plt: Any,
) -> Path:
    """Final files per check: passed, failed and not measured (a missing tool)."""
    figure, axes = plt.subplots(figsize=(8, 4.4))
    checks = ("tsc", "ruff", "tests")
    labels = [
        "tsc duplicate identifiers (TSX)",
        "ruff --select F (Python)",
        "functional tests: all passed (task's tests)",
    ]
    bottoms = [0] * len(checks)
    for outcome, colour in (
        ("passed", "tab:green"),
        ("failed", "tab:red"),
        ("not_measured", "lightgrey"),
    ):
        heights = [sum(cell[check][outcome] for cell in summary.values()) for check in checks]
        axes.barh(labels, heights, left=bottoms, color=colour, label=outcome.replace("_", " "))
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    axes.set_xlabel("final files")
    axes.set_title(plot_title("Checks of the final files", options), fontsize=7)
    axes.legend(fontsize=7)
    figure.tight_layout()
    path = out / "checks.png"
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return path
