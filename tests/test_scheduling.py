"""Scheduling: implementers take the largest TODO first (the markers' size hints) and look
ahead, claiming their next TODO and opening its stream while the current one ends.

Runs here are whole ``generate`` runs (hub, replicas, claims, agents) with the scripted
provider on a virtual clock, on a file whose markers are the outline; what is checked is
what a user sees: the order TODOs were claimed in (the report's timeline), the run's wall
time, who wrote which TODO, and the final text. The randomized side (lookahead claims
never double or lose a TODO) is the claim simulation, ``tests/test_claims.py``.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter

from codecrdt.agents import board
from codecrdt.agents.context import RunContext, RunEvent
from codecrdt.agents.implementer import ImplementerOptions
from codecrdt.agents.providers.scripted import ScriptedProvider
from codecrdt.agents.run import Report, RunOptions, generate
from codecrdt.agents.script import Latency, assemble, parse_script
from codecrdt.agents.virtual_time import run_virtual
from codecrdt.analysis.languages import language_named
from codecrdt.clock import Clock
from codecrdt.document import SharedDocument


def _record(name: str, order: int, size: int) -> board.TodoRecord:
    return board.TodoRecord(name, "", "pending", 0, "", 0, order, (), 0, size)


def test_largest_first_orders_by_size_hint_then_outline_order() -> None:
    records = [
        _record("a", 1, 10),
        _record("b", 2, 40),
        _record("c", 3, 0),  # no hint: the median of the hinted ones (10)
        _record("d", 4, 10),
        _record("e", 5, 3),
    ]
    assert [r.name for r in board.largest_first(records)] == ["b", "a", "c", "d", "e"]
    # Without any hint the outline's order is kept.
    plain = [_record(n, i, 0) for i, n in enumerate("xyz")]
    assert [r.name for r in board.largest_first(reversed(plain))] == ["x", "y", "z"]


def _body(name: str, lines: int) -> str:
    return "".join(f"value = value + {i}  # {name} {i}\n" for i in range(lines)) + "return value\n"


def _task(todos: list[tuple[str, str, int]]) -> tuple[str, dict[str, dict[str, str]]]:
    """An outline with one function per TODO (name, size hint, body lines)."""
    outline = "import sys\n"
    bodies = {}
    for name, hint, lines in todos:
        outline += f"\n\ndef {name}(value):\n    # TODO(codecrdt:{name}{hint}): compute {name}\n"
        bodies[name] = {"text": _body(name, lines)}
    return outline, bodies


def _run(
    todos: list[tuple[str, str, int]],
    agents: int,
    latency: Latency,
    *,
    lookahead: bool = True,
) -> tuple[str, str, Report, list[RunEvent]]:
    """The run on a file holding the outline: expected text, final text, report, events."""
    outline, bodies = _task(todos)
    script = parse_script(
        {
            "task": {"name": "scheduling", "language": "python", "spec": "scheduling"},
            "outline": {"text": outline},
            "todos": bodies,
        },
        "<scheduling>",
    )
    events: list[RunEvent] = []

    async def main() -> tuple[str, Report]:
        clock = Clock.virtual()
        document = SharedDocument(outline)
        language = language_named("python")
        assert language is not None
        provider = ScriptedProvider(script, seed=1, latency=latency, clock=clock)
        ctx = RunContext(
            provider,
            language,
            script.spec,
            rng=random.Random(1),
            clock=clock,
            on_event=events.append,
        )
        options = RunOptions(
            agents=agents,
            outline="file",
            seed=1,
            implementer=ImplementerOptions(lookahead=lookahead),
        )
        report = await asyncio.wait_for(generate(document, ctx, options), 600)
        return document.text, report

    text, report = run_virtual(main())
    return assemble(script.outline, script.todos), text, report, events


def _lookahead(events: list[RunEvent]) -> list[tuple[str, str, str]]:
    return [
        (e.agent, str(e.details["todo"]), str(e.details["state"]))
        for e in events
        if e.kind == "lookahead"
    ]


def _claim_order(report: Report) -> list[str]:
    todos = report.timeline["todos"]
    return [t["name"] for t in sorted(todos, key=lambda t: t["claimed_s"])]


LATENCY = Latency(ttft_s=1.5, chars_per_s=200.0, jitter=0.0)


def test_one_implementer_takes_the_largest_todo_first() -> None:
    todos = [("small", " ~3 lines", 2), ("large", " ~30 lines", 29), ("middle", " ~10", 9)]
    for lookahead in (False, True):
        expected, text, report, _ = _run(todos, 1, LATENCY, lookahead=lookahead)
        assert text == expected
        assert _claim_order(report) == ["large", "middle", "small"], lookahead
        assert (report.double_claims, report.lost_todos) == (0, 0)


def test_without_hints_the_outline_order_is_kept() -> None:
    todos = [("first", "", 2), ("second", "", 29), ("third", " ~forty lines", 9)]
    _expected, _text, report, _ = _run(todos, 1, LATENCY, lookahead=False)
    assert _claim_order(report) == ["first", "second", "third"]


def test_lookahead_hides_the_next_answers_first_token_time() -> None:
    """One implementer, four TODOs: with lookahead each next stream opens while the current
    one ends, so three of the four first-token waits (1.5 s each) no longer add up."""
    todos = [(f"step_{i}", " ~12 lines", 11) for i in range(4)]
    expected, text, plain, plain_events = _run(todos, 1, LATENCY, lookahead=False)
    assert text == expected and _lookahead(plain_events) == []
    expected, text, ahead, events = _run(todos, 1, LATENCY, lookahead=True)
    assert text == expected
    states = Counter(state for _agent, _todo, state in _lookahead(events))
    assert states == Counter({"claimed": 3, "used": 3})
    print(f"one implementer, 4 TODOs: {plain.wall_s} s without lookahead, {ahead.wall_s} s with")
    saved = plain.wall_s - ahead.wall_s
    assert 3 * 1.5 * 0.6 < saved <= 3 * 1.5 + 0.5
    assert (ahead.double_claims, ahead.lost_todos) == (0, 0)


def test_a_lookahead_claim_is_released_unused_when_its_todo_can_start_sooner_elsewhere() -> None:
    """``long``'s hint says 20 lines but it takes 60: its writer claims ``next`` ahead at
    line 20, then ``big``'s writer becomes idle while ``long`` is still far from its end, so
    ``next`` is handed back unused and the idle implementer writes it, once."""
    slow = Latency(ttft_s=0.5, chars_per_s=120.0, jitter=0.0)
    todos = [("big", " ~30 lines", 29), ("long", " ~20 lines", 59), ("next", " ~3 lines", 2)]
    expected, text, report, events = _run(todos, 2, slow)
    assert text == expected
    assert (report.double_claims, report.lost_todos) == (0, 0)
    owners = {t["name"]: t["writers"] for t in report.todos}
    long_writer = owners["long"][0]
    assert (long_writer, "next", "claimed") in _lookahead(events)
    assert (long_writer, "next", "released") in _lookahead(events)
    assert owners["next"] == owners["big"] != [long_writer]
    assert all(t["status"] == "done" for t in report.todos)
