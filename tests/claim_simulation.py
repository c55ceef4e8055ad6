"""Seeded simulations of whole parallel runs under network faults, crashes and stalls.

Each seed draws a task (TODOs with unique bodies), a network (delays, reordering,
duplicates, losses), lease and resync times, model latency and faults (agents that crash
or stall past their lease at random moments, streams that break), and runs the real hub,
replicas and agents with the scripted provider on a virtual clock. A run is correct when
the final document is exactly the outline with every TODO's body once, every replica holds
that text, and the report counts no double and no lost TODO.

Replay one seed: ``CODECRDT_CLAIM_SEED=123 pytest tests/test_claims.py -k simulation``.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass

from codecrdt.agents.context import RunContext, RunEvent
from codecrdt.agents.implementer import ImplementerOptions
from codecrdt.agents.network import NetworkModel
from codecrdt.agents.providers.retry import RetryPolicy
from codecrdt.agents.providers.scripted import ScriptedProvider
from codecrdt.agents.run import AgentFault, Report, RunOptions, generate
from codecrdt.agents.script import Fault, Latency, Script, assemble, parse_script
from codecrdt.agents.virtual_time import run_virtual
from codecrdt.analysis.languages import language_named
from codecrdt.clock import Clock
from codecrdt.document import SharedDocument


@dataclass
class Scenario:
    seed: int
    script: Script
    options: RunOptions
    faults: tuple[Fault, ...]

    def describe(self) -> str:
        o = self.options
        return (
            f"seed {self.seed}: {len(self.script.todos)} TODOs, {o.agents} agents, "
            f"lease {o.lease_s:.2f}s, network {o.network}, faults {list(o.faults)}, "
            f"stream faults {[(f.key, f.kind) for f in self.faults]}"
        )


def _size_hint(rng: random.Random, lines: int) -> str:
    """A marker's size hint as an Outliner might write it: right, wrong, absent or
    malformed (ignored), so lookahead is timed well, badly and by the default."""
    kind = rng.choice(["exact", "exact", "under", "over", "none", "malformed"])
    if kind == "exact":
        return f" ~{lines} lines"
    if kind == "under":
        return " ~1 line"
    if kind == "over":
        return f" ~{lines * rng.randint(3, 10)} lines"
    if kind == "malformed":
        return rng.choice([" ~many lines", " ~0 lines", " ~12 chars"])
    return ""


def make_scenario(seed: int) -> Scenario:
    rng = random.Random(seed)
    # The size hints come from their own generator: every other draw of a seed is what it
    # was before markers had hints (the regression seeds keep their scenarios).
    hints = random.Random(f"hints-{seed}")
    count = rng.randint(2, 7)
    names = [f"step_{i}" for i in range(count)]
    outline = ["import sys\n", "\n"]
    todos = {}
    for name in names:
        lines = rng.randint(1, 6)
        outline += [
            "\n",
            f"def {name}(value):\n",
            f'    """Part {name}."""\n',
            f"    # TODO(codecrdt:{name}{_size_hint(hints, lines + 1)}): compute {name}\n",
        ]
        todos[name] = {
            "text": "".join(f"value = value + {i}  # {name} line {i}\n" for i in range(lines))
            + "return value\n"
        }
    data = {
        "task": {"name": f"sim-{seed}", "language": "python", "spec": "simulation"},
        "outline": {"text": "".join(outline)},
        "todos": todos,
    }
    script = parse_script(data, f"<simulation {seed}>")
    agents = rng.choice([1, 2, 3, 3, 5, 8])
    lease = rng.uniform(0.8, 4.0)
    max_delay = rng.choice([0.0, 0.02, 0.1, 0.3])
    network = NetworkModel(
        min_delay_s=0.0,
        max_delay_s=max_delay,
        drop=rng.choice([0.0, 0.05, 0.2]),
        duplicate=rng.choice([0.0, 0.1, 0.3]),
    )
    faults: list[AgentFault] = []
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        agent = f"impl-{rng.randint(1, agents)}"
        at = rng.uniform(0.0, 8.0)
        if rng.random() < 0.5:
            faults.append(AgentFault(agent, "crash", at))
        else:
            faults.append(AgentFault(agent, "stall", at, rng.choice([0.3, 1.0, 3.0]) * lease))
    stream_faults: list[Fault] = []
    for name in rng.sample(names, k=min(len(names), rng.choice([0, 0, 1, 2]))):
        kind = rng.choice(["disconnect", "rate_limit", "server_error"])
        stream_faults.append(
            Fault(f"todo:{name}", kind, at_token=rng.randint(0, 20), retry_after_s=0.5)
        )
    options = RunOptions(
        agents=agents,
        lease_s=lease,
        resync_s=rng.choice([0.05, 0.1, 0.25]),
        network=network,
        faults=tuple(faults),
        implementer=ImplementerOptions(backoff_s=0.1, idle_poll_s=0.5),
        max_restarts=12,
        seed=seed,
    )
    return Scenario(seed, script, options, tuple(stream_faults))


def run_scenario(scenario: Scenario) -> tuple[str, Report, Counter[str]]:
    """The run's final text, its report, and its lookahead claims by what became of
    them (``claimed``, ``used``, ``released``)."""
    rng = random.Random(scenario.seed)
    latency = Latency(ttft_s=rng.uniform(0.1, 1.5), chars_per_s=rng.uniform(80, 600), jitter=0.5)

    lookahead: Counter[str] = Counter()

    def count(event: RunEvent) -> None:
        if event.kind == "lookahead":
            lookahead[str(event.details["state"])] += 1

    async def main() -> tuple[str, Report, Counter[str]]:
        document = SharedDocument("")
        clock = Clock.virtual()
        provider = ScriptedProvider(
            scenario.script,
            seed=scenario.seed,
            latency=latency,
            faults=scenario.faults,
            clock=clock,
        )
        language = language_named("python")
        assert language is not None
        ctx = RunContext(
            provider,
            language,
            scenario.script.spec,
            policy=RetryPolicy(max_attempts=6, base_delay_s=0.2, idle_timeout_s=5.0),
            rng=random.Random(scenario.seed),
            clock=clock,
            on_event=count,
        )
        report = await asyncio.wait_for(generate(document, ctx, scenario.options), 600)
        return document.text, report, lookahead

    return run_virtual(main())


def check_seed(seed: int) -> tuple[list[str], Counter[str]]:
    """Problems found in the run of ``seed`` (empty when it is correct), and its lookahead
    claims by what became of them."""
    scenario = make_scenario(seed)
    text, report, lookahead = run_scenario(scenario)
    expected = assemble(scenario.script.outline, scenario.script.todos)
    problems = []
    if report.double_claims:
        problems.append(f"{report.double_claims} TODO(s) written by two agents")
    if report.lost_todos:
        problems.append(f"{report.lost_todos} TODO(s) lost")
    if not report.converged:
        problems.append(f"replicas differ: {report.replica_hashes}")
    if any(t["status"] != "done" for t in report.todos):
        problems.append(f"unfinished TODOs: {report.todos}")
    if text != expected:
        problems.append("final text differs from the outline with each body once")
    if report.stopped_by is not None:
        problems.append(f"stopped by {report.stopped_by}: {report.error}")
    if lookahead["used"] > lookahead["claimed"]:
        problems.append(f"more lookahead claims used than claimed: {dict(lookahead)}")
    return [f"{scenario.describe()}: {p}" for p in problems], lookahead
