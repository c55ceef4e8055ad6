"""A small smoke study: two tasks, k ∈ {1, 3}, one trial, a fast latency model."""

from __future__ import annotations

import json
from pathlib import Path

from codecrdt.agents.run import Report
from codecrdt.bench.study import StudyOptions, lower_bound, run_study
from codecrdt.cli import main

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
            "--rate",
            "2000",
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
    assert python["ruff_f_clean"] in (True, None)
    summary = (out / "summary.md").read_text()
    assert "| inventory-cli |" in summary and "Paper vs CodeCRDT" not in summary  # k=5 absent
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
        ttft_s=0.2,
        chars_per_s=2000,
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


def test_the_lower_bound_is_the_largest_of_its_three_terms() -> None:
    report = Report("parallel", 4, "scripted", "prepared")
    report.timeline = {
        "outline": {"start_s": 0.0, "end_s": 4.0},
        "todos": [
            {"name": "a", "appeared_s": 1.0, "claimed_s": 1.0, "done_s": 9.0},
            {"name": "b", "appeared_s": 3.0, "claimed_s": 5.0, "done_s": 7.0},
        ],
    }
    assert lower_bound(report, 1) == 10.0  # total writing 8 + 2
    assert lower_bound(report, 4) == 9.0  # a: appeared at 1, writes for 8
