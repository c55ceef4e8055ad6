"""The run's clock: model-time sleeps, real and virtual readings, one time for audit and report."""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

import pytest

from codecrdt.agents.context import RunContext
from codecrdt.agents.providers.scripted import ScriptedProvider
from codecrdt.agents.run import Report, RunOptions, generate
from codecrdt.agents.script import load_script
from codecrdt.agents.virtual_time import run_virtual
from codecrdt.analysis.languages import language_named
from codecrdt.clock import Clock
from codecrdt.document import SharedDocument


async def _sleep_ten_model_seconds(clock: Clock) -> tuple[float, float]:
    """Loop seconds that ``clock.sleep(10)`` took, and the clock's reading after it."""
    loop = asyncio.get_running_loop()
    clock.start()
    before = loop.time()
    await clock.sleep(10.0)
    return loop.time() - before, clock.now()


def test_sleeping_model_seconds_takes_loop_seconds_divided_by_the_time_scale() -> None:
    slept, now = run_virtual(_sleep_ten_model_seconds(Clock.virtual(time_scale=100)))
    assert slept == pytest.approx(0.1, abs=1e-9)
    assert now == pytest.approx(0.1, abs=1e-9)  # now() is loop seconds, not model seconds

    slept, now = asyncio.run(_sleep_ten_model_seconds(Clock.real(time_scale=100)))
    assert 0.1 <= slept < 0.6  # a real loop sleeps at least as long, and a busy host a bit more
    assert now >= slept

    slept, _ = run_virtual(_sleep_ten_model_seconds(Clock.virtual()))
    assert slept == pytest.approx(10.0)


def test_readings_count_from_the_start_and_wall_time_depends_on_the_kind() -> None:
    async def readings(clock: Clock) -> tuple[float, float, float, float]:
        clock.start()
        await asyncio.sleep(2.0)
        return clock.now(), clock.wall(), time.time(), asyncio.get_running_loop().time()

    # A virtual loop that starts at 1000: the run's readings still count from its start,
    # and its audit times are the simulation's, not the host's wall clock.
    now, wall, _, loop_time = run_virtual(readings(Clock.virtual()), start=1000.0)
    assert loop_time == pytest.approx(1002.0)
    assert now == pytest.approx(2.0)
    assert wall == pytest.approx(2.0)

    before = time.time()
    clock = Clock.real()
    now, wall, host_wall, _ = asyncio.run(readings(clock))
    assert now >= 2.0
    assert before + now <= wall <= host_wall + 0.05
    assert repr(clock) == "Clock.real(time_scale=1)"


def test_a_clock_must_be_started_and_its_scale_positive() -> None:
    async def read() -> float:
        return Clock.real().now()

    with pytest.raises(RuntimeError, match="has not been started"):
        asyncio.run(read())
    with pytest.raises(ValueError, match="time scale must be above 0"):
        Clock.real(time_scale=0)


def test_a_document_stamps_audit_entries_with_the_clock_it_is_given() -> None:
    async def main() -> list[dict[str, Any]]:
        document = SharedDocument("x")
        clock = Clock.virtual().start()
        await asyncio.sleep(7.5)
        document.record("claim", "agent:a", clock=clock, todo="t1")
        document.record("release", "agent:a", todo="t1")  # no clock: the host's wall time
        return [entry.to_py() for entry in document.audit]

    before = time.time()
    claim, release = run_virtual(main())
    assert claim == {"kind": "claim", "actor": "agent:a", "time": 7.5, "todo": "t1"}
    assert before <= release["time"] <= time.time()


# -- a whole run: the audit trail and the report's timeline on one clock ----------------


def _run(clock: Clock) -> tuple[Report, list[dict[str, Any]]]:
    script = load_script("inventory-cli")
    language = language_named(script.language)
    assert language is not None

    async def main() -> tuple[Report, list[dict[str, Any]]]:
        document = SharedDocument("")
        provider = ScriptedProvider(script, seed=5, clock=clock)
        ctx = RunContext(provider, language, script.spec, rng=random.Random(5), clock=clock)
        report = await generate(document, ctx, RunOptions(agents=3, seed=5))
        return report, [entry.to_py() for entry in document.audit]

    return run_virtual(main()) if clock.kind == "virtual" else asyncio.run(main())


def _by_todo(audit: list[dict[str, Any]], kind: str) -> dict[str, float]:
    return {entry["todo"]: entry["time"] for entry in audit if entry["kind"] == kind}


def _assert_audit_matches_timeline(
    report: Report, audit: list[dict[str, Any]], offset: float, slack: float
) -> None:
    todos = {t["name"]: t for t in report.timeline["todos"]}
    claims, done = _by_todo(audit, "claim"), _by_todo(audit, "done")
    assert set(claims) == set(done) == set(todos) and todos
    for name, entry in todos.items():
        # The hub sees a claim and a completion as the implementer writes them (the
        # network is perfect): the audit's time and the timeline's are one reading.
        assert claims[name] - offset == pytest.approx(entry["claimed_s"], abs=slack)
        assert done[name] - offset == pytest.approx(entry["done_s"], abs=slack)


def test_a_virtual_run_stamps_its_audit_with_virtual_times_that_match_the_report() -> None:
    started = time.monotonic()
    report, audit = _run(Clock.virtual())
    host_seconds = time.monotonic() - started
    assert report.converged and report.lost_todos == 0
    times = [entry["time"] for entry in audit]
    assert times and all(0.0 <= t <= report.wall_s + 0.0005 for t in times)  # wall_s: 3 decimals
    # Model time, not the host's: the modelled run is longer than the host took for it.
    assert report.wall_s > host_seconds
    for actor in {entry["actor"] for entry in audit}:
        mine = [entry["time"] for entry in audit if entry["actor"] == actor]
        assert mine == sorted(mine), f"{actor}'s audit entries go back in time"
    _assert_audit_matches_timeline(report, audit, offset=0.0, slack=0.001)
    assert report == _run(Clock.virtual())[0]  # the same seed, the same times


def test_a_real_run_stamps_its_audit_with_wall_times_on_the_reports_clock() -> None:
    before = time.time()
    report, audit = _run(Clock.real(time_scale=50))
    after = time.time()
    assert report.converged and report.lost_todos == 0
    assert all(before <= entry["time"] <= after for entry in audit)
    assert report.wall_s <= after - before
    _assert_audit_matches_timeline(report, audit, offset=before, slack=0.25)
