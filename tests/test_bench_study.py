"""A small smoke study: two tasks, k ∈ {1, 3}, one trial, a fast latency model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codecrdt.agents.run import Report
from codecrdt.agents.script import Latency
from codecrdt.bench import sensitivity, study
from codecrdt.bench.study import StudyOptions, lower_bound, options_from, plot_title, run_study
from codecrdt.cli import build_parser, main

FAST = Latency(ttft_s=0.2, chars_per_s=2000, prefill_tokens_per_s=4000, cached_tokens_per_s=40000)

REQUIRED = {
    "task",
    "mode",
    "agents",
    "trial",
    "makespan_s",
    "lower_bound_s",
    "efficiency",
    "speedup",
    "chars",
    "double_claims",
    "lost_todos",
    "conflicts_left",
    "converged",
}


def test_smoke_study_reports_every_trial_with_its_invariants(tmp_path: Path) -> None:
    out = tmp_path / "study"
    code = main(
        [
            "bench",
            "study",
            "--tasks",
            "inventory-cli,pomodoro-timer",
            "--agents",
            "1,3",
            "--trials",
            "1",
            "--ttft",
            "0.2",
            "--stream-rate",
            "500",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    rows = [json.loads(line) for line in (out / "trials.jsonl").read_text().splitlines()]
    # per task: one sequential baseline and one parallel trial per k
    assert sorted((r["task"], r["mode"], r["agents"]) for r in rows) == [
        ("inventory-cli", "parallel", 1),
        ("inventory-cli", "parallel", 3),
        ("inventory-cli", "sequential", 1),
        ("pomodoro-timer", "parallel", 1),
        ("pomodoro-timer", "parallel", 3),
        ("pomodoro-timer", "sequential", 1),
    ]
    for row in rows:
        assert row.keys() >= REQUIRED
        assert row["double_claims"] == 0 and row["lost_todos"] == 0
        assert row["conflicts_left"] == 0
        assert row["converged"] is True
        assert row["parses"] is True
        assert 0 < row["lower_bound_s"] <= row["makespan_s"]
        assert 0 < row["efficiency"] <= 1
        assert row["speedup"] > 0
        if row["mode"] == "sequential":
            assert row["speedup"] == 1.0
    by_key = {(r["task"], r["mode"], r["agents"]): r for r in rows}
    for task in ("inventory-cli", "pomodoro-timer"):
        # three implementers finish sooner than one
        assert (
            by_key[(task, "parallel", 3)]["makespan_s"]
            < by_key[(task, "parallel", 1)]["makespan_s"]
        )
    python = by_key[("inventory-cli", "parallel", 3)]
    # ruff is installed here: measured, and clean.
    assert python["ruff_f_clean"] is True and python["not_measured"] == {}
    # pytest too: the task's functional tests, all passed, in every mode.
    for mode, agents in (("sequential", 1), ("parallel", 1), ("parallel", 3)):
        row = by_key[("inventory-cli", mode, agents)]
        assert (row["tests_passed"], row["tests_failed"], row["tests_total"]) == (16, 0, 16)
    summary = (out / "summary.md").read_text()
    assert "| inventory-cli | 16/16 | 16/16 | 16/16 |" in summary
    assert "| inventory-cli |" in summary
    assert "The paper's measurements" not in summary  # k = 5 absent
    assert "TODOs implemented twice: 0; lost: 0" in summary
    assert (out / "speedup.png").stat().st_size > 1000
    assert (out / "efficiency.png").stat().st_size > 1000
    assert len(list((out / "files").iterdir())) == 6


def test_resume_skips_the_trials_already_done(tmp_path: Path) -> None:
    options = StudyOptions(
        tasks=("inventory-cli",),
        agents=(2,),
        trials=1,
        out=tmp_path,
        latency=Latency(ttft_s=0.2, chars_per_s=2000),
    )
    first = run_study(options)
    lines = (tmp_path / "trials.jsonl").read_text().splitlines()
    # An interrupted study: only the sequential trial made it.
    (tmp_path / "trials.jsonl").write_text(lines[0] + "\n")
    resumed = run_study(
        StudyOptions(**{**options.__dict__, "resume": True})  # type: ignore[arg-type]
    )
    assert [(r["mode"], r["agents"]) for r in resumed] == [(r["mode"], r["agents"]) for r in first]
    assert resumed[0] == json.loads(lines[0]) | {"speedup": resumed[0]["speedup"]}


def test_the_lower_bound_counts_the_work_after_the_first_appearance() -> None:
    report = Report("parallel", 4, "scripted", "prepared")
    report.timeline = {
        "outline": {"start_s": 0.0, "end_s": 4.0},
        "todos": [
            {"name": "a", "appeared_s": 1.0, "claimed_s": 1.0, "done_s": 9.0},
            {"name": "b", "appeared_s": 3.0, "claimed_s": 5.0, "done_s": 7.0},
        ],
    }
    assert lower_bound(report, 1) == 11.0  # both appear by 1, then 8 + 2 in a row
    assert lower_bound(report, 4) == 9.0  # a: appeared at 1, writes for 8


def test_a_check_whose_tool_is_missing_is_not_measured_never_a_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No ruff and no tsc: not on PATH, and no cached tsc either.
    monkeypatch.setattr(study.shutil, "which", lambda _name: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    options = StudyOptions(
        tasks=("inventory-cli", "pomodoro-timer"),
        agents=(2,),
        trials=1,
        out=tmp_path / "study",
        latency=FAST,
    )
    rows = run_study(options)
    assert len(rows) == 4
    for row in rows:
        if row["task"] == "inventory-cli":
            assert row["ruff_f_clean"] is None
            assert row["not_measured"] == {"ruff_f_clean": "ruff not found on PATH"}
            # pytest is installed: the functional tests are measured.
            assert row["tests_passed"] == row["tests_total"] == 16
        else:
            assert row["tsc_duplicate_errors"] is None
            assert row["tests_passed"] is None and row["tests_total"] is None
            assert row["not_measured"] == {
                "tsc_duplicate_errors": "tsc not found (scripts/install-tsc.sh installs it)",
                "tests_passed": "node is not installed",
            }
    summary = (tmp_path / "study" / "summary.md").read_text()
    assert (
        "- Python files failing `ruff check --select F`: 0 failed, 0 passed, "
        "**2 not measured** (ruff not found on PATH)" in summary
    )
    assert (
        "- TSX files with `tsc` duplicate-identifier errors: 0 failed, 0 passed, "
        "**2 not measured** (tsc not found (scripts/install-tsc.sh installs it))" in summary
    )
    assert (
        "- final files failing their task's functional tests: 0 failed, 2 passed, "
        "**2 not measured** (node is not installed)" in summary
    )
    assert "| pomodoro-timer | not measured | not measured |" in summary
    assert "| all measured | 16/16 | 16/16 |" in summary
    assert "Not measured: pomodoro-timer: node is not installed." in summary
    assert (tmp_path / "study" / "checks.png").stat().st_size > 1000


def test_every_figure_says_it_is_a_simulation_with_its_latency_model(tmp_path: Path) -> None:
    out = tmp_path / "study"
    latency = Latency(
        ttft_s=0.2, chars_per_s=2000, prefill_tokens_per_s=4000, max_streams=4, growth="0.5"
    )
    run_study(StudyOptions(tasks=("tic-tac-toe",), agents=(5,), trials=1, out=out, latency=latency))
    summary = (out / "summary.md").read_text()
    assert summary.startswith("# CodeCRDT study — a simulation (scripted provider)\n")
    assert "**Latency model** (preset `hosted`, with the command line's changes): " in summary
    assert latency.describe() in summary
    assert "4 concurrent streams (429 with retry-after beyond)" in summary
    assert "output growth +50%" in summary
    headings = [line for line in summary.splitlines() if line.startswith("## ")]
    assert headings[-2] == (
        "## The paper's measurements (real Claude runs) beside this simulation (k = 5)"
    )
    assert all(h.startswith("## Simulated: ") for h in headings if h != headings[-2])
    assert study.LEFT_OUT in summary
    assert "| task | paper speedup (real) | paper throughput ratio (real) | simulated " in summary
    # Tokens and cost beside the speedup, per mode.
    rows = [json.loads(line) for line in (out / "trials.jsonl").read_text().splitlines()]
    sequential, parallel = sorted(rows, key=lambda r: r["mode"] != "sequential")
    for row in rows:
        assert row["input_tokens"] > 0 and row["output_tokens"] > 0 and row["cost_usd"] > 0
    # Five implementers each read the document; each TODO's output grows by half.
    assert parallel["input_tokens"] > 5 * sequential["input_tokens"]
    assert parallel["output_tokens"] > 1.3 * sequential["output_tokens"]
    assert f"| sequential | 1.00 | {sequential['input_tokens']} | 0 |" in summary
    assert f"| parallel k=5 | {parallel['speedup']:.2f} | {parallel['input_tokens']} |" in summary
    title = plot_title("Speedup", StudyOptions((), (), 1, out, latency=latency))
    assert title.startswith("SIMULATION (scripted provider): Speedup\npreset hosted:")
    assert "4 streams; growth 0.5" in title


def test_every_latency_parameter_is_on_the_command_line() -> None:
    args = build_parser().parse_args(
        [
            "bench", "study", "--out", "x", "--latency-preset", "local-cpu",
            "--max-streams", "4", "--growth", "uniform:0.5,1", "--stream-rate", "10",
            "--capacity", "25", "--cached-rate", "900", "--no-shared-prefill",
        ]
    )  # fmt: skip
    latency = options_from(args).latency
    assert latency.max_streams == 4 and latency.growth == "uniform:0.5,1"
    assert latency.tokens_per_s == 10 and latency.capacity_tokens_per_s == 25
    assert latency.cached_tokens_per_s == 900 and not latency.shared_prefill
    assert latency.prefill_tokens_per_s == 40  # the preset's
    with pytest.raises(SystemExit):
        build_parser().parse_args(["bench", "study", "--out", "x", "--growth", "uniform:2,1"])


def test_break_even_is_where_the_speedup_crosses_one() -> None:
    assert sensitivity.break_even([(0.0, 3.0), (1.0, 2.0), (3.0, 0.5)]) == pytest.approx(7 / 3)
    assert sensitivity.break_even([(0.0, 3.0), (1.0, 2.0)]) is None


def test_the_sweep_moves_one_parameter_and_finds_its_break_even(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sensitivity, "LATENCY_PRESETS", {})
    monkeypatch.setattr(
        sensitivity,
        "SWEEPS",
        (sensitivity.Sweep("parallel TODOs' output growth", "growth", ("0", "8")),),
    )
    options = StudyOptions(
        tasks=(),
        agents=(),
        trials=1,
        out=tmp_path,
        latency=FAST,
        sensitivity_tasks=("tic-tac-toe",),
    )
    results = sensitivity.run_sensitivity(options)
    assert [r["value"] for r in results] == ["0", "8"]
    none, much = (r["speedup"] for r in results)
    assert none > 2 and much < 1  # nine times the output: one agent finishes first
    assert results[0]["sequential_s"] == results[1]["sequential_s"]  # growth is parallel only
    lines = sensitivity.sensitivity_lines(results, options)
    row = next(line for line in lines if line.startswith("| parallel TODOs' output growth"))
    assert f"+0%: {none:.2f} · +800%: {much:.2f} | ≈ " in row
    assert lines[0] == "## Simulated: sensitivity of the speedup at k = 5 to the latency model"


def test_a_conflict_fixed_twice_counts_once_beside_the_fixes_applied() -> None:
    """A real-model run fixed one duplicate 17 times (the fix did not hold): the study's
    row says one conflict found, one fixed by the model, 17 fixes applied."""
    report = Report("parallel", 2, "openai", "qwen")
    report.conflicts = {
        "found": 1,
        "fixed_deterministic": 0,
        "fixed_model": 17,
        "fixed_conflicts_deterministic": 0,
        "fixed_conflicts_model": 1,
        "left": 0,
    }
    report.wall_s = 10.0
    row = study.trial_record("wordstats", "parallel", 2, 0, 1, report, 1.0)
    found = row["conflicts_found"]
    fixed = row["conflicts_fixed_deterministic"] + row["conflicts_fixed_model"]
    assert (found, fixed, row["fixes_model"]) == (1, 1, 17)


def _row(mode: str, agents: int, trial: int, **fields: object) -> dict:
    row = {
        "task": "wordstats",
        "mode": mode,
        "agents": agents,
        "trial": trial,
        "makespan_s": 10.0,
        "chars": 1000,
        "todos": 0 if mode == "sequential" else 4,
        "prevented": 0,
        "echo_dropped": 0,
        "conflicts_found": 0,
        "conflicts_fixed_deterministic": 0,
        "conflicts_fixed_model": 0,
        "conflicts_left": 0,
        "parses": True,
        "tests_passed": 10,
        "tests_total": 15,
    }
    row.update(fields)
    return row


def test_the_per_mode_table_and_each_run_beside_sequential_on_its_seed() -> None:
    """What a reader of a real-model study compares: growth against the sequential trial on
    the same seed, the lane guard's and the echo filter's counts, distinct conflicts found
    and fixed, what is left, and each run beside sequential (the issue's bar: never fewer
    tests passed or more conflicts left)."""
    rows = [
        _row("sequential", 1, 0, chars=1000),
        _row("sequential", 1, 1, chars=2000, tests_passed=5),
        _row(
            "parallel",
            2,
            0,
            chars=3000,
            prevented=4,
            echo_dropped=7,
            conflicts_found=2,
            conflicts_fixed_model=1,
            conflicts_left=3,
            parses=False,
            tests_passed=0,
        ),
        _row("parallel", 2, 1, chars=2000, todos=0, tests_passed=9),
        _row("auto", 2, 0, chars=1000, todos=0),
        _row("auto", 2, 1, chars=2000, todos=0, tests_total=None, tests_passed=None),
    ]
    table = [line for line in study._per_mode_lines(rows, "Measured: ") if line.startswith("| ")]
    assert (
        table[1]
        == "| sequential | 2 | 10.0 | 1500 | 1.00 | – | – | 0 | 0 | 0 / 0 / 0 | 2 of 2 | 15/30 |"
    )
    # growth per seed: 3000/1000 and 2000/2000, median 2.00; one run planned no TODO
    assert (
        table[2]
        == "| auto k=2 | 2 | 10.0 | 1500 | 1.00 | 0 | 2 | 0 | 0 | 0 / 0 / 0 | 2 of 2 | 10/15 |"
    )
    assert (
        table[3]
        == "| parallel k=2 | 2 | 10.0 | 2500 | 2.00 | 2 | 1 | 4 | 7 | 2 / 1 / 3 | 1 of 2 | 9/30 |"
    )
    beside = [line for line in study._against_sequential_lines(rows, "") if line.startswith("| ")]
    # auto: trial 0 the same, trial 1 not measured (not compared for tests)
    assert beside[1] == "| auto k=2 | 2 | 0 | 0 | 0 | 0 |"
    # parallel: trial 0 fewer tests (0 < 10) and more left (3 > 0); trial 1 more (9 > 5)
    assert beside[2] == "| parallel k=2 | 2 | 1 | 1 | 1 | 0 |"
