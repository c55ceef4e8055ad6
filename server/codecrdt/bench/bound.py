"""A lower bound on a parallel run's makespan: the study's scheduling efficiency.

The TODOs are jobs on ``k`` identical machines (the implementers), without preemption: an
implementer writes one TODO's lines at a time. Job ``j`` is released when its marker
appears in the outline (``r_j``) and takes ``p_j``, its writing time as the run measured
it (claimed → done). No schedule of those jobs ends before the largest of:

- **the outline's end**: the outline is written before the run ends;
- **chains** ``r_j + p_j``: a TODO starts after it appears;
- **release-date work** ``r + (Σ_{r_j ≥ r} p_j) / k`` for every release time ``r``: the
  jobs released at ``r`` or later are all processed after ``r``, on ``k`` machines (at
  the first release this is the total work ÷ k, shifted by the first appearance);
- **pigeonhole** ``min_{a ≠ b ∈ S} (max(r_a + p_a, r_b) + p_b)`` for any ``k + 1`` jobs
  ``S``: two of them share a machine, ``a`` then ``b``; ``a`` starts after its release and
  ``b`` after ``a``'s end and its own release. It is valid for every such ``S``;
  :func:`pigeonhole` takes the best ``S`` over all of them when there are at most
  :data:`EXACT_SUBSETS`, else over families of candidates (largest jobs,
  latest-finishing chains, latest releases) each improved greedily.

Then, when a search of bounded size finishes (:func:`optimum`: branch and bound over the
assignments of TODOs to implementers, each implementer's TODOs in order of appearance,
which is optimal on one machine), the **optimum** itself: the best makespan of any
non-preemptive schedule of these jobs, a bound that every schedule of them meets exactly
at best. Where the search would run past :data:`SEARCH_NODES` it is left out.

The pigeonhole term is what makes the closed-form terms tight when the jobs outnumber the
machines by little and their sizes differ (five long TODOs and five short ones on five
implementers: the short ones wait for a long one to end, whatever the schedule).

Left out, because a schedule could avoid or overlap it: the Evaluator's model requests
(a conflict's fix can run while other TODOs are written, and which TODO finishes last is
the schedule's choice), the claims' latency between one TODO and the next, and any work
after the last TODO other than the outline.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "EXACT_SUBSETS",
    "SEARCH_NODES",
    "Bound",
    "Job",
    "makespan_bound",
    "optimum",
    "pigeonhole",
    "release_work",
]

#: At most this many (k + 1)-subsets are tried one by one; beyond, candidate families.
EXACT_SUBSETS = 5_000
#: The search for the optimum gives up after this many partial schedules.
SEARCH_NODES = 200_000


@dataclass(frozen=True, slots=True)
class Job:
    release: float
    processing: float


@dataclass(frozen=True, slots=True)
class Bound:
    """The bound and its terms (each a valid bound on its own)."""

    outline: float
    chain: float
    release_work: float
    pigeonhole: float
    #: The best schedule's makespan; None where the search gave up.
    optimum: float | None = None

    @property
    def value(self) -> float:
        closed = max(self.outline, self.chain, self.release_work, self.pigeonhole)
        return closed if self.optimum is None else max(closed, self.optimum)

    @property
    def binding(self) -> str:
        """The name of the largest term."""
        terms = {
            "outline": self.outline,
            "chain": self.chain,
            "release_work": self.release_work,
            "pigeonhole": self.pigeonhole,
            "optimum": self.optimum or 0.0,
        }
        return max(terms, key=lambda name: terms[name])


def release_work(jobs: Sequence[Job], machines: int) -> float:
    """``max_r (r + Σ_{r_j ≥ r} p_j / k)`` over the jobs' release times (0 without jobs)."""
    k = max(machines, 1)
    best = 0.0
    suffix = 0.0
    for job in sorted(jobs, key=lambda j: j.release, reverse=True):
        suffix += job.processing
        best = max(best, job.release + suffix / k)
    return best


def _pair_bound(subset: Sequence[Job]) -> float:
    """``min`` over ordered pairs ``a ≠ b`` of ``max(r_a + p_a, r_b) + p_b``: some machine
    runs two of ``subset``, ``a`` then ``b``, and ``b`` starts after ``a`` ends and after
    its own release."""
    best = math.inf
    for a, b in itertools.permutations(subset, 2):
        best = min(best, max(a.release + a.processing, b.release) + b.processing)
    return best


