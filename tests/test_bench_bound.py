"""The study's makespan lower bound (codecrdt.bench.bound) against schedules worked out
by hand and against the exact optimum of small instances found by enumeration."""

from __future__ import annotations

import itertools
import random

import pytest

from codecrdt.agents.run import Report
from codecrdt.bench.bound import Job, makespan_bound, optimum, pigeonhole, release_work
from codecrdt.bench.study import lower_bound, timeline_bound


def brute_force(jobs: list[Job], machines: int) -> float:
    """The best non-preemptive makespan: every assignment of jobs to machines, each
    machine's jobs in release order (optimal for one machine with release dates)."""
    best = float("inf")
    for assignment in itertools.product(range(machines), repeat=len(jobs)):
        end = 0.0
        for machine in range(machines):
            mine = sorted(
                (j for j, m in zip(jobs, assignment, strict=True) if m == machine),
                key=lambda j: j.release,
            )
            t = 0.0
            for job in mine:
                t = max(t, job.release) + job.processing
            end = max(end, t)
        best = min(best, end)
    return best


def test_two_long_jobs_and_a_short_one_on_two_machines() -> None:
    # a and b take both machines until 4; c (released at 1) follows one of them: 5.
    # The old bound (total ÷ k = 4.5, chains 4) said 4.5.
    jobs = [Job(0, 4), Job(0, 4), Job(1, 1)]
    bound = makespan_bound(jobs, 2)
    assert brute_force(jobs, 2) == 5
    assert bound.value == 5 and bound.binding == "pigeonhole"
    assert release_work(jobs, 2) == 4.5


def test_late_work_counts_from_its_release() -> None:
    # One unit at 0; four units released at 2 on two machines: they end at 4, while the
    # total ÷ k (2.5) and the chains (3) say less.
    jobs = [Job(0, 1)] + [Job(2, 1)] * 4
    assert brute_force(jobs, 2) == 4
    assert release_work(jobs, 2) == 4
    assert makespan_bound(jobs, 2).value == 4


def test_five_long_todos_and_five_short_ones_on_five_implementers() -> None:
    # The shape of tic-tac-toe at k = 5: each short TODO waits for a long one to end.
    # Best pairing, by hand: the long one ending first (2 + 6 = 8) takes the longest
    # short one (3): 11; the others pair to at most 11 as well.
    long = [Job(0, 9), Job(0.5, 8.5), Job(1, 8), Job(1.5, 7), Job(2, 6)]
    short = [Job(3, 3), Job(3.5, 2.5), Job(4, 2), Job(4.5, 1.5), Job(5, 1)]
    bound = makespan_bound(long + short, 5)
    assert bound.value == 11
    assert release_work(long + short, 5) == pytest.approx(9.7)  # what it was worth alone


def test_fewer_jobs_than_machines_leave_the_chains_and_the_outline() -> None:
    jobs = [Job(3, 5), Job(0, 1)]
    assert pigeonhole(jobs, 4) == 0
    assert makespan_bound(jobs, 4).value == 8
    bound = makespan_bound(jobs, 4, outline_end=9.5)
    assert (bound.value, bound.binding) == (9.5, "outline")


def test_never_above_the_optimum_of_random_small_instances() -> None:
    seed = 20261205
    print(f"seed {seed}")
    rng = random.Random(seed)
    tight = 0
    for _ in range(150):
        machines = rng.randint(1, 3)
        jobs = [
            Job(round(rng.uniform(0, 4), 2), round(rng.uniform(0.5, 6), 2))
            for _ in range(rng.randint(1, 6))
        ]
        best = brute_force(jobs, machines)
        closed = makespan_bound(jobs, machines, nodes=0)
        assert closed.optimum is None
        assert closed.value <= best + 1e-9, (machines, jobs, closed, best)
        tight += closed.value >= best - 1e-9
        assert optimum(jobs, machines) == pytest.approx(best), (machines, jobs)
        assert makespan_bound(jobs, machines).value == pytest.approx(best)
    assert tight >= 100  # on most of them the closed-form terms reach the optimum


def test_the_study_reads_the_jobs_from_the_runs_timeline() -> None:
    report = Report("parallel", 2, "scripted", "prepared")
    report.timeline = {
        "outline": {"start_s": 0.0, "end_s": 1.5},
        "todos": [
            {"name": "a", "appeared_s": 0.0, "claimed_s": 0.2, "done_s": 4.2},
            {"name": "b", "appeared_s": 0.0, "claimed_s": 0.3, "done_s": 4.3},
            {"name": "c", "appeared_s": 1.0, "claimed_s": 4.3, "done_s": 5.3},
            {"name": "never claimed", "appeared_s": 1.2, "claimed_s": None, "done_s": None},
        ],
    }
    assert lower_bound(report, 2) == pytest.approx(5.0)  # a or b, then c
    assert timeline_bound(report, 2).binding == "pigeonhole"
    assert lower_bound(report, 1) == pytest.approx(9.0)  # one implementer: all in a row


def test_the_search_finds_what_the_closed_form_terms_miss_or_gives_up() -> None:
    # Three machines, four jobs of 3 released at 0 and one of 5 at 0: 5 alone, the
    # four 3s pair up on two machines (6). The closed-form terms: work 17/3 = 5.67;
    # pigeonhole over four 3s: 6. Two 3s then... add a 2 released at 4: it follows the
    # 5 (ends 7) or a pair (ends 8): 7, which no closed-form term shows.
    jobs = [Job(0, 5), Job(0, 3), Job(0, 3), Job(0, 3), Job(0, 3), Job(4, 2)]
    assert brute_force(jobs, 3) == 7
    closed = makespan_bound(jobs, 3, nodes=0).value
    assert closed < 7
    bound = makespan_bound(jobs, 3)
    assert (bound.optimum, bound.value, bound.binding) == (7, 7, "optimum")
    assert optimum(jobs, 3, nodes=3) is None  # too small a search: left out
