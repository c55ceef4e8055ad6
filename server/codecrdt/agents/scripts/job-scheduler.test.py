"""What job_scheduler.py must do, from the task's spec (job-scheduler.toml).

Run by ``codecrdt.bench.functional`` in a folder that holds the generated file as
``job_scheduler.py``. Interface assumed: ``Cron.parse(text)`` with ``next_after(datetime)``;
``Job(name, action, args, priority=, depends_on=, cron=, max_retries=, retry_delay=)``
with ``state``; ``Scheduler(path, workers)`` with ``register``, ``add``,
``run_until_done(timeout)``; ``topological_order(jobs)``; ``SchedulerError``;
``save_state`` / ``load_state``; ``main(argv)``.
"""

from __future__ import annotations

import importlib
import json
import threading
from datetime import datetime
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def js() -> ModuleType:
    return importlib.import_module("job_scheduler")


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("*/15 * * * *", datetime(2024, 5, 1, 10, 7), datetime(2024, 5, 1, 10, 15)),
        ("0 9 * * *", datetime(2024, 5, 1, 10, 0), datetime(2024, 5, 2, 9, 0)),
        ("30 8-10 * * *", datetime(2024, 5, 1, 10, 30), datetime(2024, 5, 2, 8, 30)),
        ("0 0 1 * *", datetime(2024, 1, 31, 12, 0), datetime(2024, 2, 1, 0, 0)),
        ("5,10 12 * * *", datetime(2024, 5, 1, 12, 5), datetime(2024, 5, 1, 12, 10)),
        # 2024-05-01 is a Wednesday; weekday 1 is Monday, 0 and 7 are Sunday
        ("0 12 * * 1", datetime(2024, 5, 1, 0, 0), datetime(2024, 5, 6, 12, 0)),
        ("0 12 * * 7", datetime(2024, 5, 1, 0, 0), datetime(2024, 5, 5, 12, 0)),
        # day and weekday must both match: the 13th that is a Friday
        ("0 0 13 * 5", datetime(2024, 1, 1, 0, 0), datetime(2024, 9, 13, 0, 0)),
    ],
)
def test_cron_next_run(
    js: ModuleType, expression: str, after: datetime, expected: datetime
) -> None:
    assert js.Cron.parse(expression).next_after(after) == expected


@pytest.mark.parametrize(
    "expression", ["* * * *", "60 * * * *", "* 24 * * *", "*/0 * * * *", "a * * * *"]
)
def test_bad_cron_is_refused(js: ModuleType, expression: str) -> None:
    with pytest.raises(js.SchedulerError):
        js.Cron.parse(expression)


def test_topological_order_respects_dependencies_and_priority(js: ModuleType) -> None:
    jobs = {
        "build": js.Job("build", "echo", ["b"]),
        "test": js.Job("test", "echo", ["t"], depends_on=["build"]),
        "lint": js.Job("lint", "echo", ["l"], priority=5),
        "ship": js.Job("ship", "echo", ["s"], depends_on=["test", "lint"]),
    }
    order = js.topological_order(jobs)
    assert order.index("build") < order.index("test") < order.index("ship")
    assert order.index("lint") < order.index("ship")
    assert order[0] == "lint"  # the higher priority goes first when both are free


def test_unknown_dependencies_and_cycles_are_refused(js: ModuleType) -> None:
    with pytest.raises(js.SchedulerError, match="ghost"):
        js.topological_order({"a": js.Job("a", "echo", depends_on=["ghost"])})
    cyclic = {
        "a": js.Job("a", "echo", depends_on=["c"]),
        "b": js.Job("b", "echo", depends_on=["a"]),
        "c": js.Job("c", "echo", depends_on=["b"]),
    }
    with pytest.raises(js.SchedulerError) as raised:
        js.topological_order(cyclic)
    assert all(name in str(raised.value) for name in "abc")


def test_runs_jobs_after_their_dependencies(js: ModuleType) -> None:
    ran: list[str] = []
    lock = threading.Lock()

    def record(name: str) -> None:
        with lock:
            ran.append(name)

    scheduler = js.Scheduler(workers=2)
    scheduler.register("record", record)
    scheduler.add(js.Job("fetch", "record", ["fetch"]))
    scheduler.add(js.Job("parse", "record", ["parse"], depends_on=["fetch"]))
    scheduler.add(js.Job("report", "record", ["report"], depends_on=["parse"]))
    assert scheduler.run_until_done(timeout=20) is True
    assert ran == ["fetch", "parse", "report"]
    assert {job.state for job in scheduler.jobs.values()} == {"succeeded"}


