"""The claim protocol: unit cases on the board, then seeded simulations of whole runs.

``CODECRDT_CLAIM_SEEDS`` (default 1000; 10000 for the full sweep) sets how many seeds the
simulation runs; ``CODECRDT_CLAIM_SEED=N`` replays one. Every failure prints its seed.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import random
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import pytest

from claim_simulation import check_seed
from codecrdt.agents import board
from codecrdt.agents.hub import Hub, HubOptions
from codecrdt.agents.network import NetworkModel
from codecrdt.agents.virtual_time import run_virtual
from codecrdt.document import SharedDocument
from codecrdt.markers import Marker

#: Seeds beyond the default range that once failed, run every time: 1428 (a claim by a
#: replacement agent missing from a replica's roster was read as fenced: written twice),
#: 2487 (a TODO whose owners crashed three times was skipped by every implementer: lost),
#: 177 (an owner took its lookahead TODO and wrote a line in the same update as the
#: previous TODO's completion; fenced, its line was not reverted: written twice),
#: 226 (an owner stalled past its lease woke, wrote the rest of its TODO from its lookahead
#: buffer and left as done before it learnt it was fenced: no replacement, TODO lost),
#: 386 (a lookahead TODO's take, text and completion reached the hub in one update).
REGRESSION_SEEDS = (177, 226, 386, 1428, 2487)


def _seeds() -> list[int]:
    if os.environ.get("CODECRDT_CLAIM_SEED"):
        return [int(os.environ["CODECRDT_CLAIM_SEED"])]
    count = int(os.environ.get("CODECRDT_CLAIM_SEEDS", "1000"))
    return [*range(count), *(s for s in REGRESSION_SEEDS if s >= count)]


def _check_many(seeds: list[int]) -> tuple[list[str], Counter[str]]:
    failures: list[str] = []
    lookahead: Counter[str] = Counter()
    for seed in seeds:
        try:
            problems, counts = check_seed(seed)
        except Exception as error:  # a crash of the simulation is a failure of that seed
            failures.append(f"seed {seed}: {type(error).__name__}: {error}")
            continue
        failures += problems
        lookahead.update(counts)
        if counts["claimed"]:
            lookahead["seeds"] += 1
    return failures, lookahead


def test_simulated_runs_never_double_or_lose_a_todo() -> None:
    """Lookahead included: implementers claim their next TODO while they write one (the
    markers' size hints drawn right, wrong, absent or malformed), and those claims never
    make a TODO written twice or lost."""
    seeds = _seeds()
    workers = min(os.cpu_count() or 1, 4)
    failures: list[str] = []
    lookahead: Counter[str] = Counter()
    if workers > 1 and len(seeds) >= 50:
        chunks = [seeds[i::workers] for i in range(workers)]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            for part, counts in pool.map(_check_many, chunks):
                failures += part
                lookahead.update(counts)
    else:
        failures, lookahead = _check_many(seeds)
    print(
        f"claim simulation: {len(seeds)} seeds ({', '.join(map(str, seeds[:2]))}, …, "
        f"{seeds[-1]}; regression seeds {REGRESSION_SEEDS}), {workers} processes; "
        f"lookahead claims in {lookahead['seeds']} seeds: {lookahead['claimed']} claimed, "
        f"{lookahead['used']} used, {lookahead['released']} released unused"
    )
    # The simulation exercises lookahead at all (a default that never fires tests nothing).
    if len(seeds) >= 50:
        assert lookahead["claimed"] > 0 and lookahead["used"] > 0
    assert not failures, (
        f"{len(failures)} problem(s); replay with CODECRDT_CLAIM_SEED=<seed>:\n"
        + "\n".join(sorted(failures)[:20])
    )


# -- the board, step by step ------------------------------------------------------


async def _settle(hub: Hub, rounds: int = 40) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0.05)


def _marker(name: str) -> Marker:
    return Marker(name, "", "", 0, 0, 0)


def test_a_claim_waits_for_every_live_voter_then_one_rank_wins() -> None:
    async def main() -> None:
        hub = Hub(SharedDocument(""), HubOptions(resync_s=0.05, network=NetworkModel()))
        a = hub.connect("a", "implementer")
        b = hub.connect("b", "implementer")
        board_a = board.Board(a.document, "a", a.origin)
        board_b = board.Board(b.document, "b", b.origin)
        hub.board.create(_marker("t"), 1)
        await _settle(hub)
        claim_a = board_a.claim(board_a.records["t"])
        claim_b = board_b.claim(board_b.records["t"])
        # Nobody has acknowledged anything yet: both wait.
        assert board_a.outcome(claim_a) is board.Outcome.WAITING
        assert board_b.outcome(claim_b) is board.Outcome.WAITING
        await _settle(hub)
        # The hub acknowledges on its own; the agents' acknowledgements are theirs to publish.
        board_a.acknowledge()
        board_b.acknowledge()
        await _settle(hub)
        outcomes = {"a": board_a.outcome(claim_a), "b": board_b.outcome(claim_b)}
        expected = min(("a", "b"), key=lambda agent: board.rank("t", 0, agent))
        assert outcomes[expected] is board.Outcome.WON
        assert sorted(outcomes.values()) == sorted([board.Outcome.WON, board.Outcome.LOST])
        hub.close()

    run_virtual(main())


def test_a_fenced_agents_claim_no_longer_counts_and_its_writes_are_refused() -> None:
    async def main() -> None:
        hub = Hub(SharedDocument("x\n"), HubOptions(lease_s=1.0, resync_s=0.05))
        a = hub.connect("a", "implementer")
        board_a = board.Board(a.document, "a", a.origin)
        hub.board.create(_marker("t"), 1)
        await _settle(hub)
        board_a.claim(board_a.records["t"])
        a.stall(5.0)  # silent past its lease
        await asyncio.sleep(2.0)
        assert hub.links["a"].fenced
        assert hub.board.roster()["a"].state == "fenced"
        assert hub.board.live_claims(hub.board.records["t"]) == []
        await asyncio.sleep(4.0)  # it wakes up and writes
        a.document.insert(0, "late ", a.origin)
        await _settle(hub)
        assert hub.document.text == "x\n"
        assert a.fenced
        hub.close()

    run_virtual(main())


def test_fencing_an_owner_reverts_its_partial_text_and_reopens_the_todo() -> None:
    async def main() -> None:
        text = "def f():\n    # TODO(codecrdt:t): body\n"
        hub = Hub(SharedDocument(text), HubOptions(lease_s=1.0, resync_s=0.05))
        a = hub.connect("a", "implementer")
        board_a = board.Board(a.document, "a", a.origin)
        await _settle(hub)
        record = board_a.records["t"]
        assert record.status == "pending"
        claim = board_a.claim(record)
        board_a.acknowledge()
        await _settle(hub)
        assert board_a.outcome(claim) is board.Outcome.WON
        board_a.take(claim)
        a.document.insert(len("def f():\n"), "    half = 1\n", a.origin)
        await _settle(hub)
        assert "half = 1" in hub.document.text
        hub.document.insert(0, "# user\n", "editor")  # the user types meanwhile
        a.crash()
        await asyncio.sleep(2.0)
        assert hub.links["a"].fenced
        assert hub.document.text == "# user\n" + text
        reopened = hub.board.records["t"]
        assert (reopened.status, reopened.epoch, reopened.owner) == ("pending", 1, "")
        hub.close()

    run_virtual(main())


def test_replicas_converge_through_a_lossy_reordering_network() -> None:
    async def main() -> None:
        rng = random.Random(5)
        model = NetworkModel(max_delay_s=0.2, drop=0.3, duplicate=0.3)
        hub = Hub(SharedDocument(""), HubOptions(resync_s=0.05, network=model), rng=rng)
        replicas = [hub.connect(f"r{i}", "implementer") for i in range(4)]
        for step in range(200):
            replica = rng.choice(replicas)
            document = replica.document
            position = rng.randint(0, len(document))
            if document.text and rng.random() < 0.3:
                end = min(len(document), position + rng.randint(1, 4))
                document.replace(position, end, "", replica.origin)
            else:
                document.insert(position, f"<{step}>", replica.origin)
            await asyncio.sleep(rng.uniform(0, 0.02))
        for _ in range(200):
            if hub.settled():
                break
            await asyncio.sleep(0.05)
        assert hub.settled()
        assert {r.document.text for r in replicas} == {hub.document.text}
        hub.close()

    run_virtual(main())


@pytest.mark.parametrize("seed", [0, 1])
def test_the_same_seed_replays_the_same_run(seed: int) -> None:
    from claim_simulation import make_scenario, run_scenario

    first = run_scenario(make_scenario(seed))
    second = run_scenario(make_scenario(seed))
    assert first[0] == second[0]
    assert first[1].timeline == second[1].timeline
    assert first[1].fenced == second[1].fenced
