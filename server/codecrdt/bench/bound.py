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
  ``b`` after ``a``'s end and its own release. It is valid for every such ``S``; :func:`pigeonhole` takes the best ``S`` over
  all of them when there are at most :data:`EXACT_SUBSETS`, else over families of
  candidates (largest jobs, latest-finishing chains, and a greedy improvement of each).

The last term is what makes the bound tight when the jobs outnumber the machines by little
and their sizes differ (five long TODOs and five short ones on five implementers: the
short ones wait for a long one to end, whatever the schedule).

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

__all__ = ["Bound", "Job", "EXACT_SUBSETS", "makespan_bound", "pigeonhole", "release_work"]

#: At most this many (k + 1)-subsets are tried one by one; beyond, candidate families.
EXACT_SUBSETS = 5_000


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

    @property
    def value(self) -> float:
        return max(self.outline, self.chain, self.release_work, self.pigeonhole)

    @property
    def binding(self) -> str:
        """The name of the largest term."""
        terms = {
            "outline": self.outline,
            "chain": self.chain,
            "release_work": self.release_work,
            "pigeonhole": self.pigeonhole,
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


def makespan_bound(jobs: Sequence[Job], machines: int, outline_end: float = 0.0) -> Bound:
    """The makespan no non-preemptive schedule of ``jobs`` on ``machines`` can beat."""
    return Bound(
        outline=outline_end,
        chain=max((j.release + j.processing for j in jobs), default=0.0),
        release_work=release_work(jobs, machines),
        pigeonhole=pigeonhole(jobs, machines),
    )