def test_higher_priority_runs_first_on_one_worker(js: ModuleType) -> None:
    ran: list[str] = []
    scheduler = js.Scheduler(workers=1)
    scheduler.register("record", ran.append)
    for name, priority in (("low", 1), ("high", 9), ("mid", 5)):
        scheduler.add(js.Job(name, "record", [name], priority=priority))
    assert scheduler.run_until_done(timeout=20)
    assert ran == ["high", "mid", "low"]


def test_failures_are_retried_then_fail_their_dependents(js: ModuleType) -> None:
    attempts: list[int] = []

    def flaky() -> None:
        attempts.append(1)
        if len(attempts) < 3:
            raise RuntimeError("not yet")

    scheduler = js.Scheduler(workers=1)
    scheduler.register("flaky", flaky)
    scheduler.register("nothing", lambda: None)
    scheduler.add(js.Job("flaky", "flaky", max_retries=3, retry_delay=0.01))
    scheduler.add(js.Job("doomed", "fail", ["boom"], max_retries=1, retry_delay=0.01))
    scheduler.add(js.Job("after", "nothing", depends_on=["doomed"]))
    scheduler.run_until_done(timeout=20)
    assert len(attempts) == 3
    assert scheduler.jobs["flaky"].state == "succeeded"
    assert scheduler.jobs["doomed"].state == "failed"
    assert scheduler.jobs["after"].state == "failed"  # a failed dependency fails it


def test_unknown_action_or_dependency_is_refused_on_add(js: ModuleType) -> None:
    scheduler = js.Scheduler()
    with pytest.raises(js.SchedulerError):
        scheduler.add(js.Job("x", "no-such-action"))
    with pytest.raises(js.SchedulerError):
        scheduler.add(js.Job("y", "echo", depends_on=["missing"]))


def test_state_is_saved_and_loaded(js: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    scheduler = js.Scheduler(str(path))
    scheduler.add(js.Job("a", "echo", ["hi"], priority=3))
    scheduler.add(js.Job("b", "echo", ["there"], depends_on=["a"], cron="0 * * * *"))
    js.save_state(scheduler, path)
    assert json.loads(path.read_text())  # valid JSON
    assert [p.name for p in tmp_path.iterdir()] == ["jobs.json"]  # no temporary left
    again = js.Scheduler(str(path))
    js.load_state(again, path)
    assert set(again.jobs) == {"a", "b"}
    assert again.jobs["a"].priority == 3
    assert again.jobs["b"].depends_on == ["a"] and again.jobs["b"].cron == "0 * * * *"


def test_a_run_saves_every_jobs_state(js: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    scheduler = js.Scheduler(str(path), workers=1)
    scheduler.add(js.Job("a", "echo", ["hi"]))
    assert scheduler.run_until_done(timeout=20)
    saved = json.dumps(json.loads(path.read_text()))
    assert "succeeded" in saved


def test_command_line_adds_lists_and_runs(
    js: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = str(tmp_path / "jobs.json")
    assert js.main(["--file", file, "add", "hello", "echo", "hi", "there"]) == 0
    assert js.main(["--file", file, "add", "after", "echo", "done", "--after", "hello"]) == 0
    capsys.readouterr()
    assert js.main(["--file", file, "list"]) == 0
    listing = capsys.readouterr().out
    assert "hello" in listing and "after" in listing
    assert js.main(["--file", file, "run", "--timeout", "20"]) == 0
    out = capsys.readouterr().out
    assert "hi there" in out and "done" in out
    assert js.main(["--file", file, "add", "bad", "echo", "--after", "ghost"]) == 1
    assert "ghost" in capsys.readouterr().err


def test_built_in_actions_run_shell_commands_and_fail(js: ModuleType, tmp_path: Path) -> None:
    marker = tmp_path / "ran.txt"
    scheduler = js.Scheduler(workers=1)
    scheduler.add(js.Job("write", "shell", [f"echo ran > '{marker}'"]))
    scheduler.add(js.Job("exit3", "shell", ["exit 3"]))
    scheduler.add(js.Job("broken", "fail", ["on purpose"]))
    scheduler.add(js.Job("nap", "sleep", ["0.01"]))
    scheduler.run_until_done(timeout=20)
    assert marker.read_text().strip() == "ran"
    states = {name: job.state for name, job in scheduler.jobs.items()}
    assert states == {
        "write": "succeeded",
        "exit3": "failed",
        "broken": "failed",
        "nap": "succeeded",
    }


def test_command_line_retry_delay_takes_units(
    js: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "jobs.json"
    args = ["--file", str(file), "add", "j", "echo", "x", "--retries", "2", "--retry-delay", "2m"]
    assert js.main(args) == 0
    saved = json.loads(file.read_text())
    jobs = saved["jobs"] if isinstance(saved, dict) else saved
    assert jobs[0]["retry_delay"] == 120
    bad = ["--file", str(file), "add", "k", "echo", "--retry-delay", "soon"]
    with pytest.raises(SystemExit):
        js.main(bad)