def _improve(subset: list[Job], jobs: Sequence[Job]) -> list[Job]:
    """Swap members for outsiders while the bound grows (each step keeps it valid)."""
    current = _pair_bound(subset)
    improved = True
    while improved:
        improved = False
        for i in range(len(subset)):
            for candidate in jobs:
                if any(candidate is member for member in subset):
                    continue
                trial = [*subset[:i], candidate, *subset[i + 1 :]]
                value = _pair_bound(trial)
                if value > current + 1e-12:
                    subset, current, improved = trial, value, True
    return subset


def pigeonhole(jobs: Sequence[Job], machines: int) -> float:
    """The best pigeonhole bound over ``machines + 1`` jobs (0 when there are not more
    jobs than machines)."""
    size = max(machines, 1) + 1
    if len(jobs) < size:
        return 0.0
    if math.comb(len(jobs), size) <= EXACT_SUBSETS:
        return max(_pair_bound(subset) for subset in itertools.combinations(jobs, size))
    families = [
        sorted(jobs, key=lambda j: j.processing, reverse=True)[:size],
        sorted(jobs, key=lambda j: j.release + j.processing, reverse=True)[:size],
        sorted(jobs, key=lambda j: j.release, reverse=True)[:size],
    ]
    return max(_pair_bound(_improve(list(family), jobs)) for family in families)


class _GaveUp(Exception):
    pass


def optimum(jobs: Sequence[Job], machines: int, nodes: int = SEARCH_NODES) -> float | None:
    """The best makespan of a non-preemptive schedule of ``jobs`` on ``machines``; None if
    the search needs more than ``nodes`` partial schedules.

    Jobs in release order, each put on one machine after that machine's earlier ones
    (starting at its release if the machine is free before): every assignment of jobs to
    machines is reached, and on one machine release order is optimal. Machines that end
    at the same time are interchangeable (one is tried); a partial schedule that cannot
    beat the best so far, or the closed-form bound of the rest, is cut.
    """
    k = max(machines, 1)
    ordered = sorted(jobs, key=lambda j: (j.release, -j.processing))
    if not ordered:
        return 0.0
    floor = max(
        max(j.release + j.processing for j in ordered),
        release_work(ordered, k),
        pigeonhole(ordered, k),
    )
    # work released at or after each job's place in the order (for the cut)
    rest = [0.0] * (len(ordered) + 1)
    for i in range(len(ordered) - 1, -1, -1):
        rest[i] = rest[i + 1] + ordered[i].processing
    best = math.inf
    count = 0

    def place(i: int, ends: list[float]) -> None:
        nonlocal best, count
        count += 1
        if count > nodes:
            raise _GaveUp
        longest = max(ends)
        if i == len(ordered):
            best = min(best, longest)
            return
        # the rest of the work fills the machines from their ends at best
        if max(longest, (sum(ends) + rest[i]) / k) >= best - 1e-12:
            return
        job = ordered[i]
        tried: set[float] = set()
        for machine in sorted(range(k), key=lambda m: ends[m]):
            if ends[machine] in tried:
                continue
            tried.add(ends[machine])
            end = max(ends[machine], job.release) + job.processing
            if end >= best - 1e-12:
                continue
            previous = ends[machine]
            ends[machine] = end
            place(i + 1, ends)
            ends[machine] = previous
            if best <= floor + 1e-12:
                return  # no schedule beats the closed-form bound

    try:
        place(0, [0.0] * k)
    except _GaveUp:
        return None
    return best


def makespan_bound(
    jobs: Sequence[Job], machines: int, outline_end: float = 0.0, nodes: int = SEARCH_NODES
) -> Bound:
    """The makespan no non-preemptive schedule of ``jobs`` on ``machines`` can beat."""
    return Bound(
        outline=outline_end,
        chain=max((j.release + j.processing for j in jobs), default=0.0),
        release_work=release_work(jobs, machines),
        pigeonhole=pigeonhole(jobs, machines),
        optimum=optimum(jobs, machines, nodes) if nodes > 0 else None,
    )
