"""The study's sensitivity sweep: speedup at k = 5 as each latency parameter moves.

Each parameter of the study's latency model (:class:`~codecrdt.agents.script.Latency`)
moves alone over its realistic range, from a hosted API's values to a local CPU server's,
the others staying at the study's; the three presets run as they are. Every point is a
sequential and a k = 5 run of the same tasks and seeds (the virtual clock: model seconds);
the speedup is the median over tasks and trials of sequential ÷ parallel makespan. The
break-even point is where that speedup crosses 1 (linear between the two grid points
around it): past it, parallel agents no longer beat one sequential agent.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import Path
from typing import Any

from rich.console import Console

from codecrdt.agents.script import LATENCY_PRESETS, Latency, load_script
from codecrdt.bench.study import StudyOptions, run_generate_trial, trial_seed

__all__ = ["SWEEPS", "Sweep", "break_even", "run_sensitivity", "sensitivity_lines", "sweep"]

AGENTS = 5


@dataclass(frozen=True)
class Sweep:
    """One parameter: its label, its :class:`Latency` field, the values it takes."""

    label: str
    field: str
    values: tuple[Any, ...]

    def apply(self, latency: Latency, value: Any) -> Latency:
        if self.field == "tokens_per_s":
            return replace(latency, chars_per_s=float(value) * latency.chars_per_token)
        return replace(latency, **{self.field: value})


#: The realistic ranges, a hosted API's values to a local CPU server's (0: unlimited).
SWEEPS: tuple[Sweep, ...] = (
    Sweep("base first-token time (s)", "ttft_s", (0.1, 0.6, 2.0, 6.0)),
    Sweep(
        "prefill (input tokens/s)", "prefill_tokens_per_s", (10000.0, 4000.0, 1000.0, 200.0, 40.0)
    ),
    Sweep("output per stream (tokens/s)", "tokens_per_s", (150, 70, 40, 20)),
    Sweep(
        "capacity (output tokens/s, all streams)",
        "capacity_tokens_per_s",
        (0.0, 300.0, 150.0, 70.0, 30.0),
    ),
    Sweep("concurrent streams (beyond: 429)", "max_streams", (0, 5, 3, 2, 1)),
    Sweep("parallel TODOs' output growth", "growth", ("0", "0.3", "0.82", "1.89", "3", "5")),
)


def _point(options: StudyOptions, latency: Latency, folder: Path) -> list[dict[str, Any]]:
    """Sequential and k = 5 runs of every sweep task and trial under ``latency``."""
    point = replace(options, latency=latency, provider="scripted", time_scale=None)
    rows = []
    for task in options.sensitivity_tasks:
        script = load_script(task)
        for trial in range(options.sensitivity_trials):
            seed = trial_seed(task, trial)
            seq, _t, _p = run_generate_trial(script, "sequential", 1, seed, point, folder)
            par, _t, _p = run_generate_trial(script, "parallel", AGENTS, seed, point, folder)
            rows.append(
                {
                    "task": task,
                    "trial": trial,
                    "sequential_s": seq.wall_s,
                    "parallel_s": par.wall_s,
                    "speedup": round(seq.wall_s / par.wall_s, 3) if par.wall_s else None,
                    "retries": par.retries,
                    "complete": par.lost_todos == 0
                    and par.stopped_by is None
                    and all(t["status"] == "done" for t in par.todos),
                }
            )
    return rows


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def run_sensitivity(options: StudyOptions, console: Console | None = None) -> list[dict[str, Any]]:
    """Every point of every sweep, and the presets; also written to
    ``OUT/sensitivity.jsonl``."""
    console = console or Console(stderr=True)
    folder = options.out / "files-sensitivity"
    folder.mkdir(parents=True, exist_ok=True)
    points: list[tuple[str, Any, Latency]] = [
        ("preset", name, preset) for name, preset in LATENCY_PRESETS.items()
    ]
    for sweep in SWEEPS:
        points += [
            (sweep.label, value, sweep.apply(options.latency, value)) for value in sweep.values
        ]
    results = []
    for number, (label, value, latency) in enumerate(points, 1):
        console.print(f"sensitivity {number}/{len(points)}: {label} = {value}")
        runs = _point(options, latency, folder)
        results.append(
            {
                "parameter": label,
                "value": value,
                "speedup": _median([r["speedup"] for r in runs if r["speedup"]]),
                "sequential_s": _median([r["sequential_s"] for r in runs]),
                "parallel_s": _median([r["parallel_s"] for r in runs]),
                "retries": sum(r["retries"] for r in runs),
                "complete": all(r["complete"] for r in runs),
                "runs": runs,
            }
        )
    (options.out / "sensitivity.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in results), encoding="utf-8"
    )
    return results


def break_even(points: list[tuple[float, float]]) -> float | None:
    """Where the speedup crosses 1 along ``(value, speedup)`` points in sweep order
    (linear between the two points around it); None when it never does."""
    for (x0, y0), (x1, y1) in pairwise(points):
        if (y0 - 1) * (y1 - 1) <= 0 and y0 != y1:
            return x0 + (1 - y0) * (x1 - x0) / (y1 - y0)
    return None


def _value(value: Any) -> str:
    if value in (0, 0.0, "0") and not isinstance(value, str):
        return "unlimited"
    if isinstance(value, str):
        return f"+{float(value):.0%}"
    return f"{value:g}"


def sensitivity_lines(results: list[dict[str, Any]], options: StudyOptions) -> list[str]:
    """The sweep as Markdown: presets, then one row per parameter with its break-even."""
    tasks = ", ".join(options.sensitivity_tasks)
    lines = [
        f"## Simulated: sensitivity of the speedup at k = {AGENTS} to the latency model",
        "",
        f"Tasks {tasks}; {options.sensitivity_trials} trial(s) each; sequential and "
        f"k = {AGENTS} on the same seeds, virtual clock. Each parameter moves alone "
        "from the study's latency "
        f"model (preset `{options.preset}`); a speedup below 1 means one sequential agent "
        "finishes first. `*`: some parallel run lost or failed a TODO (its retries ran "
        "out).",
        "",
        "| preset | speedup at k = 5 | sequential s | parallel s | retries (429, time-outs) |",
        "|---|---|---|---|---|",
    ]

    def speedup(result: dict[str, Any]) -> str:
        value = result["speedup"]
        text = "–" if value is None else f"{value:.2f}"
        return text if result["complete"] else f"{text}*"

    for result in results:
        if result["parameter"] == "preset":
            lines.append(
                f"| {result['value']} | {speedup(result)} | {result['sequential_s']:.1f} | "
                f"{result['parallel_s']:.1f} | {result['retries']} |"
            )
    lines += [
        "",
        f"| parameter | value → speedup at k = {AGENTS} | break-even (speedup 1) |",
        "|---|---|---|",
    ]
    for sweep in SWEEPS:
        row = [r for r in results if r["parameter"] == sweep.label]
        cells = " · ".join(f"{_value(r['value'])}: {speedup(r)}" for r in row)
        numeric = [
            (float(r["value"]), r["speedup"])
            for r in row
            if r["speedup"] is not None
            and not (r["value"] in (0, 0.0) and not isinstance(r["value"], str))
        ]
        point = break_even(numeric)
        if point is not None:
            where = f"≈ +{point:.0%}" if sweep.field == "growth" else f"≈ {point:.3g}"
        elif numeric and all(s > 1 for _v, s in numeric):
            where = "none: parallel faster over the range"
        else:
            where = "none: sequential faster over the range"
        lines.append(f"| {sweep.label} | {cells} | {where} |")
    return lines


def sweep(options: StudyOptions, console: Console) -> list[str]:
    """The sweep run and written as the summary's section (``run_study``'s ``sweep``)."""
    return sensitivity_lines(run_sensitivity(options, console), options)
